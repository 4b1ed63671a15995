#include "Store.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUrl>
#include <QUuid>
#include <QVariant>

#include <cmath>

Q_LOGGING_CATEGORY(lcStorage, "orteam.storage", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QString DbLocation::display() const
{
    if (kind == Kind::Sqlite)
        return path;
    return u"postgresql://%1@%2:%3/%4"_s.arg(user, host).arg(port).arg(database);
}

QString DbLocation::defaultSqlitePath()
{
    // Not AppDataLocation: that folder is named after the running program, and the dashboard and
    // orteam-cli must find the same database.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + u"/orteam/orteam.db"_s;
}

std::optional<DbLocation> DbLocation::parse(const QString &text, QString *error)
{
    const QString t = text.trimmed();
    DbLocation loc;
    if (t.isEmpty()) {
        *error = u"--db needs a file path or a postgresql:// URL"_s;
        return std::nullopt;
    }
    if (t.startsWith("postgresql://"_L1) || t.startsWith("postgres://"_L1)) {
        const QUrl url(t, QUrl::StrictMode);
        const QString name = url.path().mid(1);
        if (!url.isValid() || url.host().isEmpty() || name.isEmpty() || name.contains(u'/')) {
            *error = u"\"%1\" is not a PostgreSQL URL (expected postgresql://user@host:port/database)"_s
                         .arg(url.toString(QUrl::RemovePassword));
            return std::nullopt;
        }
        loc.kind = Kind::Postgres;
        loc.host = url.host();
        loc.port = url.port(5432);
        loc.user = url.userName();
        loc.password = url.password();
        loc.database = name;
        return loc;
    }
    if (t.contains("://"_L1)) {
        *error = u"\"%1\" is neither a file path nor a postgresql:// URL"_s.arg(t);
        return std::nullopt;
    }
    loc.path = QFileInfo(t).absoluteFilePath();
    if (QFileInfo(loc.path).isDir()) {
        *error = u"\"%1\" is a folder, not a database file"_s.arg(t);
        return std::nullopt;
    }
    return loc;
}

Store::Store() : m_connection(u"orteam-store-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

Store::~Store()
{
    close();
}

QSqlDatabase Store::db() const
{
    return QSqlDatabase::database(m_connection, false);
}

bool Store::isOpen() const
{
    return QSqlDatabase::contains(m_connection) && db().isOpen();
}

void Store::close()
{
    if (QSqlDatabase::contains(m_connection)) {
        {
            QSqlDatabase d = db();
            d.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }
}

bool Store::beginWrite(QSqlDatabase &d, QString *error) const
{
    if (m_location.kind == DbLocation::Kind::Postgres) {
        if (d.transaction())
            return true;
        *error = d.lastError().text();
        return false;
    }
    // IMMEDIATE takes the write lock up front, waiting (busy timeout) for another writer (the
    // dashboard's worker, a CLI process) to finish. A plain deferred BEGIN that reads first and
    // writes later fails at once with "database is locked" when another write committed between.
    QSqlQuery q(d);
    if (q.exec(u"BEGIN IMMEDIATE"_s))
        return true;
    *error = q.lastError().text();
    return false;
}

bool Store::inTransaction(QString *error, const std::function<bool(QSqlDatabase &)> &work) const
{
    QSqlDatabase d = db();
    if (!beginWrite(d, error))
        return false;
    if (!work(d)) {
        d.rollback();
        return false;
    }
    if (!d.commit()) {
        *error = d.lastError().text();
        d.rollback();
        return false;
    }
    return true;
}

QString Store::money() const
{
    return m_location.kind == DbLocation::Kind::Postgres ? u"DOUBLE PRECISION"_s : u"REAL"_s;
}

namespace {
bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        *error = q.lastError().text();
        qCWarning(lcStorage).noquote() << "SQL failed:" << sql.left(80) << "—" << *error;
        return false;
    }
    return true;
}
// Binds `values` (after whatever was bound before) and runs the prepared query.
bool run(QSqlQuery &q, const QVariantList &values, QString *error)
{
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (q.exec())
        return true;
    *error = q.lastError().text();
    return false;
}
// A rollup is kept by adding and taking away doubles, so a day whose rows were all taken away
// can read 1e-17 instead of 0; no amount of money is that small.
double cleanMoney(double v)
{
    return std::abs(v) < 1e-9 ? 0.0 : v;
}
QVariant nullableMoney(const std::optional<double> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::Double));
}
// Qt binds a null QString as SQL NULL; NOT NULL text columns want an empty string instead.
QString text(const QString &s)
{
    return s.isNull() ? QString(u""_s) : s;
}
std::optional<double> optionalMoney(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<double>(v.toDouble());
}
QString listToJson(const std::optional<QStringList> &list)
{
    return list ? QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(*list)).toJson(QJsonDocument::Compact)) : QString();
}
std::optional<QStringList> listFromJson(const QVariant &v)
{
    if (v.isNull() || v.toString().isEmpty())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue item : QJsonDocument::fromJson(v.toString().toUtf8()).array())
        out << item.toString();
    return out;
}
QString osUser()
{
    QString u = qEnvironmentVariable("USER");
    if (u.isEmpty())
        u = qEnvironmentVariable("USERNAME");
    return u.isEmpty() ? u"unknown"_s : u;
}
} // namespace

bool Store::open(const DbLocation &location, QString *error)
{
    close();
    m_location = location;
    m_backupPath.clear();
    const bool sqlite = location.kind == DbLocation::Kind::Sqlite;
    if (!QSqlDatabase::isDriverAvailable(sqlite ? u"QSQLITE"_s : u"QPSQL"_s)) {
        *error = sqlite ? u"The SQLite driver for Qt is not installed (Debian: libqt6sql6-sqlite)."_s
                        : u"The PostgreSQL driver for Qt is not installed (Debian: libqt6sql6-psql)."_s;
        return false;
    }
    QSqlDatabase d = QSqlDatabase::addDatabase(sqlite ? u"QSQLITE"_s : u"QPSQL"_s, m_connection);
    if (sqlite) {
        QDir().mkpath(QFileInfo(location.path).absolutePath());
        d.setDatabaseName(location.path);
        d.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s); // a second process waits instead of failing
    } else {
        d.setHostName(location.host);
        d.setPort(location.port);
        d.setUserName(location.user);
        d.setPassword(location.password);
        d.setDatabaseName(location.database);
        d.setConnectOptions(u"connect_timeout=10"_s);
    }
    // Every failure below drops this handle before close(), so the connection can be removed.
    auto abandon = [&] {
        d = QSqlDatabase();
        close();
        return false;
    };
    if (!d.open()) {
        *error = u"Cannot open the database %1: %2"_s.arg(location.display(), d.lastError().text());
        return abandon();
    }
    if (sqlite) {
        bool intact = false;
        {
            QSqlQuery check(d); // scoped: an unfinished statement would block the pragmas below
            intact = check.exec(u"PRAGMA integrity_check"_s) && check.next() && check.value(0).toString() == "ok"_L1;
        }
        if (!intact) {
            *error = u"The database %1 is damaged or not a database (integrity check failed). Restore it from a "
                     "backup."_s.arg(location.path);
            return abandon();
        }
        if (isSeedDatabase(d) && !backUpSeed(error))
            return abandon();
        // WAL lets the GUI sync while the CLI reads a report; foreign keys are off by default.
        if (!exec(d, u"PRAGMA journal_mode=WAL"_s, error) || !exec(d, u"PRAGMA foreign_keys=ON"_s, error))
            return abandon();
    }
    if (!migrate(error))
        return abandon();
    return true;
}

bool Store::isSeedDatabase(QSqlDatabase &d) const
{
    const QStringList tables = d.tables();
    return !tables.contains(u"schema_version"_s)
        && (tables.contains(u"user_usage"_s) || tables.contains(u"user_budgets"_s));
}

bool Store::backUpSeed(QString *error)
{
    const QString backup = m_location.path + u".orteam-backup-"_s
        + QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss"_s);
    if (!QFile::copy(m_location.path, backup)) {
        *error = u"Cannot save a backup of %1 before migrating it (to %2); nothing was changed."_s.arg(m_location.path, backup);
        return false;
    }
    m_backupPath = backup;
    qCInfo(lcStorage).noquote() << "seed database backed up to" << backup;
    return true;
}

int Store::schemaVersion() const
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    if (!q.exec(u"SELECT MAX(version) FROM schema_version"_s) || !q.next())
        return 0;
    return q.value(0).toInt();
}

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

// How each source table's rows count in the rollups. `rows(ROW, sign)` gives (member, day, cost)
// for NEW or OLD: a usage row is its own member's; a key snapshot counts for the member its key
// is linked to (none: nobody's); a link counts every snapshot of its key. An update that keeps
// a row in its bucket (`sameBucket`) adds just the difference (`delta`), and only when the money
// changed: a sync rewrites every key's snapshot of the day, and most keys spent nothing since
// the last one. Any other update takes the old row away and adds the new one (a moved link).
struct RollupSource
{
    QString table;
    QString (*rows)(const QString &row, int sign);
    bool single; // at most one row per source row
    QString sameBucket, changed, delta; // empty: every update moves the row
};

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
             return u"SELECT member_name AS member, %1.day AS day, %2 * %1.usage_daily AS cost FROM member_keys "
                    "WHERE key_hash = %1.key_hash"_s.arg(row).arg(sign);
         },
         true, u"OLD.key_hash = NEW.key_hash AND OLD.day = NEW.day"_s, u"OLD.usage_daily <> NEW.usage_daily"_s,
         u"SELECT member_name AS member, NEW.day AS day, NEW.usage_daily - OLD.usage_daily AS cost FROM member_keys "
         "WHERE key_hash = NEW.key_hash"_s},
        {u"member_keys"_s,
         [](const QString &row, int sign) {
             return u"SELECT %1.member_name AS member, day, %2 * usage_daily AS cost FROM key_snapshots "
                    "WHERE key_hash = %1.key_hash"_s.arg(row).arg(sign);
         },
         false, u"OLD.key_hash = NEW.key_hash AND OLD.member_name = NEW.member_name"_s, u"false"_s, {}},
    };
}
} // namespace

// The triggers that keep spend_day and spend_member_month right. SQLite takes the statements in
// the trigger itself; PostgreSQL wants them in a plpgsql function, one per table.
QStringList Store::rollupTriggerSql(bool postgres)
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

namespace {
// Every source row of members' spend as (member, day, cost): usage rows, and snapshots of linked
// keys. What the rollups add up, and what a report's trend is fitted on. `ranged`: only the days
// between two bound dates (from, to for each source), read from each table's day index.
QString spendRows(bool ranged = false)
{
    return u"SELECT user_id AS member, date AS day, COALESCE(total_cost, 0) AS cost FROM user_usage%1 "
           "UNION ALL SELECT mk.member_name, ks.day, ks.usage_daily FROM key_snapshots ks "
           "JOIN member_keys mk ON mk.key_hash = ks.key_hash%2"_s.arg(ranged ? u" WHERE date >= ? AND date <= ?"_s : QString(),
                                                                  ranged ? u" WHERE ks.day >= ? AND ks.day <= ?"_s : QString());
}
} // namespace

bool Store::fillRollups(QSqlDatabase &d, QString *error)
{
    const QStringList steps = QStringList{u"DELETE FROM spend_day"_s, u"DELETE FROM spend_member_month"_s}
        + rollupAdd(spendRows());
    for (const QString &sql : steps) {
        if (!exec(d, sql, error))
            return false;
    }
    return true;
}

bool Store::checkRollups(QString *problem) const
{
    // Each rollup row against the sources' sum; a row missing on one side counts as zero (taking
    // away every row of a day leaves the rollup's row at zero, not gone). Money is summed in a
    // different order on each side, hence the small tolerance.
    QSqlDatabase d = db();
    const QStringList checks{
        u"SELECT COALESCE(r.day, s.day), r.cost, s.cost FROM spend_day r FULL OUTER JOIN "
        "(SELECT day, SUM(cost) AS cost FROM (%1) AS a GROUP BY day) s ON s.day = r.day "
        "WHERE abs(COALESCE(r.cost, 0) - COALESCE(s.cost, 0)) > 0.000001 LIMIT 1"_s.arg(spendRows()),
        u"SELECT COALESCE(r.member, s.member) || ' ' || COALESCE(r.month, s.month), r.cost, s.cost FROM spend_member_month r "
        "FULL OUTER JOIN (SELECT member, substr(day, 1, 7) AS month, SUM(cost) AS cost FROM (%1) AS a "
        "GROUP BY member, substr(day, 1, 7)) s ON s.member = r.member AND s.month = r.month "
        "WHERE abs(COALESCE(r.cost, 0) - COALESCE(s.cost, 0)) > 0.000001 LIMIT 1"_s.arg(spendRows()),
    };
    for (const QString &sql : checks) {
        QSqlQuery q(d);
        if (!q.exec(sql)) {
            *problem = q.lastError().text();
            return false;
        }
        if (q.next()) {
            *problem = u"%1: the rollup says %2, the usage rows and key snapshots say %3"_s.arg(
                q.value(0).toString(), q.value(1).isNull() ? u"nothing"_s : QString::number(q.value(1).toDouble()),
                q.value(2).isNull() ? u"nothing"_s : QString::number(q.value(2).toDouble()));
            return false;
        }
    }
    return true;
}

bool Store::rebuildRollups(QString *error)
{
    return inTransaction(error, [&](QSqlDatabase &d) { return fillRollups(d, error); });
}

bool Store::migrate(QString *error)
{
    QSqlDatabase d = db();
    const QStringList tables = d.tables();
    int from = 0;
    if (tables.contains(u"schema_version"_s))
        from = schemaVersion();
    if (from > SchemaVersion) {
        *error = u"The database %1 was written by a newer orteam (schema %2; this one knows %3). Update orteam."_s
                     .arg(m_location.display())
                     .arg(from)
                     .arg(SchemaVersion);
        return false;
    }
    if (from == SchemaVersion)
        return true;
    if (!beginWrite(d, error))
        return false;
    auto fail = [&](const QString &e) {
        *error = u"Cannot prepare the database %1: %2"_s.arg(m_location.display(), e);
        d.rollback();
        return false;
    };
    QString e;
    const QString serial = m_location.kind == DbLocation::Kind::Postgres ? u"BIGSERIAL PRIMARY KEY"_s
                                                                        : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s;
    if (from < 1) {
        const QStringList steps{
            u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s,
            // The seed's two tables, exactly as its scripts create them, so both can share a file.
            u"CREATE TABLE IF NOT EXISTS user_usage (user_id TEXT NOT NULL, date TEXT NOT NULL, total_cost %1 DEFAULT 0, "
            "request_count INTEGER DEFAULT 0, PRIMARY KEY (user_id, date))"_s.arg(money()),
            u"CREATE TABLE IF NOT EXISTS user_budgets (user_id TEXT PRIMARY KEY, daily_limit %1 NOT NULL, "
            "model_allowlist TEXT)"_s.arg(money()),
            u"CREATE TABLE tiers (name TEXT PRIMARY KEY, default_daily_limit %1, allowed_models TEXT, "
            "fallback_model TEXT NOT NULL DEFAULT '', guardrail_id TEXT NOT NULL DEFAULT '')"_s.arg(money()),
            u"CREATE TABLE members (name TEXT PRIMARY KEY, email TEXT NOT NULL DEFAULT '', tier TEXT NOT NULL DEFAULT '', "
            "daily_limit_override %1, active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL)"_s.arg(money()),
            u"CREATE TABLE member_keys (key_hash TEXT PRIMARY KEY, member_name TEXT NOT NULL REFERENCES members(name) "
            "ON UPDATE CASCADE ON DELETE CASCADE)"_s,
            u"CREATE TABLE key_snapshots (key_hash TEXT NOT NULL, taken_at TEXT NOT NULL, usage %1 NOT NULL, "
            "usage_daily %1 NOT NULL, usage_weekly %1 NOT NULL, usage_monthly %1 NOT NULL, "
            "PRIMARY KEY (key_hash, taken_at))"_s.arg(money()),
            u"CREATE TABLE audit_log (id %1, at TEXT NOT NULL, os_user TEXT NOT NULL, action TEXT NOT NULL, "
            "target TEXT NOT NULL, before_value TEXT, after_value TEXT)"_s.arg(serial),
            u"CREATE INDEX user_usage_date ON user_usage (date)"_s,
        };
        for (const QString &sql : steps) {
            if (!exec(d, sql, &e))
                return fail(e);
        }
        const QList<Tier> defaults = defaultTiers();
        for (const Tier &t : defaults) {
            QSqlQuery q(d);
            q.prepare(u"INSERT INTO tiers (name, default_daily_limit, allowed_models, fallback_model) VALUES (?, ?, ?, ?)"_s);
            q.addBindValue(t.name);
            q.addBindValue(nullableMoney(t.defaultDailyLimit));
            q.addBindValue(t.allowedModels ? QVariant(listToJson(t.allowedModels)) : QVariant(QMetaType(QMetaType::QString)));
            q.addBindValue(text(t.fallbackModel));
            if (!q.exec())
                return fail(q.lastError().text());
        }
        // Seed users become members: their budget becomes a personal daily limit, and their
        // allowlist picks the default tier with the same models (no allowlist: enterprise).
        QSqlQuery budgets(d);
        if (!budgets.exec(u"SELECT user_id, daily_limit, model_allowlist FROM user_budgets"_s))
            return fail(budgets.lastError().text());
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        while (budgets.next()) {
            const std::optional<QStringList> allow = listFromJson(budgets.value(2));
            QString tier;
            for (const Tier &t : defaults) {
                const bool same = (!allow && t.isUnrestricted())
                    || (allow && t.allowedModels && QSet<QString>(allow->cbegin(), allow->cend())
                                == QSet<QString>(t.allowedModels->cbegin(), t.allowedModels->cend()));
                if (same)
                    tier = t.name;
            }
            QSqlQuery ins(d);
            ins.prepare(u"INSERT INTO members (name, tier, daily_limit_override, created_at) VALUES (?, ?, ?, ?)"_s);
            ins.addBindValue(budgets.value(0).toString());
            ins.addBindValue(text(tier));
            ins.addBindValue(budgets.value(1));
            ins.addBindValue(now);
            if (!ins.exec())
                return fail(ins.lastError().text());
        }
        QSqlQuery spenders(d);
        spenders.prepare(u"INSERT INTO members (name, created_at) SELECT DISTINCT user_id, ? FROM user_usage "
                         "WHERE user_id NOT IN (SELECT name FROM members)"_s);
        spenders.addBindValue(now);
        if (!spenders.exec())
            return fail(spenders.lastError().text());
    }
    if (from < 2) {
        // Version 2: key snapshots become one row per key and UTC day (the last counters seen that
        // day), the local daily check remembers which keys it disabled, team-wide settings, and
        // one view of each member's daily spend from every source (the seed's and the gateway's
        // user_usage rows, and the keys linked to them), which reports and read-only leads query.
        const QStringList steps{
            u"DROP TABLE IF EXISTS key_snapshots"_s,
            u"CREATE TABLE key_snapshots (key_hash TEXT NOT NULL, day TEXT NOT NULL, taken_at TEXT NOT NULL, "
            "usage %1 NOT NULL, usage_daily %1 NOT NULL, usage_weekly %1 NOT NULL, usage_monthly %1 NOT NULL, "
            "PRIMARY KEY (key_hash, day))"_s.arg(money()),
            u"CREATE INDEX key_snapshots_day ON key_snapshots (day)"_s,
            u"CREATE TABLE enforced_keys (key_hash TEXT PRIMARY KEY, member_name TEXT NOT NULL, day TEXT NOT NULL)"_s,
            u"CREATE TABLE team_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
            // Alerts already raised (by id), so each is shown and notified once.
            u"CREATE TABLE alerts_seen (id TEXT PRIMARY KEY, at TEXT NOT NULL)"_s,
            // Spend per UTC day and model from GET /activity, kept after OpenRouter forgets it.
            u"CREATE TABLE model_activity (day TEXT NOT NULL, model TEXT NOT NULL, usage %1 NOT NULL, "
            "requests INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, "
            "PRIMARY KEY (day, model))"_s.arg(money()),
            u"CREATE VIEW member_daily_spend AS "
            "SELECT user_id AS member, date AS day, total_cost AS cost, request_count AS requests FROM user_usage "
            "UNION ALL SELECT mk.member_name, ks.day, ks.usage_daily, 0 FROM key_snapshots ks "
            "JOIN member_keys mk ON mk.key_hash = ks.key_hash"_s,
        };
        for (const QString &sql : steps) {
            if (!exec(d, sql, &e))
                return fail(e);
        }
    }
    if (from < 3) {
        // Version 3: activity per key, day and model (GET /activity?api_key_hash=…) for members'
        // keys: which models each person used (the "outside their tier" alert) and their request
        // counts, which key counters lack. The view gains those requests (with no cost: the key's
        // snapshot already counts the money).
        const QStringList steps{
            u"CREATE TABLE key_activity (key_hash TEXT NOT NULL, day TEXT NOT NULL, model TEXT NOT NULL, "
            "usage %1 NOT NULL, requests INTEGER NOT NULL, PRIMARY KEY (key_hash, day, model))"_s.arg(money()),
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
            u"CREATE VIEW member_daily_spend AS "
            "SELECT user_id AS member, date AS day, total_cost AS cost, request_count AS requests FROM user_usage "
            "UNION ALL SELECT mk.member_name, ks.day, ks.usage_daily, 0 FROM key_snapshots ks "
            "JOIN member_keys mk ON mk.key_hash = ks.key_hash "
            "UNION ALL SELECT mk.member_name, ka.day, 0, ka.requests FROM key_activity ka "
            "JOIN member_keys mk ON mk.key_hash = ka.key_hash"_s,
        };
        for (const QString &sql : steps) {
            if (!exec(d, sql, &e))
                return fail(e);
        }
    }
    if (from < 4) {
        // Version 4: spend rollups, so the Spend page's year of daily series does not read a year
        // of every member's rows: the team's spend per day, and each member's per month. Triggers
        // keep them equal to the sources (usage rows, and snapshots of linked keys) whoever writes
        // (this app, the gateway, the seed's scripts), including links made or moved later.
        QStringList steps{
            u"CREATE TABLE spend_day (day TEXT PRIMARY KEY, cost %1 NOT NULL)"_s.arg(money()),
            u"CREATE TABLE spend_member_month (member TEXT NOT NULL, month TEXT NOT NULL, cost %1 NOT NULL, "
            "PRIMARY KEY (member, month))"_s.arg(money()),
        };
        steps << rollupTriggerSql(m_location.kind == DbLocation::Kind::Postgres);
        for (const QString &sql : steps) {
            if (!exec(d, sql, &e))
                return fail(e);
        }
        if (!fillRollups(d, &e))
            return fail(e);
    }
    QSqlQuery v(d);
    v.prepare(u"INSERT INTO schema_version (version) VALUES (?)"_s);
    v.addBindValue(SchemaVersion);
    if (!v.exec())
        return fail(v.lastError().text());
    if (!d.commit())
        return fail(d.lastError().text());
    qCInfo(lcStorage).noquote() << "database" << m_location.display() << "migrated from schema" << from << "to" << SchemaVersion;
    return true;
}

QList<Tier> Store::tiers() const
{
    QList<Tier> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.exec(u"SELECT name, default_daily_limit, allowed_models, fallback_model, guardrail_id FROM tiers ORDER BY "
           "CASE name WHEN 'free' THEN 0 WHEN 'basic' THEN 1 WHEN 'pro' THEN 2 WHEN 'enterprise' THEN 3 ELSE 4 END, name"_s);
    while (q.next())
        out << Tier{q.value(0).toString(), optionalMoney(q.value(1)), listFromJson(q.value(2)), q.value(3).toString(),
                    q.value(4).toString()};
    return out;
}

bool Store::saveTier(const Tier &t, QString *error)
{
    if (t.name.trimmed().isEmpty()) {
        *error = u"A tier needs a name."_s;
        return false;
    }
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO tiers (name, default_daily_limit, allowed_models, fallback_model, guardrail_id) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (name) DO UPDATE SET default_daily_limit = excluded.default_daily_limit, "
              "allowed_models = excluded.allowed_models, fallback_model = excluded.fallback_model, "
              "guardrail_id = excluded.guardrail_id"_s);
    q.addBindValue(t.name.trimmed());
    q.addBindValue(nullableMoney(t.defaultDailyLimit));
    q.addBindValue(t.allowedModels ? QVariant(listToJson(t.allowedModels)) : QVariant(QMetaType(QMetaType::QString)));
    q.addBindValue(text(t.fallbackModel));
    q.addBindValue(text(t.guardrailId));
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

QList<Member> Store::members() const
{
    QList<Member> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.exec(u"SELECT name, email, tier, daily_limit_override, active FROM members ORDER BY name"_s);
    while (q.next())
        out << Member{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), optionalMoney(q.value(3)),
                      q.value(4).toInt() != 0, {}};
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < out.size(); ++i)
        index.insert(out.at(i).name, i);
    QSqlQuery k(d);
    k.exec(u"SELECT member_name, key_hash FROM member_keys ORDER BY key_hash"_s);
    while (k.next()) {
        const auto it = index.constFind(k.value(0).toString());
        if (it != index.cend())
            out[*it].keyHashes << k.value(1).toString();
    }
    return out;
}

std::optional<Member> Store::member(const QString &name) const
{
    for (const Member &m : members()) {
        if (m.name == name)
            return m;
    }
    return std::nullopt;
}

bool Store::checkTier(const QString &tier, QString *error) const
{
    if (tier.isEmpty())
        return true; // no tier yet is allowed; an unknown one is not
    for (const Tier &t : tiers()) {
        if (t.name == tier)
            return true;
    }
    *error = u"There is no tier named \"%1\"."_s.arg(tier);
    return false;
}

bool Store::addMember(const Member &m, QString *error)
{
    if (m.name.trimmed().isEmpty()) {
        *error = u"A member needs a name."_s;
        return false;
    }
    if (member(m.name.trimmed())) {
        *error = u"There is already a member named \"%1\"."_s.arg(m.name.trimmed());
        return false;
    }
    if (!checkTier(m.tier, error))
        return false;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO members (name, email, tier, daily_limit_override, active, created_at) VALUES (?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(m.name.trimmed());
    q.addBindValue(text(m.email.trimmed()));
    q.addBindValue(text(m.tier));
    q.addBindValue(nullableMoney(m.dailyLimitOverride));
    q.addBindValue(m.active ? 1 : 0);
    q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

bool Store::updateMember(const Member &m, QString *error)
{
    if (!checkTier(m.tier, error))
        return false;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"UPDATE members SET email = ?, tier = ?, daily_limit_override = ?, active = ? WHERE name = ?"_s);
    q.addBindValue(text(m.email));
    q.addBindValue(text(m.tier));
    q.addBindValue(nullableMoney(m.dailyLimitOverride));
    q.addBindValue(m.active ? 1 : 0);
    q.addBindValue(m.name);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    if (q.numRowsAffected() != 1) {
        *error = u"There is no member named \"%1\"."_s.arg(m.name);
        return false;
    }
    return true;
}

bool Store::linkKey(const QString &memberName, const QString &keyHash, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO member_keys (key_hash, member_name) VALUES (?, ?) "
              "ON CONFLICT (key_hash) DO UPDATE SET member_name = excluded.member_name"_s);
    q.addBindValue(keyHash);
    q.addBindValue(memberName);
    if (!q.exec()) {
        *error = member(memberName) ? q.lastError().text() : u"There is no member named \"%1\"."_s.arg(memberName);
        return false;
    }
    return true;
}

namespace {
// The seed's record_user_usage as one statement: adds to the member's day, so two processes (the
// gateway, the seed's scripts) recording at once lose nothing.
QString addUsageSql()
{
    return u"INSERT INTO user_usage (user_id, date, total_cost, request_count) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (user_id, date) DO UPDATE SET total_cost = user_usage.total_cost + excluded.total_cost, "
           "request_count = user_usage.request_count + excluded.request_count"_s;
}
} // namespace

bool Store::recordUsage(const QString &user, const QDate &day, double cost, qint64 requests, QString *error)
{
    if (!std::isfinite(cost) || cost < 0 || requests < 0) {
        *error = u"Usage must be a finite, non-negative amount."_s;
        return false;
    }
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(addUsageSql());
    q.addBindValue(user);
    q.addBindValue(day.toString(Qt::ISODate));
    q.addBindValue(cost);
    q.addBindValue(requests);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

std::optional<double> Store::spentOn(const QString &user, const QDate &day) const
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"SELECT total_cost FROM user_usage WHERE user_id = ? AND date = ?"_s);
    q.addBindValue(user);
    q.addBindValue(day.toString(Qt::ISODate));
    if (!q.exec() || !q.next())
        return std::nullopt;
    return q.value(0).toDouble();
}

namespace {
// Spend over [from, to] from every source (usage rows; linked keys' snapshots for cost; linked
// keys' activity for requests), grouped by `keys` ("member", "day" or "member, day"), optionally
// for one member. The same numbers as the member_daily_spend view, but each source is grouped on
// its own before the union, so a year of a thousand members is a few thousand rows to add up,
// not 365,000 (the view stays for people and tools that query the database directly).
// Binds: from, to (and the member) for each of the three sources.
QString spendSql(const QString &keys, bool oneMember)
{
    auto columns = [&](const QString &member, const QString &day) {
        QString c = keys;
        return c.replace(u"member"_s, member + u" AS member"_s).replace(u"day"_s, day + u" AS day"_s);
    };
    auto groupBy = [&](const QString &member, const QString &day) {
        QString c = keys;
        return c.replace(u"member"_s, member).replace(u"day"_s, day);
    };
    auto memberFilter = [oneMember](const QString &column) { return oneMember ? u" AND "_s + column + u" = ?"_s : QString(); };
    return u"SELECT %1, SUM(cost) AS cost, SUM(requests) AS requests FROM ("_s.arg(keys)
        + u"SELECT %1, SUM(total_cost) AS cost, SUM(request_count) AS requests FROM user_usage "
          "WHERE date >= ? AND date <= ?%2 GROUP BY %3"_s.arg(columns(u"user_id"_s, u"date"_s), memberFilter(u"user_id"_s),
                                                             groupBy(u"user_id"_s, u"date"_s))
        + u" UNION ALL SELECT %1, SUM(ks.usage_daily), 0 FROM key_snapshots ks JOIN member_keys mk ON mk.key_hash = ks.key_hash "
          "WHERE ks.day >= ? AND ks.day <= ?%2 GROUP BY %3"_s.arg(columns(u"mk.member_name"_s, u"ks.day"_s),
                                                                 memberFilter(u"mk.member_name"_s),
                                                                 groupBy(u"mk.member_name"_s, u"ks.day"_s))
        + u" UNION ALL SELECT %1, 0, SUM(ka.requests) FROM key_activity ka JOIN member_keys mk ON mk.key_hash = ka.key_hash "
          "WHERE ka.day >= ? AND ka.day <= ?%2 GROUP BY %3"_s.arg(columns(u"mk.member_name"_s, u"ka.day"_s),
                                                                 memberFilter(u"mk.member_name"_s),
                                                                 groupBy(u"mk.member_name"_s, u"ka.day"_s))
        + u") AS spend GROUP BY %1"_s.arg(keys);
}

void bindSpend(QSqlQuery &q, const QDate &from, const QDate &to, const QString &member = {})
{
    for (int source = 0; source < 3; ++source) {
        q.addBindValue(from.toString(Qt::ISODate));
        q.addBindValue(to.toString(Qt::ISODate));
        if (!member.isEmpty())
            q.addBindValue(member);
    }
}
} // namespace

QList<WeeklyReportRow> Store::weeklyReport(const QDate &today, QString *error) const
{
    return usageReport(today.addDays(-6), today, error);
}

TeamReport Store::teamReport(ReportPeriod period, const QDate &to, QString *error, const QDate &today) const
{
    const int days = reportDays(period);
    const QDate from = to.addDays(1 - days);
    const QList<WeeklyReportRow> current = usageReport(from, to, error);
    if (!error->isEmpty())
        return {};
    const QList<WeeklyReportRow> previous = usageReport(from.addDays(-days), from.addDays(-1), error);
    if (!error->isEmpty())
        return {};
    const auto [trendFrom, trendTo] = trendWindow(period, to, today.addDays(-1));
    const QHash<QString, TrendSums> trends = memberTrendSums(trendFrom, trendTo, error);
    if (!error->isEmpty())
        return {};
    return buildTeamReport(period, to, current, previous, trends, today.addDays(-1));
}

QList<WeeklyReportRow> Store::usageReport(const QDate &from, const QDate &to, QString *error) const
{
    QList<WeeklyReportRow> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    q.prepare(u"SELECT u.member, u.cost, u.requests, m.daily_limit_override, t.default_daily_limit FROM ("_s
              + spendSql(u"member"_s, false)
              + u") AS u LEFT JOIN members m ON m.name = u.member LEFT JOIN tiers t ON t.name = m.tier "
                "ORDER BY u.cost DESC, u.member"_s);
    bindSpend(q, from, to);
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next()) {
        WeeklyReportRow row;
        row.user = q.value(0).toString();
        row.weeklyCost = std::round(q.value(1).toDouble() * 10000.0) / 10000.0;
        row.requests = q.value(2).toLongLong();
        row.dailyLimit = !q.value(3).isNull() ? optionalMoney(q.value(3)) : optionalMoney(q.value(4));
        out << row;
    }
    return out;
}

bool Store::appendAudit(const AuditEntry &entry, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO audit_log (at, os_user, action, target, before_value, after_value) VALUES (?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue((entry.at.isValid() ? entry.at : QDateTime::currentDateTimeUtc()).toUTC().toString(Qt::ISODateWithMs));
    q.addBindValue(entry.osUser.isEmpty() ? osUser() : entry.osUser);
    q.addBindValue(text(entry.action));
    q.addBindValue(text(entry.target));
    q.addBindValue(entry.before);
    q.addBindValue(entry.after);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

QList<AuditEntry> Store::auditLog(int limit) const
{
    QList<AuditEntry> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"SELECT id, at, os_user, action, target, before_value, after_value FROM audit_log ORDER BY id DESC LIMIT ?"_s);
    q.addBindValue(limit);
    if (!q.exec())
        return out;
    while (q.next())
        out << AuditEntry{q.value(0).toLongLong(), QDateTime::fromString(q.value(1).toString(), Qt::ISODateWithMs),
                          q.value(2).toString(), q.value(3).toString(), q.value(4).toString(), q.value(5).toString(),
                          q.value(6).toString()};
    return out;
}

bool Store::unlinkKey(const QString &keyHash, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"DELETE FROM member_keys WHERE key_hash = ?"_s);
    q.addBindValue(keyHash);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

QHash<QString, QString> Store::keyOwners() const
{
    QHash<QString, QString> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    q.exec(u"SELECT key_hash, member_name FROM member_keys"_s);
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toString());
    return out;
}

bool Store::setTierGuardrail(const QString &tier, const QString &guardrailId, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"UPDATE tiers SET guardrail_id = ? WHERE name = ?"_s);
    q.addBindValue(text(guardrailId));
    q.addBindValue(tier);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

bool Store::deleteTier(const QString &name, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery users(d);
    users.prepare(u"SELECT COUNT(*) FROM members WHERE tier = ?"_s);
    users.addBindValue(name);
    if (!users.exec() || !users.next()) {
        *error = users.lastError().text();
        return false;
    }
    if (const int n = users.value(0).toInt(); n > 0) {
        *error = u"The %1 tier still has %2 member(s); give them another tier first."_s.arg(name).arg(n);
        return false;
    }
    QSqlQuery q(d);
    q.prepare(u"DELETE FROM tiers WHERE name = ?"_s);
    q.addBindValue(name);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

bool Store::saveMembers(const QList<Member> &members, QString *error)
{
    return inTransaction(error, [&](QSqlDatabase &) {
        for (const Member &m : members) {
            const bool exists = member(m.name).has_value();
            if (!(exists ? updateMember(m, error) : addMember(m, error))) {
                *error = u"%1: %2 Nothing was saved."_s.arg(m.name, *error);
                return false;
            }
        }
        return true;
    });
}

bool Store::recordKeySnapshots(const QList<ApiKey> &keys, const QDateTime &takenAt, QString *error)
{
    return recordSync(keys, std::nullopt, takenAt, error);
}

bool Store::recordActivity(const ActivityData &activity, QString *error)
{
    return inTransaction(error, [&](QSqlDatabase &) {
        return writeActivity(activity.account, error) && writeKeyActivity(activity.perKey, error);
    });
}

bool Store::recordSync(const QList<ApiKey> &keys, const std::optional<QList<ActivityItem>> &activity, const QDateTime &takenAt,
                       QString *error, const QHash<QString, QList<ActivityItem>> &keyActivity)
{
    return inTransaction(error, [&](QSqlDatabase &d) {
        if ((activity && !writeActivity(*activity, error)) || !writeKeyActivity(keyActivity, error))
            return false;
        const QDateTime at = takenAt.toUTC();
        QSqlQuery q(d);
        // The last counters seen on a UTC day win: usage_daily only grows within a day.
        q.prepare(u"INSERT INTO key_snapshots (key_hash, day, taken_at, usage, usage_daily, usage_weekly, usage_monthly) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_hash, day) DO UPDATE SET taken_at = excluded.taken_at, "
                  "usage = excluded.usage, usage_daily = excluded.usage_daily, usage_weekly = excluded.usage_weekly, "
                  "usage_monthly = excluded.usage_monthly"_s);
        const QString day = at.date().toString(Qt::ISODate);
        const QString when = at.toString(Qt::ISODate);
        for (const ApiKey &k : keys) {
            if (!run(q, {k.hash, day, when, k.usage, k.usageDaily, k.usageWeekly, k.usageMonthly}, error))
                return false;
        }
        return true;
    });
}

QHash<QString, MemberSpend> Store::memberSpend(const QDate &from, const QDate &to, QString *error) const
{
    QHash<QString, MemberSpend> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    q.prepare(spendSql(u"member"_s, false));
    bindSpend(q, from, to);
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString(), MemberSpend{q.value(1).toDouble(), q.value(2).toLongLong()});
    return out;
}

QList<EnforcedKey> Store::enforcedKeys() const
{
    QList<EnforcedKey> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.exec(u"SELECT key_hash, member_name, day FROM enforced_keys ORDER BY key_hash"_s);
    while (q.next())
        out << EnforcedKey{q.value(0).toString(), q.value(1).toString(), QDate::fromString(q.value(2).toString(), Qt::ISODate)};
    return out;
}

bool Store::setEnforced(const EnforcedKey &key, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO enforced_keys (key_hash, member_name, day) VALUES (?, ?, ?) "
              "ON CONFLICT (key_hash) DO UPDATE SET member_name = excluded.member_name, day = excluded.day"_s);
    q.addBindValue(key.keyHash);
    q.addBindValue(key.member);
    q.addBindValue(key.day.toString(Qt::ISODate));
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

bool Store::forgetEnforced(const QString &keyHash, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"DELETE FROM enforced_keys WHERE key_hash = ?"_s);
    q.addBindValue(keyHash);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

QString Store::setting(const QString &name, const QString &fallback) const
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"SELECT value FROM team_settings WHERE name = ?"_s);
    q.addBindValue(name);
    if (!q.exec() || !q.next())
        return fallback;
    return q.value(0).toString();
}

bool Store::setSetting(const QString &name, const QString &value, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO team_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"_s);
    q.addBindValue(name);
    q.addBindValue(text(value));
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

namespace {
// OpenRouter reports a day per model endpoint and provider; we keep a day per model.
struct DayModelSum
{
    double usage = 0;
    qint64 requests = 0, prompt = 0, completion = 0;
};
using DayModelSums = QMap<std::pair<QString, QString>, DayModelSum>; // (day, model) → sums

DayModelSums sumByDayAndModel(const QList<ActivityItem> &items, QSet<QString> *days)
{
    DayModelSums sums;
    for (const ActivityItem &a : items) {
        if (!a.date.isValid())
            continue;
        const QString day = a.date.toString(Qt::ISODate);
        days->insert(day);
        DayModelSum &sum = sums[{day, a.model}];
        sum.usage += a.usage;
        sum.requests += a.requests;
        sum.prompt += a.promptTokens;
        sum.completion += a.completionTokens;
    }
    return sums;
}

} // namespace

bool Store::writeActivity(const QList<ActivityItem> &activity, QString *error)
{
    // The days OpenRouter reports replace what we had for them (a day still running grows), and
    // days it no longer reports (older than its 30-day window) are left as they are: that is our
    // history.
    QSet<QString> days;
    const DayModelSums sums = sumByDayAndModel(activity, &days);
    QSqlDatabase d = db();
    QSqlQuery clear(d);
    clear.prepare(u"DELETE FROM model_activity WHERE day = ?"_s);
    for (const QString &day : std::as_const(days)) {
        if (!run(clear, {day}, error))
            return false;
    }
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO model_activity (day, model, usage, requests, prompt_tokens, completion_tokens) VALUES (?, ?, ?, ?, ?, ?)"_s);
    for (auto [dayModel, sum] : sums.asKeyValueRange()) {
        if (!run(q, {dayModel.first, text(dayModel.second), sum.usage, sum.requests, sum.prompt, sum.completion}, error))
            return false;
    }
    return true;
}

bool Store::writeKeyActivity(const QHash<QString, QList<ActivityItem>> &perKey, QString *error)
{
    // Per key, the same rule as the account's: the days OpenRouter reports replace ours, older
    // days stay.
    QSqlDatabase d = db();
    QSqlQuery clear(d);
    clear.prepare(u"DELETE FROM key_activity WHERE key_hash = ? AND day = ?"_s);
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO key_activity (key_hash, day, model, usage, requests) VALUES (?, ?, ?, ?, ?)"_s);
    for (auto [hash, items] : perKey.asKeyValueRange()) {
        QSet<QString> days;
        const DayModelSums sums = sumByDayAndModel(items, &days);
        for (const QString &day : std::as_const(days)) {
            if (!run(clear, {hash, day}, error))
                return false;
        }
        for (auto [dayModel, sum] : sums.asKeyValueRange()) {
            if (!run(q, {hash, dayModel.first, text(dayModel.second), sum.usage, sum.requests}, error))
                return false;
        }
    }
    return true;
}

QString Store::hashGatewayToken(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

std::optional<QString> Store::createGatewayToken(const QString &member, QString *error)
{
    const std::optional<Member> m = this->member(member);
    if (!m) {
        *error = u"No member named \"%1\"."_s.arg(member);
        return std::nullopt;
    }
    if (!m->active) { // the gateway refuses offboarded members: a token for one would never work
        *error = u"%1 is offboarded; make them active again before giving them a gateway token."_s.arg(member);
        return std::nullopt;
    }
    // 32 random bytes from the system's generator; the prefix says what the token is for.
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    QString token = u"orgw-"_s + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO gateway_tokens (token_hash, member_name, created_at) VALUES (?, ?, ?)"_s);
    q.addBindValue(hashGatewayToken(token));
    q.addBindValue(member);
    q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (!q.exec()) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    return token;
}

int Store::revokeGatewayTokens(const QString &member, QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"DELETE FROM gateway_tokens WHERE member_name = ?"_s);
    q.addBindValue(member);
    if (!q.exec()) {
        *error = q.lastError().text();
        return -1;
    }
    return q.numRowsAffected();
}

QHash<QString, QString> Store::gatewayTokens(QString *error) const
{
    QHash<QString, QString> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT token_hash, member_name FROM gateway_tokens"_s)) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toString());
    return out;
}

bool Store::recordUsageBatch(const QDate &day, const QHash<QString, std::pair<double, qint64>> &usage, QString *error)
{
    // The same rule as recordUsage: an upstream that reports a negative or infinite cost must not
    // lower anyone's spend (and so lift their budget). Checked before anything is written.
    for (auto [user, amount] : usage.asKeyValueRange()) {
        if (!std::isfinite(amount.first) || amount.first < 0 || amount.second < 0) {
            *error = u"Usage must be a finite, non-negative amount (%1: %2)."_s.arg(user).arg(amount.first);
            return false;
        }
    }
    return inTransaction(error, [&](QSqlDatabase &d) {
        QSqlQuery q(d);
        q.prepare(addUsageSql());
        for (auto [user, amount] : usage.asKeyValueRange()) {
            if (!run(q, {user, day.toString(Qt::ISODate), amount.first, amount.second}, error))
                return false;
        }
        return true;
    });
}

QList<ModelUse> Store::memberModelUses(const QDate &from, const QDate &to, QString *error) const
{
    QList<ModelUse> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    q.prepare(u"SELECT mk.member_name, ka.model, MIN(ka.day), SUM(ka.usage), SUM(ka.requests) FROM key_activity ka "
              "JOIN member_keys mk ON mk.key_hash = ka.key_hash WHERE ka.day >= ? AND ka.day <= ? AND ka.requests > 0 "
              "GROUP BY mk.member_name, ka.model ORDER BY mk.member_name, ka.model"_s);
    q.addBindValue(from.toString(Qt::ISODate));
    q.addBindValue(to.toString(Qt::ISODate));
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out << ModelUse{q.value(0).toString(), q.value(1).toString(), QDate::fromString(q.value(2).toString(), Qt::ISODate),
                        q.value(3).toDouble(), q.value(4).toLongLong()};
    return out;
}

QList<ModelSpend> Store::spendByModel(const QDate &from, const QDate &to, QString *error) const
{
    QList<ModelSpend> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    q.prepare(u"SELECT model, SUM(usage), SUM(requests) FROM model_activity WHERE day >= ? AND day <= ? "
              "GROUP BY model ORDER BY SUM(usage) DESC, model"_s);
    q.addBindValue(from.toString(Qt::ISODate));
    q.addBindValue(to.toString(Qt::ISODate));
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out << ModelSpend{q.value(0).toString(), q.value(1).toDouble(), q.value(2).toLongLong()};
    return out;
}

int Store::snapshotCount(const QDate &day) const
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"SELECT COUNT(*) FROM key_snapshots WHERE day = ?"_s);
    q.addBindValue(day.toString(Qt::ISODate));
    return q.exec() && q.next() ? q.value(0).toInt() : -1;
}

DailySeries Store::dailySpend(const QDate &from, const QDate &to, const QString &member, QString *error) const
{
    DailySeries out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    if (member.isEmpty()) { // the team's days: one rollup row each
        q.prepare(u"SELECT day, cost FROM spend_day WHERE day >= ? AND day <= ?"_s);
        q.addBindValue(from.toString(Qt::ISODate));
        q.addBindValue(to.toString(Qt::ISODate));
    } else {
        q.prepare(spendSql(u"day"_s, true));
        bindSpend(q, from, to, member);
    }
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out.insert(QDate::fromString(q.value(0).toString(), Qt::ISODate), cleanMoney(q.value(1).toDouble()));
    return out;
}

QHash<QString, double> Store::memberCost(const QDate &from, const QDate &to, QString *error) const
{
    // Whole calendar months from the member-month rollup; the ragged ends (and a range inside
    // one month) from the sources, which is at most two partial months of rows.
    QHash<QString, double> out;
    const QDate firstWhole = from.day() == 1 ? from : QDate(from.year(), from.month(), 1).addMonths(1);
    const QDate lastWhole = to.day() == to.daysInMonth() ? to : QDate(to.year(), to.month(), 1).addDays(-1);
    QList<std::pair<QDate, QDate>> edges;
    if (firstWhole > lastWhole) {
        edges.append({from, to});
    } else {
        if (from < firstWhole)
            edges.append({from, firstWhole.addDays(-1)});
        if (lastWhole < to)
            edges.append({lastWhole.addDays(1), to});
        QSqlDatabase d = db();
        QSqlQuery q(d);
        q.setForwardOnly(true);
        q.prepare(u"SELECT member, SUM(cost) FROM spend_member_month WHERE month >= ? AND month <= ? GROUP BY member"_s);
        q.addBindValue(firstWhole.toString(u"yyyy-MM"_s));
        q.addBindValue(lastWhole.toString(u"yyyy-MM"_s));
        if (!q.exec()) {
            *error = q.lastError().text();
            return {};
        }
        while (q.next())
            out[q.value(0).toString()] += q.value(1).toDouble();
    }
    for (const auto &[edgeFrom, edgeTo] : edges) {
        const QHash<QString, MemberSpend> part = memberSpend(edgeFrom, edgeTo, error);
        if (!error->isEmpty())
            return {};
        for (auto [member, spend] : part.asKeyValueRange())
            out[member] += spend.cost;
    }
    // Links moved away leave a member's months at (nearly) zero: no spend, so not listed.
    out.removeIf([](QHash<QString, double>::iterator it) { return cleanMoney(it.value()) == 0; });
    return out;
}

QHash<QString, TrendSums> Store::memberTrendSums(const QDate &from, const QDate &to, QString *error) const
{
    // Σ cost and Σ (day index × cost) per member, the index counted from `from`; linear in the
    // cost, so the rows need no grouping by day first. A month's report reads 60 days of every
    // member here and returns a row per member, not a row per member and day.
    const QString index = m_location.kind == DbLocation::Kind::Postgres ? u"(CAST(day AS DATE) - CAST(? AS DATE))"_s
                                                                       : u"(julianday(day) - julianday(?))"_s;
    QHash<QString, TrendSums> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    q.prepare(u"SELECT member, SUM(cost), SUM(%1 * cost) FROM (%2) AS s GROUP BY member"_s.arg(index, spendRows(true)));
    q.addBindValue(from.toString(Qt::ISODate));
    for (int source = 0; source < 2; ++source) {
        q.addBindValue(from.toString(Qt::ISODate));
        q.addBindValue(to.toString(Qt::ISODate));
    }
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString(), TrendSums{q.value(1).toDouble(), q.value(2).toDouble()});
    return out;
}

QHash<QString, DailySeries> Store::dailySpendByMember(const QDate &from, const QDate &to, QString *error) const
{
    QHash<QString, DailySeries> out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.setForwardOnly(true);
    q.prepare(spendSql(u"member, day"_s, false));
    bindSpend(q, from, to);
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out[q.value(0).toString()].insert(QDate::fromString(q.value(1).toString(), Qt::ISODate), q.value(2).toDouble());
    return out;
}

DailySeries Store::keyDailySpend(const QString &keyHash, const QDate &from, const QDate &to) const
{
    DailySeries out;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"SELECT day, usage_daily FROM key_snapshots WHERE key_hash = ? AND day >= ? AND day <= ?"_s);
    q.addBindValue(keyHash);
    q.addBindValue(from.toString(Qt::ISODate));
    q.addBindValue(to.toString(Qt::ISODate));
    if (q.exec()) {
        while (q.next())
            out.insert(QDate::fromString(q.value(0).toString(), Qt::ISODate), q.value(1).toDouble());
    }
    return out;
}

QStringList Store::markAlertsSeen(const QStringList &ids, QString *error)
{
    // INSERT … ON CONFLICT DO NOTHING tells which ids are new even when two dashboards on one
    // database raise the same alert: only one of them inserts it.
    QStringList fresh;
    QSqlDatabase d = db();
    QSqlQuery q(d);
    q.prepare(u"INSERT INTO alerts_seen (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING"_s);
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    for (const QString &id : ids) {
        q.addBindValue(id);
        q.addBindValue(now);
        if (!q.exec()) {
            *error = q.lastError().text();
            return fresh;
        }
        if (q.numRowsAffected() == 1)
            fresh << id;
    }
    return fresh;
}

} // namespace orteam
