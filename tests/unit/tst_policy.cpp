// Budget and model policy, data-driven: the seed's semantics, made strict where it was lax.
#include "Team.h"
#include "KeyRequests.h"

#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void budgetPeriods()
    {
        // OpenRouter's intervals: UTC days, Monday-to-Sunday weeks, calendar months.
        const QDate sunday(2026, 11, 29), monday(2026, 11, 30);
        QCOMPARE(budgetPeriodStart(LimitReset::Weekly, sunday), QDate(2026, 11, 23));
        QCOMPARE(budgetPeriodStart(LimitReset::Weekly, monday), monday);
        QCOMPARE(nextBudgetReset(LimitReset::Weekly, sunday), monday);
        QCOMPARE(budgetPeriodStart(LimitReset::Monthly, monday), QDate(2026, 11, 1));
        QCOMPARE(nextBudgetReset(LimitReset::Monthly, monday), QDate(2026, 12, 1));
        QCOMPARE(nextBudgetReset(LimitReset::Monthly, QDate(2026, 12, 31)), QDate(2027, 1, 1));
        QCOMPARE(budgetPeriodStart(LimitReset::Daily, monday), monday);
        QCOMPARE(nextBudgetReset(LimitReset::Daily, monday), monday.addDays(1));

        QCOMPARE(budgetText(Budget{30.0, LimitReset::Weekly}), u"$30.00 a week"_s);
        QCOMPARE(dailyShare(Budget{35.0, LimitReset::Weekly}), 5.0);
        QCOMPARE(PeriodSpend({1.0, 2.0, 3.0}).in(LimitReset::Monthly).value(), 3.0);

        // Typed budgets: the one rule for the tier editor, the member form and orteam-cli.
        QCOMPARE(parseBudget(u"40"_s, u"Weekly"_s).budget, std::optional(Budget{40.0, LimitReset::Weekly}));
        QCOMPARE(parseBudget(u"$5"_s, QString()).budget, std::optional(Budget{5.0, LimitReset::Daily}));
        QVERIFY(!parseBudget(u"none"_s, QString()).budget);
        QVERIFY(parseBudget(u"none"_s, QString()).error.isEmpty());
        // A period said beside no budget was meant for an amount: refused, not dropped.
        QVERIFY(!parseBudget(u"none"_s, u"monthly"_s).budget);
        QVERIFY(parseBudget(u"none"_s, u"monthly"_s).error.contains(u"takes no period"_s));
        // A form's period box always shows one: beside "none" it was not said, and is no mistake.
        QVERIFY(!parseBudget(u"none"_s, LimitReset::Monthly).budget && parseBudget(u"none"_s, LimitReset::Monthly).error.isEmpty());
        QCOMPARE(parseBudget(u"$7"_s, LimitReset::Weekly).budget, std::optional(Budget{7.0, LimitReset::Weekly}));
        QVERIFY(!parseBudget(u"-3"_s, LimitReset::Weekly).budget && !parseBudget(u"-3"_s, LimitReset::Weekly).error.isEmpty());
        // A member's own: nothing typed is their tier's, "none" is refused, an amount is theirs.
        QVERIFY(!parseMemberBudget(u"  "_s, QString()).budget && parseMemberBudget(u"  "_s, QString()).error.isEmpty());
        QVERIFY(parseMemberBudget(u"none"_s, QString()).error.contains(u"needs an amount"_s));
        QCOMPARE(parseMemberBudget(u"40"_s, u"weekly"_s).budget, std::optional(Budget{40.0, LimitReset::Weekly}));
        QVERIFY(parseBudget(u"40"_s, u"fortnightly"_s).error.contains(u"daily, weekly or monthly"_s));
        QVERIFY(!parseBudget(u"-3"_s, u"weekly"_s).error.isEmpty());
        QVERIFY(!budgetProblem(Budget{5.0, LimitReset::None}).isEmpty());
        QVERIFY(budgetProblem(std::nullopt).isEmpty());
    }

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
        QCOMPARE(withinBudget(opt(spent), opt(limit)), allowed);
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
        QCOMPARE(effectiveBudget(m, tiers)->usd, 5.0);
        m.budgetOverride = Budget{12.0};
        QCOMPARE(effectiveBudget(m, tiers)->usd, 12.0);
        m = {u"carol"_s, {}, u"enterprise"_s, std::nullopt, true, {}};
        QVERIFY(!effectiveBudget(m, tiers));
        m.tier = u"unknown"_s;
        QVERIFY(!effectiveBudget(m, tiers));
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
