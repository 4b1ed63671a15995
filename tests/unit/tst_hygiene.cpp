// Key hygiene's rules on known data: when a key was last used (from counters and history, never
// a guess), each finding, the thresholds, the rotation schedule's steps and the rotation alert.
#include "Alerts.h"
#include "Hygiene.h"

#include <QTest>
#include <QTimeZone>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(orteam::KeyUseHistory)
Q_DECLARE_METATYPE(orteam::LastUse)

namespace {
// A Sunday: the week began on Monday the 23rd, the month on the 1st.
const QDateTime Now(QDate(2026, 11, 29), QTime(12, 0), Qt::UTC);
const QDate Today = Now.date();

ApiKey key(const QString &name, double usage = 0)
{
    ApiKey k;
    k.hash = name + u"-hash"_s;
    k.name = name;
    k.usage = usage;
    k.limit = 10;
    k.createdAt = Now.addDays(-20);
    return k;
}

KeyUseHistory history(const QDate &first, double firstUsage, const QDate &last, double lastUsage, const QDate &used = {})
{
    KeyUseHistory h;
    h.firstDay = first;
    h.firstUsage = firstUsage;
    h.lastDay = last;
    h.lastUsage = lastUsage;
    h.usedDay = used;
    return h;
}

QList<Finding> findingsOf(const QList<KeyHygiene> &all, const QString &name)
{
    for (const KeyHygiene &k : all) {
        if (k.key.name == name)
            return k.findings;
    }
    return {};
}

QList<HygieneRule> rulesOf(const QList<KeyHygiene> &all, const QString &name)
{
    QList<HygieneRule> rules;
    for (const Finding &f : findingsOf(all, name))
        rules << f.rule;
    return rules;
}
} // namespace

class TestHygiene : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lastUseFromTheEvidence_data()
    {
        QTest::addColumn<double>("usage");
        QTest::addColumn<double>("daily");
        QTest::addColumn<double>("weekly");
        QTest::addColumn<double>("monthly");
        QTest::addColumn<KeyUseHistory>("history");
        QTest::addColumn<LastUse>("expected");
        QTest::addColumn<QString>("text");

        const KeyUseHistory none;
        QTest::newRow("never used") << 0.0 << 0.0 << 0.0 << 0.0 << none << LastUse{LastUse::Kind::Never, {}, {}} << u"never"_s;
        QTest::newRow("used today") << 5.0 << 1.0 << 1.0 << 1.0 << none << LastUse{LastUse::Kind::Day, Today, {}}
                                    << u"2026-11-29"_s;
        // A snapshot 40 days ago showed use; nothing since (the counters agree).
        const QDate forty = Today.addDays(-40);
        QTest::newRow("a day in the history") << 5.0 << 0.0 << 0.0 << 0.0 << history(forty.addDays(-5), 4, forty, 5, forty)
                                              << LastUse{LastUse::Kind::Day, forty, {}} << u"2026-10-20"_s;
        // The lifetime counter rose since the snapshot 40 days ago, but not this month: the use is
        // between that day and the last day of October. Never a guessed day.
        QTest::newRow("a rise nobody dated") << 6.0 << 0.0 << 0.0 << 0.0 << history(forty.addDays(-5), 4, forty, 5, forty)
                                             << LastUse{LastUse::Kind::Since, forty, QDate(2026, 10, 31)}
                                             << u"between 2026-10-20 and 2026-10-31"_s;
        // This week's counter shows use, not today's: some day from Monday to yesterday.
        QTest::newRow("this week") << 6.0 << 0.0 << 1.0 << 1.0 << history(forty.addDays(-5), 4, forty, 5, forty)
                                   << LastUse{LastUse::Kind::Since, QDate(2026, 11, 23), QDate(2026, 11, 28)}
                                   << u"between 2026-11-23 and 2026-11-28"_s;
        // Spent before the history begins 10 days ago; this month's counter is zero: no use since
        // the 1st, and when exactly before that is unknown (history too short for a 30-day rule).
        QTest::newRow("history too short") << 5.0 << 0.0 << 0.0 << 0.0 << history(Today.addDays(-10), 5, Today.addDays(-1), 5)
                                           << LastUse{LastUse::Kind::Unknown, QDate(2026, 11, 1), {}}
                                           << u"unknown (none since 2026-11-01)"_s;
        QTest::newRow("history long enough") << 5.0 << 0.0 << 0.0 << 0.0 << history(Today.addDays(-60), 5, Today, 5)
                                             << LastUse{LastUse::Kind::Unknown, Today.addDays(-60), {}}
                                             << u"unknown (none since 2026-09-30)"_s;
        // The snapshots saw the lifetime spend rise between the 10th and the 20th with no daily
        // counter: the use is a span, not a day.
        KeyUseHistory span = history(forty.addDays(-30), 4, Today.addDays(-5), 5, QDate(2026, 11, 19));
        span.usedFrom = QDate(2026, 11, 10);
        QTest::newRow("a span in the history") << 5.0 << 0.0 << 0.0 << 5.0 << span
                                               << LastUse{LastUse::Kind::Since, QDate(2026, 11, 10), QDate(2026, 11, 19)}
                                               << u"between 2026-11-10 and 2026-11-19"_s;
        KeyUseHistory activity;
        activity.activityDay = Today.addDays(-3);
        QTest::newRow("activity only") << 0.0 << 0.0 << 0.0 << 0.0 << activity << LastUse{LastUse::Kind::Day, Today.addDays(-3), {}}
                                       << u"2026-11-26"_s;
    }

    void lastUseFromTheEvidence()
    {
        QFETCH(double, usage);
        QFETCH(double, daily);
        QFETCH(double, weekly);
        QFETCH(double, monthly);
        QFETCH(KeyUseHistory, history);
        QFETCH(LastUse, expected);
        QFETCH(QString, text);
        ApiKey k = key(u"k"_s, usage);
        k.usageDaily = daily;
        k.usageWeekly = weekly;
        k.usageMonthly = monthly;
        const LastUse got = lastUse(k, history, Now);
        QCOMPARE(int(got.kind), int(expected.kind));
        QCOMPARE(got.day, expected.day);
        QCOMPARE(got.until, expected.until);
        QCOMPARE(got.text(), text);
    }

    // BYOK spend is use too: a key used only with the member's own provider key is not dormant.
    void byokCountsAsUse()
    {
        ApiKey k = key(u"byok"_s, 0);
        k.byokUsage = 3;
        k.byokUsageMonthly = k.byokUsageWeekly = 3;
        const LastUse use = lastUse(k, history(Today.addDays(-60), 1, Today.addDays(-1), 1), Now);
        // Risen (BYOK) since yesterday's snapshot and not today: yesterday, after that snapshot.
        QCOMPARE(int(use.kind), int(LastUse::Kind::Day));
        QCOMPARE(use.day, Today.addDays(-1));
        k.byokUsage = 0;
        k.byokUsageMonthly = k.byokUsageWeekly = 0;
        k.usage = 0;
        QCOMPARE(int(lastUse(k, {}, Now).kind), int(LastUse::Kind::Never));
    }

    // One key per rule, each breaking only the rules it is named for.
    void eachRuleOnKnownKeys()
    {
        HygieneInput in;
        in.now = Now;

        ApiKey fine = key(u"fine"_s, 3);
        fine.usageDaily = fine.usageWeekly = fine.usageMonthly = 1;
        ApiKey gone = key(u"offboarded-enabled"_s, 3);
        gone.usageDaily = gone.usageWeekly = gone.usageMonthly = 1;
        ApiKey goneDisabled = gone;
        goneDisabled.hash = u"offboarded-disabled-hash"_s;
        goneDisabled.name = u"offboarded-disabled"_s;
        goneDisabled.disabled = true;
        ApiKey expired = key(u"expired"_s, 1);
        expired.usageDaily = expired.usageWeekly = expired.usageMonthly = 1;
        expired.expiresAt = Now.addDays(-2);
        ApiKey expiring = key(u"expiring"_s, 1);
        expiring.usageDaily = expiring.usageWeekly = expiring.usageMonthly = 1;
        expiring.expiresAt = Now.addDays(3);
        ApiKey dormant = key(u"dormant"_s, 5);
        dormant.createdAt = Now.addDays(-80);
        ApiKey never = key(u"never"_s);
        never.createdAt = Now.addDays(-45);
        ApiKey young = key(u"young-unused"_s);
        young.createdAt = Now.addDays(-5);
        ApiKey old = key(u"old"_s, 2);
        old.usageDaily = old.usageWeekly = old.usageMonthly = 1;
        old.createdAt = Now.addDays(-120);
        ApiKey rotating = old;
        rotating.hash = u"rotating-hash"_s;
        rotating.name = u"rotating"_s;
        ApiKey orphan = key(u"orphan"_s, 1);
        orphan.usageDaily = orphan.usageWeekly = orphan.usageMonthly = 1;
        ApiKey unlimited = key(u"unlimited"_s, 1);
        unlimited.usageDaily = unlimited.usageWeekly = unlimited.usageMonthly = 1;
        unlimited.limit.reset();
        ApiKey twinA = key(u"twin"_s, 1);
        twinA.usageDaily = twinA.usageWeekly = twinA.usageMonthly = 1;
        ApiKey twinB = twinA;
        twinB.hash = u"twin-b-hash"_s;
        twinB.name = u"Twin "_s; // the same name to a person

        in.keys = {fine, gone, goneDisabled, expired, expiring, dormant, never, young, old, rotating, orphan, unlimited, twinA, twinB};
        QStringList owned;
        for (const ApiKey &k : in.keys) {
            if (k.name != u"orphan"_s && !k.hash.startsWith(u"offboarded"_s))
                owned << k.hash;
        }
        in.members = {Member{u"Ana"_s, {}, u"pro"_s, std::nullopt, true, owned},
                      Member{u"Olu"_s, {}, u"basic"_s, std::nullopt, false, {gone.hash, goneDisabled.hash}}};
        in.history.insert(dormant.hash, history(Today.addDays(-70), 1, Today.addDays(-1), 5, Today.addDays(-50)));
        in.rotations = {KeyRotation{rotating.hash, rotating.name, u"new-hash"_s, Now.addDays(-1), Now.addDays(6), Now.addDays(29),
                                    KeyRotation::State::Scheduled, {}}};

        const QList<KeyHygiene> all = assessKeys(in);
        QCOMPARE(all.size(), in.keys.size());
        QCOMPARE(rulesOf(all, u"fine"_s), QList<HygieneRule>{});
        QCOMPARE(rulesOf(all, u"offboarded-enabled"_s), QList<HygieneRule>{HygieneRule::InactiveOwner});
        QCOMPARE(rulesOf(all, u"offboarded-disabled"_s), QList<HygieneRule>{}); // disabled: nothing to fear
        QCOMPARE(rulesOf(all, u"expired"_s), QList<HygieneRule>{HygieneRule::Expired});
        QCOMPARE(rulesOf(all, u"expiring"_s), QList<HygieneRule>{HygieneRule::ExpiringSoon});
        QCOMPARE(rulesOf(all, u"dormant"_s), QList<HygieneRule>{HygieneRule::Dormant});
        QVERIFY2(findingsOf(all, u"dormant"_s).first().detail.contains(u"50 days ago"_s), qPrintable(findingsOf(all, u"dormant"_s).first().detail));
        QCOMPARE(rulesOf(all, u"never"_s), QList<HygieneRule>{HygieneRule::NeverUsed});
        QCOMPARE(rulesOf(all, u"young-unused"_s), QList<HygieneRule>{});
        QCOMPARE(rulesOf(all, u"old"_s), QList<HygieneRule>{HygieneRule::RotationDue});
        QCOMPARE(rulesOf(all, u"rotating"_s), QList<HygieneRule>{}); // its replacement is made
        QCOMPARE(rulesOf(all, u"orphan"_s), QList<HygieneRule>{HygieneRule::Orphan});
        QCOMPARE(rulesOf(all, u"unlimited"_s), QList<HygieneRule>{HygieneRule::NoLimit});
        QCOMPARE(rulesOf(all, u"twin"_s), QList<HygieneRule>{HygieneRule::DuplicateName});
        QCOMPARE(rulesOf(all, u"Twin "_s), QList<HygieneRule>{HygieneRule::DuplicateName});

        const QHash<HygieneRule, int> counts = findingCounts(all);
        QCOMPARE(counts.value(HygieneRule::DuplicateName), 2);
        QCOMPARE(counts.value(HygieneRule::Orphan), 1);
        QCOMPARE(worstSeverity(all), std::optional<Severity>(Severity::Critical));
        for (const KeyHygiene &k : all) {
            if (k.key.name == u"rotating"_s)
                QVERIFY(k.rotation.has_value());
        }

        // Without a team database the member rules say nothing (no orphans, no owners).
        in.teamKnown = false;
        in.members.clear();
        const QList<KeyHygiene> alone = assessKeys(in);
        QCOMPARE(findingCounts(alone).value(HygieneRule::Orphan), 0);
        QCOMPARE(findingCounts(alone).value(HygieneRule::InactiveOwner), 0);
    }

    // A key spent before the history begins: it is dormant only once the history itself reaches
    // back the whole period, and "unknown" is said, never a date.
    void dormantNeedsHistoryLongEnough()
    {
        HygieneInput in;
        in.now = Now;
        ApiKey k = key(u"k"_s, 5);
        k.createdAt = Now.addDays(-200);
        in.keys = {k};
        in.members = {Member{u"Ana"_s, {}, {}, std::nullopt, true, {k.hash}}};
        in.history.insert(k.hash, history(Today.addDays(-10), 5, Today, 5));
        QList<KeyHygiene> all = assessKeys(in);
        QCOMPARE(int(all.first().lastUse.kind), int(LastUse::Kind::Unknown));
        QVERIFY(!rulesOf(all, u"k"_s).contains(HygieneRule::Dormant)); // 28 days known: not enough for 30

        in.settings.dormantDays = 20;
        all = assessKeys(in);
        QVERIFY(rulesOf(all, u"k"_s).contains(HygieneRule::Dormant)); // 28 days known is enough for 20

        in.settings.dormantDays = 30;
        in.history.insert(k.hash, history(Today.addDays(-45), 5, Today, 5));
        all = assessKeys(in);
        QVERIFY(rulesOf(all, u"k"_s).contains(HygieneRule::Dormant));
        QVERIFY(findingsOf(all, u"k"_s).first().detail.contains(u"older than the history"_s));
    }

    void thresholdsAreChecked()
    {
        HygieneSettings s;
        QVERIFY(s.problem().isEmpty());
        s.dormantDays = 0;
        QVERIFY(s.problem().contains(u"Dormant"_s));
        s = {};
        s.graceDisableDays = 10;
        s.graceRevokeDays = 5;
        QVERIFY(s.problem().contains(u"before it is disabled"_s));
        s = {};
        s.graceDisableDays = 0; // at the next run: allowed
        s.graceRevokeDays = 0;
        QVERIFY(s.problem().isEmpty());
        s.rotationDays = 4000;
        QVERIFY(!s.problem().isEmpty());
        QCOMPARE(HygieneSettings::fields().size(), 5);
        for (HygieneRule r : allHygieneRules()) {
            QCOMPARE(hygieneRuleFromId(hygieneRuleId(r)), std::optional<HygieneRule>(r));
            QVERIFY(!hygieneRuleTitle(r).isEmpty());
            QVERIFY(!hygieneRuleDescription(r, s).isEmpty());
        }
        QCOMPARE(severityFromString(u"critical"_s), std::optional<Severity>(Severity::Critical));
        QVERIFY(!severityFromString(u"loud"_s));
    }

    // The schedule on its days: nothing in the grace period, disable after it, revoke after the
    // second period; a key an admin re-enabled is left alone; a key gone is forgotten.
    void scheduleSteps()
    {
        const QDateTime rotated = Now.addDays(-10);
        KeyRotation r{u"old-hash"_s, u"old"_s, u"new-hash"_s, rotated, rotated.addDays(7), rotated.addDays(30),
                      KeyRotation::State::Scheduled, {}};
        ApiKey old = key(u"old"_s, 1);
        old.hash = r.oldHash;
        ApiKey made = key(u"old"_s, 0);
        made.hash = r.newHash;

        auto actions = [](const QList<LifecycleStep> &steps) {
            QList<LifecycleStep::Action> a;
            for (const LifecycleStep &s : steps)
                a << s.action;
            return a;
        };
        using A = LifecycleStep::Action;
        QCOMPARE(actions(lifecycleSteps({r}, {old, made}, rotated.addDays(6))), QList<A>{});
        QCOMPARE(actions(lifecycleSteps({r}, {old, made}, rotated.addDays(7))), QList<A>{A::Disable});
        ApiKey disabledByHand = old;
        disabledByHand.disabled = true;
        QCOMPARE(actions(lifecycleSteps({r}, {disabledByHand, made}, rotated.addDays(8))), QList<A>{A::MarkDisabled});
        QCOMPARE(actions(lifecycleSteps({r}, {made}, rotated.addDays(8))), QList<A>{A::Forget});

        // A run that missed the grace period still disables first: never a revoke of an enabled key.
        QCOMPARE(actions(lifecycleSteps({r}, {old, made}, rotated.addDays(40))), QList<A>{A::Disable});
        QCOMPARE(actions(lifecycleSteps({r}, {disabledByHand, made}, rotated.addDays(40))), QList<A>{A::Revoke});
        // The replacement was revoked: the old key is what its member has left.
        QCOMPARE(actions(lifecycleSteps({r}, {old}, rotated.addDays(8))), QList<A>{A::Cancel});

        KeyRotation disabled = r;
        disabled.state = KeyRotation::State::Disabled;
        QCOMPARE(actions(lifecycleSteps({disabled}, {disabledByHand, made}, rotated.addDays(20))), QList<A>{});
        QCOMPARE(actions(lifecycleSteps({disabled}, {disabledByHand, made}, rotated.addDays(30))), QList<A>{A::Revoke});
        // Re-enabled by an admin after the schedule disabled it: cancelled, never revoked.
        QCOMPARE(actions(lifecycleSteps({disabled}, {old, made}, rotated.addDays(31))), QList<A>{A::Cancel});

        KeyRotation ended = r;
        ended.state = KeyRotation::State::Cancelled;
        QCOMPARE(actions(lifecycleSteps({ended}, {old, made}, rotated.addDays(40))), QList<A>{});
        // "Leave it as it is": no dates, no steps.
        KeyRotation keep = r;
        keep.disableAt = {};
        keep.revokeAt = {};
        QCOMPARE(actions(lifecycleSteps({keep}, {old, made}, rotated.addDays(400))), QList<A>{});
    }

    // A key due for rotation raises one alert (per key), not when it is being rotated already.
    void rotationAlert()
    {
        AlertInput in;
        in.now = Now;
        ApiKey old = key(u"old"_s, 1);
        old.createdAt = Now.addDays(-91);
        ApiKey fresh = key(u"fresh"_s, 1);
        ApiKey rotating = old;
        rotating.hash = u"rotating-hash"_s;
        in.keys = {old, fresh, rotating};
        in.rotatingKeys = {rotating.hash};
        QList<Alert> alerts = currentAlerts(in);
        QVERIFY(alerts.isEmpty()); // no rotation period known: no alert
        in.rotationDays = 90;
        alerts = currentAlerts(in);
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(int(alerts.first().kind), int(Alert::Kind::RotationDue));
        QCOMPARE(alerts.first().id, u"rotation:old-hash"_s);
        QVERIFY(alerts.first().text.contains(u"91 days old"_s));
    }
};

QTEST_GUILESS_MAIN(TestHygiene)
#include "tst_hygiene.moc"
