// orteam-gateway's request path on loopback: a real gateway, the fake OpenRouter as upstream, a
// SQLite team database. Refusals in their order, limits under concurrency (the documented
// overshoot bound), bad HTTP, a client leaving mid-stream, an upstream that is down or silent.
#include "FakeOpenRouter.h"
#include "Gateway.h"
#include "GatewayTestMain.h"
#include "InferenceApi.h"
#include "SseCost.h"
#include "Store.h"
#include "TestDatabase.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <array>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestGateway : public QObject
{
    Q_OBJECT

    orteam::test::TestDatabases m_databases; // a SQLite file, or PostgreSQL (tst_gateway_postgres)
    DbLocation m_where;
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
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QNetworkReply *reply = nullptr;
    };

    QUrl url(const QString &path) const { return QUrl(u"http://127.0.0.1:%1/api/v1%2"_s.arg(m_gateway->port()).arg(path)); }

    QNetworkRequest request(const QString &token, const QString &path = u"/chat/completions"_s) const
    {
        QNetworkRequest r(url(path));
        if (!token.isEmpty())
            r.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        return r;
    }
    QNetworkReply *send(const QString &token, const QByteArray &body, const QString &path = u"/chat/completions"_s)
    {
        return m_client.post(request(token, path), body);
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
        for (const auto &[name, value] : reply->rawHeaderPairs())
            a.headers.insert(name.toLower(), value);
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
    // What a client nobody here wrote would send on a raw socket, read until `until` shows up
    // (then the socket is dropped at once: a client hanging up), or until the server closes.
    QByteArray rawUntil(const QByteArray &bytes, const QByteArray &until = {})
    {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_gateway->port());
        s.write(bytes);
        QByteArray got;
        QElapsedTimer t;
        t.start();
        while (s.state() != QAbstractSocket::UnconnectedState && t.elapsed() < 5000) {
            QTest::qWait(5);
            got += s.readAll();
            if (!until.isEmpty() && got.contains(until)) {
                s.abort();
                return got;
            }
        }
        return got + s.readAll();
    }
    QByteArray post(const QString &path, const QByteArray &body, const QByteArray &auth) const
    {
        return "POST /api/v1" + path.toUtf8() + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Type: application/json\r\n"
               "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }
    static QByteArray json(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
    QJsonObject lastUpstreamBody() const { return QJsonDocument::fromJson(m_fake->requests().last().body).object(); }
    // A chat completion the fake answers after `delayMs`, costing `cost`: requests that stay in
    // flight long enough to overlap.
    static FakeOpenRouter::Fault slowCompletion(int delayMs, double cost)
    {
        FakeOpenRouter::Fault slow;
        slow.status = 200;
        slow.delayMs = delayMs;
        slow.body = R"({"id":"gen-slow","object":"chat.completion","model":"openai/gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"slow"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"cost":)"
                    + QByteArray::number(cost) + "}}";
        return slow;
    }
    int upstreamChats() const { return m_fake->countRequests("POST", u"/chat/completions"_s); }
    // Everything the gateway recorded, written now: this week's report holds one member, with
    // these costs and requests. The caller returns when it fails (QTest::currentTestFailed()).
    void expectWeekWritten(double cost, qint64 requests)
    {
        QString error;
        QVERIFY2(m_gateway->flush(&error), qPrintable(error));
        const Result<TeamReport> report = m_store->spend().teamReport(ReportPeriod::Weekly, QDateTime::currentDateTimeUtc().date());
        QVERIFY2(report.ok(), qPrintable(report.errorText()));
        QCOMPARE(report->rows.size(), 1);
        QCOMPARE(report->rows.at(0).cost, cost);
        QCOMPARE(report->rows.at(0).requests, requests);
    }
    void startGateway(Gateway::Settings s = {})
    {
        m_gateway.reset();
        s.upstream = QUrl(m_fake->baseUrl());
        s.upstreamKey = u"sk-or-shared"_s;
        if (s.flushMs == Gateway::Settings().flushMs)
            s.flushMs = 50;
        if (s.costLookupDelaysMs == Gateway::Settings().costLookupDelaysMs)
            s.costLookupDelaysMs = {20, 50, 100};
        m_gateway = std::make_unique<Gateway>(m_store.get(), m_upstreamNetwork.get(), s);
        QString error;
        QVERIFY2(m_gateway->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }
    void addMember(const QString &name, const QString &tier, std::optional<double> limit = std::nullopt,
                   LimitReset period = LimitReset::Daily)
    {
        const Status added = m_store->team().addMember(
            {name, {}, tier, limit ? std::optional(Budget{*limit, period}) : std::nullopt, true, {}});
        QVERIFY2(added.ok(), qPrintable(added.errorText()));
        const Result<QString> token = m_store->governance().createGatewayToken(name);
        QVERIFY2(token.ok(), qPrintable(token.errorText()));
        m_tokens.insert(name, *token);
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeOpenRouter>();
        m_fake->setChatKey(u"sk-or-shared"_s);
        m_fake->setChatCost(0.02);
        QVERIFY(m_fake->start());
        m_store = std::make_unique<Store>();
        QString error;
        m_where = m_databases.fresh();
        const Status opened = m_store->open(m_where);
        QVERIFY2(opened.ok(), qPrintable(opened.errorText()));
        Tier strict{u"strict"_s, Budget{1.0}, QStringList{u"openai/gpt-4o-mini"_s}, QString(), {}};
        QVERIFY(m_store->team().saveTier(strict).ok());
        m_tokens.clear();
        addMember(u"ann"_s, u"pro"_s, 0.05);
        addMember(u"sid"_s, u"strict"_s);
        addMember(u"gone"_s, u"pro"_s);
        addMember(u"ent"_s, u"enterprise"_s, 1.0);
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
    }

    void upstreamBodyIsTheClientsBytesButThePolicysMembers()
    {
        // What goes upstream must parse to exactly what the policy decided, while the members it
        // never edits go as the client wrote them (not re-written: a 10 MB body stays one copy).
        struct Case
        {
            QByteArray original;
            QJsonObject edits;  // set on the parsed original, as the policy would
            bool spliced;       // the client's bytes kept (else the policy's body written whole)
        };
        const QList<Case> cases = {
            // Braces, brackets, quotes and escapes inside strings; a number as the client spelled it.
            {" { \"messages\" : [ {\"role\":\"user\",\"content\":\"a \\\"}{\\\" ][ \\\\\"} ] , \"model\":\"openai/o3\","
             " \"user\":\"eve\",\n \"n\" : 1.50e0, \"tools\":[], \"stream\":false } ",
             {{"model"_L1, u"openai/gpt-4o-mini"_s}, {"user"_L1, u"ann"_s}}, true},
            {"{}", {{"model"_L1, u"m"_s}, {"user"_L1, u"ann"_s}}, true},
            // A key spelled with an escape could be "model" under another spelling: written whole.
            {"{\"mod\\u0065l\":\"openai/o3\",\"messages\":[]}", {{"model"_L1, u"openai/gpt-4o-mini"_s}}, false},
            // A key twice: readers differ on which counts, so the policy's single one is written.
            {"{\"model\":\"openai/o3\",\"model\":\"openai/o3\",\"messages\":[]}", {{"model"_L1, u"openai/gpt-4o-mini"_s}}, false},
            // Not ASCII: written whole rather than compared byte for byte.
            {"{\"\xc3\xa9t\xc3\xa9\":1,\"model\":\"m\"}", {{"user"_L1, u"ann"_s}}, false},
        };
        for (const Case &c : cases) {
            QJsonObject policy = QJsonDocument::fromJson(c.original).object();
            for (auto it = c.edits.begin(); it != c.edits.end(); ++it)
                policy.insert(it.key(), it.value());
            const QByteArray sent = upstreamRequestBody(c.original, policy);
            QJsonParseError error;
            const QJsonDocument back = QJsonDocument::fromJson(sent, &error);
            QVERIFY2(error.error == QJsonParseError::NoError, sent.constData());
            QCOMPARE(back.object(), policy);
            QCOMPARE(sent.contains("openai/o3"), false);
            QCOMPARE(sent.contains("eve"), false);
            if (c.original.contains("1.50e0")) // as the client spelled it: copied, not re-written
                QVERIFY2(sent.contains("\"n\" : 1.50e0"), sent.constData());
            if (c.original != "{}") // nothing of the client's to keep in an empty object
                QCOMPARE(sent == QJsonDocument(policy).toJson(QJsonDocument::Compact), !c.spliced);
        }
        // The policy's members are written without Qt's writer (strings of ASCII escaped by hand):
        // with nothing of the client's around them the bytes must be exactly what Qt writes, for
        // every ASCII character, and for what goes through Qt's writer (not ASCII, not a string).
        QString everyAscii;
        for (char16_t c = 0; c < 0x80; ++c)
            everyAscii += QChar(c);
        for (const QJsonObject &edits :
             {QJsonObject{{"model"_L1, everyAscii}, {"user"_L1, u"ann \"x\" \\ /"_s}},
              QJsonObject{{"model"_L1, u"m\u00e9\u4e2d\U0001F600"_s}, {"user"_L1, u"ann"_s}, {"stream"_L1, true},
                          {"models"_L1, QJsonArray{u"a"_s, u"b\n"_s}}, {"metadata"_L1, QJsonObject{{"user_id"_L1, u"ann"_s}}},
                          {"route"_L1, QJsonValue::Null}, {"plugins"_L1, QJsonArray{QJsonObject{{"id"_L1, 1.5}}}}}}) {
            QCOMPARE(upstreamRequestBody("{}", edits), QJsonDocument(edits).toJson(QJsonDocument::Compact));
        }
        // A member the policy added or took away beyond its own: written whole, never half-kept.
        const QByteArray original = "{\"model\":\"m\",\"extra\":{\"a\":1},\"messages\":[]}";
        QJsonObject policy = QJsonDocument::fromJson(original).object();
        policy.remove("extra"_L1);
        QCOMPARE(QJsonDocument::fromJson(upstreamRequestBody(original, policy)).object(), policy);
        policy.insert("added"_L1, 1);
        QCOMPARE(QJsonDocument::fromJson(upstreamRequestBody(original, policy)).object(), policy);
    }

    void aKeyTwiceIsFoundAmongManyInLinearTime()
    {
        // A key twice makes the client's bytes unusable (readers differ on which counts): found
        // even as the last of 50,000 members, and without comparing every pair (~1.25e9 of them,
        // seconds: a body anyone can send).
        constexpr int Keys = 50'000;
        QByteArray original = "{";
        for (int i = 0; i < Keys; ++i) {
            const QByteArray key = "k" + QByteArray::number(i);
            original += '"' + key + "\":" + QByteArray::number(i) + ',';
        }
        original += "\"k0\":-1}";
        QJsonObject policy = QJsonDocument::fromJson(original).object();
        QCOMPARE(policy.size(), Keys);
        // One more key in the policy's body: without the check the counts would match and the
        // client's bytes (the key twice) would be spliced.
        policy.insert("zz"_L1, 1);
        QElapsedTimer t;
        t.start();
        const QByteArray sent = upstreamRequestBody(original, policy);
        const qint64 ms = t.elapsed();
        QCOMPARE(sent, QJsonDocument(policy).toJson(QJsonDocument::Compact));
        QVERIFY2(ms < 2000, QByteArray::number(ms).constData());
        // The same members without the key twice are spliced, in the same time.
        original.chop(int(qstrlen(",\"k0\":-1}")));
        original += '}';
        policy = QJsonDocument::fromJson(original).object();
        policy.insert("model"_L1, u"m"_s);
        t.restart();
        const QByteArray spliced = upstreamRequestBody(original, policy);
        QVERIFY2(t.elapsed() < 2000, QByteArray::number(t.elapsed()).constData());
        QVERIFY(spliced.startsWith("{\"k0\":0,\"k1\":1,"));
        QVERIFY(spliced.endsWith(",\"model\":\"m\"}"));
        QCOMPARE(QJsonDocument::fromJson(spliced).object(), policy);
        // And splitRequestBody (its own scan) refuses the key twice as well.
        QVERIFY(!splitRequestBody(QByteArray(original.chopped(1) + ",\"k7\":0}")));
    }

    void aWholeAnswerIsReadAsQtReadsIt()
    {
        // readWhole() hands Qt's parser only the members it reads when a strict scan of the rest
        // passes; what it finds must be what reading the whole answer with Qt finds, on answers
        // the scan accepts and on those it leaves to Qt.
        QByteArray deep = "{\"usage\":{\"cost\":0.5},\"choices\":";
        for (int i = 0; i < 100; ++i)
            deep += '[';
        for (int i = 0; i < 100; ++i)
            deep += ']';
        deep += '}';
        const QList<QByteArray> answers = {
            "{\"id\":\"gen-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi {\\\"x\\\"} ][\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"cost\":0.0001}}",
            " {\"id\":\"resp_1\",\"object\":\"response\",\"output\":[{\"type\":\"message\",\"content\":[{\"text\":\"ok\"}]}],\"usage\":{\"cost\":0.25}} ",
            "{\"id\":\"resp_2\",\"response\":{\"id\":\"r\",\"usage\":{\"cost\":0.5}}}",
            "{\"message\":{\"id\":\"msg_1\"},\"usage\":{\"cost\":0.3}}",
            "{\"usage\":{\"cost\":1},\"usage\":{\"cost\":2},\"id\":\"a\",\"id\":\"b\"}",
            "{\"us\\u0061ge\":{\"cost\":1},\"id\":\"esc\"}",
            "{\"usage\":{\"cost\":1},\"id\":\"g\"} x",
            "{\"choices\":[tru],\"usage\":{\"cost\":1},\"id\":\"g\"}",
            "{\"choices\":[.5],\"usage\":{\"cost\":1},\"id\":\"g\"}",
            "{\"usage\":{\"cost\":1e400},\"id\":\"big\"}",
            "{\"usage\":{\"cost\":-0},\"id\":\"z\"}",
            "{\"usage\":{\"cost\":-1},\"id\":\"neg\"}",
            "{\"usage\":{\"cost\":null},\"id\":\"n\"}",
            "{\"usage\":{\"cost\":\"0.1\"},\"id\":\"s\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":true,\"cost_details\":{\"upstream_inference_cost\":0.2}},\"id\":\"byok\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":false,\"cost_details\":{\"upstream_inference_cost\":0.2}},\"id\":\"nobyok\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":\"true\",\"cost_details\":{\"upstream_inference_cost\":0.2}},\"id\":\"strbyok\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":true,\"cost_details\":[1]},\"id\":\"detailsarray\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":true,\"cost_details\":{\"upstream_inference_cost\":\"0.2\"}},\"id\":\"upstr\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":true,\"cost_details\":{\"upstream_inference_cost\":-2}},\"id\":\"upneg\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":true,\"cost_details\":{\"upstream_inference_cost\":0.2},\"cost_details\":{}},\"id\":\"dupdetails\"}",
            "{\"usage\":{\"cost\":0.1,\"is_byok\":true,\"is_byok\":false,\"cost_details\":{\"upstream_inference_cost\":0.2}}}",
            "{\"usage\":[1,2],\"id\":\"usagearray\"}",
            "{\"usage\":{\"cost\":0.7},\"usage\":{\"prompt_tokens\":1},\"id\":\"dupusage\"}",
            "{\"id\":7,\"usage\":{\"cost\":0.1}}",
            "{\"id\":\"a\",\"id\":7,\"usage\":{\"cost\":0.1}}",
            "{\"id\":\"g\\u0065n-\\n1\",\"usage\":{\"cost\":0.1}}",
            "{\"usage\":{\"cost\":true},\"id\":\"boolcost\"}",
            "{\"usage\":{\"cost\":{\"x\":1}},\"id\":\"objcost\"}",
            "{\"usage\":{\"cost\":0},\"id\":\"zero\"}",
            "{\"usage\":{\"cost\":2},\"id\":\"int\"}",
            "{\"usage\":{\"cost\":1e3},\"id\":\"max\"}",
            "{\"usage\":{\"cost\":1000.5},\"id\":\"over\"}",
            "{\"usage\":{\"cost\":12345678901234567890},\"id\":\"hugeint\"}",
            "{\"usage\":{\"cost\":-0.0},\"id\":\"negzero\"}",
            "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,-2e-3,3E+2]}],\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1,\"cost\":0.0001}}",
            "{\"choices\":[{\"content\":\"h\\u00e9llo \\ud83d\\ude00 \\u0000\"}],\"usage\":{\"cost\":0.1},\"id\":\"u\"}",
            "{\"choices\":[{\"content\":\"h\xc3\xa9llo \xf0\x9f\x98\x80\"}],\"usage\":{\"cost\":0.1},\"id\":\"utf8\"}",
            "{\"choices\":[{\"content\":\"bad \xff\"}],\"usage\":{\"cost\":0.1},\"id\":\"bad\"}",
            "{\"choices\":[{\"content\":\"raw \x01\"}],\"usage\":{\"cost\":0.1},\"id\":\"ctl\"}",
            deep,
            "[{\"usage\":{\"cost\":1}}]",
            "{}",
            "",
        };
        for (const QByteArray &answer : answers) {
            UsageReader fast;
            fast.readWhole(answer);
            const QJsonObject whole = QJsonDocument::fromJson(answer).object();
            bool invalid = false;
            const std::optional<double> cost = costOf(whole, &invalid);
            QVERIFY2(fast.cost == cost, answer.constData());
            QVERIFY2(fast.generationId == generationIdOf(whole), answer.constData());
            QVERIFY2(fast.invalidCost == invalid, answer.constData());
        }
    }

    void aSplitBodyGoesUpstreamAsAParsedOneWould()
    {
        // splitRequestBody parses only the members the policy reads: the policy's outcome, and the
        // body that goes upstream, must be what the body parsed whole gives.
        QList<Tier> tiers = defaultTiers();
        tiers.append(Tier{u"strict"_s, Budget{1.0}, QStringList{u"openai/gpt-4o-mini"_s}, QString(), {}});
        const QList<QByteArray> bodies = {
            "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}",
            " { \"messages\" : [ {\"role\":\"user\",\"content\":\"a \\\"}{\\\" ][ \\\\\"} ] , \"model\":\"openai/o3\", \"user\":\"eve\",\n \"n\" : 1.50e0, \"tools\":[], \"stream\":false } ",
            "{\"model\":\"openai/gpt-4o\",\"models\":[\"openai/gpt-4o-mini\",\"openai/o3\",7],\"route\":\"fallback\",\"messages\":[]}",
            "{\"model\":\"openai/gpt-4o\",\"models\":[\"openai/o3\"],\"route\":\"fallback\",\"messages\":[]}",
            "{\"model\":\"openai/gpt-4o-mini\",\"plugins\":[{\"id\":\"auto-router\",\"allowed_models\":[\"openai/o3\",\"openai/gpt-4o-mini\"]},{\"id\":\"web\"}]}",
            "{\"model\":\"openai/gpt-4o-mini\",\"plugins\":[{\"id\":\"auto-router\"}],\"preset\":\"x\"}",
            "{\"model\":\"openai/gpt-4o-mini\",\"tools\":[{\"type\":\"openrouter:advisor\",\"model\":\"openai/o3\"},{\"type\":\"function\",\"parameters\":{\"model\":{\"type\":\"string\"}}}]}",
            "{\"model\":\"openai/gpt-4o-mini\",\"provider\":{\"only\":[\"openai\"],\"order\":\"x\"}}",
            "{\"model\":\"openai/gpt-4o-mini\",\"provider\":{\"only\":[\"openai\"],\"ignore\":null},\"stream\":true,\"input\":\"hi\"}",
            "{\"model\":\"openai/gpt-4o-mini\",\"stream\":1}",
            "{\"model\":\"claude\",\"metadata\":{\"user_id\":\"eve\",\"x\":1},\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9 \\ud83d\\ude00\"}]}",
            "{\"model\":\"\",\"messages\":[]}",
            "{\"messages\":[]}",
            "{\"model\":7}",
            "{\"model\":\"openai/gpt-4o-mini\",\"user\":{\"x\":1},\"extra\":{\"a\":[1,2,{\"b\":null}]},\"t\":true,\"f\":false}",
            "{}",
        };
        for (const QByteArray &body : bodies) {
            const std::optional<RequestBodySplit> split = splitRequestBody(body);
            QVERIFY2(split, body.constData());
            for (const QString &tier : {u"enterprise"_s, u"basic"_s, u"strict"_s, u"free"_s, u"gone"_s}) {
                for (const InferenceApi api : {InferenceApi::ChatCompletions, InferenceApi::Messages, InferenceApi::Embeddings}) {
                    Member member;
                    member.name = u"ann"_s;
                    member.tier = tier;
                    const PolicyOutcome whole = applyRequestPolicy(api, tiers, member, QJsonDocument::fromJson(body).object());
                    const PolicyOutcome part = applyRequestPolicy(api, tiers, member, split->read);
                    QCOMPARE(part.refusal, whole.refusal);
                    QCOMPARE(part.message, whole.message);
                    QCOMPARE(part.requestedModel, whole.requestedModel);
                    QCOMPARE(part.downgradedFrom, whole.downgradedFrom);
                    QCOMPARE(part.removedModels, whole.removedModels);
                    QCOMPARE(part.stream, whole.stream);
                    if (whole.refusal)
                        continue;
                    const QByteArray sent = upstreamRequestBody(split->others, part.body);
                    QCOMPARE(QJsonDocument::fromJson(sent).object(), whole.body);
                    QCOMPARE(QJsonDocument::fromJson(upstreamRequestBody(body, whole.body)).object(), whole.body);
                }
            }
        }
        // What the policy only reads (tools, provider, preset) goes as the client wrote it, like
        // every member it does not edit.
        const QByteArray written = "{\"model\":\"m\",\"tools\":[{\"n\":1.50e0}],\"provider\":{\"only\":[ \"a\" ]},\"messages\":[ 1.0 ]}";
        Member ent;
        ent.name = u"ann"_s;
        ent.tier = u"enterprise"_s;
        const std::optional<RequestBodySplit> split = splitRequestBody(written);
        QVERIFY(split);
        const QByteArray sent = upstreamRequestBody(split->others, applyRequestPolicy(InferenceApi::ChatCompletions, tiers, ent, split->read).body);
        QVERIFY2(sent.contains("\"tools\":[{\"n\":1.50e0}]") && sent.contains("[ \"a\" ]") && sent.contains("[ 1.0 ]"), sent.constData());
        // What cannot be split with certainty is left to be parsed whole.
        for (const QByteArray &body : {QByteArray("{\"mod\\u0065l\":\"a\"}"), QByteArray("{\"model\":\"a\",\"model\":\"b\"}"),
                                       QByteArray("{\"b\":1,\"a\":2,\"b\":3}"), QByteArray("{\"model\":\"a\"} x"),
                                       QByteArray("[1]"), QByteArray("{\"a\":.5}"), QByteArray("{\"a\":-0}"), QByteArray()})
            QVERIFY2(!splitRequestBody(body), body.constData());
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
        // Valid JSON that is no object says what it is (there is no parse error to quote).
        a = finish(send(m_tokens.value(u"ann"_s), "[]"));
        QCOMPARE(a.status, 400);
        QCOMPARE(a.json.value("error"_L1).toObject().value("message"_L1).toString(), u"The body must be a JSON object: it is an array"_s);
        // A tier without a fallback refuses a model it does not allow.
        a = call(u"sid"_s, u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 403);
        QVERIFY(a.json.value("error"_L1).toObject().value("message"_L1).toString().contains(u"no fallback"_s));
        QCOMPARE(finish(send(m_tokens.value(u"ann"_s), chat(u"x"_s), u"/audio/speech"_s)).status, 404);
        QCOMPARE(upstreamChats(), 0);
        QCOMPARE(m_gateway->status().refusalsToday, 7);
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
        m_fake->failNext("POST", u"/chat/completions"_s, slowCompletion(300, 0.02), 10);
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
        expectWeekWritten(0.08, 4);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(m_gateway->status().inFlight, 0);
        // A restarted gateway reads the spend back from the database: still over budget.
        startGateway();
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 402);
    }

    void severalThreadsChargeEveryAnswerExactlyOnce()
    {
        // Two threads serving, clients on ~24 connections at once (each manager opens up to 6),
        // in waves of 16 requests by one member with $1.00 to spend at $0.02 a request: every
        // answer is charged once (the database's total is the sum of the costs the answers
        // carried), strangers are refused on either thread, the budget stops the member, and the
        // spend overshoots by at most the requests in flight when it was crossed.
        Gateway::Settings s;
        s.threads = 2;
        s.maxInFlight = 16;
        startGateway(s);
        QCOMPARE(m_gateway->threads(), 2);
        std::array<QNetworkAccessManager, 4> clients;
        double answered = 0;
        int ok = 0, refused402 = 0, refused401 = 0;
        for (int wave = 0; wave < 8; ++wave) {
            QList<QNetworkReply *> replies;
            for (int i = 0; i < 16; ++i) {
                const QNetworkRequest r = request(i == 15 ? u"orgw-stranger"_s : m_tokens.value(u"ent"_s));
                replies << clients[size_t(i) % clients.size()].post(r, chat(u"openai/gpt-4o"_s));
            }
            for (QNetworkReply *reply : replies) {
                const Answer a = finish(reply);
                if (a.status == 200) {
                    ++ok;
                    answered += a.json.value("usage"_L1).toObject().value("cost"_L1).toDouble();
                } else if (a.status == 402) {
                    ++refused402;
                } else {
                    QCOMPARE(a.status, 401);
                    ++refused401;
                }
            }
        }
        QCOMPARE(refused401, 8);
        QVERIFY2(refused402 > 0, "the budget never refused");
        QVERIFY2(ok >= 50, QByteArray::number(ok).constData()); // $1.00 at $0.02: 50 fit
        QVERIFY2(ok <= 50 + 15, QByteArray::number(ok).constData()); // plus at most one wave in flight
        QCOMPARE(upstreamChats(), ok);
        QTRY_COMPARE(m_gateway->unsettled(), 0);
        QCOMPARE(m_gateway->status().inFlight, 0);
        expectWeekWritten(answered, ok);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(answered, ok * 0.02);
        // Over budget now, whichever thread takes the connection.
        QList<QNetworkReply *> late;
        for (int i = 0; i < 8; ++i)
            late << clients[size_t(i) % clients.size()].post(request(m_tokens.value(u"ent"_s)), chat(u"openai/gpt-4o"_s));
        for (QNetworkReply *reply : late)
            QCOMPARE(finish(reply).status, 402);
        QCOMPARE(upstreamChats(), ok);
    }

    void aWeeklyBudgetCountsTheWeekSoFar()
    {
        // Wednesday; Wyn's budget is $1.00 a week and she spent $0.99 on Monday. A daily check
        // would see $0 today; the gateway counts the week: one more request, then 402.
        auto now = std::make_shared<QDateTime>(QDate(2026, 11, 25), QTime(12, 0), Qt::UTC);
        m_gateway->setClock([now] { return *now; });
        addMember(u"wyn"_s, u"pro"_s, 1.0, LimitReset::Weekly);
        QVERIFY(m_store->usage().recordUsage(u"wyn"_s, QDate(2026, 11, 23), 0.99, 3).ok());
        QVERIFY(m_store->usage().recordUsage(u"wyn"_s, QDate(2026, 11, 22), 5.00, 9).ok()); // last week's Sunday
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200); // the gateway's day is the clock's
        QString error;
        QVERIFY2(m_gateway->reload(&error), qPrintable(error));
        const Answer first = call(u"wyn"_s, u"openai/gpt-4o"_s);
        QCOMPARE(first.status, 200);
        QCOMPARE(first.headers.value("x-orteam-budget-limit"), QByteArray("1"));
        QCOMPARE(first.headers.value("x-orteam-budget-remaining"), QByteArray("0.01"));
        QCOMPARE(first.headers.value("x-orteam-budget-reset"), QByteArray("2026-11-30T00:00:00Z")); // Monday
        const Answer over = call(u"wyn"_s, u"openai/gpt-4o"_s);
        QCOMPARE(over.status, 402);
        const QString message = over.json.value("error"_L1).toObject().value("message"_L1).toString();
        QVERIFY2(message.contains(u"$1.01 this week"_s) && message.contains(u"weekly budget of $1.00"_s)
                     && message.contains(u"2026-11-30"_s),
                 qPrintable(message));
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
        QSignalSpy uncosted(m_gateway.get(), &Gateway::uncosted);
        m_fake->setChatCost(-5.0);
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 200);
        m_fake->setChatCost(0.01);
        QCOMPARE(call(u"sid"_s, u"openai/gpt-4o-mini"_s).status, 200);
        QTRY_COMPARE(uncosted.size(), 1); // looked up by its generation, which says -5 too
        QString error;
        QVERIFY2(m_gateway->flush(&error), qPrintable(error));
        const QDate today = QDateTime::currentDateTimeUtc().date();
        const auto annSpent = m_store->spend().spentOn(u"ann"_s, today);
        QVERIFY2(annSpent.ok(), qPrintable(annSpent.errorText()));
        QCOMPARE(annSpent.valueOr(-1), 0.0);
        QCOMPARE(m_store->spend().spentOn(u"sid"_s, today).valueOr(-1), 0.01);
    }

    void aWriteThatFailsHalfwayLosesNoUsage()
    {
        // Two days of usage in one write; the second day's statement fails: nothing of the write
        // stays in the database, all of it stays in memory (still counted against the budget),
        // and the next write saves it once. Only this test's flushes write.
        Gateway::Settings settings;
        settings.flushMs = 3'600'000;
        startGateway(settings);
        auto now = std::make_shared<QDateTime>(QDate(2026, 11, 29), QTime(23, 59, 59), Qt::UTC);
        m_gateway->setClock([now] { return *now; });
        QSignalSpy recorded(m_gateway.get(), &Gateway::recorded);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        *now = now->addSecs(2);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        QTRY_COMPARE(recorded.size(), 2);
        QString error;
        QVERIFY(m_gateway->flush(&error)); // whatever the database thread had, written or put back
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, QDate(2026, 11, 30)).valueOr(-1), 0.02);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        *now = now->addSecs(-2); // a late answer of the day before, to make a write of two days
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        QTRY_COMPARE(recorded.size(), 4);
        int statements = 0;
        m_store->database().setFaultInjector([&statements](int, const QString &sql) {
            return sql.contains(u"user_usage"_s) && ++statements == 2;
        });
        const bool flushed = m_gateway->flush(&error);
        m_store->database().setFaultInjector({});
        QVERIFY(!flushed);
        QVERIFY2(error.contains(u"injected fault"_s), qPrintable(error));
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, QDate(2026, 11, 29)).valueOr(-1), 0.02);
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, QDate(2026, 11, 30)).valueOr(-1), 0.02);
        QVERIFY2(m_gateway->flush(&error), qPrintable(error));
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, QDate(2026, 11, 29)).valueOr(-1), 0.04);
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, QDate(2026, 11, 30)).valueOr(-1), 0.04);
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
        auto raw = [this](const QByteArray &bytes) { return rawUntil(bytes); };
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
        // An HTTP/1.0 client cannot read chunked encoding: its stream comes as plain bytes, ended
        // by the connection's end.
        const QByteArray streamBody = chat(u"openai/gpt-4o-mini"_s, true);
        const QByteArray old = raw("POST /api/v1/chat/completions HTTP/1.0\r\nAuthorization: Bearer " + token
                                   + "\r\nContent-Length: " + QByteArray::number(streamBody.size()) + "\r\n\r\n" + streamBody);
        QVERIFY2(old.startsWith("HTTP/1.1 200") && !old.contains("Transfer-Encoding"), old.constData());
        QVERIFY2(old.trimmed().endsWith("data: [DONE]"), old.constData());
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o-mini"_s).status, 200); // still serving
    }

    void clientLeavingMidRequestIsStillCharged()
    {
        // The upstream goes on generating (and billing) after the client hangs up, so the gateway
        // reads the answer to its end: the slot stays taken until then, and the cost is charged.
        m_fake->failNext("POST", u"/chat/completions"_s, slowCompletion(600, 0.03), 1);
        QSignalSpy recorded(m_gateway.get(), &Gateway::recorded);
        QNetworkReply *reply = send(m_tokens.value(u"ann"_s), chat(u"openai/gpt-4o"_s));
        QTRY_COMPARE(m_gateway->status().inFlight, 1);
        reply->abort();
        reply->deleteLater();
        QTRY_COMPARE(recorded.size(), 1);
        QCOMPARE(recorded.at(0).at(1).toDouble(), 0.03);
        QCOMPARE(m_gateway->status().inFlight, 0);
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 200);
    }

    void aClientLeavingIsChargedWhicheverThreadServedIt()
    {
        // The same with two threads: a new connection each time (the last one was cut), so the
        // six land on either thread; each answer is read to its end, charged once, and frees the
        // member's place.
        Gateway::Settings s;
        s.threads = 2;
        startGateway(s);
        auto charged = std::make_shared<QList<double>>();
        // Queued to this thread from a serving thread: the list is only touched here.
        connect(m_gateway.get(), &Gateway::recorded, this, [charged](const QString &, double cost) { charged->append(cost); });
        for (int i = 0; i < 6; ++i) {
            m_fake->failNext("POST", u"/chat/completions"_s, slowCompletion(300, 0.03), 1);
            QNetworkReply *reply = send(m_tokens.value(u"ent"_s), chat(u"openai/gpt-4o"_s));
            QTRY_COMPARE(m_gateway->status().inFlight, 1);
            reply->abort();
            reply->deleteLater();
            QTRY_COMPARE(charged->size(), i + 1);
            QCOMPARE(charged->last(), 0.03);
            QTRY_COMPARE(m_gateway->status().inFlight, 0);
        }
        expectWeekWritten(0.18, 6);
    }

    void everyApiIsServedAttributedAndCharged_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("streamed"); // what a streamed answer must contain; empty: not streamed
        const QJsonArray messages{QJsonObject{{"role"_L1, u"user"_s}, {"content"_L1, u"hi"_s}}};
        const QString model = u"openai/gpt-4o"_s;
        for (bool stream : {false, true}) {
            const char *how = stream ? " streamed" : "";
            QTest::addRow("chat%s", how) << u"/chat/completions"_s
                << json({{"model"_L1, model}, {"messages"_L1, messages}, {"stream"_L1, stream}})
                << QByteArray(stream ? "data: [DONE]" : "");
            QTest::addRow("completions%s", how) << u"/completions"_s
                << json({{"model"_L1, model}, {"prompt"_L1, u"hi"_s}, {"stream"_L1, stream}})
                << QByteArray(stream ? "data: [DONE]" : "");
            QTest::addRow("responses%s", how) << u"/responses"_s
                << json({{"model"_L1, model}, {"input"_L1, u"hi"_s}, {"stream"_L1, stream}})
                << QByteArray(stream ? "response.completed" : "");
            QTest::addRow("messages%s", how) << u"/messages"_s
                << json({{"model"_L1, model}, {"max_tokens"_L1, 64}, {"messages"_L1, messages}, {"stream"_L1, stream}})
                << QByteArray(stream ? "message_delta" : "");
        }
        QTest::addRow("embeddings") << u"/embeddings"_s << json({{"model"_L1, model}, {"input"_L1, u"hi"_s}}) << QByteArray();
    }

    void everyApiIsServedAttributedAndCharged()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, streamed);
        QSignalSpy recorded(m_gateway.get(), &Gateway::recorded);
        const Answer a = finish(send(m_tokens.value(u"ann"_s), body, path));
        QVERIFY2(a.status == 200, a.body.constData());
        if (!streamed.isEmpty())
            QVERIFY2(a.body.contains(streamed) && a.body.contains("Hello"), a.body.constData());
        else if (path == u"/embeddings"_s)
            QVERIFY2(a.json.value("data"_L1).toArray().first().toObject().value("embedding"_L1).isArray(), a.body.constData());
        else
            QVERIFY2(a.body.contains("Hello from openai/gpt-4o."), a.body.constData());
        QTRY_COMPARE(recorded.size(), 1);
        QCOMPARE(recorded.at(0).at(0).toString(), u"ann"_s);
        QCOMPARE(recorded.at(0).at(1).toDouble(), 0.02);
        // Upstream: the API asked for, the shared key, the member in the title and the user field.
        const FakeOpenRouter::Recorded up = m_fake->requests().last();
        QCOMPARE(up.path, path);
        QCOMPARE(up.authorization, QByteArray("Bearer sk-or-shared"));
        QCOMPARE(up.title, QByteArray("orteam:ann"));
        const QJsonObject sent = QJsonDocument::fromJson(up.body).object();
        if (path == u"/messages"_s)
            QCOMPARE(sent.value("metadata"_L1).toObject().value("user_id"_L1).toString(), u"ann"_s);
        else
            QCOMPARE(sent.value("user"_L1).toString(), u"ann"_s);
        // The budget, as it stood when the request was admitted.
        QCOMPARE(a.headers.value("x-orteam-budget-limit"), QByteArray("0.05"));
        QCOMPARE(a.headers.value("x-orteam-budget-remaining"), QByteArray("0.05"));
        QVERIFY(a.headers.value("x-orteam-budget-reset").endsWith("T00:00:00Z"));
    }

    void messagesSpeakAnthropic()
    {
        // The Anthropic SDK and Claude Code send the key in x-api-key and read Anthropic's errors.
        auto messages = [this](const QByteArray &key, const QString &model) {
            QNetworkRequest r(url(u"/messages"_s));
            r.setRawHeader("x-api-key", key);
            r.setRawHeader("anthropic-version", "2023-06-01");
            r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
            return finish(m_client.post(r, json({{"model"_L1, model}, {"max_tokens"_L1, 16},
                                                 {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, u"user"_s}, {"content"_L1, u"hi"_s}}}}})));
        };
        Answer a = messages(m_tokens.value(u"ann"_s).toUtf8(), u"openai/gpt-4o"_s);
        QVERIFY2(a.status == 200, a.body.constData());
        QCOMPARE(a.json.value("type"_L1).toString(), u"message"_s);
        a = messages("orgw-nobody", u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 401);
        QCOMPARE(a.json.value("type"_L1).toString(), u"error"_s);
        QCOMPARE(a.json.value("error"_L1).toObject().value("type"_L1).toString(), u"authentication_error"_s);
        a = messages(m_tokens.value(u"sid"_s).toUtf8(), u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 403);
        QCOMPARE(a.json.value("error"_L1).toObject().value("type"_L1).toString(), u"permission_error"_s);
        // ann's $0.05: $0.02 spent, two more admitted ($0.06), then the budget is gone.
        QCOMPARE(messages(m_tokens.value(u"ann"_s).toUtf8(), u"openai/gpt-4o"_s).status, 200);
        QCOMPARE(messages(m_tokens.value(u"ann"_s).toUtf8(), u"openai/gpt-4o"_s).status, 200);
        a = messages(m_tokens.value(u"ann"_s).toUtf8(), u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 402);
        QCOMPARE(a.json.value("error"_L1).toObject().value("type"_L1).toString(), u"billing_error"_s);
        QCOMPARE(a.headers.value("x-orteam-budget-remaining"), QByteArray("0"));
    }

    void aClientThatHangsUpAfterTheTextIsChargedInFull_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        const QJsonArray messages{QJsonObject{{"role"_L1, u"user"_s}, {"content"_L1, u"hi"_s}}};
        const QString model = u"test/slow-usage"_s;
        QTest::addRow("chat") << u"/chat/completions"_s << json({{"model"_L1, model}, {"messages"_L1, messages}, {"stream"_L1, true}});
        QTest::addRow("responses") << u"/responses"_s << json({{"model"_L1, model}, {"input"_L1, u"hi"_s}, {"stream"_L1, true}});
        QTest::addRow("messages") << u"/messages"_s
                                  << json({{"model"_L1, model}, {"max_tokens"_L1, 16}, {"messages"_L1, messages}, {"stream"_L1, true}});
    }

    void aClientThatHangsUpAfterTheTextIsChargedInFull()
    {
        // The text arrives at once, the usage 1.5 s later: a client that has what it wanted and
        // leaves must not leave the request uncharged.
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QSignalSpy recorded(m_gateway.get(), &Gateway::recorded);
        const QByteArray got = rawUntil(post(path, body, "Authorization: Bearer " + m_tokens.value(u"ent"_s).toUtf8()), "Hello");
        QVERIFY2(got.startsWith("HTTP/1.1 200"), got.constData());
        QVERIFY2(!got.contains("\"cost\""), got.constData());
        QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 1, 5000);
        QCOMPARE(recorded.at(0).at(1).toDouble(), 0.02);
        QTRY_COMPARE(m_gateway->status().inFlight, 0);
    }

    void anAnswerWithoutACostIsLookedUpByItsGeneration()
    {
        // OpenRouter knows the generation a moment after answering: the first look finds nothing.
        // Until the cost is known the request keeps its place in flight (the overshoot bound).
        Gateway::Settings s;
        s.costLookupDelaysMs = {300, 300, 300};
        startGateway(s);
        QSignalSpy recorded(m_gateway.get(), &Gateway::recorded);
        const Answer a = call(u"ent"_s, u"test/no-usage"_s);
        QCOMPARE(a.status, 200);
        QVERIFY(!a.body.contains("\"cost\""));
        QCOMPARE(m_gateway->status().inFlight, 1);
        QCOMPARE(m_gateway->unsettled(), 1);
        QTRY_COMPARE(recorded.size(), 1);
        QCOMPARE(m_gateway->status().inFlight, 0);
        QCOMPARE(recorded.at(0).at(1).toDouble(), 0.02);
        QVERIFY(m_fake->countRequests("GET", u"/generation"_s) >= 2);
        QCOMPARE(m_gateway->status().uncostedToday, 0);
        const FakeOpenRouter::Recorded lookup = m_fake->requests().last();
        QCOMPARE(lookup.authorization, QByteArray("Bearer sk-or-shared"));
    }

    void anImplausibleCostIsNeverChargedNorBlocksOthers()
    {
        // 1e308 "USD" is a fault, not a cost: it is looked up, found no better, counted as
        // uncosted and said; the others' usage is written as usual.
        QSignalSpy uncosted(m_gateway.get(), &Gateway::uncosted);
        m_fake->setChatCost(1e308);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        m_fake->setChatCost(0.01);
        QCOMPARE(call(u"sid"_s, u"openai/gpt-4o-mini"_s).status, 200);
        QTRY_COMPARE(uncosted.size(), 1);
        QCOMPARE(uncosted.at(0).at(0).toString(), u"ent"_s);
        QCOMPARE(m_gateway->status().uncostedToday, 1);
        QString error;
        QVERIFY2(m_gateway->flush(&error), qPrintable(error));
        const QDate today = QDateTime::currentDateTimeUtc().date();
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, today).valueOr(-1), 0.0);
        QCOMPARE(m_store->spend().spentOn(u"sid"_s, today).valueOr(-1), 0.01);
    }

    void everyFieldThatPicksAModelIsJudged()
    {
        // sid's tier allows openai/gpt-4o-mini only, with no fallback.
        const QString mini = u"openai/gpt-4o-mini"_s;
        const QJsonArray messages{QJsonObject{{"role"_L1, u"user"_s}, {"content"_L1, u"hi"_s}}};
        const QString token = m_tokens.value(u"sid"_s);
        Answer a = finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"route"_L1, u"fallback"_s},
                                             {"models"_L1, QJsonArray{mini, u"openai/o3"_s}}})));
        QCOMPARE(a.status, 200);
        QCOMPARE(lastUpstreamBody().value("models"_L1).toArray(), QJsonArray{mini});
        QCOMPARE(a.headers.value("x-orteam-models-removed"), QByteArray("openai/o3"));
        a = finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"route"_L1, u"fallback"_s},
                                     {"models"_L1, QJsonArray{u"openai/o3"_s}}})));
        QCOMPARE(a.status, 200);
        QVERIFY(!lastUpstreamBody().contains("models"_L1));
        QVERIFY(!lastUpstreamBody().contains("route"_L1));
        const QJsonObject router{{"id"_L1, u"auto-router"_s}, {"allowed_models"_L1, QJsonArray{u"openai/o3"_s, mini}}};
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"plugins"_L1, QJsonArray{router}}}))).status, 200);
        QCOMPARE(lastUpstreamBody().value("plugins"_L1).toArray().at(0).toObject().value("allowed_models"_L1).toArray(), QJsonArray{mini});
        const int upstream = upstreamChats();
        const QJsonObject onlyO3{{"id"_L1, u"auto-router"_s}, {"allowed_models"_L1, QJsonArray{u"openai/o3"_s}}};
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"plugins"_L1, QJsonArray{onlyO3}}}))).status, 403);
        // A server tool that calls a model of its own, and a preset, are judged too.
        const QJsonObject advisor{{"type"_L1, u"openrouter:advisor"_s}, {"parameters"_L1, QJsonObject{{"model"_L1, u"anthropic/claude-opus-4"_s}}}};
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"tools"_L1, QJsonArray{advisor}}}))).status, 403);
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"preset"_L1, u"team-default"_s}}))).status, 403);
        const QJsonObject function{{"type"_L1, u"function"_s},
                                   {"function"_L1, QJsonObject{{"name"_L1, u"pick"_s},
                                                               {"parameters"_L1, QJsonObject{{"type"_L1, u"object"_s},
                                                                                             {"properties"_L1, QJsonObject{{"model"_L1, QJsonObject{{"type"_L1, u"string"_s}}}}}}}}}};
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"tools"_L1, QJsonArray{function}}}))).status, 200);
        const int afterTools = upstreamChats();
        // Fields read two ways are refused rather than guessed: "stream": 1 would stream upstream
        // while looking like a plain answer here.
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"stream"_L1, 1}}))).status, 400);
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"provider"_L1, u"x"_s}}))).status, 400);
        QCOMPARE(finish(send(token, json({{"model"_L1, mini}, {"messages"_L1, messages}, {"models"_L1, u"openai/o3"_s}}))).status, 400);
        QCOMPARE(upstreamChats(), afterTools);
        QCOMPARE(afterTools, upstream + 1); // of the refused ones, none went upstream
    }

    void nothingAClientSendsCanForgeAHeader()
    {
        // A model id with a line break, downgraded by a tier with a fallback, goes into a header:
        // it arrives percent-encoded, never as a line of its own.
        Tier fallback{u"fallback"_s, Budget{1.0}, QStringList{u"openai/gpt-4o-mini"_s}, u"openai/gpt-4o-mini"_s, {}};
        QVERIFY(m_store->team().saveTier(fallback).ok());
        addMember(u"fal"_s, u"fallback"_s);
        QString error;
        QVERIFY2(m_gateway->reload(&error), qPrintable(error));
        const QByteArray body = json({{"model"_L1, u"evil\r\nX-Injected: 1\r\n\r\nHTTP/1.1 200 OK"_s},
                                      {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, u"user"_s}, {"content"_L1, u"hi"_s}}}}});
        const QByteArray got = rawUntil(post(u"/chat/completions"_s, body, "Authorization: Bearer " + m_tokens.value(u"fal"_s).toUtf8()));
        QVERIFY2(got.startsWith("HTTP/1.1 200"), got.constData());
        QVERIFY(got.contains("X-Orteam-Model-Downgraded-From: evil%0D%0AX-Injected: 1%0D%0A%0D%0AHTTP/1.1 200 OK\r\n"));
        QVERIFY(!got.contains("\r\nX-Injected"));
        QCOMPARE(got.count("HTTP/1.1 200"), 2); // the status line, and the encoded text in the header
    }

    void revocationAndOffboardingCountFromTheNextRequest()
    {
        // orteam-cli (another connection to the same database) revokes ann's token and offboards
        // sid; the very next request of each is refused, with no reload in between.
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 200);
        QCOMPARE(call(u"sid"_s, u"openai/gpt-4o-mini"_s).status, 200);
        Store cli;
        QString error;
        QVERIFY(cli.open(m_where).ok());
        QVERIFY(cli.governance().revokeGatewayTokens(u"ann"_s).ok());
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 401);
        Result<Member> sid = cli.team().member(u"sid"_s);
        QVERIFY(sid.ok());
        sid->active = false;
        QVERIFY(cli.team().updateMember(*sid).ok());
        QCOMPARE(call(u"sid"_s, u"openai/gpt-4o-mini"_s).status, 401);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200); // everyone else goes on
    }

    void aTokenRevokedWhileItsBodyIsOnItsWayIsRefusedAtTheBody()
    {
        // The head passes; the token is revoked before the body arrives: the body's own check
        // refuses it (the head's check stands for the body only when both came together).
        const QByteArray body = chat(u"openai/gpt-4o"_s);
        const QByteArray request = post(u"/chat/completions"_s, body, "Authorization: Bearer " + m_tokens.value(u"ann"_s).toUtf8());
        const QByteArray head = request.first(request.size() - body.size());
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_gateway->port());
        QVERIFY(s.waitForConnected(5000));
        s.write(head);
        s.flush();
        QTest::qWait(200); // the head is read and checked: ann may go on
        QCOMPARE(s.state(), QAbstractSocket::ConnectedState);
        QVERIFY(s.bytesAvailable() == 0);
        const int upstream = upstreamChats();
        Store cli;
        QVERIFY(cli.open(m_where).ok());
        QVERIFY(cli.governance().revokeGatewayTokens(u"ann"_s).ok());
        QTest::qWait(1000); // PostgreSQL lets a head's check stand for its body for a second
        s.write(body);
        QByteArray got;
        QElapsedTimer t;
        t.start();
        while (!got.contains("\r\n\r\n{") && s.state() == QAbstractSocket::ConnectedState && t.elapsed() < 5000) {
            QTest::qWait(5);
            got += s.readAll();
        }
        got += s.readAll();
        QVERIFY2(got.startsWith("HTTP/1.1 401"), got.constData());
        QCOMPARE(upstreamChats(), upstream);
        // The same request whole, head and body in one piece, from a member still valid: let in,
        // once checked.
        QVERIFY(rawUntil(post(u"/chat/completions"_s, body, "Authorization: Bearer " + m_tokens.value(u"ent"_s).toUtf8()))
                    .startsWith("HTTP/1.1 200"));
        QCOMPARE(upstreamChats(), upstream + 1);
    }

    void theChangeCounterSeesEveryCommitOfAnotherConnection()
    {
        // SQLite's counter, read from the WAL index while it is unchanged: each commit of another
        // connection (orteam-cli, the dashboard) changes it, and nothing else does.
        const std::optional<qint64> first = m_store->database().changeCounter();
        if (!first)
            QSKIP("no change counter on this database (PostgreSQL)");
        Store cli;
        QVERIFY(cli.open(m_where).ok());
        std::optional<qint64> last = m_store->database().changeCounter();
        for (int i = 0; i < 50; ++i) {
            QCOMPARE(m_store->database().changeCounter(), last); // no commit: the same
            QVERIFY(cli.governance().setSetting(u"probe"_s, QString::number(i)).ok());
            const std::optional<qint64> now = m_store->database().changeCounter();
            QVERIFY(now.has_value());
            QVERIFY2(now != last, qPrintable(u"commit %1 not seen"_s.arg(i)));
            last = now;
            // Its own commits are not another's: data_version stays, whichever way it was read.
            QVERIFY(m_store->governance().setSetting(u"own"_s, QString::number(i)).ok());
            QCOMPARE(m_store->database().changeCounter(), last);
        }
        // A commit by another connection in this same process too (the gateway's database thread).
        Store sibling;
        QVERIFY(sibling.open(m_where).ok());
        QVERIFY(sibling.governance().setSetting(u"probe"_s, u"sibling"_s).ok());
        QVERIFY(m_store->database().changeCounter() != last);
    }

    void upstreamErrorsAreRewrappedWithoutWhatTheyEchoed()
    {
        const Answer a = call(u"ent"_s, u"test/leaky-error"_s);
        QCOMPARE(a.status, 400);
        QVERIFY(!a.body.contains("sk-or-shared"));
        QVERIFY(!a.headers.contains("x-upstream-secret"));
        QVERIFY(!a.headers.contains("set-cookie"));
        QVERIFY(!a.json.value("error"_L1).toObject().value("message"_L1).toString().isEmpty());
        QCOMPARE(a.json.value("error"_L1).toObject().value("code"_L1).toInt(), 400);
    }

    void requestsPerMinuteAreLimitedWhenTheTeamSaysSo()
    {
        Gateway::Settings s;
        s.requestsPerMinute = 2;
        startGateway(s);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        const int upstream = upstreamChats();
        const Answer a = call(u"ent"_s, u"openai/gpt-4o"_s);
        QCOMPARE(a.status, 429);
        const int wait = a.headers.value("retry-after").toInt();
        QVERIFY2(wait >= 1 && wait <= 60, a.headers.value("retry-after").constData());
        QCOMPARE(upstreamChats(), upstream);
        QCOMPARE(call(u"ann"_s, u"openai/gpt-4o"_s).status, 200); // per member
    }

    void usageBeforeMidnightStaysOnItsDay()
    {
        auto now = std::make_shared<QDateTime>(QDate(2026, 11, 29), QTime(23, 59, 59), Qt::UTC);
        m_gateway->setClock([now] { return *now; }); // the gateway outlives this function
        QSignalSpy recorded(m_gateway.get(), &Gateway::recorded);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        QTRY_COMPARE(recorded.size(), 1);
        *now = now->addSecs(2);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        QTRY_COMPARE(recorded.size(), 2);
        QString error;
        QVERIFY2(m_gateway->flush(&error), qPrintable(error));
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, QDate(2026, 11, 29)).valueOr(-1), 0.02);
        QCOMPARE(m_store->spend().spentOn(u"ent"_s, QDate(2026, 11, 30)).valueOr(-1), 0.02);
    }

    void aLockedDatabaseDoesNotStopServing()
    {
        // Usage is written on the gateway's database thread: while another process holds the
        // write lock (up to SQLite's 10 s busy wait; on PostgreSQL, a lock on the usage table for
        // as long as it is held), requests are still answered at once.
        QSqlDatabase locker = orteam::test::TestDatabases::rawConnection(m_where, u"locker"_s);
        QVERIFY(QSqlQuery(locker).exec(m_databases.postgres() ? u"BEGIN"_s : u"BEGIN IMMEDIATE"_s));
        QVERIFY(QSqlQuery(locker).exec(m_databases.postgres() ? u"LOCK TABLE user_usage IN EXCLUSIVE MODE"_s
                                                              : u"INSERT INTO team_settings (name, value) VALUES ('lock', 'held')"_s));
        QSignalSpy recorded(m_gateway.get(), &Gateway::recorded);
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        QTest::qWait(200); // a flush is now waiting for the lock on the database thread
        QElapsedTimer answered;
        answered.start();
        QCOMPARE(call(u"ent"_s, u"openai/gpt-4o"_s).status, 200);
        QVERIFY2(answered.elapsed() < 5000, "a request waited for the database");
        QSqlQuery(locker).exec(u"ROLLBACK"_s);
        locker.close();
        locker = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"locker"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_store->spend().spentOn(u"ent"_s, QDateTime::currentDateTimeUtc().date()).valueOr(-1), 0.04, 15000);
    }

    void gatewaysSharingADatabaseShareTheBudget()
    {
        // Two gateways on one database, each with its own connection, as two machines would be:
        // with --shared-budget the in-flight cap and the budget hold across both.
        Gateway::Settings s;
        s.sharedBudget = true;
        s.maxInFlight = 2;
        startGateway(s);
        Store secondStore;
        QString error;
        QVERIFY(secondStore.open(m_where).ok());
        s.upstream = QUrl(m_fake->baseUrl());
        s.upstreamKey = u"sk-or-shared"_s;
        s.flushMs = 50;
        Gateway second(&secondStore, m_upstreamNetwork.get(), s);
        QVERIFY(second.listen(QHostAddress::LocalHost, 0, &error));
        auto sendTo = [this](quint16 port, const QString &member) {
            QNetworkRequest r(QUrl(u"http://127.0.0.1:%1/api/v1/chat/completions"_s.arg(port)));
            r.setRawHeader("Authorization", "Bearer " + m_tokens.value(member).toUtf8());
            r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
            return m_client.post(r, chat(u"openai/gpt-4o"_s));
        };

        // Six at once, three to each: two in flight in all, whichever gateway they reached.
        m_fake->failNext("POST", u"/chat/completions"_s, slowCompletion(400, 0.001), 6);
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 6; ++i)
            replies << sendTo(i % 2 ? second.port() : m_gateway->port(), u"ent"_s);
        QMap<int, int> statuses;
        for (QNetworkReply *r : replies)
            ++statuses[finish(r).status];
        QCOMPARE(statuses.value(200), 2);
        QCOMPARE(statuses.value(429), 4);
        QCOMPARE(upstreamChats(), 2);
        m_fake->clearFaults();

        // ann's $0.05 at $0.02 a request, asked of each gateway in turn: the spend ends within the
        // bound (the limit plus the in-flight cap's worth), however the requests were spread.
        int served = 0;
        for (int i = 0; i < 10; ++i) {
            const int status = finish(sendTo(i % 2 ? second.port() : m_gateway->port(), u"ann"_s)).status;
            QVERIFY2(status == 200 || status == 402 || status == 429, QByteArray::number(status).constData());
            served += status == 200;
        }
        QVERIFY(m_gateway->flush(&error));
        QVERIFY(second.flush(&error));
        const double spent = m_store->spend().spentOn(u"ann"_s, QDateTime::currentDateTimeUtc().date()).valueOr(-1);
        QVERIFY2(spent >= 0.05 - 1e-9 && spent <= 0.05 + 2 * 0.02 + 1e-9, qPrintable(QString::number(spent)));
        QCOMPARE(spent, served * 0.02);
        QVERIFY(served < 10);
        // Every reservation went with the usage it became.
        QSqlDatabase check = orteam::test::TestDatabases::rawConnection(m_where, u"check"_s);
        QSqlQuery left(u"SELECT COUNT(*) FROM gateway_reservations"_s, check);
        QVERIFY(left.next());
        QCOMPARE(left.value(0).toInt(), 0);
        left = QSqlQuery();
        check.close();
        check = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"check"_s);
    }

    void aStreamCutUpstreamIsCutForTheClientAndSaid()
    {
        // The upstream drops the connection part-way: the client must not get a well-ended stream
        // (it would take the half answer for all of it), and the request counts as not costed.
        FakeOpenRouter::Fault cut;
        cut.status = 200;
        cut.headers = {{"Content-Type", "text/event-stream"}};
        cut.body = "data: {\"id\":\"gen-cut\",\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                   "data: {\"id\":\"gen-cut\",\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n";
        cut.truncate = true;
        m_fake->failNext("POST", u"/chat/completions"_s, cut, 1);
        QSignalSpy uncosted(m_gateway.get(), &Gateway::uncosted);
        const QByteArray got = rawUntil(post(u"/chat/completions"_s, chat(u"openai/gpt-4o"_s, true),
                                             "Authorization: Bearer " + m_tokens.value(u"ent"_s).toUtf8()));
        QVERIFY2(got.startsWith("HTTP/1.1 200"), got.constData());
        QVERIFY2(got.contains("Hel"), got.constData());
        QVERIFY2(!got.endsWith("0\r\n\r\n"), got.constData());
        QTRY_COMPARE(uncosted.size(), 1);
        QCOMPARE(m_gateway->status().inFlight, 0);
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

ORTEAM_GATEWAY_TEST_MAIN(TestGateway)
#include "tst_gateway.moc"
