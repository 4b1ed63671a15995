// Key hygiene at the size of a large account: 10,000 keys, 2,000 members with five keys each,
// and 30 days of daily snapshots (300,000 rows) in a SQLite file. Times what a refresh adds (the
// snapshot write, which keeps key_use) and the findings computed after it (HygieneService::assess:
// members, key_use, schedule, settings, then the rules), beside the peer a naive design would pay:
// sqlite3's own CLI computing each key's last use from the snapshots themselves (the same window
// query the migration runs once). Target: findings under 200 ms. Prints medians; never fails on speed.
#include "LifecycleService.h"
#include "Median.h"
#include "Store.h"
#include "TeamService.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimeZone>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int Keys = 10'000;
constexpr int KeysPerMember = 5;
constexpr int Days = 30;
constexpr int Runs = 9;


// Every key: a third used daily, a third dormant since day 20, a third never used; ages spread
// over a year, every 50th without a limit, every 97th expired.
QList<ApiKey> keysOn(int day, const QDateTime &start)
{
    QList<ApiKey> keys;
    keys.reserve(Keys);
    for (int i = 0; i < Keys; ++i) {
        ApiKey k;
        k.hash = u"%1"_s.arg(i, 64, 16, QLatin1Char('0'));
        k.name = u"key-%1"_s.arg(i % 9000); // some names twice
        k.createdAt = start.addDays(-(i % 365));
        if (i % 50)
            k.limit = 25;
        if (i % 97 == 0)
            k.expiresAt = start.addDays(Days - 3);
        if (i % 3 == 0) {
            k.usage = 0.01 * (day + 1);
            k.usageDaily = 0.01;
        } else if (i % 3 == 1) {
            k.usage = 0.01 * std::min(day + 1, 20);
            k.usageDaily = day < 20 ? 0.01 : 0;
        }
        keys << k;
    }
    return keys;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    DbLocation location;
    location.path = dir.filePath(u"hygiene.db"_s);
    Store store;
    if (Status s = store.open(location); !s) {
        std::fprintf(stderr, "bench_hygiene: %s\n", qPrintable(s.errorText()));
        return 1;
    }
    const QDateTime start = QDateTime(QDate(2026, 9, 1), QTime(12, 0), QTimeZone::utc());

    // The team: 2,000 members, five keys each (one transaction per member, as the dashboard saves).
    {
        const QList<ApiKey> keys = keysOn(0, start);
        TeamService team(store);
        for (int m = 0; m < Keys / KeysPerMember; ++m) {
            Member member{u"member-%1"_s.arg(m), {}, u"pro"_s, std::nullopt, m % 40 != 0, {}};
            for (int j = 0; j < KeysPerMember; ++j)
                member.keyHashes << keys.at(m * KeysPerMember + j).hash;
            if (Status s = team.addMember(member); !s) {
                std::fprintf(stderr, "bench_hygiene: %s\n", qPrintable(s.errorText()));
                return 1;
            }
        }
    }
    // The history: a refresh a day for 30 days (what the dashboard writes).
    QElapsedTimer fill;
    fill.start();
    for (int day = 0; day < Days - 1; ++day) {
        if (Status s = store.usage().recordKeySnapshots(keysOn(day, start), start.addDays(day)); !s) {
            std::fprintf(stderr, "bench_hygiene: %s\n", qPrintable(s.errorText()));
            return 1;
        }
    }
    const double fillSeconds = double(fill.elapsed()) / 1000;
    const QList<ApiKey> today = keysOn(Days - 1, start);
    const QDateTime now = start.addDays(Days - 1);

    // What a refresh adds: today's snapshot of every key (and key_use kept with it).
    const double refreshMs = medianMs([&] { (void)store.usage().recordKeySnapshots(today, now); }, 5);

    HygieneService hygiene(&store);
    int findings = 0;
    QHash<HygieneRule, int> counts;
    const double assessMs = medianMs([&] {
        const auto a = hygiene.assess(today, now);
        if (!a)
            qFatal("bench_hygiene: %s", qPrintable(a.error().message));
        counts = a->counts();
        findings = 0;
        for (int n : std::as_const(counts))
            findings += n;
    }, Runs);

    // The peer: each key's last use computed from the snapshots by sqlite3 itself.
    const QString naive = u"SELECT COUNT(*) FROM (SELECT key_hash, MAX(CASE WHEN usage_daily > 0 OR usage > previous THEN day END) "
                          "FROM (SELECT key_hash, day, usage, usage_daily, LAG(usage) OVER (PARTITION BY key_hash ORDER BY day) "
                          "AS previous FROM key_snapshots) GROUP BY key_hash);"_s;
    double sqliteMs = -1;
    store.close();
    {
        QProcess probe;
        probe.start(u"sqlite3"_s, {u"-version"_s});
        if (probe.waitForFinished(10'000) && probe.exitCode() == 0) {
            sqliteMs = medianMs([&] {
                QProcess p;
                p.start(u"sqlite3"_s, {location.path, naive});
                p.waitForFinished(60'000);
            }, 5);
        }
    }

    std::printf("\n== key hygiene: %d keys, %d members, %d days of snapshots (%d rows; filled in %.1f s) ==\n", Keys,
                Keys / KeysPerMember, Days, Keys * Days, fillSeconds);
    std::printf("  refresh's snapshot write (10,000 keys, key_use kept)  %8.1f ms\n", refreshMs);
    std::printf("  findings after a refresh (HygieneService::assess)     %8.1f ms   target < 200 ms\n", assessMs);
    if (sqliteMs >= 0)
        std::printf("  peer: sqlite3 CLI, last use from the snapshots alone  %8.1f ms   (process included)\n", sqliteMs);
    else
        std::printf("  peer: sqlite3 CLI not installed; skipped\n");
    std::printf("  %d findings:", findings);
    for (HygieneRule r : allHygieneRules())
        std::printf(" %s %d", qPrintable(hygieneRuleId(r)), counts.value(r));
    std::printf("\n");
    return 0;
}
