// The pure rules behind the Team page: reading a roster CSV, planning an import, planning the
// guardrails that carry tiers to OpenRouter, and the local daily check with auto-enforce.
#include "Csv.h"
#include "PeriodSpendInput.h"
#include "WhatIf.h"
#include "Enforcement.h"
#include "MemberLink.h"
#include "Roster.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace orteam;

namespace {
Member member(const QString &name, const QString &tier, QStringList keys = {}, bool active = true)
{
    return Member{name, {}, tier, std::nullopt, active, keys};
}
Member linked(const QString &name, const QString &tier, const QString &userId, QStringList keys = {},
              std::optional<double> ownLimit = std::nullopt, bool active = true)
{
    Member m{name, name.toLower() + u"@example.com"_s, tier, ownLimit ? std::optional(Budget{*ownLimit}) : std::nullopt, active, keys};
    m.userId = userId;
    return m;
}
OrgMember user(const QString &id, const QString &email)
{
    return OrgMember{id, email, email.section(u'@', 0, 0), u"Doe"_s, u"org:member"_s};
}
QStringList descriptions(const GuardrailPlan &plan)
{
    QStringList out;
    for (const GuardrailStep &s : plan.steps)
        out << s.description;
    return out;
}
ApiKey key(const QString &hash, const QString &name, bool disabled = false, double daily = 0)
{
    ApiKey k;
    k.hash = hash;
    k.name = name;
    k.disabled = disabled;
    k.usageDaily = daily;
    return k;
}
} // namespace

class TestGovernance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csvReader()
    {
        const CsvParse p = parseCsv(u"\xFEFFname,note\r\n\"Smith, Ann\",\"said \"\"hi\"\"\nthen left\"\n\nbob,\n"_s);
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        QCOMPARE(p.records.size(), 3);
        QCOMPARE(p.records.at(0).fields, (QStringList{u"name"_s, u"note"_s}));
        QCOMPARE(p.records.at(1).fields, (QStringList{u"Smith, Ann"_s, u"said \"hi\"\nthen left"_s}));
        QCOMPARE(p.records.at(2).line, 5); // the quoted line break counts; the blank line is skipped
        QCOMPARE(p.records.at(2).fields, (QStringList{u"bob"_s, QString()}));

        const CsvParse broken = parseCsv(u"name\n\"never closed\nmore\n"_s);
        QVERIFY(broken.error.contains(u"Line 2"_s));
    }

    void csvRoundTripsFormulaDefusing()
    {
        const QString field = csvField(u"=cmd|' /C calc'!A0"_s, true);
        const CsvParse p = parseCsv(field);
        QCOMPARE(csvUndefuse(p.records.at(0).fields.at(0)), u"=cmd|' /C calc'!A0"_s);
    }

    void rosterRowsAreCheckedOneByOne()
    {
        const QString csv = u"Name,Email,Tier,Daily_Limit,Active,Notes\n"
                            "alice,alice@example.com,pro,,yes,lead\n"
                            ",x@example.com,basic,,,\n"           // line 3: empty name
                            "bob,bob-at-example,basic,,,\n"        // line 4: bad email
                            "carol,,platinum,,,\n"                 // line 5: unknown tier
                            "dave,,basic,-3,,\n"                   // line 6: negative limit
                            "erin,,basic,abc,maybe,\n"             // line 7: two problems
                            "alice,,free,,,\n"                     // line 8: duplicate
                            "frank,,basic\n"                       // line 9: short row
                            "gina,,BASIC,12.5,no,\n"_s;           // line 10: fine (tier case-insensitive)
        const RosterFile file = parseRoster(csv, defaultTiers());
        QVERIFY2(file.error.isEmpty(), qPrintable(file.error));
        QCOMPARE(file.rows.size(), 9);
        QCOMPARE(file.rejectedCount(), 7);
        auto errorOn = [&](int line) {
            for (const RosterRow &r : file.rows)
                if (r.line == line)
                    return r.error;
            return u"<no row>"_s;
        };
        QVERIFY(errorOn(2).isEmpty());
        QVERIFY2(errorOn(3).startsWith(u"A member needs a name"_s), qPrintable(errorOn(3)));
        QVERIFY(errorOn(4).contains(u"not an email address"_s));
        QVERIFY(errorOn(5).contains(u"platinum"_s));
        // A member's budget, not a key's credit limit, in one sentence.
        QCOMPARE(errorOn(6), u"Daily limit: the budget cannot be negative."_s);
        QVERIFY2(errorOn(7).startsWith(u"Daily limit: "_s) && errorOn(7).contains(u"; active must be yes or no, not \"maybe\""_s), qPrintable(errorOn(7)));
        QVERIFY(errorOn(8).contains(u"already on line 2"_s));
        QVERIFY(errorOn(9).contains(u"3 fields"_s));
        QVERIFY(errorOn(10).isEmpty());
        const RosterRow &gina = file.rows.last();
        QCOMPARE(gina.tier.value(), u"basic"_s);
        QCOMPARE(gina.dailyLimit.value(), 12.5);
        QCOMPARE(gina.active.value(), false);
    }

    void rosterBudgetPeriods()
    {
        // budget_period gives the own budget its period; without the column a member keeps the
        // period they had, and a new one's budget is daily. A period nobody knows rejects the row.
        QList<Member> current{member(u"ann"_s, u"pro"_s), member(u"bo"_s, u"pro"_s)};
        current[1].budgetOverride = Budget{50.0, LimitReset::Monthly};
        const RosterFile withPeriod = parseRoster(u"name,daily_limit,budget_period\nann,40,Weekly\ncy,9,\ndee,5,hourly\n"_s, defaultTiers());
        QCOMPARE(withPeriod.rejectedCount(), 1);
        QVERIFY2(withPeriod.rows.at(2).error.contains(u"daily, weekly or monthly"_s), qPrintable(withPeriod.rows.at(2).error));
        const RosterPlan plan = planRoster(withPeriod, current, false);
        QCOMPARE(plan.changes.at(0).after.budgetOverride, std::optional(Budget{40.0, LimitReset::Weekly}));
        QVERIFY2(plan.changes.at(0).differences.join(u' ').contains(u"tier default → $40.00 a week"_s),
                 qPrintable(plan.changes.at(0).differences.join(u' ')));
        QCOMPARE(plan.changes.at(1).after.budgetOverride, std::optional(Budget{9.0, LimitReset::Daily})); // cy, new
        const RosterPlan amountOnly = planRoster(parseRoster(u"name,daily_limit\nbo,60\n"_s, defaultTiers()), current, false);
        QCOMPARE(amountOnly.changes.at(0).after.budgetOverride, std::optional(Budget{60.0, LimitReset::Monthly}));
    }

    void whatIfReplaysBudgetsThroughTheirPeriods()
    {
        // Ann's own budget is $10 a week. The window starts on Tuesday, but Monday's $4 is in the
        // week: Tuesday's $5 fits, Wednesday's $3 crosses ($1 in, $2 refused), Thursday is refused
        // whole, and next Monday is a new week. Ben's model is outside his tier.
        const QDate monday(2026, 11, 23);
        WhatIfInput in;
        in.tiers = defaultTiers();
        Tier strict{u"strict"_s, std::nullopt, QStringList{u"openai/gpt-4o-mini"_s}, QString(), {}};
        in.tiers << strict;
        in.members = {member(u"ann"_s, u"pro"_s), member(u"ben"_s, u"strict"_s), member(u"cy"_s, u"basic"_s),
                      member(u"old"_s, u"free"_s, {}, false)};
        in.members[0].budgetOverride = Budget{10.0, LimitReset::Weekly};
        in.from = monday.addDays(1);
        in.to = monday.addDays(7);
        in.dailySpend = {{u"ann"_s, {{monday, 4.0}, {monday.addDays(1), 5.0}, {monday.addDays(2), 3.0}, {monday.addDays(3), 2.0},
                                     {monday.addDays(7), 3.0}}},
                         {u"ben"_s, {{monday.addDays(2), 1.5}}},
                         {u"cy"_s, {{monday.addDays(2), 0.4}}},
                         {u"old"_s, {{monday.addDays(2), 99.0}}}};
        in.modelDays = {ModelDay{u"ben"_s, monday.addDays(2), u"openai/o3"_s, 1.0, 2},
                        ModelDay{u"ben"_s, monday.addDays(2), u"openai/gpt-4o-mini"_s, 0.5, 9},
                        ModelDay{u"cy"_s, monday.addDays(2), u"openai/o3"_s, 0.4, 1}, // basic falls back: downgraded
                        ModelDay{u"old"_s, monday.addDays(2), u"openai/o3"_s, 99.0, 1}};
        const WhatIfResult r = replayHistory(in);
        QCOMPARE(r.membersReplayed, 3); // the offboarded member is not replayed
        QCOMPARE(r.members.size(), 3);
        const WhatIfMember &ann = r.members.at(0);
        QCOMPARE(ann.member, u"ann"_s);
        QCOMPARE(ann.notSpent, 4.0);
        QCOMPARE(ann.refusedDays, (QList<QDate>{monday.addDays(2), monday.addDays(3)}));
        QCOMPARE(ann.spent, 13.0); // Tuesday to next Monday, as it happened
        const WhatIfMember &ben = r.members.at(1);
        QCOMPARE(ben.notSpent, 1.0);
        QCOMPARE(ben.refusedModels, QStringList{u"openai/o3"_s});
        const WhatIfMember &cy = r.members.at(2);
        QCOMPARE(cy.notSpent, 0.0);
        QCOMPARE(cy.downgraded, 0.4);
        QCOMPARE(cy.downgradedModels, QStringList{u"openai/o3"_s});
        QCOMPARE(r.notSpent, 5.0);
        QCOMPARE(r.toJson().value("not_spent_usd"_L1).toDouble(), 5.0);
        QVERIFY2(r.text().contains(u"ann (pro, $10.00 a week (own)"_s) || r.text().contains(u"ann (pro, $10.00 a week)"_s),
                 qPrintable(r.text()));

        // A refused model in the lead-in frees that week's budget: on Monday (before the window)
        // Ben spent $10 on o3, which his tier refuses; with a $10 weekly budget his Wednesday
        // $0.50 of gpt-4o-mini fits, and Monday is not reported.
        WhatIfInput lead = in;
        lead.members = {member(u"ben"_s, u"strict"_s)};
        lead.members[0].budgetOverride = Budget{10.0, LimitReset::Weekly};
        lead.dailySpend = {{u"ben"_s, {{monday, 10.0}, {monday.addDays(2), 0.5}}}};
        lead.modelDays = {ModelDay{u"ben"_s, monday, u"openai/o3"_s, 10.0, 3},
                          ModelDay{u"ben"_s, monday.addDays(2), u"openai/gpt-4o-mini"_s, 0.5, 2}};
        const WhatIfResult freed = replayHistory(lead);
        QVERIFY2(freed.members.isEmpty(), qPrintable(freed.text()));

        // The same history under a generous rule: nobody is refused.
        in.members[0].budgetOverride = Budget{100.0, LimitReset::Weekly};
        in.tiers.last().allowedModels = std::nullopt;
        in.modelDays.removeAt(2);
        const WhatIfResult generous = replayHistory(in);
        QVERIFY(generous.members.isEmpty());
        QVERIFY(generous.text().contains(u"nobody would have been refused"_s));
    }

    void rosterFileProblems_data()
    {
        QTest::addColumn<QString>("csv");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QString() << u"empty"_s;
        QTest::newRow("no name column") << u"email,tier\na@b.c,pro\n"_s << u"no \"name\" column"_s;
        QTest::newRow("duplicate column") << u"name,tier,tier\na,pro,pro\n"_s << u"twice"_s;
        QTest::newRow("open quote") << u"name\n\"a\n"_s << u"never closed"_s;
    }
    void rosterFileProblems()
    {
        QFETCH(QString, csv);
        QFETCH(QString, expected);
        const RosterFile file = parseRoster(csv, defaultTiers());
        QVERIFY2(file.error.contains(expected), qPrintable(file.error));
        QVERIFY(file.rows.isEmpty());
    }

    void rosterPlan()
    {
        const QList<Member> current{member(u"alice"_s, u"basic"_s), member(u"bob"_s, u"pro"_s), member(u"carol"_s, u"free"_s),
                                    member(u"dan"_s, u"free"_s, {}, false)};
        const RosterFile file = parseRoster(u"name,tier,email\nalice,pro,\nbob,pro,\nzoe,basic,zoe@example.com\ndan,free,\n"_s,
                                            defaultTiers());
        const RosterPlan keep = planRoster(file, current, false);
        QCOMPARE(keep.count(RosterChange::Kind::Change), 1);
        QCOMPARE(keep.count(RosterChange::Kind::Unchanged), 2); // bob; dan (inactive, no active column)
        QCOMPARE(keep.count(RosterChange::Kind::Add), 1);
        QCOMPARE(keep.count(RosterChange::Kind::Offboard), 0);
        QCOMPARE(keep.changes.at(0).differences, QStringList{u"tier basic → pro"_s});
        QCOMPARE(keep.changes.at(2).after.email, u"zoe@example.com"_s);

        const RosterPlan whole = planRoster(file, current, true);
        QCOMPARE(whole.count(RosterChange::Kind::Offboard), 1); // carol is not in the file
        QCOMPARE(whole.changes.last().before.name, u"carol"_s);
        QVERIFY(!whole.changes.last().after.active);

        // Importing the same file onto the result changes nothing.
        QList<Member> after;
        for (const RosterChange &c : whole.changes)
            after << c.after;
        QVERIFY(!planRoster(file, after, true).hasWork());

        // A rejected row may be anyone: with one, the whole team's file offboards nobody missing
        // from it, and says why; the rows that read still apply.
        const RosterFile broken = parseRoster(u"name,tier,email\nalice,pro,\nbob,pro,\ncarol\n"_s, defaultTiers());
        QCOMPARE(broken.rejectedCount(), 1);
        const RosterPlan held = planRoster(broken, current, true);
        QCOMPARE(held.count(RosterChange::Kind::Offboard), 0);
        QCOMPARE(held.count(RosterChange::Kind::Change), 1);
        QVERIFY2(held.offboardingHeld.contains(u"while a row is rejected"_s), qPrintable(held.offboardingHeld));
        QVERIFY(planRoster(broken, current, false).offboardingHeld.isEmpty());
        QVERIFY(whole.offboardingHeld.isEmpty());

        // "none" as a member's own budget is refused in a roster as everywhere; empty is the tier's.
        const RosterFile nones = parseRoster(u"name,daily_limit\nalice,none\nbob,\n"_s, defaultTiers());
        QCOMPARE(nones.rejectedCount(), 1);
        QVERIFY2(nones.rows.at(0).error.contains(u"needs an amount"_s), qPrintable(nones.rows.at(0).error));
        QVERIFY(nones.rows.at(1).error.isEmpty() && !nones.rows.at(1).dailyLimit);
        // A name in other letter case is no new member beside the one the team has.
        const RosterPlan cased = planRoster(parseRoster(u"name,tier\nALICE,pro\nbob,pro\n"_s, defaultTiers()), current, true);
        QCOMPARE(cased.count(RosterChange::Kind::Add), 0);
        QCOMPARE(cased.rejected.size(), 1);
        QVERIFY2(cased.rejected.first().error.contains(u"the member alice only in letter case"_s), qPrintable(cased.rejected.first().error));
        QCOMPARE(cased.count(RosterChange::Kind::Offboard), 0); // alice and carol are kept
        // One new person written twice in the file: the second row is refused, the first added.
        const RosterPlan twice = planRoster(parseRoster(u"name,tier\nÉmile,pro\némile,pro\n"_s, defaultTiers()), current, false);
        QCOMPARE(twice.count(RosterChange::Kind::Add), 1);
        QCOMPARE(twice.rejected.size(), 1);
        QVERIFY2(twice.rejected.first().error.contains(u"differs from Émile (line 2) only in letter case"_s),
                 qPrintable(twice.rejected.first().error));
    }

    void guardrailPlanIsIdempotent()
    {
        QList<Tier> tiers = defaultTiers();
        const QList<Member> members{member(u"alice"_s, u"basic"_s, {u"h1"_s, u"h2"_s}), member(u"bob"_s, u"pro"_s, {u"h3"_s}),
                                    member(u"carol"_s, u"basic"_s, {u"gone"_s}), member(u"dan"_s, QString(), {u"h4"_s}),
                                    member(u"erin"_s, u"pro"_s, {u"h5"_s}, false)};
        const QList<ApiKey> keys{key(u"h1"_s, u"alice-laptop"_s), key(u"h2"_s, u"alice-ci"_s), key(u"h3"_s, u"bob"_s),
                                 key(u"h4"_s, u"dan"_s), key(u"h5"_s, u"erin"_s)};
        // bob's key sits on someone else's guardrail: it must move (a key holds one).
        QList<Guardrail> guardrails{Guardrail{u"g-other"_s, u"Finance cap"_s, {}, 10.0, LimitReset::Monthly, std::nullopt, std::nullopt, {}, {}}};
        QList<GuardrailKeyAssignment> assignments{{u"a1"_s, u"g-other"_s, u"h3"_s, u"bob"_s, {}, {}}};

        const GuardrailPlan plan = planGuardrails(tiers, members, keys, guardrails, assignments);
        QStringList kinds;
        for (const GuardrailStep &s : plan.steps)
            kinds << s.description;
        QCOMPARE(plan.steps.size(), 5); // create basic, create pro, unassign bob, assign basic, assign pro
        QCOMPARE(plan.steps.at(0).kind, GuardrailStep::Kind::Create);
        QCOMPARE(plan.steps.at(0).spec.limitUsd.value(), 5.0);
        QCOMPARE(plan.steps.at(0).spec.resetInterval.value(), LimitReset::Daily);
        QCOMPARE(plan.steps.at(0).spec.allowedModels.value().size(), 2);
        QCOMPARE(plan.steps.at(2).kind, GuardrailStep::Kind::Unassign);
        QCOMPARE(plan.steps.at(2).keyHashes, QStringList{u"h3"_s});
        QCOMPARE(plan.steps.at(3).keyHashes, (QStringList{u"h1"_s, u"h2"_s}));
        QCOMPARE(plan.steps.at(3).keyNames, (QStringList{u"alice-laptop"_s, u"alice-ci"_s}));
        QVERIFY(plan.notes.join(u' ').contains(u"dan"_s));  // no tier
        QVERIFY(plan.notes.join(u' ').contains(u"1 linked key"_s)); // carol's key is gone

        // What OpenRouter holds after applying it.
        guardrails << Guardrail{u"g-basic"_s, guardrailNameForTier(u"basic"_s), {}, 5.0, LimitReset::Daily,
                                tiers.at(1).allowedModels, std::nullopt, {}, {}};
        guardrails << Guardrail{u"g-pro"_s, guardrailNameForTier(u"pro"_s), {}, 25.0, LimitReset::Daily,
                                tiers.at(2).allowedModels, std::nullopt, {}, {}};
        assignments = {{u"a2"_s, u"g-basic"_s, u"h1"_s, {}, {}, {}}, {u"a3"_s, u"g-basic"_s, u"h2"_s, {}, {}, {}},
                       {u"a4"_s, u"g-pro"_s, u"h3"_s, {}, {}, {}}};
        QVERIFY2(planGuardrails(tiers, members, keys, guardrails, assignments).isEmpty(), qPrintable(kinds.join(u'\n')));

        // A tier edit becomes one update; a member moving tier becomes one move.
        tiers[1].budget = Budget{7.5};
        QList<Member> moved = members;
        moved[1].tier = u"basic"_s;
        const GuardrailPlan next = planGuardrails(tiers, moved, keys, guardrails, assignments);
        QCOMPARE(next.steps.size(), 3);
        QCOMPARE(next.steps.at(0).kind, GuardrailStep::Kind::Update);
        QVERIFY(next.steps.at(0).description.contains(u"$7.50"_s));
        QCOMPARE(next.steps.at(1).kind, GuardrailStep::Kind::Unassign);
        QCOMPARE(next.steps.at(1).guardrailId, u"g-pro"_s);
        QCOMPARE(next.steps.at(2).guardrailId, u"g-basic"_s);
        QCOMPARE(next.steps.at(2).keyHashes, QStringList{u"h3"_s});
    }

    // Matching members to OpenRouter users by email: case and spaces ignored, existing links kept,
    // every ambiguity a conflict that links nobody, and a second plan after applying is empty.
    void memberLinksByEmail()
    {
        QList<Member> team{Member{u"ana"_s, u" Ana@Example.com"_s, u"pro"_s, std::nullopt, true, {}},
                           Member{u"ben"_s, u"ben@example.com"_s, u"basic"_s, std::nullopt, true, {}},
                           Member{u"bea"_s, u"ben@example.com"_s, u"basic"_s, std::nullopt, true, {}}, // shares ben's email
                           Member{u"cy"_s, QString(), u"free"_s, std::nullopt, true, {}},                // no email
                           Member{u"dee"_s, u"dee@example.com"_s, u"free"_s, std::nullopt, false, {}},  // inactive: still linkable
                           Member{u"eve"_s, u"eve@example.com"_s, u"pro"_s, std::nullopt, true, {}},
                           Member{u"fay"_s, u"fay@example.com"_s, u"pro"_s, std::nullopt, true, {}},
                           linked(u"gus"_s, u"pro"_s, u"user_gone"_s),
                           linked(u"hal"_s, u"pro"_s, u"user_hal"_s)};
        team[8].email = u"hal@old.example"_s; // linked by hand: the email differs, the link stays
        const QList<OrgMember> org{user(u"user_ana"_s, u"ana@example.com"_s), user(u"user_ben"_s, u"ben@example.com"_s),
                                   user(u"user_dee"_s, u"DEE@example.com"_s), user(u"user_eve1"_s, u"eve@example.com"_s),
                                   user(u"user_eve2"_s, u"eve@example.com"_s), user(u"user_hal"_s, u"hal@example.com"_s),
                                   user(u"user_zed"_s, u"zed@example.com"_s)};
        const MemberLinkPlan plan = planMemberLinks(team, org);
        QStringList toLink;
        for (const MemberLink &l : plan.toLink)
            toLink << l.member + u'=' + l.userId;
        QCOMPARE(toLink, (QStringList{u"ana=user_ana"_s, u"dee=user_dee"_s}));
        QCOMPARE(plan.linked.size(), 1);
        QCOMPARE(plan.linked.first().member, u"hal"_s);
        QCOMPARE(plan.gone.size(), 1);
        QCOMPARE(plan.gone.first().userId, u"user_gone"_s);
        QCOMPARE(plan.conflicts.size(), 2);
        QVERIFY(plan.conflicts.at(0).contains(u"ben and bea"_s));
        QVERIFY(plan.conflicts.at(1).contains(u"eve: 2 OpenRouter users"_s));
        QCOMPARE(plan.unmatchedMembers, (QStringList{u"cy"_s, u"fay"_s}));
        QCOMPARE(plan.unmatchedUsers.size(), 1); // zed; ben's and eve's users are in conflicts
        QCOMPARE(plan.unmatchedUsers.first().id, u"user_zed"_s);
        QVERIFY(plan.summary().startsWith(u"2 members to link, 1 already linked"_s));

        // Applied, a second plan has nothing to link; a hand link is checked.
        team[0].userId = u"user_ana"_s;
        team[4].userId = u"user_dee"_s;
        QVERIFY(planMemberLinks(team, org).isEmpty());
        QVERIFY(linkProblem(team, org, u"eve"_s, u"user_eve2"_s).isEmpty());
        QVERIFY(linkProblem(team, org, u"eve"_s, u"user_ana"_s).contains(u"already linked to ana"_s));
        QVERIFY(linkProblem(team, org, u"eve"_s, u"user_nobody"_s).contains(u"no user"_s));
        QVERIFY(linkProblem(team, org, u"nobody"_s, u"user_zed"_s).contains(u"no member"_s));
        QVERIFY(linkProblem(team, org, u"eve"_s, u"user x"_s).contains(u"white space"_s));
        QVERIFY(linkProblem(team, org, u"eve"_s, u"user\r\nX-Evil: 1"_s).contains(u"control"_s));
    }

    // People are bound as well as keys; a member whose limit differs from the tier's gets a
    // guardrail of their own; people who should not be on orteam's guardrails are taken off;
    // an own guardrail no longer needed is deleted; applying and planning again is empty.
    void guardrailPlanBindsPeople()
    {
        const QList<Tier> tiers = defaultTiers(); // basic: $5 a day
        QList<Member> team{linked(u"Ana"_s, u"basic"_s, u"user_ana"_s, {u"h1"_s, u"h2"_s}),
                           linked(u"Ben"_s, u"basic"_s, u"user_ben"_s, {u"h3"_s}, 12.0), // his own $12
                           linked(u"Cat"_s, u"basic"_s, u"user_cat"_s, {}, 5.0),          // the tier's own limit: no guardrail of her own
                           member(u"Dan"_s, u"basic"_s, {u"h4"_s}),                      // not linked: per key only
                           linked(u"Eli"_s, u"basic"_s, u"user_eli"_s, {}, std::nullopt, false), // offboarded
                           member(u"Fox"_s, u"basic"_s, {u"gone"_s})};                           // nothing to bind
        team[5].budgetOverride = Budget{7.0}; // his own limit, but neither a live key nor a person: no guardrail for nothing
        const QList<ApiKey> keys{key(u"h1"_s, u"ana-1"_s), key(u"h2"_s, u"ana-2"_s), key(u"h3"_s, u"ben-1"_s), key(u"h4"_s, u"dan-1"_s)};
        QList<Guardrail> guardrails{
            Guardrail{u"g-pro"_s, guardrailNameForTier(u"pro"_s), {}, 25.0, LimitReset::Daily, tiers.at(2).allowedModels, std::nullopt, {}, {}},
            Guardrail{u"g-fin"_s, u"Finance"_s, {}, 100.0, LimitReset::Monthly, std::nullopt, std::nullopt, {}, {}},
            Guardrail{u"g-old"_s, guardrailNameForMember(u"Zoe"_s), {}, 3.0, LimitReset::Daily, std::nullopt, std::nullopt, {}, {}}};
        QList<GuardrailKeyAssignment> keyAssignments;
        QList<GuardrailMemberAssignment> people{{u"m1"_s, u"g-pro"_s, u"user_ana"_s, {}},  // on the wrong orteam guardrail
                                                {u"m2"_s, u"g-fin"_s, u"user_ana"_s, {}},  // not ours: left alone
                                                {u"m3"_s, u"g-pro"_s, u"user_eli"_s, {}},  // offboarded: taken off
                                                {u"m4"_s, u"g-old"_s, u"user_zoe"_s, {}}}; // the guardrail goes
        const GuardrailPlan plan = planGuardrails(tiers, team, keys, guardrails, keyAssignments, people);
        const QStringList steps = descriptions(plan);
        QCOMPARE(plan.steps.size(), 8);
        QCOMPARE(plan.steps.at(0).kind, GuardrailStep::Kind::Create); // basic
        QCOMPARE(plan.steps.at(0).tier, u"basic"_s);
        QCOMPARE(plan.steps.at(1).kind, GuardrailStep::Kind::Create); // Ben's own
        QCOMPARE(plan.steps.at(1).member, u"Ben"_s);
        QCOMPARE(plan.steps.at(1).spec.name, u"orteam member: Ben"_s);
        QCOMPARE(plan.steps.at(1).spec.limitUsd.value(), 12.0);
        QStringList basicModels = tiers.at(1).allowedModels.value();
        basicModels.sort();
        QCOMPARE(plan.steps.at(1).spec.allowedModels.value(), basicModels); // the tier's models, sorted as sent
        QCOMPARE(plan.steps.at(2).kind, GuardrailStep::Kind::Assign); // Ben's key to his own
        QCOMPARE(plan.steps.at(2).keyHashes, QStringList{u"h3"_s});
        QCOMPARE(plan.steps.at(2).owner(), u"member:Ben"_s);
        QCOMPARE(plan.steps.at(3).kind, GuardrailStep::Kind::Assign); // Ana's and Dan's to basic
        QCOMPARE(plan.steps.at(3).keyHashes, (QStringList{u"h1"_s, u"h2"_s, u"h4"_s}));
        QCOMPARE(plan.steps.at(4).kind, GuardrailStep::Kind::AssignMembers);
        QCOMPARE(plan.steps.at(4).owner(), u"member:Ben"_s);
        QCOMPARE(plan.steps.at(4).userIds, QStringList{u"user_ben"_s});
        QCOMPARE(plan.steps.at(5).kind, GuardrailStep::Kind::AssignMembers);
        QCOMPARE(plan.steps.at(5).owner(), u"tier:basic"_s);
        QCOMPARE(plan.steps.at(5).userIds, (QStringList{u"user_ana"_s, u"user_cat"_s}));
        // People leave the old guardrail only once bound to the new one: never unbound in between.
        QCOMPARE(plan.steps.at(6).kind, GuardrailStep::Kind::UnassignMembers);
        QCOMPARE(plan.steps.at(6).guardrailId, u"g-pro"_s);
        QCOMPARE(plan.steps.at(6).userIds, (QStringList{u"user_ana"_s, u"user_eli"_s}));
        QCOMPARE(plan.steps.at(6).memberNames, (QStringList{u"Ana"_s, u"Eli"_s}));
        QCOMPARE(plan.steps.at(7).kind, GuardrailStep::Kind::Delete);
        QCOMPARE(plan.steps.at(7).guardrailId, u"g-old"_s);
        QVERIFY2(plan.notes.join(u' ').contains(u"bound per key only (the local check covers their budget): Dan, Fox."_s),
                 qPrintable(plan.notes.join(u'\n')));

        // What OpenRouter holds after applying it: nothing left to do.
        guardrails.removeLast();
        guardrails << Guardrail{u"g-basic"_s, guardrailNameForTier(u"basic"_s), {}, 5.0, LimitReset::Daily, tiers.at(1).allowedModels,
                                std::nullopt, {}, {}}
                   << Guardrail{u"g-ben"_s, guardrailNameForMember(u"Ben"_s), {}, 12.0, LimitReset::Daily, tiers.at(1).allowedModels,
                                std::nullopt, {}, {}};
        keyAssignments = {{u"a1"_s, u"g-basic"_s, u"h1"_s, {}, {}, {}}, {u"a2"_s, u"g-basic"_s, u"h2"_s, {}, {}, {}},
                          {u"a3"_s, u"g-ben"_s, u"h3"_s, {}, {}, {}}, {u"a4"_s, u"g-basic"_s, u"h4"_s, {}, {}, {}}};
        people = {{u"m2"_s, u"g-fin"_s, u"user_ana"_s, {}}, {u"m5"_s, u"g-basic"_s, u"user_ana"_s, {}},
                  {u"m6"_s, u"g-basic"_s, u"user_cat"_s, {}}, {u"m7"_s, u"g-ben"_s, u"user_ben"_s, {}}};
        QVERIFY2(planGuardrails(tiers, team, keys, guardrails, keyAssignments, people).isEmpty(), qPrintable(steps.join(u'\n')));

        // Ben's own limit goes back to the tier's: his guardrail is deleted after he and his key move.
        team[1].budgetOverride = std::nullopt;
        const GuardrailPlan back = planGuardrails(tiers, team, keys, guardrails, keyAssignments, people);
        QStringList kinds;
        for (const GuardrailStep &s : back.steps)
            kinds << s.description.section(u' ', 0, 0);
        // A key holds one guardrail: it leaves Ben's before it joins basic, even though Ben's goes next.
        QCOMPARE(kinds, (QStringList{u"Remove"_s, u"Assign"_s, u"Bind"_s, u"Delete"_s}));
        QCOMPARE(back.steps.at(0).guardrailId, u"g-ben"_s);
        QCOMPARE(back.steps.at(1).keyHashes, QStringList{u"h3"_s});
        QCOMPARE(back.steps.at(2).userIds, QStringList{u"user_ben"_s});
        QCOMPARE(back.steps.at(3).guardrailId, u"g-ben"_s);

        // Unlinked, Ana is taken off the tier's guardrail as a person; her keys stay.
        team[0].userId.clear();
        const GuardrailPlan unlinked = planGuardrails(tiers, team, keys, guardrails, keyAssignments, people);
        const auto off = std::find_if(unlinked.steps.cbegin(), unlinked.steps.cend(),
                                      [](const GuardrailStep &s) { return s.kind == GuardrailStep::Kind::UnassignMembers; });
        QVERIFY(off != unlinked.steps.cend());
        QCOMPARE(off->userIds, QStringList{u"user_ana"_s});
        QCOMPARE(off->guardrailId, u"g-basic"_s);
    }

    // A person's guardrail binds every key OpenRouter counts as theirs (the keys they created): an
    // admin who made others' keys is bound per key only, and a member whose tier is gone is left
    // as OpenRouter has them.
    void aPersonIsBoundOnlyWhenTheirKeysAreTheirs()
    {
        const QList<Tier> tiers = defaultTiers();
        QList<Member> team{linked(u"Ada"_s, u"pro"_s, u"user_ada"_s, {u"h1"_s}), linked(u"Bo"_s, u"basic"_s, u"user_bo"_s, {u"h2"_s}),
                           linked(u"Cy"_s, u"gone-tier"_s, u"user_cy"_s, {}, 3.0)};
        QList<ApiKey> keys{key(u"h1"_s, u"ada-1"_s), key(u"h2"_s, u"bo-1"_s), key(u"h3"_s, u"shared-ci"_s)};
        keys[0].creatorUserId = u"user_ada"_s;
        keys[1].creatorUserId = u"user_ada"_s; // Ada (the admin) made Bo's key
        keys[2].creatorUserId = u"user_bo"_s;  // and Bo made a key nobody in orteam has
        const QList<Guardrail> guardrails{
            Guardrail{u"g-cy"_s, guardrailNameForMember(u"Cy"_s), {}, 3.0, LimitReset::Daily, std::nullopt, std::nullopt, {}, {}}};
        const QList<GuardrailMemberAssignment> people{{u"m1"_s, u"g-cy"_s, u"user_cy"_s, {}}};
        const GuardrailPlan plan = planGuardrails(tiers, team, keys, guardrails, {}, people);
        for (const GuardrailStep &s : plan.steps) {
            QVERIFY2(s.userIds.isEmpty(), qPrintable(s.description));           // nobody bound as a person
            QVERIFY2(s.kind != GuardrailStep::Kind::Delete, qPrintable(s.description)); // Cy's own guardrail stays
        }
        const QString notes = plan.notes.join(u'\n');
        QVERIFY2(notes.contains(u"Ada (1 other key made by them: bo-1)"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"Bo (1 other key made by them: shared-ci)"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"The tier of Cy no longer exists"_s), qPrintable(notes));
        // Bo's key his own and the CI key nobody's: both are bound (each tier's people in one step).
        keys[1].creatorUserId = u"user_bo"_s;
        keys[2].creatorUserId.clear();
        const GuardrailPlan mended = planGuardrails(tiers, team, keys, guardrails, {}, people);
        QStringList bound;
        for (const GuardrailStep &s : mended.steps)
            bound << s.memberNames;
        QCOMPARE(bound, (QStringList{u"Bo"_s, u"Ada"_s}));
    }

    void rosterLinksOpenRouterUsers()
    {
        const RosterFile file = parseRoster(u"name,tier,openrouter_user_id\nana,pro,user_ana\nben,pro,\ncat,pro,user_ana\ndan,pro,user d\n"_s,
                                            defaultTiers());
        QCOMPARE(file.rows.size(), 4);
        QCOMPARE(file.rows.at(0).userId.value(), u"user_ana"_s);
        QVERIFY(!file.rows.at(1).userId); // empty: the link stays as it is
        QVERIFY2(file.rows.at(2).error.contains(u"already on line 2"_s), qPrintable(file.rows.at(2).error));
        QVERIFY2(file.rows.at(3).error.contains(u"white space"_s), qPrintable(file.rows.at(3).error));
        QList<Member> current{member(u"ana"_s, u"pro"_s), linked(u"ben"_s, u"pro"_s, u"user_ben"_s)};
        const RosterPlan plan = planRoster(file, current, false);
        QCOMPARE(plan.changes.at(0).kind, RosterChange::Kind::Change);
        QCOMPARE(plan.changes.at(0).differences, QStringList{u"OpenRouter user (none) → user_ana"_s});
        QCOMPARE(plan.changes.at(0).after.userId, u"user_ana"_s);
        QCOMPARE(plan.changes.at(1).kind, RosterChange::Kind::Unchanged);
        QCOMPARE(plan.changes.at(1).after.userId, u"user_ben"_s);
        // Another member's user: that row is refused in the preview (not the whole file at Import).
        const RosterPlan taken = planRoster(parseRoster(u"name,openrouter_user_id\nana,user_ben\n"_s, defaultTiers()), current, false);
        QCOMPARE(taken.rejected.size(), 1);
        QVERIFY2(taken.rejected.first().error.contains(u"linked to ben already"_s), qPrintable(taken.rejected.first().error));
        QVERIFY(taken.changes.isEmpty());
    }

    void aWeeklyBudgetIsAWeeklyGuardrail()
    {
        // The tier's period is the guardrail's reset interval; a period changed is an update.
        Tier pro = defaultTiers().at(2);
        pro.budget = Budget{100.0, LimitReset::Weekly};
        const GuardrailSpec spec = guardrailSpecForTier(pro);
        QCOMPARE(spec.limitUsd, std::optional(100.0));
        QCOMPARE(spec.resetInterval, std::optional(LimitReset::Weekly));
        Member own = member(u"ann"_s, u"pro"_s);
        own.budgetOverride = Budget{300.0, LimitReset::Monthly};
        QVERIFY(needsOwnGuardrail(own, &pro));
        QCOMPARE(guardrailSpecForMember(own, pro).resetInterval, std::optional(LimitReset::Monthly));
        own.budgetOverride = Budget{100.0, LimitReset::Daily}; // the same amount, another period: still their own
        QVERIFY(needsOwnGuardrail(own, &pro));
        own.budgetOverride = pro.budget;
        QVERIFY(!needsOwnGuardrail(own, &pro));

        Guardrail daily;
        daily.id = u"g1"_s;
        daily.name = guardrailNameForTier(u"pro"_s);
        daily.limitUsd = 100.0;
        daily.resetInterval = LimitReset::Daily;
        daily.allowedModels = spec.allowedModels;
        const GuardrailPlan plan = planGuardrails({pro}, {}, {}, {daily}, {}, {});
        QCOMPARE(plan.steps.size(), 1);
        QCOMPARE(plan.steps.at(0).kind, GuardrailStep::Kind::Update);
        QVERIFY2(plan.steps.at(0).description.contains(u"reset daily → weekly"_s), qPrintable(plan.steps.at(0).description));
    }

    void unrestrictedTierClearsTheAllowlist()
    {
        const GuardrailSpec spec = guardrailSpecForTier(defaultTiers().at(3));
        QVERIFY(spec.clearAllowedModels);
        QVERIFY(spec.clearLimit);
        QVERIFY(!spec.allowedModels);
    }

    void dailyCheck()
    {
        const QDate today(2026, 11, 27);
        DailyCheckInput in;
        in.today = today;
        in.tiers = defaultTiers(); // basic: $5 a day
        in.members = {member(u"alice"_s, u"basic"_s, {u"a1"_s, u"a2"_s}), member(u"bob"_s, u"basic"_s, {u"b1"_s}),
                      member(u"carol"_s, u"basic"_s, {u"c1"_s})};
        in.members[2].budgetOverride = Budget{1.0};
        in.spent = test::spentToday({{u"alice"_s, 5.0}, {u"bob"_s, 4.99}, {u"carol"_s, 0.5}});
        in.keys = {key(u"a1"_s, u"a1"_s), key(u"a2"_s, u"a2"_s, true), key(u"b1"_s, u"b1"_s), key(u"c1"_s, u"c1"_s)};

        // Flag only: nothing is disabled.
        DailyCheckResult r = orteam::dailyCheck(in);
        QCOMPARE(r.overBudget.size(), 1);
        QCOMPARE(r.overBudget.at(0).member, u"alice"_s); // at the limit is over (the seed allows below)
        QVERIFY(r.toDisable.isEmpty());

        // Auto-enforce: alice's enabled key only (a2 was disabled by an admin and stays theirs).
        in.autoEnforce = true;
        r = orteam::dailyCheck(in);
        QCOMPARE(r.toDisable.size(), 1);
        QCOMPARE(r.toDisable.at(0).keyHash, u"a1"_s);
        QCOMPARE(r.toDisable.at(0).day, today);

        // Next UTC day, spend reset: a1 comes back; a2 (admin-disabled) never does.
        in.today = today.addDays(1);
        in.spent = test::spentToday({});
        in.keys[0].disabled = true;
        in.enforced = {EnforcedKey{u"a1"_s, u"alice"_s, today}};
        r = orteam::dailyCheck(in);
        QVERIFY(r.overBudget.isEmpty());
        QCOMPARE(r.toEnable.size(), 1);
        QCOMPARE(r.toEnable.at(0).keyHash, u"a1"_s);
        QVERIFY(r.toDisable.isEmpty());

        // Still over the next day (usage from elsewhere): stays disabled.
        in.spent = test::spentToday({{u"alice"_s, 6.0}});
        r = orteam::dailyCheck(in);
        QVERIFY(r.toEnable.isEmpty());
        QVERIFY(r.toDisable.isEmpty()); // a1 is disabled already, a2 is the admin's

        // Same day, an admin enabled a1 again: that override holds today.
        in.today = today;
        in.keys[0].disabled = false;
        in.spent = test::spentToday({{u"alice"_s, 7.0}});
        r = orteam::dailyCheck(in);
        QVERIFY(r.toDisable.isEmpty());

        // A revoked key's record is forgotten.
        in.keys.removeFirst();
        r = orteam::dailyCheck(in);
        QCOMPARE(r.forget, QStringList{u"a1"_s});

        // Inactive members are not flagged.
        in.members[0].active = false;
        r = orteam::dailyCheck(in);
        QVERIFY(r.overBudget.isEmpty());
    }

    void weeklyBudgetHoldsKeysUntilMonday()
    {
        // Wednesday 2026-11-25: Alice's own budget is $20 a week. $4 today is nothing to a day's
        // budget, but with the $17 of Monday and Tuesday she is at $21 this week: over.
        const QDate wednesday(2026, 11, 25);
        DailyCheckInput in;
        in.today = wednesday;
        in.tiers = defaultTiers();
        in.members = {member(u"alice"_s, u"basic"_s, {u"a1"_s}), member(u"bob"_s, u"basic"_s, {u"b1"_s})};
        in.members[0].budgetOverride = Budget{20.0, LimitReset::Weekly};
        in.members[1].budgetOverride = Budget{100.0, LimitReset::Monthly};
        in.spent = {{u"alice"_s, PeriodSpend{4.0, 21.0, 40.0}}, {u"bob"_s, PeriodSpend{4.9, 60.0, 99.0}}};
        in.keys = {key(u"a1"_s, u"a1"_s), key(u"b1"_s, u"b1"_s)};
        in.autoEnforce = true;
        DailyCheckResult r = orteam::dailyCheck(in);
        QCOMPARE(r.overBudget.size(), 1); // bob: $99 of $100 this month, under; $4.90 today is not judged
        QCOMPARE(r.overBudget.at(0).member, u"alice"_s);
        QCOMPARE(r.overBudget.at(0).spent, 21.0);
        QCOMPARE(r.overBudget.at(0).period, LimitReset::Weekly);
        QCOMPARE(r.toDisable.size(), 1);
        QCOMPARE(r.toDisable.at(0).keyHash, u"a1"_s);

        // Thursday: a new day, the same week: nothing comes back.
        in.today = wednesday.addDays(1);
        in.keys[0].disabled = true;
        in.enforced = {EnforcedKey{u"a1"_s, u"alice"_s, wednesday}};
        in.spent = {{u"alice"_s, PeriodSpend{std::nullopt, 21.0, 40.0}}};
        r = orteam::dailyCheck(in);
        QVERIFY(r.toEnable.isEmpty());
        QVERIFY(r.forget.isEmpty());

        // An admin enables it on Friday: that holds for the rest of the week...
        in.today = wednesday.addDays(2);
        in.keys[0].disabled = false;
        r = orteam::dailyCheck(in);
        QVERIFY(r.toDisable.isEmpty());
        QVERIFY(r.forget.isEmpty());

        // ...and is forgotten on Monday, when the week's spend starts again: nothing to disable.
        in.today = QDate(2026, 11, 30);
        in.spent = {{u"alice"_s, PeriodSpend{1.0, 1.0, 41.0}}};
        r = orteam::dailyCheck(in);
        QCOMPARE(r.forget, QStringList{u"a1"_s});
        QVERIFY(r.overBudget.isEmpty());

        // Disabled over the weekend and still disabled Monday morning: Monday gives it back.
        in.keys[0].disabled = true;
        in.enforced = {EnforcedKey{u"a1"_s, u"alice"_s, QDate(2026, 11, 28)}};
        r = orteam::dailyCheck(in);
        QCOMPARE(r.toEnable.size(), 1);
    }

    void switchingEnforcementOffGivesKeysBack()
    {
        DailyCheckInput in;
        in.today = QDate(2026, 11, 28);
        in.tiers = defaultTiers();
        in.members = {member(u"alice"_s, u"basic"_s, {u"a1"_s})};
        in.spent = test::spentToday({{u"alice"_s, 9.0}});
        in.keys = {key(u"a1"_s, u"a1"_s, true)};
        in.enforced = {EnforcedKey{u"a1"_s, u"alice"_s, QDate(2026, 11, 27)}};
        const DailyCheckResult r = orteam::dailyCheck(in);
        QCOMPARE(r.toEnable.size(), 1);
        QCOMPARE(r.overBudget.size(), 1);
    }
};

QTEST_APPLESS_MAIN(TestGovernance)
#include "tst_governance.moc"
