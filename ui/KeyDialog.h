#pragma once

#include "ApiKey.h"
#include "KeyRequests.h"

#include <QDateTime>
#include "GuardedDialog.h"

#include <functional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace orteam {

// Create a key, or edit one (rename, limit, reset, BYOK). The dialog stays open while OpenRouter
// answers; on an error it shows the message and keeps what was typed.
class KeyDialog final : public GuardedDialog
{
    Q_OBJECT

public:
    enum class Mode { Create, Edit };
    // `nameTaken` tells whether another key already has a name (a warning, not an error:
    // OpenRouter allows it, but two keys with one name are easy to confuse).
    KeyDialog(Mode mode, std::function<bool(const QString &)> nameTaken, const QDateTime &now, QWidget *parent = nullptr);

    void setKey(const ApiKey &key); // Edit: the key being changed
    NewKeySpec spec() const;        // Create
    KeyUpdate update() const;       // Edit: only what changed
    QString validationError() const;

    void setBusy(bool busy);
    void showError(const QString &message);

Q_SIGNALS:
    void submitted();

private:
    void revalidate();
    std::optional<double> limitValue() const;
    LimitReset resetValue() const;

    Mode m_mode;
    std::function<bool(const QString &)> m_nameTaken;
    QDateTime m_now;
    ApiKey m_original;
    QLineEdit *m_name;
    QLabel *m_message;
    QCheckBox *m_hasLimit;
    QDoubleSpinBox *m_limit;
    QComboBox *m_reset;
    QCheckBox *m_hasExpiry = nullptr;
    QDateEdit *m_expiry = nullptr;
    QCheckBox *m_byok;
    QDialogButtonBox *m_buttons;
    QPushButton *m_ok;
};

} // namespace orteam
