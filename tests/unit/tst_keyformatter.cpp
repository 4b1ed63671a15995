// The streamed `keys list` formats against what they replaced: json against QJsonDocument's
// serialization of the keys' toJson() objects, csv and table against the QString-built text,
// byte for byte,
// on keys made to be awkward (every kind of character, null limits, huge and tiny numbers, times
// outside the usual years) and on many random ones.
#include "Counted.h"
#include "Csv.h"
#include "JsonCodec.h"
#include "KeyFormatter.h"
#include "Money.h"
#include "Report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QStringList>
#include <QTest>
#include <QTimeZone>

#include <bit>
#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;
using namespace orteam;

namespace {

QByteArray streamedJson(const ApiKeyList &keys, QList<QByteArray> *chunks = nullptr)
{
    QByteArray all;
    KeyFormatter::json(keys, [&](QByteArrayView utf8) {
        all += utf8;
        if (chunks)
            chunks->append(utf8.toByteArray());
    });
    return all;
}

QByteArray documentJson(const ApiKeyList &keys)
{
    QJsonArray array;
    for (const ApiKey &k : keys)
        array.append(json::toJson(k));
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

QByteArray streamedCsv(const ApiKeyList &keys, const QDateTime &now)
{
    QByteArray all;
    KeyFormatter::csv(keys, now, [&](QByteArrayView utf8) { all += utf8; });
    return all;
}

// The csv text as KeyFormatter built it before it was streamed.
QByteArray referenceCsv(const ApiKeyList &keys, const QDateTime &now)
{
    const auto number = [](const std::optional<double> &v) { return v ? QString::number(*v, 'g', 15) : QString(); };
    QString out = u"hash,name,label,status,disabled,limit,limit_remaining,limit_reset,usage,usage_daily,"
                  "usage_weekly,usage_monthly,created_at,expires_at\n"_s;
    for (const ApiKey &k : keys) {
        const QStringList fields{k.hash,
                                 csvField(k.name, true),
                                 csvField(k.label, true),
                                 keyStatusToString(k.status(now)),
                                 k.disabled ? u"true"_s : u"false"_s,
                                 number(k.limit),
                                 number(k.limitRemaining),
                                 limitResetToString(k.limitReset),
                                 number(k.usage),
                                 number(k.usageDaily),
                                 number(k.usageWeekly),
                                 number(k.usageMonthly),
                                 json::isoUtc(k.createdAt),
                                 json::isoUtc(k.expiresAt)};
        out += fields.join(u',') + u'\n';
    }
    return out.toUtf8();
}

QByteArray streamedTable(const ApiKeyList &keys, const QDateTime &now)
{
    QByteArray all;
    KeyFormatter::table(keys, now, [&](QByteArrayView utf8) { all += utf8; });
    return all;
}

// The table as KeyFormatter and textColumns built it before it was streamed.
QByteArray referenceTable(const ApiKeyList &keys, const QDateTime &now)
{
    QList<QStringList> rows{{u"NAME"_s, u"USAGE / LIMIT"_s, u"RESETS"_s, u"STATUS"_s, u"EXPIRES"_s, u"HASH"_s}};
    double total = 0;
    for (const ApiKey &k : keys) {
        rows << QStringList{k.name,
                            // beside a limit, what counts against it (a reset's period, else all)
                            formatUsd(k.limit ? k.spentAgainstLimit() : k.usage) + u" / "_s
                                + (k.limit ? formatUsd(*k.limit) : u"unlimited"_s),
                            k.limitReset == LimitReset::None ? u"-"_s : limitResetToString(k.limitReset),
                            keyStatusToString(k.status(now)),
                            k.expiresAt.isValid() ? k.expiresAt.date().toString(Qt::ISODate) : u"-"_s,
                            k.hash.left(16)};
        total += k.usage;
    }
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList &r : rows) {
        for (int c = 0; c < r.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], r.at(c).size());
    }
    QString out;
    for (const QStringList &r : rows) {
        QString line;
        for (int c = 0; c < r.size(); ++c)
            line += (c + 1 < r.size() ? r.at(c).leftJustified(widths.value(c) + 2) : r.at(c));
        out += line.trimmed() + u'\n';
    }
    out += u"\nTotal spend: "_s + formatUsd(total) + u" across "_s + counted(keys.size(), u"key"_s, u"keys"_s) + u"\n"_s;
    return out.toUtf8();
}

QString units(std::initializer_list<char16_t> list)
{
    QString s;
    for (const char16_t u : list)
        s += QChar(u);
    return s;
}

QDateTime utc(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, QTimeZone::utc());
}

ApiKeyList awkwardKeys()
{
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    ApiKey plain;
    plain.hash = u"0123456789abcdef0123456789abcdef"_s;
    plain.name = u"alice-backend"_s;
    plain.label = u"sk-or-v1-abc...123"_s;
    plain.limit = 50;
    plain.limitRemaining = 37.5;
    plain.limitReset = LimitReset::Monthly;
    plain.usage = 12.5;
    plain.usageDaily = 0.1 + 0.2;
    plain.createdAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 678), QTimeZone::utc());
    plain.updatedAt = plain.createdAt.addDays(3);
    plain.expiresAt = QDateTime(QDate(2027, 12, 31), QTime(23, 59, 59), QTimeZone::utc());
    plain.creatorUserId = u"user_1"_s;
    plain.workspaceId = u"ws_1"_s;

    ApiKeyList keys{plain};
    ApiKey k = plain;
    k.name = u"quote \" backslash \\ slash / tab \t newline \n return \r"_s;
    k.label = units({0x0000, 0x0001, 0x0008, 0x000c, 0x001f, 0x007f, u'x'});
    k.limit.reset();
    k.limitRemaining.reset();
    k.limitReset = LimitReset::None;
    k.creatorUserId.clear();
    k.workspaceId.clear();
    k.updatedAt = {};
    k.expiresAt = {};
    keys << k;

    k = plain;
    k.name = u"été — 中文 — 😀 — ﻿"_s;
    k.label = units({0xd800, u'a', 0xdc00, u'b', 0xd83d, 0xde00, 0xfffe, 0xffff, 0xd800}); // lone surrogates
    k.hash = u"=not-a-formula-in-a-hash"_s;
    k.limitReset = LimitReset::Daily;
    k.disabled = true;
    k.includeByokInLimit = true;
    keys << k;

    k = plain;
    k.name = u"=cmd|' /C calc'!A0"_s;
    k.label = u"comma, semicolon; \"quoted\""_s;
    k.limitReset = LimitReset::Weekly;
    k.limit = 9007199254740992.0; // 2^53, still a whole number to QJsonValue
    k.limitRemaining = 9007199254740994.0;
    k.usage = 1e20;
    k.usageDaily = -0.0;
    k.usageWeekly = 1e-7;
    k.usageMonthly = 123456789012.5;
    k.byokUsage = inf;
    k.byokUsageDaily = nan;
    k.byokUsageWeekly = -inf;
    k.byokUsageMonthly = 5e-324;
    keys << k;

    k = plain;
    k.name = QString();
    k.label = u""_s;
    k.usage = 1.7976931348623157e308;
    k.usageDaily = -9007199254740993.0;
    k.usageWeekly = 1e16;
    k.usageMonthly = 0.0001;
    k.createdAt = utc(-1); // before 1970, with milliseconds to drop
    k.updatedAt = QDateTime(QDate(1, 1, 1), QTime(0, 0), QTimeZone::utc());
    k.expiresAt = QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), QTimeZone::utc());
    keys << k;

    k = plain;
    k.createdAt = QDateTime(QDate(2026, 3, 1), QTime(1, 30), QTimeZone(5 * 3600 + 1800));
    k.updatedAt = QDateTime(QDate(10000, 1, 1), QTime(0, 0), QTimeZone::utc()); // no four-digit year
    k.expiresAt = QDateTime(QDate(2024, 2, 29), QTime(12, 0), QTimeZone(-8 * 3600));
    keys << k;
    return keys;
}

double randomNumber(QRandomGenerator &random)
{
    switch (random.bounded(5)) {
    case 0: // any bit pattern: subnormals, huge values, NaNs and infinities included
        return std::bit_cast<double>(random.generate64());
    case 1: // cents, as usage mostly is
        return random.bounded(10'000'000) / 100.0;
    case 2:
        return random.bounded(1000);
    case 3:
        return random.generateDouble() * std::pow(10.0, random.bounded(-12, 22));
    default:
        return -random.generateDouble() * std::pow(10.0, random.bounded(-5, 18));
    }
}

QString randomText(QRandomGenerator &random)
{
    static const char16_t pool[] = {u'a', u'Z', u'0', u' ', u',', u';', u'=', u'+', u'-', u'@', u'"', u'\\', u'/',
                                    u'\n', u'\r', u'\t', 0x0000, 0x0007, 0x001f, 0x007f, 0x00e9, 0x07ff, 0x0800,
                                    0x4e2d, 0xfeff, 0xfffe, 0xd83d, 0xde00, 0xdbff, 0xdfff};
    QString s;
    const int length = random.bounded(12);
    for (int i = 0; i < length; ++i)
        s += QChar(pool[random.bounded(int(std::size(pool)))]);
    return s;
}

ApiKeyList randomKeys(int count, quint32 seed)
{
    QRandomGenerator random(seed);
    const auto time = [&random]() -> QDateTime {
        if (random.bounded(4) == 0)
            return {};
        return utc(random.bounded(-2'000'000'000'000ll, 20'000'000'000'000ll));
    };
    ApiKeyList keys;
    for (int i = 0; i < count; ++i) {
        ApiKey k;
        k.hash = QString::number(random.generate64(), 16);
        k.name = randomText(random);
        k.label = randomText(random);
        k.disabled = random.bounded(2);
        if (random.bounded(2))
            k.limit = randomNumber(random);
        if (random.bounded(2))
            k.limitRemaining = randomNumber(random);
        k.limitReset = static_cast<LimitReset>(random.bounded(4));
        k.includeByokInLimit = random.bounded(2);
        for (double *v : {&k.usage, &k.usageDaily, &k.usageWeekly, &k.usageMonthly, &k.byokUsage, &k.byokUsageDaily,
                          &k.byokUsageWeekly, &k.byokUsageMonthly})
            *v = randomNumber(random);
        k.createdAt = time();
        k.updatedAt = time();
        k.expiresAt = time();
        k.creatorUserId = random.bounded(2) ? randomText(random) : QString();
        k.workspaceId = randomText(random);
        keys << k;
    }
    return keys;
}

} // namespace

class TestKeyFormatter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonIsTheDocumentsBytesForAwkwardKeys()
    {
        const ApiKeyList keys = awkwardKeys();
        for (qsizetype i = 0; i < keys.size(); ++i) {
            const ApiKeyList one{keys.at(i)};
            QCOMPARE(streamedJson(one), documentJson(one));
        }
        QCOMPARE(streamedJson(keys), documentJson(keys));
    }

    void jsonIsTheDocumentsBytesForRandomKeys()
    {
        const ApiKeyList keys = randomKeys(3000, 20);
        const QByteArray mine = streamedJson(keys);
        const QByteArray document = documentJson(keys);
        if (mine != document) {
            // Name the first key that differs rather than print two megabytes.
            for (const ApiKey &k : keys)
                QCOMPARE(streamedJson({k}), documentJson({k}));
        }
        QCOMPARE(mine, document);
    }

    void jsonOfNoKeysIsAnEmptyArray()
    {
        QCOMPARE(streamedJson({}), documentJson({}));
        QCOMPARE(streamedJson({}), "[\n]\n"_ba);
    }

    // Many keys arrive in several writes, each ending after a whole key, so a console that decodes
    // each write on its own never sees half a character.
    void jsonIsWrittenInChunksOfWholeKeys()
    {
        ApiKeyList keys = randomKeys(2000, 7);
        for (ApiKey &k : keys)
            k.name = u"中文 😀 "_s + k.name;
        QList<QByteArray> chunks;
        const QByteArray all = streamedJson(keys, &chunks);
        QVERIFY2(chunks.size() > 3, qPrintable(QString::number(chunks.size())));
        QVERIFY(all.size() > 3 * 64 * 1024);
        for (qsizetype i = 0; i + 1 < chunks.size(); ++i) {
            QVERIFY(chunks.at(i).size() >= 64 * 1024);
            // A key's separator is written before the next key: the listing does not know, as
            // a key is formatted, whether another will come.
            QVERIFY(chunks.at(i).endsWith("    }"));
            QVERIFY(chunks.at(i + 1).startsWith(",\n    {"));
        }
        QVERIFY(chunks.last().endsWith("    }\n]\n"));
        QCOMPARE(all, documentJson(keys));
    }

    // keys list hands its Listing the keys a page or more at a time, as they arrive: in batches
    // of any size (empty ones too) the bytes are those of one batch, in every format.
    void aListingInBatchesIsTheListingInOne()
    {
        const QDateTime now = QDateTime(QDate(2027, 12, 28), QTime(12, 0), QTimeZone::utc());
        ApiKeyList keys = awkwardKeys() + randomKeys(1500, 11);
        using Format = KeyFormatter::Listing::Format;
        for (const Format format : {Format::Table, Format::Json, Format::Csv}) {
            const auto write = [](QByteArray *into) { return [into](QByteArrayView utf8) { *into += utf8; }; };
            QByteArray whole, batched;
            KeyFormatter::Listing one(format, now);
            one.add(keys);
            one.finish(write(&whole));
            KeyFormatter::Listing many(format, now);
            for (qsizetype at = 0, size = 0; at < keys.size(); at += size, size = (size * 7 + 3) % 257)
                many.add(keys.mid(at, size));
            many.finish(write(&batched));
            QVERIFY(whole.size() > 100'000);
            QCOMPARE(batched, whole);
        }
        QCOMPARE(streamedJson(keys), documentJson(keys));
    }

    void csvIsTheTextItWasForAwkwardAndRandomKeys()
    {
        const QDateTime now = QDateTime(QDate(2027, 12, 28), QTime(12, 0), QTimeZone::utc());
        const ApiKeyList awkward = awkwardKeys();
        QCOMPARE(streamedCsv(awkward, now), referenceCsv(awkward, now));
        const ApiKeyList random = randomKeys(3000, 21);
        QCOMPARE(streamedCsv(random, now), referenceCsv(random, now));
        QCOMPARE(streamedCsv({}, now), referenceCsv({}, now));
        // The awkward keys cover every status the column can hold.
        const QByteArray text = streamedCsv(awkward + random, now);
        for (const char *status : {",active,", ",expiring,", ",disabled,", ",expired,"})
            QVERIFY2(text.contains(status), status);
    }

    // Leading and trailing blanks are trimmed from a line as before (a name that starts with a
    // space loses it); widths count UTF-16 units as before.
    void tableIsTheTextItWas()
    {
        const QDateTime now = QDateTime(QDate(2027, 12, 28), QTime(12, 0), QTimeZone::utc());
        ApiKeyList keys = awkwardKeys();
        ApiKey k = keys.first();
        k.name = u"  leading spaces"_s;
        keys << k;
        k.name = u"trailing\t \u00a0"_s;
        k.hash = u"  "_s;
        keys << k;
        k.name = u"中文 😀"_s;
        k.hash.clear();
        keys << k;
        QCOMPARE(streamedTable(keys, now), referenceTable(keys, now));
        const ApiKeyList random = randomKeys(500, 22);
        QCOMPARE(streamedTable(random, now), referenceTable(random, now));
        QCOMPARE(streamedTable({}, now), referenceTable({}, now));
        QVERIFY(streamedTable(keys, now).contains("\nleading spaces  "));
        // textColumns, which other commands print, is still those lines joined.
        const QList<QStringList> rows{{u"A"_s, u"BB"_s}, {u" x"_s, u"y "_s}, {u"long cell"_s}};
        QCOMPARE(textColumns(rows), u"A"_s + QString(10, u' ') + u"BB\nx"_s + QString(9, u' ') + u"y\nlong cell\n"_s);
    }

    void appendIsoUtcIsIsoUtc()
    {
        QList<QDateTime> times{QDateTime(), utc(0), utc(-1), utc(-86'400'000), utc(951'782'400'000) /* 2000-02-29 */};
        for (const ApiKey &k : awkwardKeys())
            times << k.createdAt << k.updatedAt << k.expiresAt;
        QRandomGenerator random(3);
        for (int i = 0; i < 20'000; ++i)
            times << utc(random.bounded(-62'000'000'000'000ll, 253'402'300'799'999ll));
        for (const QDateTime &t : std::as_const(times)) {
            QByteArray mine = "x";
            json::appendIsoUtc(mine, t);
            QCOMPARE(mine, "x" + json::isoUtc(t).toUtf8());
        }
    }
};

QTEST_GUILESS_MAIN(TestKeyFormatter)
#include "tst_keyformatter.moc"
