// Pure domain rules: key status, limit use, key lookup, parsing what people type, member names
// and CSV fields.
#include "ApiKey.h"
#include "Csv.h"
#include "GatewayStatus.h"
#include "KeyLookup.h"
#include "KeyRequests.h"
#include "Money.h"
#include "SearchText.h"
#include "Roster.h"
#include "Team.h"

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
    // The gateway writes its status and the dashboard reads it through one struct: a field
    // renamed on one side only would show zeros in every status bar.
    void gatewayStatusRoundTrips()
    {
        GatewayStatus s;
        s.listening = u"127.0.0.1:8787"_s;
        s.requestsToday = 12;
        s.refusalsToday = 2;
        s.inFlight = 1;
        s.updatedAt = QDateTime(QDate(2026, 11, 29), QTime(9, 30), QTimeZone::utc());
        const auto back = GatewayStatus::fromJson(s.toJson());
        QVERIFY(back.has_value());
        QCOMPARE(back->listening, s.listening);
        QCOMPARE(back->requestsToday, 12);
        QCOMPARE(back->refusalsToday, 2);
        QCOMPARE(back->inFlight, 1);
        QCOMPARE(back->updatedAt, s.updatedAt);
        QVERIFY(!GatewayStatus::fromJson(QString()).has_value());
        QVERIFY(!GatewayStatus::fromJson(u"not json"_s).has_value());
    }

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
        k.limitReset = LimitReset::Monthly; // a reset period: only 5 of 50 spent this month
        k.usageMonthly = 5;
        k.limitRemaining = 45;
        QCOMPARE(*k.limitUsedFraction(), 0.1);
        QCOMPARE(k.spentAgainstLimit(), 5.0);
        k.includeByokInLimit = true; // BYOK counted: its month's spend too
        k.byokUsageMonthly = 10;
        QCOMPARE(k.spentAgainstLimit(), 15.0);
        k.limitRemaining = 0; // OpenRouter says it is used up: at least the whole limit
        QCOMPARE(k.spentAgainstLimit(), 50.0);
        k.usageMonthly = 55; // and the counters say how far over
        QCOMPARE(*k.limitUsedFraction(), 1.3);
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

        // The hash as the ambiguity (12 characters) and keys list (16) print it picks its key;
        // a prefix two keys share, or one shorter than 12, picks none.
        for (const int length : {12, 16}) {
            r = lookupKey(keys, h3.left(length));
            QCOMPARE(r.outcome, KeyLookupResult::Outcome::Found);
            QCOMPARE(r.key.hash, h3);
        }
        r = lookupKey(keys, h1.left(12));
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::Ambiguous);
        QCOMPARE(r.candidates.size(), 2);
        r = lookupKey(keys, h3.left(11));
        QCOMPARE(r.outcome, KeyLookupResult::Outcome::NotFound);
        QCOMPARE(r.candidates.size(), 1); // offered, never acted on
        QCOMPARE(lookupKey(keys, h3.left(12).toUpper()).outcome, KeyLookupResult::Outcome::NotFound);

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
        // Thousands grouped as the locale groups them; the C locale groups nothing.
        const QLocale before;
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QCOMPARE(formatUsd(40065.56), u"$40,065.56"_s);
        QCOMPARE(formatUsd(-45081.95), u"-$45,081.95"_s);
        QCOMPARE(formatUsd(1234567), u"$1,234,567.00"_s);
        QCOMPARE(formatUsd(999.5), u"$999.50"_s);
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(formatUsd(40065.56), u"$40.065,56"_s);
        QLocale::setDefault(QLocale::c());
        QCOMPARE(formatUsd(40065.56), u"$40065.56"_s);
        QLocale::setDefault(before);
    }

    // "zoe" finds "Zoë": search ignores case and accents (and compatibility forms), on both sides.
    void searchFolding()
    {
        QCOMPARE(foldForSearch(u"Zoë"), foldForSearch(u"zoe"));
        QCOMPARE(foldForSearch(u"ZOË"), u"zoe"_s);
        QCOMPARE(foldForSearch(u"Muñoz-Å"), u"munoz-a"_s);
        QCOMPARE(foldForSearch(u"ﬁle"), u"file"_s); // a ligature is its letters
        QCOMPARE(foldForSearch(u"alice-backend"), u"alice-backend"_s);
        QVERIFY(foldForSearch(u"Zoë Müller").contains(foldForSearch(u"zoe mu")));
        QVERIFY(!foldForSearch(u"Zoë").contains(foldForSearch(u"zoa")));
    }

    void limitReset()
    {
        QCOMPARE(limitResetFromString(u"Weekly"_s), LimitReset::Weekly);
        QCOMPARE(limitResetFromString(u"none"_s), LimitReset::None);
        QVERIFY(!limitResetFromString(u"yearly"_s));
        QCOMPARE(limitResetToString(LimitReset::Monthly), u"monthly"_s);
        QVERIFY(limitResetToString(LimitReset::None).isEmpty());
    }

    void memberName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("problem"); // a part of the sentence; empty: acceptable
        QTest::newRow("plain") << u"alice"_s << QString();
        QTest::newRow("spaces inside") << u"Ann Smith"_s << QString();
        QTest::newRow("padded") << u"  alice  "_s << QString(); // judged trimmed, as it is kept
        QTest::newRow("accents, CJK") << u"Zoë 山田"_s << QString();
        QTest::newRow("semicolon, comma") << u"Smith, Ann; ops"_s << QString();
        QTest::newRow("100 characters") << QString(100, u'x') << QString();
        QTest::newRow("empty") << QString() << u"needs a name"_s;
        QTest::newRow("white space only") << u" \t  "_s << u"needs a name"_s;
        QTest::newRow("101 characters") << QString(101, u'x') << u"at most 100 characters"_s;
        QTest::newRow("tab inside") << u"ali\tce"_s << u"control characters"_s;
        QTest::newRow("line break inside") << u"alice\nbob"_s << u"control characters"_s;
        QTest::newRow("carriage return inside") << u"alice\rbob"_s << u"control characters"_s;
        QTest::newRow("bell") << u"bad\u0007name"_s << u"control characters"_s;
        QTest::newRow("escape sequence") << u"\u001b[31mred"_s << u"control characters"_s;
        QTest::newRow("NUL") << QString(u"a"_s + QChar(0) + u"b"_s) << u"control characters"_s;
        QTest::newRow("C1 control") << u"next\u0085line"_s << u"control characters"_s;
        QTest::newRow("DEL") << u"del\u007f"_s << u"control characters"_s;
        QTest::newRow("right-to-left override") << u"ann\u202Egpj.exe"_s << u"invisible formatting"_s;
        QTest::newRow("zero-width space") << u"al\u200Bice"_s << u"invisible formatting"_s;
        QTest::newRow("emoji with a joiner") << u"ops 👩\u200D💻"_s << QString();
    }
    void memberEmail_data()
    {
        QTest::addColumn<QString>("email");
        QTest::addColumn<bool>("ok");
        QTest::newRow("plain") << u"ann@example.com"_s << true;
        QTest::newRow("none") << QString() << true;
        QTest::newRow("two addresses") << u"A@B.COM,c@d.com"_s << false;
        QTest::newRow("two @") << u"a@b@c.com"_s << false;
        QTest::newRow("display name") << u"Ann <ann@example.com>"_s << false;
        QTest::newRow("no local part") << u"@example.com"_s << false;
        QTest::newRow("zero-width space") << u"ann@exa\u200Bmple.com"_s << false;
    }
    void memberEmail()
    {
        QFETCH(QString, email);
        QFETCH(bool, ok);
        QCOMPARE(memberEmailProblem(email).isEmpty(), ok);
    }
    void memberName()
    {
        QFETCH(QString, name);
        QFETCH(QString, problem);
        const QString why = memberNameProblem(name);
        if (problem.isEmpty()) {
            QVERIFY2(why.isEmpty(), qPrintable(why));
            return;
        }
        QVERIFY2(why.contains(problem), qPrintable(why));
        QVERIFY(why.front().isUpper() && why.endsWith(u'.')); // a sentence for a person
    }

    // A roster file is held to the same rule: the row is refused with the rule's own words.
    void rosterUsesTheMemberNameRule()
    {
        const RosterFile file = parseRoster(u"name,tier\n\"ali\u0007ce\",basic\n\"\",basic\n%1,basic\nbob,basic\n"_s
                                                .arg(QString(101, u'x')),
                                            defaultTiers());
        QVERIFY2(file.error.isEmpty(), qPrintable(file.error));
        QCOMPARE(file.rows.size(), 4);
        QCOMPARE(file.rows.at(0).error, u"A member's name cannot contain control characters."_s);
        QCOMPARE(file.rows.at(1).error, u"A member needs a name."_s);
        QCOMPARE(file.rows.at(2).error, u"A member's name can have at most 100 characters."_s);
        QVERIFY(file.rows.at(3).error.isEmpty());
    }

    void csvFieldQuoting_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("field");
        QTest::newRow("plain") << u"alice"_s << u"alice"_s;
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("comma") << u"Smith, Ann"_s << u"\"Smith, Ann\""_s;
        // A spreadsheet whose locale separates lists with ';' would split this field in two.
        QTest::newRow("semicolon") << u"ops;ml"_s << u"\"ops;ml\""_s;
        QTest::newRow("only a semicolon") << u";"_s << u"\";\""_s;
        QTest::newRow("quote") << u"say \"hi\""_s << u"\"say \"\"hi\"\"\""_s;
        QTest::newRow("semicolon and quote") << u"a;\"b\""_s << u"\"a;\"\"b\"\"\""_s;
        QTest::newRow("line feed") << u"a\nb"_s << u"\"a\nb\""_s;
        QTest::newRow("carriage return") << u"a\rb"_s << u"\"a\rb\""_s;
        QTest::newRow("formula with semicolon") << u"=SUM(A1;A2)"_s << u"\"'=SUM(A1;A2)\""_s;
    }
    void csvFieldQuoting()
    {
        QFETCH(QString, text);
        QFETCH(QString, field);
        QCOMPARE(csvField(text, true), field);
        // Read back, each field is one field again, as it was.
        const CsvParse p = parseCsv(QString(csvField(text, true) + u",next\n"_s));
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        QCOMPARE(p.records.size(), 1);
        QCOMPARE(p.records.at(0).fields.size(), 2);
        QCOMPARE(csvUndefuse(p.records.at(0).fields.at(0)), text);
    }
};

QTEST_APPLESS_MAIN(TestDomain)
#include "tst_domain.moc"
