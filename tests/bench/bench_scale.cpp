// Reads at an organisation's size (issue 20), beside the peers on the same file. A seed database
// (the seed's two tables, one user_usage row per user and day over 1,000 days) is written by one
// SQL statement through sqlite3's own CLI and kept in the build folder for the day (its dates
// count back from today): 1,000,000 rows (1,000 users) by default, which CI runs, or
// ORTEAM_BENCH_ROWS=10000000 (10,000 users) for the 10-million-row figures. Then:
//   - the first open of a copy by orteam-cli (backup, migration, rollups; its stderr progress);
//   - whole orteam-cli processes (tiers list, report weekly as a table and as JSON, report
//     monthly) beside the seed's
//     Python weekly report on the same file, processes included on both sides;
//   - with the dashboard's path as a fourth argument, its start to a drawn Spend page (offscreen,
//     a team lead's read-only view: the page is drawn and saved as a PNG, then it exits), with its
//     peak RSS;
//   - each hot read in this process (reports, the year's daily series, a day's member spend,
//     periodSpend, month-to-date, the alerts' input), then its SQL's EXPLAIN QUERY PLAN and the
//     same SQL run by sqlite3's CLI on the same file (a process each time, as orteam-cli is).
//   - with tests/support/pg_cluster.sh as a fifth argument, the same rows on a throwaway
//     PostgreSQL 15 cluster: each hot query's EXPLAIN ANALYZE (its plan's first line and its
//     execution time) and the repository's reads in this process. Anything that goes wrong there
//     is said and skipped: the SQLite figures stand alone.
// Prints medians; never fails on speed.
#include "BenchSupport.h"
#include "KeyListController.h"
#include "Median.h"
#include "NotifyService.h"
#include "OpenRouterClient.h"
#include "SpendController.h"
#include "SpendRows.h" // storage-internal: the bench prints the very SQL the repository runs
#include "Store.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlError>
#include <QScopeGuard>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int Days = 1'000;
constexpr int ProcessRuns = 7;
constexpr int QueryRuns = 9;

QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

// The seed's schema (seed_way.py's seed(), init_team_db()) filled by one INSERT … SELECT over two
// recursive CTEs: rows in primary-key order, so sqlite3 writes 10 million in seconds.
QString seedSql(int users)
{
    return uR"(PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;
CREATE TABLE user_usage (user_id TEXT NOT NULL, date TEXT NOT NULL, total_cost REAL DEFAULT 0,
  request_count INTEGER DEFAULT 0, PRIMARY KEY (user_id, date));
CREATE TABLE user_budgets (user_id TEXT PRIMARY KEY, daily_limit REAL NOT NULL, model_allowlist TEXT);
CREATE TEMP TABLE d (day TEXT);
INSERT INTO d WITH RECURSIVE c(n) AS (SELECT %2 - 1 UNION ALL SELECT n - 1 FROM c WHERE n > 0)
  SELECT date('now', '-' || n || ' days') FROM c;
CREATE TEMP TABLE u (name TEXT);
INSERT INTO u WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < %1 - 1)
  SELECT printf('user-%04d', n) FROM c;
BEGIN;
INSERT INTO user_budgets SELECT name, 25.0, NULL FROM u;
INSERT INTO user_usage SELECT u.name, d.day, round(0.1 + (abs(random()) % 49001) / 10000.0, 4), 20 + abs(random()) % 201
  FROM u, d ORDER BY u.rowid, d.rowid;
COMMIT;)"_s.arg(users).arg(Days);
}

// The cached seed file for today, written when missing (yesterday's are removed: their dates
// would be a day behind).
QString seedFile(const QString &cacheDir, int users)
{
    QDir dir(cacheDir);
    dir.mkpath(u"."_s);
    const QString name = u"seed-%1x%2-%3.db"_s.arg(users).arg(Days).arg(iso(QDateTime::currentDateTimeUtc().date()));
    for (const QString &old : dir.entryList({u"seed-%1x*.db"_s.arg(users)}, QDir::Files))
        if (old != name)
            dir.remove(old);
    const QString path = dir.filePath(name);
    if (QFile::exists(path)) {
        std::printf("bench scale: %d users x %d days = %lld usage rows, cached in %s\n", users, Days,
                    qint64(users) * Days, qPrintable(path));
        return path;
    }
    const QString partial = path + u".part"_s;
    QFile::remove(partial);
    const bench::ProcessRun r = bench::runProcess(u"sqlite3"_s, {partial, seedSql(users)});
    if (r.exitCode != 0 || !QFile::rename(partial, path))
        return {};
    std::printf("bench scale: %d users x %d days = %lld usage rows written by sqlite3's CLI in %.0f ms (cached in %s)\n",
                users, Days, qint64(users) * Days, r.ms, qPrintable(path));
    return path;
}

// `sql` with its named binds written out as literals, for EXPLAIN and for sqlite3's CLI. Longer
// names first (":today" before ":to").
QString literal(QString sql, const QList<std::pair<QString, QString>> &binds)
{
    QList<std::pair<QString, QString>> sorted = binds;
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return a.first.size() > b.first.size(); });
    for (const auto &[name, value] : std::as_const(sorted))
        sql.replace(name, u"'"_s + value + u"'"_s);
    return sql;
}

struct HotQuery
{
    const char *what;
    QString sql;
};

void printPlan(const QString &path, const HotQuery &hot)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"plan"_s);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"EXPLAIN QUERY PLAN "_s + hot.sql)) {
                while (q.next())
                    std::printf("      plan: %s\n", qPrintable(q.value(3).toString()));
            }
        }
    }
    QSqlDatabase::removeDatabase(u"plan"_s);
}
} // namespace

// The PostgreSQL figures (see the top). Returns nothing: a cluster that cannot start or a load
// that fails is printed as the reason the part was skipped.
void postgresPart(const QString &clusterScript, int users, const QList<HotQuery> &hot, const QDate &today)
{
    QTemporaryDir stateDir;
    const QString state = stateDir.filePath(u"pg.state"_s);
    const bench::ProcessRun started = bench::runProcess(u"bash"_s, {clusterScript, u"start"_s, state});
    auto stop = qScopeGuard([&] { bench::runProcess(u"bash"_s, {clusterScript, u"stop"_s, state}); });
    QFile stateFile(state);
    if (started.exitCode != 0 || !stateFile.open(QIODevice::ReadOnly)) {
        std::printf("  PostgreSQL: skipped, the throwaway cluster did not start\n");
        return;
    }
    const QString url = QString::fromUtf8(stateFile.readAll().split('\n').value(1));
    QString error;
    const std::optional<DbLocation> location = DbLocation::parse(url, &error);
    Store store;
    if (!location || !store.open(*location)) {
        std::printf("  PostgreSQL: skipped, cannot open %s as a team database\n", qPrintable(url));
        return;
    }
    // The seed's rows, written by the server itself; the rollups' triggers are left out of the
    // load (session_replication_role) and the rollups filled once after, as a migration does.
    const QString user = u"'user-' || lpad(u::text, GREATEST(4, length(u::text)), '0')"_s; // printf's %04d, as in SQLite's seed
    const QStringList load{
        u"SET session_replication_role = replica"_s,
        u"INSERT INTO user_usage (user_id, date, total_cost, request_count) SELECT %1, to_char(DATE '%2' - d, 'YYYY-MM-DD'), "
        "round((random() * 5)::numeric, 4), (random() * 40)::int FROM generate_series(1, %3) u, generate_series(0, %4) d"_s
            .arg(user, iso(today)).arg(users).arg(Days - 1),
        u"INSERT INTO members (name, created_at) SELECT %1, '%2' FROM generate_series(1, %3) u"_s.arg(user, iso(today)).arg(users),
        u"SET session_replication_role = origin"_s,
    };
    QElapsedTimer loading;
    loading.start();
    {
        QSqlDatabase db = QSqlDatabase::database(store.database().connectionName());
        QSqlQuery q(db);
        for (const QString &sql : load) {
            if (!q.exec(sql)) {
                std::printf("  PostgreSQL: skipped, the load failed: %s\n", qPrintable(q.lastError().text()));
                return;
            }
        }
    }
    if (const Status filled = store.spend().rebuildRollups(); !filled) {
        std::printf("  PostgreSQL: skipped, the rollups could not be filled: %s\n", qPrintable(filled.errorText()));
        return;
    }
    {
        QSqlQuery analyze(QSqlDatabase::database(store.database().connectionName()));
        analyze.exec(u"ANALYZE"_s);
    }
    std::printf("  PostgreSQL 15 (throwaway cluster on loopback): %lld usage rows loaded with their rollups in %.0f ms\n",
                qint64(users) * Days, double(loading.nsecsElapsed()) / 1e6);
    std::printf("  hot SQL on PostgreSQL: EXPLAIN ANALYZE (the plan's top node and the server's execution time):\n");
    for (const HotQuery &h : hot) {
        QSqlQuery q(QSqlDatabase::database(store.database().connectionName()));
        if (!q.exec(u"EXPLAIN ANALYZE "_s + h.sql)) {
            std::printf("    %-50s failed: %s\n", h.what, qPrintable(q.lastError().text().section(u'\n', 0, 0)));
            continue;
        }
        QString top, time;
        while (q.next()) {
            const QString line = q.value(0).toString();
            if (top.isEmpty())
                top = line.trimmed();
            if (line.startsWith(u"Execution Time"_s))
                time = line.section(u':', 1).trimmed();
        }
        std::printf("    %-50s %s\n      plan: %s\n", h.what, qPrintable(time), qPrintable(top.left(150)));
    }
    QNetworkAccessManager network;
    OpenRouterClient client(&network);
    KeyListController keys(&client);
    SpendController spendPage(&store, &keys);
    const QDate monthStart(today.year(), today.month(), 1);
    SpendRepository &spend = store.spend();
    std::printf("  reads in this process on PostgreSQL, median of %d:\n", QueryRuns);
    auto inProcess = [&](const char *what, const std::function<bool()> &read) {
        bool ok = true;
        const double ms = medianMs([&] { ok = ok && read(); }, QueryRuns);
        std::printf("  %-52s %9.2f ms%s\n", what, ms, ok ? "" : "   (a read failed)");
    };
    inProcess("weekly report with change and forecast", [&] { return spend.teamReport(ReportPeriod::Weekly, today).ok(); });
    inProcess("the year's daily series (team + top 5, 365 days)",
              [&] { return spendPage.teamDaily(365).ok() && spendPage.topMembersDaily(365, 5).ok(); });
    inProcess("month to date per member (memberCost)", [&] { return spend.memberCost(monthStart, today).ok(); });
    inProcess("periodSpend (today, week, month: one read)", [&] { return spend.periodSpend(today).ok(); });
    inProcess("alerts' input (NotifyService::alertInput)",
              [&] { return NotifyService::alertInput(store, {}, std::nullopt, QDateTime::currentDateTimeUtc()).ok(); });
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // each figure as it is measured (CI's log, a long first open)
    QLoggingCategory::setFilterRules(u"orteam.*.info=false"_s);
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s PATH-TO-orteam-cli PATH-TO-seed_way.py CACHE-DIR [PATH-TO-orteam [PATH-TO-pg_cluster.sh]]\n", argv[0]);
        return 2;
    }
    const QString cli = QString::fromLocal8Bit(argv[1]);
    const QString seedWay = QString::fromLocal8Bit(argv[2]);
    const qint64 rows = qEnvironmentVariableIsSet("ORTEAM_BENCH_ROWS") ? qEnvironmentVariable("ORTEAM_BENCH_ROWS").toLongLong()
                                                                       : 1'000'000;
    const int users = int(std::max<qint64>(1, rows / Days));
    const QString seed = seedFile(QString::fromLocal8Bit(argv[3]), users);
    if (seed.isEmpty()) {
        std::fprintf(stderr, "sqlite3 could not write the seed database\n");
        return 1;
    }
    QTemporaryDir dir(QString::fromLocal8Bit(argv[3]) + u"/run-XXXXXX"_s); // beside the cache: same disk, no tmpfs limit
    const QString path = dir.filePath(u"team_usage.db"_s);
    if (!QFile::copy(seed, path)) {
        std::fprintf(stderr, "cannot copy the seed database\n");
        return 1;
    }

    const QProcessEnvironment env = bench::teamLeadEnvironment();
    auto orteamCli = [&](const QStringList &args) { return bench::runProcess(cli, QStringList{u"--db"_s, path} + args, env); };
    const bench::ProcessRun first = orteamCli({u"tiers"_s, u"list"_s});
    if (first.exitCode != 0)
        return 1;
    const QStringList progress = QString::fromUtf8(first.err).split(u'\n', Qt::SkipEmptyParts);
    std::printf("  %-52s %9.0f ms   (backup, migration, rollups; target < 60000 ms at 10M rows; %lld lines of progress on stderr%s%s)\n",
                "first open: orteam-cli tiers list", first.ms, qint64(progress.size()), progress.isEmpty() ? "" : ", the last: ",
                progress.isEmpty() ? "" : qPrintable(progress.last()));

    bool ok = true;
    auto process = [&](const char *what, const QStringList &args) {
        const double ms = medianMs([&] { ok = ok && orteamCli(args).exitCode == 0; }, ProcessRuns);
        std::printf("  %-52s %9.1f ms\n", what, ms);
        return ms;
    };
    std::printf("  whole processes, median of %d:\n", ProcessRuns);
    const double tiers = process("orteam-cli tiers list", {u"tiers"_s, u"list"_s});
    const double weekly = process("orteam-cli report weekly", {u"report"_s, u"weekly"_s});
    process("orteam-cli report weekly --format json", {u"report"_s, u"weekly"_s, u"--format"_s, u"json"_s});
    process("orteam-cli report monthly", {u"report"_s, u"monthly"_s});
    process("orteam-cli overview --offline", {u"overview"_s, u"--offline"_s});
    if (argc > 4) {
        QProcessEnvironment gui = env;
        gui.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        const QString picture = dir.filePath(u"spend.png"_s);
        double peakMb = 0;
        bool drawn = true;
        const double ms = medianMs(
            [&] {
                QFile::remove(picture);
                // Killed after 2 min: a dashboard that never finishes is a failed run, not a stuck bench.
                const bench::ProcessRun r = bench::runProcess(QString::fromLocal8Bit(argv[4]),
                                                              {u"--db"_s, path, u"--page"_s, u"spend"_s, u"--screenshot"_s, picture},
                                                              gui, {&peakMb, 120'000});
                drawn = drawn && r.exitCode == 0 && QFileInfo(picture).size() > 0;
            },
            3);
        // Said, not fatal: the figures after it stand on their own.
        if (drawn)
            std::printf("  %-52s %9.1f ms   (peak RSS %.0f MB; target < 1500 ms and < 250 MB at 10M rows)\n",
                        "dashboard start to a drawn Spend page (orteam)", ms, peakMb);
        else
            std::printf("  %-52s    failed: no picture of the Spend page (see its stderr above)\n", "dashboard start (orteam)");
    }
    double seedQuery = 0;
    const double seedWeekly = medianMs(
        [&] {
            const bench::ProcessRun r = bench::runProcess(u"python3"_s, {seedWay, u"weekly"_s, path});
            ok = ok && r.exitCode == 0;
            seedQuery = bench::byName(r.lines).value(u"weekly"_s).value(0).toDouble();
        },
        ProcessRuns);
    if (!ok)
        return 1;
    std::printf("  %-52s %9.1f ms   (of which its query %.1f ms)\n", "seed's weekly report (python3 seed_way.py)", seedWeekly, seedQuery);
    std::printf("  %-52s %9.2fx / %.2fx  (tiers list / report weekly; target <= 1 at 1M rows; report weekly < 100 ms at 10M)\n",
                "orteam-cli against the seed's report", tiers / seedWeekly, weekly / seedWeekly);

    // This process: the reads themselves, on the migrated file.
    Store store;
    QString error;
    if (const Status opened = store.open(*DbLocation::parse(path, &error)); !opened) {
        std::fprintf(stderr, "cannot open: %s\n", qPrintable(opened.errorText()));
        return 1;
    }
    QNetworkAccessManager network;
    OpenRouterClient client(&network);
    KeyListController keys(&client);
    SpendController spendPage(&store, &keys);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const QDate monthStart(today.year(), today.month(), 1);
    SpendRepository &spend = store.spend();
    auto inProcess = [&](const char *what, const std::function<bool()> &read, const char *note = "") {
        const double ms = medianMs([&] { ok = ok && read(); }, QueryRuns);
        std::printf("  %-52s %9.2f ms   %s\n", what, ms, note);
    };
    std::printf("  reads in this process, median of %d:\n", QueryRuns);
    inProcess("weekly report (rows only)", [&] { return spend.weeklyReport(today).ok(); });
    inProcess("weekly report with change and forecast", [&] { return spend.teamReport(ReportPeriod::Weekly, today).ok(); });
    inProcess("monthly report with change and forecast", [&] { return spend.teamReport(ReportPeriod::Monthly, today).ok(); });
    inProcess("the year's daily series (team + top 5, 365 days)", [&] {
        return spendPage.teamDaily(365).ok() && spendPage.topMembersDaily(365, 5).ok();
    }, "(target < 150 ms at 10M rows, process included)");
    inProcess("member spend for a day (memberSpend today)", [&] { return spend.memberSpend(today, today).ok(); });
    inProcess("month to date per member (memberCost)", [&] { return spend.memberCost(monthStart, today).ok(); });
    inProcess("periodSpend (today, week, month: one read)", [&] { return spend.periodSpend(today).ok(); });
    inProcess("  the three reads it replaced (memberSpend x 3)", [&] {
        return spend.memberSpend(today, today).ok() && spend.memberSpend(budgetPeriodStart(LimitReset::Weekly, today), today).ok()
               && spend.memberSpend(monthStart, today).ok();
    });
    inProcess("14 days per member and day (dailySpendByMember)", [&] {
        return spend.dailySpendByMember(today.addDays(-14), today.addDays(-1)).ok();
    }, "(the alerts' usual days; read only when a member may be an anomaly today)");
    inProcess("alerts' input (NotifyService::alertInput)", [&] {
        return NotifyService::alertInput(store, {}, std::nullopt, QDateTime::currentDateTimeUtc()).ok();
    });
    if (!ok) {
        std::fprintf(stderr, "a read failed\n");
        return 1;
    }

    // The hot SQL: its plan, and sqlite3's CLI running it on the same file.
    const QDate week = budgetPeriodStart(LimitReset::Weekly, today);
    const QList<HotQuery> hot{
        {"a week's spend per member (reports)",
         literal(SpendRows::summed(u"member"_s, false), {{u":from"_s, iso(today.addDays(-6))}, {u":to"_s, iso(today)}})},
        {"a weekly report's usage rows (the report adds them up in the process)",
         literal(SpendRows::memberDaySources(true, false).first(), {{u":from"_s, iso(today.addDays(-13))}, {u":to"_s, iso(today)}})},
        {"  the same windows summed in SQL (what PostgreSQL runs; SQLite ran it before)",
         literal(SpendRows::reportWindows(u"(julianday(%1) - julianday(:tfrom))"_s, {true, false, false, true, false, true}),
                 {{u":lo"_s, iso(today.addDays(-13))}, {u":hi"_s, iso(today)}, {u":from"_s, iso(today.addDays(-6))},
                  {u":pto"_s, iso(today.addDays(-7))}, {u":tfrom"_s, iso(today.addDays(-13))}, {u":tto"_s, iso(today.addDays(-1))}})},
        {"periodSpend",
         literal(SpendRows::periods(), {{u":from"_s, iso(std::min(week, monthStart))}, {u":to"_s, iso(today)},
                                        {u":today"_s, iso(today)}, {u":week"_s, iso(week)}, {u":month"_s, iso(monthStart)}})},
        {"14 days per member and day (alerts)",
         literal(SpendRows::memberDayParts(), {{u":from"_s, iso(today.addDays(-14))}, {u":to"_s, iso(today.addDays(-1))}})},
        {"  the same summed in SQL (what it replaced)",
         literal(SpendRows::summed(u"member, day"_s, false), {{u":from"_s, iso(today.addDays(-14))}, {u":to"_s, iso(today.addDays(-1))}})},
        {"the team's year (spend_day)",
         u"SELECT day, cost FROM spend_day WHERE day >= '%1' AND day <= '%2'"_s.arg(iso(today.addDays(-364)), iso(today))},
        {"members' whole months (spend_member_month)",
         u"SELECT member, SUM(cost) FROM spend_member_month WHERE month >= '%1' AND month <= '%2' GROUP BY member"_s.arg(
             today.addDays(-364).toString(u"yyyy-MM"_s), today.toString(u"yyyy-MM"_s))},
        {"one member's year (the chart's top 5)",
         literal(SpendRows::summed(u"day"_s, true), {{u":from"_s, iso(today.addDays(-364))}, {u":to"_s, iso(today)},
                                                     {u":member"_s, u"user-0001"_s}})},
    };
    std::printf("  hot SQL: EXPLAIN QUERY PLAN, and sqlite3's CLI running it on the same file (a process each, median of %d):\n",
                ProcessRuns);
    for (const HotQuery &h : hot) {
        const double ms = medianMs([&] { ok = ok && bench::runProcess(u"sqlite3"_s, {u"-readonly"_s, path, h.sql}).exitCode == 0; },
                                   ProcessRuns);
        std::printf("    %-50s sqlite3 %9.1f ms\n", h.what, ms);
        printPlan(path, h);
    }
    if (argc > 5)
        postgresPart(QString::fromLocal8Bit(argv[5]), users, hot, today);
    return ok ? 0 : 1;
}
