#include "Context.h"

#include "KeychainSecretStore.h"
#include "UrlPolicy.h"

#include <QEventLoop>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

Environment Environment::fromProcess()
{
    return {qEnvironmentVariable("OPENROUTER_MGMT_KEY"), qEnvironmentVariable("OPENROUTER_BASE_URL"), true,
            NotifySecrets::processEnvironment(), {}};
}

Context::Context(Console &console, Environment environment)
    : m_console(console), m_environment(std::move(environment)), m_baseUrlText(m_environment.baseUrl), m_client(&m_network)
{
}

std::optional<DbLocation> Context::location(QString *error) const
{
    if (!m_databaseText.isEmpty())
        return DbLocation::parse(m_databaseText, error); // refuses a password in a postgresql:// URL
    return DbLocation::ownSqlite();
}

std::pair<int, QString> Context::open()
{
    QString error;
    const std::optional<DbLocation> loc = location(&error);
    if (!loc)
        return {UsageError, error};
    auto store = std::make_unique<Store>();
    // A seed database's first open takes a while at a large organisation's size (a minute at ten
    // million rows): each step is said on stderr as it starts, terminal or cron log alike.
    store->database().setProgress([this](const QString &what) { m_console.error(what); });
    if (const Status opened = store->open(*loc); !opened)
        return {opened.error().damaged ? m_damagedExit : int(ServerError), opened.errorText()};
    if (const QString note = store->database().openedNote(loc->display()); !note.isEmpty())
        m_console.warn(note);
    if (!store->database().backupPath().isEmpty())
        m_console.error(u"migrated a database written by the seed scripts; the original is saved as "_s
                        + store->database().backupPath());
    m_ownStore = std::move(store);
    m_store = m_ownStore.get();
    return {Ok, {}};
}

int Context::openExistingStore(int damagedExit)
{
    QString error;
    if (const std::optional<DbLocation> loc = location(&error); !m_store && loc && loc->kind == DbLocation::Kind::Sqlite) {
        const QFileInfo file(loc->path);
        if (!file.exists())
            return m_console.fail(damagedExit, u"There is no database %1."_s.arg(loc->display()));
        if (file.isFile() && file.size() == 0)
            return m_console.fail(damagedExit, u"The database %1 is an empty file (0 bytes), not a team database: if a copy cut "
                                               "short or a full disk emptied it, restore it from a backup."_s.arg(loc->display()));
    }
    return openStore(damagedExit);
}

int Context::openStore(int damagedExit)
{
    if (m_store)
        return Ok;
    m_damagedExit = damagedExit;
    const auto [code, problem] = open();
    return code == Ok ? int(Ok) : m_console.fail(code, problem);
}

bool Context::hasStore() const
{
    return m_store || !m_databaseText.isEmpty() || QFileInfo::exists(DbLocation::defaultSqlitePath());
}

Store *Context::auditStore()
{
    if (!m_store && !m_auditProblem) {
        const auto [code, problem] = open();
        if (code != Ok)
            m_auditProblem = problem;
    }
    return m_store;
}

void Context::auditWarning(const QString &auditError)
{
    // The change already happened at OpenRouter: a database problem costs its record, not the
    // exit status.
    if (m_auditProblem)
        m_console.warn(u"this action is not in the audit log (%1)"_s.arg(*m_auditProblem));
    else if (!auditError.isEmpty())
        m_console.warn(auditError);
}

int Context::connect()
{
    if (m_connected)
        return Ok;
    OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
    if (!m_baseUrlText.isEmpty()) {
        QString error;
        s.baseUrl = UrlPolicy::parse(m_baseUrlText, &error);
        if (!error.isEmpty())
            return m_console.fail(NetworkError, error);
    }
    s.timeoutMs = m_timeoutSeconds * 1000;
    m_client.setSettings(s);
    QString key = m_environment.managementKey;
    QString keychainProblem;
    if (key.isEmpty() && m_environment.useKeychain) {
        // The dashboard saves the key in the OS keychain; the CLI reads the same entry. A locked
        // keyring must not hang a script, hence the short timeout.
        KeychainSecretStore keychain(u"orteam"_s);
        keychain.setTimeoutMs(5000);
        QEventLoop loop;
        bool answered = false;
        keychain.read(SecretStore::managementKeyName(), nullptr, [&](const SecretStore::Result &r) {
            key = r.secret;
            keychainProblem = r.error;
            answered = true;
            loop.quit();
        });
        if (!answered)
            loop.exec();
    }
    m_client.setManagementKey(key);
    key.fill(u'\0');
    if (!m_client.hasManagementKey()) {
        // Say why the keychain did not help when it failed (locked, absent), not when it was just empty.
        const QString why = keychainProblem.isEmpty() ? QString() : u" ("_s + keychainProblem + u')';
        return m_console.fail(AuthError, u"no management key: set OPENROUTER_MGMT_KEY, or save one in the orteam dashboard's "
                                         "Settings (create it under Settings → Management Keys on openrouter.ai)"_s + why);
    }
    m_connected = true;
    return Ok;
}

NotifySecrets &Context::notifySecrets()
{
    if (!m_notifySecrets) {
        if (m_environment.useKeychain) {
            auto keychain = std::make_unique<KeychainSecretStore>(u"orteam"_s);
            keychain->setTimeoutMs(5000);
            m_keychain = std::move(keychain);
        }
        m_notifySecrets = std::make_unique<NotifySecrets>(m_keychain.get(), m_environment.notifySecrets);
    }
    return *m_notifySecrets;
}

} // namespace orteam::cli
