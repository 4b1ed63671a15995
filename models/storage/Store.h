#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "Spend.h"
#include "Enforcement.h"
#include "Report.h"
#include "Team.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

namespace orteam {

// Where the database is: a SQLite file (the default) or a PostgreSQL server shared by a team.
struct DbLocation
{
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString path; // SQLite file
    QString host, user, password, database;
    int port = 5432;
    QString display() const; // never shows a password

    // Parses --db: a file path, or postgresql://user[:password]@host[:port]/name.
    static std::optional<DbLocation> parse(const QString &text, QString *error);
    static QString defaultSqlitePath(); // ~/.local/share/orteam/orteam.db, shared by orteam and orteam-cli
};

struct MemberSpend
{
    double cost = 0;
    qint64 requests = 0; // requests are known for gateway and seed rows; key counters carry none
};

struct ModelSpend
{
    QString model;
    double cost = 0;
    qint64 requests = 0;
};

struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    QString osUser;
    QString action; // create, revoke, disable, enable, limit, tier, import, enforcement, …
    QString target;
    QString before;
    QString after;
};

// The team database on Qt SQL: members, tiers, key links, the seed's user_usage and
// user_budgets tables, key usage snapshots and the audit log. The schema carries its version;
// migrations run `if (from < N)` steps inside one transaction, so a database is always at one
// version or the one before, never between. A database written by the seed's Python scripts is
// backed up beside itself and migrated in place, keeping every row.
class Store
{
public:
    static constexpr int SchemaVersion = 4;

    Store();
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    bool open(const DbLocation &location, QString *error);
    void close();
    bool isOpen() const;
    DbLocation location() const { return m_location; }
    int schemaVersion() const;
    QString backupPath() const { return m_backupPath; } // set when a seed database was migrated

    // Tiers
    QList<Tier> tiers() const;
    bool saveTier(const Tier &tier, QString *error);
    bool deleteTier(const QString &name, QString *error); // refused while members have it
    // The OpenRouter guardrail that holds a tier, once applied (found again by id on the next plan).
    bool setTierGuardrail(const QString &tier, const QString &guardrailId, QString *error);

    // Members
    QList<Member> members() const;
    std::optional<Member> member(const QString &name) const;
    bool addMember(const Member &member, QString *error);
    bool updateMember(const Member &member, QString *error);
    bool linkKey(const QString &memberName, const QString &keyHash, QString *error);
    bool unlinkKey(const QString &keyHash, QString *error);
    QHash<QString, QString> keyOwners() const; // key hash → member name
    // Adds or updates each member in one transaction: all saved, or none (a roster import).
    bool saveMembers(const QList<Member> &members, QString *error);

    // Key usage counters, one row per key and UTC day (the last seen that day), in one transaction.
    bool recordKeySnapshots(const QList<ApiKey> &keys, const QDateTime &takenAt, QString *error);
    // One sync: the key counters and (when given) GET /activity's days, in one transaction, so a
    // sync killed half-way leaves the database as it was. Syncing the same data twice changes nothing.
    bool recordSync(const QList<ApiKey> &keys, const std::optional<QList<ActivityItem>> &activity, const QDateTime &takenAt,
                    QString *error, const QHash<QString, QList<ActivityItem>> &keyActivity = {});
    // Activity alone (the dashboard's periodic sync), in one transaction.
    bool recordActivity(const ActivityData &activity, QString *error);
    // Which models each member's keys used over [from, to], with the first day of each.
    QList<ModelUse> memberModelUses(const QDate &from, const QDate &to, QString *error) const;
    QList<ModelSpend> spendByModel(const QDate &from, const QDate &to, QString *error) const;
    int snapshotCount(const QDate &day) const; // key snapshots held for a UTC day
    // Spend per day over [from, to]: the team's (member empty: every member's spend, linked keys
    // and usage rows) or one member's; per member; or one key's (its snapshots).
    DailySeries dailySpend(const QDate &from, const QDate &to, const QString &member, QString *error) const;
    QHash<QString, DailySeries> dailySpendByMember(const QDate &from, const QDate &to, QString *error) const;
    // Each member's sums for a trend line over [from, to] (see TrendSums).
    QHash<QString, TrendSums> memberTrendSums(const QDate &from, const QDate &to, QString *error) const;
    DailySeries keyDailySpend(const QString &keyHash, const QDate &from, const QDate &to) const;
    // Records alert ids as raised; returns the ones not raised before (each alert once).
    QStringList markAlertsSeen(const QStringList &ids, QString *error);
    // Each member's spend over [from, to] (UTC days) from every source: usage rows and linked keys.
    QHash<QString, MemberSpend> memberSpend(const QDate &from, const QDate &to, QString *error) const;
    // The same costs (no requests) read mostly from the member-month rollup: what ranking members
    // over a long range needs (the Spend page's top five over a year).
    QHash<QString, double> memberCost(const QDate &from, const QDate &to, QString *error) const;

    // The keys the local daily check disabled (so it re-enables those and only those).
    QList<EnforcedKey> enforcedKeys() const;
    bool setEnforced(const EnforcedKey &key, QString *error);
    bool forgetEnforced(const QString &keyHash, QString *error);

    // Team-wide settings shared by everyone on the same database (e.g. auto-enforce).
    QString setting(const QString &name, const QString &fallback = {}) const;
    bool setSetting(const QString &name, const QString &value, QString *error);

    // Usage (the seed's user_usage): one row per user and UTC day.
    bool recordUsage(const QString &user, const QDate &day, double cost, qint64 requests, QString *error);
    std::optional<double> spentOn(const QString &user, const QDate &day) const;
    // The seed's weekly report: the last 7 days including `today`, by cost descending (then by
    // user); users with spend but no budget are included with a null limit.
    QList<WeeklyReportRow> weeklyReport(const QDate &today, QString *error) const;
    // The same rows over any window [from, to].
    QList<WeeklyReportRow> usageReport(const QDate &from, const QDate &to, QString *error) const;
    // The weekly or monthly team report ending on `to`: the window, the one before, each member's
    // trend (three reads; one consistent answer per read).
    // `today` (UTC) tells which days are complete for the trend.
    TeamReport teamReport(ReportPeriod period, const QDate &to, QString *error,
                          const QDate &today = QDateTime::currentDateTimeUtc().date()) const;

    // orteam-gateway tokens: created here (the plain token returned once, only its SHA-256
    // kept), revoked per member, and read by the gateway as hash → member.
    static QString hashGatewayToken(const QString &token);
    std::optional<QString> createGatewayToken(const QString &member, QString *error);
    int revokeGatewayTokens(const QString &member, QString *error); // how many; -1 on failure
    QHash<QString, QString> gatewayTokens(QString *error) const;
    // Many members' usage for one day in one transaction (the gateway's periodic flush).
    bool recordUsageBatch(const QDate &day, const QHash<QString, std::pair<double, qint64>> &usage, QString *error);

    // The spend rollups (team per day, member per month) against the rows they add up: true when
    // they agree, else false with the first difference (or the error). Rebuilding recomputes them
    // in one transaction, for a database a tool wrote past the triggers.
    bool checkRollups(QString *problem) const;
    bool rebuildRollups(QString *error);

    // Audit log
    bool appendAudit(const AuditEntry &entry, QString *error);
    QList<AuditEntry> auditLog(int limit = 1000) const;

private:
    bool migrate(QString *error);
    static QStringList rollupTriggerSql(bool postgres);
    bool fillRollups(QSqlDatabase &d, QString *error); // inside a transaction
    bool writeActivity(const QList<ActivityItem> &activity, QString *error); // inside a transaction
    bool writeKeyActivity(const QHash<QString, QList<ActivityItem>> &perKey, QString *error); // inside a transaction
    bool checkTier(const QString &tier, QString *error) const;
    bool isSeedDatabase(QSqlDatabase &db) const;
    bool backUpSeed(QString *error);
    bool beginWrite(QSqlDatabase &d, QString *error) const; // a write transaction
    // Runs `work` in one write transaction: committed when it returns true, else rolled back
    // (`work` sets the error). Nothing is left half-written either way.
    bool inTransaction(QString *error, const std::function<bool(QSqlDatabase &)> &work) const;
    QString money() const; // the column type for USD: REAL on SQLite, DOUBLE PRECISION on PostgreSQL
    QSqlDatabase db() const;

    QString m_connection;
    DbLocation m_location;
    QString m_backupPath;
};

} // namespace orteam
