#pragma once

#include "Notify.h"

#include <QDialog>
#include <QHash>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTextBrowser;
class QTimeEdit;

namespace orteam {

class NotifyController;

// Adds or edits a destination: its kind, routing (alert kinds, reports, tiers, quiet hours) and
// secret, with a preview of a sample alert or weekly report as it will arrive. The secret is never
// shown back: on edit its fields start empty, and an empty field keeps what the keychain holds.
// Saving goes through the controller while the dialog stays open, so a refusal (a bad value, a
// keychain that would not keep the secret) is shown here and nothing typed is lost.
class DestinationDialog final : public QDialog
{
    Q_OBJECT

public:
    // `existing`: the destination edited (none: a new one). `tiers`: the team's tiers to route by.
    DestinationDialog(NotifyController *controller, const std::optional<Destination> &existing, const QStringList &tiers,
                      QWidget *parent = nullptr);

    // What the fields say now (not yet checked).
    Destination destination() const;
    DestinationSecret secret() const;
    QString problemText() const;
    QTextBrowser *preview() const { return m_preview; }
    // Samples the preview shows (the README's pictures are of these).
    static Alert sampleAlert();
    static TeamReport sampleReport(const QDate &to);

private:
    void updateKind();
    void updatePreview();
    void save();
    void showProblem(const QString &text);

    NotifyController *m_controller;
    bool m_isNew;
    Destination m_original;
    QComboBox *m_kind;
    QLineEdit *m_id;
    QLineEdit *m_name;
    QCheckBox *m_enabled;
    QHash<int, QCheckBox *> m_alertKinds; // Alert::Kind → its box
    QCheckBox *m_weekly;
    QCheckBox *m_monthly;
    QListWidget *m_tiers;
    QCheckBox *m_quiet;
    QTimeEdit *m_quietFrom;
    QTimeEdit *m_quietTo;
    QComboBox *m_timeZone;
    QFormLayout *m_secretForm;
    QLineEdit *m_url;
    QLineEdit *m_signingKey;
    QPushButton *m_generate;
    QWidget *m_signingRow;
    QGroupBox *m_emailBox;
    QLineEdit *m_smtpHost;
    QSpinBox *m_smtpPort;
    QComboBox *m_security;
    QLineEdit *m_smtpUser;
    QLineEdit *m_password;
    QLineEdit *m_from;
    QLineEdit *m_to;
    QLineEdit *m_caFile;
    QRadioButton *m_previewAlert;
    QRadioButton *m_previewReport;
    QTextBrowser *m_preview;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace orteam
