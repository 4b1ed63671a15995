// Spend at scale, beside the seed's way on the same data: 1,000 members with 365 days of usage
// (365,000 rows) in a SQLite file. Times the weekly report query and building the Spend page's
// daily series (team + top 5 over 365 days), then a sync of 10,000 keys from a local fake
// OpenRouter into the file, every key linked to a member (so the spend rollups' triggers run on
// each snapshot). The seed's way is its SQL in Python's sqlite3 (tests/bench/seed_way.py)
// and, for the sync, sequential pages and one INSERT per key. Prints medians; never fails on speed.
#include "BenchSupport.h"
#include "KeyListController.h"
#include "OpenRouterClient.h"
#include "SpendController.h"
#include "Median.h"
#include "Store.h"
#include "SyncCall.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int Members = 1000;
constexpr int Days = 365;
constexpr int Runs = 15;

QStringList runPython(const QStringList &args)
{
    return bench::runProcess(u"python3"_s, args).lines;
}

void line(const char *what, double ours, double seed, double target)
{
    std::printf("  %-46s %9.2f ms   seed's way %9.2f ms   %5.1fx   (target < %.0f ms: %s)\n", what, ours, seed,
                ours > 0 ? seed / ours : 0.0, target, ours < target ? "met" : "MISSED");
}

bool fill(const QString &path, const QDate &today, QString *error)
{
    // Straight into the seed's tables (what the gateway and the seed's scripts write), in one
    // transaction: user_budgets for every member, one user_usage row per member and day.
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"fill"_s);
    db.setDatabaseName(path);
    if (!db.open()) {
        *error = db.lastError().text();
        return false;
    }
    {
        QRandomGenerator rng(365);
        db.transaction();
        QSqlQuery members(db), budgets(db), usage(db);
        members.prepare(u"INSERT INTO members (name, tier, created_at) VALUES (?, 'pro', '2025-01-01T00:00:00Z')"_s);
        budgets.prepare(u"INSERT INTO user_budgets (user_id, daily_limit) VALUES (?, 25.0)"_s);
        usage.prepare(u"INSERT INTO user_usage (user_id, date, total_cost, request_count) VALUES (?, ?, ?, ?)"_s);
        for (int m = 0; m < Members; ++m) {
            const QString name = u"member-%1"_s.arg(m, 4, 10, QLatin1Char('0'));
            members.addBindValue(name);
            budgets.addBindValue(name);
            if (!members.exec() || !budgets.exec()) {
                *error = members.lastError().text() + budgets.lastError().text();
                return false;
            }
            const double scale = 0.2 + 4.0 * rng.generateDouble();
            for (int d = 0; d < Days; ++d) {
                usage.addBindValue(name);
                usage.addBindValue(today.addDays(-d).toString(Qt::ISODate));
                usage.addBindValue(scale * (0.5 + rng.generateDouble()));
                usage.addBindValue(qint64(20 + rng.bounded(200)));
                if (!usage.exec()) {
                    *error = usage.lastError().text();
                    return false;
                }
            }
        }
        db.commit();
        QSqlQuery(db).exec(u"ANALYZE"_s);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"fill"_s);
    return true;
}
bool linkKeys(const QString &path, const QList<ApiKey> &keys, QString *error)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"link"_s);
        db.setDatabaseName(path);
        ok = db.open() && db.transaction();
        QSqlQuery link(db);
        ok = ok && link.prepare(u"INSERT INTO member_keys (key_hash, member_name) VALUES (?, ?)"_s);
        for (qsizetype i = 0; ok && i < keys.size(); ++i) {
            link.addBindValue(keys.at(i).hash);
            link.addBindValue(u"member-%1"_s.arg(i % Members, 4, 10, QLatin1Char('0')));
            ok = link.exec();
        }
        ok = ok && db.commit();
        if (!ok)
            *error = link.lastError().text() + db.lastError().text();
    }
    QSqlDatabase::removeDatabase(u"link"_s);
    return ok;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"orteam.*.info=false"_s);
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s PATH-TO-orteam-fake-server PATH-TO-seed_way.py\n", argv[0]);
        return 2;
    }
    const QString seedWay = QString::fromLocal8Bit(argv[2]);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"team.db"_s);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    QString error;
    Store store;
    if (const Status opened = store.open(*DbLocation::parse(path, &error)); !opened)
        error = opened.errorText();
    if (!store.isOpen() || !fill(path, today, &error)) {
        std::fprintf(stderr, "cannot prepare the data: %s\n", qPrintable(error));
        return 1;
    }

    if (qEnvironmentVariableIsSet("BENCH_KEEP_DB")) // for EXPLAIN QUERY PLAN by hand
        QFile::copy(path, qEnvironmentVariable("BENCH_KEEP_DB"));
    // Our side: the Store's report query, and the Spend page's daily series via its controller.
    QNetworkAccessManager network;
    OpenRouterClient client(&network);
    KeyListController keys(&client);
    SpendController spend(&store, &keys);
    qsizetype reportRows = 0;
    const double weekly = medianMs([&] { reportRows = store.spend().weeklyReport(today).valueOr({}).size(); });
    const double teamReport = medianMs([&] { (void)store.spend().teamReport(ReportPeriod::Weekly, today); });
    const double monthReport = medianMs([&] { (void)store.spend().teamReport(ReportPeriod::Monthly, today); });
    double teamTotal = 0;
    const double daily = medianMs([&] {
        const auto team = spend.teamDaily(Days).valueOr({});
        const auto top = spend.topMembersDaily(Days, 5);
        teamTotal = 0;
        for (const auto &[day, cost] : team)
            teamTotal += cost;
        Q_UNUSED(top);
    });
    const auto seed = bench::byName(runPython({seedWay, u"queries"_s, path, QString::number(Runs)}));
    std::printf("bench spend: %d members x %d days = %d usage rows (SQLite), median of %d runs\n", Members, Days,
                Members * Days, Runs);
    line("weekly report query (SpendRepository::weeklyReport)", weekly, seed.value(u"weekly"_s).value(0).toDouble(), 20);
    std::printf("  %-46s %9.2f ms   (3 queries: both windows and the trend)\n", "weekly report with change and forecast", teamReport);
    std::printf("  %-46s %9.2f ms   (the same over 2 × 30 days)\n", "monthly report with change and forecast", monthReport);
    line("daily chart series, 365 days, team + top 5", daily, seed.value(u"daily"_s).value(0).toDouble(), 100);
    const double teamOnly = medianMs([&] { (void)spend.teamDaily(Days); });
    std::printf("  %-46s %9.2f ms   (the rest ranks 1,000 members over the year, then 5 series)\n", "of which the team's series", teamOnly);
    if (seed.value(u"weekly"_s).value(1).toLongLong() != reportRows
        || std::abs(seed.value(u"daily"_s).value(1).toDouble() - teamTotal) > 0.05 * teamTotal + 1) {
        std::fprintf(stderr, "the two sides disagree: rows %lld vs %s, team total %.2f vs %s\n", qint64(reportRows),
                     qPrintable(seed.value(u"weekly"_s).value(1)), teamTotal, qPrintable(seed.value(u"daily"_s).value(1)));
        return 1;
    }

    // The sync: every key (100 pages) from a local server, then one transaction into the file.
    QProcess server;
    server.start(QString::fromLocal8Bit(argv[1]), {u"--keys"_s, u"10000"_s});
    if (!server.waitForReadyRead(20'000)) {
        std::fprintf(stderr, "the fake server did not start\n");
        return 1;
    }
    const QStringList portAndKey = QString::fromUtf8(server.readLine()).trimmed().split(u' ');
    const QString base = u"http://127.0.0.1:%1/api/v1"_s.arg(portAndKey.value(0));
    OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
    s.baseUrl = QUrl(base);
    client.setSettings(s);
    client.setManagementKey(portAndKey.value(1));
    // Every key belongs to a member (ten each), so each snapshot written also moves the spend
    // rollups, as in a real team.
    {
        const auto first = waitFor<ApiKeyList>([&](auto done) { client.listKeys(true, nullptr, done); });
        if (!first.ok() || !linkKeys(path, first.value, &error)) {
            std::fprintf(stderr, "cannot link the keys: %s %s\n", qPrintable(first.error.message()), qPrintable(error));
            return 1;
        }
    }
    qsizetype synced = 0;
    double writeOnly = 0;
    QList<double> writes;
    const double sync = medianMs([&] {
        const auto r = waitFor<ApiKeyList>([&](auto done) { client.listKeys(true, nullptr, done); });
        QElapsedTimer w;
        w.start();
        const Status written = r.ok() ? store.usage().recordSync(r.value, std::nullopt, QDateTime::currentDateTimeUtc()) : Status();
        if (!r.ok() || !written)
            std::fprintf(stderr, "sync failed: %s %s\n", qPrintable(r.error.message()), qPrintable(written.errorText()));
        writes << double(w.nsecsElapsed()) / 1e6;
        synced = r.value.size();
    }, 5);
    const double firstWrite = writes.value(0); // the day's first sync: every snapshot row is new
    std::sort(writes.begin(), writes.end());
    writeOnly = writes.at(writes.size() / 2);
    const auto seedSync = bench::byName(runPython({seedWay, u"sync"_s, base, portAndKey.value(1), dir.filePath(u"seed.db"_s), u"5"_s}));
    server.terminate();
    server.waitForFinished(5000);
    std::printf("bench sync: %lld keys from a local fake OpenRouter into SQLite, median of 5 runs\n", qint64(synced));
    line("list every key + write one transaction", sync, seedSync.value(u"sync"_s).value(0).toDouble(), 1000);
    std::printf("  %-46s %9.2f ms   (the day's first: %.2f ms)\n", "of which the SQLite write", writeOnly, firstWrite);
    if (seedSync.value(u"sync"_s).value(1).toLongLong() != synced) {
        std::fprintf(stderr, "the two syncs read different key counts\n");
        return 1;
    }
    return 0;
}
