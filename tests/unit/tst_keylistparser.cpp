// json::parseKeyListFast (GET /keys read from the bytes) against the reference parser
// (QJsonDocument → QJsonObject → parseKey) on crafted, malformed and randomly damaged bodies:
// whatever the fast parser reads, the reference reads the same, to the bit, and parseKeyList
// answers every body exactly as the reference does, errors and their messages included. The fuzz
// target fuzz_keys_json holds them to the same on whatever libFuzzer makes.
#include "JsonCodec.h"
#include "KeyJsonFixture.h"
#include "KeyListDifferential.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>
#include <QTimeZone>

using namespace orteam;
using test::fullKey;
using test::list;
using namespace Qt::Literals::StringLiterals;

namespace {
// fullKey() with one member's value replaced by the raw JSON text `value` (empty: removed).
QByteArray withRaw(const QByteArray &field, const QByteArray &value)
{
    QByteArray key = fullKey();
    const QByteArray name = '"' + field + "\":";
    const qsizetype at = key.indexOf(name);
    Q_ASSERT(at >= 0);
    qsizetype end = at + name.size();
    int depth = 0;
    bool inString = false;
    for (; end < key.size(); ++end) {
        const char c = key.at(end);
        if (inString) {
            if (c == '\\')
                ++end;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && depth-- == 0) {
            break;
        } else if (c == ',' && depth == 0) {
            break;
        }
    }
    if (value.isNull()) {
        // Drop the member and one comma beside it.
        if (key.at(end) == ',')
            ++end;
        return key.remove(at, end - at);
    }
    return key.replace(at + name.size(), end - at - name.size(), value);
}

const char *const Fields[] = {"hash", "name", "label", "disabled", "limit", "limit_remaining", "limit_reset",
                              "include_byok_in_limit", "usage", "usage_daily", "usage_weekly", "usage_monthly",
                              "byok_usage", "byok_usage_daily", "byok_usage_weekly", "byok_usage_monthly",
                              "created_at", "updated_at", "expires_at", "creator_user_id", "workspace_id"};

// Values of every kind and of the edges where Qt's reading is its own.
const char *const Values[] = {
    "null", "true", "false", "0", "-0", "-0.0", "0.0", "0e5", "-0e-5", "1", "-1", "1.5", "25.5", "1E2", "1e+2", "1e-2",
    "1.0", "100.000", "9007199254740993", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
    "12345678901234567890123", "1e308", "1e309", "-1e400", "1e-400", "5e-324", "2.2250738585072014e-308",
    "0.1000000000000000055511151231257827", "1.7976931348623157e308", "+1", ".5", "1.", "01", "-", "1e", "1e+",
    "0x10", "NaN", "Infinity", "tru", "nul", "\"\"", "\" \"", "\"x\"", "\"25.5\"", "\"daily\"", "\"weekly\"",
    "\"monthly\"", "\"none\"", "\"Monthly \"", "\" DAILY\"", "\"DA\\u0130LY\"", "\"yearly\"",
    "\"2025-08-24T10:30:00Z\"", "\"2025-08-24T10:30:00.123Z\"", "\"2025-08-24T10:30:00.123456Z\"",
    "\"2025-08-24T10:30:00+02:00\"", "\"2025-08-24T10:30:00\"", "\"2023-02-29T00:00:00Z\"", "\"2025-08-24T24:00:00Z\"",
    "\"2025-08-24T10:30:00z\"", "\"\\u0032025-08-24T10:30:00Z\"", "\"２025-08-24T10:30:00Z\"", "\"yesterday\"",
    "\"\\u0041\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\x\"",
    "\"\\u00\"", "\"\\uZZZZ\"", "\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac\"", "\"\xc3\"", "\"\xc0\xaf\"",
    "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xef\xbf\xbe\"", "\"\xef\xb7\x90\"", "\"\xff\"", "\"\x01\"",
    "\"tab\there\"", "\"\x7f\"", "\"a\\u0000b\"", "[]", "[1,2]", "[\"a\"]", "{}", "{\"x\":1}", "[[[[[]]]]]",
    "{\"a\":{\"b\":[null,true,false,-1.5e3,\"s\"]}}", "[1,]", "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}", "\"unterminated",
};
} // namespace

class TestKeyListParser : public QObject
{
    Q_OBJECT

    static void agree(const QByteArray &body, bool mustReadFast = false)
    {
        bool fast = false;
        const QString d = test::keyListDisagreement(body, &fast);
        if (!d.isEmpty())
            QFAIL(qPrintable(d + u"\nbody: "_s + QString::fromLatin1(body.left(400).toPercentEncoding(" {}[]\":,"))));
        if (mustReadFast && !fast)
            QFAIL(qPrintable(u"the fast parser gave up on a plain body: "_s + QString::fromUtf8(body.left(400))));
    }

private Q_SLOTS:
    // What OpenRouter and the fake server send is read by the fast parser (or the speed is lost
    // without any test failing), with names of every script, escapes and every field's edge.
    void plainPagesAreReadFast()
    {
        agree(list(fullKey()), true);
        agree(list(fullKey() + "," + fullKey()), true);
        agree(list({}), true);
    agree(list(withRaw("updated_at", "\"2025-08-24T15:45:00.123Z\"")), true);
        agree("{\"data\":[]}", true);
        agree(" \r\n\t{ \"data\" : [ " + fullKey() + " ] , \"total_count\" : 1 } \n", true);
        agree("{\"meta\":{\"x\":[1,{\"y\":null}]},\"data\":[" + fullKey() + "]}", true);

        ApiKeyList keys;
        for (int i = 0; i < 300; ++i) {
            ApiKey k;
            k.hash = QString::number(i * 7919, 16).repeated(8);
            k.name = i % 3 == 0 ? u"Équipe «données» №%1 — 日本語 😀 \"quoted\" back\\slash\ttab"_s.arg(i)
                                : u"key-%1"_s.arg(i);
            k.label = u"sk-or-v1-%1...abcd"_s.arg(i);
            k.disabled = i % 5 == 0;
            if (i % 2)
                k.limit = i * 1.25;
            if (i % 4 == 1)
                k.limitRemaining = i * 0.1;
            k.limitReset = LimitReset(i % 4);
            k.includeByokInLimit = i % 7 == 0;
            k.usage = i * 0.333333333333;
            k.usageDaily = 1e-7 * i;
            k.usageWeekly = 123456789.987654321 * i;
            k.usageMonthly = i;
            k.byokUsage = -i * 2.5;
            // Whole seconds: toJson writes times as OpenRouter does, without milliseconds.
            k.createdAt = QDateTime(QDate(2025, 1 + i % 12, 1 + i % 28), QTime(i % 24, i % 60, i % 60), QTimeZone::utc());
            if (i % 3)
                k.updatedAt = k.createdAt.addSecs(3600);
            if (i % 6 == 0)
                k.expiresAt = k.createdAt.addDays(365);
            // Runs of keys with the same workspace, and creators repeated across a null and
            // across a name that is not ASCII: the fast parser shares such strings between keys.
            k.creatorUserId = i % 2 ? (i % 10 == 3 ? u"usér_%1"_s : u"user_%1"_s).arg(i / 4) : QString();
            k.workspaceId = i % 50 == 49 ? QString() : u"ws-%1"_s.arg(i / 7 % 9);
            keys << k;
        }
        for (const auto format : {QJsonDocument::Compact, QJsonDocument::Indented}) {
            QJsonArray page;
            for (const ApiKey &k : keys)
                page.append(json::toJson(k));
            const QByteArray body = QJsonDocument(QJsonObject{{"data"_L1, page}}).toJson(format);
            agree(body, true);
            const auto r = json::parseKeyList(body);
            QVERIFY(r.ok());
            // The tab comes back as U+FFFD, as every control character in a name does (below).
            ApiKeyList shown = keys;
            for (ApiKey &k : shown)
                k.name.replace(u'\t', QChar::ReplacementCharacter);
            QCOMPARE(r.value, shown);
        }
    }

    // A key named by someone else cannot recolour a terminal, forge a table's line or read
    // backwards: both parsers hand on U+FFFD for each control and bidi override character.
    void controlCharactersInNamesAreReplaced()
    {
        const QByteArray body = list(withRaw("name", "\"a\\u001b[31mred\\r\\nBcc: x\\u0085\"")
                                     + "," + withRaw("label", "\"sk-or-v1-\\u202egpj.exe\""));
        agree(body, true);
        const auto r = json::parseKeyList(body);
        QVERIFY(r.ok());
        QCOMPARE(r.value.size(), 2);
        const QChar x = QChar::ReplacementCharacter;
        QCOMPARE(r.value.at(0).name, u"a"_s + x + u"[31mred"_s + x + x + u"Bcc: x"_s + x);
        QCOMPARE(r.value.at(1).label, u"sk-or-v1-"_s + x + u"gpj.exe"_s);
        QCOMPARE(printableText(u"plain Zoë 😀"_s), u"plain Zoë 😀"_s);
        // ASCII's controls are told without a category lookup: DEL and unit separator among them,
        // the space and the tilde around them not.
        QCOMPARE(printableText(u"del\u007f us\u001f ~"_s), u"del"_s + x + u" us"_s + x + u" ~"_s);
    }

    // Every field given every value of Values, and removed: the parsers agree on each.
    void everyFieldEveryValue()
    {
        for (const char *f : Fields) {
            agree(list(withRaw(f, QByteArray())));
            for (const char *v : Values) {
                agree(list(withRaw(f, v)));
                // In a later item, so the error's path names the item.
                agree(list(fullKey() + "," + withRaw(f, v)));
            }
        }
    }

    // Qt keeps the last of duplicate members; the fast parser must read the same one.
    void duplicateMembers()
    {
        for (const char *f : Fields) {
            for (const char *v : {"null", "1", "\"x\"", "\"\"", "\"2025-01-01T00:00:00Z\"", "\"daily\"", "true", "{}"}) {
                const QByteArray dup = QByteArray(",\"") + f + "\":" + v;
                QByteArray key = fullKey();
                agree(list(key.chopped(1) + dup + "}"));
                agree(list("{\"" + QByteArray(f) + "\":" + v + "," + key.mid(1)));
            }
        }
        agree("{\"data\":[" + fullKey() + "],\"data\":[]}");
        agree("{\"data\":[],\"data\":[" + fullKey() + "]}");
        agree("{\"data\":1,\"data\":[" + fullKey() + "]}");
        agree("{\"data\":[" + fullKey() + "],\"data\":null}");
        agree("{\"data\":[{\"hash\":1}],\"data\":[" + fullKey() + "]}");
    }

    // Names spelled with escapes or in other scripts.
    void memberNames()
    {
        QByteArray key = fullKey();
        agree(list(key.replace("\"hash\"", "\"h\\u0061sh\"")));
        key = fullKey();
        agree(list(key.replace("\"usage\"", "\"us\\u0061ge\"")));
        agree("{\"d\\u0061ta\":[" + fullKey() + "]}");
        agree("{\"dätä\":1,\"data\":[" + fullKey() + "]}");
        key = fullKey();
        agree(list(key.replace("\"name\"", "\"n\xc3\xa4me\"")));
        key = fullKey();
        agree(list(key.replace("\"name\"", "\"na\xffme\"")));
    }

    void malformedDocuments()
    {
        const QByteArray good = list(fullKey() + "," + fullKey());
        for (const QByteArray &body : {QByteArray(), QByteArray(" "), QByteArray("null"), QByteArray("[]"),
                                        QByteArray("{}"), QByteArray("{\"data\":{}}"), QByteArray("{\"data\":[1]}"),
                                        QByteArray("{\"data\":[[]]}"), QByteArray("{\"data\":[null]}"),
                                        QByteArray("{\"data\":[{}]}"), QByteArray("{\"data\":[{\"hash\":\"\"}]}"),
                                        QByteArray("{\"data\":[{\"hash\":\"a\"}]}"), QByteArray("{\"data\":[]}x"),
                                        QByteArray("{\"data\":[]}\0", 12), QByteArray("\xef\xbb\xbf{\"data\":[]}"),
                                        QByteArray("{\"data\":[],}"), QByteArray("{\"data\":[,]}"),
                                        QByteArray("{\"data\" []}"), QByteArray("{data:[]}"), QByteArray("{\"data\":[]"),
                                        QByteArray("<html>502</html>")})
            agree(body);
        // Every prefix of a good body, and the body with each byte dropped.
        for (qsizetype n = 0; n <= good.size(); ++n)
            agree(good.left(n));
        for (qsizetype i = 0; i < good.size(); ++i)
            agree(QByteArray(good).remove(i, 1));
    }

    // Unknown members nested deeper than the fast parser follows, and deeper than Qt allows.
    void deepNesting()
    {
        for (const int depth : {10, 63, 64, 65, 200, 1023, 1024, 1025, 3000}) {
            const QByteArray deep = QByteArray(depth, '[') + QByteArray(depth, ']');
            agree("{\"x\":" + deep + ",\"data\":[" + fullKey() + "]}");
            QByteArray key = fullKey();
            agree(list(key.chopped(1) + ",\"x\":" + deep + "}"));
        }
    }

    // Random damage to good bodies: bytes changed, inserted, dropped, swapped for JSON's own.
    void randomDamage()
    {
        QRandomGenerator rng(20); // fixed: a failure reproduces
        const QByteArray pieces[] = {"\"", "\\", "{", "}", "[", "]", ",", ":", "null", "-", "0", "e", ".", "\\u",
                                     "\xc3", "\xa9", " ", "1e999", "\"\"", "-0"};
        const QByteArray bases[] = {list(fullKey()), list(fullKey() + "," + withRaw("name", "\"\\u00e9t\xc3\xa9\""))};
        int fast = 0;
        for (int round = 0; round < 20000; ++round) {
            QByteArray body = bases[round % 2];
            const int edits = 1 + int(rng.bounded(3));
            for (int e = 0; e < edits; ++e) {
                const qsizetype at = rng.bounded(int(body.size()));
                switch (rng.bounded(4)) {
                case 0:
                    body[at] = char(rng.bounded(256));
                    break;
                case 1:
                    body.insert(at, pieces[rng.bounded(int(std::size(pieces)))]);
                    break;
                case 2:
                    body.remove(at, 1 + rng.bounded(4));
                    break;
                default:
                    body.replace(at, 1, pieces[rng.bounded(int(std::size(pieces)))]);
                    break;
                }
            }
            bool read = false;
            const QString d = test::keyListDisagreement(body, &read);
            if (!d.isEmpty())
                QFAIL(qPrintable(d + u"\nbody: "_s + QString::fromLatin1(body.toPercentEncoding(" {}[]\":,"))));
            fast += read;
        }
        // Many damaged bodies are still good JSON (a digit changed, a name's letter): the fast
        // parser must have read some of them, or this test compared nothing.
        QVERIFY2(fast > 1000, qPrintable(QString::number(fast)));
    }
};

QTEST_APPLESS_MAIN(TestKeyListParser)
#include "tst_keylistparser.moc"
