// Pure domain rules: key status, limit use, key lookup, and parsing what people type.
#include "ApiKey.h"
#include "KeyLookup.h"
#include "KeyRequests.h"
#include "Money.h"

#include <QTest>
#include <QTimeZone>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestDomain : public QObject
{
    Q_OBJECT

private:
    static QDateTime at(const char *iso) { return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate); }
    static ApiKey named(const QString &name, const QString &hash)
    {
        ApiKey k;
        k.name = name;
        k.hash = hash;
        k.label = u"sk-or-v1-abc...def"_s;
        return k;
    }

private Q_SLOTS:
    void status_data()
    {
        QTest::addColumn<bool>("disabled");
        QTest::addColumn<QDateTime>("expires");
        QTest::addColumn<int>("expected");
        const QDateTime now = at("2026-11-27T12:00:00Z");
        QTest::newRow("active, no expiry") << false << QDateTime() << int(KeyStatus::Active);
        QTest::newRow("disabled") << true << QDateTime() << int(KeyStatus::Disabled);
        QTest::newRow("expires in 30 days") << false << now.addDays(30) << int(KeyStatus::Active);
        QTest::newRow("expires in 7 days exactly") << false << now.addDays(7) << int(KeyStatus::Active);
        QTest::newRow("expires in 6 days") << false << now.addDays(6) << int(KeyStatus::ExpiringSoon);
        QTest::newRow("expires in one hour") << false << now.addSecs(3600) << int(KeyStatus::ExpiringSoon);
        QTest::newRow("expired a second ago") << false << now.addSecs(-1) << int(KeyStatus::Expired);
        QTest::newRow("expired wins over disabled") << true << now.addDays(-3) << int(KeyStatus::Expired);
        QTest::newRow("disabled wins over expiring") << true << now.addDays(2) << int(KeyStatus::Disabled);
    }
    void status()
    {
        QFETCH(bool, disabled);
        QFETCH(QDateTime, expires);
        QFETCH(int, expected);
        ApiKey k;
        k.disabled = disabled;
        k.expiresAt = expires;
        QCOMPARE(int(k.status(at("2026-11-27T12:00:00Z"))), expected);
    }

    void limitUsedFraction()
    {
        ApiKey k;
        QVERIFY(!k.limitUsedFraction());
        k.limit = 50;
        k.usage = 40;
        QCOMPARE(*k.limitUsedFraction(), 0.8); // no remaining reported: falls back to usage
        k.limitRemaining = 45; // a reset period: only 5 of 50 spent this period
        QCOMPARE(*k.limitUsedFraction(), 0.1);
        k.limit = 0;
        QCOMPARE(*k.limitUsedFraction(), 1.0);
    }

    void lookup()
    {
        const QString h1 = QString(64, u'a'), h2 = QString(64, u'b'), h3 = QString(64, u'c');
        const ApiKeyList keys{named(u"alice"_s, h1), named(u"bob"_s, h2), named(u"bob"_s, h3), named(h2, h1 + u'x')};
        KeyLookupResult r = lookupKey(keys, u"alice"_s);
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::Found);
        QCOMPARE(r.key.hash, h1);

        r = lookupKey(keys, h3);
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::Found);
        QCOMPARE(r.key.hash, h3);

        // A hash wins over a key whose *name* is that hash.
        r = lookupKey(keys, h2);
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::Found);
        QCOMPARE(r.key.name, u"bob"_s);

        r = lookupKey(keys, u"bob"_s);
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::Ambiguous);
        QCOMPARE(r.candidates.size(), 2);
        QVERIFY(r.message().contains(h2.left(12)));
        QVERIFY(r.message().contains(h3.left(12)));

        r = lookupKey(keys, u"ali"_s);
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::NotFound);
        QCOMPARE(r.candidates.size(), 1);
        QVERIFY(r.message().contains(u"did you mean: alice"_s));

        r = lookupKey(keys, u"zed"_s);
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::NotFound);
        QVERIFY(r.candidates.isEmpty());
        QCOMPARE(lookupKey(keys, u"  "_s).outcome, KeyLookupResult::Outcome::NotFound);
    }

    void parseLimit_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<double>("value"); // -1: no limit
        QTest::newRow("plain") << u"25"_s << true << 25.0;
        QTest::newRow("cents") << u"25.50"_s << true << 25.5;
        QTest::newRow("dollar sign") << u"$10"_s << true << 10.0;
        QTest::newRow("zero") << u"0"_s << true << 0.0;
        QTest::newRow("none") << u"none"_s << true << -1.0;
        QTest::newRow("unlimited") << u"Unlimited"_s << true << -1.0;
        QTest::newRow("negative") << u"-5"_s << false << 0.0;
        QTest::newRow("text") << u"ten"_s << false << 0.0;
        QTest::newRow("empty") << u""_s << false << 0.0;
        QTest::newRow("nan") << u"nan"_s << false << 0.0;
        QTest::newRow("inf") << u"inf"_s << false << 0.0;
        QTest::newRow("too large") << u"1e9"_s << false << 0.0;
        QTest::newRow("comma decimal") << u"1,5"_s << false << 0.0;
    }
    void parseLimit()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(double, value);
        const LimitParse p = parseCreditLimit(text);
        QCOMPARE(p.error.isEmpty(), ok);
        if (ok && value < 0)
            QVERIFY(!p.limit);
        else if (ok)
            QCOMPARE(*p.limit, value);
    }

    void parseExpiry_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // empty: error
        QTest::newRow("date is end of UTC day") << u"2027-12-31"_s << u"2027-12-31T23:59:59Z"_s;
        QTest::newRow("utc time") << u"2027-01-02T03:04:05Z"_s << u"2027-01-02T03:04:05Z"_s;
        QTest::newRow("offset converted to utc") << u"2027-01-02T03:04:05+02:00"_s << u"2027-01-02T01:04:05Z"_s;
        QTest::newRow("no zone means utc") << u"2027-01-02T03:04:05"_s << u"2027-01-02T03:04:05Z"_s;
        QTest::newRow("garbage") << u"next tuesday"_s << QString();
        QTest::newRow("impossible date") << u"2027-02-30"_s << QString();
    }
    void parseExpiry()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const ExpiryParse p = orteam::parseExpiry(text);
        if (expected.isEmpty()) {
            QVERIFY(!p.error.isEmpty());
            return;
        }
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        QCOMPARE(p.expiresAt.toUTC().toString(Qt::ISODate), expected);
    }

    void validation()
    {
        const QDateTime now = at("2026-11-27T12:00:00Z");
        NewKeySpec spec;
        QVERIFY(!validate(spec, now).isEmpty()); // no name
        spec.name = u"alice"_s;
        QVERIFY(validate(spec, now).isEmpty());
        spec.name = QString(101, u'x');
        QVERIFY(validate(spec, now).contains(u"100"_s));
        spec.name = u"bad\u0007name"_s;
        QVERIFY(!validate(spec, now).isEmpty());
        spec.name = u"alice"_s;
        spec.limit = -1;
        QVERIFY(validate(spec, now).contains(u"negative"_s));
        spec.limit = 5;
        spec.expiresAt = now.addSecs(-60);
        QVERIFY(validate(spec, now).contains(u"future"_s));
        spec.expiresAt = now.addDays(1);
        QVERIFY(validate(spec, now).isEmpty());
    }

    void money()
    {
        QCOMPARE(formatUsd(0), u"$0.00"_s);
        QCOMPARE(formatUsd(12.345), u"$12.35"_s);
        QCOMPARE(formatUsd(0.0042), u"$0.0042"_s);
        QCOMPARE(formatUsd(-3.5), u"-$3.50"_s);
        QCOMPARE(formatUsd(std::numeric_limits<double>::quiet_NaN()), u"—"_s);
    }

    void limitReset()
    {
        QCOMPARE(limitResetFromString(u"Weekly"_s), LimitReset::Weekly);
        QCOMPARE(limitResetFromString(u"none"_s), LimitReset::None);
        QVERIFY(!limitResetFromString(u"yearly"_s));
        QCOMPARE(limitResetToString(LimitReset::Monthly), u"monthly"_s);
        QVERIFY(limitResetToString(LimitReset::None).isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestDomain)
#include "tst_domain.moc"
