// The services every front end calls, on a real database (a SQLite file, and as
// tst_services_postgres a real PostgreSQL server) and a real HTTP server speaking OpenRouter's
// contract. The heart of it: a statement failing at each step of every flow, in turn, changes
// nothing (the database is byte-for-byte as it was, no key changed at OpenRouter) and says why.
#include "Audit.h"
#include "DailyCheckService.h"
#include "FakeOpenRouter.h"
#include "GuardrailService.h"
#include "KeyService.h"
#include "LifecycleService.h"
#include "NotifyService.h"
#include "OffboardingService.h"
#include "OpenRouterClient.h"
#include "Roster.h"
#include "Store.h"
#include "SyncService.h"
#include "TeamService.h"
#include "FakeClient.h"
#include "TestDatabase.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QSqlQuery>
#include <QTest>
#include <QTimeZone>

#include <functional>
#include <memory>

using namespace orteam;
using test::waitFor;
using namespace Qt::Literals::StringLiterals;

namespace {

// Makes statement number `at` fail, and remembers whether it did (so a run that finished before
// reaching it tells the loop that every step has been tried).
struct Fault
{
    int at = 0;
    bool fired = false;
    void install(Database &db)
    {
        db.setFaultInjector([this](int n, const QString &) {
            if (n == at) {
                fired = true;
                return true;
            }
            return false;
        });
    }
};

} // namespace

class TestServices : public QObject
{
    Q_OBJECT

    test::TestDatabases m_dbs;
    std::unique_ptr<FakeOpenRouter> m_fake;
    QNetworkAccessManager m_network;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<Store> m_store;
    DbLocation m_location;

    void openStore()
    {
        m_location = m_dbs.fresh();
        m_store = std::make_unique<Store>();
        const Status s = m_store->open(m_location);
        QVERIFY2(s.ok(), qPrintable(s.errorText()));
    }

    // A team: Ana (pro, over her own $1 limit today, one key), Ben (basic, one key, no spend).
    void seedTeam(ApiKey *anaKey, ApiKey *benKey)
    {
        FakeOpenRouter::KeySeed a;
        a.name = u"ana-laptop"_s;
        a.usage = a.usageDaily = a.usageWeekly = a.usageMonthly = 2.5;
        *anaKey = m_fake->addKey(a);
        FakeOpenRouter::KeySeed b;
        b.name = u"ben-ci"_s;
        *benKey = m_fake->addKey(b);
        TeamService team(*m_store);
        Member ana{u"Ana"_s, u"ana@example.com"_s, u"pro"_s, Budget{1.0}, true, {anaKey->hash}};
        Member ben{u"Ben"_s, u"ben@example.com"_s, u"basic"_s, std::nullopt, true, {benKey->hash}};
        QVERIFY(team.addMember(ana).ok());
        QVERIFY(team.addMember(ben).ok());
    }

    // Runs `flow` with a fault at statement 1, 2, … until a run reaches no fault. After each
    // failed run, `unchanged` must hold; the last run must succeed.
    void everyStepFails(const std::function<bool()> &flow, const std::function<void()> &unchanged, int *steps = nullptr)
    {
        Fault fault;
        for (fault.at = 1; fault.at < 500; ++fault.at) {
            fault.fired = false;
            fault.install(m_store->database());
            const bool ok = flow();
            m_store->database().setFaultInjector({});
            if (!fault.fired) {
                QVERIFY2(ok, "the flow failed without a fault");
                if (steps)
                    *steps = fault.at - 1;
                return;
            }
            if (ok)
                continue; // a failed statement the flow may survive (none so far; allowed by design)
            unchanged();
            if (QTest::currentTestFailed()) {
                qWarning("with a fault at statement %d", fault.at);
                return;
            }
        }
        QFAIL("the flow never finished without a fault");
    }

    // everyStepFails for one change: after each failed run the database is as it was. False
    // (the test failed, with `name` said) when it was not.
    bool wholeOrNothing(const char *name, const std::function<Status()> &run)
    {
        const QString before = test::TestDatabases::fingerprint(m_location);
        everyStepFails([&] { return run().ok(); }, [&] { QCOMPARE(test::TestDatabases::fingerprint(m_location), before); });
        if (QTest::currentTestFailed())
            qWarning("in %s", name);
        return !QTest::currentTestFailed();
    }

private Q_SLOTS:
    void initTestCase()
    {
        qInfo("backend: %s", m_dbs.postgres() ? "PostgreSQL" : "SQLite");
        // Every injected fault is logged as a failed statement; hundreds of them say nothing here.
        QLoggingCategory::setFilterRules(u"orteam.storage.warning=false"_s);
    }

    void init()
    {
        m_fake = std::make_unique<FakeOpenRouter>();
        QVERIFY(m_fake->start() != 0);
        m_client = test::clientFor(*m_fake, &m_network);
        openStore();
    }

    void cleanup()
    {
        m_store.reset();
        m_client.reset();
        m_fake.reset();
    }

    // An offboarded member is given no key, by link or by the member form; they may lose one,
    // and once reactivated they may have one again.
    void anOffboardedMemberIsGivenNoKey()
    {
        TeamService team(*m_store);
        QVERIFY(team.addMember(Member{u"Liam"_s, {}, u"basic"_s, std::nullopt, true, {u"k-old"_s, u"k-two"_s}}).ok());
        Member gone = *m_store->team().member(u"Liam"_s);
        gone.active = false;
        QVERIFY(team.updateMember(gone).ok());
        const Status linked = team.linkKey(u"Liam"_s, u"k-new"_s, u"new"_s);
        QCOMPARE(linked.error().kind, StoreError::Kind::Invalid);
        QVERIFY2(linked.errorText().contains(u"Liam is offboarded"_s), qPrintable(linked.errorText()));
        QCOMPARE(team.setKeys(u"Liam"_s, {u"k-old"_s, u"k-new"_s}).error().kind, StoreError::Kind::Invalid);
        QVERIFY(team.setKeys(u"Liam"_s, {u"k-old"_s}).ok()); // taking one away is fine
        QCOMPARE(m_store->team().member(u"Liam"_s)->keyHashes, QStringList{u"k-old"_s});
        QCOMPARE(*team.reactivate(u"Liam"_s), true);
        QCOMPARE(*team.reactivate(u"Liam"_s), false);
        QVERIFY(team.linkKey(u"Liam"_s, u"k-new"_s, u"new"_s).ok());
        QCOMPARE(m_store->team().member(u"Liam"_s)->keyHashes.size(), 2);
        // An address an older orteam kept ("Liam <…>", a list) blocks no other change; a new one
        // is held to today's rule.
        Member kept = *m_store->team().member(u"Liam"_s);
        kept.email = u"Liam <liam@example.com>"_s;
        QVERIFY(m_store->team().updateMember(kept).ok());
        kept.budgetOverride = Budget{5.0};
        QVERIFY(team.updateMember(kept).ok());
        kept.email = u"a@example.com,b@example.com"_s;
        QCOMPARE(team.updateMember(kept).error().kind, StoreError::Kind::Invalid);
    }

    // A Save that renames and changes the limit is two entries (the rename old → new); a name sent
    // unchanged is no rename entry; the CLI and the dashboard both audit through KeyService.
    void keyEditAuditsOneEntryPerChange()
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"dan-data"_s;
        seed.limit = 10;
        const ApiKey dan = m_fake->addKey(seed);
        KeyService keys(m_store.get(), *m_client);
        const auto edit = [&](const ApiKey &before, const KeyUpdate &u) {
            return waitFor<KeyService::Done<ApiKey>>([&](auto done) { keys.update(before, u, nullptr, done); });
        };
        KeyUpdate both;
        both.name = u"dan-warehouse"_s;
        both.limit = std::optional<double>(42);
        const auto renamed = edit(dan, both);
        QVERIFY(renamed.result.ok());
        QVERIFY2(renamed.auditError.isEmpty(), qPrintable(renamed.auditError));
        QList<AuditEntry> log = *m_store->audit().log();
        QCOMPARE(log.size(), 2);
        const AuditEntry rename = log.at(1), limit = log.at(0); // newest first
        QCOMPARE(rename.action, AuditAction::Rename);
        QCOMPARE(rename.before, u"dan-data"_s);
        QCOMPARE(rename.after, u"dan-warehouse"_s);
        QCOMPARE(limit.action, AuditAction::Limit);
        QCOMPARE(limit.target, u"dan-warehouse"_s);
        QCOMPARE(limit.before, u"active, limit $10.00"_s);
        QCOMPARE(limit.after, u"active, limit $42.00"_s);

        // The same name sent again with a new limit: a limit entry and no rename.
        KeyUpdate sameName;
        sameName.name = u"dan-warehouse"_s;
        sameName.limit = std::optional<double>(50);
        QVERIFY(edit(renamed.result.value, sameName).result.ok());
        log = *m_store->audit().log();
        QCOMPARE(log.size(), 3);
        QCOMPARE(log.at(0).action, AuditAction::Limit);
        QCOMPARE(log.at(0).after, u"active, limit $50.00"_s);

        // BYOK counted or not is part of the limit, and shows in its before and after.
        KeyUpdate byok;
        byok.includeByokInLimit = true;
        const ApiKey now = *m_fake->key(dan.hash);
        QVERIFY(edit(now, byok).result.ok());
        log = *m_store->audit().log();
        QCOMPARE(log.size(), 4);
        QCOMPARE(log.at(0).action, AuditAction::Limit);
        QVERIFY(log.at(0).before != log.at(0).after);
        QVERIFY(log.at(0).after.contains(u"BYOK"_s));
    }

    void auditUserFallsBackToTheAccount()
    {
        // A cron job or a service manager often runs without $USER: the log still names who.
        const QByteArray user = qgetenv("USER"), userName = qgetenv("USERNAME");
        qunsetenv("USER");
        qunsetenv("USERNAME");
        const QString who = AuditRepository::currentOsUser();
        if (!user.isNull())
            qputenv("USER", user);
        if (!userName.isNull())
            qputenv("USERNAME", userName);
        QVERIFY(!who.isEmpty());
        QVERIFY2(who != u"unknown"_s, "the account database names the user");
        QCOMPARE(who, AuditRepository::accountUserName());
    }

    void addMemberWithKeysIsAllOrNothing()
    {
        const QString before = test::TestDatabases::fingerprint(m_location);
        TeamService team(*m_store);
        Member m{u"Cleo"_s, u"cleo@example.com"_s, u"pro"_s, std::nullopt, true, {QString(64, u'a'), QString(64, u'b')}};
        int steps = 0;
        everyStepFails(
            [&] {
                const Status s = team.addMember(m);
                if (!s)
                    return false;
                return true;
            },
            [&] { QCOMPARE(test::TestDatabases::fingerprint(m_location), before); }, &steps);
        QVERIFY2(steps >= 4, "member, two links and the audit line are separate statements");
        const Result<Member> saved = m_store->team().member(u"Cleo"_s);
        QVERIFY(saved.ok());
        QCOMPARE(saved->keyHashes.size(), 2);
        const auto log = m_store->audit().log();
        QVERIFY(log.ok());
        QCOMPARE(log->first().action, AuditAction::MemberAdd);
        QCOMPARE(log->first().target, u"Cleo"_s);
    }

    void aKeyLinkThatFailsLeavesNoMemberBehind()
    {
        TeamService team(*m_store);
        QVERIFY(team.addMember({u"Ana"_s, {}, {}, std::nullopt, true, {}}).ok());
        // The third statement of the add is the first key link (read tiers, insert member, link).
        Fault fault;
        bool linkFailed = false;
        m_store->database().setFaultInjector([&](int, const QString &sql) {
            if (sql.contains(u"member_keys"_s) && sql.startsWith(u"INSERT"_s, Qt::CaseInsensitive)) {
                linkFailed = true;
                return true;
            }
            return false;
        });
        const Status s = team.addMember({u"Ben"_s, {}, {}, std::nullopt, true, {QString(64, u'c')}});
        m_store->database().setFaultInjector({});
        QVERIFY(linkFailed);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, StoreError::Kind::Database);
        QCOMPARE(m_store->team().member(u"Ben"_s).error().kind, StoreError::Kind::NotFound);
        const auto members = m_store->team().members();
        QVERIFY(members.ok());
        QCOMPARE(members->size(), 1);
    }

    void memberNamesWithControlCharactersAreRefused()
    {
        TeamService team(*m_store);
        const Status s = team.addMember({u"Eve\u001b[31m"_s, {}, {}, std::nullopt, true, {}});
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, StoreError::Kind::Invalid);
        QVERIFY2(s.errorText().contains(u"control"_s), qPrintable(s.errorText()));
        QCOMPARE(m_store->team().members()->size(), 0);
    }

    void badEmailsAreRefusedByEveryFrontEndsService()
    {
        TeamService team(*m_store);
        for (const QString &email : {u"not-an-email"_s, u"a b@example.com"_s, u"@example.com"_s, u"ann@"_s}) {
            const Status s = team.addMember({u"Ann"_s, email, {}, std::nullopt, true, {}});
            QVERIFY2(!s.ok(), qPrintable(email));
            QCOMPARE(s.error().kind, StoreError::Kind::Invalid);
        }
        QVERIFY(team.addMember({u"Ann"_s, u"ann@example.com"_s, {}, std::nullopt, true, {}}).ok());
        QVERIFY(!team.updateMember({u"Ann"_s, u"nope"_s, {}, std::nullopt, true, {}}).ok());
        QCOMPARE(m_store->team().member(u"Ann"_s)->email, u"ann@example.com"_s);
    }

    void teamEditsChangeNothingWhenAnyStatementFails()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        TeamService team(*m_store);
        struct Edit
        {
            const char *name;
            std::function<Status()> run;
        };
        const QList<Edit> edits{
            {"setTier", [&] { return team.setTier({u"Ana"_s, u"Ben"_s}, u"free"_s); }},
            {"setKeys", [&] { return team.setKeys(u"Ana"_s, {anaKey.hash, benKey.hash}); }},
            {"editMember", [&] { return team.editMember({u"Ben"_s, u"ben@edit.example"_s, u"free"_s, Budget{2.0}, true, {}}); }},
            {"updateMember", [&] { return team.updateMember({u"Ben"_s, u"ben@new.example"_s, u"pro"_s, Budget{3.0}, true, {benKey.hash}}); }},
            {"saveTier", [&] { return team.saveTier({u"research"_s, Budget{5.0}, QStringList{u"openai/o3"_s}, u"openai/o3"_s, {}}); }},
            {"setAutoEnforce", [&] { return team.setAutoEnforce(true); }},
            {"createGatewayToken", [&]() -> Status {
                 const auto t = team.createGatewayToken(u"Ana"_s);
                 return t ? Status() : Status(t.error());
             }},
        };
        for (const Edit &edit : edits) {
            const QString before = test::TestDatabases::fingerprint(m_location);
            if (!wholeOrNothing(edit.name, edit.run))
                return;
            QVERIFY2(test::TestDatabases::fingerprint(m_location) != before, edit.name);
        }
    }

    // Alert settings, destinations and hygiene thresholds: each change is written with its audit
    // line or not at all, whichever front end makes it (the dashboard used to write them with no
    // line), and saving what is saved records nothing.
    void teamSettingsChangesAreAuditedOrNotMade()
    {
        Destination slack;
        slack.id = u"leads"_s;
        slack.kind = Destination::Kind::Slack;
        slack.name = u"Leads"_s;
        slack.alertKinds = allAlertKinds();
        Destination quieter = slack;
        quieter.quietFrom = QTime(22, 0);
        quieter.quietTo = QTime(7, 0);
        AlertSettings alerts;
        alerts.budgetThresholds = {50, 90};
        alerts.teamMonthlyBudget = 500.0;
        HygieneSettings hygiene;
        hygiene.dormantDays = 45;
        struct Edit
        {
            const char *name;
            std::function<Status()> run;
            QString action, target, after;
        };
        const QList<Edit> edits{
            {"alerts", [&] { return NotifyService::saveAlertSettings(*m_store, alerts); }, AuditAction::Settings, u"alerts"_s,
             u"thresholds 50%, 90%; team daily budget none; team monthly budget $500.00; credits warning under 7 days left"_s},
            {"new destination", [&] { return NotifyService::saveDestination(*m_store, slack); }, AuditAction::Destination,
             u"leads"_s, destinationAuditText(slack)},
            {"changed destination", [&] { return NotifyService::saveDestination(*m_store, quieter); }, AuditAction::Destination,
             u"leads"_s, destinationAuditText(quieter)},
            {"hygiene", [&] { return HygieneService::saveSettings(*m_store, hygiene); }, AuditAction::Settings,
             u"key hygiene"_s, u"dormant-days 45, never-used-days 30, rotation-days 90, grace-disable-days 7, grace-revoke-days 30"_s},
            {"removed destination", [&] { return NotifyService::removeDestination(*m_store, u"leads"_s); }, AuditAction::Destination,
             u"leads"_s, u"removed"_s},
        };
        for (const Edit &edit : edits) {
            if (!wholeOrNothing(edit.name, edit.run))
                return;
            const auto log = m_store->audit().log();
            QVERIFY(log.ok());
            QCOMPARE(log->first().action, edit.action);
            QCOMPARE(log->first().target, edit.target);
            QCOMPARE(log->first().after, edit.after);
            if (QByteArrayView(edit.name) == "changed destination")
                QCOMPARE(log->first().before, destinationAuditText(slack));
            // The same again: nothing written, nothing recorded.
            const QString done = test::TestDatabases::fingerprint(m_location);
            const Status again = edit.run();
            if (QByteArrayView(edit.name) == "removed destination") {
                QCOMPARE(again.error().kind, StoreError::Kind::NotFound);
            } else {
                QVERIFY2(again.ok(), qPrintable(again.errorText()));
            }
            QCOMPARE(test::TestDatabases::fingerprint(m_location), done);
        }
        // Compared as stored: a budget to the cent already saved is no change, nor is saving the
        // hygiene thresholds as they are, even while another writer holds the write lock (the
        // CLI shows the settings through these; a sync or the gateway may be writing).
        {
            const QString saved = test::TestDatabases::fingerprint(m_location);
            AlertSettings subCent = alerts;
            subCent.teamMonthlyBudget = 500.004;
            QVERIFY(NotifyService::saveAlertSettings(*m_store, subCent).ok());
            QCOMPARE(test::TestDatabases::fingerprint(m_location), saved);
        }
        if (m_location.kind == DbLocation::Kind::Sqlite) {
            const QString name = u"other-writer"_s;
            {
                QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
                other.setDatabaseName(m_location.path);
                QVERIFY(other.open());
                QSqlQuery lock(other);
                QVERIFY(lock.exec(u"BEGIN IMMEDIATE"_s));
                QElapsedTimer clock;
                clock.start();
                const Status shown = HygieneService::saveSettings(*m_store, hygiene);
                QVERIFY2(shown.ok(), qPrintable(shown.errorText()));
                QVERIFY2(clock.elapsed() < 2000, "waited for the other writer's lock");
                QVERIFY(NotifyService::saveAlertSettings(*m_store, alerts).ok());
                QVERIFY(lock.exec(u"ROLLBACK"_s));
            }
            QSqlDatabase::removeDatabase(name);
        }
        // A value with a problem changes nothing.
        const QString before = test::TestDatabases::fingerprint(m_location);
        HygieneSettings bad;
        bad.dormantDays = 0;
        QCOMPARE(HygieneService::saveSettings(*m_store, bad).error().kind, StoreError::Kind::Invalid);
        AlertSettings badAlerts;
        badAlerts.budgetThresholds = {0};
        QCOMPARE(NotifyService::saveAlertSettings(*m_store, badAlerts).error().kind, StoreError::Kind::Invalid);
        Destination nameless = slack;
        nameless.id.clear();
        QCOMPARE(NotifyService::saveDestination(*m_store, nameless).error().kind, StoreError::Kind::Invalid);
        QCOMPARE(test::TestDatabases::fingerprint(m_location), before);
    }

    void rosterImportIsAllOrNothing()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        const QList<Tier> tiers = *m_store->team().tiers();
        const RosterFile file = parseRoster(u"name,email,tier\nAna,ana@example.com,basic\nDan,dan@example.com,free\n", tiers);
        const RosterPlan plan = planRoster(file, *m_store->team().members(), false);
        TeamService team(*m_store);
        const QString before = test::TestDatabases::fingerprint(m_location);
        everyStepFails([&] { return team.importRoster(plan).ok(); },
                       [&] { QCOMPARE(test::TestDatabases::fingerprint(m_location), before); });
        QCOMPARE(m_store->team().member(u"Dan"_s)->tier, u"free"_s);
        QCOMPARE(m_store->team().member(u"Ana"_s)->tier, u"basic"_s);
    }

    // The daily check reads everything or changes nothing: with a read failing at any step, no
    // key is disabled at OpenRouter, and the report names what could not be read.
    void dailyCheckFailsClosed()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        QVERIFY(TeamService(*m_store).setAutoEnforce(true).ok());
        DailyCheckService check(*m_store, *m_client);
        const QDateTime now = m_fake->now();
        int failedRuns = 0;
        everyStepFails(
            [&] {
                const auto report = waitFor<DailyCheckService::Report>(
                    [&](auto done) { check.run(m_fake->keys(), now, false, this, done); });
                if (report.error) {
                    ++failedRuns;
                    // Nothing was changed: Ana's key is still enabled, and the message says why.
                    if (m_fake->key(anaKey.hash)->disabled)
                        qWarning("a key was disabled after: %s", qPrintable(report.error.message()));
                    return false;
                }
                return report.ok();
            },
            [&] {
                QVERIFY(!m_fake->key(anaKey.hash)->disabled);
                QVERIFY(!m_fake->key(benKey.hash)->disabled);
            });
        QVERIFY(failedRuns >= 7); // snapshots, tiers, members, owners, today, week, enforced, setting
        // Without faults, the check did its job: Ana's key is disabled and remembered; Ben's is not.
        QVERIFY(m_fake->key(anaKey.hash)->disabled);
        QVERIFY(!m_fake->key(benKey.hash)->disabled);
        const auto enforced = m_store->governance().enforcedKeys();
        QVERIFY(enforced.ok());
        QCOMPARE(enforced->size(), 1);
    }

    void dailyCheckNamesTheReadThatFailed()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        DailyCheckService check(*m_store, *m_client);
        m_store->database().setFaultInjector([](int, const QString &sql) { return sql.contains(u"enforced_keys"_s); });
        const auto report = waitFor<DailyCheckService::Report>(
            [&](auto done) { check.run(m_fake->keys(), m_fake->now(), true, this, done); });
        m_store->database().setFaultInjector({});
        QVERIFY(report.error.failed());
        QVERIFY2(report.error.message().contains(u"the keys the daily check disabled"_s), qPrintable(report.error.message()));
        QVERIFY(report.decisions.overBudget.isEmpty()); // nothing decided from half the facts
        QVERIFY(!m_fake->key(anaKey.hash)->disabled);
    }

    void offboardingRevokesNothingWhenTheMembersCannotBeRead()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        OffboardingService offboarding(*m_store, *m_client);
        const QString before = test::TestDatabases::fingerprint(m_location);
        m_store->database().setFaultInjector([](int, const QString &) { return true; });
        const auto outcome = waitFor<OffboardingService::Outcome>(
            [&](auto done) { offboarding.offboard({u"Ana"_s}, std::nullopt, this, done); });
        m_store->database().setFaultInjector({});
        QVERIFY(outcome.error.failed());
        QVERIFY(m_fake->key(anaKey.hash).has_value());
        QCOMPARE(test::TestDatabases::fingerprint(m_location), before);
        // And when it can: the key is revoked, Ana is inactive, both are audited.
        const auto done = waitFor<OffboardingService::Outcome>(
            [&](auto cb) { offboarding.offboard({u"Ana"_s}, std::nullopt, this, cb); });
        QVERIFY(!done.error.failed());
        QCOMPARE(done.offboarded, QStringList{u"Ana"_s});
        QVERIFY(!m_fake->key(anaKey.hash).has_value());
        QVERIFY(!m_store->team().member(u"Ana"_s)->active);
        const auto log = *m_store->audit().log();
        QCOMPARE(log.at(0).action, AuditAction::Offboard);
        QCOMPARE(log.at(1).action, AuditAction::Revoke);
        QCOMPARE(log.at(1).target, anaKey.name);
        // The key as it was (listed by the service itself), not a blank "active, limit none".
        QVERIFY2(log.at(1).before.contains(anaKey.hash.left(16)) && log.at(1).before.contains(u"offboarding Ana"_s),
                 qPrintable(log.at(1).before));
    }

    void aMemberWhoseRecordFailsStaysActiveAndIsNamed()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        OffboardingService offboarding(*m_store, *m_client);
        m_store->database().setFaultInjector([](int, const QString &sql) { return sql.startsWith(u"UPDATE members"_s, Qt::CaseInsensitive); });
        const auto outcome = waitFor<OffboardingService::Outcome>(
            [&](auto done) { offboarding.offboard({u"Ana"_s}, std::nullopt, this, done); });
        m_store->database().setFaultInjector({});
        QVERIFY(outcome.offboarded.isEmpty());
        QCOMPARE(outcome.failed.size(), 1);
        QVERIFY(outcome.failed.first().startsWith(u"Ana"_s));
        QVERIFY(m_store->team().member(u"Ana"_s)->active); // offboarding again finishes the job
    }

    void guardrailPlanNeedsEveryRead()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        GuardrailService guardrails(*m_store, *m_client);
        bool planWithError = false; // a failed read must never come with a plan
        everyStepFails(
            [&] {
                struct Planned
                {
                    GuardrailPlan plan;
                    FlowError error;
                };
                const auto r = waitFor<Planned>([&](auto done) {
                    guardrails.plan(std::nullopt, this, [done](const GuardrailPlan &p, const FlowError &e) { done({p, e}); });
                });
                planWithError = planWithError || (r.error.failed() && !r.plan.isEmpty());
                return !r.error.failed() && !r.plan.isEmpty();
            },
            [&] { QVERIFY(!planWithError); });
        QVERIFY(!planWithError);
    }

    void syncChangesNothingWhenAnyWriteFails()
    {
        ApiKey anaKey, benKey;
        seedTeam(&anaKey, &benKey);
        ActivityItem item;
        item.date = m_fake->now().date().addDays(-1);
        item.model = u"openai/gpt-4o"_s;
        item.usage = 0.5;
        item.requests = 3;
        m_fake->addActivity(anaKey.hash, item);
        SyncService sync(*m_store, *m_client);
        const QDateTime takenAt = m_fake->now();
        const QString before = test::TestDatabases::fingerprint(m_location);
        everyStepFails(
            [&] {
                struct Synced
                {
                    SyncService::Summary summary;
                    FlowError error;
                };
                const auto r = waitFor<Synced>([&](auto done) {
                    sync.sync(true, takenAt, this, {}, [done](const SyncService::Summary &s, const FlowError &e) { done({s, e}); });
                });
                return !r.error.failed();
            },
            [&] { QCOMPARE(test::TestDatabases::fingerprint(m_location), before); });
        QVERIFY(test::TestDatabases::fingerprint(m_location) != before);
        // Whoever synced (orteam-cli from cron here), every dashboard's schedule sees it.
        const auto last = SyncService::lastActivitySync(*m_store);
        QVERIFY(last.ok());
        QCOMPARE(*last, QDateTime::fromString(takenAt.toUTC().toString(Qt::ISODate), Qt::ISODate)); // to the second
    }

    // Two linked members' keys and a key nobody owns, on two models from two providers, inside
    // /activity's window (yesterday, ten days ago), today (not a completed day) and 40 days ago
    // (outside it): what both ways of reading must agree on.
    void seedActivity(const ApiKey &ana, const ApiKey &ben)
    {
        const QDate today = m_fake->now().toUTC().date();
        FakeOpenRouter::KeySeed other;
        other.name = u"nobody-s-key"_s;
        other.usage = 1;
        const ApiKey stray = m_fake->addKey(other);
        auto add = [&](const ApiKey &key, int daysAgo, const QString &model, const QString &provider, double usage, qint64 requests) {
            ActivityItem a;
            a.date = today.addDays(-daysAgo);
            a.model = model;
            a.endpointId = model + u"@"_s + provider;
            a.providerName = provider;
            a.usage = usage;
            a.requests = requests;
            a.promptTokens = requests * 100;
            a.completionTokens = requests * 20;
            m_fake->addActivity(key.hash, a);
        };
        for (int daysAgo : {0, 1, 10, 40}) {
            add(ana, daysAgo, u"openai/gpt-4o"_s, u"OpenAI"_s, 0.25 + daysAgo, 3);
            add(ana, daysAgo, u"anthropic/claude-sonnet-4"_s, u"Anthropic"_s, 0.5, 2);
            add(ben, daysAgo, u"openai/gpt-4o"_s, u"OpenAI"_s, 0.125, 1);
            add(stray, daysAgo, u"meta-llama/llama-3.3-70b"_s, u"DeepInfra"_s, 0.75, 5);
        }
    }

    // Runs one sync on `store` with `route` and answers whether it worked.
    FlowError runSync(Store &store, const std::shared_ptr<SyncService::ActivityRoute> &route)
    {
        SyncService sync(store, *m_client);
        sync.setActivityRoute(route);
        const QDateTime takenAt = m_fake->now();
        struct Synced
        {
            SyncService::Summary summary;
            FlowError error;
        };
        const auto r = waitFor<Synced>([&](auto done) {
            sync.sync(true, takenAt, this, {}, [done](const SyncService::Summary &s, const FlowError &e) { done({s, e}); });
        });
        return r.error;
    }

    void linkTeam(Store &store, const ApiKey &ana, const ApiKey &ben)
    {
        TeamService team(store);
        QVERIFY(team.addMember(Member{u"Ana"_s, u"ana@example.com"_s, u"pro"_s, Budget{1.0}, true, {ana.hash}}).ok());
        QVERIFY(team.addMember(Member{u"Ben"_s, u"ben@example.com"_s, u"basic"_s, std::nullopt, true, {ben.hash}}).ok());
    }

    // The analytics path and the /activity fan-out store the same history (every table, byte for
    // byte), on this backend; analytics takes two calls, or a few more when answers are truncated.
    void analyticsAndActivityStoreTheSameHistory_data()
    {
        QTest::addColumn<int>("rowCap");
        QTest::newRow("one answer per query") << 100'000;
        QTest::newRow("truncated answers, split by days") << 8;
    }
    void analyticsAndActivityStoreTheSameHistory()
    {
        QFETCH(int, rowCap);
        // One time for both syncs: the snapshots and the sync time are stored to the second.
        m_fake->setNow(QDateTime(QDate(2026, 11, 27), QTime(15, 0), QTimeZone::utc()));
        FakeOpenRouter::KeySeed a;
        a.name = u"ana-laptop"_s;
        a.usage = 3;
        a.creatorUserId = u"user_ana"_s;
        const ApiKey ana = m_fake->addKey(a);
        // A key Ana made herself and nobody linked: hers as a person; its own rows are kept (a
        // workspace's spend) but are no member's.
        a.name = u"ana-own"_s;
        const ApiKey anaOwn = m_fake->addKey(a);
        a.name = u"ben-ci"_s;
        a.creatorUserId.clear();
        const ApiKey ben = m_fake->addKey(a);
        seedActivity(ana, ben);
        seedActivity(anaOwn, anaOwn);
        m_fake->setAnalyticsRowCap(rowCap);
        linkTeam(*m_store, ana, ben);
        const DbLocation viaActivity = m_dbs.fresh();
        Store other;
        QVERIFY(other.open(viaActivity).ok());
        linkTeam(other, ana, ben);
        for (Store *store : {m_store.get(), &other})
            QVERIFY(store->team().setUserIds({{u"Ana"_s, u"user_ana"_s}}).ok());

        FlowError e = runSync(*m_store, std::make_shared<SyncService::ActivityRoute>());
        QVERIFY2(!e, qPrintable(e.message()));
        const int analyticsCalls = m_fake->countRequests("POST", u"/analytics/query"_s);
        if (rowCap > 1000)
            QCOMPARE(analyticsCalls, 3); // the account by model and provider, the keys by key and model, the users
        else
            QVERIFY2(analyticsCalls > 3, qPrintable(QString::number(analyticsCalls)));
        QCOMPARE(m_fake->countRequests("GET", u"/activity"_s), 0);

        m_fake->clearRequests();
        auto refusedRoute = std::make_shared<SyncService::ActivityRoute>();
        refusedRoute->analyticsRefused = true;
        e = runSync(other, refusedRoute);
        QVERIFY2(!e, qPrintable(e.message()));
        // The account, the five used keys (Ana's two, Ben's, the two seedActivity() gave nobody),
        // Ana as a user.
        QCOMPARE(m_fake->countRequests("GET", u"/activity"_s), 7);
        QCOMPARE(m_fake->countRequests("POST", u"/analytics/query"_s), 0);

        // What a sync writes (members' rows carry the time each was added: not compared).
        const QStringList synced{u"key_snapshots"_s, u"key_activity"_s, u"model_activity"_s, u"provider_activity"_s,
                                 u"user_activity"_s, u"key_use"_s, u"team_settings"_s, u"spend_day"_s, u"spend_member_month"_s};
        const QString analyticsRows = test::TestDatabases::fingerprint(m_location, synced);
        QCOMPARE(analyticsRows, test::TestDatabases::fingerprint(viaActivity, synced));
        // Not equal by being empty: the window's days, per provider, and the keys' rows are there.
        const QDate yesterday = m_fake->now().toUTC().date().addDays(-1);
        const auto byProvider = m_store->spend().spendByProvider(yesterday, yesterday);
        QVERIFY(byProvider.ok());
        QCOMPARE(byProvider->size(), 3);
        QCOMPARE(byProvider->at(0).name, u"OpenAI"_s); // 2 × (1.25 + 0.125) yesterday, the most
        const auto allDays = m_store->spend().spendByModel(yesterday.addDays(-40), yesterday.addDays(1));
        QVERIFY(allDays.ok());
        double total = 0;
        for (const ModelSpend &m : *allDays)
            total += m.cost;
        // Ten days ago and yesterday, of both pairs of keys; today's and 40 days ago's rows are
        // outside the window.
        QCOMPARE(total, 2 * ((0.25 + 1 + 0.5 + 0.125 + 0.75) + (0.25 + 10 + 0.5 + 0.125 + 0.75)));
        QVERIFY(analyticsRows.contains(ana.hash));
        // Ana as a person: her two keys (the one nobody linked too), both days, every model.
        QSqlDatabase raw = test::TestDatabases::rawConnection(m_location, u"user-activity"_s);
        {
            QSqlQuery q(raw);
            // The key nobody linked keeps its own rows (a workspace's spend), in no member's rollup.
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM key_activity WHERE key_hash = '%1'"_s.arg(anaOwn.hash)) && q.next());
            QVERIFY(q.value(0).toInt() > 0);
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM member_keys WHERE key_hash = '%1'"_s.arg(anaOwn.hash)) && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
            QVERIFY(q.exec(u"SELECT COUNT(*), SUM(usage) FROM user_activity WHERE user_id = 'user_ana'"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), 2);
            // Per day: gpt-4o on both keys, claude on both, and the 0.125 seedActivity gave "ben" on ana-own.
            QCOMPARE(q.value(1).toDouble(), (2 * (0.25 + 1) + 2 * 0.5 + 0.125) + (2 * (0.25 + 10) + 2 * 0.5 + 0.125));
        }
        raw.close();
        raw = {};
        QSqlDatabase::removeDatabase(u"user-activity"_s);
    }

    // 403 (no analytics for this account) and 404 (no such endpoint) fall back to /activity for
    // the session: the next sync does not ask analytics again.
    void analyticsRefusedFallsBackToActivityOnce_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("403") << 403;
        QTest::newRow("404") << 404;
    }
    void analyticsRefusedFallsBackToActivityOnce()
    {
        QFETCH(int, status);
        ApiKey ana, ben;
        seedTeam(&ana, &ben);
        seedActivity(ana, ben);
        m_fake->setAnalyticsRefusal(status);
        auto route = std::make_shared<SyncService::ActivityRoute>();
        FlowError e = runSync(*m_store, route);
        QVERIFY2(!e, qPrintable(e.message()));
        QVERIFY(route->analyticsRefused);
        QCOMPARE(m_fake->countRequests("POST", u"/analytics/query"_s), 1);
        // The account, Ana's used key and the used key nobody owns (Ben's is unused).
        QCOMPARE(m_fake->countRequests("GET", u"/activity"_s), 3);
        e = runSync(*m_store, route);
        QVERIFY2(!e, qPrintable(e.message()));
        QCOMPARE(m_fake->countRequests("POST", u"/analytics/query"_s), 1);
        QCOMPARE(m_fake->countRequests("GET", u"/activity"_s), 6);
        const QDate yesterday = m_fake->now().toUTC().date().addDays(-1);
        const auto byProvider = m_store->spend().spendByProvider(yesterday, yesterday);
        QVERIFY(byProvider.ok());
        QCOMPARE(byProvider->size(), 3); // /activity carries provider_name too
    }

    // Any other failure of analytics (a server error, an answer that is not what the spec says, a
    // single day too large to answer) fails the sync closed: nothing written, no fallback.
    void analyticsFailureFailsTheSyncClosed_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("500") << 0;
        QTest::newRow("malformed answer") << 1;
        QTest::newRow("one day truncated") << 2;
    }
    void analyticsFailureFailsTheSyncClosed()
    {
        QFETCH(int, kind);
        ApiKey ana, ben;
        seedTeam(&ana, &ben);
        seedActivity(ana, ben);
        if (kind == 0) {
            m_fake->failNext("POST", u"/analytics/query"_s, FakeOpenRouter::errorFault(500, u"boom"_s), 10, 1);
        } else if (kind == 1) {
            FakeOpenRouter::Fault f;
            f.status = 200;
            f.body = R"({"data":{"data":[{"date__day":"2026-01-01T00:00:00.000Z","model":"m","api_key_id":"x","total_cost":"1"}],"metadata":{"query_time_ms":1,"row_count":1,"truncated":false}}})";
            m_fake->failNext("POST", u"/analytics/query"_s, f, 10, 1);
        } else {
            m_fake->setAnalyticsRowCap(1);
        }
        const QString before = test::TestDatabases::fingerprint(m_location);
        auto route = std::make_shared<SyncService::ActivityRoute>();
        const FlowError e = runSync(*m_store, route);
        QVERIFY(e.failed());
        QVERIFY(!route->analyticsRefused);
        QCOMPARE(m_fake->countRequests("GET", u"/activity"_s), 0);
        QCOMPARE(test::TestDatabases::fingerprint(m_location), before);
    }
};

QTEST_GUILESS_MAIN(TestServices)
#include "tst_services.moc"
