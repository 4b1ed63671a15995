// Parsing OpenRouter's bodies strictly (wrong types are errors, unknown fields ignored, optional
// fields absent or null) and building request bodies with OpenRouter's field names.
#include "ApiError.h"
#include "JsonCodec.h"
#include "KeyJsonFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>
#include <QTimeZone>

using namespace orteam;
using test::fullKey;
using test::list;
using namespace Qt::Literals::StringLiterals;

namespace {
QByteArray withField(const QByteArray &object, const QString &field, const QJsonValue &value)
{
    QJsonObject o = QJsonDocument::fromJson(object).object();
    if (value.isUndefined())
        o.remove(field);
    else
        o.insert(field, value);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

class TestJsonCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullKeyParses()
    {
        const auto r = json::parseKeyList(list(fullKey()));
        QVERIFY2(r.ok(), qPrintable(r.error.detail));
        QCOMPARE(r.value.size(), 1);
        const ApiKey &k = r.value.first();
        QCOMPARE(k.hash, u"f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943"_s);
        QCOMPARE(k.name, u"My Production Key"_s);
        QCOMPARE(*k.limit, 100.0);
        QCOMPARE(*k.limitRemaining, 74.5);
        QCOMPARE(k.limitReset, LimitReset::Monthly);
        QCOMPARE(k.usageWeekly, 25.5);
        QCOMPARE(k.byokUsage, 17.38);
        QCOMPARE(k.expiresAt, QDateTime(QDate(2027, 12, 31), QTime(23, 59, 59), QTimeZone::utc()));
        QCOMPARE(k.createdAt.toString(Qt::ISODate), u"2025-08-24T10:30:00Z"_s);
    }

    void nullsAndAbsence_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<bool>("absent"); // else null
        for (const char *f : {"limit", "limit_remaining", "limit_reset", "expires_at", "updated_at", "creator_user_id",
                              "usage_daily", "byok_usage", "workspace_id", "label"}) {
            QTest::addRow("%s null", f) << QString::fromLatin1(f) << false;
            QTest::addRow("%s absent", f) << QString::fromLatin1(f) << true;
        }
    }
    void nullsAndAbsence()
    {
        QFETCH(QString, field);
        QFETCH(bool, absent);
        const auto r = json::parseKeyList(list(withField(fullKey(), field, absent ? QJsonValue() : QJsonValue(QJsonValue::Null))));
        QVERIFY2(r.ok(), qPrintable(r.error.detail));
        const ApiKey &k = r.value.first();
        if (field == "limit"_L1)
            QVERIFY(!k.limit);
        if (field == "limit_reset"_L1)
            QCOMPARE(k.limitReset, LimitReset::None);
        if (field == "expires_at"_L1)
            QVERIFY(!k.expiresAt.isValid());
        if (field == "usage_daily"_L1)
            QCOMPARE(k.usageDaily, 0.0);
    }

    void wrongTypesAreErrors_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("usage as string") << u"usage"_s << QJsonValue(u"25.5"_s);
        QTest::newRow("limit as string") << u"limit"_s << QJsonValue(u"100"_s);
        QTest::newRow("disabled as string") << u"disabled"_s << QJsonValue(u"false"_s);
        QTest::newRow("disabled as number") << u"disabled"_s << QJsonValue(0);
        QTest::newRow("name as number") << u"name"_s << QJsonValue(7);
        QTest::newRow("hash as null") << u"hash"_s << QJsonValue(QJsonValue::Null);
        QTest::newRow("hash absent") << u"hash"_s << QJsonValue();
        QTest::newRow("hash empty") << u"hash"_s << QJsonValue(u""_s);
        QTest::newRow("created_at not a date") << u"created_at"_s << QJsonValue(u"yesterday"_s);
        QTest::newRow("limit_reset unknown") << u"limit_reset"_s << QJsonValue(u"yearly"_s);
        QTest::newRow("usage as object") << u"usage_monthly"_s << QJsonValue(QJsonObject{});
    }
    void wrongTypesAreErrors()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        const auto r = json::parseKeyList(list(withField(fullKey(), field, value)));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, ApiError::Kind::BadResponse);
        // The error names the field, so a person (or a bug report) can say what was wrong.
        QVERIFY2(r.error.detail.contains(u"$.data[0]."_s + field), qPrintable(r.error.detail));
        QVERIFY(r.value.isEmpty());
    }

    // The item's index is in the path of an error found in a later item too.
    void errorPathNamesTheItem()
    {
        const QByteArray bad = withField(fullKey(), u"usage"_s, QJsonValue(u"25.5"_s));
        const auto r = json::parseKeyList("{\"data\":[" + fullKey() + "," + fullKey() + "," + bad + "]}");
        QVERIFY(!r.ok());
        QVERIFY2(r.error.detail.startsWith(u"$.data[2].usage: expected a number"_s), qPrintable(r.error.detail));
    }

    // The times OpenRouter sends are read without QDateTime::fromString; they, and every other
    // spelling, come out as fromString read them (an ISO 8601 time with at most milliseconds, more
    // digits cut, no zone meaning UTC), and what fromString rejects is still an error.
    void timesAreReadAsFromStringReadsThem_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *t : {"2025-08-24T10:30:00Z", "2025-08-24T10:30:00.123Z", "2024-02-29T23:59:59Z",
                              "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "1969-12-31T23:59:59.001Z",
                              "2025-08-24T10:30:00.123456Z", "2025-08-24T10:30:00+02:00", "2025-08-24T10:30:00",
                              "2025-08-24T24:00:00Z", "2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z",
                              "2025-08-24T10:60:00Z", "2025-08-24T10:30:60Z", "2025-08-24 10:30:00Z",
                              "2025-08-24T10:30:00.12Z", "2025-08-24T10:30:00,123Z", "+025-08-24T10:30:00Z",
                              "2025-08-2xT10:30:00Z", "0000-01-01T00:00:00Z", "2025-08-24T10:30:00z"})
            QTest::newRow(t) << QString::fromLatin1(t);
        QTest::newRow("fullwidth digit") << u"２025-08-24T10:30:00Z"_s;
    }
    void timesAreReadAsFromStringReadsThem()
    {
        QFETCH(QString, text);
        // What the parser did before it read the plain form itself.
        QDateTime expected = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!expected.isValid())
            expected = QDateTime::fromString(QString(text).replace(QRegularExpression(u"(\\.\\d{3})\\d+"_s), u"\\1"_s),
                                             Qt::ISODateWithMs);
        if (expected.isValid() && expected.timeSpec() == Qt::LocalTime)
            expected.setTimeZone(QTimeZone::utc());
        const auto r = json::parseKeyList(list(withField(fullKey(), u"created_at"_s, QJsonValue(text))));
        QCOMPARE(r.ok(), expected.isValid());
        if (r.ok()) {
            QCOMPARE(r.value.first().createdAt, expected.toUTC());
            QCOMPARE(r.value.first().createdAt.timeSpec(), Qt::UTC);
            QCOMPARE(r.value.first().createdAt.time().msec(), expected.time().msec());
        }
    }

    void unknownFieldsIgnored()
    {
        QByteArray body = withField(fullKey(), u"external_user"_s, QJsonValue(u"bob"_s));
        body = withField(body, u"brand_new_field"_s, QJsonValue(QJsonObject{{"x"_L1, 1}}));
        QVERIFY(json::parseKeyList(list(body)).ok());
    }

    void malformedDocuments_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("html") << QByteArray("<html><body>502 Bad Gateway</body></html>");
        QTest::newRow("truncated") << list(fullKey()).left(80);
        QTest::newRow("array at top") << QByteArray("[]");
        QTest::newRow("data missing") << QByteArray("{}");
        QTest::newRow("data is object") << QByteArray(R"({"data":{}})");
        QTest::newRow("item not object") << QByteArray(R"({"data":[1]})");
    }
    void malformedDocuments()
    {
        QFETCH(QByteArray, body);
        const auto r = json::parseKeyList(body);
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, ApiError::Kind::BadResponse);
        QVERIFY(!r.error.message().isEmpty());
    }

    void createdKeyNeedsSecret()
    {
        const QByteArray ok = "{\"data\":" + fullKey() + ",\"key\":\"sk-or-v1-secret\"}";
        const auto r = json::parseCreatedKey(ok);
        QVERIFY(r.ok());
        QCOMPARE(r.value.secret, u"sk-or-v1-secret"_s);
        QVERIFY(!json::parseCreatedKey("{\"data\":" + fullKey() + "}").ok());
        QVERIFY(!json::parseCreatedKey("{\"data\":" + fullKey() + ",\"key\":\"\"}").ok());
        QVERIFY(!json::parseCreatedKey("{\"data\":" + fullKey() + ",\"key\":42}").ok());
    }

    void deleted()
    {
        QVERIFY(json::parseDeleted(R"({"deleted":true})").ok());
        QVERIFY(!json::parseDeleted(R"({"deleted":false})").ok());
        QVERIFY(!json::parseDeleted(R"({"deleted":"true"})").ok());
    }

    void modelsPricesAreStrings()
    {
        const QByteArray body = R"({"data":[{"id":"openai/gpt-4o","name":"GPT-4o","context_length":128000,
            "pricing":{"prompt":"0.0000025","completion":"0.00001","request":"0"}}],"total_count":1})";
        const auto r = json::parseModels(body);
        QVERIFY2(r.ok(), qPrintable(r.error.detail));
        QCOMPARE(r.value.first().promptPricePerMillion(), 2.5);
        QCOMPARE(r.value.first().completionPricePerMillion(), 10.0);
        // A number where the spec says string is a wrong type, not a price.
        QVERIFY(!json::parseModels(R"({"data":[{"id":"m","pricing":{"prompt":0.1}}]})").ok());
        QVERIFY(!json::parseModels(R"({"data":[{"id":"m","pricing":{"prompt":"cheap"}}]})").ok());
    }

    void activity()
    {
        const QByteArray body = R"({"data":[{"byok_usage_inference":0.012,"completion_tokens":125,"date":"2025-08-24",
            "endpoint_id":"550e8400","model":"openai/gpt-4.1","model_permaslug":"openai/gpt-4.1-2025-04-14",
            "prompt_tokens":50,"provider_name":"OpenAI","reasoning_tokens":25,"requests":5,"usage":0.015}]})";
        const auto r = json::parseActivity(body);
        QVERIFY2(r.ok(), qPrintable(r.error.detail));
        QCOMPARE(r.value.first().date, QDate(2025, 8, 24));
        QCOMPARE(r.value.first().requests, 5);
        QCOMPARE(r.value.first().usage, 0.015);
        QVERIFY(!json::parseActivity(R"({"data":[{"date":"2025-13-45","requests":1}]})").ok());
        QVERIFY(!json::parseActivity(R"({"data":[{"date":"2025-08-24","requests":1.5}]})").ok());
    }

    // POST /analytics/query: the request as the spec spells it, and every row read strictly.
    void analytics()
    {
        AnalyticsQuery q;
        q.metrics = QStringList{u"total_cost"_s, u"request_count"_s};
        q.dimensions = QStringList{u"model"_s, u"provider"_s};
        q.start = QDateTime(QDate(2026, 11, 1), QTime(0, 0), QTimeZone::utc());
        q.end = QDateTime(QDate(2026, 11, 8), QTime(0, 0), QTimeZone::utc());
        const QJsonObject body = json::toJson(q);
        QCOMPARE(body.value("granularity"_L1).toString(), u"day"_s);
        QCOMPARE(body.value("time_range"_L1).toObject().value("start"_L1).toString(), u"2026-11-01T00:00:00Z"_s);
        QCOMPARE(body.value("dimensions"_L1).toArray().size(), 2);

        const QByteArray good = R"({"data":{"data":[
            {"date__day":"2026-11-02T00:00:00.000Z","model":"openai/gpt-4o","provider":"OpenAI","total_cost":1.5,"request_count":3},
            {"date__day":"2026-11-03T00:00:00.000Z","model":"openai/gpt-4o","provider":null,"total_cost":null,"request_count":0}],
            "metadata":{"query_time_ms":4,"row_count":2,"truncated":true}}})";
        const auto r = json::parseAnalytics(good, q);
        QVERIFY2(r.ok(), qPrintable(r.error.detail));
        QVERIFY(r.value.truncated);
        QCOMPARE(r.value.rows.size(), 2);
        QCOMPARE(r.value.rows.at(0).day, QDate(2026, 11, 2));
        QCOMPARE(r.value.rows.at(0).dimensions.value(u"provider"_s), u"OpenAI"_s);
        QCOMPARE(r.value.rows.at(0).metrics.value(u"total_cost"_s), 1.5);
        QCOMPARE(r.value.rows.at(1).dimensions.value(u"provider"_s), QString()); // unset bucket
        QCOMPARE(r.value.rows.at(1).metrics.value(u"total_cost"_s), 0.0);

        // Never an empty-looking success: each of these is a BadResponse naming what is wrong.
        const QList<QByteArray> bad{
            "not json",
            R"({"data":[]})",
            R"({"data":{"data":[]}})",                                                   // no metadata
            R"({"data":{"data":{},"metadata":{"truncated":false}}})",                     // rows not a list
            R"({"data":{"data":[],"metadata":{"truncated":"no"}}})",                      // truncated not a bool
            R"({"data":{"data":[{"model":"m","provider":"p","total_cost":1,"request_count":1}],"metadata":{"truncated":false}}})", // no day
            R"({"data":{"data":[{"date__day":"soon","model":"m","provider":"p","total_cost":1,"request_count":1}],"metadata":{"truncated":false}}})",
            R"({"data":{"data":[{"date__day":"2026-11-02","provider":"p","total_cost":1,"request_count":1}],"metadata":{"truncated":false}}})", // no model
            R"({"data":{"data":[{"date__day":"2026-11-02","model":"m","provider":"p","request_count":1}],"metadata":{"truncated":false}}})", // no cost
            R"({"data":{"data":[{"date__day":"2026-11-02","model":"m","provider":"p","total_cost":"1","request_count":1}],"metadata":{"truncated":false}}})",
            R"({"data":{"data":[{"date__day":"2026-11-02","model":["m"],"provider":"p","total_cost":1,"request_count":1}],"metadata":{"truncated":false}}})",
            R"({"data":{"data":[7],"metadata":{"truncated":false}}})",
        };
        for (const QByteArray &b : bad) {
            const auto e = json::parseAnalytics(b, q);
            QVERIFY2(!e.ok(), b.constData());
            QCOMPARE(e.error.kind, ApiError::Kind::BadResponse);
            QVERIFY(e.value.rows.isEmpty());
        }
    }

    void currentKey()
    {
        auto r = json::parseCurrentKey(R"({"data":{"label":"sk-or-v1-au7...890","is_management_key":false,"is_provisioning_key":true,"limit":null}})");
        QVERIFY(r.ok());
        QVERIFY(r.value.isManagementKey); // the older flag name counts too
        r = json::parseCurrentKey(R"({"data":{"label":"x","is_management_key":false}})");
        QVERIFY(r.ok());
        QVERIFY(!r.value.isManagementKey);
    }

    void errorBodies_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expectInMessage");
        QTest::newRow("403 management") << 403 << QByteArray(R"({"error":{"code":403,"message":"Only management keys can perform this operation"}})")
                                        << u"not a management key"_s;
        QTest::newRow("401") << 401 << QByteArray(R"({"error":{"code":401,"message":"User not found."}})") << u"did not accept"_s;
        QTest::newRow("402 with metadata") << 402 << QByteArray(R"({"error":{"code":402,"message":"Insufficient credits","metadata":{"limit_source":"key"}}})")
                                           << u"Insufficient credits"_s;
        QTest::newRow("404") << 404 << QByteArray(R"({"error":{"code":404,"message":"API key not found"}})") << u"deleted already"_s;
        QTest::newRow("500 html body") << 500 << QByteArray("<html>oops</html>") << u"server error (500)"_s;
        QTest::newRow("503 empty body") << 503 << QByteArray() << u"server error (503)"_s;
    }
    void errorBodies()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, expectInMessage);
        const ApiError e = ApiError::http(status, body, u"openrouter.ai"_s);
        QCOMPARE(e.httpStatus, status);
        QVERIFY2(e.message().contains(expectInMessage), qPrintable(e.message()));
        if (status == 402)
            QCOMPARE(e.metadata.value("limit_source"_L1).toString(), u"key"_s);
    }

    void errorWordingByEndpoint_data()
    {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("notExpected");
        const QString api = u"https://openrouter.ai/api/v1"_s;
        QTest::newRow("models 404") << u"GET"_s << api + u"/models"_s << u"/models"_s << 404
                                    << u"OpenRouter has no model list at https://openrouter.ai/api/v1/models (404); check the base URL"_s
                                    << u"deleted"_s;
        QTest::newRow("a key 404") << u"PATCH"_s << api + u"/keys/abc"_s << u"/keys/abc"_s << 404
                                   << u"This key is not at OpenRouter (404): it may have been deleted already."_s << u"base URL"_s;
        QTest::newRow("a guardrail's assignments 404")
            << u"POST"_s << api + u"/guardrails/g1/assignments/keys"_s << u"/guardrails/g1/assignments/keys"_s << 404
            << u"This guardrail is not at OpenRouter"_s << u"base URL"_s;
        QTest::newRow("all assignments 404") << u"GET"_s << api + u"/guardrails/assignments/keys"_s
                                             << u"/guardrails/assignments/keys"_s << 404 << u"no guardrail list at"_s << u"deleted"_s;
        QTest::newRow("credits 404, no query or user in the URL")
            << u"GET"_s << u"https://user:pw@proxy.example/api/v1/credits?x=1"_s << u"/credits"_s << 404
            << u"no credits at https://proxy.example/api/v1/credits (404)"_s << u"pw"_s;
        QTest::newRow("models 405") << u"POST"_s << api + u"/models"_s << u"/models"_s << 405
                                    << u"openrouter.ai does not accept POST at https://openrouter.ai/api/v1/models (405)"_s << u"deleted"_s;
        QTest::newRow("models 401") << u"GET"_s << api + u"/models"_s << u"/models"_s << 401 << u"did not accept the management key"_s
                                    << u"base URL"_s;
        QTest::newRow("a key 429") << u"DELETE"_s << api + u"/keys/abc"_s << u"/keys/abc"_s << 429 << u"rate limiting"_s << u"deleted"_s;
    }
    void errorWordingByEndpoint()
    {
        QFETCH(QString, verb);
        QFETCH(QString, url);
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, expected);
        QFETCH(QString, notExpected);
        const ApiError e = ApiError::http(status, QByteArray(R"({"error":{"code":0,"message":"Nope"}})"), verb, QUrl(url), path);
        QCOMPARE(e.httpStatus, status);
        QCOMPARE(e.path, path);
        QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
        QVERIFY2(!e.message().contains(notExpected), qPrintable(e.message()));
        QVERIFY2(e.message().contains(u"OpenRouter said: \"Nope\""_s), qPrintable(e.message()));
    }

    void createBody()
    {
        NewKeySpec spec;
        spec.name = u"  alice  "_s;
        QJsonObject o = json::toJson(spec);
        QCOMPARE(o, (QJsonObject{{"name"_L1, u"alice"_s}})); // only what is set is sent
        spec.limit = 25;
        spec.limitReset = LimitReset::Weekly;
        spec.expiresAt = QDateTime(QDate(2027, 12, 31), QTime(23, 59, 59), QTimeZone::utc());
        spec.includeByokInLimit = true;
        o = json::toJson(spec);
        QCOMPARE(o.value("limit"_L1).toDouble(), 25.0);
        QCOMPARE(o.value("limit_reset"_L1).toString(), u"weekly"_s);
        QCOMPARE(o.value("expires_at"_L1).toString(), u"2027-12-31T23:59:59Z"_s);
        QCOMPARE(o.value("include_byok_in_limit"_L1).toBool(), true);
    }

    void updateBody()
    {
        KeyUpdate u;
        QVERIFY(u.isEmpty());
        QVERIFY(json::toJson(u).isEmpty());
        u.disabled = true;
        QCOMPARE(json::toJson(u), (QJsonObject{{"disabled"_L1, true}}));
        u = {};
        u.limit = std::optional<double>(); // remove the limit: an explicit null
        u.limitReset = LimitReset::None;
        const QJsonObject o = json::toJson(u);
        QVERIFY(o.value("limit"_L1).isNull());
        QVERIFY(o.value("limit_reset"_L1).isNull());
        QCOMPARE(o.size(), 2);
    }

    void keyRoundTrip()
    {
        const auto parsed = json::parseKeyList(list(fullKey()));
        QVERIFY(parsed.ok());
        const QJsonObject again = json::toJson(parsed.value.first());
        ApiKey back;
        QString error;
        QVERIFY(json::parseKey(again, &back, &error));
        QCOMPARE(back, parsed.value.first());
    }
};

QTEST_APPLESS_MAIN(TestJsonCodec)
#include "tst_jsoncodec.moc"
