#include "ConnectionManager.h"

#include "Database.h"

#include "AppSettings.h"
#include "OpenRouterClient.h"
#include "SecretStore.h"
#include "UrlPolicy.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QUrl>

namespace orteam {

ConnectionManager::ConnectionManager(OpenRouterClient *client, SecretStore *secrets, AppSettings *settings, QObject *parent)
    : QObject(parent), m_client(client), m_secrets(secrets), m_settings(settings)
{
}

void ConnectionManager::setEnvironment(const QString &managementKey, const QString &baseUrl)
{
    m_envKey = managementKey.trimmed();
    m_envBaseUrl = baseUrl.trimmed();
}

QUrl ConnectionManager::baseUrl() const
{
    return m_client->baseUrl();
}

QString ConnectionManager::serverLabel() const
{
    if (m_source == KeySource::Demo)
        return tr("the demo server");
    return m_client->baseUrl().host();
}

int ConnectionManager::refreshIntervalSeconds() const
{
    return m_settings->refreshIntervalSeconds();
}

void ConnectionManager::applyBaseUrl(const QUrl &url)
{
    OpenRouterClient::Settings s = m_client->settings();
    s.baseUrl = url.isEmpty() ? UrlPolicy::defaultBaseUrl() : url;
    m_client->setSettings(s);
}

void ConnectionManager::useKey(const QString &key, KeySource source)
{
    m_client->setManagementKey(key);
    m_source = source;
    Q_EMIT ready();
}

void ConnectionManager::start()
{
    // Environment first for the URL too; a bad one falls back to the saved or default URL (the
    // client would refuse it anyway, and the welcome page must still work).
    QUrl url = m_settings->baseUrl();
    if (!m_envBaseUrl.isEmpty()) {
        QString error;
        const QUrl env = UrlPolicy::parse(m_envBaseUrl, &error);
        if (error.isEmpty())
            url = env;
    }
    applyBaseUrl(url);
    if (!m_envKey.isEmpty()) {
        useKey(m_envKey, KeySource::Environment);
        return;
    }
    m_secrets->read(SecretStore::managementKeyName(), this, [this](const SecretStore::Result &r) {
        if (r.ok && !r.secret.isEmpty()) {
            useKey(r.secret, KeySource::Keychain);
            return;
        }
        m_source = KeySource::None;
        Q_EMIT keyMissing();
    });
}

void ConnectionManager::useDemo(const QUrl &baseUrl, const QString &managementKey)
{
    applyBaseUrl(baseUrl);
    useKey(managementKey, KeySource::Demo);
}

QString ConnectionManager::databaseSetting() const
{
    return m_settings->database();
}

QString ConnectionManager::checkDatabaseSetting(const QString &text)
{
    if (text.trimmed().isEmpty())
        return {};
    // DbLocation::parse refuses a password too, in --db's words; here it would sit in a file.
    if (!QUrl(text.trimmed()).password().isEmpty())
        return tr("Leave the password out of the URL: put it in ~/.pgpass or PGPASSWORD, so it is never stored in the settings file.");
    QString error;
    if (!DbLocation::parse(text, &error))
        return error;
    return {};
}

void ConnectionManager::save(const SaveRequest &request, QObject *context, std::function<void(const QString &)> done)
{
    QPointer<QObject> ctx(context);
    const bool demo = m_source == KeySource::Demo;
    if (!demo) {
        m_settings->setBaseUrl(request.baseUrl);
        applyBaseUrl(request.baseUrl);
    }
    m_settings->setRefreshIntervalSeconds(request.refreshIntervalSeconds);
    if (!demo)
        m_settings->setDatabase(request.database.trimmed());
    m_settings->sync();
    auto answer = [ctx, context, done](const QString &warning) {
        if (!context || ctx)
            done(warning);
    };
    if (request.newKey.trimmed().isEmpty() || demo) {
        QMetaObject::invokeMethod(this, [answer] { answer(QString()); }, Qt::QueuedConnection);
        // Same key, new URL or interval: reconnect so both take effect now.
        if (m_source != KeySource::None)
            Q_EMIT ready();
        return;
    }
    const QString key = request.newKey.trimmed();
    if (!m_envKey.isEmpty()) {
        // The environment wins; saving would be silently ignored on the next start.
        QMetaObject::invokeMethod(this, [answer] {
            answer(tr("OPENROUTER_MGMT_KEY is set in the environment and takes precedence; the key was not saved."));
        }, Qt::QueuedConnection);
        return;
    }
    m_secrets->write(SecretStore::managementKeyName(), key, this, [this, key, answer](const SecretStore::Result &r) {
        if (r.ok) {
            useKey(key, KeySource::Keychain);
            answer(QString());
        } else {
            useKey(key, KeySource::Session);
            answer(tr("The key could not be saved: %1 It is used for this session only; to keep it without a "
                      "keychain, set OPENROUTER_MGMT_KEY in the environment.").arg(r.error));
        }
    });
}

void ConnectionManager::testConnection(const QUrl &baseUrl, const QString &key, QObject *context,
                                       std::function<void(const TestResult &)> done)
{
    // A separate client, so testing an unsaved server or key never disturbs the live one. With no
    // new key typed, the key in use is tested against the (possibly new) URL.
    auto *network = new QNetworkAccessManager(this);
    auto *probe = new OpenRouterClient(network, network);
    OpenRouterClient::Settings s = m_client->settings();
    s.baseUrl = baseUrl.isEmpty() ? UrlPolicy::defaultBaseUrl() : baseUrl;
    s.maxRetries = 0;
    probe->setSettings(s);
    if (key.trimmed().isEmpty())
        m_client->copyManagementKeyTo(*probe);
    else
        probe->setManagementKey(key);
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    probe->currentKey(nullptr, [network, ctx, hasContext, done](const ApiResult<CurrentKeyInfo> &r) {
        network->deleteLater();
        TestResult t;
        t.ok = r.ok();
        t.isManagementKey = r.ok() && r.value.isManagementKey;
        if (!r.ok())
            t.message = r.error.message();
        else if (t.isManagementKey)
            t.message = tr("Connected: this is a management key (%1).").arg(r.value.label);
        else
            t.message = tr("Connected, but this is an API key (%1), not a management key: it cannot manage keys.")
                            .arg(r.value.label);
        if (!hasContext || ctx)
            done(t);
    });
}

} // namespace orteam
