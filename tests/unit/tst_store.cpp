// The team database: one suite, run on a SQLite file and (as tst_store_postgres) on a real
// PostgreSQL server that CTest starts for it. Migrations from empty and from a database the
// seed's Python scripts wrote; members, tiers, usage, the weekly report, the audit log; reads
// that fail say so, a statement failing at any step of a write leaves the database as it was,
// and a new SQLite database is private to its owner.
#include "Schema.h"
#include "Store.h"
#include "SessionMark.h"
#include "SeedDatabase.h"
#include "Sql.h" // storage-internal: Sql::scan is tested on its own
#include "SqliteDamage.h"
#include "TestDatabase.h"

#include <QFile>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUuid>

#include <limits>
#include <source_location>

#include <sys/stat.h>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

// A read or write that must succeed: its error is the failure's message.
#define QVERIFY_OK(expr)                                                                                              \
    do {                                                                                                              \
        const auto &result_ = (expr);                                                                                 \
        QVERIFY2(result_.ok(), qPrintable(result_.errorText()));                                                      \
    } while (false)

// The value of a read that must succeed; a failure is recorded (with the error) where it was called.
template <typename T>
static T must(Result<T> r, std::source_location at = std::source_location::current())
{
    if (r.ok())
        return std::move(r).value();
    QTest::qFail(qPrintable(r.errorText()), at.file_name(), int(at.line()));
    return T{};
}

class TestStore : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<test::TestDatabases> m_dbs;
    DbLocation m_location;
    bool m_postgres = false;

    // A fresh, empty database for each test, on the backend CTest chose.
    DbLocation freshLocation() { return m_dbs->fresh(); }

    // A second connection of our own ("raw") to the store's database, for writes the Store
    // does not make (the seed's scripts, a tool going behind its back).
    static QSqlDatabase rawConnection(const DbLocation &loc) { return test::TestDatabases::rawConnection(loc, u"raw"_s); }

    // Runs statements on the raw connection (a tool, or damage, behind the store's back).
    static void rawExec(const DbLocation &loc, const QStringList &statements)
    {
        {
            QSqlDatabase raw = rawConnection(loc);
            QSqlQuery q(raw);
            for (const QString &sql : statements) {
                if (!q.exec(sql))
                    qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            }
            raw.close();
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
    }

    // Every row of the tables a team's writes touch, in a fixed order, read on the raw
    // connection: what "the database is unchanged" is compared on.
    static QStringList contents(const DbLocation &loc)
    {
        static const QStringList tables{u"members"_s,       u"member_keys"_s,  u"tiers"_s,     u"key_snapshots"_s,
                                        u"model_activity"_s, u"provider_activity"_s, u"key_activity"_s, u"user_usage"_s, u"spend_day"_s,
                                        u"spend_member_month"_s, u"audit_log"_s, u"alerts_seen"_s};
        QStringList rows;
        {
            QSqlDatabase raw = rawConnection(loc);
            for (const QString &table : tables) {
                QSqlQuery q(raw);
                if (!q.exec(u"SELECT * FROM "_s + table))
                    qFatal("cannot read %s: %s", qPrintable(table), qPrintable(q.lastError().text()));
                QStringList tableRows;
                while (q.next()) {
                    QStringList values;
                    for (int c = 0; c < q.record().count(); ++c) {
                        const QVariant v = q.value(c);
                        values << (v.isNull() ? u"NULL"_s : v.toString());
                    }
                    tableRows << table + u": "_s + values.join(u'|');
                }
                tableRows.sort();
                rows << tableRows;
            }
            raw.close();
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
        return rows;
    }

    std::unique_ptr<Store> openFresh()
    {
        auto store = std::make_unique<Store>();
        const Status opened = store->open(freshLocation());
        if (!opened)
            qFatal("open failed: %s", qPrintable(opened.errorText()));
        return store;
    }

    static Member person(const QString &name, const QString &tier, std::optional<double> limit = std::nullopt, bool active = true)
    {
        return Member{name, {}, tier, limit ? std::optional(Budget{*limit}) : std::nullopt, active, {}};
    }

    static ApiKey keyUsing(const QString &hash, double daily)
    {
        ApiKey k;
        k.hash = hash;
        k.usageDaily = daily;
        k.usage = daily * 10;
        return k;
    }

    static ActivityItem item(const QDate &d, const QString &model, double usage, qint64 requests, const QString &endpoint)
    {
        ActivityItem a;
        a.date = d;
        a.model = model;
        a.usage = usage;
        a.requests = requests;
        a.endpointId = endpoint;
        return a;
    }

    // Fails statement n (1, 2, …) of `write` for every n until a run reaches none: each failed
    // run must report the fault and leave the database exactly as it was; the run that reaches
    // no fault must succeed. Returns how many statements the write took.
    int failEachStatement(Store &store, const std::function<Status()> &write)
    {
        const QStringList before = contents(store.location());
        for (int n = 1; n < 10'000; ++n) {
            int reached = 0;
            store.database().setFaultInjector([&](int statement, const QString &) {
                reached = statement;
                return statement == n;
            });
            const Status s = write();
            store.database().setFaultInjector({});
            if (reached < n) { // no statement n: the write ran to its end
                if (!s.ok())
                    QTest::qFail(qPrintable(u"with no fault: "_s + s.errorText()), __FILE__, __LINE__);
                return n - 1;
            }
            if (s.ok()) {
                QTest::qFail(qPrintable(u"statement %1 failed, yet the write said it succeeded"_s.arg(n)), __FILE__, __LINE__);
                return -1;
            }
            if (!s.errorText().contains(u"injected fault"_s)) {
                QTest::qFail(qPrintable(u"statement %1: the error does not say what failed: "_s.arg(n) + s.errorText()), __FILE__,
                             __LINE__);
                return -1;
            }
            if (s.error().kind != StoreError::Kind::Database) {
                QTest::qFail(qPrintable(u"statement %1: not a database error"_s.arg(n)), __FILE__, __LINE__);
                return -1;
            }
            if (const QStringList after = contents(store.location()); after != before) {
                QTest::qFail(qPrintable(u"statement %1 failed and the database changed: %2"_s.arg(n).arg(
                                 QSet<QString>(after.cbegin(), after.cend())
                                     .subtract(QSet<QString>(before.cbegin(), before.cend()))
                                     .values()
                                     .join(u", "_s))),
                             __FILE__, __LINE__);
                return -1;
            }
        }
        return -1;
    }

    // Awkward spend for comparing one read with the reads it replaced: weeks across a month's first
    // day, usage rows, linked keys' snapshots (a key moved between members), activity without
    // money, rows without a member, unlinked keys; 24 days from Tuesday 24 November 2026.
    void fillAwkwardSpend(Store *store)
    {
        for (const QString &name : {u"ann"_s, u"bo"_s, u"cy"_s, u"di"_s})
            QVERIFY_OK(store->team().addMember(person(name, u"pro"_s)));
        QVERIFY_OK(store->team().linkKey(u"bo"_s, u"kb"_s));
        QVERIFY_OK(store->team().linkKey(u"cy"_s, u"kc"_s));
        UsageRepository &usage = store->usage();
        const QDate first(2026, 11, 24); // a Tuesday; 2026-12-01 is one too
        for (int d = 0; d < 24; ++d) {
            const QDate day = first.addDays(d);
            if (d % 3 != 1)
                QVERIFY_OK(usage.recordUsage(u"ann"_s, day, 0.1 * (d + 1) + 0.0003, d));
            if (d % 4 == 0)
                QVERIFY_OK(usage.recordUsage(u"eve"_s, day, 0.0, 1)); // rows without money, no member
            QVERIFY_OK(usage.recordKeySnapshots({keyUsing(u"kb"_s, 0.07 * d), keyUsing(u"kc"_s, d % 5 == 0 ? 1.5 : 0.0),
                                                 keyUsing(u"loose"_s, 3.0)},
                                                QDateTime(day, QTime(12, 0), QTimeZone::utc())));
        }
        // di's key is seen only by its activity (no snapshot), on the 2nd of December; bo's has
        // activity beside its snapshots, above one day's counter (26 Nov: 0.14) and below the
        // next day's (27 Nov: 0.21), and a day of requests without money.
        QVERIFY_OK(store->team().linkKey(u"di"_s, u"kd"_s));
        ActivityData data;
        data.perKey.insert(u"kd"_s, {item(QDate(2026, 12, 2), u"m/a"_s, 0.4, 3, u"e1"_s)});
        data.perKey.insert(u"kb"_s, {item(QDate(2026, 11, 26), u"m/a"_s, 0.3, 2, u"e1"_s),
                                     item(QDate(2026, 11, 26), u"m/b"_s, 0.2, 1, u"e1"_s),
                                     item(QDate(2026, 11, 27), u"m/a"_s, 0.1, 1, u"e1"_s),
                                     item(QDate(2026, 11, 28), u"m/a"_s, 0.0, 4, u"e1"_s)});
        QVERIFY_OK(usage.recordActivity(data));
        QVERIFY_OK(store->team().linkKey(u"bo"_s, u"kc"_s)); // cy's key moves to bo with its days

    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_dbs = std::make_unique<test::TestDatabases>();
        m_postgres = m_dbs->postgres();
        if (m_postgres)
            QVERIFY(QSqlDatabase::isDriverAvailable(u"QPSQL"_s));
        qInfo("backend: %s", m_postgres ? "PostgreSQL" : "SQLite");
    }

    void freshDatabaseHasSchemaAndDefaultTiers()
    {
        auto store = openFresh();
        QCOMPARE(must(store->database().schemaVersion()), Schema::Version);
        const QList<Tier> tiers = must(store->team().tiers());
        QCOMPARE(tiers, defaultTiers());
        QVERIFY(must(store->team().members()).isEmpty());
        QVERIFY(store->database().backupPath().isEmpty());
        if (!m_postgres) {
            QSqlDatabase d = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
            d.setDatabaseName(store->location().path);
            QVERIFY(d.open());
            QSqlQuery q(d);
            QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
            QCOMPARE(q.value(0).toString(), u"wal"_s);
            d.close();
            d = QSqlDatabase();
            QSqlDatabase::removeDatabase(u"peek"_s);
        }
    }

    void reopeningMigratesNothingTwice()
    {
        const DbLocation loc = freshLocation();
        {
            Store first;
            QVERIFY_OK(first.open(loc));
            Tier custom{u"research"_s, Budget{40.0, LimitReset::Monthly}, QStringList{u"openai/o3"_s}, u"openai/o3"_s, {}};
            QVERIFY_OK(first.team().saveTier(custom));
        }
        Store again;
        QVERIFY_OK(again.open(loc));
        QCOMPARE(must(again.database().schemaVersion()), Schema::Version);
        const QList<Tier> tiers = must(again.team().tiers());
        QCOMPARE(tiers.size(), 5);
        QCOMPARE(tiers.last().name, u"research"_s);
        QCOMPARE(tiers.last().budget, std::optional(Budget{40.0, LimitReset::Monthly}));
    }

    void aBudgetPeriodNotKnownIsAnErrorNotADailyBudget()
    {
        // A period typed into the database by hand (or by a newer orteam): money is judged on it,
        // so the read fails and names it rather than taking the budget as a daily one.
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember({u"ann"_s, {}, u"pro"_s, Budget{9.0}, true, {}}));
        rawExec(store->location(), {u"UPDATE members SET budget_period = 'fortnightly' WHERE name = 'ann'"_s});
        const auto members = store->team().members();
        QVERIFY(!members.ok());
        QVERIFY2(members.errorText().contains(u"fortnightly"_s), qPrintable(members.errorText()));
        QVERIFY(!store->team().member(u"ann"_s).ok());
        rawExec(store->location(), {u"UPDATE tiers SET budget_period = 'hourly' WHERE name = 'pro'"_s});
        const auto tiers = store->team().tiers();
        QVERIFY(!tiers.ok());
        QVERIFY2(tiers.errorText().contains(u"the pro tier"_s), qPrintable(tiers.errorText()));
    }

    void membersAndTiers()
    {
        auto store = openFresh();
        TeamRepository &team = store->team();
        QVERIFY_OK(team.addMember({u"alice"_s, u"alice@example.com"_s, u"pro"_s, std::nullopt, true, {}}));
        const Status twice = team.addMember(person(u"alice"_s, {}));
        QVERIFY(!twice.ok());
        QVERIFY(twice.errorText().contains(u"already"_s));
        QCOMPARE(twice.error().kind, StoreError::Kind::Conflict);
        const Status platinum = team.addMember(person(u"bob"_s, u"platinum"_s));
        QVERIFY(!platinum.ok());
        QVERIFY(platinum.errorText().contains(u"platinum"_s));
        QCOMPARE(platinum.error().kind, StoreError::Kind::NotFound); // no such tier: exit 3, as tiers set-budget says it
        const Status blank = team.addMember(person(u"  "_s, {}));
        QVERIFY(!blank.ok());
        QCOMPARE(blank.error().kind, StoreError::Kind::Invalid);
        // Control characters in a name are refused here too, not only by a roster import.
        for (const QString &bad : {u"bo\nb"_s, u"bo\tb"_s, u"bob\x1b[31m"_s}) {
            const Status refused = team.addMember(person(bad, {}));
            QVERIFY2(!refused.ok(), qPrintable(bad));
            QCOMPARE(refused.error().kind, StoreError::Kind::Invalid);
            QVERIFY2(refused.errorText().contains(u"control characters"_s), qPrintable(refused.errorText()));
        }
        QCOMPARE(must(team.members()).size(), 1);

        Member alice = must(team.member(u"alice"_s));
        alice.tier = u"basic"_s;
        alice.budgetOverride = Budget{7.5, LimitReset::Weekly};
        QVERIFY_OK(team.updateMember(alice));
        QVERIFY_OK(team.linkKey(u"alice"_s, u"hash-1"_s));
        QVERIFY_OK(team.linkKey(u"alice"_s, u"hash-2"_s));
        const Status nobody = team.linkKey(u"nobody"_s, u"hash-3"_s);
        QVERIFY(!nobody.ok());
        QCOMPARE(nobody.error().kind, StoreError::Kind::NotFound);
        const Member back = must(team.member(u"alice"_s));
        QCOMPARE(back.tier, u"basic"_s);
        QCOMPARE(back.budgetOverride, std::optional(Budget{7.5, LimitReset::Weekly}));
        QCOMPARE(back.keyHashes, (QStringList{u"hash-1"_s, u"hash-2"_s}));
        QCOMPARE(effectiveBudget(back, must(team.tiers()))->usd, 7.5);
        const Status ghost = team.updateMember(person(u"ghost"_s, {}));
        QVERIFY(!ghost.ok());
        QCOMPARE(ghost.error().kind, StoreError::Kind::NotFound);
        const Result<Member> missing = team.member(u"ghost"_s);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, StoreError::Kind::NotFound);
        QVERIFY(missing.errorText().contains(u"ghost"_s));
    }

    void settingKeysReplacesLinksInOneGo()
    {
        auto store = openFresh();
        TeamRepository &team = store->team();
        QVERIFY_OK(team.addMember(person(u"ann"_s, u"pro"_s)));
        QVERIFY_OK(team.addMember(person(u"ben"_s, u"pro"_s)));
        QVERIFY_OK(team.linkKey(u"ann"_s, u"k1"_s));
        QVERIFY_OK(team.linkKey(u"ann"_s, u"k2"_s));
        QVERIFY_OK(team.linkKey(u"ben"_s, u"k3"_s));
        // k1 stays, k2 goes, k3 moves from ben, k4 is new; a hash given twice is linked once.
        QVERIFY_OK(team.setKeys(u"ann"_s, {u"k4"_s, u"k1"_s, u"k3"_s, u"k4"_s}));
        QCOMPARE(must(team.member(u"ann"_s)).keyHashes, (QStringList{u"k1"_s, u"k3"_s, u"k4"_s}));
        QVERIFY(must(team.member(u"ben"_s)).keyHashes.isEmpty());
        QVERIFY(!must(team.keyOwners()).contains(u"k2"_s));
        QVERIFY_OK(team.setKeys(u"ann"_s, {}));
        QVERIFY(must(team.keyOwners()).isEmpty());
        const Status nobody = team.setKeys(u"nobody"_s, {u"k1"_s});
        QCOMPARE(nobody.error().kind, StoreError::Kind::NotFound);
        QVERIFY(must(team.keyOwners()).isEmpty());

        // A statement failing at any step leaves the links as they were.
        QVERIFY_OK(team.setKeys(u"ann"_s, {u"k1"_s, u"k2"_s}));
        QVERIFY_OK(team.setKeys(u"ben"_s, {u"k3"_s}));
        const int statements = failEachStatement(*store, [&] { return team.setKeys(u"ann"_s, {u"k2"_s, u"k3"_s, u"k5"_s}); });
        QVERIFY(statements > 4);
        QCOMPARE(must(team.member(u"ann"_s)).keyHashes, (QStringList{u"k2"_s, u"k3"_s, u"k5"_s}));
    }

    void usageAndWeeklyReport()
    {
        auto store = openFresh();
        UsageRepository &usage = store->usage();
        SpendRepository &spend = store->spend();
        const QDate today(2026, 11, 27);
        QVERIFY_OK(store->team().addMember(person(u"alice"_s, u"pro"_s)));
        QVERIFY_OK(store->team().addMember(person(u"bob"_s, u"basic"_s, 3.0)));
        // alice: today and six days ago count; seven days ago does not.
        QVERIFY_OK(usage.recordUsage(u"alice"_s, today, 1.00004, 10));
        QVERIFY_OK(usage.recordUsage(u"alice"_s, today, 0.5, 2)); // same day adds up
        QVERIFY_OK(usage.recordUsage(u"alice"_s, today.addDays(-6), 2.0, 5));
        QVERIFY_OK(usage.recordUsage(u"alice"_s, today.addDays(-7), 100.0, 50));
        QVERIFY_OK(usage.recordUsage(u"bob"_s, today.addDays(-1), 4.25, 30));
        // carol spends but has no budget: included, with a null limit.
        QVERIFY_OK(usage.recordUsage(u"carol"_s, today.addDays(-2), 0.12345678, 1));
        QVERIFY_OK(usage.recordUsage(u"dave"_s, today.addDays(1), 9.0, 1)); // tomorrow: not this week

        QCOMPARE(must(spend.spentOn(u"alice"_s, today)), 1.50004);
        const Result<double> none = spend.spentOn(u"alice"_s, today.addDays(-3));
        QVERIFY(!none.ok());
        QCOMPARE(none.error().kind, StoreError::Kind::NotFound);
        QVERIFY(!withinBudget(must(spend.spentOn(u"bob"_s, today.addDays(-1))),
                              effectiveBudget(must(store->team().member(u"bob"_s)), must(store->team().tiers()))->usd));

        const QList<WeeklyReportRow> rows = must(spend.weeklyReport(today));
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(0).user, u"bob"_s);
        QCOMPARE(rows.at(0).weeklyCost, 4.25);
        QCOMPARE(rows.at(0).requests, 30);
        QCOMPARE(*rows.at(0).dailyLimit, 3.0); // the member's own limit
        QCOMPARE(rows.at(1).user, u"alice"_s);
        QCOMPARE(rows.at(1).weeklyCost, 3.5); // 3.50004 rounded to 4 places
        QCOMPARE(rows.at(1).requests, 17);
        QCOMPARE(*rows.at(1).dailyLimit, 25.0); // the pro tier's default
        QCOMPARE(rows.at(2).user, u"carol"_s);
        QCOMPARE(rows.at(2).weeklyCost, 0.1235);
        QVERIFY(!rows.at(2).dailyLimit);
    }

    void keySnapshotsGiveMemberSpend()
    {
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember(person(u"alice"_s, u"basic"_s)));
        QVERIFY_OK(store->team().addMember(person(u"bob"_s, u"pro"_s)));
        QVERIFY_OK(store->team().linkKey(u"alice"_s, u"ka"_s));
        QVERIFY_OK(store->team().linkKey(u"bob"_s, u"kb"_s));
        const QDate monday(2026, 11, 23);
        const QDateTime morning(monday, QTime(9, 0), QTimeZone::utc());
        UsageRepository &usage = store->usage();
        QVERIFY_OK(usage.recordKeySnapshots({keyUsing(u"ka"_s, 1.0), keyUsing(u"kb"_s, 2.0), keyUsing(u"unlinked"_s, 50.0)}, morning));
        // Later the same day: the last counters of the day replace the earlier ones (not added).
        QVERIFY_OK(usage.recordKeySnapshots({keyUsing(u"ka"_s, 1.5), keyUsing(u"kb"_s, 2.0)}, morning.addSecs(8 * 3600)));
        // Tuesday, across the UTC day boundary, plus gateway usage recorded for alice directly.
        QVERIFY_OK(usage.recordKeySnapshots({keyUsing(u"ka"_s, 0.25)}, QDateTime(monday.addDays(1), QTime(0, 5), QTimeZone::utc())));
        QVERIFY_OK(usage.recordUsage(u"alice"_s, monday.addDays(1), 0.75, 3));
        QCOMPARE(must(usage.snapshotCount(monday)), 3);

        const auto mondaySpend = must(store->spend().memberSpend(monday, monday));
        QCOMPARE(mondaySpend.value(u"alice"_s).cost, 1.5);
        QCOMPARE(mondaySpend.value(u"bob"_s).cost, 2.0);
        QVERIFY(!mondaySpend.contains(u"unlinked"_s));
        const auto tuesday = must(store->spend().memberSpend(monday.addDays(1), monday.addDays(1)));
        QCOMPARE(tuesday.value(u"alice"_s).cost, 1.0);
        QCOMPARE(tuesday.value(u"alice"_s).requests, 3);
        QVERIFY(!tuesday.contains(u"bob"_s));

        // The weekly report counts both sources.
        const QList<WeeklyReportRow> report = must(store->spend().weeklyReport(monday.addDays(1)));
        QCOMPARE(report.size(), 2);
        QCOMPARE(report.at(0).user, u"alice"_s);
        QCOMPARE(report.at(0).weeklyCost, 2.5);
        QCOMPARE(report.at(1).weeklyCost, 2.0);
        // One key's days, from its snapshots.
        const DailySeries ka = must(store->spend().keyDailySpend(u"ka"_s, monday, monday.addDays(6)));
        QCOMPARE(ka.value(monday), 1.5);
        QCOMPARE(ka.value(monday.addDays(1)), 0.25);
    }

    void periodSpendIsTheThreePeriodsReadApart()
    {
        // One read over the month (or from Monday, when the week began in the month before) gives
        // what three reads of today, the week and the month gave: the same sums, and a period
        // without rows unset rather than 0. Awkward data: weeks across a month's first day, usage
        // rows, linked keys' snapshots (a key moved between members), activity without money,
        // rows the day after, unlinked keys.
        auto store = openFresh();
        fillAwkwardSpend(store.get());
        if (QTest::currentTestFailed())
            return;
        SpendRepository &spend = store->spend();
        // Monday 30 Nov (week from the month before), Tuesday 1 Dec, Wednesday 2 Dec, Sunday 6
        // Dec, Monday 7 Dec, Friday 11 Dec, and the 30th of November (the month's last day).
        for (const QDate &today : {QDate(2026, 11, 30), QDate(2026, 12, 1), QDate(2026, 12, 2), QDate(2026, 12, 6),
                                   QDate(2026, 12, 7), QDate(2026, 12, 11), QDate(2026, 11, 29)}) {
            const QHash<QString, PeriodSpend> once = must(spend.periodSpend(today));
            // Summed in the database and here: the same members, periods set alike, the same sums.
            using Summing = SpendRepository::Summing;
            const QHash<QString, PeriodSpend> inDb = must(spend.periodSpend(today, Summing::InDatabase));
            const QHash<QString, PeriodSpend> here = must(spend.periodSpend(today, Summing::InProcess));
            QCOMPARE(here.size(), inDb.size());
            for (auto [member, p] : inDb.asKeyValueRange()) {
                for (const LimitReset period : {LimitReset::Daily, LimitReset::Weekly, LimitReset::Monthly}) {
                    const std::optional<double> a = here.value(member).in(period), b = p.in(period);
                    QVERIFY2(here.contains(member) && a.has_value() == b.has_value() && (!a || qAbs(*a - *b) < 1e-12),
                             qPrintable(member + u" on "_s + today.toString(Qt::ISODate)));
                }
            }
            QHash<QString, PeriodSpend> apart;
            for (const LimitReset period : {LimitReset::Daily, LimitReset::Weekly, LimitReset::Monthly}) {
                for (auto [member, s] : must(spend.memberSpend(budgetPeriodStart(period, today), today)).asKeyValueRange()) {
                    PeriodSpend &p = apart[member];
                    (period == LimitReset::Daily ? p.today : period == LimitReset::Weekly ? p.week : p.month) = s.cost;
                }
            }
            QCOMPARE(once.size(), apart.size());
            for (auto [member, p] : apart.asKeyValueRange()) {
                const QString at = member + u" on "_s + today.toString(Qt::ISODate);
                QVERIFY2(once.contains(member), qPrintable(at));
                const PeriodSpend &o = once.value(member);
                for (const LimitReset period : {LimitReset::Daily, LimitReset::Weekly, LimitReset::Monthly}) {
                    QVERIFY2(o.in(period).has_value() == p.in(period).has_value(), qPrintable(at));
                    if (p.in(period))
                        QVERIFY2(qAbs(*o.in(period) - *p.in(period)) < 1e-9, qPrintable(at));
                }
            }
        }
        // Spot checks, so agreement is not agreement on nothing: on Wednesday 2 December the week
        // (from 30 November) holds more of ann's than the month (from the 1st).
        const QHash<QString, PeriodSpend> wednesday = must(spend.periodSpend(QDate(2026, 12, 2)));
        QVERIFY(*wednesday.value(u"ann"_s).week > *wednesday.value(u"ann"_s).month);
        QCOMPARE(*wednesday.value(u"di"_s).today, 0.4); // a day only the key's activity saw costs what it says
        QVERIFY(!wednesday.contains(u"loose"_s));
        QVERIFY(!must(spend.periodSpend(QDate(2026, 12, 1))).value(u"di"_s).today.has_value());
    }

    void scanReadsEveryRowOrSaysWhy()
    {
        // Sql::scan, the reports' read of many rows: each value as the database has it (on SQLite
        // straight from sqlite3_step, on PostgreSQL through QSqlQuery), its binds, a fault before
        // it, and rows that stop part-way, which must be an error and never a shorter read.
        auto store = openFresh();
        const Database &db = store->database();
        const QString rows = u"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) "
                             "SELECT n, 'm' || n || 'ü', n * 0.5, CASE WHEN n = 2 THEN NULL ELSE n END FROM c WHERE n >= :lo"_s;
        Sql q(db, rows, u"Cannot read the numbers"_s);
        q.bind(u":lo"_s, 2);
        QList<std::tuple<qint64, QString, double, bool>> seen;
        QVERIFY(q.scan([&](const SqlRow &row) {
            seen.append({row.integer(0), QString::fromUtf8(row.text(1)), row.real(2), row.isNull(3)});
            QCOMPARE(row.value(0).toLongLong(), row.integer(0));
            QCOMPARE(row.value(3).isNull(), row.isNull(3));
        }).ok());
        QCOMPARE(seen.size(), 4);
        QCOMPARE(seen.at(0), std::tuple(qint64(2), u"m2ü"_s, 1.0, true));
        QCOMPARE(seen.at(3), std::tuple(qint64(5), u"m5ü"_s, 2.5, false));
        // Run again with another bind: the new value counts.
        seen.clear();
        q.bind(u":lo"_s, 5);
        QVERIFY(q.scan([&](const SqlRow &row) { seen.append({row.integer(0), {}, 0, false}); }).ok());
        QCOMPARE(seen.size(), 1);

        // A fault before it: an error, and no row handed out.
        store->database().setFaultInjector([](int, const QString &) { return true; });
        int handed = 0;
        const Status faulted = Sql(db, rows, u"Cannot read the numbers"_s).bind(u":lo"_s, 1).scan([&](const SqlRow &) { ++handed; });
        store->database().setFaultInjector({});
        QVERIFY(!faulted.ok());
        QVERIFY2(faulted.errorText().startsWith(u"Cannot read the numbers: injected fault"_s), qPrintable(faulted.errorText()));
        QCOMPARE(handed, 0);

        // The rows stop at the third (a value the database cannot compute): an error naming why.
        const QString failing = db.isPostgres()
            ? u"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT n, 1 / (3 - n) FROM c"_s
            : u"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) "
              "SELECT n, CASE WHEN n = 3 THEN json('{') END FROM c"_s;
        handed = 0;
        const Status stopped = Sql(db, failing, u"Cannot read the numbers"_s).scan([&](const SqlRow &) { ++handed; });
        QVERIFY(!stopped.ok());
        QVERIFY2(stopped.errorText().startsWith(u"Cannot read the numbers: "_s), qPrintable(stopped.errorText()));
        if (!db.isPostgres()) { // PostgreSQL computes the whole answer before the first row
            QCOMPARE(handed, 2);
            QVERIFY2(stopped.errorText().contains(u"stopped part-way"_s), qPrintable(stopped.errorText()));
        }
        // Bound as Qt's drivers bind: a null QString is NULL, a REAL read as an integer is rounded
        // (as QVariant::toLongLong() rounds it), and on SQLite a placeholder left without a value
        // is an error, not a NULL that reads as no rows (Qt's PostgreSQL driver binds it NULL).
        Sql binds(db, u"SELECT CASE WHEN CAST(:none AS TEXT) IS NULL THEN 1 ELSE 0 END, CAST(:real AS DOUBLE PRECISION), CAST(:text AS TEXT)"_s,
                  u"Cannot read the numbers"_s);
        binds.bind(u":none"_s, QString()).bind(u":real"_s, 2.7).bind(u":text"_s, u"ü"_s);
        handed = 0;
        QVERIFY(binds.scan([&](const SqlRow &row) {
            ++handed;
            QCOMPARE(row.integer(0), 1);
            QCOMPARE(row.integer(1), 3);
            QCOMPARE(row.real(1), 2.7);
            QCOMPARE(QString::fromUtf8(row.text(2)), u"ü"_s);
        }).ok());
        QCOMPARE(handed, 1);
        const Status unbound = Sql(db, u"SELECT CAST(:given AS INTEGER), CAST(:forgotten AS INTEGER)"_s, u"Cannot read the numbers"_s)
                                   .bind(u":given"_s, 1)
                                   .scan([&](const SqlRow &) { ++handed; });
        QCOMPARE(unbound.ok(), db.isPostgres());
        QCOMPARE(handed, db.isPostgres() ? 2 : 1);
        if (!db.isPostgres()) { // PostgreSQL runs an unprepared text of several statements whole
            const Status two = Sql(db, u"SELECT 1; SELECT 2"_s, u"Cannot read the numbers"_s).scan([&](const SqlRow &) { ++handed; });
            QVERIFY2(!two.ok(), "a second statement is refused, not left unread");
        }
        // A statement that cannot be prepared.
        const Status bad = Sql(db, u"SELECT x FROM no_such_table"_s, u"Cannot read the numbers"_s).scan([](const SqlRow &) {});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.errorText().contains(u"no_such_table"_s), qPrintable(bad.errorText()));
    }

    void reportFailsWholeAtEveryStatement()
    {
        // A report reads several statements (when the history starts, each source's rows, the
        // members' budgets): whichever of them fails, the report is an error, never a report of
        // what the others read.
        auto store = openFresh();
        fillAwkwardSpend(store.get());
        if (QTest::currentTestFailed())
            return;
        const QDate to(2026, 12, 7);
        const TeamReport whole = must(store->spend().teamReport(ReportPeriod::Weekly, to, to));
        QVERIFY(!whole.rows.isEmpty());
        int failedAt = 0;
        for (int n = 1; n < 50; ++n) {
            store->database().setFaultInjector([n](int statement, const QString &) { return statement == n; });
            const Result<TeamReport> r = store->spend().teamReport(ReportPeriod::Weekly, to, to);
            store->database().setFaultInjector({});
            if (r.ok()) {
                QCOMPARE(r->rows.size(), whole.rows.size());
                break;
            }
            QVERIFY2(r.errorText().contains(u"injected fault"_s), qPrintable(r.errorText()));
            failedAt = n;
        }
        // The history's start, then on SQLite three sources and the budgets, on PostgreSQL one read.
        QCOMPARE(failedAt, m_postgres ? 2 : 5);
        // Added up here on PostgreSQL too (Sql::scan through QSqlQuery): the same, read by read.
        using Summing = SpendRepository::Summing;
        const std::pair<QDate, QDate> current{to.addDays(-6), to}, previous{to.addDays(-13), to.addDays(-7)};
        const SpendRepository::ReportWindows windows = must(store->spend().reportWindows(current, previous, previous, Summing::InProcess));
        int readAt = 0;
        for (int n = 1; n < 50 && !readAt; ++n) {
            store->database().setFaultInjector([n](int statement, const QString &) { return statement == n; });
            const Result<SpendRepository::ReportWindows> r = store->spend().reportWindows(current, previous, previous, Summing::InProcess);
            store->database().setFaultInjector({});
            if (r.ok()) {
                QCOMPARE(r->current.size(), windows.current.size());
                readAt = n;
                continue;
            }
            QVERIFY2(r.errorText().contains(u"injected fault"_s), qPrintable(r.errorText()));
        }
        QCOMPARE(readAt, 5); // failed at each of its four reads before
    }

    void reportWindowsAreTheReadsApart()
    {
        // A report's one read of its windows gives what usageReport() of each window and the trend
        // sums of each member's days gave, for weekly and monthly windows ending on days across
        // the month's first day, with the trend window short of the report's end (today
        // incomplete) or not.
        auto store = openFresh();
        fillAwkwardSpend(store.get());
        if (QTest::currentTestFailed())
            return;
        SpendRepository &spend = store->spend();
        auto same = [](const QList<WeeklyReportRow> &once, const QList<WeeklyReportRow> &apart, const QString &at) {
            QCOMPARE_EQ(once.size(), apart.size());
            for (qsizetype i = 0; i < apart.size(); ++i) {
                QVERIFY2(once.at(i).user == apart.at(i).user, qPrintable(at));
                QVERIFY2(qAbs(once.at(i).weeklyCost - apart.at(i).weeklyCost) < 1e-9, qPrintable(at));
                QVERIFY2(once.at(i).requests == apart.at(i).requests, qPrintable(at));
                QVERIFY2(once.at(i).dailyLimit == apart.at(i).dailyLimit, qPrintable(at));
            }
        };
        int checked = 0;
        auto check = [&](const std::pair<QDate, QDate> &current, const std::pair<QDate, QDate> &previous,
                         const std::pair<QDate, QDate> &trend) {
            const QString at = u"current %1..%2, previous %3..%4, trend %5..%6"_s.arg(
                current.first.toString(Qt::ISODate), current.second.toString(Qt::ISODate), previous.first.toString(Qt::ISODate),
                previous.second.toString(Qt::ISODate), trend.first.toString(Qt::ISODate), trend.second.toString(Qt::ISODate));
            const SpendRepository::ReportWindows once = must(spend.reportWindows(current, previous, trend));
            // Added up in the database and here: the same rows, so the same sums but for the last
            // bits (the database's order of one member's rows is its plan's, and SQLite 3.43 and
            // later add with compensation).
            using Summing = SpendRepository::Summing;
            const auto equal = [](double a, double b) { return qAbs(a - b) <= 1e-12 * std::max(1.0, qAbs(b)); };
            for (const Summing summing : {Summing::InDatabase, Summing::InProcess}) {
                const SpendRepository::ReportWindows w = must(spend.reportWindows(current, previous, trend, summing));
                const QString how = at + (summing == Summing::InDatabase ? u" (in the database)"_s : u" (here)"_s);
                for (const auto &[mine, theirs] : {std::pair(&w.current, &once.current), std::pair(&w.previous, &once.previous)}) {
                    QVERIFY2(mine->size() == theirs->size(), qPrintable(how));
                    for (qsizetype i = 0; i < mine->size(); ++i) {
                        const WeeklyReportRow &a = mine->at(i), &b = theirs->at(i);
                        QVERIFY2(a.user == b.user && equal(a.weeklyCost, b.weeklyCost) && a.requests == b.requests
                                     && a.dailyLimit == b.dailyLimit && a.budget == b.budget,
                                 qPrintable(a.user + u": "_s + how));
                    }
                }
                QVERIFY2(w.trends.size() == once.trends.size(), qPrintable(how));
                for (auto [member, sums] : w.trends.asKeyValueRange()) {
                    QVERIFY2(once.trends.contains(member), qPrintable(member + u": "_s + how));
                    QVERIFY2(equal(sums.sumY, once.trends.value(member).sumY) && equal(sums.sumXY, once.trends.value(member).sumXY),
                             qPrintable(member + u": "_s + how));
                }
            }
            // memberSpend() likewise, over each window.
            for (const auto &[a, b] : {current, previous, trend}) {
                const QHash<QString, MemberSpend> inDb = must(spend.memberSpend(a, b, Summing::InDatabase));
                const QHash<QString, MemberSpend> here = must(spend.memberSpend(a, b, Summing::InProcess));
                QVERIFY2(inDb.size() == here.size(), qPrintable(at));
                for (auto [member, m] : inDb.asKeyValueRange()) {
                    QVERIFY2(here.contains(member) && equal(here.value(member).cost, m.cost) && here.value(member).requests == m.requests,
                             qPrintable(member + u": memberSpend, "_s + at));
                }
            }
            same(once.current, must(spend.usageReport(current.first, current.second)), at);
            same(once.previous, must(spend.usageReport(previous.first, previous.second)), at);
            const QHash<QString, DailySeries> daily = must(spend.dailySpendByMember(trend.first, trend.second));
            QCOMPARE_EQ(once.trends.size(), daily.size());
            for (auto [member, series] : daily.asKeyValueRange()) {
                const TrendSums apart = trendSums(series, trend.first, trend.second);
                const TrendSums o = once.trends.value(member);
                QVERIFY2(qAbs(o.sumY - apart.sumY) < 1e-9 && qAbs(o.sumXY - apart.sumXY) < 1e-9,
                         qPrintable(member + u": "_s + at));
            }
            checked += int(once.current.size());
        };
        for (const int days : {7, 30}) {
            for (const QDate &to : {QDate(2026, 11, 30), QDate(2026, 12, 2), QDate(2026, 12, 7), QDate(2026, 12, 17)}) {
                const QDate from = to.addDays(1 - days);
                const std::pair<QDate, QDate> current{from, to}, previous{from.addDays(-days), from.addDays(-1)};
                for (const QDate &trendTo : {to, to.addDays(-1)}) {
                    check(current, previous, {previous.first, trendTo});
                    if (QTest::currentTestFailed())
                        return;
                }
            }
        }
        // Windows no report asks for, so every bound is tested both ways: inside the windows'
        // union (tested on each row) and on its edge (not tested at all).
        check({QDate(2026, 12, 3), QDate(2026, 12, 5)}, {QDate(2026, 11, 26), QDate(2026, 11, 28)},
              {QDate(2026, 11, 24), QDate(2026, 12, 7)});
        check({QDate(2026, 11, 24), QDate(2026, 12, 7)}, {QDate(2026, 11, 30), QDate(2026, 12, 1)},
              {QDate(2026, 11, 29), QDate(2026, 12, 2)});
        QVERIFY(checked > 20); // agreement on something
        // ann's step across the windows, so the trend has a slope to agree on.
        const SpendRepository::ReportWindows dec = must(spend.reportWindows({QDate(2026, 12, 1), QDate(2026, 12, 7)},
                                                                            {QDate(2026, 11, 24), QDate(2026, 11, 30)},
                                                                            {QDate(2026, 11, 24), QDate(2026, 12, 6)}));
        QVERIFY(dec.trends.value(u"ann"_s).sumXY > dec.trends.value(u"ann"_s).sumY);
        QVERIFY(std::any_of(dec.current.cbegin(), dec.current.cend(), [](const WeeklyReportRow &r) { return r.user == u"di"_s && qAbs(r.weeklyCost - 0.4) < 1e-9 && r.requests == 3; }));
    }

    void teamReportComparesWindows()
    {
        // Two weeks of usage rows with known numbers: the report's rows, change and trend, on
        // both backends (the same SQL runs on SQLite and PostgreSQL).
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember(person(u"ann"_s, u"pro"_s)));
        const QDate to(2026, 11, 27);
        for (int back = 0; back < 14; ++back) {
            // ann: $1 a day the week before, $2 a day this week; ben only the week before.
            QVERIFY_OK(store->usage().recordUsage(u"ann"_s, to.addDays(-back), back < 7 ? 2.0 : 1.0, 10));
            if (back >= 7)
                QVERIFY_OK(store->usage().recordUsage(u"ben"_s, to.addDays(-back), 0.5, 1));
        }
        QVERIFY_OK(store->usage().recordUsage(u"ann"_s, to.addDays(-14), 1000.0, 1)); // outside both windows
        const TeamReport r = must(store->spend().teamReport(ReportPeriod::Weekly, to));
        QCOMPARE(r.from, QDate(2026, 11, 21));
        QCOMPARE(r.previousTo, QDate(2026, 11, 20));
        QCOMPARE(r.rows.size(), 2);
        QCOMPARE(r.rows.at(0).member, u"ann"_s);
        QCOMPARE(r.rows.at(0).cost, 14.0);
        QCOMPARE(r.rows.at(0).requests, 70);
        QCOMPARE(r.rows.at(0).previousCost, 7.0);
        QCOMPARE(*r.rows.at(0).change, 1.0);
        QVERIFY(r.rows.at(0).dailyLimit.has_value()); // the pro tier's
        QCOMPARE(r.rows.at(0).forecast, 18.4154);     // a step up trends up: the line through 7 × $1, 7 × $2
        QCOMPARE(r.rows.at(1).forecast, 0.0);         // ben's line falls below zero: nothing
        QCOMPARE(r.rows.at(1).member, u"ben"_s);
        QCOMPARE(r.rows.at(1).cost, 0.0);             // spent only before: still listed
        QCOMPARE(r.rows.at(1).previousCost, 3.5);
        QCOMPARE(*r.rows.at(1).change, -1.0);
        QCOMPARE(r.total, 14.0);
        QCOMPARE(r.previousTotal, 10.5);
        const TeamReport m = must(store->spend().teamReport(ReportPeriod::Monthly, to));
        QCOMPARE(m.from, QDate(2026, 10, 29));
        QCOMPARE(m.total, 1024.5);
        QVERIFY(!m.change); // nothing in the 30 days before
    }

    void workspaceAndKeySpendCountSyncedActivity()
    {
        // A workspace's key seen by a snapshot on the 26th ($1, below its activity of $1.50) and
        // by its synced activity alone on the 20th ($2): the chargeback counts $3.50, as members'
        // spend would; a key of another workspace with a snapshot above its activity keeps it.
        auto store = openFresh();
        ApiKey a = keyUsing(u"wa"_s, 1.0);
        a.workspaceId = u"ws-a"_s;
        ApiKey b = keyUsing(u"wb"_s, 0.8);
        b.workspaceId = u"ws-b"_s;
        const QDate day(2026, 11, 26);
        QVERIFY_OK(store->usage().recordKeySnapshots({a, b}, QDateTime(day, QTime(12, 0), QTimeZone::utc())));
        ActivityData data;
        data.perKey.insert(u"wa"_s, {item(day, u"m/a"_s, 1.5, 3, u"e1"_s), item(QDate(2026, 11, 20), u"m/a"_s, 2.0, 5, u"e1"_s)});
        data.perKey.insert(u"wb"_s, {item(day, u"m/a"_s, 0.5, 1, u"e1"_s)});
        QVERIFY_OK(store->usage().recordActivity(data));
        const QList<WorkspaceSpend> spend = must(store->workspaces().spendByWorkspace(QDate(2026, 11, 1), QDate(2026, 11, 30)));
        QCOMPARE(spend.size(), 2);
        QCOMPARE(spend.at(0).workspaceId, u"ws-a"_s);
        QCOMPARE(spend.at(0).cost, 3.5);
        QCOMPARE(spend.at(0).requests, 8);
        QCOMPARE(spend.at(0).keys, 1);
        QCOMPARE(spend.at(1).cost, 0.8);
        const QHash<QDate, double> days = must(store->workspaces().dailySpend(u"ws-a"_s, QDate(2026, 11, 1), QDate(2026, 11, 30)));
        QCOMPARE(days.value(QDate(2026, 11, 20)), 2.0);
        QCOMPARE(days.value(day), 1.5);
        // A key's own days (its burn rate) by the same rule.
        const DailySeries key = must(store->spend().keyDailySpend(u"wa"_s, QDate(2026, 11, 1), QDate(2026, 11, 30)));
        QCOMPARE(key, (DailySeries{{QDate(2026, 11, 20), 2.0}, {day, 1.5}}));
    }

    void accountSpendIsEveryKeysNotOnlyTheTeams()
    {
        // The credits' days: the account's synced activity where it is (the 24th: $5, more than
        // its keys' snapshots), every key's days, linked or not (the 25th: a key linked to nobody
        // and ann's), and the members' spend where nothing else is (the 23rd: a seed usage row).
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember(person(u"ann"_s, u"pro"_s)));
        QVERIFY_OK(store->team().linkKey(u"ann"_s, u"k-ann"_s));
        const QDate d23(2026, 11, 23), d24(2026, 11, 24), d25(2026, 11, 25);
        QVERIFY_OK(store->usage().recordUsage(u"ann"_s, d23, 4.0, 2));
        QVERIFY_OK(store->usage().recordKeySnapshots({keyUsing(u"k-ann"_s, 1.0), keyUsing(u"ci"_s, 2.0)},
                                                    QDateTime(d24, QTime(20, 0), QTimeZone::utc())));
        QVERIFY_OK(store->usage().recordKeySnapshots({keyUsing(u"k-ann"_s, 1.0), keyUsing(u"ci"_s, 1.5)},
                                                    QDateTime(d25, QTime(20, 0), QTimeZone::utc())));
        ActivityData data;
        data.account = {item(d24, u"m/a"_s, 3.0, 9, u"e1"_s), item(d24, u"m/b"_s, 2.0, 1, u"e1"_s)};
        QVERIFY_OK(store->usage().recordActivity(data));
        const DailySeries account = must(store->spend().accountDailySpend(d23, d25));
        QCOMPARE(account, (DailySeries{{d23, 4.0}, {d24, 5.0}, {d25, 2.5}}));
        QCOMPARE(must(store->spend().dailySpend(d23, d25)), (DailySeries{{d23, 4.0}, {d24, 1.0}, {d25, 1.0}})); // the team's
        QCOMPARE(must(store->spend().firstAccountDay()), d23);
    }

    void reportRowsCarryEveryBudget()
    {
        // A weekly budget of one's own, a tier's monthly one, a tier's daily one: each reaches the
        // report with its period; only the daily one is the seed's daily limit.
        auto store = openFresh();
        QVERIFY_OK(store->team().saveTier({u"quarterly-ish"_s, Budget{300.0, LimitReset::Monthly}, std::nullopt, QString(), {}}));
        Member wes = person(u"wes"_s, u"pro"_s);
        wes.budgetOverride = Budget{50.0, LimitReset::Weekly};
        QVERIFY_OK(store->team().addMember(wes));
        QVERIFY_OK(store->team().addMember(person(u"mo"_s, u"quarterly-ish"_s)));
        QVERIFY_OK(store->team().addMember(person(u"pat"_s, u"pro"_s)));
        const QDate day(2026, 11, 26);
        for (const QString &who : {u"wes"_s, u"mo"_s, u"pat"_s, u"nobody"_s})
            QVERIFY_OK(store->usage().recordUsage(who, day, 1.0, 1));
        const QList<WeeklyReportRow> rows = must(store->spend().usageReport(day, day));
        const SpendRepository::ReportWindows windows =
            must(store->spend().reportWindows({day, day}, {day.addDays(-1), day.addDays(-1)}, {day, day}));
        for (const QList<WeeklyReportRow> &read : {rows, windows.current}) {
            QHash<QString, WeeklyReportRow> by;
            for (const WeeklyReportRow &r : read)
                by.insert(r.user, r);
            QCOMPARE(by.size(), 4);
            QCOMPARE(by.value(u"wes"_s).budget, std::optional(Budget{50.0, LimitReset::Weekly}));
            QVERIFY(!by.value(u"wes"_s).dailyLimit);
            QCOMPARE(by.value(u"mo"_s).budget, std::optional(Budget{300.0, LimitReset::Monthly}));
            QVERIFY(!by.value(u"mo"_s).dailyLimit);
            QCOMPARE(by.value(u"pat"_s).budget, std::optional(Budget{25.0}));
            QCOMPARE(by.value(u"pat"_s).dailyLimit, std::optional(25.0));
            QVERIFY(!by.value(u"nobody"_s).budget);
        }
    }

    void keyActivityGivesRequestsAndModelsPerMember()
    {
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember(person(u"kim"_s, u"free"_s)));
        QVERIFY_OK(store->team().linkKey(u"kim"_s, u"k1"_s));
        QVERIFY_OK(store->team().linkKey(u"kim"_s, u"k2"_s));
        const QDate day(2026, 11, 26);
        ActivityData data;
        data.account = {item(day, u"m/a"_s, 1.0, 10, u"e1"_s)};
        // Two endpoints of one model on one day are one row; two keys of one member add up.
        data.perKey.insert(u"k1"_s, {item(day, u"m/a"_s, 0.5, 4, u"e1"_s), item(day, u"m/a"_s, 0.25, 2, u"e2"_s),
                                     item(day.addDays(-3), u"m/b"_s, 2.0, 1, u"e3"_s)});
        data.perKey.insert(u"k2"_s, {item(day, u"m/a"_s, 0.25, 4, u"e1"_s)});
        data.perKey.insert(u"unlinked"_s, {item(day, u"m/c"_s, 9.0, 9, u"e1"_s)});
        QVERIFY_OK(store->usage().recordActivity(data));
        QVERIFY_OK(store->usage().recordActivity(data)); // twice: the same
        const QList<ModelUse> uses = must(store->spend().memberModelUses(day.addDays(-7), day));
        QCOMPARE(uses.size(), 2);
        QCOMPARE(uses.at(0).model, u"m/a"_s);
        QCOMPARE(uses.at(0).requests, 10);
        QCOMPARE(uses.at(0).cost, 1.0);
        QCOMPARE(uses.at(1).model, u"m/b"_s);
        QCOMPARE(uses.at(1).firstDay, day.addDays(-3));
        // Requests and money reach the report: no key was seen by a snapshot those days (synced
        // history from before orteam watched them), so each day costs what its activity says.
        const auto weekOf = [&] { return must(store->spend().usageReport(day.addDays(-6), day)); };
        QList<WeeklyReportRow> rows = weekOf();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).requests, 11);
        QCOMPARE(rows.at(0).weeklyCost, 3.0);
        QString problem;
        const auto rollupsAgree = [&] { const Result<bool> r = store->spend().checkRollups(&problem); return r.ok() && *r; };
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        // A key's day seen both ways costs the larger, never the sum: k1's snapshot below its
        // activity (0.75) changes nothing, one above it counts instead of it.
        const QDateTime noon(day, QTime(12, 0), QTimeZone::utc());
        QVERIFY_OK(store->usage().recordKeySnapshots({keyUsing(u"k1"_s, 0.5)}, noon));
        QCOMPARE(weekOf().at(0).weeklyCost, 3.0);
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QVERIFY_OK(store->usage().recordKeySnapshots({keyUsing(u"k1"_s, 1.0)}, noon.addSecs(60)));
        QCOMPARE(weekOf().at(0).weeklyCost, 3.25);
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        // A whole month is read from its rollup (the Spend page's year): the same money.
        QCOMPARE(must(store->spend().memberCost(QDate(2026, 11, 1), QDate(2026, 11, 30))).value(u"kim"_s), 3.25);
        // A later sync that reports a day again replaces that day for that key only.
        ActivityData later;
        later.perKey.insert(u"k2"_s, {item(day, u"m/a"_s, 0.5, 6, u"e1"_s)});
        QVERIFY_OK(store->usage().recordActivity(later));
        QCOMPARE(must(store->spend().memberModelUses(day.addDays(-7), day)).at(0).requests, 12);
        QCOMPARE(must(store->spend().spendByModel(day, day)).at(0).requests, 10); // the account's rows untouched
        // k1's snapshot (1.0) still above its activity; k2's day now 0.5: 1.0 + 2.0 + 0.5.
        QCOMPARE(weekOf().at(0).weeklyCost, 3.5);
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        // A key unlinked takes both its snapshots and its activity out of the member's spend.
        QVERIFY_OK(store->team().unlinkKey(u"k1"_s));
        QCOMPARE(weekOf().at(0).weeklyCost, 0.5);
        QVERIFY2(rollupsAgree(), qPrintable(problem));
    }

    void readOnlyRoleFromTheReadmeReadsEverythingAndWritesNothing()
    {
        if (!m_postgres)
            QSKIP("PostgreSQL roles: this case runs in tst_store_postgres");
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember(person(u"ann"_s, u"pro"_s)));
        QVERIFY_OK(store->usage().recordUsage(u"ann"_s, QDate(2026, 11, 27), 3.5, 7));
        const DbLocation owner = store->location();
        // The README's SQL, as a team would run it (its role and database names replaced).
        QFile sqlFile(QStringLiteral(ORTEAM_SOURCE_DIR "/resources/sql/read-only-role.sql"));
        QVERIFY(sqlFile.open(QIODevice::ReadOnly));
        const QString role = u"lead_"_s + QUuid::createUuid().toString(QUuid::Id128).left(10);
        QString sql;
        for (const QString &line : QString::fromUtf8(sqlFile.readAll()).split(u'\n')) {
            if (!line.startsWith(u"--"_s))
                sql += line + u'\n';
        }
        sql.replace(u"team_lead"_s, role).replace(u"DATABASE orteam "_s, u"DATABASE %1 "_s.arg(owner.database));
        {
            QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, u"grant"_s);
            admin.setHostName(owner.host);
            admin.setPort(owner.port);
            admin.setUserName(owner.user);
            admin.setDatabaseName(owner.database);
            QVERIFY(admin.open());
            QSqlQuery q(admin);
            for (const QString &statement : sql.split(u';', Qt::SkipEmptyParts)) {
                if (!statement.trimmed().isEmpty())
                    QVERIFY2(q.exec(statement), qPrintable(q.lastError().text() + u": "_s + statement));
            }
            admin.close();
        }
        QSqlDatabase::removeDatabase(u"grant"_s);

        DbLocation lead = owner;
        lead.user = role;
        Store reader;
        QVERIFY_OK(reader.open(lead)); // no migration needed: opening writes nothing
        QCOMPARE(must(reader.team().members()).size(), 1);
        const TeamReport report = must(reader.spend().teamReport(ReportPeriod::Weekly, QDate(2026, 11, 27)));
        QCOMPARE(report.rows.at(0).cost, 3.5);
        QCOMPARE(report.rows.at(0).requests, 7);
        QVERIFY(must(reader.spend().memberModelUses(QDate(2026, 11, 1), QDate(2026, 11, 27))).isEmpty());
        // Writes are refused by the server, with its reason, and change nothing.
        const Status refused = reader.team().addMember(person(u"bo"_s, u"pro"_s));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorText().contains(u"permission denied"_s), qPrintable(refused.errorText()));
        QCOMPARE(refused.error().kind, StoreError::Kind::Database);
        QCOMPARE(must(store->team().members()).size(), 1);
        reader.close();
    }

    void gatewayTokensAndBatchedUsage()
    {
        // What orteam-gateway keeps in the team database, on both backends.
        auto store = openFresh();
        GovernanceRepository &governance = store->governance();
        QVERIFY_OK(store->team().addMember(person(u"ann"_s, u"pro"_s)));
        const Result<QString> nobody = governance.createGatewayToken(u"nobody"_s);
        QVERIFY(!nobody.ok());
        QVERIFY(nobody.errorText().contains(u"No member"_s));
        QCOMPARE(nobody.error().kind, StoreError::Kind::NotFound);
        QVERIFY_OK(store->team().addMember(person(u"left"_s, u"pro"_s, std::nullopt, false)));
        const Result<QString> left = governance.createGatewayToken(u"left"_s);
        QVERIFY(!left.ok());
        QVERIFY2(left.errorText().contains(u"offboarded"_s), qPrintable(left.errorText()));
        QCOMPARE(left.error().kind, StoreError::Kind::Invalid);
        const QString t1 = must(governance.createGatewayToken(u"ann"_s));
        const QString t2 = must(governance.createGatewayToken(u"ann"_s));
        QVERIFY(t1 != t2);
        QVERIFY(t1.startsWith(u"orgw-"_s) && t1.size() > 40);
        QHash<QString, QString> tokens = must(governance.gatewayTokens());
        QCOMPARE(tokens.size(), 2);
        QCOMPARE(tokens.value(GovernanceRepository::hashGatewayToken(t1)), u"ann"_s);
        QVERIFY(!tokens.contains(t1)); // only hashes are stored
        QCOMPARE(must(governance.revokeGatewayTokens(u"ann"_s)), 2);
        QVERIFY(must(governance.gatewayTokens()).isEmpty());
        // Batches add up, per member and day, in one transaction.
        const QDate day(2026, 11, 27);
        UsageRepository &usage = store->usage();
        QVERIFY_OK(usage.recordUsageBatch(day, {{u"ann"_s, {0.5, 2}}, {u"bo"_s, {0.25, 1}}}));
        QVERIFY_OK(usage.recordUsageBatch(day, {{u"ann"_s, {0.125, 1}}}));
        QCOMPARE(must(store->spend().spentOn(u"ann"_s, day)), 0.625);
        const auto spend = must(store->spend().memberSpend(day, day));
        QCOMPARE(spend.value(u"ann"_s).requests, 3);
        QCOMPARE(spend.value(u"bo"_s).cost, 0.25);
        // A negative or infinite cost (a confused upstream) is refused whole: nothing written.
        const Status negative = usage.recordUsageBatch(day, {{u"ann"_s, {1.0, 1}}, {u"bo"_s, {-5.0, 1}}});
        QVERIFY(!negative.ok());
        QVERIFY2(negative.errorText().contains(u"non-negative"_s), qPrintable(negative.errorText()));
        QCOMPARE(negative.error().kind, StoreError::Kind::Invalid);
        QVERIFY(!usage.recordUsageBatch(day, {{u"ann"_s, {std::numeric_limits<double>::infinity(), 1}}}).ok());
        QCOMPARE(must(store->spend().spentOn(u"ann"_s, day)), 0.625);
        QCOMPARE(must(store->spend().memberSpend(day, day)).value(u"bo"_s).cost, 0.25);
        // A batch that fails at any statement writes none of it.
        const int statements = failEachStatement(
            *store, [&] { return usage.recordUsageBatch(day, {{u"ann"_s, {1.0, 1}}, {u"bo"_s, {2.0, 1}}, {u"cy"_s, {3.0, 1}}}); });
        QCOMPARE(statements, 5); // begin, three rows, commit
        QCOMPARE(must(store->spend().spentOn(u"ann"_s, day)), 1.625);
    }

    void gatewayReservationsHoldAcrossConnections()
    {
        // orteam-gateway --shared-budget: two gateways (two connections) reserve requests for one
        // member in the database; the in-flight cap and the budget hold across both.
        const DbLocation where = freshLocation();
        Store a, b;
        QVERIFY_OK(a.open(where));
        QVERIFY_OK(b.open(where));
        using Outcome = UsageRepository::Admission::Outcome;
        const QDate day(2026, 11, 29);
        const QDateTime now(day, QTime(12, 0), Qt::UTC);
        const QDateTime stale = now.addSecs(-600);
        auto reserve = [&](Store &s, const QString &id, std::optional<double> limit = 1.0) {
            return must(s.usage().reserve(id, u"ann"_s, day, limit ? std::optional(Budget{*limit}) : std::nullopt, 2, now, stale));
        };
        QCOMPARE(reserve(a, u"r1"_s).outcome, Outcome::Admitted);
        QCOMPARE(reserve(b, u"r2"_s).outcome, Outcome::Admitted);
        const auto third = reserve(a, u"r3"_s);
        QCOMPARE(third.outcome, Outcome::TooManyInFlight);
        QCOMPARE(third.inFlight, 2);
        // Released in the same write as the usage they became: the budget is now spent.
        QVERIFY_OK(b.transaction([&]() -> Status {
            if (Status s = b.usage().recordUsageBatch(day, {{u"ann"_s, {1.25, 2}}}); !s)
                return s;
            return b.usage().releaseReservations({u"r1"_s, u"r2"_s});
        }));
        const auto over = reserve(a, u"r4"_s);
        QCOMPARE(over.outcome, Outcome::OverBudget);
        QCOMPARE(over.spent, 1.25);
        QCOMPARE(reserve(a, u"r5"_s, std::nullopt).outcome, Outcome::Admitted); // no limit
        // A gateway that died leaves its rows; they expire once older than the stale time.
        QCOMPARE(reserve(b, u"r6"_s, std::nullopt).outcome, Outcome::Admitted);
        QCOMPARE(reserve(b, u"r7"_s, std::nullopt).outcome, Outcome::TooManyInFlight);
        const auto later = must(b.usage().reserve(u"r8"_s, u"ann"_s, day, std::nullopt, 2, now.addSecs(3600), now.addSecs(1)));
        QCOMPARE(later.outcome, Outcome::Admitted);
        QCOMPARE(later.inFlight, 0);
        // A reservation that fails at any statement leaves nothing behind.
        const int statements = failEachStatement(a, [&]() -> Status {
            const auto r = a.usage().reserve(u"r9"_s, u"bo"_s, day, Budget{1.0}, 2, now, stale);
            return r ? Status() : Status(r.error());
        });
        QVERIFY(statements >= 5);
    }

    void spendRollupsFollowEveryWrite()
    {
        // The Spend page reads the team's days and members' months from rollups kept by triggers;
        // after each kind of write (ours, and the seed's scripts' straight SQL) they must equal the
        // sums of the rows they stand for.
        auto store = openFresh();
        TeamRepository &team = store->team();
        SpendRepository &spend = store->spend();
        QString problem;
        QVERIFY_OK(team.addMember(person(u"alice"_s, u"pro"_s)));
        QVERIFY_OK(team.addMember(person(u"bob"_s, u"pro"_s)));
        const QDate oct31(2026, 10, 31), nov1(2026, 11, 1), nov3(2026, 11, 3);
        auto teamOn = [&](const QDate &day) { return must(spend.dailySpend(day, day)).value(day); };
        auto costOf = [&](const QString &member) { return must(spend.memberCost(QDate(2026, 10, 1), QDate(2026, 11, 30))).value(member); };
        auto rollupsAgree = [&] { const Result<bool> r = spend.checkRollups(&problem); return r.ok() && *r; };
        auto snapshot = [&](const QDate &day, double daily) {
            QVERIFY_OK(store->usage().recordKeySnapshots({keyUsing(u"ka"_s, daily)}, QDateTime(day, QTime(12, 0), QTimeZone::utc())));
        };

        QVERIFY_OK(store->usage().recordUsage(u"alice"_s, nov3, 1.0, 1));
        QVERIFY_OK(store->usage().recordUsageBatch(nov3, {{u"alice"_s, {0.5, 1}}, {u"bob"_s, {2.0, 1}}}));
        snapshot(oct31, 3.0);
        snapshot(nov1, 1.0);
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(teamOn(nov3), 3.5);
        QCOMPARE(teamOn(oct31), 0.0); // an unlinked key is nobody's spend
        QCOMPARE(costOf(u"alice"_s), 1.5);

        // Linking the key later brings its history along; moving it moves the money.
        QVERIFY_OK(team.linkKey(u"alice"_s, u"ka"_s));
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(teamOn(oct31), 3.0);
        QCOMPARE(costOf(u"alice"_s), 5.5);
        QVERIFY_OK(team.linkKey(u"bob"_s, u"ka"_s));
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(costOf(u"alice"_s), 1.5);
        QCOMPARE(costOf(u"bob"_s), 6.0);
        QVERIFY_OK(team.linkKey(u"bob"_s, u"ka"_s)); // linked again to the same member: no change
        QCOMPARE(costOf(u"bob"_s), 6.0);
        // A later snapshot of the same day replaces the earlier one.
        snapshot(nov1, 1.25);
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(costOf(u"bob"_s), 6.25);
        QCOMPARE(teamOn(nov1), 1.25);

        // The seed's scripts write user_usage directly: an upsert, and a row taken away.
        {
            QSqlDatabase raw = rawConnection(store->location());
            QSqlQuery q(raw);
            for (int i = 0; i < 2; ++i) {
                QVERIFY2(q.exec(u"INSERT INTO user_usage (user_id, date, total_cost, request_count) VALUES "
                                "('carol', '2026-11-03', 0.25, 1) ON CONFLICT (user_id, date) DO UPDATE SET "
                                "total_cost = user_usage.total_cost + excluded.total_cost"_s),
                         qPrintable(q.lastError().text()));
            }
            QVERIFY(q.exec(u"DELETE FROM user_usage WHERE user_id = 'alice'"_s));
            QCOMPARE(q.numRowsAffected(), 1);
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(teamOn(nov3), 2.5);
        QCOMPARE(costOf(u"carol"_s), 0.5);
        QVERIFY(!must(spend.memberCost(QDate(2026, 10, 1), QDate(2026, 11, 30))).contains(u"alice"_s));

        // Unlinking takes the key's days away again.
        QVERIFY_OK(team.unlinkKey(u"ka"_s));
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(teamOn(oct31), 0.0);
        QCOMPARE(costOf(u"bob"_s), 2.0);

        // Ranges with ragged ends agree with the sources read directly.
        QVERIFY_OK(team.linkKey(u"alice"_s, u"ka"_s));
        const QList<std::pair<QDate, QDate>> ranges{{QDate(2026, 10, 15), QDate(2026, 11, 2)},
                                                    {oct31, nov3},
                                                    {nov1, QDate(2026, 11, 30)},
                                                    {QDate(2026, 9, 1), QDate(2026, 12, 31)},
                                                    {nov3, nov3},
                                                    // November less its days outside: the rollup less Nov 1's rows
                                                    {QDate(2026, 11, 2), QDate(2026, 11, 30)},
                                                    // no day that holds rows; a range ending before it starts
                                                    {QDate(2026, 10, 1), QDate(2026, 10, 30)},
                                                    {QDate(2026, 12, 1), QDate(2026, 11, 30)}};
        for (const auto &[from, to] : ranges) {
            const QHash<QString, double> fast = must(spend.memberCost(from, to));
            QHash<QString, double> direct;
            for (auto [member, memberSpend] : must(spend.memberSpend(from, to)).asKeyValueRange()) {
                if (memberSpend.cost != 0)
                    direct.insert(member, memberSpend.cost);
            }
            QCOMPARE(fast, direct);
        }

        // A rollup changed behind the triggers' back is found, and rebuilt from the sources.
        rawExec(store->location(), {u"UPDATE spend_day SET cost = cost + 1 WHERE day = '2026-11-01'"_s});
        const Result<bool> differs = spend.checkRollups(&problem);
        QVERIFY_OK(differs);
        QVERIFY(!*differs);
        QVERIFY2(problem.startsWith(u"2026-11-01: the rollup says 2.25"_s), qPrintable(problem));
        QVERIFY_OK(spend.rebuildRollups());
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(teamOn(nov1), 1.25);
        // A check that cannot read is an error, not "they agree" or "they differ".
        store->database().setFaultInjector([](int, const QString &) { return true; });
        const Result<bool> unread = spend.checkRollups(&problem);
        store->database().setFaultInjector({});
        QVERIFY(!unread.ok());
        QVERIFY(unread.errorText().contains(u"rollups"_s));
    }

    void enforcementStateAndSettings()
    {
        auto store = openFresh();
        GovernanceRepository &governance = store->governance();
        QVERIFY(must(governance.enforcedKeys()).isEmpty());
        QVERIFY_OK(governance.setEnforced({u"k1"_s, u"alice"_s, QDate(2026, 11, 27)}));
        QVERIFY_OK(governance.setEnforced({u"k1"_s, u"alice"_s, QDate(2026, 11, 28)})); // one row per key
        QVERIFY_OK(governance.setEnforced({u"k2"_s, u"bob"_s, QDate(2026, 11, 28)}));
        QCOMPARE(must(governance.enforcedKeys()).size(), 2);
        QCOMPARE(must(governance.enforcedKeys()).at(0).day, QDate(2026, 11, 28));
        QVERIFY_OK(governance.forgetEnforced(u"k1"_s));
        QCOMPARE(must(governance.enforcedKeys()).size(), 1);
        QCOMPARE(must(governance.enforcedKeys()).at(0).member, u"bob"_s);

        QCOMPARE(must(governance.setting(u"auto_enforce"_s, u"off"_s)), u"off"_s);
        QVERIFY_OK(governance.setSetting(u"auto_enforce"_s, u"on"_s));
        QVERIFY_OK(governance.setSetting(u"auto_enforce"_s, u"on"_s));
        QCOMPARE(must(governance.setting(u"auto_enforce"_s)), u"on"_s);

        // Each alert is new once, even when raised again.
        QCOMPARE(must(governance.markAlertsSeen({u"a1"_s, u"a2"_s})), (QStringList{u"a1"_s, u"a2"_s}));
        QCOMPARE(must(governance.markAlertsSeen({u"a2"_s, u"a3"_s})), QStringList{u"a3"_s});
        const int statements = failEachStatement(*store, [&] {
            const Result<QStringList> fresh = governance.markAlertsSeen({u"a4"_s, u"a1"_s, u"a5"_s});
            return fresh.ok() ? Status() : Status(fresh.error());
        });
        QCOMPARE(statements, 5);
        QCOMPARE(must(governance.markAlertsSeen({u"a4"_s, u"a5"_s})), QStringList());
    }

    void savingManyMembersIsAllOrNothing()
    {
        auto store = openFresh();
        TeamRepository &team = store->team();
        QVERIFY_OK(team.addMember(person(u"alice"_s, u"basic"_s)));
        const QList<Member> bad{person(u"alice"_s, u"pro"_s), person(u"zoe"_s, u"basic"_s, 3.0),
                                person(u"yann"_s, u"platinum"_s)};
        const Status refused = team.saveMembers(bad);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorText().contains(u"yann"_s) && refused.errorText().contains(u"Nothing was saved"_s),
                 qPrintable(refused.errorText()));
        QCOMPARE(refused.error().kind, StoreError::Kind::NotFound); // no such tier
        QCOMPARE(must(team.members()).size(), 1);
        QCOMPARE(must(team.member(u"alice"_s)).tier, u"basic"_s);
        // A new name that is alice's in other letter case is no second member, one by one or many.
        for (const Status &twice : {team.addMember(person(u"ALICE"_s, u"basic"_s)),
                                    team.saveMembers({person(u"zoe"_s, u"basic"_s), person(u"Alice"_s, u"basic"_s)})}) {
            QCOMPARE(twice.error().kind, StoreError::Kind::Conflict);
            QVERIFY2(twice.errorText().contains(u"already a member named \"alice\": names that differ only in letter case"_s),
                     qPrintable(twice.errorText()));
        }
        QCOMPARE(must(team.members()).size(), 1);
        // A name with a control character refuses the whole import too.
        QVERIFY(!team.saveMembers({person(u"zoe"_s, u"basic"_s), person(u"x\ty"_s, u"basic"_s)}).ok());
        QCOMPARE(must(team.members()).size(), 1);
        // Beyond ASCII too, on both databases alike (folded here, not by SQL's lower()).
        QVERIFY_OK(team.addMember(person(u"émile"_s, u"basic"_s)));
        QCOMPARE(team.addMember(person(u"ÉMILE"_s, u"basic"_s)).error().kind, StoreError::Kind::Conflict);
        QCOMPARE(must(team.members()).size(), 2);

        QVERIFY_OK(team.saveMembers(bad.mid(0, 2)));
        QCOMPARE(must(team.members()).size(), 3);
        QCOMPARE(must(team.member(u"alice"_s)).tier, u"pro"_s);
        QCOMPARE(must(team.member(u"zoe"_s)).budgetOverride->usd, 3.0);

        // A tier in use cannot be deleted; an unused one can; an unknown one is not found.
        const Status inUse = team.deleteTier(u"pro"_s);
        QVERIFY(!inUse.ok());
        QVERIFY(inUse.errorText().contains(u"1 member"_s));
        QCOMPARE(inUse.error().kind, StoreError::Kind::Conflict);
        QVERIFY_OK(team.deleteTier(u"free"_s));
        QCOMPARE(must(team.tiers()).size(), 3);
        QCOMPARE(team.deleteTier(u"free"_s).error().kind, StoreError::Kind::NotFound);
        QCOMPARE(team.setTierGuardrail(u"free"_s, u"g1"_s).error().kind, StoreError::Kind::NotFound);
        QVERIFY_OK(team.setTierGuardrail(u"pro"_s, u"g1"_s));
        QCOMPARE(must(team.tiers()).at(1).guardrailId, u"g1"_s);

        QVERIFY_OK(team.linkKey(u"zoe"_s, u"kz"_s));
        QCOMPARE(must(team.keyOwners()).value(u"kz"_s), u"zoe"_s);
        QVERIFY_OK(team.unlinkKey(u"kz"_s));
        QVERIFY(must(team.keyOwners()).isEmpty());
    }

    void aStatementFailingAnywhereInAnImportSavesNothing()
    {
        // A roster import (new members and changed ones) with each of its statements failing in
        // turn, the first and last (BEGIN, COMMIT) too: every time the error says so and not
        // one member is added or changed.
        auto store = openFresh();
        TeamRepository &team = store->team();
        QVERIFY_OK(team.addMember(person(u"alice"_s, u"basic"_s)));
        QVERIFY_OK(team.linkKey(u"alice"_s, u"ka"_s));
        const QList<Member> roster{person(u"alice"_s, u"pro"_s, 9.0), person(u"ben"_s, u"basic"_s),
                                   person(u"cat"_s, u"free"_s, 1.0, false)};
        const int statements = failEachStatement(*store, [&] { return team.saveMembers(roster); });
        // BEGIN, the tiers, the names, one write per member, COMMIT: linear in the roster, with
        // no read per row.
        QCOMPARE(statements, 2 + 2 + 3);
        QCOMPARE(must(team.members()).size(), 3);
        QCOMPARE(must(team.member(u"alice"_s)).tier, u"pro"_s);
        QCOMPARE(must(team.member(u"alice"_s)).keyHashes, QStringList{u"ka"_s});
        QVERIFY(!must(team.member(u"cat"_s)).active);
    }

    void bulkMemberPathsAreLinear()
    {
        // A roster's adds, then its changes: one statement per member and a fixed few around
        // them, however many there are; reading many named members is one read of the team.
        auto store = openFresh();
        int statements = 0;
        auto counting = [&](int, const QString &) {
            ++statements;
            return false;
        };
        for (const int n : {10, 300}) {
            QList<Member> roster;
            QStringList names;
            for (int i = 0; i < n; ++i) {
                names << u"m%1-%2"_s.arg(n).arg(i);
                roster << person(names.last(), u"basic"_s);
            }
            for (const QString &tier : {u"basic"_s, u"pro"_s}) {
                for (Member &m : roster)
                    m.tier = tier;
                statements = 0;
                store->database().setFaultInjector(counting);
                const Status saved = store->team().saveMembers(roster);
                store->database().setFaultInjector({});
                QVERIFY_OK(saved);
                QCOMPARE(statements, 2 + 2 + n); // BEGIN, tiers, names, one write each, COMMIT
            }
            statements = 0;
            store->database().setFaultInjector(counting);
            const Result<QList<Member>> read = store->team().members(names);
            store->database().setFaultInjector({});
            QCOMPARE(must(read).size(), n);
            QCOMPARE(read->last().name, names.last());
            QCOMPARE(read->last().tier, u"pro"_s);
            QCOMPARE(statements, 2); // the members, their keys
        }
        const Result<QList<Member>> missing = store->team().members({u"m10-1"_s, u"nobody"_s});
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, StoreError::Kind::NotFound);
    }

    // The rollups against the definition after every one of many random writes of each kind that
    // moves a linked key's money: snapshots, activity synced (and synced again, and shrunk), links
    // made, moved and taken away, members removed. A fixed seed: a failure replays.
    void rollupsFollowRandomWritesOfKeysAndActivity()
    {
        auto store = openFresh();
        const QStringList members{u"ann"_s, u"bo"_s, u"cy"_s};
        for (const QString &m : members)
            QVERIFY_OK(store->team().addMember(person(m, u"pro"_s)));
        const QStringList keys{u"k1"_s, u"k2"_s, u"k3"_s, u"k4"_s};
        const QDate first(2026, 10, 28); // days across a month's end
        QRandomGenerator random(20261201);
        QString problem;
        for (int step = 0; step < 240; ++step) {
            const QString key = keys.at(random.bounded(int(keys.size())));
            const QDate day = first.addDays(random.bounded(8));
            const QString what = u"step %1"_s.arg(step);
            switch (random.bounded(6)) {
            case 0:
            case 1:
                QVERIFY_OK(store->usage().recordKeySnapshots({keyUsing(key, random.bounded(40) / 10.0)},
                                                             QDateTime(day, QTime(random.bounded(24), 0), QTimeZone::utc())));
                break;
            case 2:
            case 3: {
                ActivityData data;
                QList<ActivityItem> items;
                for (int m = random.bounded(3); m >= 0; --m)
                    items << item(day, u"m/%1"_s.arg(m), random.bounded(30) / 10.0, random.bounded(5), u"e1"_s);
                if (random.bounded(2))
                    items << item(day.addDays(1), u"m/a"_s, random.bounded(30) / 10.0, 1, u"e1"_s);
                data.perKey.insert(key, items);
                QVERIFY_OK(store->usage().recordActivity(data));
                break;
            }
            case 4:
                QVERIFY_OK(store->team().linkKey(members.at(random.bounded(int(members.size()))), key));
                break;
            case 5:
                QVERIFY_OK(store->team().unlinkKey(key));
                break;
            default:
                break;
            }
            const Result<bool> agree = store->spend().checkRollups(&problem);
            QVERIFY2(agree.ok() && *agree, qPrintable(what + u": "_s + problem));
        }
        // A member's keys set at once (the member form), then none: several links in one go.
        for (const QStringList &set : {QStringList{u"k1"_s, u"k2"_s, u"k4"_s}, QStringList{}}) {
            QVERIFY_OK(store->team().setKeys(u"cy"_s, set));
            const Result<bool> agree = store->spend().checkRollups(&problem);
            QVERIFY2(agree.ok() && *agree, qPrintable(problem));
        }
    }

    void aStatementFailingAnywhereInASyncWritesNothing()
    {
        // One sync (account activity, keys' activity, key counters) with each statement failing
        // in turn: the database stays at the sync before, rollups included.
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember(person(u"kim"_s, u"pro"_s)));
        QVERIFY_OK(store->team().linkKey(u"kim"_s, u"k1"_s));
        const QDate day(2026, 11, 26);
        const QDateTime noon(day, QTime(12, 0), QTimeZone::utc());
        QVERIFY_OK(store->usage().recordSync({keyUsing(u"k1"_s, 1.0), keyUsing(u"k2"_s, 2.0)},
                                             QList<ActivityItem>{item(day, u"m/a"_s, 1.0, 3, u"e1"_s)}, noon,
                                             {{u"k1"_s, {item(day, u"m/a"_s, 1.0, 3, u"e1"_s)}}}));
        const QList<ApiKey> keys{keyUsing(u"k1"_s, 1.5), keyUsing(u"k2"_s, 2.5), keyUsing(u"k3"_s, 0.5)};
        const QList<ActivityItem> account{item(day, u"m/a"_s, 1.5, 5, u"e1"_s), item(day, u"m/b"_s, 0.5, 1, u"e1"_s)};
        const QHash<QString, QList<ActivityItem>> perKey{{u"k1"_s, {item(day, u"m/a"_s, 1.5, 5, u"e1"_s)}},
                                                         {u"k3"_s, {item(day, u"m/b"_s, 0.5, 1, u"e1"_s)}}};
        const int statements = failEachStatement(*store, [&] {
            return store->usage().recordSync(keys, account, noon.addSecs(3600), perKey);
        });
        QVERIFY2(statements >= 10, qPrintable(QString::number(statements)));
        QCOMPARE(must(store->spend().memberSpend(day, day)).value(u"kim"_s).cost, 1.5);
        QCOMPARE(must(store->usage().snapshotCount(day)), 3);
        QString problem;
        const Result<bool> agree = store->spend().checkRollups(&problem);
        QVERIFY2(agree.ok() && *agree, qPrintable(problem));
    }

    void nestedTransactionsJoinTheOuterOne()
    {
        auto store = openFresh();
        QVERIFY(!store->database().inTransaction());
        // Two repositories' writes in one transaction: the second fails, neither is saved.
        const Status both = store->transaction([&]() -> Status {
            if (Status s = store->team().saveMembers({person(u"ann"_s, u"pro"_s)}); !s)
                return s;
            if (!store->database().inTransaction())
                return StoreError::database(u"not inside the transaction"_s);
            return store->usage().recordUsageBatch(QDate(2026, 1, 1), {{u"ann"_s, {-1.0, 1}}});
        });
        QVERIFY(!both.ok());
        QCOMPARE(both.error().kind, StoreError::Kind::Invalid);
        QVERIFY(must(store->team().members()).isEmpty());
        // A nested step that fails cannot be committed half-way by an outer step that ignores it.
        store->database().setFaultInjector([](int, const QString &sql) { return sql.startsWith(u"INSERT INTO members"_s); });
        const Status ignored = store->transaction([&]() -> Status {
            if (Status set = store->governance().setSetting(u"x"_s, u"1"_s); !set)
                return set;
            const Status s = store->team().saveMembers({person(u"ben"_s, u"pro"_s)});
            if (s.ok())
                qWarning("the injected fault did not happen");
            return {}; // goes on as if nothing happened
        });
        store->database().setFaultInjector({});
        QVERIFY(!ignored.ok());
        QVERIFY2(ignored.errorText().contains(u"injected fault"_s), qPrintable(ignored.errorText()));
        QCOMPARE(must(store->governance().setting(u"x"_s, u"none"_s)), u"none"_s);
        QVERIFY(must(store->team().members()).isEmpty());
        // And the next transaction starts clean.
        QVERIFY_OK(store->team().saveMembers({person(u"ben"_s, u"pro"_s)}));
        QCOMPARE(must(store->team().members()).size(), 1);
    }

    void failedReadsAreErrorsNotEmptyLists()
    {
        // Every read that a decision rests on (the daily check's members, tiers, enforced keys
        // and spend; settings; the audit log; key owners) reports a failure as an error that
        // says what could not be read, never as "nothing there".
        auto store = openFresh();
        QVERIFY_OK(store->team().addMember(person(u"ann"_s, u"pro"_s)));
        QVERIFY_OK(store->team().linkKey(u"ann"_s, u"k1"_s));
        QVERIFY_OK(store->governance().setEnforced({u"k1"_s, u"ann"_s, QDate(2026, 11, 27)}));
        QVERIFY_OK(store->governance().setSetting(u"auto_enforce"_s, u"on"_s));
        QVERIFY_OK(store->audit().append({0, {}, {}, u"member-add"_s, u"ann"_s, {}, {}}));
        const QDate day(2026, 11, 27);
        QVERIFY_OK(store->usage().recordUsage(u"ann"_s, day, 1.0, 1));

        struct Read
        {
            const char *name;
            std::function<Status()> run;
            QString says; // what the error names
        };
        auto status = [](const auto &r) { return r.ok() ? Status() : Status(r.error()); };
        const QList<Read> reads{
            {"members", [&] { return status(store->team().members()); }, u"members"_s},
            {"member", [&] { return status(store->team().member(u"ann"_s)); }, u"ann"_s},
            {"tiers", [&] { return status(store->team().tiers()); }, u"tiers"_s},
            {"keyOwners", [&] { return status(store->team().keyOwners()); }, u"key"_s},
            {"enforcedKeys", [&] { return status(store->governance().enforcedKeys()); }, u"disabled"_s},
            {"setting", [&] { return status(store->governance().setting(u"auto_enforce"_s, u"off"_s)); }, u"auto_enforce"_s},
            {"gatewayTokens", [&] { return status(store->governance().gatewayTokens()); }, u"gateway tokens"_s},
            {"auditLog", [&] { return status(store->audit().log()); }, u"audit log"_s},
            {"memberSpend", [&] { return status(store->spend().memberSpend(day, day)); }, u"spend"_s},
            {"memberCost", [&] { return status(store->spend().memberCost(day.addMonths(-2), day)); }, u"spend"_s},
            {"dailySpend", [&] { return status(store->spend().dailySpend(day, day)); }, u"spend"_s},
            {"dailySpend member", [&] { return status(store->spend().dailySpend(day, day, u"ann"_s)); }, u"ann"_s},
            {"keyDailySpend", [&] { return status(store->spend().keyDailySpend(u"k1"_s, day, day)); }, u"spend"_s},
            {"spentOn", [&] { return status(store->spend().spentOn(u"ann"_s, day)); }, u"ann"_s},
            // Its first read is when the history starts (the windows before it are not compared).
            {"teamReport", [&] { return status(store->spend().teamReport(ReportPeriod::Weekly, day)); }, u"spend history"_s},
            {"snapshotCount", [&] { return status(store->usage().snapshotCount(day)); }, u"snapshots"_s},
            {"schemaVersion", [&] { return status(store->database().schemaVersion()); }, u"schema"_s},
        };
        for (const Read &read : reads) {
            QVERIFY2(read.run().ok(), read.name);
            store->database().setFaultInjector([](int, const QString &) { return true; });
            const Status failed = read.run();
            store->database().setFaultInjector({});
            QVERIFY2(!failed.ok(), read.name);
            QCOMPARE(failed.error().kind, StoreError::Kind::Database);
            QVERIFY2(failed.errorText().contains(read.says, Qt::CaseInsensitive), qPrintable(failed.errorText()));
        }

        // The same with the database itself failing: a table gone (a damaged or foreign
        // database), with the driver's own words after what could not be read.
        rawExec(store->location(), {u"ALTER TABLE members RENAME TO members_gone"_s,
                                    u"ALTER TABLE enforced_keys RENAME TO enforced_gone"_s,
                                    u"ALTER TABLE team_settings RENAME TO settings_gone"_s});
        const Result<QList<Member>> members = store->team().members();
        QVERIFY(!members.ok());
        QVERIFY2(members.errorText().startsWith(u"Cannot read the members: "_s), qPrintable(members.errorText()));
        QVERIFY2(members.errorText().contains(u"members"_s), qPrintable(members.errorText()));
        QVERIFY(!store->governance().enforcedKeys().ok());
        const Result<QString> setting = store->governance().setting(u"auto_enforce"_s, u"off"_s);
        QVERIFY(!setting.ok()); // never the fallback
        QVERIFY(setting.errorText().contains(u"auto_enforce"_s));
        QCOMPARE(store->usage().recordUsage(u"ann"_s, day, 1.0, 1).ok(), true); // the rest still works
    }

    void badUsageIsRefused()
    {
        auto store = openFresh();
        for (const Status &s : {store->usage().recordUsage(u"a"_s, QDate(2026, 1, 1), -1, 1),
                                store->usage().recordUsage(u"a"_s, QDate(2026, 1, 1), std::numeric_limits<double>::quiet_NaN(), 1),
                                store->usage().recordUsage(u"a"_s, QDate(2026, 1, 1), 1, -3)}) {
            QVERIFY(!s.ok());
            QCOMPARE(s.error().kind, StoreError::Kind::Invalid);
        }
        QVERIFY(must(store->spend().weeklyReport(QDate(2026, 1, 1))).isEmpty());
    }

    void auditLog()
    {
        auto store = openFresh();
        QVERIFY_OK(store->audit().append({0, {}, u"admin"_s, u"revoke"_s, u"alice-backend"_s, u"active"_s, u"revoked"_s}));
        QVERIFY_OK(store->audit().append({0, {}, {}, u"tier"_s, u"bob"_s, u"basic"_s, u"pro"_s}));
        const QList<AuditEntry> log = must(store->audit().log());
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).action, u"tier"_s); // newest first
        QVERIFY(!log.at(0).osUser.isEmpty());
        QCOMPARE(log.at(0).osUser, AuditRepository::currentOsUser());
        QCOMPARE(log.at(1).before, u"active"_s);
        QVERIFY(log.at(1).at.isValid());
        QCOMPARE(must(store->audit().log(1)).size(), 1);
    }

    // A database exactly as the seed's init_team_db() and record_user_usage() leave it.
    static void writeSeedDatabase(const QString &path)
    {
        test::writeSeedDatabase(path,
                                uR"(('alice', 10.0, '["openai/gpt-4o-mini","openai/gpt-4o","anthropic/claude-3.5-sonnet"]'),
                                ('bob', 2.0, '["meta-llama/llama-3.1-8b-instruct","openai/gpt-4o-mini"]'),
                                ('carol', 50.0, NULL), ('erin', 1.0, '["some/custom-model"]'))"_s,
                                u"('alice','2026-11-27',1.25,10), ('alice','2026-11-20',3.0,4), "
                                "('bob','2026-11-26',0.75,7), ('dave','2026-11-25',0.5,2)"_s);
    }

    void seedDatabaseIsBackedUpAndMigrated()
    {
        if (m_postgres)
            return; // the seed's scripts write SQLite files only; nothing to migrate on a server
        const QString path = m_dir->filePath(u"team_usage.db"_s);
        writeSeedDatabase(path);
        if (QTest::currentTestFailed())
            return;
        const QByteArray original = [&] {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();

        Store store;
        QString error;
        QVERIFY_OK(store.open(*DbLocation::parse(path, &error)));
        QCOMPARE(store.database().openCheck(), Database::OpenCheck::Full); // once, before the backup
        QVERIFY(!store.database().backupPath().isEmpty());
        QFile backup(store.database().backupPath());
        QVERIFY(backup.open(QIODevice::ReadOnly));
        QCOMPARE(backup.readAll(), original); // the backup is the untouched seed file
        QCOMPARE(must(store.database().schemaVersion()), Schema::Version);

        // Every seed row is still there, in the seed's own tables.
        QCOMPARE(must(store.spend().spentOn(u"alice"_s, QDate(2026, 11, 20))), 3.0);
        QCOMPARE(must(store.spend().spentOn(u"dave"_s, QDate(2026, 11, 25))), 0.5);
        // The spend rollups start out holding the seed's history.
        QString problem;
        const Result<bool> agree = store.spend().checkRollups(&problem);
        QVERIFY2(agree.ok() && *agree, qPrintable(problem));
        QCOMPARE(must(store.spend().dailySpend(QDate(2026, 11, 20), QDate(2026, 11, 27))).value(QDate(2026, 11, 20)), 3.0);
        // Users became members; allowlists picked the matching tier, budgets the daily limit.
        const QList<Member> members = must(store.team().members());
        QCOMPARE(members.size(), 5);
        QCOMPARE(must(store.team().member(u"alice"_s)).tier, u"pro"_s);
        QCOMPARE(must(store.team().member(u"bob"_s)).tier, u"basic"_s);
        QCOMPARE(must(store.team().member(u"carol"_s)).tier, u"enterprise"_s);
        QCOMPARE(must(store.team().member(u"erin"_s)).tier, QString()); // a custom list matches no tier
        QCOMPARE(must(store.team().member(u"alice"_s)).budgetOverride->usd, 10.0);
        QVERIFY(!must(store.team().member(u"dave"_s)).budgetOverride); // spend without a budget

        const QList<WeeklyReportRow> rows = must(store.spend().weeklyReport(QDate(2026, 11, 27)));
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(0).user, u"alice"_s);
        QCOMPARE(rows.at(0).weeklyCost, 1.25); // 11-20 is outside the last 7 days
        QCOMPARE(*rows.at(0).dailyLimit, 10.0);
        QCOMPARE(rows.at(2).user, u"dave"_s);
        QVERIFY(!rows.at(2).dailyLimit);

        // Opening it again is not a seed migration any more.
        store.close();
        Store again;
        QVERIFY_OK(again.open(*DbLocation::parse(path, &error)));
        QVERIFY(again.database().backupPath().isEmpty());
        QCOMPARE(again.database().openCheck(), Database::OpenCheck::Header);
        QCOMPARE(must(again.team().members()).size(), 5);
    }

    void damagedSeedDatabaseIsNeitherBackedUpNorMigrated()
    {
        if (m_postgres)
            return; // the seed's scripts write SQLite files only
        const QString path = m_dir->filePath(u"damaged_team_usage.db"_s);
        writeSeedDatabase(path);
        if (QTest::currentTestFailed())
            return;
        QString error;
        QVERIFY2(test::damageSqlitePage(path, u"sqlite_autoindex_user_usage_1"_s, &error), qPrintable(error));
        const QByteArray before = [&] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        Store store;
        const Status refused = store.open(*DbLocation::parse(path, &error));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.errorText(), u"The database %1 is damaged or not a database (integrity check failed). Restore it "
                                      "from a backup."_s.arg(path));
        QVERIFY(!store.isOpen());
        QFile after(path);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), before);
        QVERIFY(QFileInfo(path).absoluteDir().entryList({QFileInfo(path).fileName() + u".orteam-backup-*"_s}).isEmpty());
    }

    void version12GivesSyncedHistoryItsMoney()
    {
        // A database of version 11: activity of a linked key counted no money, so its rollups
        // lack it (emptied here: the checks below fail unless the upgrade adds them up again).
        const DbLocation loc = freshLocation();
        const QDate day(2026, 11, 10);
        {
            Store s;
            QVERIFY_OK(s.open(loc));
            QVERIFY_OK(s.team().addMember(person(u"kim"_s, u"pro"_s)));
            QVERIFY_OK(s.team().linkKey(u"kim"_s, u"k1"_s));
            ActivityData data;
            data.perKey.insert(u"k1"_s, {item(day, u"m/a"_s, 2.5, 9, u"e1"_s)});
            QVERIFY_OK(s.usage().recordActivity(data));
        }
        rawExec(loc, {u"DELETE FROM spend_day"_s, u"DELETE FROM spend_member_month"_s,
                      u"UPDATE schema_version SET version = 11"_s});
        Store s;
        QVERIFY_OK(s.open(loc));
        QCOMPARE(must(s.database().schemaVersion()), Schema::Version);
        QString problem;
        const auto rollupsAgree = [&] { const Result<bool> r = s.spend().checkRollups(&problem); return r.ok() && *r; };
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(must(s.spend().memberCost(QDate(2026, 11, 1), QDate(2026, 11, 30))).value(u"kim"_s), 2.5);
        QCOMPARE(must(s.spend().dailySpend(day, day)).value(day), 2.5);
        // The triggers made again follow a snapshot of that day above the activity.
        QVERIFY_OK(s.usage().recordKeySnapshots({keyUsing(u"k1"_s, 4.0)}, QDateTime(day, QTime(23, 0), QTimeZone::utc())));
        QVERIFY2(rollupsAgree(), qPrintable(problem));
        QCOMPARE(must(s.spend().memberCost(QDate(2026, 11, 1), QDate(2026, 11, 30))).value(u"kim"_s), 4.0);
    }

    void newerSchemaIsRefused()
    {
        const DbLocation loc = freshLocation();
        {
            Store s;
            QVERIFY_OK(s.open(loc));
        }
        {
            Store s;
            QVERIFY_OK(s.open(loc));
            // Simulate a newer orteam having been here.
            QVERIFY_OK(s.audit().append({0, {}, {}, u"x"_s, u"y"_s, {}, {}}));
        }
        rawExec(loc, {u"INSERT INTO schema_version (version) VALUES (99)"_s});
        Store s;
        const Status refused = s.open(loc);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorText().contains(u"newer orteam"_s), qPrintable(refused.errorText()));
        QVERIFY(!s.isOpen());
    }

    void damagedFileIsRefusedClearly()
    {
        if (m_postgres)
            return;
        const QString path = m_dir->filePath(u"garbage.db"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        Store s;
        QString error;
        const Status refused = s.open(*DbLocation::parse(path, &error));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorText().contains(path), qPrintable(refused.errorText()));
        QVERIFY(!s.isOpen());
    }

    // The marks beside a SQLite file that say "a connection has it open" (SessionMark).
    static QStringList marks(const QString &path)
    {
        const QFileInfo db(path);
        return db.absoluteDir().entryList({db.fileName() + u"-open-*"_s}, QDir::Files);
    }

    void openReadsNoPageItDoesNotNeed()
    {
        // Every open reads the header and the schema only: a million-row file opens as fast as
        // an empty one. PostgreSQL: no check at all.
        const auto cheap = m_postgres ? Database::OpenCheck::None : Database::OpenCheck::Header;
        const DbLocation loc = freshLocation();
        {
            Store s;
            QVERIFY_OK(s.open(loc));
            QCOMPARE(s.database().openCheck(), cheap);
            QVERIFY_OK(s.team().addMember(person(u"ann"_s, u"pro"_s)));
            QVERIFY_OK(s.database().checkIntegrity(Database::Integrity::Full));
        }
        Store first;
        QVERIFY_OK(first.open(loc));
        QCOMPARE(first.database().openCheck(), cheap);
        // A second connection (this process or another) does not take the first one's mark for
        // a dead session's.
        Store second;
        QVERIFY_OK(second.open(loc));
        QCOMPARE(second.database().openCheck(), cheap);
        if (m_postgres)
            return;
        QCOMPARE(marks(loc.path).size(), 2);
        second.close();
        QCOMPARE(marks(loc.path).size(), 1);
        first.close();
        QVERIFY2(marks(loc.path).isEmpty(), qPrintable(marks(loc.path).join(u' ')));
    }

    void uncleanShutdownIsCheckedOnce()
    {
        if (m_postgres)
            return; // marks are SQLite's (a server knows its own crashes)
        const DbLocation loc = freshLocation();
        {
            Store s;
            QVERIFY_OK(s.open(loc));
        }
        // What a killed process leaves: its mark, no longer locked (the kernel dropped the lock).
        SessionMark killed;
        QVERIFY(killed.place(loc.path));
        const QString left = QFileInfo(killed.path()).fileName();
        killed.release();
        QCOMPARE(marks(loc.path), QStringList{left});
        {
            Store s;
            QVERIFY_OK(s.open(loc));
            QCOMPARE(s.database().openCheck(), Database::OpenCheck::Quick);
            QCOMPARE(marks(loc.path).size(), 1);
            QVERIFY(!marks(loc.path).contains(left)); // checked: only this connection's own mark
        }
        Store again;
        QVERIFY_OK(again.open(loc));
        QCOMPARE(again.database().openCheck(), Database::OpenCheck::Header);
    }

    void damageTheOpenDoesNotReadIsFoundAfterAnUncleanShutdown()
    {
        if (m_postgres)
            return; // page damage and its pragmas are SQLite's
        const DbLocation loc = freshLocation();
        {
            Store s;
            QVERIFY_OK(s.open(loc));
            QVERIFY_OK(s.team().addMember(person(u"ann"_s, u"pro"_s)));
            QVERIFY_OK(s.team().linkKey(u"ann"_s, u"hash-1"_s));
        }
        QString error;
        QVERIFY2(test::damageSqlitePage(loc.path, u"member_keys_member"_s, &error), qPrintable(error));
        {
            // After a clean close the cheap check does not see it (db check does: tst_cli).
            Store s;
            QVERIFY_OK(s.open(loc));
            QCOMPARE(s.database().openCheck(), Database::OpenCheck::Header);
            const Status found = s.database().checkIntegrity(Database::Integrity::Full);
            QVERIFY(!found.ok());
            QVERIFY2(found.errorText().contains(u"is damaged (integrity_check found: "_s), qPrintable(found.errorText()));
        }
        SessionMark killed;
        QVERIFY(killed.place(loc.path));
        killed.release();
        // Refused with the reason, and refused again: the mark stays until the file is whole.
        for (int attempt = 0; attempt < 2; ++attempt) {
            Store s;
            const Status refused = s.open(loc);
            QVERIFY(!refused.ok());
            QVERIFY2(refused.errorText().contains(u"not closed cleanly"_s) && refused.errorText().contains(loc.path)
                         && refused.errorText().contains(u"quick_check"_s),
                     qPrintable(refused.errorText()));
            QVERIFY(!s.isOpen());
            QCOMPARE(marks(loc.path).size(), 1);
        }
    }

    void newDatabaseIsPrivateToItsOwner()
    {
        if (m_postgres)
            QSKIP("file permissions: SQLite only (PostgreSQL keeps its own files)");
        // Emails, token hashes, spend and the audit log: not for other users of the machine,
        // whatever the umask says. Folders we make are 0700, the file and its -wal/-shm 0600.
        const mode_t umaskBefore = ::umask(0022);
        const QString top = m_dir->filePath(u"home-%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128).left(8)));
        const QString folder = top + u"/share/orteam"_s;
        DbLocation loc = DbLocation::ownSqlite(); // as orteam's own location: its folders are made
        loc.path = folder + u"/orteam.db"_s;
        auto mode = [](const QString &path) {
            struct stat st{};
            return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
        };
        {
            Store store;
            QVERIFY_OK(store.open(loc));
            QVERIFY_OK(store.team().addMember(person(u"ann"_s, u"pro"_s))); // a write: the WAL in use
            QCOMPARE(mode(top), 0700);
            QCOMPARE(mode(top + u"/share"_s), 0700);
            QCOMPARE(mode(folder), 0700);
            QCOMPARE(mode(loc.path), 0600);
            QVERIFY(QFile::exists(loc.path + u"-wal"_s));
            QCOMPARE(mode(loc.path + u"-wal"_s), 0600);
            QVERIFY(QFile::exists(loc.path + u"-shm"_s));
            QCOMPARE(mode(loc.path + u"-shm"_s), 0600);
        }
        // A folder that exists is its owner's business: a database made in it is still 0600.
        QDir().mkpath(top + u"/shared"_s);
        QFile::setPermissions(top + u"/shared"_s, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                                      | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
        DbLocation inShared;
        inShared.path = top + u"/shared/team.db"_s;
        {
            Store store;
            QVERIFY_OK(store.open(inShared));
            QCOMPARE(mode(top + u"/shared"_s), 0755);
            QCOMPARE(mode(inShared.path), 0600);
            QCOMPARE(mode(inShared.path + u"-wal"_s), 0600);
        }
        // A database an older orteam left readable by everyone is closed to others on open; its
        // group bits stay (a group may share it on purpose).
        QVERIFY(QFile::setPermissions(inShared.path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        {
            Store store;
            QVERIFY_OK(store.open(inShared));
            QCOMPARE(mode(inShared.path), 0640);
        }
        // Only the others' bits go: a copy its owner made read-only stays read-only (root, as CI
        // and cron run, may open it all the same; anyone else cannot write it, so reads it 0604).
        const bool root = ::getuid() == 0;
        QVERIFY(QFile::setPermissions(inShared.path, root ? QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther
                                                          : QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        {
            Store store;
            QVERIFY_OK(store.open(inShared));
            QCOMPARE(mode(inShared.path), root ? 0440 : 0600);
        }
        ::umask(umaskBefore);
    }

    void defaultPathIsSharedByBothPrograms()
    {
        // The same for any program name: the dashboard and the CLI must open one database.
        const QString before = DbLocation::defaultSqlitePath();
        QCoreApplication::setApplicationName(u"something-else"_s);
        QCOMPARE(DbLocation::defaultSqlitePath(), before);
        QVERIFY(before.endsWith(u"/orteam/orteam.db"_s));
    }

    void locations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("display");
        QTest::newRow("file") << u"/tmp/x/team.db"_s << true << u"/tmp/x/team.db"_s;
        QTest::newRow("postgres") << u"postgresql://lead@db.example.com:6543/orteam"_s << true
                                  << u"postgresql://lead@db.example.com:6543/orteam"_s;
        // A password on the command line shows in `ps`: refused (see passwordInTheUrlIsRefused).
        QTest::newRow("password refused") << u"postgresql://lead:s3cret@db:5432/orteam"_s << false << QString();
        QTest::newRow("default port") << u"postgres://lead@db/orteam"_s << true << u"postgresql://lead@db:5432/orteam"_s;
        QTest::newRow("no database") << u"postgresql://lead@db:5432/"_s << false << QString();
        QTest::newRow("other scheme") << u"mysql://x@y/z"_s << false << QString();
        QTest::newRow("empty") << QString() << false << QString();
    }
    void locations()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, display);
        QString error;
        const auto loc = DbLocation::parse(text, &error);
        QCOMPARE(loc.has_value(), ok);
        QCOMPARE(error.isEmpty(), ok);
        if (ok)
            QCOMPARE(loc->display(), display);
    }

    void passwordInTheUrlIsRefused()
    {
        // libpq reads PGPASSWORD and ~/.pgpass itself; the error says so, and never repeats the
        // password it refuses.
        for (const QString &url : {u"postgresql://lead:s3cret@db:5432/orteam"_s, u"postgres://lead:s3cret@db/orteam"_s}) {
            QString error;
            QVERIFY(!DbLocation::parse(url, &error));
            QVERIFY2(error.contains(u"PGPASSWORD"_s) && error.contains(u"~/.pgpass"_s), qPrintable(error));
            QVERIFY2(error.contains(u"'ps'"_s), qPrintable(error));
            QVERIFY2(!error.contains(u"s3cret"_s), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
