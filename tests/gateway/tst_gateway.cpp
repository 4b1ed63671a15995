// orteam-gateway's request path on loopback: a real gateway, the fake OpenRouter as upstream, a
// SQLite team database. Refusals in their order, limits under concurrency (the documented
// overshoot bound), bad HTTP, a client leaving mid-stream, an upstream that is down or silent.
#include "FakeOpenRouter.h"
#include "Gateway.h"
#include "Store.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestGateway : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeOpenRouter> m_fake;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<QNetworkAccessManager> m_upstreamNetwork;
    std::unique_ptr<Gateway> m_gateway;
    QNetworkAccessManager m_client; // the callers' side
    QHash<QString, QString> m_tokens;

    struct Answer
    {
        int status = 0;
        QByteArray body;
        QJsonObject json;
        QNetworkReply *reply = nullptr;
    };

    QUrl url(const QString &path) const { return QUrl(u"http://127.0.0.1:%1/api/v1%2"_s.arg(m_gateway->port()).arg(path)); }

    QNetworkReply *send(const QString &token, const QByteArray &body, const QString &path = u"/chat/completions"_s)
    {
        QNetworkRequest r(url(path));
        if (!token.isEmpty())
            r.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        return m_client.post(r, body);
    }
    static Answer finish(QNetworkReply *reply)
    {
        if (!reply->isFinished()) {
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(15'000);
        }
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        a.json = QJsonDocument::fromJson(a.body).object();
        a.reply = reply;
        reply->deleteLater();
        return a;
    }
    static QByteArray chat(const QString &model, bool stream = false)
    {
        return QJsonDocument(QJsonObject{{"model"_L1, model}, {"stream"_L1, stream},
                                         {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, u"user"_s}, {"content"_L1, u"hi"_s}}}}})
            .toJson(QJsonDocument::Compact);
    }
    Answer call(const QString &member, const QString &model, bool stream = false)
    {
        return finish(send(m_tokens.value(member), chat(model, stream)));
    }
    int upstreamChats() const { return m_fake->countRequests("POST", u"/chat/completions"_s); }
    void startGateway(Gateway::Settings s = {})
    {
        m_gateway.reset();
        s.upstream = QUrl(m_fake->baseUrl());
        s.upstreamKey = u"sk-or-shared"_s;
        s.flushMs = 50;
        m_gateway = std::make_unique<Gateway>(m_store.get(), m_upstreamNetwork.get(), s);
        QString error;
        QVERIFY2(m_gateway->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }
    void addMember(const QString &name, const QString &tier, std::optional<double> limit = std::nullopt)
    {
        const Status added = m_store->team().addMember({name, {}, tier, limit, true, {}});
        QVERIFY2(added.ok(), qPrintable(added.errorText()));
        const Result<QString> token = m_store->governance().createGatewayToken(name);
        QVERIFY2(token.ok(), qPrintable(token.errorText()));
        m_tokens.insert(name, *token);
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_fake = std::make_unique<FakeOpenRouter>();
        m_fake->setChatKey(u"sk-or-shared"_s);
        m_fake->setChatCost(0.02);
        QVERIFY(m_fake->start());
        m_store = std::make_unique<Store>();
        QString error;
        const Status opened = m_store->open(*DbLocation::parse(m_dir->filePath(u"team.db"_s), &error));
        QVERIFY2(opened.ok(), qPrintable(opened.errorText()));
        Tier strict{u"strict"_s, 1.0, QStringList{u"openai/gpt-4o-mini"_s}, QString(), {}};
        QVERIFY(m_store->team().saveTier(strict).ok());
        m_tokens.clear();
        addMember(u"ann"_s, u"pro"_s, 0.05);
        addMember(u"sid"_s, u"strict"_s);
        addMember(u"gone"_s, u"pro"_s);
        Result<Member> gone = m_store->team().member(u"gone"_s);
        QVERIFY2(gone.ok(), qPrintable(gone.errorText()));
        gone->active = false;
        QVERIFY(m_store->team().updateMember(*gone).ok());
        m_upstreamNetwork = std::make_unique<QNetworkAccessManager>();
        startGateway();
    }

    void cleanup()
    {
        m_gateway.reset();
        m_upstreamNetwork.reset();
        m_store.reset();
        m_fake.reset();
        m_dir.reset();
    }

    void refusalsComeInOrderAndNeverReachUpstream()
    {
        Answer a = finish(send(QString(), chat(u"openai/gpt-4o"_s)));
        QCOMPARE(a.status, 401);
        QCOMPARE(a.json.value("error"_L1).toObject().value("code"_L1).toInt(), 401);
        QCOMPARE(finish(send(u"orgw-unknown"_s, chat(u"openai/gpt-4o"_s))).status, 401);
        QCOMPARE(call(u"gone"_s, u"openai/gpt-4o"_s).status, 401); // offboarded: the token no longer works
        a = finish(send(m_tokens.value(u"ann"_s), "{not json"));
        QCOMPARE(a.status, 400);
        QVERIFY(a.json.value("error"_L1).toObject().value("message"_L1).toString().contains(u"JSON"_s));
        QCOMPARE(finish(send(m_tokens.value(u"ann"_s), R"({"model": 42, "messages": []})")).status, 400);
        // A tier without a fallback refuses a model it does not allow.
        a = call(u"sid"_s, u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 403);
        QVERIFY(a.json.value("error"_L1).toObject().value("message"_L1).toString().contains(u"no fallback"_s));
        QCOMPARE(finish(send(m_tokens.value(u"ann"_s), chat(u"x"_s), u"/embeddings"_s)).status, 404);
        QCOMPARE(upstreamChats(), 0);
        QCOMPARE(m_gateway->status().refusalsToday, 6);
        // A token made while the gateway runs works at once (no wait for the periodic re-read).
        QVERIFY(m_store->team().addMember({u"new"_s, {}, u"pro"_s, std::nullopt, true, {}}).ok());
        const Result<QString> fresh = m_store->governance().createGatewayToken(u"new"_s);
        QVERIFY2(fresh.ok(), qPrintable(fresh.errorText()));
        QTest::qWait(1000); // the re-read on an unknown token is at most once a second
        QCOMPARE(finish(send(*fresh, chat(u"openai/gpt-4o-mini"_s))).status, 200);
        // Then an allowed call goes through, with the shared key and the member's attribution.
        a = call(u"ann"_s, u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 200);
        const FakeOpenRouter::Recorded up = m_fake->requests().last();
        QCOMPARE(up.authorization, QByteArray("Bearer sk-or-shared"));
        QCOMPARE(up.title, QByteArray("orteam:ann"));
        QCOMPARE(QJsonDocument::fromJson(up.body).object().value("user"_L1).toString(), u"ann"_s);
    }

    void concurrentRequestsOvershootAtMostTheInFlightCap()
    {
        // Ten at once from one member whose budget ($0.05) allows two and a half: the cap of 4 in
        // flight admits four (all under budget when admitted) and refuses six with 429; the spend
        // ends at $0.08, over the limit by $0.03 <= 4 x $0.02, the documented bound.
        FakeOpenRouter::Fault slow;
        slow.status = 200;
        slow.delayMs = 300;
        slow.body = R"({"id":"gen-slow","object":"chat.completion","model":"openai/gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"slow"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"cost":0.02}})";
        m_fake->failNext("POST", u"/chat/completions"_s, slow, 10);
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 10; ++i)
            replies << send(m_tokens.value(u"ann"_s), chat(u"openai/gpt-4o"_s));
        QMap<int, int> statuses;
        for (QNetworkReply *r : replies)
            ++statuses[finish(r).status];
        QCOMPARE(statuses.value(200), 4);
        QCOMPARE(statuses.value(429), 6);
        QCOMPARE(upstreamChats(), 4);
        // Over budget now: refused before going upstream, with spend and limit in the message.
        const Answer over = call(u"ann"_s, u"openai/gpt-4o"_s);
        QCOMPARE(over.status, 402);
        QVERIFY2(over.json.value("error"_L1).toObject().value("message"_L1).toString().contains(u"$0.08 today"_s),
                 over.body.constData());
        QCOMPARE(upstreamChats(), 4);
        QString error;
        QVERIFY(m_gateway->flush(&error));
        const Result<TeamReport> report = m_store->spend().teamReport(ReportPeriod::Weekly, QDateTime::currentDateTimeUtc().date());
        QVERIFY2(report.ok(), qPrintable(report.errorText()));
        const TeamReport &r = *report;
        QCOMPARE(r.rows.size(), 1);
        QCOMPARE(r.rows.at(0).cost, 0.08);
        QCOMPARE(r.rows.at(0).requests, 4);
        QCOMPARE(m_gateway->status().inFlight, 0);
        // A restarted gateway reads the spend back from the database: still over budget.
        startGateway();
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 402);
    }

    void streamingPassesThroughAndRecordsTheLastChunksCost()
    {
        QNetworkReply *reply = send(m_tokens.value(u"ann"_s), chat(u"openai/gpt-4o"_s, true));
        const Answer a = finish(reply);
        QCOMPARE(a.status, 200);
        QVERIFY(a.body.startsWith(": OPENROUTER PROCESSING"));
        QVERIFY(a.body.contains("\"cost\":0.02"));
        QVERIFY(a.body.trimmed().endsWith("data: [DONE]"));
        QTRY_COMPARE(m_store->spend().spentOn(u"ann"_s, QDateTime::currentDateTimeUtc().date()).valueOr(-1), 0.02);
    }

    void aNegativeUpstreamCostIsNotRecorded()
    {
        // A confused upstream reporting usage.cost -5 must not lift ann's budget, nor block the
        // flush for everyone else; the answer itself still goes to the client.
        m_fake->setChatCost(-5.0);
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 200);
        m_fake->setChatCost(0.01);
        QCOMPARE(call(u"sid"_s, u"openai/gpt-4o-mini"_s).status, 200);
        QString error;
        QVERIFY2(m_gateway->flush(&error), qPrintable(error));
        const QDate today = QDateTime::currentDateTimeUtc().date();
        QCOMPARE(m_store->spend().spentOn(u"ann"_s, today).valueOr(-1), 0.0);
        QCOMPARE(m_store->spend().spentOn(u"sid"_s, today).valueOr(-1), 0.01);
    }

    void aFailedReloadKeepsTheTeamItHadAndSaysWhy()
    {
        // A read that fails must not leave the gateway with half a team (members without their
        // tiers): the reload fails, names what it could not read, and what it had stays in force.
        m_store->database().setFaultInjector([](int, const QString &sql) { return sql.contains(u"FROM tiers"_s); });
        QString error;
        const bool reloaded = m_gateway->reload(&error);
        m_store->database().setFaultInjector({});
        QVERIFY(!reloaded);
        QVERIFY2(error.contains(u"tiers"_s), qPrintable(error));
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 200);
        QCOMPARE(call(u"sid"_s, u"openai/gpt-4o"_s).status, 403); // the strict tier still holds
        QVERIFY2(m_gateway->reload(&error), qPrintable(error));
    }

    void badHttpGetsAnAnswerAndNothingBreaks()
    {
        auto raw = [this](const QByteArray &bytes) -> QByteArray {
            // The gateway runs on this thread: wait by turning the event loop, never by blocking it.
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, m_gateway->port());
            s.write(bytes);
            QByteArray got;
            QElapsedTimer t;
            t.start();
            while (s.state() != QAbstractSocket::UnconnectedState && t.elapsed() < 3000) {
                QTest::qWait(10);
                got += s.readAll();
            }
            return got + s.readAll();
        };
        QVERIFY(raw("HELLO\r\n\r\n").startsWith("HTTP/1.1 400"));
        QVERIFY(raw("POST /api/v1/chat/completions HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n").startsWith("HTTP/1.1 413"));
        QVERIFY(raw("POST /api/v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").startsWith("HTTP/1.1 411"));
        QVERIFY(raw("GET / HTTP/1.1\r\n" + QByteArray(70'000, 'x') + "\r\n\r\n").startsWith("HTTP/1.1 431"));
        // Two requests in one write (pipelined) on a kept-alive connection: two answers, in order.
        const QByteArray token = m_tokens.value(u"ann"_s).toUtf8();
        const QByteArray body = chat(u"openai/gpt-4o-mini"_s);
        const QByteArray one = "POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                               + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        const QByteArray both = raw(one + "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QVERIFY2(both.startsWith("HTTP/1.1 200"), both.constData());
        QVERIFY(both.indexOf("HTTP/1.1 404") > both.indexOf("Hello from openai/gpt-4o-mini."));
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o-mini"_s).status, 200); // still serving
    }

    void clientLeavingMidRequestFreesItsSlot()
    {
        FakeOpenRouter::Fault hang;
        hang.hang = true;
        m_fake->failNext("POST", u"/chat/completions"_s, hang, 1);
        QNetworkReply *reply = send(m_tokens.value(u"ann"_s), chat(u"openai/gpt-4o"_s, true));
        QTRY_COMPARE(m_gateway->status().inFlight, 1);
        reply->abort();
        reply->deleteLater();
        QTRY_COMPARE(m_gateway->status().inFlight, 0);
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 200);
    }

    void upstreamDownOrSilentIsAClearGatewayError()
    {
        Gateway::Settings s;
        s.upstreamTimeoutMs = 400;
        startGateway(s);
        FakeOpenRouter::Fault hang;
        hang.hang = true;
        m_fake->failNext("POST", u"/chat/completions"_s, hang, 1);
        Answer a = call(u"ann"_s, u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 504);
        QVERIFY(a.json.value("error"_L1).toObject().value("message"_L1).toString().contains(u"could not be reached"_s));
        // Upstream gone entirely.
        const QUrl gone = QUrl(m_fake->baseUrl());
        m_fake.reset();
        m_fake = std::make_unique<FakeOpenRouter>(); // not started: nothing listens on the old port
        Gateway::Settings s2;
        m_gateway.reset();
        s2.upstream = gone;
        s2.upstreamKey = u"k"_s;
        m_gateway = std::make_unique<Gateway>(m_store.get(), m_upstreamNetwork.get(), s2);
        QString error;
        QVERIFY(m_gateway->listen(QHostAddress::LocalHost, 0, &error));
        a = call(u"ann"_s, u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 502);
        QCOMPARE(m_store->spend().spentOn(u"ann"_s, QDateTime::currentDateTimeUtc().date()).valueOr(0), 0.0); // nothing recorded
    }
};

QTEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
