#include "BudgetEnforcer.h"
#include "Counted.h"
#include "Cli.h"

#include "ActivityFetcher.h"

#include "Csv.h"
#include "Enforcement.h"
#include "GuardrailSync.h"
#include "JsonCodec.h"
#include "KeychainSecretStore.h"
#include "KeyFormatter.h"
#include "KeyLookup.h"
#include "KeyRequests.h"
#include "Money.h"
#include "SyncCall.h"
#include "UrlPolicy.h"

#include <QCoreApplication>

#include <cstdio>
#include <unistd.h>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <cstdio>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
const QRegularExpression HashPattern(u"^[0-9a-f]{64}$"_s);
}

Cli::Cli(QStringList arguments)
    : m_args(std::move(arguments)), m_out(stdout), m_err(stderr), m_client(&m_network)
{
    if (!m_args.isEmpty())
        m_args.removeFirst(); // program name
    // Request logging is for the GUI's log; the CLI's stderr is reserved for one-line failures.
    QLoggingCategory::setFilterRules(u"orteam.*.info=false"_s);
}

QString Cli::helpText()
{
    return uR"(Usage: orteam-cli [GLOBAL OPTIONS] COMMAND [ARGS]

Run an OpenRouter team from the command line. The management key is read from the
environment variable OPENROUTER_MGMT_KEY, or else from the system keychain where the orteam
dashboard saves it; it is never accepted as an argument, because command lines are visible
to other users of the machine.

Global options (before the command):
  --base-url URL     API base URL (default https://openrouter.ai/api/v1, or
                     OPENROUTER_BASE_URL). Plain http is accepted only for loopback.
  --timeout SECONDS  Give up on a call after SECONDS (default 30).
  --db PATH|URL      The team database: a SQLite file (default ~/.local/share/orteam/orteam.db,
                     the dashboard's) or postgresql://user@host:port/name. Key changes made
                     here are recorded in its audit log.
  --version          Print the version and exit.
  --help             Print this help and exit.

Commands:
  keys list [--include-disabled] [--format table|json|csv]
  keys show KEY [--format table|json]
  keys create NAME [--limit USD] [--reset daily|weekly|monthly] [--expires ISO8601]
                   [--include-byok] [--format text|json]
        Prints the new key's secret once on stdout; it cannot be shown again.
  keys disable KEY
  keys enable KEY
  keys set-limit KEY USD|none [--reset daily|weekly|monthly|none]
  keys revoke KEY [--yes]
        Deletes the key for good. Asks for confirmation on a terminal unless --yes;
        without a terminal --yes is required.
  credits            Credits bought, used and remaining.
  whoami             Which kind of key OPENROUTER_MGMT_KEY is.

Team commands (read and write the team database only; no key or network needed):
  members list [--format table|json|csv]
  members add NAME [--email EMAIL] [--tier TIER] [--daily-limit USD|none]
  members set-tier NAME TIER
  members link NAME KEY      Attributes a key to a member (needs the management key).
  members token NAME [--revoke]
        Creates an orteam-gateway token for the member and prints it once (only its hash is
        kept); --revoke removes every token of theirs.
  members offboard NAME [--yes]
        Revokes every key linked to the member, then marks them inactive. Asks on a
        terminal unless --yes; a member whose keys could not all be revoked stays active.
  tiers list [--format table|json]
  tiers apply [--dry-run] [--yes]
        Makes OpenRouter enforce the tiers: one guardrail per tier (daily budget, allowed
        models), each member's keys assigned to it. Shows the changes first; applying again
        changes nothing. Needs the management key.
  sync [--keys-only]
        Copies every key's usage counters and the last 30 days of activity (spend per day and
        model) into the team database, in one transaction; history outlives OpenRouter's window.
  budgets check [--enforce]
        Saves today's key usage, flags members over their daily limit, and with --enforce
        (or auto-enforce on in the dashboard) disables their keys; keys it disabled come
        back at the next UTC day. Keys an admin disabled are never enabled. For cron.
  report weekly|monthly [--to YYYY-MM-DD] [--format table|json|csv]
        The last 7 (or 30) UTC days up to today (or --to): user, cost, requests, daily
        limit, by cost, highest first; beside each, the window before, the change, and a
        forecast for the next window (a straight-line trend through both windows).
  db check [--repair]
        Checks that the spend rollups (the team's spend per day, each member's per month,
        which the Spend page reads) equal the usage rows and key snapshots they add up; with
        --repair, rebuilds them from those rows in one transaction. Triggers keep them right;
        a tool that disabled triggers or used SQLite's REPLACE can leave them behind.

KEY is a key's hash or its exact name. A name that matches several keys, or none, is an
error that lists the candidates.

Exit codes:
  0  success
  1  OpenRouter answered with an error, or with a response orteam cannot read
  2  bad command line or value
  3  no such key, or a name that matches several keys
  4  no management key, or OpenRouter refused it (401/403)
  5  network failure or timeout, or a refused base URL
  6  the confirmation was declined
  7  db check found a difference (and --repair was not given)
)"_s;
}

int Cli::fail(int code, const QString &message)
{
    m_err << "orteam-cli: " << message << Qt::endl;
    m_lastFailure = code;
    return code;
}

int Cli::failApi(const ApiError &e)
{
    int code = ServerError;
    switch (e.kind) {
    case ApiError::Kind::NoKey:
        code = AuthError;
        break;
    case ApiError::Kind::InsecureUrl:
    case ApiError::Kind::Network:
    case ApiError::Kind::Timeout:
        code = NetworkError;
        break;
    case ApiError::Kind::Http:
        if (e.httpStatus == 401 || e.httpStatus == 403)
            code = AuthError;
        else if (e.httpStatus == 404)
            code = NotFound;
        break;
    default:
        break;
    }
    return fail(code, e.message());
}

std::optional<QString> Cli::takeOption(QStringList &args, const QString &name)
{
    const QString flag = u"--"_s + name;
    for (int i = 0; i < args.size(); ++i) {
        if (args.at(i) == flag) {
            if (i + 1 >= args.size()) {
                m_usageError = u"%1 needs a value"_s.arg(flag);
                args.removeAt(i);
                return std::nullopt;
            }
            const QString value = args.at(i + 1);
            args.remove(i, 2);
            return value;
        }
        if (args.at(i).startsWith(flag + u'=')) {
            const QString value = args.at(i).mid(flag.size() + 1);
            args.removeAt(i);
            return value;
        }
    }
    return std::nullopt;
}

bool Cli::takeFlag(QStringList &args, const QString &name)
{
    return args.removeAll(u"--"_s + name) > 0;
}

bool Cli::rejectLeftovers(const QStringList &args, int expectedPositionals)
{
    if (!m_usageError.isEmpty())
        return true;
    for (const QString &a : args) {
        if (a.startsWith(u"--"_s)) {
            m_usageError = u"unknown option %1 (see orteam-cli --help)"_s.arg(a);
            return true;
        }
    }
    if (args.size() != expectedPositionals) {
        m_usageError = args.size() < expectedPositionals ? u"missing argument (see orteam-cli --help)"_s
                                                         : u"unexpected argument \"%1\" (see orteam-cli --help)"_s.arg(args.last());
        return true;
    }
    return false;
}

std::optional<QString> Cli::takeFormat(QStringList &args, const QStringList &allowed, int expectedPositionals)
{
    const QString format = takeOption(args, u"format"_s).value_or(allowed.first());
    if (rejectLeftovers(args, expectedPositionals)) {
        fail(UsageError, m_usageError);
        return std::nullopt;
    }
    if (!allowed.contains(format)) {
        QStringList quoted = allowed;
        const QString last = quoted.takeLast();
        fail(UsageError, u"--format must be %1 or %2"_s.arg(quoted.join(u", "_s), last));
        return std::nullopt;
    }
    return format;
}

int Cli::run()
{
    // Global options come before the command word.
    QStringList args = m_args;
    m_baseUrlText = qEnvironmentVariable("OPENROUTER_BASE_URL");
    while (!args.isEmpty() && args.first().startsWith(u"--"_s)) {
        const QString opt = args.takeFirst();
        auto value = [&](const QString &name) -> std::optional<QString> {
            if (opt.startsWith(name + u'='))
                return opt.mid(name.size() + 1);
            if (args.isEmpty())
                return std::nullopt;
            return args.takeFirst();
        };
        if (opt == "--help"_L1 || opt == "-h"_L1) {
            m_out << helpText();
            return Ok;
        }
        if (opt == "--version"_L1) {
            m_out << "orteam-cli " ORTEAM_VERSION " (" ORTEAM_GIT_REVISION ")" << Qt::endl;
            return Ok;
        }
        if (opt == "--base-url"_L1 || opt.startsWith("--base-url="_L1)) {
            const auto v = value(u"--base-url"_s);
            if (!v)
                return fail(UsageError, u"--base-url needs a URL"_s);
            m_baseUrlText = *v;
        } else if (opt == "--timeout"_L1 || opt.startsWith("--timeout="_L1)) {
            const auto v = value(u"--timeout"_s);
            bool ok = false;
            const int seconds = v ? v->toInt(&ok) : 0;
            if (!ok || seconds < 1 || seconds > 3600)
                return fail(UsageError, u"--timeout needs a whole number of seconds from 1 to 3600"_s);
            m_timeoutSeconds = seconds;
        } else if (opt == "--db"_L1 || opt.startsWith("--db="_L1)) {
            const auto v = value(u"--db"_s);
            if (!v)
                return fail(UsageError, u"--db needs a file path or a postgresql:// URL"_s);
            m_dbText = *v;
        } else if (opt == "--mgmt-key"_L1 || opt.startsWith("--mgmt-key="_L1) || opt == "--key"_L1) {
            return fail(UsageError, u"the management key is not accepted on the command line (other users can "
                                    "see it there); set OPENROUTER_MGMT_KEY instead"_s);
        } else {
            return fail(UsageError, u"unknown global option %1 (see orteam-cli --help)"_s.arg(opt));
        }
    }
    if (args.isEmpty()) {
        m_err << helpText();
        return UsageError;
    }
    const QString command = args.takeFirst();
    if (command == "keys"_L1)
        return keysCommand(args);
    if (command == "credits"_L1)
        return credits(args);
    if (command == "whoami"_L1)
        return whoami(args);
    if (command == "members"_L1)
        return membersCommand(args);
    if (command == "tiers"_L1)
        return tiersCommand(args);
    if (command == "budgets"_L1)
        return budgetsCommand(args);
    if (command == "sync"_L1)
        return syncCommand(args);
    if (command == "report"_L1)
        return reportCommand(args);
    if (command == "db"_L1)
        return dbCommand(args);
    if (command == "help"_L1) {
        m_out << helpText();
        return Ok;
    }
    return fail(UsageError, u"unknown command \"%1\" (see orteam-cli --help)"_s.arg(command));
}

bool Cli::setUpClient()
{
    OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
    if (!m_baseUrlText.isEmpty()) {
        QString error;
        s.baseUrl = UrlPolicy::parse(m_baseUrlText, &error);
        if (!error.isEmpty()) {
            fail(NetworkError, error);
            return false;
        }
    }
    s.timeoutMs = m_timeoutSeconds * 1000;
    m_client.setSettings(s);
    QString key = qEnvironmentVariable("OPENROUTER_MGMT_KEY");
    QString keychainProblem;
    if (key.isEmpty()) {
        // The dashboard saves the key in the OS keychain; the CLI uses the same entry. A locked
        // keyring must not hang a script, hence the short timeout.
        KeychainSecretStore store(u"orteam"_s);
        store.setTimeoutMs(5000);
        QEventLoop loop;
        store.read(SecretStore::managementKeyName(), nullptr, [&](const SecretStore::Result &r) {
            key = r.secret;
            keychainProblem = r.error;
            loop.quit();
        });
        loop.exec();
    }
    m_client.setManagementKey(key);
    key.fill(u'\0');
    if (!m_client.hasManagementKey()) {
        // Say why the keychain did not help when it failed (locked, absent), not when it was just empty.
        const QString why = keychainProblem.isEmpty() ? QString() : u" ("_s + keychainProblem + u')';
        fail(AuthError, u"no management key: set OPENROUTER_MGMT_KEY, or save one in the orteam dashboard's "
                        "Settings (create it under Settings → Management Keys on openrouter.ai)"_s + why);
        return false;
    }
    return true;
}

int Cli::keysCommand(QStringList args)
{
    if (args.isEmpty())
        return fail(UsageError, u"keys needs a subcommand: list, show, create, disable, enable, set-limit, revoke"_s);
    const QString sub = args.takeFirst();
    if (sub == "list"_L1)
        return keysList(args);
    if (sub == "show"_L1)
        return keysShow(args);
    if (sub == "create"_L1)
        return keysCreate(args);
    if (sub == "disable"_L1)
        return keysSetDisabled(args, true);
    if (sub == "enable"_L1)
        return keysSetDisabled(args, false);
    if (sub == "set-limit"_L1)
        return keysSetLimit(args);
    if (sub == "revoke"_L1 || sub == "delete"_L1)
        return keysRevoke(args);
    return fail(UsageError, u"unknown keys subcommand \"%1\" (see orteam-cli --help)"_s.arg(sub));
}

int Cli::keysList(QStringList args)
{
    const bool includeDisabled = takeFlag(args, u"include-disabled"_s);
    const std::optional<QString> format = takeFormat(args, {u"table"_s, u"json"_s, u"csv"_s}, 0);
    if (!format)
        return UsageError;
    if (!setUpClient())
        return m_lastFailure;
    const auto r = waitFor<ApiKeyList>([&](auto done) { m_client.listKeys(includeDisabled, nullptr, done); });
    if (!r.ok())
        return failApi(r.error);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (*format == "json"_L1)
        m_out << KeyFormatter::json(r.value);
    else if (*format == "csv"_L1)
        m_out << KeyFormatter::csv(r.value, now);
    else
        m_out << KeyFormatter::table(r.value, now);
    m_out.flush();
    return Ok;
}

std::optional<ApiKey> Cli::resolveKey(const QString &query)
{
    if (HashPattern.match(query).hasMatch()) {
        const auto r = waitFor<ApiKey>([&](auto done) { m_client.getKey(query, nullptr, done); });
        if (r.ok())
            return r.value;
        if (r.error.kind == ApiError::Kind::Http && r.error.httpStatus == 404) {
            fail(NotFound, u"no key has the hash %1"_s.arg(query));
            return std::nullopt;
        }
        failApi(r.error);
        return std::nullopt;
    }
    const auto r = waitFor<ApiKeyList>([&](auto done) { m_client.listKeys(true, nullptr, done); });
    if (!r.ok()) {
        failApi(r.error);
        return std::nullopt;
    }
    const KeyLookupResult found = lookupKey(r.value, query);
    if (found.outcome != KeyLookupResult::Outcome::Found) {
        fail(NotFound, found.message());
        return std::nullopt;
    }
    return found.key;
}

int Cli::keysShow(QStringList args)
{
    const std::optional<QString> format = takeFormat(args, {u"table"_s, u"json"_s}, 1);
    if (!format)
        return UsageError;
    if (!setUpClient())
        return m_lastFailure;
    const std::optional<ApiKey> key = resolveKey(args.first());
    if (!key)
        return m_lastFailure;
    if (*format == "json"_L1)
        m_out << QString::fromUtf8(QJsonDocument(json::toJson(*key)).toJson(QJsonDocument::Indented));
    else
        m_out << KeyFormatter::details(*key, QDateTime::currentDateTimeUtc());
    return Ok;
}

int Cli::keysCreate(QStringList args)
{
    NewKeySpec spec;
    const auto limitText = takeOption(args, u"limit"_s);
    const auto resetText = takeOption(args, u"reset"_s);
    const auto expiresText = takeOption(args, u"expires"_s);
    spec.includeByokInLimit = takeFlag(args, u"include-byok"_s);
    const std::optional<QString> format = takeFormat(args, {u"text"_s, u"json"_s}, 1);
    if (!format)
        return UsageError;
    spec.name = args.first();
    if (limitText) {
        const LimitParse p = parseCreditLimit(*limitText);
        if (!p.error.isEmpty())
            return fail(UsageError, p.error);
        spec.limit = p.limit;
    }
    if (resetText) {
        const auto r = limitResetFromString(*resetText);
        if (!r)
            return fail(UsageError, u"--reset must be daily, weekly, monthly or none"_s);
        spec.limitReset = *r;
    }
    if (expiresText) {
        const ExpiryParse p = parseExpiry(*expiresText);
        if (!p.error.isEmpty())
            return fail(UsageError, p.error);
        spec.expiresAt = p.expiresAt;
    }
    if (const QString e = validate(spec, QDateTime::currentDateTimeUtc()); !e.isEmpty())
        return fail(UsageError, e);
    if (spec.limitReset != LimitReset::None && !spec.limit)
        return fail(UsageError, u"--reset needs --limit: a key without a limit has nothing to reset"_s);
    if (!setUpClient())
        return m_lastFailure;

    const auto r = waitFor<json::CreatedKey>([&](auto done) { m_client.createKey(spec, nullptr, done); });
    if (r.ok())
        audit(u"create"_s, r.value.key.name, {}, auditSummary(r.value.key) + u", hash "_s + r.value.key.hash.left(16));
    if (!r.ok()) {
        if (r.error.kind == ApiError::Kind::Timeout || r.error.kind == ApiError::Kind::Network)
            return fail(NetworkError, r.error.message()
                            + u" The key may have been created anyway: check with \"orteam-cli keys show %1\" "
                              "before trying again."_s.arg(spec.name));
        return failApi(r.error);
    }
    if (*format == "json"_L1) {
        QJsonObject o{{"data"_L1, json::toJson(r.value.key)}, {"key"_L1, r.value.secret}};
        m_out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    } else {
        // The secret alone on stdout, so `SECRET=$(orteam-cli keys create …)` works; the rest on stderr.
        m_out << r.value.secret << Qt::endl;
        m_err << "Created key \"" << r.value.key.name << "\" (hash " << r.value.key.hash
              << "). The secret above is shown only this once: store it now." << Qt::endl;
    }
    return Ok;
}

int Cli::keysSetDisabled(QStringList args, bool disabled)
{
    if (rejectLeftovers(args, 1))
        return fail(UsageError, m_usageError);
    if (!setUpClient())
        return m_lastFailure;
    const std::optional<ApiKey> key = resolveKey(args.first());
    if (!key)
        return m_lastFailure;
    KeyUpdate update;
    update.disabled = disabled;
    const auto r = waitFor<ApiKey>([&](auto done) { m_client.updateKey(key->hash, update, nullptr, done); });
    if (!r.ok())
        return failApi(r.error);
    audit(disabled ? u"disable"_s : u"enable"_s, r.value.name, auditSummary(*key), auditSummary(r.value));
    m_out << (disabled ? "Disabled" : "Enabled") << " key \"" << r.value.name << "\" (" << r.value.hash.left(16)
          << ")." << Qt::endl;
    return Ok;
}

int Cli::keysSetLimit(QStringList args)
{
    const auto resetText = takeOption(args, u"reset"_s);
    if (rejectLeftovers(args, 2))
        return fail(UsageError, m_usageError);
    const LimitParse p = parseCreditLimit(args.at(1));
    if (!p.error.isEmpty())
        return fail(UsageError, p.error);
    KeyUpdate update;
    update.limit = p.limit;
    if (resetText) {
        const auto r = limitResetFromString(*resetText);
        if (!r)
            return fail(UsageError, u"--reset must be daily, weekly, monthly or none"_s);
        update.limitReset = *r;
    } else if (!p.limit) {
        update.limitReset = LimitReset::None; // no limit: nothing left to reset
    }
    if (!setUpClient())
        return m_lastFailure;
    const std::optional<ApiKey> key = resolveKey(args.first());
    if (!key)
        return m_lastFailure;
    const auto r = waitFor<ApiKey>([&](auto done) { m_client.updateKey(key->hash, update, nullptr, done); });
    if (!r.ok())
        return failApi(r.error);
    audit(u"limit"_s, r.value.name, auditSummary(*key), auditSummary(r.value));
    m_out << "Key \"" << r.value.name << "\": limit " << (r.value.limit ? formatUsd(*r.value.limit) : u"none"_s)
          << ", resets " << (r.value.limitReset == LimitReset::None ? u"never"_s : limitResetToString(r.value.limitReset))
          << "." << Qt::endl;
    return Ok;
}

bool Cli::confirm(const QString &question)
{
    m_err << question << " [y/N] " << Qt::flush;
    char buffer[64] = {};
    if (!std::fgets(buffer, sizeof buffer, stdin))
        return false;
    const QString answer = QString::fromLocal8Bit(buffer).trimmed().toLower();
    return answer == "y"_L1 || answer == "yes"_L1;
}

int Cli::keysRevoke(QStringList args)
{
    const bool yes = takeFlag(args, u"yes"_s);
    if (rejectLeftovers(args, 1))
        return fail(UsageError, m_usageError);
    // Decide about confirmation before touching the network: a script without --yes fails fast.
    const bool interactive = ::isatty(STDIN_FILENO) != 0;
    if (!yes && !interactive)
        return fail(UsageError, u"revoking needs confirmation: run it on a terminal or pass --yes"_s);
    if (!setUpClient())
        return m_lastFailure;
    const std::optional<ApiKey> key = resolveKey(args.first());
    if (!key)
        return m_lastFailure;
    if (!yes && !confirm(u"Revoke key \"%1\" (%2, %3, spent %4)? This cannot be undone."_s.arg(
            key->name, key->hash.left(16), key->label, formatUsd(key->usage))))
        return fail(Declined, u"not revoked"_s);
    const auto r = waitFor<bool>([&](auto done) { m_client.deleteKey(key->hash, nullptr, done); });
    if (!r.ok())
        return failApi(r.error);
    audit(u"revoke"_s, key->name, auditSummary(*key) + u", hash "_s + key->hash.left(16), u"revoked"_s);
    m_out << "Revoked key \"" << key->name << "\" (" << key->hash.left(16) << ")." << Qt::endl;
    return Ok;
}

int Cli::credits(QStringList args)
{
    if (rejectLeftovers(args, 0))
        return fail(UsageError, m_usageError);
    if (!setUpClient())
        return m_lastFailure;
    const auto r = waitFor<Credits>([&](auto done) { m_client.credits(nullptr, done); });
    if (!r.ok())
        return failApi(r.error);
    m_out << "Credits:   " << formatUsd(r.value.totalCredits) << '\n'
          << "Used:      " << formatUsd(r.value.totalUsage) << '\n'
          << "Remaining: " << formatUsd(r.value.remaining()) << Qt::endl;
    return Ok;
}

int Cli::whoami(QStringList args)
{
    if (rejectLeftovers(args, 0))
        return fail(UsageError, m_usageError);
    if (!setUpClient())
        return m_lastFailure;
    const auto r = waitFor<CurrentKeyInfo>([&](auto done) { m_client.currentKey(nullptr, done); });
    if (!r.ok())
        return failApi(r.error);
    if (!r.value.isManagementKey)
        return fail(AuthError, u"OPENROUTER_MGMT_KEY holds an API key (%1), not a management key; it can call "
                               "models but cannot manage keys"_s.arg(r.value.label));
    m_out << "Management key " << r.value.label << " at " << m_client.baseUrl().toString() << Qt::endl;
    return Ok;
}

} // namespace orteam

namespace orteam {

namespace {
QString money(const std::optional<double> &v, const QString &none)
{
    return v ? formatUsd(*v) : none;
}
QJsonValue jsonMoney(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}
} // namespace

bool Cli::openStore()
{
    QString error;
    std::optional<DbLocation> loc;
    if (m_dbText.isEmpty()) {
        loc = DbLocation{};
        loc->path = DbLocation::defaultSqlitePath();
    } else {
        loc = DbLocation::parse(m_dbText, &error);
    }
    if (!loc) {
        fail(UsageError, error);
        return false;
    }
    m_store = std::make_unique<Store>();
    if (!m_store->open(*loc, &error)) {
        fail(ServerError, error);
        return false;
    }
    if (!m_store->backupPath().isEmpty())
        m_err << "orteam-cli: migrated a database written by the seed scripts; the original is saved as "
              << m_store->backupPath() << Qt::endl;
    return true;
}

void Cli::audit(const QString &action, const QString &target, const QString &before, const QString &after)
{
    // The action already happened at OpenRouter: a database problem must not turn it into a
    // failure, only into a warning that its record is missing.
    if (!m_store && !openStore()) {
        m_lastFailure = Ok;
        m_err << "orteam-cli: warning: this action is not in the audit log" << Qt::endl;
        return;
    }
    QString error;
    if (!m_store->appendAudit({0, {}, {}, action, target, before, after}, &error))
        m_err << "orteam-cli: warning: the audit log could not be written: " << error << Qt::endl;
}

int Cli::membersCommand(QStringList args)
{
    if (args.isEmpty())
        return fail(UsageError, u"members needs a subcommand: list, add, set-tier, link, offboard, token"_s);
    const QString sub = args.takeFirst();
    if (sub == "token"_L1) {
        // orteam-gateway tokens: the plain token is printed once (stdout, for a script to
        // capture) and only its SHA-256 is stored.
        const bool revoke = takeFlag(args, u"revoke"_s);
        if (rejectLeftovers(args, 1))
            return fail(UsageError, m_usageError);
        if (!openStore())
            return m_lastFailure;
        const QString name = args.first();
        QString error;
        if (revoke) {
            const int n = m_store->revokeGatewayTokens(name, &error);
            if (n < 0)
                return fail(ServerError, error);
            audit(u"gateway token revoked"_s, name, QString::number(n), QString());
            m_out << "Revoked " << counted(n, u"gateway token"_s, u"gateway tokens"_s) << " of " << name << "." << Qt::endl;
            return Ok;
        }
        const std::optional<QString> token = m_store->createGatewayToken(name, &error);
        if (!token)
            return fail(error.startsWith(u"No member"_s) ? NotFound : ServerError, error);
        audit(u"gateway token created"_s, name, QString(), QString());
        m_err << "Gateway token for " << name << " (shown once; give it to them, it is not stored):" << Qt::endl;
        m_out << *token << Qt::endl;
        return Ok;
    }
    if (sub == "list"_L1) {
        const std::optional<QString> format = takeFormat(args, {u"table"_s, u"json"_s, u"csv"_s}, 0);
        if (!format)
            return UsageError;
        if (!openStore())
            return m_lastFailure;
        const QList<Member> members = m_store->members();
        const QList<Tier> tiers = m_store->tiers();
        if (*format == "json"_L1) {
            QJsonArray array;
            for (const Member &m : members)
                array.append(QJsonObject{{"name"_L1, m.name}, {"email"_L1, m.email}, {"tier"_L1, m.tier},
                                         {"daily_limit"_L1, jsonMoney(effectiveDailyLimit(m, tiers))},
                                         {"active"_L1, m.active}, {"keys"_L1, QJsonArray::fromStringList(m.keyHashes)}});
            m_out << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        } else if (*format == "csv"_L1) {
            m_out << "name,email,tier,daily_limit,active,keys\n";
            for (const Member &m : members) {
                const auto limit = effectiveDailyLimit(m, tiers);
                m_out << csvField(m.name, true) << ',' << csvField(m.email, true) << ','
                      << m.tier << ',' << (limit ? QString::number(*limit, 'g', 15) : QString()) << ','
                      << (m.active ? "true" : "false") << ',' << m.keyHashes.size() << '\n';
            }
        } else {
            QList<QStringList> rows{{u"NAME"_s, u"TIER"_s, u"DAILY LIMIT"_s, u"KEYS"_s, u"EMAIL"_s}};
            for (const Member &m : members)
                rows << QStringList{m.name, m.tier.isEmpty() ? u"-"_s : m.tier, money(effectiveDailyLimit(m, tiers), u"none"_s),
                                    QString::number(m.keyHashes.size()), m.email};
            m_out << KeyFormatter::columns(rows) << "\n" << counted(members.size(), u"member"_s, u"members"_s) << "\n";
        }
        return Ok;
    }
    if (sub == "add"_L1) {
        Member m;
        m.email = takeOption(args, u"email"_s).value_or(QString());
        m.tier = takeOption(args, u"tier"_s).value_or(QString());
        const auto limitText = takeOption(args, u"daily-limit"_s);
        if (rejectLeftovers(args, 1))
            return fail(UsageError, m_usageError);
        m.name = args.first().trimmed();
        if (limitText) {
            const LimitParse p = parseCreditLimit(*limitText);
            if (!p.error.isEmpty())
                return fail(UsageError, p.error);
            m.dailyLimitOverride = p.limit;
        }
        if (!openStore())
            return m_lastFailure;
        QString error;
        if (!m_store->addMember(m, &error))
            return fail(UsageError, error);
        audit(u"member-add"_s, m.name, {}, m.tier);
        m_out << "Added member \"" << m.name << "\"" << (m.tier.isEmpty() ? QString() : u" (tier %1)"_s.arg(m.tier)) << "."
              << Qt::endl;
        return Ok;
    }
    if (sub == "set-tier"_L1) {
        if (rejectLeftovers(args, 2))
            return fail(UsageError, m_usageError);
        if (!openStore())
            return m_lastFailure;
        std::optional<Member> m = m_store->member(args.at(0));
        if (!m)
            return fail(NotFound, u"there is no member named \"%1\""_s.arg(args.at(0)));
        const QString before = m->tier;
        m->tier = args.at(1);
        QString error;
        if (!m_store->updateMember(*m, &error))
            return fail(UsageError, error);
        audit(u"tier"_s, m->name, before, m->tier);
        m_out << "Member \"" << m->name << "\" is now in the " << m->tier << " tier." << Qt::endl;
        return Ok;
    }
    if (sub == "link"_L1) {
        if (rejectLeftovers(args, 2))
            return fail(UsageError, m_usageError);
        if (!openStore())
            return m_lastFailure;
        if (!m_store->member(args.at(0)))
            return fail(NotFound, u"there is no member named \"%1\""_s.arg(args.at(0)));
        if (!setUpClient())
            return m_lastFailure;
        const std::optional<ApiKey> key = resolveKey(args.at(1));
        if (!key)
            return m_lastFailure;
        QString error;
        if (!m_store->linkKey(args.at(0), key->hash, &error))
            return fail(ServerError, error);
        audit(u"link"_s, key->name, {}, args.at(0));
        m_out << "Key \"" << key->name << "\" (" << key->hash.left(16) << ") now belongs to " << args.at(0) << "." << Qt::endl;
        return Ok;
    }
    if (sub == "offboard"_L1) {
        const bool yes = takeFlag(args, u"yes"_s);
        if (rejectLeftovers(args, 1))
            return fail(UsageError, m_usageError);
        if (!yes && ::isatty(STDIN_FILENO) == 0)
            return fail(UsageError, u"offboarding needs confirmation: run it on a terminal or pass --yes"_s);
        if (!openStore())
            return m_lastFailure;
        std::optional<Member> member = m_store->member(args.first());
        if (!member)
            return fail(NotFound, u"there is no member named \"%1\""_s.arg(args.first()));
        if (!member->keyHashes.isEmpty() && !setUpClient())
            return m_lastFailure;
        if (!yes && !confirm(u"Offboard %1: revoke %2 and mark them inactive? This cannot be undone."_s
                                 .arg(member->name, counted(member->keyHashes.size(), u"key"_s, u"keys"_s))))
            return fail(Declined, u"not offboarded"_s);
        QStringList failures;
        int revoked = 0;
        for (const QString &hash : std::as_const(member->keyHashes)) {
            const auto r = waitFor<bool>([&](auto done) { m_client.deleteKey(hash, nullptr, done); });
            // 404: revoked already (elsewhere, or by an earlier, interrupted offboarding).
            if (r.ok() || (r.error.kind == ApiError::Kind::Http && r.error.httpStatus == 404)) {
                ++revoked;
                audit(u"revoke"_s, hash.left(16), u"offboarding %1"_s.arg(member->name), u"revoked"_s);
            } else {
                failures << hash.left(16) + u": "_s + r.error.message();
            }
        }
        if (!failures.isEmpty())
            return fail(ServerError, u"%1 of %2 of %3 could not be revoked; %3 stays active: %4"_s
                                         .arg(failures.size())
                                         .arg(counted(member->keyHashes.size(), u"key"_s, u"keys"_s), member->name, failures.join(u"; "_s)));
        member->active = false;
        QString error;
        if (!m_store->updateMember(*member, &error))
            return fail(ServerError, error);
        audit(u"offboard"_s, member->name, u"active"_s, u"inactive, %1 revoked"_s.arg(counted(revoked, u"key"_s, u"keys"_s)));
        m_out << "Offboarded " << member->name << ": " << counted(revoked, u"key"_s, u"keys"_s) << " revoked." << Qt::endl;
        return Ok;
    }
    return fail(UsageError, u"unknown members subcommand \"%1\" (see orteam-cli --help)"_s.arg(sub));
}

int Cli::tiersApply(QStringList args)
{
    const bool yes = takeFlag(args, u"yes"_s);
    const bool dryRun = takeFlag(args, u"dry-run"_s);
    if (rejectLeftovers(args, 0))
        return fail(UsageError, m_usageError);
    if (!yes && !dryRun && ::isatty(STDIN_FILENO) == 0)
        return fail(UsageError, u"applying tiers needs confirmation: run it on a terminal, or pass --yes (or --dry-run)"_s);
    if (!openStore() || !setUpClient())
        return m_lastFailure;
    const auto keys = waitFor<ApiKeyList>([&](auto done) { m_client.listKeys(true, nullptr, done); });
    if (!keys.ok())
        return failApi(keys.error);
    const auto guardrails = waitFor<QList<Guardrail>>([&](auto done) { m_client.listGuardrails(nullptr, done); });
    if (!guardrails.ok())
        return failApi(guardrails.error);
    const auto assignments = waitFor<QList<GuardrailKeyAssignment>>([&](auto done) { m_client.listKeyAssignments(nullptr, done); });
    if (!assignments.ok())
        return failApi(assignments.error);
    const GuardrailPlan plan = planGuardrails(m_store->tiers(), m_store->members(), keys.value, guardrails.value, assignments.value);
    for (const QString &note : plan.notes)
        m_out << "note: " << note << "\n";
    if (plan.isEmpty()) {
        m_out << "OpenRouter already matches the tiers: nothing to do." << Qt::endl;
        return Ok;
    }
    for (const GuardrailStep &step : plan.steps)
        m_out << "  " << step.description << "\n";
    m_out.flush();
    if (dryRun) {
        m_out << counted(plan.steps.size(), u"change"_s, u"changes"_s) << " would be made (dry run: nothing was changed)." << Qt::endl;
        return Ok;
    }
    if (!yes && !confirm((plan.steps.size() == 1 ? u"Apply this change to OpenRouter?"_s
                                                     : u"Apply these %1 changes to OpenRouter?"_s.arg(plan.steps.size()))))
        return fail(Declined, u"nothing was changed"_s);
    QEventLoop loop;
    int stepsDone = 0;
    ApiError error;
    applyGuardrailPlan(
        &m_client, plan, nullptr,
        [&](const GuardrailStep &step, const QString &id) {
            if (step.kind == GuardrailStep::Kind::Create || step.kind == GuardrailStep::Kind::Update) {
                QString ignored;
                m_store->setTierGuardrail(step.tier, id, &ignored);
            }
            audit(u"enforcement"_s, step.guardrailName, {}, step.description);
        },
        [&](int done, const ApiError &e) {
            stepsDone = done;
            error = e;
            loop.quit();
        });
    if (stepsDone == 0 && error.kind == ApiError::Kind::None && !plan.steps.isEmpty())
        loop.exec();
    if (error.kind != ApiError::Kind::None) {
        m_err << "orteam-cli: stopped after " << stepsDone << " of " << counted(plan.steps.size(), u"change"_s, u"changes"_s)
              << "; run tiers apply again to finish." << Qt::endl;
        return failApi(error);
    }
    m_out << "Applied " << counted(stepsDone, u"change"_s, u"changes"_s) << "." << Qt::endl;
    return Ok;
}

int Cli::syncCommand(QStringList args)
{
    const bool withoutActivity = takeFlag(args, u"keys-only"_s);
    if (rejectLeftovers(args, 0))
        return fail(UsageError, m_usageError);
    if (!openStore() || !setUpClient())
        return m_lastFailure;
    // Everything is read before anything is written, and written in one transaction: a sync
    // that fails (or is killed) leaves the database exactly as it was.
    const auto keys = waitFor<ApiKeyList>([&](auto done) { m_client.listKeys(true, nullptr, done); });
    if (!keys.ok())
        return failApi(keys.error);
    std::optional<ActivityData> activity;
    if (!withoutActivity) {
        // The account's days per model, and each member's used keys' (requests, models per person).
        const QStringList perKey = keysForActivity(keys.value, m_store->keyOwners());
        const bool interactive = isatty(fileno(stderr)) == 1;
        const auto r = waitFor<ActivityData>([&](auto done) {
            fetchActivity(&m_client, perKey, nullptr, [&](int n, int total) {
                // Progress for a person at a terminal; scripts and logs get only the result line.
                if (interactive && (n == total || n % 25 == 0))
                    m_err << "activity: " << n << " of " << counted(total, u"key"_s, u"keys"_s) << "\r" << (n == total ? "\n" : "") << Qt::flush;
            }, done);
        });
        if (!r.ok())
            return failApi(r.error);
        activity = r.value;
    }
    QString error;
    if (!m_store->recordSync(keys.value, activity ? std::optional(activity->account) : std::nullopt, QDateTime::currentDateTimeUtc(),
                             &error, activity ? activity->perKey : QHash<QString, QList<ActivityItem>>()))
        return fail(ServerError, u"cannot write the sync to %1: %2 (nothing was changed)"_s.arg(m_store->location().display(), error));
    m_out << "Synced " << counted(keys.value.size(), u"key"_s, u"keys"_s);
    if (activity)
        m_out << ", " << counted(activity->account.size(), u"activity row"_s, u"activity rows"_s) << " and the activity of "
              << counted(activity->perKey.size(), u"member key"_s, u"member keys"_s);
    m_out << " into " << m_store->location().display() << "." << Qt::endl;
    return Ok;
}

int Cli::budgetsCommand(QStringList args)
{
    if (args.isEmpty() || args.first() != "check"_L1)
        return fail(UsageError, u"budgets needs a subcommand: check"_s);
    args.removeFirst();
    const bool enforce = takeFlag(args, u"enforce"_s);
    if (rejectLeftovers(args, 0))
        return fail(UsageError, m_usageError);
    if (!openStore() || !setUpClient())
        return m_lastFailure;
    const auto keys = waitFor<ApiKeyList>([&](auto done) { m_client.listKeys(true, nullptr, done); });
    if (!keys.ok())
        return failApi(keys.error);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString error;
    // The same sync the dashboard does: today's key counters into the store, then the check.
    if (!m_store->recordKeySnapshots(keys.value, now, &error))
        return fail(ServerError, u"cannot save key usage: %1"_s.arg(error));
    DailyCheckInput in;
    in.today = now.date();
    in.members = m_store->members();
    in.tiers = m_store->tiers();
    for (auto [name, spend] : m_store->memberSpend(in.today, in.today, &error).asKeyValueRange())
        in.spentToday.insert(name, spend.cost);
    in.keys = keys.value;
    in.enforced = m_store->enforcedKeys();
    in.autoEnforce = enforce || m_store->setting(u"auto_enforce"_s) == "on"_L1;
    const DailyCheckResult result = dailyCheck(in);
    for (const OverBudget &o : result.overBudget)
        m_out << "over budget: " << o.member << " spent " << formatUsd(o.spent) << " of " << formatUsd(o.limit) << " today (UTC)\n";
    if (result.overBudget.isEmpty())
        m_out << "Every member is within their daily budget.\n";
    const auto outcome = waitFor<EnforcementOutcome>([&](auto done) {
        applyDailyCheck(
            &m_client, m_store.get(), result, nullptr,
            [this](const AuditEntry &e) { audit(e.action, e.target, e.before, e.after); },
            [done](const EnforcementOutcome &o) { done(ApiResult<EnforcementOutcome>{o, {}}); });
    });
    for (const EnforcementOutcome::Change &c : outcome.value.changes)
        m_out << (c.disabled ? "disabled " : "re-enabled ") << c.keyName() << " (" << c.key.member << ")\n";
    for (const EnforcementOutcome::Failure &f : outcome.value.failures)
        m_err << "orteam-cli: could not " << (f.disabling ? "disable" : "re-enable") << " a key of " << f.key.member << ": "
              << f.error.message() << Qt::endl;
    const bool failed = !outcome.value.failures.isEmpty();
    m_out.flush();
    return failed ? int(ServerError) : int(Ok);
}

int Cli::tiersCommand(QStringList args)
{
    if (!args.isEmpty() && args.first() == "apply"_L1)
        return tiersApply(args.mid(1));
    if (args.isEmpty() || args.first() != "list"_L1)
        return fail(UsageError, u"tiers needs a subcommand: list, apply"_s);
    args.removeFirst();
    const std::optional<QString> format = takeFormat(args, {u"table"_s, u"json"_s}, 0);
    if (!format)
        return UsageError;
    if (!openStore())
        return m_lastFailure;
    const QList<Tier> tiers = m_store->tiers();
    if (*format == "json"_L1) {
        QJsonArray array;
        for (const Tier &t : tiers)
            array.append(QJsonObject{{"name"_L1, t.name}, {"daily_limit"_L1, jsonMoney(t.defaultDailyLimit)},
                                     {"allowed_models"_L1, t.allowedModels ? QJsonValue(QJsonArray::fromStringList(*t.allowedModels))
                                                                           : QJsonValue(QJsonValue::Null)},
                                     {"fallback_model"_L1, t.fallbackModel}});
        m_out << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        return Ok;
    }
    QList<QStringList> rows{{u"TIER"_s, u"DAILY LIMIT"_s, u"FALLBACK"_s, u"MODELS"_s}};
    for (const Tier &t : tiers)
        rows << QStringList{t.name, money(t.defaultDailyLimit, u"none"_s), t.fallbackModel.isEmpty() ? u"-"_s : t.fallbackModel,
                            t.allowedModels ? t.allowedModels->join(u", "_s) : u"all models"_s};
    m_out << KeyFormatter::columns(rows);
    return Ok;
}

int Cli::dbCommand(QStringList args)
{
    if (args.value(0) != "check"_L1)
        return fail(UsageError, u"db needs a subcommand: check"_s);
    args.removeFirst();
    const bool repair = args.removeAll(u"--repair"_s) > 0;
    if (!args.isEmpty())
        return fail(UsageError, u"unexpected argument \"%1\" for db check"_s.arg(args.first()));
    if (!openStore())
        return m_lastFailure;
    QString problem;
    if (m_store->checkRollups(&problem)) {
        m_out << "The team database " << m_store->location().display() << " (schema " << m_store->schemaVersion()
              << "): the spend rollups agree with the usage rows and key snapshots.\n";
        return Ok;
    }
    if (!repair)
        return fail(CheckFailed, u"the spend rollups disagree with the rows they add up (%1); "
                                 "run orteam-cli db check --repair to rebuild them"_s.arg(problem));
    QString error;
    if (!m_store->rebuildRollups(&error))
        return fail(ServerError, u"could not rebuild the spend rollups (nothing was changed): "_s + error);
    if (!m_store->checkRollups(&problem))
        return fail(CheckFailed, u"the spend rollups still disagree after a rebuild: "_s + problem);
    m_out << "Rebuilt the spend rollups from the usage rows and key snapshots (they had said: " << problem << ").\n";
    return Ok;
}

int Cli::reportCommand(QStringList args)
{
    const std::optional<ReportPeriod> period = args.isEmpty() ? std::nullopt : reportPeriodFromName(args.first());
    if (!period)
        return fail(UsageError, u"report needs a kind: weekly or monthly"_s);
    args.removeFirst();
    QDate to = QDateTime::currentDateTimeUtc().date();
    if (const auto toText = takeOption(args, u"to"_s)) {
        to = QDate::fromString(*toText, Qt::ISODate);
        if (!to.isValid())
            return fail(UsageError, u"--to must be a date like 2026-11-30, not \"%1\""_s.arg(*toText));
    }
    const std::optional<QString> format = takeFormat(args, {u"table"_s, u"json"_s, u"csv"_s}, 0);
    if (!format)
        return UsageError;
    if (!openStore())
        return m_lastFailure;
    QString error;
    const TeamReport report = m_store->teamReport(*period, to, &error);
    if (!error.isEmpty())
        return fail(ServerError, error);
    if (*format == "json"_L1) {
        m_out << QString::fromUtf8(reportJson(report));
        return Ok;
    }
    if (*format == "csv"_L1) {
        m_out << QString::fromUtf8(reportCsv(report)).replace(u"\r\n"_s, u"\n"_s);
        return Ok;
    }
    const auto change = [](const std::optional<double> &c) { return c ? formatChange(*c) : u"new"_s; };
    QList<QStringList> table{{u"USER"_s, *period == ReportPeriod::Weekly ? u"WEEKLY COST"_s : u"MONTHLY COST"_s, u"REQUESTS"_s,
                              u"DAILY LIMIT"_s, u"BEFORE"_s, u"CHANGE"_s, u"FORECAST"_s}};
    for (const TeamReportRow &r : report.rows)
        table << QStringList{r.member, u"$"_s + QString::number(r.cost, 'f', 4), QString::number(r.requests),
                             money(r.dailyLimit, u"none"_s), formatUsd(r.previousCost),
                             r.previousCost > 0 || r.cost > 0 ? change(r.change) : u"-"_s, formatUsd(r.forecast)};
    m_out << (*period == ReportPeriod::Weekly ? "Weekly" : "Monthly") << " report, " << report.from.toString(Qt::ISODate)
          << " to " << report.to.toString(Qt::ISODate) << " (UTC)\n\n";
    if (report.rows.isEmpty()) {
        m_out << "No usage recorded in these " << reportDays(*period) << " days or the " << reportDays(*period)
              << " before.\n";
        return Ok;
    }
    m_out << KeyFormatter::columns(table) << "\nTeam total: " << formatUsd(report.total) << " (before: "
          << formatUsd(report.previousTotal) << ", " << (report.change ? change(report.change) : u"no spend before"_s)
          << "); next " << reportDays(*period) << " days forecast: " << formatUsd(report.forecast) << '\n';
    return Ok;
}

} // namespace orteam
