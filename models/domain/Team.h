#pragma once

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "ApiKey.h"

#include <optional>

namespace orteam {

// A budget in USD per UTC day, Monday-to-Sunday UTC week or calendar month (UTC): OpenRouter's
// own reset intervals (a guardrail's reset_interval, a key's limit_reset), so that what a
// guardrail enforces and what orteam checks locally are the same budget.
struct Budget
{
    double usd = 0;
    LimitReset period = LimitReset::Daily; // Daily, Weekly or Monthly; never None

    friend bool operator==(const Budget &, const Budget &) = default;
};

// The first day of the budget period `today` falls in: today, the week's Monday, the month's 1st.
QDate budgetPeriodStart(LimitReset period, const QDate &today);
// The first day of the next period: when a budget spent up is whole again (at 00:00 UTC).
QDate nextBudgetReset(LimitReset period, const QDate &today);
// "day", "week", "month": the period as a person names it.
QString budgetPeriodNoun(LimitReset period);
// "today", "this week", "this month".
QString budgetPeriodCurrent(LimitReset period);
// "daily", "weekly", "monthly".
QString budgetPeriodAdjective(LimitReset period);
// "$5.00 a day", "$30.00 a week", "$100.00 a month".
QString budgetText(const Budget &budget);
// The budget's share of one day (a week's seventh, a month's 1/30.44): to draw a budget line over
// a range of days or compare members whose budgets run over different periods.
double dailyShare(const Budget &budget);
// A budget from what a person typed or a file held: "daily", "weekly", "monthly" (any case);
// nullopt for anything else, so the caller can say why.
std::optional<LimitReset> budgetPeriodFromString(const QString &text);

// The one rule for a budget, wherever one is set (the tier editor, the member form, orteam-cli, a
// roster): empty when acceptable (none is acceptable), else a sentence saying why not.
QString budgetProblem(const std::optional<Budget> &budget);

// What a member spent in each budget period that contains today, so that one read serves every
// member whatever their period. nullopt: no usage recorded in that period (the seed's "no row").
struct PeriodSpend
{
    std::optional<double> today;
    std::optional<double> week;  // Monday to today
    std::optional<double> month; // the 1st to today

    std::optional<double> in(LimitReset period) const;
};

// A tier decides which models a member may use and their default budget.
struct Tier
{
    QString name;
    std::optional<Budget> budget;             // nullopt: no budget
    std::optional<QStringList> allowedModels; // nullopt: every model (unrestricted)
    QString fallbackModel;                    // what a disallowed request becomes; empty: refuse
    QString guardrailId;                      // the OpenRouter guardrail that enforces it, once applied

    bool isUnrestricted() const { return !allowedModels.has_value(); }
    friend bool operator==(const Tier &, const Tier &) = default;
};

// The seed's four tiers with its model lists; the fallback is the last allowed model, as the
// seed's enforce_model_policy downgrades to allowlist[-1].
QList<Tier> defaultTiers();

struct Member
{
    QString name; // unique; the seed's user_id
    QString email;
    QString tier; // empty: no tier yet
    std::optional<Budget> budgetOverride; // their own budget instead of the tier's
    bool active = true;
    QStringList keyHashes;
    // The person's OpenRouter user id (GET /organization/members), once linked: what a guardrail
    // is assigned to so that OpenRouter binds them across every key. Empty: not linked.
    QString userId{};
    // The id of the member's own guardrail ("orteam member: NAME"), once one was made for a
    // limit that differs from their tier's; found by name when this is empty or stale.
    QString guardrailId{};

    bool isLinked() const { return !userId.isEmpty(); }
    friend bool operator==(const Member &, const Member &) = default;
};

inline constexpr int MaxMemberNameLength = 100;

// The one rule for a member's name, wherever a name comes from (the member form, orteam-cli, a
// roster file): empty when the name is acceptable, else a sentence saying why not. The name is
// judged as it is kept, with white space at either end trimmed: it must not be empty, may have at
// most MaxMemberNameLength characters, and may not contain control characters (a tab or line break
// inside it, an escape sequence) or invisible format characters (a right-to-left override).
// Whether another member has the name already is the caller's question.
QString memberNameProblem(const QString &name);

// The name as members are told apart: trimmed and case-folded ("Alice", " alice " and "ALICE"
// are one person's; so are "Émile" and "émile"). The one rule for a name already taken, wherever
// a member is added (a form, orteam-cli, a roster, a bulk save).
QString memberNameKey(const QString &name);

// The one rule for a member's email, wherever it comes from: empty (none) is fine; else it needs
// one @ with something on both sides, and no white space, control characters or list and name
// punctuation (, ; < >): one address. Empty when acceptable, else a sentence saying why not.
QString memberEmailProblem(const QString &email);

// The one rule for an OpenRouter user id typed or imported by hand: not empty, at most 200
// characters, no white space or control characters. Empty when acceptable, else why not.
QString userIdProblem(const QString &userId);

// A tier's name as typed, as tiers are named: trimmed and lower-case ("PRO" is pro), the way a
// roster reads it.
QString tierNameOf(const QString &typed);
// The tier called `name` (as tierNameOf reads it), or null when there is none (names are unique).
const Tier *findTier(const QList<Tier> &tiers, const QString &name);

// The member's budget: their own override, else their tier's default, else none.
std::optional<Budget> effectiveBudget(const Member &member, const QList<Tier> &tiers);

// The seed's check_user_budget, for any period: no usage in the period means allowed; otherwise
// allowed while the period's spend is below the limit. No limit at all means allowed.
bool withinBudget(std::optional<double> spent, std::optional<double> limit);

// The seed's enforce_model_policy, made strict: an unknown tier is refused (never silently
// unrestricted), and a disallowed model without a fallback is refused too.
struct ModelDecision
{
    enum class Outcome { Allowed, Downgraded, Refused };
    Outcome outcome = Outcome::Refused;
    QString model;  // the model to use (Allowed, Downgraded)
    QString reason; // a sentence for a person (Downgraded, Refused)
};
ModelDecision applyModelPolicy(const QList<Tier> &tiers, const QString &tierName, const QString &requestedModel);

// A model a member's keys used over some days (from OpenRouter's per-key activity).
struct ModelUse
{
    QString member;
    QString model;
    QDate firstDay;
    double cost = 0;
    qint64 requests = 0;
};

// One row of the weekly team report, the seed's columns.
struct WeeklyReportRow
{
    QString user;
    double weeklyCost = 0; // rounded to 4 decimal places, as the seed does
    qint64 requests = 0;
    std::optional<double> dailyLimit; // the seed's column: a daily budget's amount; null for any other
    std::optional<Budget> budget;     // the member's budget, whatever its period; null without one
};

} // namespace orteam
