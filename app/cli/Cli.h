#pragma once

#include "ApiError.h"
#include "ApiKey.h"
#include "OpenRouterClient.h"
#include "Store.h"

#include <QNetworkAccessManager>
#include <QStringList>
#include <QTextStream>

#include <memory>
#include <optional>

namespace orteam {

// The orteam-cli program: parses a command line, runs one command against the management API,
// prints the result on stdout and any failure as one line on stderr.
class Cli
{
public:
    // Exit codes, documented in --help; scripts may rely on them.
    enum Exit {
        Ok = 0,
        ServerError = 1,   // OpenRouter answered with an error or an unreadable body
        UsageError = 2,    // bad command line or bad value
        NotFound = 3,      // no such key, or a name that matches several
        AuthError = 4,     // no management key, or it was refused (401/403)
        NetworkError = 5,  // unreachable, timed out, refused URL
        Declined = 6,      // a confirmation was answered "no"
        CheckFailed = 7,   // db check found the team database inconsistent
    };

    explicit Cli(QStringList arguments);
    int run();

private:
    struct Failure
    {
        int code;
        QString message;
    };

    int keysCommand(QStringList args);
    int keysList(QStringList args);
    int keysShow(QStringList args);
    int keysCreate(QStringList args);
    int keysSetDisabled(QStringList args, bool disabled);
    int keysSetLimit(QStringList args);
    int keysRevoke(QStringList args);
    int credits(QStringList args);
    int whoami(QStringList args);
    int membersCommand(QStringList args);
    int tiersCommand(QStringList args);
    int tiersApply(QStringList args);
    int budgetsCommand(QStringList args);
    int syncCommand(QStringList args);
    int reportCommand(QStringList args);
    int dbCommand(QStringList args);
    // Opens the team database (--db, or the default SQLite file); prints the failure itself.
    bool openStore();
    void audit(const QString &action, const QString &target, const QString &before, const QString &after);

    bool setUpClient();
    // Finds the key a person means by a hash or a unique name; on failure prints it and sets m_lastFailure.
    std::optional<ApiKey> resolveKey(const QString &query);
    bool confirm(const QString &question);
    int fail(int code, const QString &message);
    int failApi(const ApiError &error);
    static QString helpText();

    // Takes "--name value" or "--name=value" out of args; nullopt when absent, sets m_usageError
    // when the value is missing.
    std::optional<QString> takeOption(QStringList &args, const QString &name);
    bool takeFlag(QStringList &args, const QString &name);
    bool rejectLeftovers(const QStringList &args, int expectedPositionals);
    // Takes --format, checks the remaining arguments, and checks the format is one of `allowed`
    // (the first is the default). nullopt after printing the problem (exit UsageError).
    std::optional<QString> takeFormat(QStringList &args, const QStringList &allowed, int expectedPositionals);

    QStringList m_args;
    QTextStream m_out;
    QTextStream m_err;
    QString m_baseUrlText;
    QString m_dbText;
    std::unique_ptr<Store> m_store;
    int m_timeoutSeconds = 30;
    QString m_usageError;
    int m_lastFailure = Ok; // the exit code of the last fail(), for callers of helpers that failed
    QNetworkAccessManager m_network;
    OpenRouterClient m_client;
};

} // namespace orteam
