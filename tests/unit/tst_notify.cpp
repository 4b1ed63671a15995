// Notifications: the routing and quiet hours, the message shapes and the webhook signature (domain),
// and the outbox's "once" (storage and NotifyService), on SQLite and on PostgreSQL.
#include "Notify.h"
#include "PeriodSpendInput.h"
#include "NotifyService.h"
#include "SecretStore.h"
#include "TestDatabase.h"

#include <QNetworkAccessManager>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>
#include <QTimeZone>

using namespace Qt::Literals::StringLiterals;
using namespace orteam;

namespace {
Destination slack(const QString &id = u"leads"_s)
{
    Destination d;
    d.id = id;
    d.name = u"#leads"_s;
    d.kind = Destination::Kind::Slack;
    d.alertKinds = {Alert::Kind::Budget, Alert::Kind::TeamBudget};
    return d;
}

Alert budgetAlert(const QString &member, int pct)
{
    Alert a;
    a.kind = Alert::Kind::Budget;
    a.percent = pct;
    a.member = member;
    a.subject = member;
    a.id = u"budget%1:%2:2026-11-30"_s.arg(pct).arg(member);
    a.text = u"%1 has spent a lot."_s.arg(member);
    return a;
}

QDateTime utc(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODate).toUTC();
}
} // namespace

class TestNotify : public QObject
{
    Q_OBJECT

private:
    test::TestDatabases m_databases;

    std::unique_ptr<Store> openStore()
    {
        auto store = std::make_unique<Store>();
        const Status s = store->open(m_databases.fresh());
        if (!s)
            qFatal("cannot open a test database: %s", qPrintable(s.errorText()));
        return store;
    }

private Q_SLOTS:
    void thresholdsFireTheHighestCrossedOnce()
    {
        AlertInput in;
        in.now = utc(u"2026-11-30T12:00:00Z"_s);
        in.members = {Member{u"jamal"_s, {}, {}, Budget{10.0}, true, {}}, Member{u"zoe"_s, {}, {}, Budget{10.0}, true, {}}};
        in.settings.budgetThresholds = {50, 80, 100};
        in.spent = test::spentToday({{u"jamal"_s, 8.5}, {u"zoe"_s, 10.5}});
        QHash<QString, Alert> byMember;
        for (const Alert &a : currentAlerts(in)) {
            if (a.kind == Alert::Kind::Budget)
                byMember.insert(a.member, a);
        }
        QCOMPARE(byMember.value(u"jamal"_s).percent, 80); // not 50 as well
        QCOMPARE(byMember.value(u"jamal"_s).id, u"budget80:jamal:2026-11-30"_s); // the id alerts had before thresholds
        QCOMPARE(byMember.value(u"zoe"_s).percent, 100);
        QVERIFY(byMember.value(u"zoe"_s).urgent);
    }

    void teamBudgetsAndCredits()
    {
        AlertInput in;
        in.now = utc(u"2026-11-30T12:00:00Z"_s);
        in.settings.teamMonthlyBudget = 1000;
        in.settings.teamDailyBudget = 100;
        in.teamSpentMonth = 850;
        in.teamSpentToday = 20;
        in.credits = Credits{100, 60};
        in.accountDailyRate = 10; // 4 days of credits left, under the default 7
        QStringList ids;
        for (const Alert &a : currentAlerts(in))
            ids << a.id;
        QVERIFY2(ids.contains(u"team-budget80:month:2026-11"_s), qPrintable(ids.join(u' ')));
        QVERIFY(!ids.join(u' ').contains(u"day:"_s)); // 20% of the daily budget is nothing to say
        QVERIFY(ids.contains(u"credits:100.00"_s));
        // No history, no rate: no guess that credits run out.
        in.accountDailyRate.reset();
        for (const Alert &a : currentAlerts(in))
            QVERIFY(a.kind != Alert::Kind::CreditsLow);
    }

    void settingsRoundTripAndRefuseNonsense()
    {
        AlertSettings s;
        s.budgetThresholds = {50, 80, 100};
        s.teamMonthlyBudget = 2500;
        s.creditsWarnDays = 3;
        QString problem;
        const AlertSettings back = AlertSettings::fromFields(s.fields(), &problem);
        QVERIFY(problem.isEmpty());
        QCOMPARE(back.budgetThresholds, s.budgetThresholds);
        QCOMPARE(back.teamMonthlyBudget, s.teamMonthlyBudget);
        QVERIFY(!back.teamDailyBudget);
        QCOMPARE(back.creditsWarnDays, 3);
        QVERIFY(!AlertSettings::parseThresholds(u"80,abc"_s, &problem));
        QVERIFY(problem.contains(u"abc"_s));
        QVERIFY(!AlertSettings::parseThresholds(u"0"_s, &problem));
        AlertSettings::fromFields({{u"alerts.team_monthly_budget"_s, u"-5"_s}}, &problem);
        // Named as a person names it, not by the setting's key in the database.
        QCOMPARE(problem, u"The team monthly budget must be an amount of USD above zero, not \"-5\"."_s);
        AlertSettings::fromFields({{u"alerts.team_daily_budget"_s, u"200"_s}, {u"alerts.team_monthly_budget"_s, u"30"_s}}, &problem);
        QCOMPARE(problem, u"The team daily budget ($200.00) is more than the team monthly budget ($30.00)."_s);
        AlertSettings::fromFields({{u"alerts.team_daily_budget"_s, u"30"_s}, {u"alerts.team_monthly_budget"_s, u"30"_s}}, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem)); // a day may hold the whole month
    }

    void routingByKindAndTier()
    {
        Destination d = slack();
        d.tiers = {u"pro"_s};
        QVERIFY(d.takes(budgetAlert(u"jamal"_s, 80), u"pro"_s));
        QVERIFY(!d.takes(budgetAlert(u"jamal"_s, 80), u"basic"_s));
        Alert team = budgetAlert({}, 80);
        team.kind = Alert::Kind::TeamBudget;
        QVERIFY(d.takes(team, {})); // about the whole team: every route that takes the kind
        Alert expiry = budgetAlert(u"jamal"_s, 0);
        expiry.kind = Alert::Kind::Expiry;
        QVERIFY(!d.takes(expiry, u"pro"_s));
        d.enabled = false;
        QVERIFY(!d.takes(budgetAlert(u"jamal"_s, 80), u"pro"_s));
    }

    void quietHoursAcrossMidnightInTheirZone()
    {
        Destination d = slack();
        d.quietFrom = QTime(22, 0);
        d.quietTo = QTime(7, 0);
        d.timeZone = u"Europe/Berlin"_s; // UTC+1 in winter
        QVERIFY(!d.quietUntil(utc(u"2026-11-30T20:30:00Z"_s))); // 21:30 in Berlin
        QCOMPARE(*d.quietUntil(utc(u"2026-11-30T21:30:00Z"_s)), utc(u"2026-12-01T06:00:00Z"_s)); // 22:30 → 07:00
        QCOMPARE(*d.quietUntil(utc(u"2026-12-01T03:00:00Z"_s)), utc(u"2026-12-01T06:00:00Z"_s)); // 04:00 → 07:00
        QVERIFY(!d.quietUntil(utc(u"2026-12-01T06:00:00Z"_s)));
        d.timeZone = u"Not/AZone"_s;
        QVERIFY(d.problem().contains(u"time zone"_s));
    }

    void destinationValidation()
    {
        Destination d = slack(u"Bad_Id"_s);
        QVERIFY(d.problem().contains(u"lower-case"_s));
        Destination mail = slack(u"mail"_s);
        mail.kind = Destination::Kind::Email;
        mail.smtpHost = u"smtp.example.com"_s;
        mail.from = u"orteam@example.com"_s;
        mail.to = {u"lead@example.com"_s};
        QVERIFY2(mail.problem().isEmpty(), qPrintable(mail.problem()));
        mail.to = {u"lead@example.com\r\nBcc: everyone@example.com"_s};
        QVERIFY(!mail.problem().isEmpty()); // no header injection through a recipient
        Destination hook = slack(u"hook"_s);
        hook.kind = Destination::Kind::Webhook;
        const DestinationSecret shortKey{u"https://example.com/h"_s, u"short"_s, {}};
        QVERIFY(shortKey.problemFor(hook).contains(u"16"_s));
        const DestinationSecret ftp{u"ftp://example.com/h"_s, {}, {}};
        QVERIFY(ftp.problemFor(slack()).contains(u"http"_s));
        const auto bare = DestinationSecret::fromJson(u"  https://hooks.slack.com/services/T/B/X \n"_s);
        QVERIFY(bare && bare->url == u"https://hooks.slack.com/services/T/B/X"_s);
    }

    void slackEscapesMarkupAndStaysWithinLimits()
    {
        Alert a = budgetAlert(u"<!channel> & co"_s, 80);
        a.text = u"<!channel> & co spent " + QString(5000, u'x');
        const QJsonObject o = QJsonDocument::fromJson(slackPayload(alertMessage(a, utc(u"2026-11-30T10:00:00Z"_s)))).object();
        const QJsonArray blocks = o.value("blocks"_L1).toArray();
        const QString section = blocks.at(1).toObject().value("text"_L1).toObject().value("text"_L1).toString();
        QVERIFY(section.startsWith(u"&lt;!channel&gt; &amp; co"_s)); // no channel-wide ping
        QVERIFY(section.size() <= 3000);
        QVERIFY(blocks.at(0).toObject().value("text"_L1).toObject().value("text"_L1).toString().size() <= 150);
    }

    void webhookSignatureIsHmacOfTimestampAndBody()
    {
        const QByteArray body = R"({"id":"x"})";
        const QByteArray expected = "sha256="
                                    + QMessageAuthenticationCode::hash("1700000000." + body, "key", QCryptographicHash::Sha256).toHex();
        QCOMPARE(webhookSignature("key", 1700000000, body), expected);
        // RFC 4231 test case 2, to tie it to the standard rather than to Qt alone.
        QCOMPARE(QMessageAuthenticationCode::hash("what do ya want for nothing?", "Jefe", QCryptographicHash::Sha256).toHex(),
                 QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    }

    void emailHeadersAreEncodedAndSafe()
    {
        Destination d = slack(u"mail"_s);
        d.kind = Destination::Kind::Email;
        d.from = u"orteam@example.com"_s;
        d.to = {u"a@example.com"_s, u"b@example.com"_s};
        Alert a = budgetAlert(u"Zoë"_s, 80);
        const QByteArray mail = emailMessage(alertMessage(a, utc(u"2026-11-30T10:00:00Z"_s)), d, u"id1@example.com"_s,
                                             utc(u"2026-11-30T10:00:00Z"_s), {});
        QVERIFY(mail.contains("Subject: =?UTF-8?B?"));
        QVERIFY(mail.contains("To: a@example.com, b@example.com\r\n"));
        QVERIFY(mail.contains("Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n"));
        for (const QByteArray &line : mail.split('\n'))
            QVERIFY2(line.size() <= 998, "RFC 5322 line length");
    }

    void messageSurvivesTheOutboxAsJson()
    {
        TeamReport r;
        r.period = ReportPeriod::Weekly;
        r.from = QDate(2026, 11, 23);
        r.to = QDate(2026, 11, 29);
        r.previousFrom = QDate(2026, 11, 16);
        r.previousTo = QDate(2026, 11, 22);
        r.rows = {TeamReportRow{u"zoë"_s, 12.5, 40, 10.0, 10.0, 0.25, 13.0, Budget{10.0}},
                  TeamReportRow{u"yan"_s, 2.0, 4, std::nullopt, 1.0, 1.0, 3.0, Budget{50.0, LimitReset::Weekly}}};
        r.total = 12.5;
        const NotifyMessage m = reportMessage(r, utc(u"2026-11-30T08:00:00Z"_s));
        const auto back = NotifyMessage::fromJson(m.toJson());
        QVERIFY(back && back->report);
        QCOMPARE(back->key, u"report:weekly:2026-11-29"_s);
        QCOMPARE(back->report->rows.value(0).member, u"zoë"_s);
        QCOMPARE(back->report->rows.value(0).change, std::optional<double>(0.25));
        // A weekly budget goes along too (it is no daily limit: the seed's column stays empty).
        QCOMPARE(back->report->rows.value(1).budget, std::optional(Budget{50.0, LimitReset::Weekly}));
        QVERIFY(!back->report->rows.value(1).dailyLimit);
        // A report queued before budgets had periods has the daily limit only: a daily budget.
        const std::optional<TeamReport> old = reportFromJson(
            R"({"period":"weekly","from":"2026-11-23","to":"2026-11-29","rows":[{"user":"ann","weekly_cost":1,"daily_limit":4}]})");
        QVERIFY(old);
        QCOMPARE(old->rows.value(0).budget, std::optional(Budget{4.0}));
        QVERIFY(!NotifyMessage::fromJson("{not json"));
    }

    void backoffDoublesToAnHour()
    {
        const QDateTime t = utc(u"2026-11-30T00:00:00Z"_s);
        QCOMPARE(t.secsTo(nextAttemptAfter(1, t)), 30);
        QCOMPARE(t.secsTo(nextAttemptAfter(2, t)), 60);
        QCOMPARE(t.secsTo(nextAttemptAfter(9, t)), 3600);
        QVERIFY(resendAfterInterruption(Destination::Kind::Webhook));
        QVERIFY(!resendAfterInterruption(Destination::Kind::Email));
        QVERIFY(!resendAfterInterruption(Destination::Kind::Slack));
    }

    void scheduledReportDays()
    {
        QCOMPARE(NotifyService::scheduledReportEnd(ReportPeriod::Weekly, QDate(2026, 11, 30)), QDate(2026, 11, 29)); // a Monday
        QCOMPARE(NotifyService::scheduledReportEnd(ReportPeriod::Weekly, QDate(2026, 12, 1)), QDate(2026, 11, 29)); // the day after
        QVERIFY(!NotifyService::scheduledReportEnd(ReportPeriod::Weekly, QDate(2026, 12, 2)));
        QCOMPARE(NotifyService::scheduledReportEnd(ReportPeriod::Monthly, QDate(2026, 12, 1)), QDate(2026, 11, 30));
        // A report sent by hand ends where the schedule's latest window does, on any day of the
        // week: it is the scheduled message, so a destination never has both (a day apart).
        for (int back = 0; back < 14; ++back) {
            const QDate today = QDate(2026, 12, 6).addDays(-back); // a Sunday, and the 13 days before
            const QDate end = NotifyService::latestScheduledWindowEnd(ReportPeriod::Weekly, today);
            QCOMPARE(end.dayOfWeek(), int(Qt::Sunday));
            QVERIFY(end < today && end >= today.addDays(-7));
            if (const auto due = NotifyService::scheduledReportEnd(ReportPeriod::Weekly, today))
                QCOMPARE(end, *due);
        }
        QCOMPARE(NotifyService::latestScheduledWindowEnd(ReportPeriod::Monthly, QDate(2026, 12, 1)), QDate(2026, 11, 30));
        QCOMPARE(NotifyService::latestScheduledWindowEnd(ReportPeriod::Monthly, QDate(2026, 12, 31)), QDate(2026, 11, 30));
        QCOMPARE(NotifyService::latestScheduledWindowEnd(ReportPeriod::Monthly, QDate(2026, 3, 2)), QDate(2026, 2, 28));
    }

    // ---- storage and service ----------------------------------------------------------------------

    void raiseQueuesEachAlertOncePerDestination()
    {
        auto store = openStore();
        QVERIFY(store->team().addMember(Member{u"jamal"_s, {}, {}, Budget{10.0}, true, {}}));
        QVERIFY(store->notify().saveDestination(slack(u"a"_s)));
        Destination quiet = slack(u"b"_s);
        quiet.quietFrom = QTime(0, 0);
        quiet.quietTo = QTime(23, 59);
        QVERIFY(store->notify().saveDestination(quiet));
        Destination other = slack(u"c"_s);
        other.alertKinds = {Alert::Kind::Expiry};
        QVERIFY(store->notify().saveDestination(other));
        const QDateTime now = utc(u"2026-11-30T12:00:00Z"_s);
        const auto fresh = NotifyService::raise(*store, {budgetAlert(u"jamal"_s, 80)}, now);
        QVERIFY(fresh && fresh->size() == 1);
        // A second dashboard or cron run raising the same alert adds nothing.
        const auto again = NotifyService::raise(*store, {budgetAlert(u"jamal"_s, 80)}, now);
        QVERIFY(again && again->isEmpty());
        const auto recent = store->notify().recent(10);
        QVERIFY(recent);
        QCOMPARE(recent->size(), 2); // a and b, not c
        const auto due = store->notify().due(now);
        QVERIFY(due);
        QCOMPARE(due->size(), 1); // b waits for its quiet hours
        QCOMPARE(due->first().destinationId, u"a"_s);
        QCOMPARE(*store->notify().heldForQuietHours(now), 1); // said in the delivery's summary
        // Quiet hours taken away: what they held is due at once, not when they would have ended.
        quiet.quietFrom.reset();
        quiet.quietTo.reset();
        QVERIFY(store->notify().saveDestination(quiet, now));
        QCOMPARE(store->notify().due(now)->size(), 2);
        QCOMPARE(*store->notify().heldForQuietHours(now), 0);
    }

    void raiseFailingMidWayMarksNothingSeen()
    {
        auto store = openStore();
        QVERIFY(store->notify().saveDestination(slack(u"a"_s)));
        int statement = 0;
        store->database().setFaultInjector([&](int, const QString &sql) {
            return sql.contains(u"INSERT INTO notify_outbox"_s) && ++statement == 1;
        });
        const auto failed = NotifyService::raise(*store, {budgetAlert(u"jamal"_s, 80)}, utc(u"2026-11-30T12:00:00Z"_s));
        QVERIFY(!failed);
        store->database().setFaultInjector({});
        // Not marked seen: the next refresh raises and queues it.
        const auto retried = NotifyService::raise(*store, {budgetAlert(u"jamal"_s, 80)}, utc(u"2026-11-30T12:01:00Z"_s));
        QVERIFY(retried && retried->size() == 1);
        QCOMPARE(store->notify().recent(10)->size(), 1);
    }

    void claimIsWonByOneSender()
    {
        auto store = openStore();
        QVERIFY(store->notify().saveDestination(slack(u"a"_s)));
        const QDateTime now = utc(u"2026-11-30T12:00:00Z"_s);
        QVERIFY(*store->notify().enqueue(u"a"_s, alertMessage(budgetAlert(u"x"_s, 80), now), now, now));
        QVERIFY(!*store->notify().enqueue(u"a"_s, alertMessage(budgetAlert(u"x"_s, 80), now), now, now)); // once
        const OutboxItem item = store->notify().due(now)->first();
        QVERIFY(*store->notify().claim(item, now.addSecs(120)));
        QVERIFY(!*store->notify().claim(item, now.addSecs(120))); // a second sender read the same row
        QVERIFY(store->notify().due(now)->isEmpty());             // leased
        QCOMPARE(store->notify().due(now.addSecs(121))->size(), 1); // the lease ran out: its sender died
        QVERIFY(*store->notify().markFailed(item.id, 1, u"HTTP 500"_s, now.addSecs(30)));
        const auto health = store->notify().health();
        QVERIFY(health && health->size() == 1);
        QVERIFY(health->first().failing());
        QCOMPARE(health->first().lastError, u"HTTP 500"_s);

        // A sender whose lease ran out mid-send and another that claimed the row after it: only
        // the second's outcome is kept.
        const OutboxItem again = store->notify().due(now.addSecs(30))->first();
        QCOMPARE(again.attempts, 1);
        QVERIFY(*store->notify().claim(again, now.addSecs(60)));                       // attempt 2
        const OutboxItem stale = store->notify().due(now.addSecs(61))->first();       // lease over
        QVERIFY(*store->notify().claim(stale, now.addSecs(200)));                      // attempt 3
        QVERIFY(!*store->notify().markSent(item.id, 2, now.addSecs(70)));              // the slow one
        QVERIFY(!*store->notify().markInterrupted(item.id, now.addSecs(100), u"x"_s)); // its lease holds
        QVERIFY(*store->notify().markSent(item.id, 3, now.addSecs(71)));
        // A later success clears "failing".
        QVERIFY(!store->notify().health()->first().failing());
        // A disabled destination's messages wait, out of the other destinations' way.
        QVERIFY(*store->notify().enqueue(u"a"_s, alertMessage(budgetAlert(u"y"_s, 80), now), now, now));
        Destination off = slack(u"a"_s);
        off.enabled = false;
        QVERIFY(store->notify().saveDestination(off));
        QVERIFY(store->notify().due(now.addSecs(300))->isEmpty());
        // Removing the destination drops what it had not sent.
        QVERIFY(store->notify().removeDestination(u"a"_s));
        QCOMPARE(store->notify().recent(10)->size(), 1); // the sent one stays as history
        QCOMPARE(store->notify().removeDestination(u"a"_s).error().kind, StoreError::Kind::NotFound);
    }

    void anUnreadableSecretSpendsNoAttempt()
    {
        auto store = openStore();
        QVERIFY(store->notify().saveDestination(slack(u"a"_s)));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(*store->notify().enqueue(u"a"_s, alertMessage(budgetAlert(u"x"_s, 80), now), now, now));
        MemorySecretStore keychain;
        keychain.setAvailable(false); // locked, or absent under a timer
        NotifySecrets secrets(&keychain, {});
        QNetworkAccessManager network;
        NotifyDelivery delivery(*store, secrets, network);
        std::optional<Result<NotifyDelivery::Summary>> answer;
        delivery.deliverDue([&](const Result<NotifyDelivery::Summary> &r) { answer.emplace(r); });
        QTRY_VERIFY(answer.has_value());
        QVERIFY(answer->ok());
        QCOMPARE((*answer)->waiting, 1);
        QCOMPARE((*answer)->problems.size(), 1);
        const OutboxItem item = store->notify().recent(1)->first();
        QCOMPARE(item.state, OutboxItem::State::Pending);
        QCOMPARE(item.attempts, 0); // for a sender that can read the keychain, at once
    }

    // What notify status, notify list, the page and the banner call failing for want of a
    // secret: an enabled destination whose secret cannot be read here, or cannot send (a
    // webhook's URL given without its signing key); never a disabled one.
    void unreadableSecretsAreTheEnabledOnesThatCannotSend()
    {
        Destination hook = slack(u"hook"_s);
        hook.kind = Destination::Kind::Webhook;
        Destination off = slack(u"off"_s);
        off.enabled = false;
        const Destination fine = slack(u"fine"_s);
        const Destination missing = slack(u"missing"_s);
        MemorySecretStore keychain;
        NotifySecrets secrets(&keychain, {{NotifySecrets::environmentName(u"hook"_s), u"https://example.com/hook"_s},
                                          {NotifySecrets::environmentName(u"fine"_s), u"https://hooks.slack.com/services/T/B/x"_s}});
        std::optional<QHash<QString, QString>> why;
        QObject context;
        secrets.unreadable({hook, off, fine, missing}, &context, [&](const QHash<QString, QString> &w) { why = w; });
        QVERIFY(!why); // never answered inside the call
        QTRY_VERIFY(why.has_value());
        QCOMPARE(QSet<QString>(why->keyBegin(), why->keyEnd()), (QSet<QString>{u"hook"_s, u"missing"_s}));
        QVERIFY2(why->value(u"hook"_s).contains(u"signing key"_s), qPrintable(why->value(u"hook"_s)));
        // None enabled: answered all the same, later, with nothing.
        std::optional<QHash<QString, QString>> none;
        secrets.unreadable({off}, &context, [&](const QHash<QString, QString> &w) { none = w; });
        QVERIFY(!none);
        QTRY_VERIFY(none.has_value() && none->isEmpty());
    }

    void unreadableRowsAreErrorsNotShorterLists()
    {
        auto store = openStore();
        QVERIFY(store->notify().saveDestination(slack(u"a"_s)));
        QSqlDatabase raw = test::TestDatabases::rawConnection(store->location(), u"raw"_s);
        QSqlQuery q(raw);
        QVERIFY(q.exec(u"UPDATE notify_destinations SET kind = 'pigeon'"_s));
        raw.close();
        const auto read = store->notify().destinations();
        QVERIFY(!read);
        QVERIFY(read.errorText().contains(u"pigeon"_s));
    }
};

QTEST_GUILESS_MAIN(TestNotify)
#include "tst_notify.moc"
