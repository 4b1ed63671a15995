// From the demo to real receivers: the demo's sample team, fake OpenRouter and destinations (its
// Slack one posting to the fake's loopback receiver; its email one, enabled here, to Debian's
// aiosmtpd on loopback writing a Maildir), wired as the dashboard wires them. A refresh raises the
// demo's alerts; the "80% of the daily budget" one (Grace) arrives exactly once in Slack's shape and
// once by email, a second refresh sends nothing again, and the weekly report arrives in both, by
// email with its chart.
#include "DemoData.h"
#include "FakeOpenRouter.h"
#include "KeyListController.h"
#include "NotifyController.h"
#include "NotifyService.h"
#include "OpenRouterClient.h"
#include "SecretStore.h"
#include "SpendController.h"
#include "Store.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestNotifyDemo : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_smtp;
    quint16 m_smtpPort = 0;

    QStringList mails() const
    {
        QStringList out;
        const QDir dir(m_dir.filePath(u"maildir/new"_s));
        for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
            QFile f(dir.filePath(name));
            if (f.open(QIODevice::ReadOnly))
                out << QString::fromUtf8(f.readAll());
        }
        return out;
    }
    static int countContaining(const QStringList &texts, const QString &needle)
    {
        return int(std::count_if(texts.cbegin(), texts.cend(), [&](const QString &t) { return t.contains(needle); }));
    }
    static QStringList slackTexts(const FakeOpenRouter &fake)
    {
        QStringList out;
        for (const auto &[name, body] : fake.hookBodies()) {
            if (name == "team-slack"_L1)
                out << QJsonDocument::fromJson(body).object().value("text"_L1).toString() + u'\n' + QString::fromUtf8(body);
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        {
            QTcpServer probe; // a free port for the SMTP server
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            m_smtpPort = probe.serverPort();
        }
        m_smtp.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_smtp.start(u"/usr/bin/python3"_s, {u"-m"_s, u"aiosmtpd"_s, u"-n"_s, u"-l"_s, u"127.0.0.1:%1"_s.arg(m_smtpPort), u"-c"_s,
                                             u"aiosmtpd.handlers.Mailbox"_s, m_dir.filePath(u"maildir"_s)});
        QVERIFY2(m_smtp.waitForStarted(), "python3 -m aiosmtpd (Debian's python3-aiosmtpd) does not start");
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QTcpSocket s;
                s.connectToHost(QHostAddress::LocalHost, m_smtpPort);
                return s.waitForConnected(200);
            }(),
            15000);
    }

    void cleanupTestCase()
    {
        m_smtp.kill();
        m_smtp.waitForFinished();
    }

    void alertsAndTheWeeklyReportArriveOnce()
    {
        FakeOpenRouter fake;
        DemoData::KeyHistory history;
        QList<ActivityItem> activity;
        QHash<QString, QList<ActivityItem>> perKey;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        DemoData::seed(fake, now, &history, &activity, &perKey);
        QVERIFY(fake.start() != 0);
        Store store;
        QString error;
        QVERIFY(store.open(*DbLocation::parse(m_dir.filePath(u"demo.db"_s), &error)));
        DemoData::seedStore(store, fake.keys(), history, now, activity, perKey);
        MemorySecretStore secrets;
        for (DemoData::DemoDestination dd : DemoData::notifyDestinations(fake.baseUrl())) {
            if (dd.destination.kind == Destination::Kind::Email) {
                dd.destination.enabled = true;
                dd.destination.smtpPort = m_smtpPort;
            }
            QVERIFY(store.notify().saveDestination(dd.destination));
            secrets.write(dd.destination.secretName(), dd.secret.toJson(), &secrets, [](const SecretStore::Result &) {});
        }
        QNetworkAccessManager nam;
        OpenRouterClient client(&nam);
        OpenRouterClient::Settings settings = OpenRouterClient::defaultSettings();
        settings.baseUrl = fake.baseUrl();
        client.setSettings(settings);
        client.setManagementKey(fake.managementKey());
        KeyListController keys(&client, &store);
        SpendController spend(&store, &keys);
        NotifyController notify(&store, &secrets, {}, &nam, &spend);
        notify.setInterval(0);

        // The refresh raises the alerts; the controller sends them.
        keys.refresh();
        const QString eighty = u"grace is at 80% of their daily budget"_s;
        QTRY_VERIFY_WITH_TIMEOUT(!fake.hookBodies().isEmpty(), 20000);
        QTRY_VERIFY(!notify.isDelivering());
        QTRY_COMPARE_WITH_TIMEOUT(countContaining(slackTexts(fake), eighty), 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(countContaining(mails(), u"Subject: "_s + eighty), 1, 20000);
        const QString slack80 = slackTexts(fake).filter(eighty).value(0);
        QVERIFY2(slack80.contains(u"\"blocks\""_s) && slack80.contains(u"\"header\""_s), qPrintable(slack80)); // Slack's shape
        QTRY_VERIFY(!notify.isDelivering());
        const qsizetype slackCount = slackTexts(fake).size(), mailCount = mails().size();

        // Another refresh (and another dashboard or cron run would be the same): nothing again.
        keys.refresh();
        QTest::qWait(1500);
        QTRY_VERIFY(!notify.isDelivering());
        QCOMPARE(slackTexts(fake).size(), slackCount);
        QCOMPARE(mails().size(), mailCount);

        // The weekly report, to both, the email with its chart.
        const auto report = store.spend().teamReport(ReportPeriod::Weekly, now.date());
        QVERIFY(report);
        const auto queued = NotifyService::enqueueReport(store, *report, {u"team-slack"_s, u"lead-email"_s}, now);
        QVERIFY(queued && *queued == 2);
        notify.runNow();
        // This report by its title: on the 1st, and on a Monday, from 06:00 UTC the scheduled
        // reports are due too and arrive beside it, each once, each with its own chart.
        const QString title = reportTitle(*report);
        auto withChart = [&] {
            QStringList ours = mails().filter(u"Subject: orteam: "_s + title);
            return countContaining(ours, u"Content-Type: image/png"_s);
        };
        QTRY_COMPARE_WITH_TIMEOUT(countContaining(slackTexts(fake), title), 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(withChart(), 1, 20000);
        QCOMPARE(mails().filter(u"Subject: orteam: "_s + title).size(), 1);
        QVERIFY(slackTexts(fake).filter(title).value(0).contains(u"```"_s)); // the table, monospaced
    }
};

QTEST_MAIN(TestNotifyDemo)
#include "tst_notifydemo.moc"
