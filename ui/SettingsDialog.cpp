#include "SettingsDialog.h"
#include "Theme.h"

#include "ConnectionManager.h"
#include "UrlPolicy.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace orteam {

SettingsDialog::SettingsDialog(ConnectionManager *connection, QWidget *parent) : GuardedDialog(parent), m_connection(connection)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    const bool demo = connection->keySource() == ConnectionManager::KeySource::Demo;

    m_baseUrl = new QLineEdit(connection->baseUrl().toString(), this);
    m_baseUrl->setObjectName(QStringLiteral("baseUrlLineEdit"));
    m_baseUrl->setPlaceholderText(UrlPolicy::defaultBaseUrl().toString());
    m_baseUrl->setEnabled(!demo);

    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("managementKeyLineEdit"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setClearButtonEnabled(true);
    QString keyNote;
    switch (connection->keySource()) {
    case ConnectionManager::KeySource::Environment:
        keyNote = tr("Set by OPENROUTER_MGMT_KEY, which takes precedence over a saved key.");
        m_key->setEnabled(false);
        m_key->setPlaceholderText(tr("from the environment"));
        break;
    case ConnectionManager::KeySource::Keychain:
        keyNote = tr("Saved in the system keychain. Type a new key to replace it.");
        m_key->setPlaceholderText(QStringLiteral("••••••••••••••••"));
        break;
    case ConnectionManager::KeySource::Session:
        keyNote = tr("Used for this session only: it could not be saved to a keychain.");
        m_key->setPlaceholderText(QStringLiteral("••••••••••••••••"));
        break;
    case ConnectionManager::KeySource::Demo:
        keyNote = tr("The demo uses its own key; nothing is saved.");
        m_key->setEnabled(false);
        break;
    case ConnectionManager::KeySource::None:
        keyNote = tr("A management key from openrouter.ai → Settings → Management Keys. It is kept in the system "
                     "keychain, never in a file.");
        m_key->setPlaceholderText(tr("sk-or-v1-…"));
        break;
    }
    auto *keyNoteLabel = new QLabel(keyNote, this);
    keyNoteLabel->setObjectName(QStringLiteral("managementKeyNoteLabel"));
    keyNoteLabel->setWordWrap(true);

    m_interval = new QSpinBox(this);
    m_interval->setObjectName(QStringLiteral("refreshIntervalSpinBox"));
    m_interval->setRange(0, 3600);
    m_interval->setSuffix(tr(" s"));
    m_interval->setSpecialValueText(tr("Off"));
    m_interval->setValue(connection->refreshIntervalSeconds());

    m_database = new QLineEdit(connection->databaseSetting(), this);
    m_database->setObjectName(QStringLiteral("databaseLineEdit"));
    m_database->setPlaceholderText(tr("default: this computer's own database file"));
    m_database->setToolTip(tr("A SQLite file, or postgresql://user@host:5432/name to share one database with the team"));
    m_database->setEnabled(!demo);
    auto *databaseNote = new QLabel(demo ? tr("The demo keeps its team in memory.")
                                         : tr("A file path, or postgresql://user@host:port/name for a team's shared database "
                                              "(password in ~/.pgpass). Takes effect when orteam starts again."),
                                    this);
    databaseNote->setObjectName(QStringLiteral("databaseNoteLabel"));
    databaseNote->setWordWrap(true);

    m_test = new QPushButton(tr("Test connection"), this);
    m_test->setObjectName(QStringLiteral("testConnectionButton"));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("testConnectionResultLabel"));
    m_result->setWordWrap(true);
    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testConnection);

    auto *form = new QFormLayout;
    form->addRow(tr("Server"), m_baseUrl);
    form->addRow(tr("Management key"), m_key);
    form->addRow(QString(), keyNoteLabel);
    form->addRow(tr("Refresh every"), m_interval);
    form->addRow(tr("Team database"), m_database);
    form->addRow(QString(), databaseNote);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_result, 1);
    form->addRow(QString(), testRow);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("settingsButtonBox"));
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("saveSettingsButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    setMinimumWidth(560);
    markClean();
}

bool SettingsDialog::readUrl(QUrl *url)
{
    const QString text = m_baseUrl->text().trimmed();
    if (text.isEmpty()) {
        *url = QUrl();
        return true;
    }
    QString error;
    *url = UrlPolicy::parse(text, &error);
    if (!error.isEmpty()) {
        theme::styleToneText(m_result, theme::Tone::Over);
        m_result->setText(error);
        return false;
    }
    return true;
}

void SettingsDialog::testConnection()
{
    QUrl url;
    if (!readUrl(&url))
        return;
    m_test->setEnabled(false);
    theme::styleToneText(m_result, std::nullopt);
    m_result->setText(tr("Testing…"));
    m_connection->testConnection(url, m_key->text(), this, [this](const ConnectionManager::TestResult &t) {
        m_test->setEnabled(true);
        theme::styleToneText(m_result, t.ok && t.isManagementKey ? theme::Tone::Ok : theme::Tone::Over);
        m_result->setText(t.message);
    });
}

void SettingsDialog::save()
{
    QUrl url;
    if (!readUrl(&url))
        return;
    if (const QString problem = ConnectionManager::checkDatabaseSetting(m_database->text()); !problem.isEmpty()) {
        theme::styleToneText(m_result, theme::Tone::Over);
        m_result->setText(tr("Team database: %1").arg(problem));
        return;
    }
    m_save->setEnabled(false);
    ConnectionManager::SaveRequest request;
    request.baseUrl = url;
    request.newKey = m_key->text();
    request.refreshIntervalSeconds = m_interval->value();
    request.database = m_database->text().trimmed();
    m_key->clear(); // the field must not hold the key longer than needed
    m_connection->save(request, this, [this](const QString &warning) {
        m_save->setEnabled(true);
        markClean(); // saved, even when something about it is worth a warning
        if (!warning.isEmpty()) {
            theme::styleToneText(m_result, theme::Tone::Over);
            m_result->setText(warning);
            return; // stay open so the warning is read
        }
        accept();
    });
}

} // namespace orteam
