// Budget and model policy, data-driven: the seed's semantics, made strict where it was lax.
#include "Team.h"

#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void budget_data()
    {
        QTest::addColumn<QVariant>("spent"); // invalid: no usage today
        QTest::addColumn<QVariant>("limit"); // invalid: no limit
        QTest::addColumn<bool>("allowed");
        QTest::newRow("no usage today") << QVariant() << QVariant(5.0) << true;
        QTest::newRow("below the limit") << QVariant(4.99) << QVariant(5.0) << true;
        QTest::newRow("at the limit") << QVariant(5.0) << QVariant(5.0) << false;
        QTest::newRow("over the limit") << QVariant(7.5) << QVariant(5.0) << false;
        QTest::newRow("no limit") << QVariant(1000.0) << QVariant() << true;
        QTest::newRow("zero limit, no usage") << QVariant() << QVariant(0.0) << true;
        QTest::newRow("zero limit, any usage") << QVariant(0.0) << QVariant(0.0) << false;
    }
    void budget()
    {
        QFETCH(QVariant, spent);
        QFETCH(QVariant, limit);
        QFETCH(bool, allowed);
        auto opt = [](const QVariant &v) { return v.isValid() ? std::optional<double>(v.toDouble()) : std::nullopt; };
        QCOMPARE(withinDailyBudget(opt(spent), opt(limit)), allowed);
    }

    void modelPolicy_data()
    {
        QTest::addColumn<QString>("tier");
        QTest::addColumn<QString>("requested");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("model");
        using O = ModelDecision::Outcome;
        QTest::newRow("enterprise passes anything") << u"enterprise"_s << u"openai/o3"_s << int(O::Allowed) << u"openai/o3"_s;
        QTest::newRow("basic allowed") << u"basic"_s << u"openai/gpt-4o-mini"_s << int(O::Allowed) << u"openai/gpt-4o-mini"_s;
        QTest::newRow("basic downgraded") << u"basic"_s << u"openai/gpt-4o"_s << int(O::Downgraded)
                                          << u"meta-llama/llama-3.1-8b-instruct"_s;
        QTest::newRow("pro downgraded to last") << u"pro"_s << u"openai/o3"_s << int(O::Downgraded) << u"anthropic/claude-3.5-sonnet"_s;
        QTest::newRow("free only free") << u"free"_s << u"openai/gpt-4o-mini"_s << int(O::Downgraded)
                                        << u"google/gemma-2-9b-it:free"_s;
        QTest::newRow("unknown tier refused") << u"platinum"_s << u"openai/gpt-4o-mini"_s << int(O::Refused) << QString();
        QTest::newRow("no tier refused") << QString() << u"openai/gpt-4o-mini"_s << int(O::Refused) << QString();
    }
    void modelPolicy()
    {
        QFETCH(QString, tier);
        QFETCH(QString, requested);
        QFETCH(int, outcome);
        QFETCH(QString, model);
        const ModelDecision d = applyModelPolicy(defaultTiers(), tier, requested);
        QCOMPARE(int(d.outcome), outcome);
        QCOMPARE(d.model, model);
        if (d.outcome != ModelDecision::Outcome::Allowed)
            QVERIFY(!d.reason.isEmpty());
    }

    void noFallbackRefuses()
    {
        QList<Tier> tiers = defaultTiers();
        tiers[1].fallbackModel.clear();
        const ModelDecision d = applyModelPolicy(tiers, u"basic"_s, u"openai/gpt-4o"_s);
        QCOMPARE(d.outcome, ModelDecision::Outcome::Refused);
        QVERIFY(d.reason.contains(u"no fallback"_s));
    }

    void effectiveLimit()
    {
        const QList<Tier> tiers = defaultTiers();
        Member m{u"alice"_s, {}, u"basic"_s, std::nullopt, true, {}};
        QCOMPARE(*effectiveDailyLimit(m, tiers), 5.0);
        m.dailyLimitOverride = 12.0;
        QCOMPARE(*effectiveDailyLimit(m, tiers), 12.0);
        m = {u"carol"_s, {}, u"enterprise"_s, std::nullopt, true, {}};
        QVERIFY(!effectiveDailyLimit(m, tiers));
        m.tier = u"unknown"_s;
        QVERIFY(!effectiveDailyLimit(m, tiers));
    }

    void defaultsAreTheSeeds()
    {
        const QList<Tier> tiers = defaultTiers();
        QCOMPARE(tiers.size(), 4);
        QCOMPARE(tiers.at(0).name, u"free"_s);
        QCOMPARE(*tiers.at(2).allowedModels,
                 (QStringList{u"openai/gpt-4o-mini"_s, u"openai/gpt-4o"_s, u"anthropic/claude-3.5-sonnet"_s}));
        QVERIFY(tiers.at(3).isUnrestricted());
    }
};

QTEST_APPLESS_MAIN(TestPolicy)
#include "tst_policy.moc"
