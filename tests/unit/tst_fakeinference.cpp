// The fake OpenRouter's inference APIs, which the gateway's tests stand on: each endpoint's shape,
// streamed and not, against the fields OpenRouter's spec (tests/prism/openapi.yaml) requires; the
// generation lookup; and the test models a gateway must survive (no usage, slow usage, errors).
#include "FakeOpenRouter.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <bit>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
const QByteArray InferenceKey = "sk-or-v1-inference";

struct Answer
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;
    qint64 firstBytesMs = -1; // when the first part of the body arrived
    QByteArray firstBytes;
    qint64 finishedMs = -1;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

struct Event
{
    QString name; // the event: line, empty when there is none
    QByteArray data;
    QJsonObject json() const { return QJsonDocument::fromJson(data).object(); }
};

// Server-sent events as a client reads them; comments (": ...") are skipped.
QList<Event> events(const QByteArray &body)
{
    QList<Event> out;
    Event current;
    bool any = false;
    for (const QByteArray &line : QByteArray(body).replace("\r\n", "\n").split('\n')) {
        if (line.isEmpty()) {
            if (any)
                out << current;
            current = {};
            any = false;
        } else if (line.startsWith("event: ")) {
            current.name = QString::fromUtf8(line.mid(7));
            any = true;
        } else if (line.startsWith("data: ")) {
            current.data += line.mid(6);
            any = true;
        }
    }
    if (any)
        out << current;
    return out;
}

QStringList missingKeys(const QJsonObject &o, const QStringList &required)
{
    QStringList missing;
    for (const QString &key : required) {
        if (!o.contains(key))
            missing << key;
    }
    return missing;
}
} // namespace

class TestFakeInference : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeOpenRouter> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_nam;

    Answer request(const QByteArray &method, const QString &path, const QByteArray &body,
                   const QByteArray &authorization = "Bearer " + InferenceKey)
    {
        QNetworkRequest req(QUrl(m_fake->baseUrl().toString() + path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        if (!authorization.isEmpty())
            req.setRawHeader("Authorization", authorization);
        req.setRawHeader("HTTP-Referer", "https://example.test/");
        QElapsedTimer clock;
        clock.start();
        QNetworkReply *reply = m_nam->sendCustomRequest(req, method, body);
        Answer a;
        connect(reply, &QIODevice::readyRead, this, [&a, &clock, reply] {
            if (a.firstBytesMs < 0) {
                a.firstBytesMs = clock.elapsed();
                a.firstBytes = reply->peek(reply->bytesAvailable());
            }
        });
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(10000))
            qWarning("no answer to %s %s", method.constData(), qPrintable(path));
        a.finishedMs = clock.elapsed();
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        a.json = QJsonDocument::fromJson(a.body).object();
        a.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return a;
    }

    Answer post(const QString &path, const QJsonObject &body, const QByteArray &authorization = "Bearer " + InferenceKey)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), authorization);
    }

    Answer generation(const QString &id, const QByteArray &authorization = "Bearer " + InferenceKey)
    {
        return request("GET", u"/generation?id="_s + id, {}, authorization);
    }

    // A minimal request for each API, for `model`.
    static QJsonObject body(const QString &path, const QString &model, bool stream = false)
    {
        QJsonObject o{{"model"_L1, model}};
        const QJsonArray messages{QJsonObject{{"role"_L1, u"user"_s}, {"content"_L1, u"Say hello."_s}}};
        if (path == "/chat/completions"_L1)
            o.insert("messages"_L1, messages);
        else if (path == "/messages"_L1)
            o.insert("messages"_L1, messages), o.insert("max_tokens"_L1, 64);
        else if (path == "/completions"_L1)
            o.insert("prompt"_L1, u"Say hello."_s);
        else if (path == "/embeddings"_L1)
            o.insert("input"_L1, u"hello"_s);
        else if (path == "/responses"_L1)
            o.insert("input"_L1, u"Say hello."_s);
        if (stream)
            o.insert("stream"_L1, true);
        return o;
    }

    static QStringList paths()
    {
        return {u"/chat/completions"_s, u"/completions"_s, u"/embeddings"_s, u"/responses"_s, u"/messages"_s};
    }

    static bool streams(const QString &path) { return path != "/embeddings"_L1; }

    // The cost an answer carries, wherever its API puts it; NaN when it carries none.
    static double costIn(const QString &path, const Answer &a, bool stream)
    {
        const double none = std::numeric_limits<double>::quiet_NaN();
        if (!stream) {
            const QJsonObject usage = a.json.value("usage"_L1).toObject();
            return usage.contains("cost"_L1) ? usage.value("cost"_L1).toDouble() : none;
        }
        double cost = none;
        for (const Event &e : events(a.body)) {
            const QJsonObject o = e.json();
            QJsonObject usage = o.value("usage"_L1).toObject();
            if (path == "/responses"_L1)
                usage = o.value("response"_L1).toObject().value("usage"_L1).toObject();
            if (usage.contains("cost"_L1))
                cost = usage.value("cost"_L1).toDouble();
        }
        return cost;
    }

    // The text an answer carries, joined from its deltas when streamed.
    static QString textIn(const QString &path, const Answer &a, bool stream)
    {
        if (!stream) {
            if (path == "/chat/completions"_L1)
                return a.json.value("choices"_L1)[0]["message"_L1]["content"_L1].toString();
            if (path == "/completions"_L1)
                return a.json.value("choices"_L1)[0]["text"_L1].toString();
            if (path == "/responses"_L1)
                return a.json.value("output"_L1)[0]["content"_L1][0]["text"_L1].toString();
            return a.json.value("content"_L1)[0]["text"_L1].toString();
        }
        QString text;
        for (const Event &e : events(a.body)) {
            const QJsonObject o = e.json();
            if (path == "/chat/completions"_L1)
                text += o.value("choices"_L1)[0]["delta"_L1]["content"_L1].toString();
            else if (path == "/completions"_L1)
                text += o.value("choices"_L1)[0]["text"_L1].toString();
            else if (path == "/responses"_L1 && e.name == "response.output_text.delta"_L1)
                text += o.value("delta"_L1).toString();
            else if (path == "/messages"_L1 && e.name == "content_block_delta"_L1)
                text += o.value("delta"_L1)["text"_L1].toString();
        }
        return text;
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeOpenRouter>();
        m_fake->setChatKey(QString::fromLatin1(InferenceKey));
        m_fake->setChatCost(0.0125);
        QVERIFY(m_fake->start() != 0);
        m_nam = std::make_unique<QNetworkAccessManager>();
    }

    void cleanup()
    {
        m_nam.reset();
        m_fake.reset();
    }

    void chatCompletionsAsBefore()
    {
        Answer a = post(u"/chat/completions"_s, body(u"/chat/completions"_s, u"openai/gpt-4o-mini"_s));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json.value("id"_L1).toString(), u"gen-1"_s);
        QCOMPARE(a.json.value("object"_L1).toString(), u"chat.completion"_s);
        QCOMPARE(a.json.value("model"_L1).toString(), u"openai/gpt-4o-mini"_s);
        QCOMPARE(textIn(u"/chat/completions"_s, a, false), u"Hello from openai/gpt-4o-mini."_s);
        QCOMPARE(a.json.value("choices"_L1)[0]["finish_reason"_L1].toString(), u"stop"_s);
        const QJsonObject usage = a.json.value("usage"_L1).toObject();
        QCOMPARE(usage.value("prompt_tokens"_L1).toInt() + usage.value("completion_tokens"_L1).toInt(),
                 usage.value("total_tokens"_L1).toInt());
        QCOMPARE(usage.value("cost"_L1).toDouble(), 0.0125);

        a = post(u"/chat/completions"_s, body(u"/chat/completions"_s, u"openai/gpt-4o-mini"_s, true));
        QCOMPARE(a.status, 200);
        QVERIFY(a.header("Content-Type").startsWith("text/event-stream"));
        QVERIFY(a.body.startsWith(": OPENROUTER PROCESSING\n\n"));
        const QList<Event> es = events(a.body);
        QCOMPARE(es.last().data, QByteArray("[DONE]"));
        QCOMPARE(es.at(0).json().value("id"_L1).toString(), u"gen-2"_s);
        QCOMPARE(es.at(0).json().value("object"_L1).toString(), u"chat.completion.chunk"_s);
        QCOMPARE(textIn(u"/chat/completions"_s, a, true), u"Hello from openai/gpt-4o-mini."_s);
        QCOMPARE(es.at(es.size() - 2).json().value("choices"_L1)[0]["finish_reason"_L1].toString(), u"stop"_s);
        QCOMPARE(costIn(u"/chat/completions"_s, a, true), 0.0125);
        QCOMPARE(m_fake->countRequests("POST", u"/chat/completions"_s), 2);
        // A management key is no inference key.
        a = post(u"/chat/completions"_s, body(u"/chat/completions"_s, u"openai/gpt-4o-mini"_s),
                 "Bearer " + m_fake->managementKey().toUtf8());
        QCOMPARE(a.status, 403);
        QCOMPARE(a.json.value("error"_L1)["code"_L1].toInt(), 403);
    }

    void legacyCompletions()
    {
        Answer a = post(u"/completions"_s, body(u"/completions"_s, u"openai/gpt-3.5-turbo-instruct"_s));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json.value("object"_L1).toString(), u"text_completion"_s);
        QVERIFY(a.json.value("id"_L1).toString().startsWith("gen-"_L1));
        QCOMPARE(a.json.value("model"_L1).toString(), u"openai/gpt-3.5-turbo-instruct"_s);
        const QJsonObject choice = a.json.value("choices"_L1)[0].toObject();
        QCOMPARE(choice.value("text"_L1).toString(), u"Hello from openai/gpt-3.5-turbo-instruct."_s);
        QCOMPARE(choice.value("index"_L1).toInt(), 0);
        QCOMPARE(choice.value("finish_reason"_L1).toString(), u"stop"_s);
        QCOMPARE(missingKeys(a.json.value("usage"_L1).toObject(),
                             {u"prompt_tokens"_s, u"completion_tokens"_s, u"total_tokens"_s, u"cost"_s}), QStringList());
        QCOMPARE(a.json.value("usage"_L1)["cost"_L1].toDouble(), 0.0125);

        a = post(u"/completions"_s, body(u"/completions"_s, u"openai/gpt-3.5-turbo-instruct"_s, true));
        QCOMPARE(a.status, 200);
        const QList<Event> es = events(a.body);
        QCOMPARE(es.last().data, QByteArray("[DONE]"));
        QCOMPARE(textIn(u"/completions"_s, a, true), u"Hello from openai/gpt-3.5-turbo-instruct."_s);
        QCOMPARE(es.at(es.size() - 2).json().value("usage"_L1)["cost"_L1].toDouble(), 0.0125);
        for (const Event &e : es.first(es.size() - 1))
            QCOMPARE(e.json().value("object"_L1).toString(), u"text_completion"_s);
    }

    void embeddings()
    {
        QJsonObject in = body(u"/embeddings"_s, u"openai/text-embedding-3-small"_s);
        Answer a = post(u"/embeddings"_s, in);
        QCOMPARE(a.status, 200);
        // Required by the spec's /embeddings answer: object, data, model; each item object, embedding.
        QCOMPARE(missingKeys(a.json, {u"object"_s, u"data"_s, u"model"_s, u"id"_s, u"usage"_s}), QStringList());
        QCOMPARE(a.json.value("object"_L1).toString(), u"list"_s);
        QCOMPARE(a.json.value("data"_L1).toArray().size(), 1);
        const QJsonObject first = a.json.value("data"_L1)[0].toObject();
        QCOMPARE(first.value("object"_L1).toString(), u"embedding"_s);
        QCOMPARE(first.value("index"_L1).toInt(), 0);
        const QJsonArray vector = first.value("embedding"_L1).toArray();
        QVERIFY(vector.size() > 0);
        QCOMPARE(a.json.value("usage"_L1)["cost"_L1].toDouble(), 0.0125);
        QVERIFY(a.json.value("usage"_L1)["prompt_tokens"_L1].toInt() > 0);

        in.insert("input"_L1, QJsonArray{u"hello"_s, u"world"_s, u"again"_s});
        a = post(u"/embeddings"_s, in);
        const QJsonArray data = a.json.value("data"_L1).toArray();
        QCOMPARE(data.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(data.at(i)["index"_L1].toInt(), i);
        QCOMPARE(data.at(0)["embedding"_L1].toArray(), vector); // the same input, the same vector
        QVERIFY(data.at(1)["embedding"_L1].toArray() != vector);

        // base64 (what the openai SDK asks for): the same floats, little-endian float32.
        in.insert("input"_L1, u"hello"_s);
        in.insert("encoding_format"_L1, u"base64"_s);
        a = post(u"/embeddings"_s, in);
        const QByteArray raw = QByteArray::fromBase64(a.json.value("data"_L1)[0]["embedding"_L1].toString().toLatin1());
        QCOMPARE(raw.size(), vector.size() * 4);
        for (int i = 0; i < vector.size(); ++i) {
            quint32 bits = 0;
            for (int b = 0; b < 4; ++b)
                bits |= quint32(quint8(raw.at(i * 4 + b))) << (8 * b);
            QCOMPARE(double(std::bit_cast<float>(bits)), vector.at(i).toDouble());
        }

        in.insert("input"_L1, QJsonArray());
        QCOMPARE(post(u"/embeddings"_s, in).status, 400);
        // Embeddings do not stream: stream is ignored.
        in.insert("input"_L1, u"hello"_s);
        in.insert("stream"_L1, true);
        a = post(u"/embeddings"_s, in);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json.value("object"_L1).toString(), u"list"_s);
    }

    void responses()
    {
        Answer a = post(u"/responses"_s, body(u"/responses"_s, u"openai/gpt-4o"_s));
        QCOMPARE(a.status, 200);
        // BaseResponsesResult's required fields.
        QCOMPARE(missingKeys(a.json, {u"id"_s, u"object"_s, u"created_at"_s, u"completed_at"_s, u"model"_s, u"status"_s,
                                      u"output"_s, u"error"_s, u"incomplete_details"_s, u"instructions"_s, u"metadata"_s,
                                      u"frequency_penalty"_s, u"presence_penalty"_s, u"temperature"_s, u"top_p"_s,
                                      u"parallel_tool_calls"_s, u"tool_choice"_s, u"tools"_s}),
                 QStringList());
        QVERIFY(a.json.value("id"_L1).toString().startsWith("gen-"_L1));
        QCOMPARE(a.json.value("object"_L1).toString(), u"response"_s);
        QCOMPARE(a.json.value("status"_L1).toString(), u"completed"_s);
        const QJsonObject item = a.json.value("output"_L1)[0].toObject();
        QCOMPARE(missingKeys(item, {u"type"_s, u"id"_s, u"role"_s, u"status"_s, u"content"_s}), QStringList());
        QCOMPARE(item.value("type"_L1).toString(), u"message"_s);
        QCOMPARE(item.value("role"_L1).toString(), u"assistant"_s);
        const QJsonObject part = item.value("content"_L1)[0].toObject();
        QCOMPARE(part.value("type"_L1).toString(), u"output_text"_s);
        QCOMPARE(part.value("text"_L1).toString(), u"Hello from openai/gpt-4o."_s);
        QVERIFY(part.value("annotations"_L1).isArray());
        const QJsonObject usage = a.json.value("usage"_L1).toObject();
        QCOMPARE(missingKeys(usage, {u"input_tokens"_s, u"input_tokens_details"_s, u"output_tokens"_s,
                                     u"output_tokens_details"_s, u"total_tokens"_s, u"cost"_s}),
                 QStringList());
        QCOMPARE(usage.value("input_tokens_details"_L1)["cached_tokens"_L1].toInt(), 0);
        QCOMPARE(usage.value("output_tokens_details"_L1)["reasoning_tokens"_L1].toInt(), 0);
        QCOMPARE(usage.value("cost"_L1).toDouble(), 0.0125);

        a = post(u"/responses"_s, body(u"/responses"_s, u"openai/gpt-4o"_s, true));
        QCOMPARE(a.status, 200);
        QList<Event> es = events(a.body);
        QCOMPARE(es.last().data, QByteArray("[DONE]"));
        es.removeLast();
        QStringList names;
        for (int i = 0; i < es.size(); ++i) {
            const QJsonObject o = es.at(i).json();
            names << es.at(i).name;
            QCOMPARE(o.value("type"_L1).toString(), es.at(i).name); // the event line names the data's type
            QCOMPARE(o.value("sequence_number"_L1).toInt(-1), i);
        }
        QCOMPARE(names, (QStringList{u"response.created"_s, u"response.in_progress"_s, u"response.output_item.added"_s,
                                     u"response.content_part.added"_s, u"response.output_text.delta"_s,
                                     u"response.output_text.delta"_s, u"response.output_text.done"_s,
                                     u"response.content_part.done"_s, u"response.output_item.done"_s,
                                     u"response.completed"_s}));
        const QJsonObject created = es.first().json().value("response"_L1).toObject();
        QCOMPARE(created.value("status"_L1).toString(), u"in_progress"_s);
        QCOMPARE(created.value("output"_L1).toArray().size(), 0);
        const QString id = created.value("id"_L1).toString();
        const QString itemId = es.at(2).json().value("item"_L1)["id"_L1].toString();
        QVERIFY(!itemId.isEmpty());
        for (int i = 3; i <= 7; ++i) {
            const QJsonObject o = es.at(i).json();
            QCOMPARE(missingKeys(o, {u"item_id"_s, u"output_index"_s, u"content_index"_s}), QStringList());
            QCOMPARE(o.value("item_id"_L1).toString(), itemId);
        }
        QCOMPARE(textIn(u"/responses"_s, a, true), u"Hello from openai/gpt-4o."_s);
        QCOMPARE(es.at(6).json().value("text"_L1).toString(), u"Hello from openai/gpt-4o."_s);
        QCOMPARE(es.at(8).json().value("item"_L1)["status"_L1].toString(), u"completed"_s);
        const QJsonObject completed = es.last().json().value("response"_L1).toObject();
        QCOMPARE(completed.value("id"_L1).toString(), id);
        QCOMPARE(completed.value("status"_L1).toString(), u"completed"_s);
        QCOMPARE(completed.value("output"_L1)[0]["content"_L1][0]["text"_L1].toString(), u"Hello from openai/gpt-4o."_s);
        QCOMPARE(completed.value("usage"_L1)["cost"_L1].toDouble(), 0.0125);
    }

    void anthropicMessages()
    {
        Answer a = post(u"/messages"_s, body(u"/messages"_s, u"anthropic/claude-3.5-sonnet"_s));
        QCOMPARE(a.status, 200);
        // BaseMessagesResult's required fields.
        QCOMPARE(missingKeys(a.json, {u"id"_s, u"type"_s, u"role"_s, u"model"_s, u"content"_s, u"stop_reason"_s,
                                      u"stop_sequence"_s, u"stop_details"_s, u"container"_s, u"usage"_s}),
                 QStringList());
        QVERIFY(a.json.value("id"_L1).toString().startsWith("gen-"_L1));
        QCOMPARE(a.json.value("type"_L1).toString(), u"message"_s);
        QCOMPARE(a.json.value("role"_L1).toString(), u"assistant"_s);
        QCOMPARE(a.json.value("stop_reason"_L1).toString(), u"end_turn"_s);
        QVERIFY(a.json.value("stop_sequence"_L1).isNull());
        QCOMPARE(a.json.value("content"_L1)[0]["type"_L1].toString(), u"text"_s);
        QCOMPARE(a.json.value("content"_L1)[0]["text"_L1].toString(), u"Hello from anthropic/claude-3.5-sonnet."_s);
        const QJsonObject usage = a.json.value("usage"_L1).toObject();
        QCOMPARE(missingKeys(usage, {u"input_tokens"_s, u"output_tokens"_s, u"cache_creation_input_tokens"_s,
                                     u"cache_read_input_tokens"_s, u"cache_creation"_s, u"inference_geo"_s,
                                     u"output_tokens_details"_s, u"server_tool_use"_s, u"service_tier"_s, u"cost"_s}),
                 QStringList());
        QCOMPARE(usage.value("cost"_L1).toDouble(), 0.0125);

        a = post(u"/messages"_s, body(u"/messages"_s, u"anthropic/claude-3.5-sonnet"_s, true));
        QCOMPARE(a.status, 200);
        const QList<Event> es = events(a.body);
        QStringList names;
        for (const Event &e : es) {
            names << e.name;
            QCOMPARE(e.json().value("type"_L1).toString(), e.name);
        }
        // Anthropic's order, and no [DONE]: message_stop ends the stream.
        QCOMPARE(names, (QStringList{u"message_start"_s, u"content_block_start"_s, u"ping"_s, u"content_block_delta"_s,
                                     u"content_block_delta"_s, u"content_block_stop"_s, u"message_delta"_s,
                                     u"message_stop"_s}));
        const QJsonObject start = es.first().json().value("message"_L1).toObject();
        QVERIFY(start.value("id"_L1).toString().startsWith("gen-"_L1));
        QCOMPARE(start.value("content"_L1).toArray().size(), 0);
        QVERIFY(start.value("stop_reason"_L1).isNull());
        QVERIFY(start.value("usage"_L1)["input_tokens"_L1].toInt() > 0);
        QCOMPARE(start.value("usage"_L1)["output_tokens"_L1].toInt(), 1);
        QVERIFY(!start.value("usage"_L1).toObject().contains("cost"_L1)); // charged once, in message_delta
        QCOMPARE(es.at(1).json().value("content_block"_L1)["type"_L1].toString(), u"text"_s);
        QCOMPARE(es.at(3).json().value("delta"_L1)["type"_L1].toString(), u"text_delta"_s);
        QCOMPARE(textIn(u"/messages"_s, a, true), u"Hello from anthropic/claude-3.5-sonnet."_s);
        const QJsonObject delta = es.at(6).json();
        QCOMPARE(delta.value("delta"_L1)["stop_reason"_L1].toString(), u"end_turn"_s);
        QCOMPARE(delta.value("usage"_L1)["output_tokens"_L1].toInt(), 5);
        QCOMPARE(delta.value("usage"_L1)["cost"_L1].toDouble(), 0.0125);
        QCOMPARE(costIn(u"/messages"_s, a, true), 0.0125);
    }

    void errorsInEachApisShape_data()
    {
        QTest::addColumn<QString>("path");
        for (const QString &p : paths())
            QTest::newRow(qPrintable(p)) << p;
    }

    void errorsInEachApisShape()
    {
        QFETCH(QString, path);
        auto check = [&path](const Answer &a, int status, const QString &anthropicType) {
            QCOMPARE(a.status, status);
            const QJsonObject error = a.json.value("error"_L1).toObject();
            QVERIFY(!error.value("message"_L1).toString().isEmpty());
            if (path == "/messages"_L1) {
                QCOMPARE(a.json.value("type"_L1).toString(), u"error"_s);
                QCOMPARE(error.value("type"_L1).toString(), anthropicType);
                QVERIFY(a.json.contains("request_id"_L1));
            } else {
                QCOMPARE(error.value("code"_L1).toInt(), status);
            }
        };
        Answer a = post(path, body(path, u"test/upstream-error"_s));
        check(a, 502, u"api_error"_s);
        if (path != "/messages"_L1)
            QCOMPARE(a.json.value("error"_L1)["metadata"_L1]["provider_name"_L1].toString(), u"Fake"_s);
        check(post(path, body(path, u"openai/gpt-4o"_s), {}), 401, u"authentication_error"_s);
        check(post(path, body(path, u"openai/gpt-4o"_s), "Bearer sk-or-v1-wrong"), 401, u"authentication_error"_s);
        check(post(path, QJsonObject{{"stream"_L1, true}}), 400, u"invalid_request_error"_s);
        check(request("POST", path, "{not json"), 400, u"invalid_request_error"_s);

        // The leaky error repeats what it was sent: a gateway must not pass that on.
        a = post(path, body(path, u"test/leaky-error"_s, streams(path)));
        check(a, 400, u"invalid_request_error"_s);
        QVERIFY(a.json.value("error"_L1)["message"_L1].toString().contains(QString::fromLatin1(InferenceKey)));
        QCOMPARE(a.header("X-Upstream-Secret"), "Bearer " + InferenceKey);
        QCOMPARE(a.header("Set-Cookie"), QByteArray("a=b"));
        // None of these was a generation.
        QCOMPARE(generation(u"gen-1"_s).status, 404);
    }

    void generationLookup()
    {
        QStringList ids;
        for (const QString &path : paths()) {
            for (const bool stream : {false, true}) {
                if (stream && !streams(path))
                    continue;
                QJsonObject in = body(path, u"openai/gpt-4o-mini"_s, stream);
                if (path == "/messages"_L1)
                    in.insert("metadata"_L1, QJsonObject{{"user_id"_L1, u"ann"_s}});
                else
                    in.insert("user"_L1, u"ann"_s);
                const Answer a = post(path, in);
                QCOMPARE(a.status, 200);
                QString id = stream ? events(a.body).first().json().value("id"_L1).toString() : a.json.value("id"_L1).toString();
                if (path == "/responses"_L1 && stream)
                    id = events(a.body).first().json().value("response"_L1)["id"_L1].toString();
                if (path == "/messages"_L1 && stream)
                    id = events(a.body).first().json().value("message"_L1)["id"_L1].toString();
                QCOMPARE(id, u"gen-%1"_s.arg(ids.size() + 1));
                ids << id;

                const Answer g = generation(id);
                QCOMPARE(g.status, 200);
                const QJsonObject data = g.json.value("data"_L1).toObject();
                // GenerationResponse's required fields.
                QCOMPARE(missingKeys(data, {u"api_type"_s, u"app_id"_s, u"cache_discount"_s, u"cancelled"_s, u"created_at"_s,
                                            u"data_region"_s, u"external_user"_s, u"finish_reason"_s, u"generation_time"_s,
                                            u"http_referer"_s, u"id"_s, u"is_byok"_s, u"latency"_s, u"model"_s,
                                            u"moderation_latency"_s, u"native_finish_reason"_s, u"native_tokens_cached"_s,
                                            u"native_tokens_completion"_s, u"native_tokens_completion_images"_s,
                                            u"native_tokens_prompt"_s, u"native_tokens_reasoning"_s, u"num_fetches"_s,
                                            u"num_input_audio_prompt"_s, u"num_media_completion"_s, u"num_media_prompt"_s,
                                            u"num_search_results"_s, u"origin"_s, u"preset_id"_s, u"provider_name"_s,
                                            u"provider_responses"_s, u"router"_s, u"service_tier"_s, u"streamed"_s,
                                            u"tokens_completion"_s, u"tokens_prompt"_s, u"total_cost"_s, u"upstream_id"_s,
                                            u"upstream_inference_cost"_s, u"usage"_s, u"user_agent"_s,
                                            u"web_search_engine"_s, u"workspace_id"_s}),
                         QStringList());
                QCOMPARE(data.value("id"_L1).toString(), id);
                QCOMPARE(data.value("model"_L1).toString(), u"openai/gpt-4o-mini"_s);
                QCOMPARE(data.value("total_cost"_L1).toDouble(), 0.0125);
                QCOMPARE(data.value("streamed"_L1).toBool(), stream);
                QCOMPARE(data.value("external_user"_L1).toString(), u"ann"_s);
                QCOMPARE(data.value("http_referer"_L1).toString(), u"https://example.test/"_s);
                QCOMPARE(data.value("api_type"_L1).toString(), path == "/embeddings"_L1 ? u"embeddings"_s : u"completions"_s);
                QVERIFY(QDateTime::fromString(data.value("created_at"_L1).toString(), Qt::ISODateWithMs).isValid());
            }
        }
        // The management key may look generations up too; an unknown id is 404 in OpenRouter's shape.
        QCOMPARE(generation(ids.first(), "Bearer " + m_fake->managementKey().toUtf8()).status, 200);
        const Answer unknown = generation(u"gen-999"_s);
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json.value("error"_L1)["code"_L1].toInt(), 404);
        QCOMPARE(generation(ids.first(), {}).status, 401);
        QCOMPARE(request("GET", u"/generation"_s, {}).status, 400);
        // Refused lookups (no key, no id) asked for nothing.
        QCOMPARE(m_fake->generationLookups().size(), ids.size() + 2);
        QCOMPARE(m_fake->generationLookups().mid(ids.size()), (QList<QString>{ids.first(), u"gen-999"_s}));
    }

    void noUsageIsKnownOnlyToTheSecondLookup_data() { errorsInEachApisShape_data(); }

    void noUsageIsKnownOnlyToTheSecondLookup()
    {
        QFETCH(QString, path);
        for (const bool stream : {false, true}) {
            if (stream && !streams(path))
                continue;
            const Answer a = post(path, body(path, u"test/no-usage"_s, stream));
            QCOMPARE(a.status, 200);
            if (path == "/embeddings"_L1)
                QCOMPARE(a.json.value("data"_L1).toArray().size(), 1);
            else
                QCOMPARE(textIn(path, a, stream), u"Hello from test/no-usage."_s);
            QVERIFY(std::isnan(costIn(path, a, stream)));
            if (path != "/messages"_L1) // Anthropic's schema needs the token counts: only the cost goes
                QVERIFY2(!a.body.contains("\"usage\":{"), a.body.constData());
            else
                QVERIFY(!a.body.contains("\"cost\""));
            const QString id = u"gen-%1"_s.arg(m_fake->generationLookups().size() / 3 + 1);
            QCOMPARE(generation(id).status, 404);
            const Answer second = generation(id);
            QCOMPARE(second.status, 200);
            QCOMPARE(second.json.value("data"_L1)["total_cost"_L1].toDouble(), 0.0125);
            QCOMPARE(generation(id).status, 200);
        }
    }

    void slowUsageComesAfterTheText_data() { errorsInEachApisShape_data(); }

    void slowUsageComesAfterTheText()
    {
        QFETCH(QString, path);
        const int delay = FakeOpenRouter::SlowUsageDelayMs;
        if (streams(path)) {
            const Answer a = post(path, body(path, u"test/slow-usage"_s, true));
            QCOMPARE(a.status, 200);
            QVERIFY2(a.firstBytesMs >= 0 && a.firstBytesMs < delay - 500, qPrintable(QString::number(a.firstBytesMs)));
            // What came first already holds all of the text, and no cost.
            Answer first;
            first.body = a.firstBytes;
            QCOMPARE(textIn(path, first, true), u"Hello from test/slow-usage."_s);
            QVERIFY(std::isnan(costIn(path, first, true)));
            QVERIFY2(a.finishedMs >= delay - 50, qPrintable(QString::number(a.finishedMs)));
            QCOMPARE(textIn(path, a, true), u"Hello from test/slow-usage."_s);
            QCOMPARE(costIn(path, a, true), 0.0125);
        }
        const Answer a = post(path, body(path, u"test/slow-usage"_s));
        QCOMPARE(a.status, 200);
        QVERIFY2(a.finishedMs >= delay - 50, qPrintable(QString::number(a.finishedMs)));
        QCOMPARE(costIn(path, a, false), 0.0125);
    }

    void aClientLeavingMidStreamLeavesTheServerWell()
    {
        QNetworkRequest req(QUrl(m_fake->baseUrl().toString() + u"/messages"_s));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        req.setRawHeader("Authorization", "Bearer " + InferenceKey);
        QNetworkReply *reply = m_nam->post(req, QJsonDocument(body(u"/messages"_s, u"test/slow-usage"_s, true)).toJson());
        QSignalSpy readable(reply, &QIODevice::readyRead);
        QVERIFY(readable.wait(2000));
        reply->abort();
        reply->deleteLater();
        QTest::qWait(FakeOpenRouter::SlowUsageDelayMs + 200); // the fake's late write meets a closed socket
        QCOMPARE(post(u"/chat/completions"_s, body(u"/chat/completions"_s, u"openai/gpt-4o"_s)).status, 200);
    }

    void everyInferenceRequestIsRecorded()
    {
        for (const QString &path : paths()) {
            QJsonObject in = body(path, u"openai/gpt-4o"_s);
            in.insert("user"_L1, path);
            QCOMPARE(post(path, in).status, 200);
        }
        QCOMPARE(generation(u"gen-2"_s).status, 200);
        QCOMPARE(m_fake->requests().size(), 6);
        QCOMPARE(m_fake->requests().at(3).path, u"/responses"_s);
        QCOMPARE(m_fake->requests().at(3).authorization, "Bearer " + InferenceKey);
        QCOMPARE(m_fake->requests().at(3).referer, QByteArray("https://example.test/"));
        QCOMPARE(m_fake->generationLookups(), QList<QString>{u"gen-2"_s});

        const Answer recorded = request("GET", u"/_fake/requests"_s, {}, {});
        QCOMPARE(recorded.status, 200);
        const QJsonArray data = recorded.json.value("data"_L1).toArray();
        QCOMPARE(data.size(), 5); // the inference requests only, in order
        for (int i = 0; i < 5; ++i) {
            const QJsonObject r = data.at(i).toObject();
            QCOMPARE(r.value("path"_L1).toString(), paths().at(i));
            QCOMPARE(r.value("body"_L1)["user"_L1].toString(), paths().at(i));
            QCOMPARE(r.value("authorization"_L1).toString(), u"Bearer "_s + QString::fromLatin1(InferenceKey));
            QCOMPARE(r.value("referer"_L1).toString(), u"https://example.test/"_s);
            QVERIFY(r.contains("title"_L1));
        }
        QCOMPARE(recorded.json.value("generation_lookups"_L1).toArray(), QJsonArray{u"gen-2"_s});
        QCOMPARE(m_fake->requests().size(), 6); // the window itself is not recorded
    }
};

QTEST_GUILESS_MAIN(TestFakeInference)
#include "tst_fakeinference.moc"
