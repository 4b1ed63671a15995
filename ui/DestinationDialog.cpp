#include "DestinationDialog.h"
#include "Theme.h"

#include "NotifyController.h"
#include "FormRows.h"
#include "NotifyPreview.h"
#include "ReportChart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QTextBrowser>
#include <QTimeEdit>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QLineEdit *secretEdit(QWidget *parent, const QString &name, const QString &placeholder)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setEchoMode(QLineEdit::Password);
    edit->setPlaceholderText(placeholder);
    return edit;
}

QLineEdit *lineEdit(QWidget *parent, const QString &name, const QString &text = {}, const QString &placeholder = {})
{
    auto *edit = new QLineEdit(text, parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    return edit;
}
} // namespace

Alert DestinationDialog::sampleAlert()
{
    Alert a;
    a.kind = Alert::Kind::Budget;
    a.id = u"budget:jamal:sample:80"_s;
    a.subject = u"Jamal"_s;
    a.member = u"jamal"_s;
    a.percent = 80;
    a.text = u"Jamal is at 80% of his daily budget: $8.04 of $10.00 spent today (UTC)."_s;
    return a;
}

TeamReport DestinationDialog::sampleReport(const QDate &to)
{
    TeamReport r;
    r.period = ReportPeriod::Weekly;
    r.to = to;
    r.from = to.addDays(-6);
    r.previousTo = r.from.addDays(-1);
    r.previousFrom = r.previousTo.addDays(-6);
    auto row = [](const QString &member, double cost, qint64 requests, double previous, std::optional<double> limit) {
        TeamReportRow x;
        x.member = member;
        x.cost = cost;
        x.requests = requests;
        x.previousCost = previous;
        x.change = previous > 0 ? std::optional<double>((cost - previous) / previous) : std::nullopt;
        x.forecast = cost + (cost - previous) / 2;
        x.dailyLimit = limit;
        return x;
    };
    r.rows = {row(u"jamal"_s, 61.20, 1840, 38.75, 10), row(u"ana"_s, 24.10, 912, 27.30, 5), row(u"li"_s, 11.85, 403, 9.10, 5),
              row(u"sam"_s, 3.40, 96, 0, std::nullopt)};
    for (const TeamReportRow &x : std::as_const(r.rows)) {
        r.total += x.cost;
        r.previousTotal += x.previousCost;
    }
    r.change = (r.total - r.previousTotal) / r.previousTotal;
    r.forecast = r.total + (r.total - r.previousTotal) / 2;
    return r;
}

DestinationDialog::DestinationDialog(NotifyController *controller, const std::optional<Destination> &existing, const QStringList &tiers,
                                     QWidget *parent)
    : QDialog(parent), m_controller(controller), m_isNew(!existing), m_original(existing.value_or(Destination{}))
{
    setObjectName(u"destinationDialog"_s);
    setWindowTitle(m_isNew ? tr("Add destination") : tr("Edit %1").arg(m_original.name));
    const Destination &d = m_original;

    // ---- What and where ----
    auto *left = new QWidget(this);
    left->setObjectName(u"destinationFieldsWidget"_s);
    auto *form = new QFormLayout;
    m_kind = new QComboBox(left);
    m_kind->setObjectName(u"destinationKindComboBox"_s);
    for (Destination::Kind k : {Destination::Kind::Slack, Destination::Kind::Teams, Destination::Kind::Webhook, Destination::Kind::Email})
        m_kind->addItem(destinationKindTitle(k), int(k));
    m_kind->setCurrentIndex(m_kind->findData(int(d.kind)));
    addNamedRow(form, tr("Kind:"), m_kind);
    // The id names the keychain entry and the row: it cannot change once saved.
    m_id = lineEdit(left, u"destinationIdLineEdit"_s, d.id, tr("team-slack"));
    m_id->setEnabled(m_isNew);
    addNamedRow(form, tr("Id:"), m_id);
    m_name = lineEdit(left, u"destinationNameLineEdit"_s, d.name, tr("#team-spend on Slack"));
    addNamedRow(form, tr("Name:"), m_name);
    m_enabled = new QCheckBox(tr("Enabled (while disabled it takes no new alerts or reports; waiting ones stay)"), left);
    m_enabled->setObjectName(u"destinationEnabledCheckBox"_s);
    m_enabled->setChecked(d.enabled);
    form->addRow(QString(), m_enabled);

    auto *takes = new QGroupBox(tr("What it takes"), left);
    takes->setObjectName(u"destinationTakesGroupBox"_s);
    auto *takesGrid = new QGridLayout(takes);
    int i = 0;
    for (Alert::Kind k : allAlertKinds()) {
        auto *box = new QCheckBox(alertKindTitle(k), takes);
        box->setObjectName(u"alertKind_%1_CheckBox"_s.arg(alertKindId(k)));
        box->setChecked(m_isNew || d.alertKinds.contains(k));
        m_alertKinds.insert(int(k), box);
        takesGrid->addWidget(box, i / 2, i % 2);
        ++i;
    }
    m_weekly = new QCheckBox(tr("Weekly report (Mondays)"), takes);
    m_weekly->setObjectName(u"weeklyReportCheckBox"_s);
    m_weekly->setChecked(d.weeklyReport);
    m_monthly = new QCheckBox(tr("Monthly report (the 1st)"), takes);
    m_monthly->setObjectName(u"monthlyReportCheckBox"_s);
    m_monthly->setChecked(d.monthlyReport);
    const int row = (i + 1) / 2;
    takesGrid->addWidget(m_weekly, row, 0);
    takesGrid->addWidget(m_monthly, row, 1);

    auto *tierLabel = new QLabel(tr("About members of these tiers (none ticked: everyone; team-wide alerts always):"), takes);
    tierLabel->setObjectName(u"destinationTiersLabel"_s);
    tierLabel->setWordWrap(true);
    takesGrid->addWidget(tierLabel, row + 1, 0, 1, 2);
    m_tiers = new QListWidget(takes);
    m_tiers->setObjectName(u"destinationTiersListWidget"_s);
    m_tiers->setMaximumHeight(80);
    QStringList tierNames = tiers;
    for (const QString &t : d.tiers) { // a tier since removed stays listed, so saving drops nothing silently
        if (!tierNames.contains(t))
            tierNames << t;
    }
    for (const QString &t : std::as_const(tierNames)) {
        auto *item = new QListWidgetItem(t, m_tiers);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(d.tiers.contains(t) ? Qt::Checked : Qt::Unchecked);
    }
    takesGrid->addWidget(m_tiers, row + 2, 0, 1, 2);

    auto *quietRow = new QWidget(takes);
    quietRow->setObjectName(u"quietHoursWidget"_s);
    auto *quietLayout = new QHBoxLayout(quietRow);
    quietLayout->setContentsMargins(0, 0, 0, 0);
    m_quiet = new QCheckBox(tr("Quiet hours from"), quietRow);
    m_quiet->setObjectName(u"quietHoursCheckBox"_s);
    m_quiet->setToolTip(tr("Messages wait until the quiet hours end; none is dropped."));
    m_quiet->setChecked(d.quietFrom.has_value());
    m_quietFrom = new QTimeEdit(d.quietFrom.value_or(QTime(20, 0)), quietRow);
    m_quietFrom->setObjectName(u"quietFromTimeEdit"_s);
    m_quietFrom->setDisplayFormat(u"HH:mm"_s);
    m_quietTo = new QTimeEdit(d.quietTo.value_or(QTime(8, 0)), quietRow);
    m_quietTo->setObjectName(u"quietToTimeEdit"_s);
    m_quietTo->setDisplayFormat(u"HH:mm"_s);
    m_timeZone = new QComboBox(quietRow);
    m_timeZone->setObjectName(u"quietTimeZoneComboBox"_s);
    m_timeZone->setEditable(true);
    m_timeZone->lineEdit()->setObjectName(u"quietTimeZoneLineEdit"_s);
    for (const QByteArray &z : QTimeZone::availableTimeZoneIds())
        m_timeZone->addItem(QString::fromLatin1(z));
    m_timeZone->setCurrentText(d.timeZone);
    auto *toLabel = new QLabel(tr("to"), quietRow);
    toLabel->setObjectName(u"quietToLabel"_s);
    quietLayout->addWidget(m_quiet);
    quietLayout->addWidget(m_quietFrom);
    quietLayout->addWidget(toLabel);
    quietLayout->addWidget(m_quietTo);
    quietLayout->addWidget(m_timeZone, 1);
    takesGrid->addWidget(quietRow, row + 3, 0, 1, 2);

    // ---- The secret: kept in the keychain, never shown back ----
    auto *secretBox = new QGroupBox(tr("Secret (kept in the system keychain)"), left);
    secretBox->setObjectName(u"destinationSecretGroupBox"_s);
    m_secretForm = new QFormLayout(secretBox);
    const QString keep = m_isNew ? QString() : tr("unchanged");
    m_url = secretEdit(secretBox, u"webhookUrlLineEdit"_s, m_isNew ? u"https://hooks.slack.com/services/…"_s : keep);
    addNamedRow(m_secretForm, tr("Webhook URL:"), m_url);
    m_signingRow = new QWidget(secretBox);
    m_signingRow->setObjectName(u"signingKeyWidget"_s);
    auto *signingLayout = new QHBoxLayout(m_signingRow);
    signingLayout->setContentsMargins(0, 0, 0, 0);
    m_signingKey = secretEdit(m_signingRow, u"signingKeyLineEdit"_s, m_isNew ? tr("at least 16 characters") : keep);
    m_generate = new QPushButton(tr("Generate"), m_signingRow);
    m_generate->setObjectName(u"generateSigningKeyButton"_s);
    m_generate->setToolTip(tr("A random key; give it to the receiver to check X-Orteam-Signature."));
    signingLayout->addWidget(m_signingKey, 1);
    signingLayout->addWidget(m_generate);
    addNamedRow(m_secretForm, tr("Signing key:"), m_signingRow);
    m_password = secretEdit(secretBox, u"smtpPasswordLineEdit"_s, keep);
    addNamedRow(m_secretForm, tr("SMTP password:"), m_password);
    connect(m_generate, &QPushButton::clicked, this, [this] {
        QByteArray bytes(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
        m_signingKey->setText(QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
        // The person has to hand it to the receiver, so this once it is shown.
        m_signingKey->setEchoMode(QLineEdit::Normal);
    });

    m_emailBox = new QGroupBox(tr("Email"), left);
    m_emailBox->setObjectName(u"destinationEmailGroupBox"_s);
    auto *emailForm = new QFormLayout(m_emailBox);
    auto *server = new QWidget(m_emailBox);
    server->setObjectName(u"smtpServerWidget"_s);
    auto *serverLayout = new QHBoxLayout(server);
    serverLayout->setContentsMargins(0, 0, 0, 0);
    m_smtpHost = lineEdit(server, u"smtpHostLineEdit"_s, d.smtpHost, u"smtp.example.com"_s);
    m_smtpPort = new QSpinBox(server);
    m_smtpPort->setObjectName(u"smtpPortSpinBox"_s);
    m_smtpPort->setRange(0, 65535);
    m_smtpPort->setValue(d.smtpPort);
    m_security = new QComboBox(server);
    m_security->setObjectName(u"smtpSecurityComboBox"_s);
    m_security->addItem(tr("STARTTLS"), int(Destination::Security::StartTls));
    m_security->addItem(tr("TLS"), int(Destination::Security::Tls));
    m_security->addItem(tr("None (local relay)"), int(Destination::Security::None));
    m_security->setCurrentIndex(m_security->findData(int(d.security)));
    connect(m_security, &QComboBox::currentIndexChanged, this, [this] {
        // Each security's usual port, unless the person chose another one.
        static const QList<int> usual{587, 465, 25};
        if (usual.contains(m_smtpPort->value()))
            m_smtpPort->setValue(usual.value(m_security->currentIndex()));
    });
    serverLayout->addWidget(m_smtpHost, 1);
    serverLayout->addWidget(m_smtpPort);
    serverLayout->addWidget(m_security);
    addNamedRow(emailForm, tr("Server:"), server);
    m_smtpUser = lineEdit(m_emailBox, u"smtpUserLineEdit"_s, d.smtpUser, tr("empty: no authentication"));
    addNamedRow(emailForm, tr("User:"), m_smtpUser);
    m_from = lineEdit(m_emailBox, u"emailFromLineEdit"_s, d.from, u"orteam@example.com"_s);
    addNamedRow(emailForm, tr("From:"), m_from);
    m_to = lineEdit(m_emailBox, u"emailToLineEdit"_s, d.to.join(u", "_s), u"lead@example.com, finance@example.com"_s);
    addNamedRow(emailForm, tr("To:"), m_to);
    m_caFile = lineEdit(m_emailBox, u"smtpCaFileLineEdit"_s, d.caFile, tr("optional: a PEM file to trust besides the system's"));
    addNamedRow(emailForm, tr("CA file:"), m_caFile);

    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(form);
    leftLayout->addWidget(takes);
    leftLayout->addWidget(secretBox);
    leftLayout->addWidget(m_emailBox);
    leftLayout->addStretch(1);

    // ---- Preview ----
    auto *previewBox = new QGroupBox(tr("Preview"), this);
    previewBox->setObjectName(u"destinationPreviewGroupBox"_s);
    auto *previewLayout = new QVBoxLayout(previewBox);
    auto *which = new QHBoxLayout;
    m_previewAlert = new QRadioButton(tr("An alert"), previewBox);
    m_previewAlert->setObjectName(u"previewAlertRadioButton"_s);
    m_previewAlert->setChecked(true);
    m_previewReport = new QRadioButton(tr("The weekly report"), previewBox);
    m_previewReport->setObjectName(u"previewReportRadioButton"_s);
    which->addWidget(m_previewAlert);
    which->addWidget(m_previewReport);
    which->addStretch(1);
    previewLayout->addLayout(which);
    m_preview = new QTextBrowser(previewBox);
    m_preview->setObjectName(u"destinationPreviewTextBrowser"_s);
    m_preview->setOpenLinks(false);
    m_preview->setMinimumWidth(460);
    // How it looks where it arrives: on white, as Slack, Teams and mail programs show it.
    QPalette white = m_preview->palette();
    white.setColor(QPalette::Base, Qt::white);
    white.setColor(QPalette::Text, QColor(0x1d, 0x1c, 0x1d));
    m_preview->setPalette(white);
    previewLayout->addWidget(m_preview, 1);

    m_problem = new QLabel(this);
    m_problem->setObjectName(u"destinationProblemLabel"_s);
    m_problem->setWordWrap(true);
    theme::styleToneText(m_problem, theme::Tone::Over);
    m_problem->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(u"destinationButtonBox"_s);
    m_buttons->button(QDialogButtonBox::Save)->setObjectName(u"destinationSaveButton"_s);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(u"destinationCancelButton"_s);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &DestinationDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *columns = new QHBoxLayout;
    columns->addWidget(left, 1);
    columns->addWidget(previewBox, 1);
    auto *outer = new QVBoxLayout(this);
    outer->addLayout(columns, 1);
    outer->addWidget(m_problem);
    outer->addWidget(m_buttons);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &DestinationDialog::updateKind);
    for (QLineEdit *e : {m_name, m_from, m_to, m_smtpHost})
        connect(e, &QLineEdit::textChanged, this, &DestinationDialog::updatePreview);
    connect(m_previewReport, &QRadioButton::toggled, this, &DestinationDialog::updatePreview);
    updateKind();
    resize(1240, 740);
}

void DestinationDialog::updateKind()
{
    const auto kind = Destination::Kind(m_kind->currentData().toInt());
    const bool email = kind == Destination::Kind::Email;
    m_secretForm->setRowVisible(m_url, !email);
    m_secretForm->setRowVisible(m_signingRow, kind == Destination::Kind::Webhook);
    m_secretForm->setRowVisible(m_password, email);
    m_emailBox->setVisible(email);
    updatePreview();
}

Destination DestinationDialog::destination() const
{
    Destination d = m_original; // what the dialog does not show (none today) is kept
    d.kind = Destination::Kind(m_kind->currentData().toInt());
    d.id = m_id->text().trimmed();
    d.name = m_name->text().trimmed();
    d.enabled = m_enabled->isChecked();
    d.alertKinds.clear();
    for (Alert::Kind k : allAlertKinds()) {
        if (m_alertKinds.value(int(k))->isChecked())
            d.alertKinds << k;
    }
    d.weeklyReport = m_weekly->isChecked();
    d.monthlyReport = m_monthly->isChecked();
    d.tiers.clear();
    for (int i = 0; i < m_tiers->count(); ++i) {
        if (m_tiers->item(i)->checkState() == Qt::Checked)
            d.tiers << m_tiers->item(i)->text();
    }
    d.quietFrom = m_quiet->isChecked() ? std::optional<QTime>(m_quietFrom->time()) : std::nullopt;
    d.quietTo = m_quiet->isChecked() ? std::optional<QTime>(m_quietTo->time()) : std::nullopt;
    d.timeZone = m_timeZone->currentText().trimmed();
    d.smtpHost = m_smtpHost->text().trimmed();
    d.smtpPort = m_smtpPort->value();
    d.security = Destination::Security(m_security->currentData().toInt());
    d.smtpUser = m_smtpUser->text().trimmed();
    d.from = m_from->text().trimmed();
    d.to.clear();
    for (const QString &a : m_to->text().split(u',', Qt::SkipEmptyParts)) {
        if (!a.trimmed().isEmpty())
            d.to << a.trimmed();
    }
    d.caFile = m_caFile->text().trimmed();
    return d;
}

DestinationSecret DestinationDialog::secret() const
{
    // Only the kind's own fields: a URL typed before switching to email is not kept.
    const Destination::Kind kind = destination().kind;
    DestinationSecret s;
    if (kind == Destination::Kind::Email) {
        s.password = m_password->text();
    } else {
        s.url = m_url->text().trimmed();
        if (kind == Destination::Kind::Webhook)
            s.signingKey = m_signingKey->text();
    }
    return s;
}

QString DestinationDialog::problemText() const
{
    return m_problem->isHidden() ? QString() : m_problem->text();
}

void DestinationDialog::updatePreview()
{
    Destination d = destination();
    // The preview reads well before the fields are filled.
    if (d.name.isEmpty())
        d.name = tr("this destination");
    if (d.from.isEmpty())
        d.from = u"orteam@example.com"_s;
    if (d.to.isEmpty())
        d.to = {u"lead@example.com"_s};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool report = m_previewReport->isChecked();
    const NotifyMessage m = report ? reportMessage(sampleReport(now.date().addDays(-1)), now) : alertMessage(sampleAlert(), now);
    m_preview->setHtml(NotifyPreview::html(d, m, report));
    if (report) {
        // setHtml drops the document's resources, so the chart is added after it and the
        // layout made again with the image's real size.
        QTextDocument *doc = m_preview->document();
        doc->addResource(QTextDocument::ImageResource, QUrl(QString::fromLatin1(NotifyPreview::ChartUrl)),
                         QImage::fromData(reportChartPng(*m.report)));
        doc->markContentsDirty(0, doc->characterCount());
    }
}

void DestinationDialog::showProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

void DestinationDialog::save()
{
    const Destination d = destination();
    if (const QString p = d.problem(); !p.isEmpty())
        return showProblem(p);
    const DestinationSecret s = secret();
    // A new destination needs its secret here; on edit the controller checks the secret that
    // results from the saved one and the fields filled in.
    if (m_isNew) {
        if (const QString p = s.problemFor(d); !p.isEmpty())
            return showProblem(p);
    }
    showProblem({});
    m_buttons->setEnabled(false);
    m_controller->saveDestination(d, s, m_isNew, this, [this](const QString &error) {
        m_buttons->setEnabled(true);
        if (!error.isEmpty())
            return showProblem(error);
        accept();
    });
}

} // namespace orteam
