// The team database: one suite, run on a SQLite file and (as tst_store_postgres) on a real
// PostgreSQL server that CTest starts for it. Migrations from empty and from a database the
// seed's Python scripts wrote; members, tiers, usage, the weekly report, the audit log.
#include "Store.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUuid>

#include <limits>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestStore : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    DbLocation m_location;
    bool m_postgres = false;
    QString m_serverUrl;

    // A fresh, empty database for each test.
    DbLocation freshLocation()
    {
        if (!m_postgres) {
            DbLocation loc;
            loc.path = m_dir->filePath(u"team-%1.db"_s.arg(QUuid::createUuid().toString(QUuid::Id128).left(8)));
            return loc;
        }
        QString error;
        const DbLocation server = *DbLocation::parse(m_serverUrl, &error);
        const QString name = u"orteam_t_"_s + QUuid::createUuid().toString(QUuid::Id128).left(12);
        {
            QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, u"admin"_s);
            admin.setHostName(server.host);
            admin.setPort(server.port);
            admin.setUserName(server.user);
            admin.setDatabaseName(server.database);
            if (!admin.open())
                qFatal("cannot reach the test PostgreSQL server: %s", qPrintable(admin.lastError().text()));
            QSqlQuery q(admin);
            if (!q.exec(u"CREATE DATABASE "_s + name))
                qFatal("CREATE DATABASE failed: %s", qPrintable(q.lastError().text()));
            admin.close();
        }
        QSqlDatabase::removeDatabase(u"admin"_s);
        DbLocation loc = server;
        loc.database = name;
        return loc;
    }

    // A second connection of our own ("raw") to the store's database, for writes the Store
    // does not make (the seed's scripts, a tool going behind its back).
    static QSqlDatabase rawConnection(const DbLocation &loc)
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(loc.kind == DbLocation::Kind::Postgres ? u"QPSQL"_s : u"QSQLITE"_s, u"raw"_s);
        if (loc.kind == DbLocation::Kind::Postgres) {
            raw.setHostName(loc.host);
            raw.setPort(loc.port);
            raw.setUserName(loc.user);
            raw.setDatabaseName(loc.database);
        } else {
            raw.setDatabaseName(loc.path);
        }
        if (!raw.open())
            qFatal("cannot open a second connection: %s", qPrintable(raw.lastError().text()));
        return raw;
    }

    std::unique_ptr<Store> openFresh()
    {
        auto store = std::make_unique<Store>();
        QString error;
        if (!store->open(freshLocation(), &error))
            qFatal("open failed: %s", qPrintable(error));
        return store;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_postgres = qEnvironmentVariable("ORTEAM_TEST_DB") == "postgres"_L1;
        if (m_postgres) {
            QFile state(qEnvironmentVariable("ORTEAM_TEST_PG_STATE"));
            QVERIFY2(state.open(QIODevice::ReadOnly), "no PostgreSQL state file: run through CTest (fixture postgres_start)");
            const QList<QByteArray> lines = state.readAll().split('\n');
            QVERIFY(lines.size() >= 2);
            m_serverUrl = QString::fromUtf8(lines.at(1));
            QVERIFY(QSqlDatabase::isDriverAvailable(u"QPSQL"_s));
        }
        qInfo("backend: %s", m_postgres ? "PostgreSQL" : "SQLite");
    }

    void freshDatabaseHasSchemaAndDefaultTiers()
    {
        auto store = openFresh();
        QCOMPARE(store->schemaVersion(), Store::SchemaVersion);
        const QList<Tier> tiers = store->tiers();
        QCOMPARE(tiers, defaultTiers());
        QVERIFY(store->members().isEmpty());
        QVERIFY(store->backupPath().isEmpty());
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
        QString error;
        {
            Store first;
            QVERIFY2(first.open(loc, &error), qPrintable(error));
            Tier custom{u"research"_s, 40.0, QStringList{u"openai/o3"_s}, u"openai/o3"_s, {}};
            QVERIFY(first.saveTier(custom, &error));
        }
        Store again;
        QVERIFY2(again.open(loc, &error), qPrintable(error));
        QCOMPARE(again.schemaVersion(), Store::SchemaVersion);
        QCOMPARE(again.tiers().size(), 5);
        QCOMPARE(again.tiers().last().name, u"research"_s);
        QCOMPARE(*again.tiers().last().defaultDailyLimit, 40.0);
    }

    void membersAndTiers()
    {
        auto store = openFresh();
        QString error;
        QVERIFY(store->addMember({u"alice"_s, u"alice@example.com"_s, u"pro"_s, std::nullopt, true, {}}, &error));
        QVERIFY(!store->addMember({u"alice"_s, {}, {}, std::nullopt, true, {}}, &error));
        QVERIFY(error.contains(u"already"_s));
        QVERIFY(!store->addMember({u"bob"_s, {}, u"platinum"_s, std::nullopt, true, {}}, &error));
        QVERIFY(error.contains(u"platinum"_s));
        QVERIFY(!store->addMember({u"  "_s, {}, {}, std::nullopt, true, {}}, &error));

        Member alice = *store->member(u"alice"_s);
        alice.tier = u"basic"_s;
        alice.dailyLimitOverride = 7.5;
        QVERIFY2(store->updateMember(alice, &error), qPrintable(error));
        QVERIFY(store->linkKey(u"alice"_s, u"hash-1"_s, &error));
        QVERIFY(store->linkKey(u"alice"_s, u"hash-2"_s, &error));
        QVERIFY(!store->linkKey(u"nobody"_s, u"hash-3"_s, &error));
        const Member back = *store->member(u"alice"_s);
        QCOMPARE(back.tier, u"basic"_s);
        QCOMPARE(*back.dailyLimitOverride, 7.5);
        QCOMPARE(back.keyHashes, (QStringList{u"hash-1"_s, u"hash-2"_s}));
        QCOMPARE(*effectiveDailyLimit(back, store->tiers()), 7.5);
        Member ghost{u"ghost"_s, {}, {}, std::nullopt, true, {}};
        QVERIFY(!store->updateMember(ghost, &error));
    }

    void usageAndWeeklyReport()
    {
        auto store = openFresh();
        QString error;
        const QDate today(2026, 11, 27);
        QVERIFY(store->addMember({u"alice"_s, {}, u"pro"_s, std::nullopt, true, {}}, &error));
        QVERIFY(store->addMember({u"bob"_s, {}, u"basic"_s, 3.0, true, {}}, &error));
        // alice: today and six days ago count; seven days ago does not.
        QVERIFY(store->recordUsage(u"alice"_s, today, 1.00004, 10, &error));
        QVERIFY(store->recordUsage(u"alice"_s, today, 0.5, 2, &error)); // same day adds up
        QVERIFY(store->recordUsage(u"alice"_s, today.addDays(-6), 2.0, 5, &error));
        QVERIFY(store->recordUsage(u"alice"_s, today.addDays(-7), 100.0, 50, &error));
        QVERIFY(store->recordUsage(u"bob"_s, today.addDays(-1), 4.25, 30, &error));
        // carol spends but has no budget: included, with a null limit.
        QVERIFY(store->recordUsage(u"carol"_s, today.addDays(-2), 0.12345678, 1, &error));
        QVERIFY(store->recordUsage(u"dave"_s, today.addDays(1), 9.0, 1, &error)); // tomorrow: not this week

        QCOMPARE(*store->spentOn(u"alice"_s, today), 1.50004);
        QVERIFY(!store->spentOn(u"alice"_s, today.addDays(-3)));
        QVERIFY(!withinDailyBudget(store->spentOn(u"bob"_s, today.addDays(-1)),
                                   effectiveDailyLimit(*store->member(u"bob"_s), store->tiers())));

        const QList<WeeklyReportRow> rows = store->weeklyReport(today, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
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
        QString error;
        QVERIFY(store->addMember({u"alice"_s, {}, u"basic"_s, std::nullopt, true, {}}, &error));
        QVERIFY(store->addMember({u"bob"_s, {}, u"pro"_s, std::nullopt, true, {}}, &error));
        QVERIFY(store->linkKey(u"alice"_s, u"ka"_s, &error));
        QVERIFY(store->linkKey(u"bob"_s, u"kb"_s, &error));
        auto key = [](const QString &hash, double daily) {
            ApiKey k;
            k.hash = hash;
            k.usageDaily = daily;
            k.usage = daily * 10;
            return k;
        };
        const QDate monday(2026, 11, 23);
        const QDateTime morning(monday, QTime(9, 0), QTimeZone::utc());
        QVERIFY2(store->recordKeySnapshots({key(u"ka"_s, 1.0), key(u"kb"_s, 2.0), key(u"unlinked"_s, 50.0)}, morning, &error),
                 qPrintable(error));
        // Later the same day: the last counters of the day replace the earlier ones (not added).
        QVERIFY(store->recordKeySnapshots({key(u"ka"_s, 1.5), key(u"kb"_s, 2.0)}, morning.addSecs(8 * 3600), &error));
        // Tuesday, across the UTC day boundary, plus gateway usage recorded for alice directly.
        QVERIFY(store->recordKeySnapshots({key(u"ka"_s, 0.25)}, QDateTime(monday.addDays(1), QTime(0, 5), QTimeZone::utc()), &error));
        QVERIFY(store->recordUsage(u"alice"_s, monday.addDays(1), 0.75, 3, &error));

        const auto mondaySpend = store->memberSpend(monday, monday, &error);
        QCOMPARE(mondaySpend.value(u"alice"_s).cost, 1.5);
        QCOMPARE(mondaySpend.value(u"bob"_s).cost, 2.0);
        QVERIFY(!mondaySpend.contains(u"unlinked"_s));
        const auto tuesday = store->memberSpend(monday.addDays(1), monday.addDays(1), &error);
        QCOMPARE(tuesday.value(u"alice"_s).cost, 1.0);
        QCOMPARE(tuesday.value(u"alice"_s).requests, 3);
        QVERIFY(!tuesday.contains(u"bob"_s));

        // The weekly report counts both sources.
        const QList<WeeklyReportRow> report = store->weeklyReport(monday.addDays(1), &error);
        QCOMPARE(report.size(), 2);
        QCOMPARE(report.at(0).user, u"alice"_s);
        QCOMPARE(report.at(0).weeklyCost, 2.5);
        QCOMPARE(report.at(1).weeklyCost, 2.0);
    }

    void teamReportComparesWindows()
    {
        // Two weeks of usage rows with known numbers: the report's rows, change and trend, on
        // both backends (the same SQL runs on SQLite and PostgreSQL).
        auto store = openFresh();
        QString error;
        Member ann;
        ann.name = u"ann"_s;
        ann.tier = u"pro"_s;
        QVERIFY2(store->addMember(ann, &error), qPrintable(error));
        const QDate to(2026, 11, 27);
        for (int back = 0; back < 14; ++back) {
            // ann: $1 a day the week before, $2 a day this week; ben only the week before.
            QVERIFY(store->recordUsage(u"ann"_s, to.addDays(-back), back < 7 ? 2.0 : 1.0, 10, &error));
            if (back >= 7)
                QVERIFY(store->recordUsage(u"ben"_s, to.addDays(-back), 0.5, 1, &error));
        }
        QVERIFY(store->recordUsage(u"ann"_s, to.addDays(-14), 1000.0, 1, &error)); // outside both windows
        const TeamReport r = store->teamReport(ReportPeriod::Weekly, to, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
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
        const TeamReport m = store->teamReport(ReportPeriod::Monthly, to, &error);
        QCOMPARE(m.from, QDate(2026, 10, 29));
        QCOMPARE(m.total, 1024.5);
        QVERIFY(!m.change); // nothing in the 30 days before
    }

    void keyActivityGivesRequestsAndModelsPerMember()
    {
        auto store = openFresh();
        QString error;
        Member kim;
        kim.name = u"kim"_s;
        kim.tier = u"free"_s;
        QVERIFY2(store->addMember(kim, &error), qPrintable(error));
        QVERIFY(store->linkKey(u"kim"_s, u"k1"_s, &error));
        QVERIFY(store->linkKey(u"kim"_s, u"k2"_s, &error));
        const QDate day(2026, 11, 26);
        auto item = [](const QDate &d, const QString &model, double usage, qint64 requests, const QString &endpoint) {
            ActivityItem a;
            a.date = d;
            a.model = model;
            a.usage = usage;
            a.requests = requests;
            a.endpointId = endpoint;
            return a;
        };
        ActivityData data;
        data.account = {item(day, u"m/a"_s, 1.0, 10, u"e1"_s)};
        // Two endpoints of one model on one day are one row; two keys of one member add up.
        data.perKey.insert(u"k1"_s, {item(day, u"m/a"_s, 0.5, 4, u"e1"_s), item(day, u"m/a"_s, 0.25, 2, u"e2"_s),
                                     item(day.addDays(-3), u"m/b"_s, 2.0, 1, u"e3"_s)});
        data.perKey.insert(u"k2"_s, {item(day, u"m/a"_s, 0.25, 4, u"e1"_s)});
        data.perKey.insert(u"unlinked"_s, {item(day, u"m/c"_s, 9.0, 9, u"e1"_s)});
        QVERIFY2(store->recordActivity(data, &error), qPrintable(error));
        QVERIFY2(store->recordActivity(data, &error), qPrintable(error)); // twice: the same
        const QList<ModelUse> uses = store->memberModelUses(day.addDays(-7), day, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(uses.size(), 2);
        QCOMPARE(uses.at(0).model, u"m/a"_s);
        QCOMPARE(uses.at(0).requests, 10);
        QCOMPARE(uses.at(0).cost, 1.0);
        QCOMPARE(uses.at(1).model, u"m/b"_s);
        QCOMPARE(uses.at(1).firstDay, day.addDays(-3));
        // Requests reach the report; cost stays the key snapshots' (none here), not doubled.
        const QList<WeeklyReportRow> rows = store->usageReport(day.addDays(-6), day, &error);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).requests, 11);
        QCOMPARE(rows.at(0).weeklyCost, 0.0);
        // A later sync that reports a day again replaces that day for that key only.
        ActivityData later;
        later.perKey.insert(u"k2"_s, {item(day, u"m/a"_s, 0.5, 6, u"e1"_s)});
        QVERIFY(store->recordActivity(later, &error));
        QCOMPARE(store->memberModelUses(day.addDays(-7), day, &error).at(0).requests, 12);
        QCOMPARE(store->spendByModel(day, day, &error).at(0).requests, 10); // the account's rows untouched
    }

    void readOnlyRoleFromTheReadmeReadsEverythingAndWritesNothing()
    {
        if (!m_postgres)
            QSKIP("PostgreSQL roles: this case runs in tst_store_postgres");
        auto store = openFresh();
        QString error;
        QVERIFY(store->addMember({u"ann"_s, {}, u"pro"_s, std::nullopt, true, {}}, &error));
        QVERIFY(store->recordUsage(u"ann"_s, QDate(2026, 11, 27), 3.5, 7, &error));
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
        QVERIFY2(reader.open(lead, &error), qPrintable(error)); // no migration needed: opening writes nothing
        QCOMPARE(reader.members().size(), 1);
        const TeamReport report = reader.teamReport(ReportPeriod::Weekly, QDate(2026, 11, 27), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(report.rows.at(0).cost, 3.5);
        QCOMPARE(report.rows.at(0).requests, 7);
        QVERIFY(reader.memberModelUses(QDate(2026, 11, 1), QDate(2026, 11, 27), &error).isEmpty());
        QVERIFY(error.isEmpty());
        // Writes are refused by the server, with its reason, and change nothing.
        QVERIFY(!reader.addMember({u"bo"_s, {}, u"pro"_s, std::nullopt, true, {}}, &error));
        QVERIFY2(error.contains(u"permission denied"_s), qPrintable(error));
        QCOMPARE(store->members().size(), 1);
        reader.close();
    }

    void gatewayTokensAndBatchedUsage()
    {
        // What orteam-gateway keeps in the team database, on both backends.
        auto store = openFresh();
        QString error;
        QVERIFY(store->addMember({u"ann"_s, {}, u"pro"_s, std::nullopt, true, {}}, &error));
        QVERIFY(!store->createGatewayToken(u"nobody"_s, &error));
        QVERIFY(error.contains(u"No member"_s));
        error.clear();
        QVERIFY(store->addMember({u"left"_s, {}, u"pro"_s, std::nullopt, false, {}}, &error));
        QVERIFY(!store->createGatewayToken(u"left"_s, &error));
        QVERIFY2(error.contains(u"offboarded"_s), qPrintable(error));
        error.clear();
        const std::optional<QString> t1 = store->createGatewayToken(u"ann"_s, &error);
        const std::optional<QString> t2 = store->createGatewayToken(u"ann"_s, &error);
        QVERIFY2(t1 && t2, qPrintable(error));
        QVERIFY(*t1 != *t2);
        QVERIFY(t1->startsWith(u"orgw-"_s) && t1->size() > 40);
        QHash<QString, QString> tokens = store->gatewayTokens(&error);
        QCOMPARE(tokens.size(), 2);
        QCOMPARE(tokens.value(Store::hashGatewayToken(*t1)), u"ann"_s);
        QVERIFY(!tokens.contains(*t1)); // only hashes are stored
        QCOMPARE(store->revokeGatewayTokens(u"ann"_s, &error), 2);
        QVERIFY(store->gatewayTokens(&error).isEmpty());
        // Batches add up, per member and day, in one transaction.
        const QDate day(2026, 11, 27);
        QVERIFY(store->recordUsageBatch(day, {{u"ann"_s, {0.5, 2}}, {u"bo"_s, {0.25, 1}}}, &error));
        QVERIFY(store->recordUsageBatch(day, {{u"ann"_s, {0.125, 1}}}, &error));
        QCOMPARE(*store->spentOn(u"ann"_s, day), 0.625);
        const auto spend = store->memberSpend(day, day, &error);
        QCOMPARE(spend.value(u"ann"_s).requests, 3);
        QCOMPARE(spend.value(u"bo"_s).cost, 0.25);
        // A negative or infinite cost (a confused upstream) is refused whole: nothing written.
        QVERIFY(!store->recordUsageBatch(day, {{u"ann"_s, {1.0, 1}}, {u"bo"_s, {-5.0, 1}}}, &error));
        QVERIFY2(error.contains(u"non-negative"_s), qPrintable(error));
        QVERIFY(!store->recordUsageBatch(day, {{u"ann"_s, {std::numeric_limits<double>::infinity(), 1}}}, &error));
        QCOMPARE(*store->spentOn(u"ann"_s, day), 0.625);
        QCOMPARE(store->memberSpend(day, day, &error).value(u"bo"_s).cost, 0.25);
    }

    void spendRollupsFollowEveryWrite()
    {
        // The Spend page reads the team's days and members' months from rollups kept by triggers;
        // after each kind of write (ours, and the seed's scripts' straight SQL) they must equal the
        // sums of the rows they stand for.
        auto store = openFresh();
        QString error, problem;
        QVERIFY(store->addMember({u"alice"_s, {}, u"pro"_s, std::nullopt, true, {}}, &error));
        QVERIFY(store->addMember({u"bob"_s, {}, u"pro"_s, std::nullopt, true, {}}, &error));
        const QDate oct31(2026, 10, 31), nov1(2026, 11, 1), nov3(2026, 11, 3);
        auto teamOn = [&](const QDate &day) { return store->dailySpend(day, day, QString(), &error).value(day); };
        auto costOf = [&](const QString &member) { return store->memberCost(QDate(2026, 10, 1), QDate(2026, 11, 30), &error).value(member); };
        auto snapshot = [&](const QDate &day, double daily) {
            ApiKey k;
            k.hash = u"ka"_s;
            k.usageDaily = daily;
            QVERIFY2(store->recordKeySnapshots({k}, QDateTime(day, QTime(12, 0), QTimeZone::utc()), &error), qPrintable(error));
        };

        QVERIFY(store->recordUsage(u"alice"_s, nov3, 1.0, 1, &error));
        QVERIFY(store->recordUsageBatch(nov3, {{u"alice"_s, {0.5, 1}}, {u"bob"_s, {2.0, 1}}}, &error));
        snapshot(oct31, 3.0);
        snapshot(nov1, 1.0);
        QVERIFY2(store->checkRollups(&problem), qPrintable(problem));
        QCOMPARE(teamOn(nov3), 3.5);
        QCOMPARE(teamOn(oct31), 0.0); // an unlinked key is nobody's spend
        QCOMPARE(costOf(u"alice"_s), 1.5);

        // Linking the key later brings its history along; moving it moves the money.
        QVERIFY(store->linkKey(u"alice"_s, u"ka"_s, &error));
        QVERIFY2(store->checkRollups(&problem), qPrintable(problem));
        QCOMPARE(teamOn(oct31), 3.0);
        QCOMPARE(costOf(u"alice"_s), 5.5);
        QVERIFY(store->linkKey(u"bob"_s, u"ka"_s, &error));
        QVERIFY2(store->checkRollups(&problem), qPrintable(problem));
        QCOMPARE(costOf(u"alice"_s), 1.5);
        QCOMPARE(costOf(u"bob"_s), 6.0);
        QVERIFY(store->linkKey(u"bob"_s, u"ka"_s, &error)); // linked again to the same member: no change
        QCOMPARE(costOf(u"bob"_s), 6.0);
        // A later snapshot of the same day replaces the earlier one.
        snapshot(nov1, 1.25);
        QVERIFY2(store->checkRollups(&problem), qPrintable(problem));
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
        QVERIFY2(store->checkRollups(&problem), qPrintable(problem));
        QCOMPARE(teamOn(nov3), 2.5);
        QCOMPARE(costOf(u"carol"_s), 0.5);
        QVERIFY(!store->memberCost(QDate(2026, 10, 1), QDate(2026, 11, 30), &error).contains(u"alice"_s));

        // Unlinking takes the key's days away again.
        QVERIFY(store->unlinkKey(u"ka"_s, &error));
        QVERIFY2(store->checkRollups(&problem), qPrintable(problem));
        QCOMPARE(teamOn(oct31), 0.0);
        QCOMPARE(costOf(u"bob"_s), 2.0);

        // Ranges with ragged ends agree with the sources read directly.
        QVERIFY(store->linkKey(u"alice"_s, u"ka"_s, &error));
        const QList<std::pair<QDate, QDate>> ranges{{QDate(2026, 10, 15), QDate(2026, 11, 2)},
                                                    {oct31, nov3},
                                                    {nov1, QDate(2026, 11, 30)},
                                                    {QDate(2026, 9, 1), QDate(2026, 12, 31)},
                                                    {nov3, nov3}};
        for (const auto &[from, to] : ranges) {
            const QHash<QString, double> fast = store->memberCost(from, to, &error);
            QHash<QString, double> direct;
            for (auto [member, spend] : store->memberSpend(from, to, &error).asKeyValueRange()) {
                if (spend.cost != 0)
                    direct.insert(member, spend.cost);
            }
            QCOMPARE(fast, direct);
        }

        // A rollup changed behind the triggers' back is found, and rebuilt from the sources.
        {
            QSqlDatabase raw = rawConnection(store->location());
            QSqlQuery q(raw);
            QVERIFY(q.exec(u"UPDATE spend_day SET cost = cost + 1 WHERE day = '2026-11-01'"_s));
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
        QVERIFY(!store->checkRollups(&problem));
        QVERIFY2(problem.startsWith(u"2026-11-01: the rollup says 2.25"_s), qPrintable(problem));
        QVERIFY2(store->rebuildRollups(&error), qPrintable(error));
        QVERIFY2(store->checkRollups(&problem), qPrintable(problem));
        QCOMPARE(teamOn(nov1), 1.25);
    }

    void enforcementStateAndSettings()
    {
        auto store = openFresh();
        QString error;
        QVERIFY(store->enforcedKeys().isEmpty());
        QVERIFY(store->setEnforced({u"k1"_s, u"alice"_s, QDate(2026, 11, 27)}, &error));
        QVERIFY(store->setEnforced({u"k1"_s, u"alice"_s, QDate(2026, 11, 28)}, &error)); // one row per key
        QVERIFY(store->setEnforced({u"k2"_s, u"bob"_s, QDate(2026, 11, 28)}, &error));
        QCOMPARE(store->enforcedKeys().size(), 2);
        QCOMPARE(store->enforcedKeys().at(0).day, QDate(2026, 11, 28));
        QVERIFY(store->forgetEnforced(u"k1"_s, &error));
        QCOMPARE(store->enforcedKeys().size(), 1);
        QCOMPARE(store->enforcedKeys().at(0).member, u"bob"_s);

        QCOMPARE(store->setting(u"auto_enforce"_s, u"off"_s), u"off"_s);
        QVERIFY(store->setSetting(u"auto_enforce"_s, u"on"_s, &error));
        QVERIFY(store->setSetting(u"auto_enforce"_s, u"on"_s, &error));
        QCOMPARE(store->setting(u"auto_enforce"_s), u"on"_s);
    }

    void savingManyMembersIsAllOrNothing()
    {
        auto store = openFresh();
        QString error;
        QVERIFY(store->addMember({u"alice"_s, {}, u"basic"_s, std::nullopt, true, {}}, &error));
        const QList<Member> bad{{u"alice"_s, {}, u"pro"_s, std::nullopt, true, {}}, {u"zoe"_s, {}, u"basic"_s, 3.0, true, {}},
                                {u"yann"_s, {}, u"platinum"_s, std::nullopt, true, {}}};
        QVERIFY(!store->saveMembers(bad, &error));
        QVERIFY2(error.contains(u"yann"_s) && error.contains(u"Nothing was saved"_s), qPrintable(error));
        QCOMPARE(store->members().size(), 1);
        QCOMPARE(store->member(u"alice"_s)->tier, u"basic"_s);

        QVERIFY2(store->saveMembers(bad.mid(0, 2), &error), qPrintable(error));
        QCOMPARE(store->members().size(), 2);
        QCOMPARE(store->member(u"alice"_s)->tier, u"pro"_s);
        QCOMPARE(*store->member(u"zoe"_s)->dailyLimitOverride, 3.0);

        // A tier in use cannot be deleted; an unused one can.
        QVERIFY(!store->deleteTier(u"pro"_s, &error));
        QVERIFY(error.contains(u"1 member"_s));
        QVERIFY(store->deleteTier(u"free"_s, &error));
        QCOMPARE(store->tiers().size(), 3);

        QVERIFY(store->linkKey(u"zoe"_s, u"kz"_s, &error));
        QCOMPARE(store->keyOwners().value(u"kz"_s), u"zoe"_s);
        QVERIFY(store->unlinkKey(u"kz"_s, &error));
        QVERIFY(store->keyOwners().isEmpty());
    }

    void badUsageIsRefused()
    {
        auto store = openFresh();
        QString error;
        QVERIFY(!store->recordUsage(u"a"_s, QDate(2026, 1, 1), -1, 1, &error));
        QVERIFY(!store->recordUsage(u"a"_s, QDate(2026, 1, 1), std::numeric_limits<double>::quiet_NaN(), 1, &error));
        QVERIFY(!store->recordUsage(u"a"_s, QDate(2026, 1, 1), 1, -3, &error));
        QVERIFY(store->weeklyReport(QDate(2026, 1, 1), &error).isEmpty());
    }

    void auditLog()
    {
        auto store = openFresh();
        QString error;
        QVERIFY(store->appendAudit({0, {}, u"admin"_s, u"revoke"_s, u"alice-backend"_s, u"active"_s, u"revoked"_s}, &error));
        QVERIFY(store->appendAudit({0, {}, {}, u"tier"_s, u"bob"_s, u"basic"_s, u"pro"_s}, &error));
        const QList<AuditEntry> log = store->auditLog();
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).action, u"tier"_s); // newest first
        QVERIFY(!log.at(0).osUser.isEmpty());
        QCOMPARE(log.at(1).before, u"active"_s);
        QVERIFY(log.at(1).at.isValid());
    }

    void seedDatabaseIsBackedUpAndMigrated()
    {
        if (m_postgres)
            return; // the seed's scripts write SQLite files only; nothing to migrate on a server
        // A database exactly as the seed's init_team_db() and record_user_usage() leave it.
        const QString path = m_dir->filePath(u"team_usage.db"_s);
        {
            QSqlDatabase seed = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"seed"_s);
            seed.setDatabaseName(path);
            QVERIFY(seed.open());
            QSqlQuery q(seed);
            QVERIFY(q.exec(u"CREATE TABLE IF NOT EXISTS user_usage (user_id TEXT NOT NULL, date TEXT NOT NULL, "
                           "total_cost REAL DEFAULT 0, request_count INTEGER DEFAULT 0, PRIMARY KEY (user_id, date))"_s));
            QVERIFY(q.exec(u"CREATE TABLE IF NOT EXISTS user_budgets (user_id TEXT PRIMARY KEY, daily_limit REAL NOT NULL, "
                           "model_allowlist TEXT)"_s));
            QVERIFY(q.exec(uR"(INSERT INTO user_budgets VALUES ('alice', 10.0, '["openai/gpt-4o-mini","openai/gpt-4o","anthropic/claude-3.5-sonnet"]'),
                                ('bob', 2.0, '["meta-llama/llama-3.1-8b-instruct","openai/gpt-4o-mini"]'),
                                ('carol', 50.0, NULL), ('erin', 1.0, '["some/custom-model"]'))"_s));
            QVERIFY(q.exec(u"INSERT INTO user_usage VALUES ('alice','2026-11-27',1.25,10), ('alice','2026-11-20',3.0,4), "
                           "('bob','2026-11-26',0.75,7), ('dave','2026-11-25',0.5,2)"_s));
            seed.close();
        }
        QSqlDatabase::removeDatabase(u"seed"_s);
        const QByteArray original = [&] {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();

        Store store;
        QString error;
        QVERIFY2(store.open(*DbLocation::parse(path, &error), &error), qPrintable(error));
        QVERIFY(!store.backupPath().isEmpty());
        QFile backup(store.backupPath());
        QVERIFY(backup.open(QIODevice::ReadOnly));
        QCOMPARE(backup.readAll(), original); // the backup is the untouched seed file
        QCOMPARE(store.schemaVersion(), Store::SchemaVersion);

        // Every seed row is still there, in the seed's own tables.
        QCOMPARE(*store.spentOn(u"alice"_s, QDate(2026, 11, 20)), 3.0);
        QCOMPARE(*store.spentOn(u"dave"_s, QDate(2026, 11, 25)), 0.5);
        // The spend rollups start out holding the seed's history.
        QString problem;
        QVERIFY2(store.checkRollups(&problem), qPrintable(problem));
        QCOMPARE(store.dailySpend(QDate(2026, 11, 20), QDate(2026, 11, 27), QString(), &error).value(QDate(2026, 11, 20)), 3.0);
        // Users became members; allowlists picked the matching tier, budgets the daily limit.
        const QList<Member> members = store.members();
        QCOMPARE(members.size(), 5);
        QCOMPARE(store.member(u"alice"_s)->tier, u"pro"_s);
        QCOMPARE(store.member(u"bob"_s)->tier, u"basic"_s);
        QCOMPARE(store.member(u"carol"_s)->tier, u"enterprise"_s);
        QCOMPARE(store.member(u"erin"_s)->tier, QString()); // a custom list matches no tier
        QCOMPARE(*store.member(u"alice"_s)->dailyLimitOverride, 10.0);
        QVERIFY(!store.member(u"dave"_s)->dailyLimitOverride); // spend without a budget

        const QList<WeeklyReportRow> rows = store.weeklyReport(QDate(2026, 11, 27), &error);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(0).user, u"alice"_s);
        QCOMPARE(rows.at(0).weeklyCost, 1.25); // 11-20 is outside the last 7 days
        QCOMPARE(*rows.at(0).dailyLimit, 10.0);
        QCOMPARE(rows.at(2).user, u"dave"_s);
        QVERIFY(!rows.at(2).dailyLimit);

        // Opening it again is not a seed migration any more.
        store.close();
        Store again;
        QVERIFY(again.open(*DbLocation::parse(path, &error), &error));
        QVERIFY(again.backupPath().isEmpty());
        QCOMPARE(again.members().size(), 5);
    }

    void newerSchemaIsRefused()
    {
        const DbLocation loc = freshLocation();
        QString error;
        {
            Store s;
            QVERIFY(s.open(loc, &error));
        }
        {
            Store s;
            QVERIFY(s.open(loc, &error));
            // Simulate a newer orteam having been here.
            QVERIFY(s.appendAudit({0, {}, {}, u"x"_s, u"y"_s, {}, {}}, &error));
        }
        {
            QSqlDatabase d = rawConnection(loc);
            QSqlQuery q(d);
            QVERIFY(q.exec(u"INSERT INTO schema_version (version) VALUES (99)"_s));
            d.close();
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
        Store s;
        QVERIFY(!s.open(loc, &error));
        QVERIFY2(error.contains(u"newer orteam"_s), qPrintable(error));
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
        QVERIFY(!s.open(*DbLocation::parse(path, &error), &error));
        QVERIFY2(error.contains(path), qPrintable(error));
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
        QTest::newRow("password hidden") << u"postgresql://lead:s3cret@db:5432/orteam"_s << true
                                         << u"postgresql://lead@db:5432/orteam"_s;
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
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
