#include "TiersCommands.h"

#include "Await.h"
#include "Context.h"
#include "Counted.h"
#include "GuardrailService.h"
#include "KeyFormatter.h"
#include "KeyRequests.h"
#include "Output.h"
#include "TeamService.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

// ---- tiers list -----------------------------------------------------------------------------------

TiersList::TiersList()
    : Command(Section::Team, {u"tiers"_s, u"list"_s},
              u"The tiers: free, basic, pro, enterprise by default, with the seed's model lists."_s)
{
    m_description = u"Lists the tiers in the team database: each one's default budget (a day's, a week's or a month's), the model a "
                    "disallowed request falls back to, and the models it allows (or all models)."_s;
    m_options << formatOption({u"table"_s, u"json"_s});
}

int TiersList::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    const auto tiers = context.store().team().tiers();
    if (!tiers)
        return context.console().fail(tiers.error());
    if (arguments.value(u"format"_s, u"table"_s) == "json"_L1) {
        QJsonArray array;
        for (const Tier &t : *tiers) {
            QJsonObject row{{"name"_L1, t.name},
                            {"allowed_models"_L1, t.allowedModels ? QJsonValue(QJsonArray::fromStringList(*t.allowedModels))
                                                                  : QJsonValue(QJsonValue::Null)},
                            {"fallback_model"_L1, t.fallbackModel}};
            addBudgetFields(row, t.budget);
            array.append(row);
        }
        context.out() << jsonText(array);
        return Ok;
    }
    QList<QStringList> rows{{u"TIER"_s, u"BUDGET"_s, u"FALLBACK"_s, u"MODELS"_s}};
    for (const Tier &t : *tiers)
        rows << QStringList{t.name, budgetOr(t.budget, u"none"_s), t.fallbackModel.isEmpty() ? u"-"_s : t.fallbackModel,
                            t.allowedModels ? t.allowedModels->join(u", "_s) : u"all models"_s};
    context.out() << KeyFormatter::columns(rows);
    return Ok;
}

// ---- tiers set-budget ------------------------------------------------------------------------------

TiersSetBudget::TiersSetBudget()
    : Command(Section::Team, {u"tiers"_s, u"set-budget"_s},
              u"Sets a tier's budget: an amount a day, a week or a month (or none); tiers apply then pushes it to OpenRouter."_s)
{
    m_description = u"Sets the budget of a tier's members (those without one of their own): USD per UTC day, "
                    "Monday-to-Sunday week or calendar month, or none. The local budget check, alerts and orteam-gateway "
                    "judge it at once; OpenRouter enforces it once tiers apply has updated the tier's guardrail "
                    "(its reset interval is the budget's period). Recorded in the audit log."_s;
    m_arguments << Argument{u"TIER"_s, u"The tier (see tiers list)."_s, {}}
                << Argument{u"USD"_s, u"The amount, or none for no budget."_s, {}};
    m_options << budgetPeriodOption();
    m_examples << Example{u"orteam-cli --db team.db tiers set-budget pro 100 --period weekly"_s,
                          u"The pro tier's members may spend $100 a week each."_s};
}

int TiersSetBudget::execute(Context &context, const Arguments &arguments)
{
    // The amount and period are read before the database is opened, so a typo is said first;
    // without --period the tier keeps its period (a new amount never turns a week into a day).
    const QString period = arguments.value(u"period"_s, QString());
    if (const BudgetParse typed = parseBudget(arguments.at(1), period); !typed.error.isEmpty())
        return context.console().fail(UsageError, typed.error);
    if (const int code = context.openStore())
        return code;
    const auto tiers = context.store().team().tiers();
    if (!tiers)
        return context.console().fail(tiers.error());
    const Tier *found = findTier(*tiers, arguments.at(0));
    if (!found)
        return context.console().fail(NotFound, u"There is no tier \"%1\" (see tiers list)."_s.arg(arguments.at(0)));
    const BudgetParse parsed = parseBudget(arguments.at(1), period, found->budget ? found->budget->period : LimitReset::Daily);
    Tier tier = *found;
    tier.budget = parsed.budget;
    if (const Status saved = TeamService(context.store()).saveTier(tier); !saved)
        return context.console().fail(saved.error());
    context.out() << "The " << tier.name << " tier's budget is now " << budgetOr(tier.budget, u"none"_s)
                  << ". Run tiers apply to make OpenRouter enforce it." << Qt::endl;
    return Ok;
}

// ---- tiers apply --what-if -------------------------------------------------------------------------

int TiersApply::whatIf(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    QString error;
    const std::optional<int> days = parseDays(arguments.value(u"days"_s, u"30"_s), u"days"_s, &error);
    if (!days)
        return console.fail(UsageError, error);
    if (*days < 1 || *days > 3660)
        return console.fail(UsageError, u"--days is between 1 and 3660"_s);
    if (const int code = context.openStore())
        return code;
    const Result<WhatIfResult> replay = replayTiers(context.store(), QDateTime::currentDateTimeUtc().date(), *days);
    if (!replay)
        return console.fail(replay.error());
    if (arguments.value(u"format"_s, u"text"_s) == "json"_L1)
        context.out() << jsonText(replay->toJson());
    else
        context.out() << replay->text() << '\n';
    return Ok;
}

// ---- tiers apply ----------------------------------------------------------------------------------

TiersApply::TiersApply()
    : Command(Section::Team, {u"tiers"_s, u"apply"_s},
              u"Makes OpenRouter enforce the tiers (guardrails), as the dashboard's Apply tiers: prints the changes, "
              "applies them when confirmed; a re-run prints \"nothing to do\"."_s)
{
    m_description = u"Makes OpenRouter enforce the tiers: one guardrail per tier (its budget, reset daily, weekly or monthly, its allowed "
                    "models), and one of their own (\"orteam member: NAME\") for a member whose own budget differs "
                    "from their tier's. Each active member's keys are assigned to their guardrail, and each member "
                    "linked to an OpenRouter user (members match) is bound to it as a person, across every key of "
                    "theirs; people are moved off other orteam guardrails, and offboarded or unlinked ones taken "
                    "off. The changes are printed first, and applied when confirmed (on a terminal, or with --yes); "
                    "each is recorded in the audit log. A failure stops there: run it again to finish. Applying "
                    "again changes nothing."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_options << Option::flag(u"dry-run"_s, u"Only print the changes."_s)
              << Option::flag(u"what-if"_s, u"Apply nothing: replay the stored history against the tiers and budgets "
                                            "as they are now, and print who would have been refused or downgraded, on "
                                            "which days, and the dollars that would not have been spent."_s)
              << Option::value(u"days"_s, u"N"_s, u"With --what-if: the days replayed, up to today (30 when left out; at most 3660)."_s)
              << yesOption() << formatOption({u"text"_s, u"json"_s});
    m_examples << Example{u"orteam-cli tiers apply --dry-run"_s, u"What applying the tiers would change at OpenRouter."_s}
               << Example{u"orteam-cli tiers apply --dry-run --format json"_s,
                          u"The changes as JSON: each step's kind, guardrail, keys and people."_s}
               << Example{u"orteam-cli tiers apply --what-if --days 90 --format json"_s,
                          u"Before tightening a tier: whom the last 90 days would have refused, and how much."_s};
}

namespace {
QString stepKindName(GuardrailStep::Kind kind)
{
    switch (kind) {
    case GuardrailStep::Kind::Create: return u"create"_s;
    case GuardrailStep::Kind::Update: return u"update"_s;
    case GuardrailStep::Kind::Assign: return u"assign_keys"_s;
    case GuardrailStep::Kind::Unassign: return u"unassign_keys"_s;
    case GuardrailStep::Kind::AssignMembers: return u"assign_members"_s;
    case GuardrailStep::Kind::UnassignMembers: return u"unassign_members"_s;
    case GuardrailStep::Kind::Delete: return u"delete"_s;
    }
    return {};
}

QJsonObject planJson(const GuardrailPlan &plan, bool dryRun, int applied)
{
    QJsonArray steps;
    for (const GuardrailStep &s : plan.steps) {
        QJsonObject o{{"kind"_L1, stepKindName(s.kind)},
                      {"guardrail"_L1, s.guardrailName},
                      {"guardrail_id"_L1, s.guardrailId.isEmpty() ? QJsonValue() : QJsonValue(s.guardrailId)},
                      {"description"_L1, s.description}};
        if (!s.tier.isEmpty())
            o.insert("tier"_L1, s.tier);
        if (!s.member.isEmpty())
            o.insert("member"_L1, s.member);
        if (!s.keyHashes.isEmpty()) {
            o.insert("key_hashes"_L1, QJsonArray::fromStringList(s.keyHashes));
            o.insert("key_names"_L1, QJsonArray::fromStringList(s.keyNames));
        }
        if (!s.userIds.isEmpty()) {
            o.insert("member_user_ids"_L1, QJsonArray::fromStringList(s.userIds));
            o.insert("members"_L1, QJsonArray::fromStringList(s.memberNames));
        }
        steps.append(o);
    }
    return QJsonObject{{"steps"_L1, steps}, {"notes"_L1, QJsonArray::fromStringList(plan.notes)},
                       {"dry_run"_L1, dryRun}, {"applied"_L1, applied}};
}
} // namespace

int TiersApply::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (arguments.isSet(u"what-if"_s))
        return whatIf(context, arguments);
    if (arguments.value(u"days"_s))
        return console.fail(UsageError, u"--days is the window of --what-if"_s);
    const bool yes = arguments.isSet(u"yes"_s);
    const bool dryRun = arguments.isSet(u"dry-run"_s);
    const bool json = arguments.value(u"format"_s, u"text"_s) == "json"_L1;
    if (!yes && !dryRun && (json || !console.isInteractive()))
        return console.fail(UsageError, json ? u"--format json needs --yes or --dry-run (it cannot ask)"_s
                                             : u"applying tiers needs confirmation: run it on a terminal, or pass --yes (or --dry-run)"_s);
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    GuardrailService guardrails(context.store(), context.client());
    GuardrailPlan plan;
    FlowError planError;
    std::tie(plan, planError) = waitForAnswer<GuardrailPlan, FlowError>(
        [&](auto answer) { guardrails.plan(std::nullopt, context.callbacks(), answer); });
    if (planError)
        return console.fail(planError);
    QTextStream &out = context.out();
    if (json) {
        if (dryRun || plan.isEmpty()) {
            out << jsonText(planJson(plan, dryRun, 0));
            return Ok;
        }
        const auto [stepsDone, error, warnings] = waitForAnswer<int, FlowError, QStringList>(
            [&](auto answer) { guardrails.apply(plan, context.callbacks(), answer); });
        for (const QString &warning : warnings)
            console.err() << "orteam-cli: warning: " << warning << Qt::endl;
        out << jsonText(planJson(plan, false, stepsDone));
        if (error) {
            console.error(u"stopped after %1 of %2; run tiers apply again to finish."_s.arg(stepsDone).arg(plan.steps.size()));
            return console.fail(error);
        }
        return Ok;
    }
    for (const QString &note : plan.notes)
        out << "note: " << note << "\n";
    if (plan.isEmpty()) {
        out << "OpenRouter already matches the tiers: nothing to do." << Qt::endl;
        return Ok;
    }
    for (const GuardrailStep &step : plan.steps)
        out << "  " << step.description << "\n";
    out.flush();
    const QString changes = counted(plan.steps.size(), u"change"_s, u"changes"_s);
    if (dryRun) {
        out << changes << " would be made (dry run: nothing was changed)." << Qt::endl;
        return Ok;
    }
    if (!yes && !console.confirm(plan.steps.size() == 1 ? u"Apply this change to OpenRouter?"_s
                                                        : u"Apply these %1 changes to OpenRouter?"_s.arg(plan.steps.size())))
        return console.fail(Declined, u"nothing was changed"_s);
    const auto [stepsDone, error, warnings] = waitForAnswer<int, FlowError, QStringList>(
        [&](auto answer) { guardrails.apply(plan, context.callbacks(), answer); });
    for (const QString &warning : warnings)
        console.err() << "orteam-cli: warning: " << warning << Qt::endl;
    if (error) {
        console.error(u"stopped after %1 of %2; run tiers apply again to finish."_s.arg(stepsDone).arg(changes));
        return console.fail(error);
    }
    out << "Applied " << counted(stepsDone, u"change"_s, u"changes"_s) << "." << Qt::endl;
    return Ok;
}

} // namespace orteam::cli
