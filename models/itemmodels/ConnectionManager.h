#pragma once

#include "ApiError.h"

#include <QObject>
#include <QUrl>

#include <functional>

namespace orteam {

class AppSettings;
class OpenRouterClient;
class SecretStore;

// Decides which server and which management key the client uses, and keeps that choice:
// OPENROUTER_MGMT_KEY wins when set; otherwise the key saved in the OS keychain; otherwise the
// window asks for one. The key goes to the keychain only, never to the settings file.
class ConnectionManager final : public QObject
{
    Q_OBJECT

public:
    enum class KeySource { None, Environment, Keychain, Session, Demo };
    Q_ENUM(KeySource)

    ConnectionManager(OpenRouterClient *client, SecretStore *secrets, AppSettings *settings, QObject *parent = nullptr);

    // What the environment says; read once by the composition root, so tests can inject it.
    void setEnvironment(const QString &managementKey, const QString &baseUrl);
    // Resolves the key (asynchronously when the keychain is asked) and emits ready() or keyMissing().
    void start();
    // Switches to a server that needs no saved key: the embedded demo.
    void useDemo(const QUrl &baseUrl, const QString &managementKey);

    KeySource keySource() const { return m_source; }
    bool environmentKeyWins() const { return !m_envKey.isEmpty(); }
    QUrl baseUrl() const;
    QString serverLabel() const;
    int refreshIntervalSeconds() const;

    struct SaveRequest
    {
        QUrl baseUrl;       // empty: the default
        QString newKey;     // empty: keep the current key
        int refreshIntervalSeconds = 60;
        QString database; // the team database for the next start; empty: the default file
    };
    // Saves settings and the key; answers with an empty string or a sentence explaining what
    // could not be saved (the key is still used for this session then).
    void save(const SaveRequest &request, QObject *context, std::function<void(const QString &warning)> done);

    struct TestResult
    {
        bool ok = false;
        bool isManagementKey = false;
        QString message;
    };
    QString databaseSetting() const;
    // A sentence when `text` cannot be the team database setting (bad path or URL, a password in
    // the URL); empty when it can.
    static QString checkDatabaseSetting(const QString &text);
    // GET /key against a server and key that are not (yet) saved: "Test connection".
    void testConnection(const QUrl &baseUrl, const QString &key, QObject *context, std::function<void(const TestResult &)> done);

Q_SIGNALS:
    void ready();      // the client has a server and a key: refresh now
    void keyMissing(); // no key anywhere: show the welcome page

private:
    void applyBaseUrl(const QUrl &url);
    void useKey(const QString &key, KeySource source);

    OpenRouterClient *m_client;
    SecretStore *m_secrets;
    AppSettings *m_settings;
    QString m_envKey;
    QString m_envBaseUrl;
    KeySource m_source = KeySource::None;
};

} // namespace orteam
