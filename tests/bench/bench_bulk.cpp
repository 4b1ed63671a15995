// Bulk paths and per-command cost at an organisation's size. First a roster of 10,000 members
// imported into a fresh SQLite file (parse, plan, save in one transaction), then the same roster
// with every tier changed, then one bulk tier change of everybody. Then a seed database written by
// the seed's own code (seed_way.py: 1,000 users x 1,000 days = 1,000,000 usage rows): the first
// open (backup, migration, rollups), then whole orteam-cli processes (`tiers list`, `report
// weekly`) beside the seed's Python weekly report on the same file, process included on both
// sides. Prints medians; never fails on speed.
#include "BenchSupport.h"
#include "Median.h"
#include "Roster.h"
#include "Store.h"
#include "TeamService.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <cstdio>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int RosterSize = 10'000;
constexpr int SeedUsers = 1'000;
constexpr int SeedDays = 1'000;
constexpr int Runs = 9;

double since(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

QString roster(int size, int tierShift)
{
    static const QStringList tiers{u"free"_s, u"basic"_s, u"pro"_s, u"enterprise"_s};
    QString csv = u"name,email,tier,daily_limit\n"_s;
    for (int i = 0; i < size; ++i) {
        const QString name = u"member-%1"_s.arg(i, 5, 10, QLatin1Char('0'));
        csv += u"%1,%1@example.com,%2,%3\n"_s.arg(name, tiers.at((i + tierShift) % tiers.size()),
                                                  i % 3 == 0 ? QString() : QString::number(5 + i % 20));
    }
    return csv;
}

// Parses, plans and imports `csv` the way the dashboard's import does; false on any failure.
bool importRoster(Store &store, const QString &csv, const char *label, int expectedWork)
{
    QElapsedTimer t;
    t.start();
    const Result<QList<Tier>> tiers = store.team().tiers();
    const Result<QList<Member>> current = store.team().members();
    if (!tiers || !current) {
        std::fprintf(stderr, "cannot read the team: %s%s\n", qPrintable(tiers.errorText()), qPrintable(current.errorText()));
        return false;
    }
    const double read = since(t);
    const RosterFile file = parseRoster(csv, *tiers);
    const double parsed = since(t);
    const RosterPlan plan = planRoster(file, *current, false);
    const double planned = since(t);
    const Result<TeamService::ImportSaved> saved = TeamService(store).importRoster(plan);
    const double total = since(t);
    if (!saved || saved->added + saved->changed != expectedWork || file.rejectedCount() != 0) {
        std::fprintf(stderr, "%s failed: %s (%d rejected)\n", label, qPrintable(saved.errorText()), file.rejectedCount());
        return false;
    }
    std::printf("  %-44s %9.1f ms   (read %.1f + parse %.1f + plan %.1f + save %.1f; %s; target < 2000 ms)\n", label,
                total, read, parsed - read, planned - parsed, total - planned, qPrintable(saved->summary()));
    return true;
}

bool benchRoster(const QString &path)
{
    Store store;
    QString error;
    if (const Status opened = store.open(*DbLocation::parse(path, &error)); !opened) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(path), qPrintable(opened.errorText()));
        return false;
    }
    std::printf("bench roster: %d members into a fresh SQLite file, one transaction each\n", RosterSize);
    if (!importRoster(store, roster(RosterSize, 0), "import 10,000 new members", RosterSize)
        || !importRoster(store, roster(RosterSize, 1), "import again, every tier changed", RosterSize))
        return false;
    QStringList everybody;
    for (int i = 0; i < RosterSize; ++i)
        everybody << u"member-%1"_s.arg(i, 5, 10, QLatin1Char('0'));
    QElapsedTimer t;
    t.start();
    if (const Status s = TeamService(store).setTier(everybody, u"pro"_s); !s) {
        std::fprintf(stderr, "setTier failed: %s\n", qPrintable(s.errorText()));
        return false;
    }
    std::printf("  %-44s %9.1f ms\n", "one tier for all 10,000 (TeamService::setTier)", since(t));
    const Result<QList<Member>> members = store.team().members();
    if (!members || members->size() != RosterSize) {
        std::fprintf(stderr, "the team has %lld members, not %d\n", qint64(members ? members->size() : -1), RosterSize);
        return false;
    }
    return true;
}

bool benchSeed(const QString &cli, const QString &seedWay, const QString &path)
{
    const auto seeded = bench::byName(bench::runProcess(u"python3"_s, {seedWay, u"seed"_s, path, QString::number(SeedUsers),
                                                                       QString::number(SeedDays)})
                                          .lines);
    if (seeded.value(u"seed"_s).value(1).toLongLong() != qint64(SeedUsers) * SeedDays) {
        std::fprintf(stderr, "seed_way.py did not write the seed database\n");
        return false;
    }
    std::printf("bench seed database: %d users x %d days = %lld usage rows written by seed_way.py (%.0f ms)\n",
                SeedUsers, SeedDays, qint64(SeedUsers) * SeedDays, seeded.value(u"seed"_s).value(0).toDouble());
    const QProcessEnvironment env = bench::teamLeadEnvironment();
    auto orteamCli = [&](const QStringList &args) { return bench::runProcess(cli, QStringList{u"--db"_s, path} + args, env); };

    const bench::ProcessRun first = orteamCli({u"tiers"_s, u"list"_s});
    if (first.exitCode != 0)
        return false;
    std::printf("  %-44s %9.1f ms   (backup, migration, rollups; once)\n", "first open: orteam-cli tiers list", first.ms);

    // Each figure: the median of whole processes, as a person or cron runs them.
    bool ok = true;
    const double tiers = medianMs([&] { ok = ok && orteamCli({u"tiers"_s, u"list"_s}).exitCode == 0; }, Runs);
    const double weekly = medianMs([&] { ok = ok && orteamCli({u"report"_s, u"weekly"_s}).exitCode == 0; }, Runs);
    double seedQuery = 0;
    qint64 seedRows = 0;
    const double seedWeekly = medianMs(
        [&] {
            const bench::ProcessRun r = bench::runProcess(u"python3"_s, {seedWay, u"weekly"_s, path});
            const QStringList answer = bench::byName(r.lines).value(u"weekly"_s);
            ok = ok && r.exitCode == 0;
            seedQuery = answer.value(0).toDouble();
            seedRows = answer.value(1).toLongLong();
        },
        Runs);
    if (!ok)
        return false;
    std::printf("  %-44s %9.1f ms   (median of %d processes)\n", "orteam-cli tiers list", tiers, Runs);
    std::printf("  %-44s %9.1f ms\n", "orteam-cli report weekly", weekly);
    std::printf("  %-44s %9.1f ms   (of which its query %.1f ms; %lld rows)\n", "seed's weekly report (python3 seed_way.py)",
                seedWeekly, seedQuery, seedRows);
    // Python's own start is slow on some machines: its query alone is the stricter yardstick.
    std::printf("  %-44s %9.2fx / %.2fx  (tiers list / report weekly against its process; target <= 1)\n",
                "orteam-cli against the seed's report", tiers / seedWeekly, weekly / seedWeekly);
    std::printf("  %-44s %9.2fx / %.2fx  (against its query alone)\n", "", tiers / seedQuery, weekly / seedQuery);
    return true;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"orteam.*.info=false"_s);
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s PATH-TO-orteam-cli PATH-TO-seed_way.py\n", argv[0]);
        return 2;
    }
    QTemporaryDir dir;
    if (!benchRoster(dir.filePath(u"roster.db"_s)))
        return 1;
    if (!benchSeed(QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]), dir.filePath(u"team_usage.db"_s)))
        return 1;
    return 0;
}
