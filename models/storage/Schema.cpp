#include "Schema.h"

#include "Database.h"
#include "SpendRows.h"
#include "Sql.h"
#include "Team.h"

#include <QDateTime>
#include <QSet>

#include <iterator>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// Adds `cost` of the rows `source` yields (columns member, day, cost) to both rollups, one
// statement each. A source of many rows (a link: every snapshot of its key) is grouped, so an
// upsert never meets the same rollup row twice (PostgreSQL refuses that); a trigger's source is
// at most one row and skips the grouping, which costs a sort per row written.
QStringList rollupAdd(const QString &source, bool group = true)
{
    const QString dayGroup = group ? u"SUM(cost) FROM (%1) AS s WHERE true GROUP BY day"_s.arg(source)
                                   : u"cost FROM (%1) AS s WHERE true"_s.arg(source);
    const QString monthGroup = group ? u"SUM(cost) FROM (%1) AS s WHERE true GROUP BY member, substr(day, 1, 7)"_s.arg(source)
                                     : u"cost FROM (%1) AS s WHERE true"_s.arg(source);
    return {
        u"INSERT INTO spend_day (day, cost) SELECT day, %1 "
        "ON CONFLICT (day) DO UPDATE SET cost = spend_day.cost + excluded.cost"_s.arg(dayGroup),
        u"INSERT INTO spend_member_month (member, month, cost) SELECT member, substr(day, 1, 7), %1 "
        "ON CONFLICT (member, month) DO UPDATE SET cost = spend_member_month.cost + excluded.cost"_s.arg(monthGroup),
    };
}

// How each source table's rows count in the rollups: SpendRows' money, one row at a time.
// `rows(ROW, sign)` gives (member, day, cost) for NEW or OLD: a usage row is its own member's; a
// key snapshot counts for the member its key is linked to (none: nobody's), for what it adds
// beyond the key's activity that day (a linked key's day costs the larger of the two); a link
// counts every day of its key. key_activity has no trigger: its writer (UsageRepository) adds what
// each day it rewrote changed (Schema::rollupAddSql), as a PostgreSQL row trigger would see a
// whole multi-row statement's rows at once and could not tell a day's first row from its last.
// An update that keeps a row in its bucket (`sameBucket`) adds just the
// difference (`delta`), and only when the money changed: a sync rewrites every key's snapshot of
// the day, and most keys spent nothing since the last one. Any other update takes the old row
// away and adds the new one (a moved link). Version 12 made the triggers' text what it is now.
struct RollupSource
{
    QString table;
    QString (*rows)(const QString &row, int sign);
    bool single; // at most one row per source row
    QString sameBucket, changed, delta; // empty: every update moves the row
};

// The activity of a snapshot's key on its day (ROW: NEW or OLD), summed over its models: one row.
QString activityOf(const QString &row)
{
    return u"SELECT COALESCE(SUM(usage), 0) AS usage FROM key_activity WHERE key_hash = %1.key_hash AND day = %1.day"_s.arg(row);
}

QList<RollupSource> rollupSources()
{
    return {
        {u"user_usage"_s,
         [](const QString &row, int sign) {
             return u"SELECT %1.user_id AS member, %1.date AS day, %2 * COALESCE(%1.total_cost, 0) AS cost"_s.arg(row).arg(sign);
         },
         true, u"OLD.user_id = NEW.user_id AND OLD.date = NEW.date"_s,
         u"COALESCE(OLD.total_cost, 0) <> COALESCE(NEW.total_cost, 0)"_s,
         u"SELECT NEW.user_id AS member, NEW.date AS day, COALESCE(NEW.total_cost, 0) - COALESCE(OLD.total_cost, 0) AS cost"_s},
        {u"key_snapshots"_s,
         [](const QString &row, int sign) {
             return u"SELECT member_name AS member, %1.day AS day, %2 * (%3) AS cost "
                    "FROM member_keys CROSS JOIN (%4) AS a WHERE key_hash = %1.key_hash"_s.arg(row)
                 .arg(sign)
                 .arg(SpendRows::excess(row + u".usage_daily"_s, u"a.usage"_s), activityOf(row));
         },
         true, u"OLD.key_hash = NEW.key_hash AND OLD.day = NEW.day"_s, u"OLD.usage_daily <> NEW.usage_daily"_s,
         u"SELECT member_name AS member, NEW.day AS day, (%1) - (%2) AS cost "
         "FROM member_keys CROSS JOIN (%3) AS a WHERE key_hash = NEW.key_hash"_s.arg(
             SpendRows::excess(u"NEW.usage_daily"_s, u"a.usage"_s), SpendRows::excess(u"OLD.usage_daily"_s, u"a.usage"_s),
             activityOf(u"NEW"_s))},
        {u"member_keys"_s,
         [](const QString &row, int sign) {
             // Each day of the key as SpendRows counts it: the larger of its snapshot and its
             // activity. Not SpendRows::keyDaysWhere, which also reads the snapshots' workspace:
             // SQLite refuses to drop or rename a column a trigger names.
             return u"SELECT %1.member_name AS member, day, %2 * (SUM(a) + %3) AS cost FROM ("
                    "SELECT day, usage_daily AS s, 0 AS a FROM key_snapshots WHERE key_hash = %1.key_hash "
                    "UNION ALL SELECT day, 0, usage FROM key_activity WHERE key_hash = %1.key_hash) AS k GROUP BY day"_s.arg(row)
                 .arg(sign)
                 .arg(SpendRows::excess(u"SUM(s)"_s, u"SUM(a)"_s));
         },
         false, u"OLD.key_hash = NEW.key_hash AND OLD.member_name = NEW.member_name"_s, u"false"_s, {}},
    };
}

Status runAll(const Database &db, const QStringList &steps)
{
    for (const QString &sql : steps) {
        if (Status s = Sql::run(db, sql); !s)
            return s;
    }
    return {};
}

// Version 1: the seed's two tables, orteam's own, the default tiers, and the seed's users as members.
Status migrateTo1(Database &db)
{
    const QString money = db.moneyType();
    const QString serial = db.isPostgres() ? u"BIGSERIAL PRIMARY KEY"_s : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s;
    const QStringList steps{
        u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s,
        // The seed's two tables, exactly as its scripts create them, so both can share a file.
        u"CREATE TABLE IF NOT EXISTS user_usage (user_id TEXT NOT NULL, date TEXT NOT NULL, total_cost %1 DEFAULT 0, "
        "request_count INTEGER DEFAULT 0, PRIMARY KEY (user_id, date))"_s.arg(money),
        u"CREATE TABLE IF NOT EXISTS user_budgets (user_id TEXT PRIMARY KEY, daily_limit %1 NOT NULL, "
        "model_allowlist TEXT)"_s.arg(money),
        u"CREATE TABLE tiers (name TEXT PRIMARY KEY, default_daily_limit %1, allowed_models TEXT, "
        "fallback_model TEXT NOT NULL DEFAULT '', guardrail_id TEXT NOT NULL DEFAULT '')"_s.arg(money),
        u"CREATE TABLE members (name TEXT PRIMARY KEY, email TEXT NOT NULL DEFAULT '', tier TEXT NOT NULL DEFAULT '', "
        "daily_limit_override %1, active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL)"_s.arg(money),
        u"CREATE TABLE member_keys (key_hash TEXT PRIMARY KEY, member_name TEXT NOT NULL REFERENCES members(name) "
        "ON UPDATE CASCADE ON DELETE CASCADE)"_s,
        u"CREATE TABLE key_snapshots (key_hash TEXT NOT NULL, taken_at TEXT NOT NULL, usage %1 NOT NULL, "
        "usage_daily %1 NOT NULL, usage_weekly %1 NOT NULL, usage_monthly %1 NOT NULL, "
        "PRIMARY KEY (key_hash, taken_at))"_s.arg(money),
        u"CREATE TABLE audit_log (id %1, at TEXT NOT NULL, os_user TEXT NOT NULL, action TEXT NOT NULL, "
        "target TEXT NOT NULL, before_value TEXT, after_value TEXT)"_s.arg(serial),
        // Version 1 also made user_usage_date, an index on the day alone, which version 3
        // replaced by a covering one. Every migration runs to the current version in one
        // transaction, so no database stops at version 1 or 2 any more: it is no longer made, as
        // building it over a seed's ten million rows only for version 3 to drop it cost seconds.
    };
    if (Status s = runAll(db, steps); !s)
        return s;
    const QList<Tier> defaults = defaultTiers();
    Sql tier(db, u"INSERT INTO tiers (name, default_daily_limit, allowed_models, fallback_model) "
                  "VALUES (:name, :limit, :models, :fallback)"_s);
    for (const Tier &t : defaults) {
        tier.bind(u":name"_s, t.name)
            .bind(u":limit"_s, sqlvalue::money(t.budget ? std::optional(t.budget->usd) : std::nullopt))
            .bind(u":models"_s, sqlvalue::nullableList(t.allowedModels))
            .bind(u":fallback"_s, sqlvalue::text(t.fallbackModel));
        if (Status s = tier.exec(); !s)
            return s;
    }
    // Seed users become members: their budget becomes a personal daily limit, and their
    // allowlist picks the default tier with the same models (no allowlist: enterprise).
    Sql budgets(db, u"SELECT user_id, daily_limit, model_allowlist FROM user_budgets"_s);
    if (Status s = budgets.exec(); !s)
        return s;
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    Sql member(db, u"INSERT INTO members (name, tier, daily_limit_override, created_at) VALUES (:name, :tier, :limit, :at)"_s);
    while (budgets.next()) {
        const std::optional<QStringList> allow = sqlvalue::listFromJson(budgets.value(2));
        QString tierName;
        for (const Tier &t : defaults) {
            const bool same = (!allow && t.isUnrestricted())
                || (allow && t.allowedModels && QSet<QString>(allow->cbegin(), allow->cend())
                            == QSet<QString>(t.allowedModels->cbegin(), t.allowedModels->cend()));
            if (same)
                tierName = t.name;
        }
        member.bind(u":name"_s, budgets.value(0).toString())
            .bind(u":tier"_s, sqlvalue::text(tierName))
            .bind(u":limit"_s, budgets.value(1))
            .bind(u":at"_s, now);
        if (Status s = member.exec(); !s)
            return s;
    }
    if (const Status read = budgets.finished(); !read)
        return read.error();
    return Sql(db, u"INSERT INTO members (name, created_at) SELECT DISTINCT user_id, :at FROM user_usage "
                   "WHERE user_id NOT IN (SELECT name FROM members)"_s)
        .bind(u":at"_s, now)
        .exec();
}

// Version 2: key snapshots become one row per key and UTC day (the last counters seen that day),
// the local daily check remembers which keys it disabled, team-wide settings, and one view of
// each member's daily spend from every source (the seed's and the gateway's user_usage rows, and
// the keys linked to them), which reports and read-only leads query.
Status migrateTo2(Database &db)
{
    const QString money = db.moneyType();
    return runAll(db, {
        u"DROP TABLE IF EXISTS key_snapshots"_s,
        u"CREATE TABLE key_snapshots (key_hash TEXT NOT NULL, day TEXT NOT NULL, taken_at TEXT NOT NULL, "
        "usage %1 NOT NULL, usage_daily %1 NOT NULL, usage_weekly %1 NOT NULL, usage_monthly %1 NOT NULL, "
        "PRIMARY KEY (key_hash, day))"_s.arg(money),
        u"CREATE INDEX key_snapshots_day ON key_snapshots (day)"_s,
        u"CREATE TABLE enforced_keys (key_hash TEXT PRIMARY KEY, member_name TEXT NOT NULL, day TEXT NOT NULL)"_s,
        u"CREATE TABLE team_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
        // Alerts already raised (by id), so each is shown and notified once.
        u"CREATE TABLE alerts_seen (id TEXT PRIMARY KEY, at TEXT NOT NULL)"_s,
        // Spend per UTC day and model from GET /activity, kept after OpenRouter forgets it.
        u"CREATE TABLE model_activity (day TEXT NOT NULL, model TEXT NOT NULL, usage %1 NOT NULL, "
        "requests INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, "
        "PRIMARY KEY (day, model))"_s.arg(money),
        // The first two of SpendRows' sources (version 3 adds the third), as written then.
        u"CREATE VIEW member_daily_spend AS "
        "SELECT user_id AS member, date AS day, total_cost AS cost, request_count AS requests FROM user_usage "
        "UNION ALL SELECT mk.member_name, ks.day, ks.usage_daily, 0 FROM key_snapshots ks "
        "JOIN member_keys mk ON mk.key_hash = ks.key_hash"_s,
    });
}

// Version 3: activity per key, day and model (GET /activity?api_key_hash=…) for members' keys:
// which models each person used (the "outside their tier" alert) and their request counts, which
// key counters lack. The view gains those requests (with no cost: the key's snapshot already
// counts the money).
Status migrateTo3(Database &db)
{
    return runAll(db, {
        u"CREATE TABLE key_activity (key_hash TEXT NOT NULL, day TEXT NOT NULL, model TEXT NOT NULL, "
        "usage %1 NOT NULL, requests INTEGER NOT NULL, PRIMARY KEY (key_hash, day, model))"_s.arg(db.moneyType()),
        // Covering indexes for the spend queries: a range of days is read from the index alone
        // (no row lookups), which is what makes a year of a thousand members quick.
        u"CREATE INDEX key_activity_day ON key_activity (day, key_hash, requests)"_s,
        u"DROP INDEX IF EXISTS user_usage_date"_s,
        u"CREATE INDEX user_usage_day_cover ON user_usage (date, user_id, total_cost, request_count)"_s,
        u"CREATE INDEX user_usage_member_cover ON user_usage (user_id, date, total_cost, request_count)"_s,
        u"DROP INDEX IF EXISTS key_snapshots_day"_s,
        u"CREATE INDEX key_snapshots_day_cover ON key_snapshots (day, key_hash, usage_daily)"_s,
        u"CREATE INDEX member_keys_member ON member_keys (member_name)"_s,
        // orteam-gateway: each member's token, kept only as its SHA-256.
        u"CREATE TABLE gateway_tokens (token_hash TEXT PRIMARY KEY, member_name TEXT NOT NULL REFERENCES members(name) "
        "ON UPDATE CASCADE ON DELETE CASCADE, created_at TEXT NOT NULL)"_s,
        u"DROP VIEW member_daily_spend"_s,
        // SpendRows' three sources, the same union the runtime queries are built from (see
        // SpendRows.h), written out as it was created; total_cost is not COALESCEd here.
        u"CREATE VIEW member_daily_spend AS "
        "SELECT user_id AS member, date AS day, total_cost AS cost, request_count AS requests FROM user_usage "
        "UNION ALL SELECT mk.member_name, ks.day, ks.usage_daily, 0 FROM key_snapshots ks "
        "JOIN member_keys mk ON mk.key_hash = ks.key_hash "
        "UNION ALL SELECT mk.member_name, ka.day, 0, ka.requests FROM key_activity ka "
        "JOIN member_keys mk ON mk.key_hash = ka.key_hash"_s,
    });
}

// Version 4: spend rollups, so the Spend page's year of daily series does not read a year of
// every member's rows: the team's spend per day, and each member's per month. Triggers keep them
// equal to the sources (usage rows, and snapshots of linked keys) whoever writes (this app, the
// gateway, the seed's scripts), including links made or moved later.
Status migrateTo4(Database &db)
{
    QStringList steps{
        u"CREATE TABLE spend_day (day TEXT PRIMARY KEY, cost %1 NOT NULL)"_s.arg(db.moneyType()),
        u"CREATE TABLE spend_member_month (member TEXT NOT NULL, month TEXT NOT NULL, cost %1 NOT NULL, "
        "PRIMARY KEY (member, month))"_s.arg(db.moneyType()),
    };
    steps << Schema::rollupTriggerSql(db.isPostgres());
    if (Status s = runAll(db, steps); !s)
        return s;
    return Schema::fillRollups(db);
}

// orteam-gateway's shared budget: one row per request admitted and not yet written as usage, so
// several gateways on one database count each other's requests in flight.
Status migrateTo5(Database &db)
{
    return runAll(db, QStringList{
        u"CREATE TABLE gateway_reservations (id TEXT PRIMARY KEY, member_name TEXT NOT NULL, reserved_at TEXT NOT NULL)"_s,
        u"CREATE INDEX gateway_reservations_member ON gateway_reservations (member_name, reserved_at)"_s,
    });
}

// Version 6: key hygiene. key_use holds, per key, what its snapshots and activity showed of its
// use (first and latest snapshot, the latest day with use), kept by UsageRepository as it writes
// them, so "when was each of 10,000 keys last used" is one row per key however long the history.
// key_rotations is the schedule of old keys being replaced. Existing history is summed up once.
Status migrateTo6(Database &db)
{
    const QString money = db.moneyType();
    return runAll(db, QStringList{
        u"CREATE TABLE key_use (key_hash TEXT PRIMARY KEY, first_day TEXT, first_usage %1, last_day TEXT, "
        "last_usage %1, used_day TEXT, used_from TEXT, activity_day TEXT)"_s.arg(money),
        u"CREATE TABLE key_rotations (old_hash TEXT PRIMARY KEY, old_name TEXT NOT NULL, new_hash TEXT NOT NULL, "
        "rotated_at TEXT NOT NULL, disable_at TEXT, revoke_at TEXT, state TEXT NOT NULL, note TEXT NOT NULL DEFAULT '')"_s,
        // A snapshot shows use when its daily counter is above zero or its lifetime counter rose
        // since the snapshot before it. The fill dates a rise on its snapshot's day (the latest it
        // can be), where the running upsert keeps the span: once, and on the safe side (a key is
        // never called dormant earlier than it is).
        u"INSERT INTO key_use (key_hash, first_day, first_usage, last_day, last_usage, used_day) "
        "SELECT key_hash, MIN(day), MAX(CASE WHEN first_rank = 1 THEN usage END), MAX(day), "
        "MAX(CASE WHEN last_rank = 1 THEN usage END), MAX(CASE WHEN usage_daily > 0 OR usage > previous THEN day END) "
        "FROM (SELECT key_hash, day, usage, usage_daily, LAG(usage) OVER (PARTITION BY key_hash ORDER BY day) AS previous, "
        "ROW_NUMBER() OVER (PARTITION BY key_hash ORDER BY day) AS first_rank, "
        "ROW_NUMBER() OVER (PARTITION BY key_hash ORDER BY day DESC) AS last_rank FROM key_snapshots) AS s "
        "GROUP BY key_hash"_s,
        u"INSERT INTO key_use (key_hash, activity_day) SELECT key_hash, MAX(day) FROM key_activity "
        "WHERE requests > 0 OR usage > 0 GROUP BY key_hash "
        "ON CONFLICT (key_hash) DO UPDATE SET activity_day = excluded.activity_day"_s,
    });
}

// Version 7: notifications. notify_destinations holds where alerts and reports go and which ones
// (never a secret: webhook URLs and passwords are in the keychain); notify_outbox every message
// decided for a destination, written in the transaction that decides it and kept after it is
// sent (one message per key and destination, whatever the number of dashboards and cron runs).
Status migrateTo7(Database &db)
{
    const QString serial = db.isPostgres() ? u"BIGSERIAL PRIMARY KEY"_s : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s;
    return runAll(db, QStringList{
        u"CREATE TABLE notify_destinations (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, "
        "enabled INTEGER NOT NULL, config TEXT NOT NULL)"_s,
        u"CREATE TABLE notify_outbox (id %1, delivery_id TEXT NOT NULL UNIQUE, destination_id TEXT NOT NULL, "
        "message_key TEXT NOT NULL, message TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
        "created_at TEXT NOT NULL, next_at TEXT NOT NULL, lease_until TEXT, sent_at TEXT, last_error TEXT NOT NULL DEFAULT '', "
        "UNIQUE (destination_id, message_key))"_s.arg(serial),
        u"CREATE INDEX notify_outbox_due ON notify_outbox (state, next_at)"_s,
    });
}

// Version 8: members as OpenRouter users. openrouter_user_id links a member to the person at
// OpenRouter (GET /organization/members), so a guardrail can bind them across every key; one
// user is one member (NULLs, the unlinked, are not equal to each other in either database).
// guardrail_id is the member's own guardrail, made when their daily limit differs from the tier's.
Status migrateTo8(Database &db)
{
    return runAll(db, QStringList{
        u"ALTER TABLE members ADD COLUMN openrouter_user_id TEXT"_s,
        u"ALTER TABLE members ADD COLUMN guardrail_id TEXT"_s,
        u"CREATE UNIQUE INDEX members_openrouter_user ON members (openrouter_user_id)"_s,
    });
}

// Version 9: budgets beyond the day. A tier's budget (default_daily_limit, the name kept so the
// seed-era column stays where scripts look for it) and a member's own budget
// (daily_limit_override) each get a period: OpenRouter's reset intervals, 'daily', 'weekly' or
// 'monthly'. Every budget so far was daily, so that is the default.
Status migrateTo9(Database &db)
{
    return runAll(db, QStringList{
        u"ALTER TABLE tiers ADD COLUMN budget_period TEXT NOT NULL DEFAULT 'daily'"_s,
        u"ALTER TABLE members ADD COLUMN budget_period TEXT NOT NULL DEFAULT 'daily'"_s,
    });
}

// Version 10: spend per provider, and per person. OpenRouter reports which provider served each
// model (GET /activity's provider_name, the provider dimension of POST /analytics/query); the
// account's days are kept per provider and model beside model_activity, for the Spend page's "by
// provider". Days synced before hold no provider: copied with an empty one ("not recorded"), so
// spend by provider adds up to spend by model over any range. user_activity is each linked
// member's days as an OpenRouter user (every key of theirs, ones they made themselves included).
Status migrateTo10(Database &db)
{
    return runAll(db, QStringList{
        u"CREATE TABLE provider_activity (day TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, "
        "usage %1 NOT NULL, requests INTEGER NOT NULL, PRIMARY KEY (day, provider, model))"_s.arg(db.moneyType()),
        // Covering, as key_activity_day: a range of days summed per provider from the index alone.
        u"CREATE INDEX provider_activity_day_cover ON provider_activity (day, provider, usage, requests)"_s,
        u"INSERT INTO provider_activity (day, provider, model, usage, requests) "
        "SELECT day, '', model, usage, requests FROM model_activity"_s,
        u"CREATE TABLE user_activity (user_id TEXT NOT NULL, day TEXT NOT NULL, usage %1 NOT NULL, "
        "requests INTEGER NOT NULL, PRIMARY KEY (user_id, day))"_s.arg(db.moneyType()),
    });
}

// Version 11: workspaces. Each snapshot keeps the workspace its key was in that day, so a
// month's chargeback reads the same however keys move later; each key's last workspace (for the
// snapshots taken before this version) and each workspace's name as last listed, so spend per
// workspace reads from history alone, after a key or a workspace is gone.
Status migrateTo11(Database &db)
{
    return runAll(db, QStringList{
        u"ALTER TABLE key_snapshots ADD COLUMN workspace_id TEXT"_s,
        u"CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL, seen_at TEXT NOT NULL)"_s,
        u"CREATE TABLE key_workspaces (key_hash TEXT PRIMARY KEY, workspace_id TEXT NOT NULL)"_s,
        u"CREATE INDEX key_workspaces_workspace ON key_workspaces (workspace_id)"_s,
    });
}

// Version 12: synced activity carries money. A linked key's day costs the larger of its snapshot
// and its activity (SpendRows), where activity gave requests only: the days synced from before
// orteam watched a key cost nothing. The rollup triggers and the view are made again with that
// rule, and the rollups added up again where activity of a linked key could change them (a seed
// database has none: its usage rows are read once, by version 4, not twice).
Status migrateTo12(Database &db)
{
    const bool postgres = db.isPostgres();
    QStringList steps;
    for (const QString &table : {u"user_usage"_s, u"key_snapshots"_s, u"member_keys"_s}) {
        if (postgres) {
            steps << u"DROP TRIGGER IF EXISTS %1_rollup ON %1"_s.arg(table)
                  << u"DROP FUNCTION IF EXISTS orteam_rollup_%1()"_s.arg(table);
        } else {
            for (const QString &when : {u"insert"_s, u"delete"_s, u"move"_s, u"change"_s})
                steps << u"DROP TRIGGER IF EXISTS %1_rollup_%2"_s.arg(table, when);
        }
    }
    steps << Schema::rollupTriggerSql(postgres);
    // Activity's money is read now, not only its requests: the covering index carries it.
    steps << u"DROP INDEX IF EXISTS key_activity_day"_s
          << u"CREATE INDEX IF NOT EXISTS key_activity_day_cover ON key_activity (day, key_hash, usage, requests)"_s;
    steps << u"DROP VIEW member_daily_spend"_s
          << u"CREATE VIEW member_daily_spend AS "
             "SELECT user_id AS member, date AS day, total_cost AS cost, request_count AS requests FROM user_usage "
             "UNION ALL SELECT mk.member_name, ks.day, ks.usage_daily, 0 FROM key_snapshots ks "
             "JOIN member_keys mk ON mk.key_hash = ks.key_hash "
             "UNION ALL SELECT mk.member_name, ka.day, "
             "CASE WHEN ka.usage > COALESCE(ks.usage_daily, 0) THEN ka.usage - COALESCE(ks.usage_daily, 0) ELSE 0 END, "
             "ka.requests FROM (SELECT key_hash, day, SUM(usage) AS usage, SUM(requests) AS requests FROM key_activity "
             "GROUP BY key_hash, day) AS ka JOIN member_keys mk ON mk.key_hash = ka.key_hash "
             "LEFT JOIN key_snapshots ks ON ks.key_hash = ka.key_hash AND ks.day = ka.day"_s;
    if (Status s = runAll(db, steps); !s)
        return s;
    Sql linked(db, u"SELECT 1 FROM key_activity ka JOIN member_keys mk ON mk.key_hash = ka.key_hash LIMIT 1"_s);
    if (Status s = linked.exec(); !s)
        return s;
    const Result<bool> any = linked.fetch();
    if (!any)
        return any.error();
    return *any ? Schema::fillRollups(db) : Status{};
}

// What the steps that read every usage row do, for the progress line (the rest take no time).
QString stepNote(int version)
{
    switch (version) {
    case 3: return u" (indexing the usage rows by day and by member)"_s;
    case 4: return u" (adding up the spend rollups)"_s;
    case 12: return u" (adding up the spend rollups again, with the keys' synced activity)"_s;
    default: return {};
    }
}
} // namespace

// The triggers that keep spend_day and spend_member_month right. SQLite takes the statements in
// the trigger itself; PostgreSQL wants them in a plpgsql function, one per table.
QStringList Schema::rollupTriggerSql(bool postgres)
{
    QStringList out;
    for (const RollupSource &src : rollupSources()) {
        const QString add = rollupAdd(src.rows(u"NEW"_s, 1), !src.single).join(u"; "_s);
        const QString sub = rollupAdd(src.rows(u"OLD"_s, -1), !src.single).join(u"; "_s);
        const QString delta = src.delta.isEmpty() ? QString() : rollupAdd(src.delta, false).join(u"; "_s);
        if (postgres) {
            out << u"CREATE FUNCTION orteam_rollup_%1() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                   "IF TG_OP = 'INSERT' THEN %2; "
                   "ELSIF TG_OP = 'DELETE' THEN %3; "
                   "ELSIF %4 THEN IF %5 THEN %6; END IF; "
                   "ELSE %3; %2; END IF; "
                   "RETURN NULL; END $f$"_s.arg(src.table, add, sub, src.sameBucket, src.changed,
                                                 delta.isEmpty() ? u"NULL"_s : delta)
                << u"CREATE TRIGGER %1_rollup AFTER INSERT OR UPDATE OR DELETE ON %1 FOR EACH ROW "
                   "EXECUTE FUNCTION orteam_rollup_%1()"_s.arg(src.table);
        } else {
            out << u"CREATE TRIGGER %1_rollup_insert AFTER INSERT ON %1 BEGIN %2; END"_s.arg(src.table, add)
                << u"CREATE TRIGGER %1_rollup_delete AFTER DELETE ON %1 BEGIN %2; END"_s.arg(src.table, sub)
                << u"CREATE TRIGGER %1_rollup_move AFTER UPDATE ON %1 WHEN NOT (%2) BEGIN %3; %4; END"_s.arg(
                       src.table, src.sameBucket, sub, add);
            if (!delta.isEmpty())
                out << u"CREATE TRIGGER %1_rollup_change AFTER UPDATE ON %1 WHEN %2 AND %3 BEGIN %4; END"_s.arg(
                           src.table, src.sameBucket, src.changed, delta);
        }
    }
    return out;
}

Status Schema::fillRollups(Database &db)
{
    // Emptied first, so every sum is a new row: plain inserts of the sources' sums.
    return runAll(db, QStringList{
        u"DELETE FROM spend_day"_s,
        u"DELETE FROM spend_member_month"_s,
        u"INSERT INTO spend_day (day, cost) SELECT day, cost FROM (%1) AS s"_s.arg(SpendRows::costPerDay()),
        u"INSERT INTO spend_member_month (member, month, cost) SELECT member, month, cost FROM (%1) AS s"_s.arg(
            SpendRows::costPerMemberMonth()),
    });
}

QStringList Schema::rollupAddSql()
{
    return {
        u"INSERT INTO spend_day (day, cost) VALUES (:day, :cost) "
        "ON CONFLICT (day) DO UPDATE SET cost = spend_day.cost + excluded.cost"_s,
        u"INSERT INTO spend_member_month (member, month, cost) VALUES (:member, :month, :cost) "
        "ON CONFLICT (member, month) DO UPDATE SET cost = spend_member_month.cost + excluded.cost"_s,
    };
}

Status Schema::migrate(Database &db)
{
    const QStringList tables = QSqlDatabase::database(db.connectionName(), false).tables();
    int from = 0;
    if (tables.contains(u"schema_version"_s)) {
        const Result<int> version = db.schemaVersion();
        if (!version)
            return version.error();
        from = *version;
    }
    const QString where = db.location().display();
    if (from > Version) {
        return StoreError::database(u"The database %1 was written by a newer orteam (schema %2; this one knows %3). "
                                    "Update orteam."_s.arg(where)
                                        .arg(from)
                                        .arg(Version));
    }
    if (from == Version)
        return {}; // nothing written: a read-only role opens an up-to-date database
    // One transaction: a database is at one version or the one before, never between.
    bool doneElsewhere = false;
    const Status migrated = db.transaction([&]() -> Status {
        // Another process (a second dashboard, orteam-cli from cron) may have migrated it while
        // this one waited for the write lock: read the version again inside the transaction.
        if (QSqlDatabase::database(db.connectionName(), false).tables().contains(u"schema_version"_s)) {
            const Result<int> now = db.schemaVersion();
            if (!now)
                return now.error();
            if (*now >= Version) {
                doneElsewhere = true;
                return {};
            }
            from = *now;
        }
        // Step N brings version N - 1 to N: the ones past `from` run, in order.
        Status (*const steps[])(Database &) = {migrateTo1, migrateTo2, migrateTo3, migrateTo4, migrateTo5, migrateTo6, migrateTo7, migrateTo8,
                                                      migrateTo9, migrateTo10, migrateTo11, migrateTo12};
        static_assert(std::size(steps) == Version, "one step per schema version");
        // Said on the way (Database::progress) when there is history to bring along: a seed
        // database, or one already orteam's; a new empty file is made silently.
        const bool tell = from > 0 || !db.backupPath().isEmpty();
        for (int step = from; step < Version; ++step) {
            if (tell)
                db.progress(u"migrating: step %1 of %2%3"_s.arg(step + 1).arg(Version).arg(stepNote(step + 1)));
            if (Status s = steps[step](db); !s)
                return s;
        }
        return Sql(db, u"INSERT INTO schema_version (version) VALUES (:version)"_s).bind(u":version"_s, Version).exec();
    });
    if (!migrated)
        return StoreError::database(u"Cannot prepare the database %1: %2"_s.arg(where, migrated.errorText()));
    if (doneElsewhere)
        return {};
    qCInfo(lcStorage).noquote() << "database" << where << "migrated from schema" << from << "to" << Version;
    return {};
}

} // namespace orteam
