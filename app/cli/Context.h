#pragma once

#include "Console.h"
#include "Database.h"
#include "NotifyService.h"
#include "SecretStore.h"
#include "OpenRouterClient.h"
#include "Store.h"

#include <QNetworkAccessManager>
#include <QObject>

#include <memory>
#include <optional>
#include <utility>

namespace orteam::cli {

// What orteam-cli takes from its environment. main() reads the process's; tests set their own.
struct Environment
{
    QString managementKey; // OPENROUTER_MGMT_KEY; empty: the one the dashboard saved in the keychain
    QString baseUrl;       // OPENROUTER_BASE_URL; empty: OpenRouter's
    bool useKeychain = true;
    QHash<QString, QString> notifySecrets; // ORTEAM_NOTIFY_SECRET_<ID>: destination secrets for cron
    // Draws a report's chart: set by main() from the chart module it loads for the commands that
    // send; empty elsewhere (and where the module cannot be loaded), and reports go without one.
    NotifyDelivery::ChartPainter chartPainter;
    static Environment fromProcess();
};

// What the commands of one run share: the console, the global options, and the team database
// and the OpenRouter client, each opened only when a command first needs it (team commands need
// no key, key commands no database). An opening that fails is printed here and answered with its
// exit code.
class Context
{
public:
    Context(Console &console, Environment environment);
    Context(const Context &) = delete;
    Context &operator=(const Context &) = delete;

    Console &console() { return m_console; }
    QTextStream &out() { return m_console.out(); }

    // Global options.
    void setBaseUrl(const QString &text) { m_baseUrlText = text; }
    void setTimeoutSeconds(int seconds) { m_timeoutSeconds = seconds; }
    int timeoutSeconds() const { return m_timeoutSeconds; }
    void setDatabase(const QString &text) { m_databaseText = text; } // as --db gave it

    // The team database (--db, else the dashboard's SQLite file): Ok, or the exit code of the
    // failure it printed (`damagedExit` when the file is damaged or no database: db check's 7).
    // store() is valid after Ok.
    int openStore(int damagedExit = ServerError);
    // As openStore, for a command that examines a database and must not make one: a SQLite file
    // missing, or empty (0 bytes, which opening would make a new database of), is `damagedExit`.
    int openExistingStore(int damagedExit);
    Store &store() { return *m_store; }
    // Whether there is a team database to open: --db names one (or a Store was set), or the
    // dashboard's file exists. A command that also works without one (keys audit) asks this
    // instead of having openStore() create an empty database, in which every key is nobody's.
    bool hasStore() const;
    // An open Store to use instead (tests: one with a fault injector).
    void setStore(Store *store) { m_store = store; }

    // The team database for the audit log of a key change made at OpenRouter: the change must
    // not depend on it, so a database that cannot be opened is null here, and said after the
    // change by auditWarning().
    Store *auditStore();
    // After a key change: a warning when its audit entry is missing (`auditError` from KeyService).
    void auditWarning(const QString &auditError);

    // The OpenRouter client with the base URL, the timeout and the management key (environment,
    // else keychain): Ok, or the exit code of the failure it printed.
    int connect();
    OpenRouterClient &client() { return m_client; }

    // Where destination secrets come from: the environment, else the keychain (when allowed).
    NotifySecrets &notifySecrets();
    QNetworkAccessManager &network() { return m_network; }
    const NotifyDelivery::ChartPainter &chartPainter() const { return m_environment.chartPainter; }

    // The context object of this run's asynchronous calls.
    QObject *callbacks() { return &m_callbacks; }

private:
    std::optional<DbLocation> location(QString *error) const;
    // Opens the team database into m_store: Ok, or the exit code and text of the failure.
    std::pair<int, QString> open();
    int m_damagedExit = ServerError;

    Console &m_console;
    Environment m_environment;
    QString m_baseUrlText;
    int m_timeoutSeconds = 30;
    QString m_databaseText;
    std::unique_ptr<Store> m_ownStore;
    Store *m_store = nullptr;
    std::optional<QString> m_auditProblem; // set once auditStore() was asked: why there is none
    QNetworkAccessManager m_network;
    OpenRouterClient m_client;
    bool m_connected = false;
    QObject m_callbacks;
    std::unique_ptr<SecretStore> m_keychain;
    std::unique_ptr<NotifySecrets> m_notifySecrets;
};

} // namespace orteam::cli
