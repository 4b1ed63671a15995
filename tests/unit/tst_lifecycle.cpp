// Key hygiene and lifecycle on real parts: the team database (a SQLite file, and as
// tst_lifecycle_postgres a PostgreSQL server) and the fake OpenRouter on loopback. key_use kept in
// step with snapshots and activity (and filled once from an older database's history), the
// schedule and settings stored, rotation with a grace period carried out on the right days with a
// pinned clock, and every read that fails changing nothing.
#include "Audit.h"
#include "FakeOpenRouter.h"
#include "LifecycleService.h"
#include "OpenRouterClient.h"
#include "Schema.h"
#include "Store.h"
#include "TeamService.h"
#include "FakeClient.h"
#include "TestDatabase.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QSqlQuery>
#include <QTest>

#include <functional>
#include <memory>

using namespace orteam;
using test::waitFor;
using namespace Qt::Literals::StringLiterals;

namespace {
ApiKey counters(const QString &hash, double usage, double daily)
{
    ApiKey k;
    k.hash = hash;
    k.usage = usage;
    k.usageDaily = daily;
    return k;
}

QDateTime at(const QDate &day)
{
    return QDateTime(day, QTime(18, 0), Qt::UTC);
}
} // namespace

class TestLifecycle : public QObject
{
    Q_OBJECT

    test::TestDatabases m_dbs;
    std::unique_ptr<FakeOpenRouter> m_fake;
    QNetworkAccessManager m_network;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<Store> m_store;
    DbLocation m_location;

    KeyUseHistory useOf(const QString &hash)
    {
        const auto all = m_store->lifecycle().keyUse();
        if (!all)
            qFatal("key_use unreadable: %s", qPrintable(all.error().message));
        return all->value(hash);
    }

    int auditCount(const QString &action)
    {
        const auto entries = m_store->audit().log();
        int n = 0;
        for (const AuditEntry &e : *entries)
            n += e.action == action;
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qInfo("backend: %s", m_dbs.postgres() ? "PostgreSQL" : "SQLite");
        QLoggingCategory::setFilterRules(u"orteam.storage.warning=false"_s);
    }

    void init()
    {
        m_fake = std::make_unique<FakeOpenRouter>();
        QVERIFY(m_fake->start() != 0);
        m_client = test::clientFor(*m_fake, &m_network);
        m_location = m_dbs.fresh();
        m_store = std::make_unique<Store>();
        const Status opened = m_store->open(m_location);
        QVERIFY2(opened.ok(), qPrintable(opened.errorText()));
    }

    void cleanup()
    {
        m_store.reset();
        m_client.reset();
        m_fake.reset();
    }

    // Snapshots written day by day keep key_use: the first and latest snapshot, and the latest
    // day one showed use (a daily counter, or the lifetime counter risen since the one before).
    void keyUseFollowsTheSnapshots()
    {
        const QDate d(2026, 10, 1);
        UsageRepository &usage = m_store->usage();
        QVERIFY(usage.recordKeySnapshots({counters(u"k"_s, 2, 0)}, at(d)).ok());
        KeyUseHistory h = useOf(u"k"_s);
        QCOMPARE(h.firstDay, d);
        QCOMPARE(h.firstUsage, 2.0);
        QCOMPARE(h.lastDay, d);
        QVERIFY(!h.usedDay.isValid()); // spent before the history: not dated

        QVERIFY(usage.recordKeySnapshots({counters(u"k"_s, 3, 1)}, at(d.addDays(2))).ok());
        QCOMPARE(useOf(u"k"_s).usedDay, d.addDays(2));
        QVERIFY(usage.recordKeySnapshots({counters(u"k"_s, 3, 0)}, at(d.addDays(3))).ok());
        QCOMPARE(useOf(u"k"_s).usedDay, d.addDays(2)); // nothing new
        // Risen with no daily counter seen (the days between were not snapshotted): a span from the
        // snapshot before to the day before this one, never a guessed day.
        QVERIFY(usage.recordKeySnapshots({counters(u"k"_s, 4, 0)}, at(d.addDays(6))).ok());
        h = useOf(u"k"_s);
        QCOMPARE(h.usedFrom, d.addDays(3));
        QCOMPARE(h.usedDay, d.addDays(5));
        QCOMPARE(h.lastDay, d.addDays(6));
        QCOMPARE(h.lastUsage, 4.0);
        QCOMPARE(h.firstDay, d);
        // The same day written again (a second refresh) with no change keeps everything.
        QVERIFY(usage.recordKeySnapshots({counters(u"k"_s, 4, 0)}, at(d.addDays(6)).addSecs(600)).ok());
        QCOMPARE(useOf(u"k"_s), h);

        // Activity dates use too, with or without snapshots.
        ActivityData activity;
        ActivityItem item;
        item.date = d.addDays(8);
        item.model = u"openai/gpt-4o"_s;
        item.requests = 3;
        item.usage = 0.2;
        activity.perKey.insert(u"k"_s, {item});
        activity.perKey.insert(u"only-activity"_s, {item});
        QVERIFY(usage.recordActivity(activity).ok());
        QCOMPARE(useOf(u"k"_s).activityDay, d.addDays(8));
        QCOMPARE(useOf(u"only-activity"_s).activityDay, d.addDays(8));
        QVERIFY(!useOf(u"only-activity"_s).firstDay.isValid());
        item.date = d.addDays(1); // an older day reported again does not move it back
        activity.perKey = {{u"k"_s, {item}}};
        QVERIFY(usage.recordActivity(activity).ok());
        QCOMPARE(useOf(u"k"_s).activityDay, d.addDays(8));
    }

    // A database from before key_use (schema 5) gets it filled from the history it holds.
    void olderDatabaseIsFilledOnce()
    {
        const QDate d(2026, 9, 1);
        UsageRepository &usage = m_store->usage();
        QVERIFY(usage.recordKeySnapshots({counters(u"a"_s, 1, 0), counters(u"b"_s, 0, 0)}, at(d)).ok());
        QVERIFY(usage.recordKeySnapshots({counters(u"a"_s, 2, 0), counters(u"b"_s, 0, 0)}, at(d.addDays(4))).ok());
        QVERIFY(usage.recordKeySnapshots({counters(u"a"_s, 2, 0), counters(u"b"_s, 1, 1)}, at(d.addDays(9))).ok());
        const KeyUseHistory a = useOf(u"a"_s), b = useOf(u"b"_s);
        m_store->close();
        {
            QSqlDatabase raw = test::TestDatabases::rawConnection(m_location, u"older"_s);
            QSqlQuery q(raw);
            QVERIFY(q.exec(u"DROP TABLE key_use"_s));
            QVERIFY(q.exec(u"DROP TABLE key_rotations"_s));
            // …and what later versions added, so the database is a version-5 one throughout.
            QVERIFY(q.exec(u"DROP TABLE notify_outbox"_s));
            QVERIFY(q.exec(u"DROP TABLE notify_destinations"_s));
            QVERIFY(q.exec(u"DROP INDEX members_openrouter_user"_s));
            QVERIFY(q.exec(u"ALTER TABLE members DROP COLUMN openrouter_user_id"_s));
            QVERIFY(q.exec(u"ALTER TABLE members DROP COLUMN guardrail_id"_s));
            QVERIFY(q.exec(u"ALTER TABLE members DROP COLUMN budget_period"_s));
            QVERIFY(q.exec(u"ALTER TABLE tiers DROP COLUMN budget_period"_s));
            QVERIFY(q.exec(u"DROP TABLE provider_activity"_s));
            QVERIFY(q.exec(u"DROP TABLE user_activity"_s));
            QVERIFY(q.exec(u"DROP TABLE workspaces"_s));
            QVERIFY(q.exec(u"DROP TABLE key_workspaces"_s));
            QVERIFY(q.exec(u"ALTER TABLE key_snapshots DROP COLUMN workspace_id"_s));
            QVERIFY(q.exec(u"UPDATE schema_version SET version = 5"_s));
            raw.close();
        }
        QSqlDatabase::removeDatabase(u"older"_s);
        const Status reopened = m_store->open(m_location);
        QVERIFY2(reopened.ok(), qPrintable(reopened.errorText()));
        QCOMPARE(*m_store->database().schemaVersion(), Schema::Version);
        // The fill dates a rise on its snapshot's day (the latest it can be: the safe side), where
        // the running upsert kept the span d..d+3.
        QCOMPARE(a.usedFrom, d);
        QCOMPARE(a.usedDay, d.addDays(3));
        const KeyUseHistory filled = useOf(u"a"_s);
        QCOMPARE(filled.usedDay, d.addDays(4));
        QVERIFY(!filled.usedFrom.isValid());
        QCOMPARE(filled.firstDay, a.firstDay);
        QCOMPARE(filled.firstUsage, a.firstUsage);
        QCOMPARE(filled.lastDay, a.lastDay);
        QCOMPARE(filled.lastUsage, a.lastUsage);
        QCOMPARE(useOf(u"b"_s), b);
        QCOMPARE(useOf(u"b"_s).usedDay, d.addDays(9));
    }

    void scheduleAndSettingsAreKept()
    {
        LifecycleRepository &repo = m_store->lifecycle();
        QCOMPARE(*repo.hygieneSettings(), HygieneSettings{});
        HygieneSettings s;
        s.dormantDays = 45;
        s.graceDisableDays = 3;
        QVERIFY(repo.setHygieneSettings(s).ok());
        QCOMPARE(*repo.hygieneSettings(), s);
        s.graceRevokeDays = 1; // before the disable: refused, the stored ones stay
        QCOMPARE(repo.setHygieneSettings(s).error().kind, StoreError::Kind::Invalid);
        QCOMPARE(repo.hygieneSettings()->graceRevokeDays, 30);
        // A value another program wrote wrong is an error, never quietly the default.
        QVERIFY(m_store->governance().setSetting(u"hygiene.rotation_days"_s, u"ninety"_s).ok());
        QCOMPARE(repo.hygieneSettings().error().kind, StoreError::Kind::Invalid);

        const QDateTime t(QDate(2026, 11, 1), QTime(9, 30), Qt::UTC);
        KeyRotation r{u"old"_s, u"old key"_s, u"new"_s, t, t.addDays(7), t.addDays(30), KeyRotation::State::Scheduled, {}};
        QVERIFY(repo.scheduleRotation(r).ok());
        QCOMPARE(*repo.rotations(), QList<KeyRotation>{r});
        QVERIFY(repo.setRotationState(u"old"_s, KeyRotation::State::Cancelled, u"kept"_s).ok());
        QVERIFY(repo.rotations()->isEmpty()); // open ones only
        QCOMPARE(repo.rotations(false)->first().note, u"kept"_s);
        QCOMPARE(repo.setRotationState(u"nobody"_s, KeyRotation::State::Done).error().kind, StoreError::Kind::NotFound);
    }

    // The assessment reads members, history, schedule and settings: any of them failing is an
    // error, never a list of findings made from part of the data.
    void assessmentFailsClosed()
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"ana"_s;
        const ApiKey k = m_fake->addKey(seed);
        HygieneService hygiene(m_store.get());
        const auto ok = hygiene.assess({k}, m_fake->now());
        QVERIFY(ok);
        QCOMPARE(ok->keys.first().findings.first().rule, HygieneRule::Orphan);
        for (const QString &table : {u"members"_s, u"key_use"_s, u"key_rotations"_s, u"team_settings"_s}) {
            m_store->database().setFaultInjector([table](int, const QString &sql) { return sql.contains(table); });
            const auto failed = hygiene.assess({k}, m_fake->now());
            m_store->database().setFaultInjector({});
            QVERIFY2(!failed, qPrintable(table));
        }
        // Without a team database: counters only, no member rules.
        const auto alone = HygieneService(nullptr).assess({k}, m_fake->now());
        QVERIFY(alone && !alone->teamKnown);
        for (const Finding &f : alone->keys.first().findings)
            QVERIFY(f.rule != HygieneRule::Orphan);
    }

    // Rotate: the replacement has the old key's settings and member; the old key is scheduled.
    // Then, with the clock moved on, the runs disable it after 7 days and revoke it after 30.
    void rotationRunsOnItsDays()
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"ana-laptop"_s;
        seed.limit = 25;
        seed.limitReset = LimitReset::Monthly;
        seed.creatorUserId = u"user_ana"_s; // hers at OpenRouter: her guardrails as a person bind it
        const ApiKey old = m_fake->addKey(seed);
        QVERIFY(TeamService(*m_store).addMember(Member{u"Ana"_s, {}, u"pro"_s, std::nullopt, true, {old.hash}}).ok());
        LifecycleService lifecycle(m_store.get(), *m_client);
        const QDateTime t0 = m_fake->now();

        const auto rotated = waitFor<LifecycleService::RotateOutcome>(
            [&](auto done) { lifecycle.rotate(old, {}, t0, this, done); });
        QVERIFY2(!rotated.error, qPrintable(rotated.error.message()));
        QVERIFY(rotated.warnings.isEmpty());
        QVERIFY(rotated.created && !rotated.created->secret.isEmpty());
        const ApiKey made = rotated.created->key;
        QCOMPARE(made.name, old.name);
        QCOMPARE(made.limit, old.limit);
        QCOMPARE(made.limitReset, LimitReset::Monthly);
        QCOMPARE(m_fake->key(made.hash)->creatorUserId, u"user_ana"_s); // the replacement is hers too
        QCOMPARE(rotated.member, u"Ana"_s);
        QVERIFY(m_store->team().member(u"Ana"_s)->keyHashes.contains(made.hash));
        QVERIFY(rotated.rotation);
        QCOMPARE(rotated.rotation->disableAt, t0.toUTC().addDays(7));
        QCOMPARE(rotated.rotation->revokeAt, t0.toUTC().addDays(30));
        QCOMPARE(m_store->lifecycle().rotations()->size(), 1);
        QCOMPARE(auditCount(AuditAction::Rotate), 1);
        QCOMPARE(auditCount(AuditAction::Create), 1);

        auto run = [&](const QDateTime &now, bool dry = false) {
            return waitFor<LifecycleService::RunOutcome>([&](auto done) { lifecycle.run(std::nullopt, now, dry, this, done); });
        };
        m_fake->clearRequests();
        QVERIFY(run(t0.addDays(6)).planned.isEmpty());
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s), 0);

        const auto dry = run(t0.addDays(8), true);
        QCOMPARE(dry.planned.size(), 1);
        QVERIFY(dry.done.isEmpty());
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s), 0);
        QVERIFY(!m_fake->key(old.hash)->disabled);

        const auto day8 = run(t0.addDays(8));
        QCOMPARE(day8.done.size(), 1);
        QCOMPARE(day8.done.first().action, LifecycleStep::Action::Disable);
        QVERIFY(m_fake->key(old.hash)->disabled);
        QVERIFY(!m_fake->key(made.hash)->disabled);
        QCOMPARE(m_store->lifecycle().rotations()->first().state, KeyRotation::State::Disabled);
        QCOMPARE(auditCount(AuditAction::Disable), 1);
        QVERIFY(run(t0.addDays(9)).planned.isEmpty()); // nothing twice

        const auto day31 = run(t0.addDays(31));
        QCOMPARE(day31.done.size(), 1);
        QCOMPARE(day31.done.first().action, LifecycleStep::Action::Revoke);
        QVERIFY(!m_fake->key(old.hash).has_value());
        QVERIFY(m_fake->key(made.hash).has_value());
        QVERIFY(m_store->lifecycle().rotations()->isEmpty());
        QCOMPARE(m_store->lifecycle().rotations(false)->first().state, KeyRotation::State::Done);
        QCOMPARE(auditCount(AuditAction::Revoke), 1);
    }

    // An admin re-enabled the old key after the schedule disabled it: it is never revoked.
    void reEnabledKeyIsLeftAlone()
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"ben-ci"_s;
        const ApiKey old = m_fake->addKey(seed);
        LifecycleService lifecycle(m_store.get(), *m_client);
        const QDateTime t0 = m_fake->now();
        LifecycleService::RotateOptions options;
        options.disableAfterDays = 1;
        options.revokeAfterDays = 2;
        const auto rotated = waitFor<LifecycleService::RotateOutcome>(
            [&](auto done) { lifecycle.rotate(old, options, t0, this, done); });
        QVERIFY(!rotated.error);
        QVERIFY(rotated.member.isEmpty()); // nobody's: the replacement is nobody's either
        auto run = [&](const QDateTime &now) {
            return waitFor<LifecycleService::RunOutcome>([&](auto done) { lifecycle.run(std::nullopt, now, false, this, done); });
        };
        QCOMPARE(run(t0.addDays(1)).done.size(), 1);
        QVERIFY(m_fake->key(old.hash)->disabled);
        KeyUpdate enable;
        enable.disabled = false;
        QVERIFY(waitFor<ApiResult<ApiKey>>([&](auto done) { m_client->updateKey(old.hash, enable, this, done); }).ok());

        m_fake->clearRequests();
        const auto later = run(t0.addDays(40));
        QCOMPARE(later.done.size(), 1);
        QCOMPARE(later.done.first().action, LifecycleStep::Action::Cancel);
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys"_s), 0);
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s), 0);
        QVERIFY(m_fake->key(old.hash).has_value() && !m_fake->key(old.hash)->disabled);
        QCOMPARE(m_store->lifecycle().rotations(false)->first().state, KeyRotation::State::Cancelled);
        QVERIFY(run(t0.addDays(80)).planned.isEmpty());
    }

    // Fail closed: the owner unreadable makes no key; the key list or schedule unreadable does
    // nothing; a step OpenRouter refuses is reported and tried again by the next run.
    void failuresChangeNothing()
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"cleo"_s;
        const ApiKey old = m_fake->addKey(seed);
        LifecycleService lifecycle(m_store.get(), *m_client);
        const QDateTime t0 = m_fake->now();

        m_store->database().setFaultInjector([](int, const QString &sql) { return sql.contains(u"members"_s); });
        const auto refused = waitFor<LifecycleService::RotateOutcome>([&](auto done) { lifecycle.rotate(old, {}, t0, this, done); });
        m_store->database().setFaultInjector({});
        QVERIFY(refused.error);
        QVERIFY(!refused.created);
        QCOMPARE(m_fake->countRequests("POST", u"/keys"_s), 0);
        QCOMPARE(m_fake->keyCount(), 1);

        QVERIFY(!waitFor<LifecycleService::RotateOutcome>([&](auto done) { lifecycle.rotate(old, {}, t0, this, done); }).error);
        auto run = [&](const QDateTime &now) {
            return waitFor<LifecycleService::RunOutcome>([&](auto done) { lifecycle.run(std::nullopt, now, false, this, done); });
        };
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"down"_s));
        const auto noList = run(t0.addDays(8));
        QVERIFY(noList.error);
        QVERIFY(noList.done.isEmpty());
        QVERIFY(!m_fake->key(old.hash)->disabled);

        m_store->database().setFaultInjector([](int, const QString &sql) { return sql.contains(u"key_rotations"_s); });
        const auto noSchedule = run(t0.addDays(8));
        m_store->database().setFaultInjector({});
        QVERIFY(noSchedule.error);
        QVERIFY(!m_fake->key(old.hash)->disabled);

        // The schedule moves on before the call: if that write fails, nothing is sent.
        m_fake->clearRequests();
        m_store->database().setFaultInjector([](int, const QString &sql) { return sql.startsWith(u"UPDATE key_rotations"_s); });
        const auto unwritten = run(t0.addDays(8));
        m_store->database().setFaultInjector({});
        QCOMPARE(unwritten.failed.size(), 1);
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s), 0);
        QVERIFY(!m_fake->key(old.hash)->disabled);

        // A key missing from the list the caller has (the paging missed it) is asked for by
        // itself before its schedule ends: still there, so nothing ends.
        QList<ApiKey> partial = m_fake->keys();
        partial.removeIf([&](const ApiKey &k) { return k.hash == old.hash; });
        const auto missed = waitFor<LifecycleService::RunOutcome>(
            [&](auto done) { lifecycle.run(partial, t0.addDays(8), false, this, done); });
        QVERIFY(missed.done.isEmpty());
        QCOMPARE(missed.warnings.size(), 1);
        QCOMPARE(m_store->lifecycle().rotations()->first().state, KeyRotation::State::Scheduled);

        m_fake->failNext("PATCH", u"/keys"_s, FakeOpenRouter::errorFault(500, u"busy"_s));
        const auto refusedStep = run(t0.addDays(8));
        QVERIFY(!refusedStep.error);
        QCOMPARE(refusedStep.failed.size(), 1);
        QVERIFY(!m_fake->key(old.hash)->disabled);
        QCOMPARE(m_store->lifecycle().rotations()->first().state, KeyRotation::State::Scheduled);
        QCOMPARE(run(t0.addDays(8)).done.size(), 1); // the next run finishes it
        QVERIFY(m_fake->key(old.hash)->disabled);

        // Cancelled by an admin: nothing more happens to it.
        QVERIFY(lifecycle.cancel(old.hash, old.name).ok());
        QVERIFY(run(t0.addDays(60)).planned.isEmpty());
        QVERIFY(m_fake->key(old.hash).has_value());
        QCOMPARE(lifecycle.cancel(u"nobody"_s, u"x"_s).error().kind, StoreError::Kind::NotFound);
    }

    // A replacement is a new working secret: never for a key being rotated already, a disabled or
    // expired key, or a key of an inactive member. Nothing is sent for any of them.
    void rotationRefusedWhereAccessShouldEnd()
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"dan"_s;
        const ApiKey live = m_fake->addKey(seed);
        seed.name = u"dan-off"_s;
        seed.disabled = true;
        const ApiKey disabled = m_fake->addKey(seed);
        seed.name = u"olu"_s;
        seed.disabled = false;
        const ApiKey leaver = m_fake->addKey(seed);
        QVERIFY(TeamService(*m_store).addMember(Member{u"Olu"_s, {}, u"pro"_s, std::nullopt, false, {leaver.hash}}).ok());
        LifecycleService lifecycle(m_store.get(), *m_client);
        const QDateTime t0 = m_fake->now();
        auto rotate = [&](const ApiKey &k) {
            return waitFor<LifecycleService::RotateOutcome>([&](auto done) { lifecycle.rotate(k, {}, t0, this, done); });
        };
        QVERIFY(!rotate(live).error);
        m_fake->clearRequests();
        const auto twice = rotate(live);
        QVERIFY(twice.error);
        QVERIFY2(twice.error.message().contains(u"being rotated already"_s), qPrintable(twice.error.message()));
        QVERIFY(rotate(disabled).error.message().contains(u"disabled"_s));
        QVERIFY(rotate(leaver).error.message().contains(u"inactive"_s));
        ApiKey expired = live;
        expired.expiresAt = t0.addDays(-1);
        QVERIFY(rotate(expired).error);
        QCOMPARE(m_fake->countRequests("POST", u"/keys"_s), 0);
        // A longer grace moves the revocation with it (the team's 7 + 23 days).
        LifecycleService::RotateOptions longer;
        longer.disableAfterDays = 20;
        seed.name = u"eve"_s;
        const auto eve = waitFor<LifecycleService::RotateOutcome>(
            [&](auto done) { lifecycle.rotate(m_fake->addKey(seed), longer, t0, this, done); });
        QVERIFY(eve.rotation);
        QCOMPARE(eve.rotation->revokeAt, t0.toUTC().addDays(43));
    }
};

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
