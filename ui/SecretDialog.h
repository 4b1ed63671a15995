#pragma once

#include "GuardedDialog.h"

#include <QList>

#include <functional>
#include <utility>

class QLabel;
class QLineEdit;
class QPushButton;

namespace orteam {

class ClipboardGuard;

// Shows a new key's secret exactly once. It lives only in this dialog's line edit: copying puts
// it on the clipboard for 30 s at most, and closing the dialog wipes it. It is never written to
// disk, settings, database or log. Closing it before the secret was copied (Esc, the window's
// close button) asks first: the secret cannot be shown again.
class SecretDialog final : public GuardedDialog
{
    Q_OBJECT

public:
    enum class Kind { ApiKey, GatewayToken };
    SecretDialog(const QString &keyName, const QString &secret, QWidget *parent = nullptr, Kind kind = Kind::ApiKey);
    ~SecretDialog() override;

    void done(int result) override;
    bool wasCopied() const { return m_wasCopied; }

    // Shows each new key's secret once, one dialog after another (a bulk rotation makes several),
    // then calls `finished`.
    static void showInTurn(QWidget *parent, const QList<std::pair<QString, QString>> &namesAndSecrets,
                           std::function<void()> finished = {});

protected:
    QString closeQuestion() const override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void wipe();
    void copy();

    QLineEdit *m_secret;
    QPushButton *m_copy;
    QLabel *m_copied;
    ClipboardGuard *m_clipboard;
    bool m_wasCopied = false;
};

} // namespace orteam
