#pragma once

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace orteam {

// A tier decides which models a member may use and their default daily budget (USD).
struct Tier
{
    QString name;
    std::optional<double> defaultDailyLimit; // nullopt: no daily budget
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
    std::optional<double> dailyLimitOverride;
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
// inside it, an escape sequence). Whether another member has the name already is the caller's
// question.
QString memberNameProblem(const QString &name);

// The one rule for a member's email, wherever it comes from: empty (none) is fine; else it needs
// an @ with something on both sides and no white space or control characters. Empty when
// acceptable, else a sentence saying why not.
QString memberEmailProblem(const QString &email);

// The one rule for an OpenRouter user id typed or imported by hand: not empty, at most 200
// characters, no white space or control characters. Empty when acceptable, else why not.
QString userIdProblem(const QString &userId);

// The tier called `name`, or null when there is none (tier names are unique).
const Tier *findTier(const QList<Tier> &tiers, const QString &name);

// The member's daily budget: their own override, else their tier's default, else none.
std::optional<double> effectiveDailyLimit(const Member &member, const QList<Tier> &tiers);

// The seed's check_user_budget: no usage today means allowed; otherwise allowed while today's
// spend is below the limit. No limit at all means allowed.
bool withinDailyBudget(std::optional<double> spentToday, std::optional<double> dailyLimit);

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
    std::optional<double> dailyLimit; // null for spend without a budget
};

} // namespace orteam
