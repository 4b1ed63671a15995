#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "Team.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace orteam {

// ---- Tiers pushed to OpenRouter guardrails ------------------------------------------------------

// The guardrail that holds a tier on OpenRouter's side is found by the id we stored or, if that
// is gone (another admin's database, a restored backup), by this name, so re-runs never create a
// second one.
QString guardrailNameForTier(const QString &tier);
bool isTierGuardrailName(const QString &name);
// A member whose own daily limit differs from their tier's gets a guardrail of their own, found
// the same way (by the id on the member, else by this name).
QString guardrailNameForMember(const QString &member);
bool isMemberGuardrailName(const QString &name);
// One of orteam's by its name (a tier's or a member's own): what the plan and offboarding may take
// people off; anything else is someone else's guardrail and left alone.
inline bool isOrteamGuardrailName(const QString &name)
{
    return isTierGuardrailName(name) || isMemberGuardrailName(name);
}

// What a tier's guardrail should say: the tier's default daily limit, reset daily, its allowlist
// (null: every model).
GuardrailSpec guardrailSpecForTier(const Tier &tier);
// A member's own guardrail: their tier's allowlist with their own daily limit.
GuardrailSpec guardrailSpecForMember(const Member &member, const Tier &tier);
// Whether `member` needs a guardrail of their own: active, in `tier`, with a daily limit of their
// own that differs from the tier's.
bool needsOwnGuardrail(const Member &member, const Tier *tier);

struct GuardrailStep
{
    // Create, Update and Delete concern a guardrail; the others move keys (Assign, Unassign) or
    // people (AssignMembers, UnassignMembers) onto or off one.
    enum class Kind { Create, Update, Assign, Unassign, AssignMembers, UnassignMembers, Delete };
    Kind kind = Kind::Create;
    QString tier;        // a tier's guardrail (Create, Update, Assign, AssignMembers)
    QString member;      // else a member's own guardrail (the same kinds)
    QString guardrailId; // known for Update, Unassign*, Delete, and Assign* to an existing guardrail
    QString guardrailName;
    GuardrailSpec spec;  // Create, Update
    QStringList keyHashes; // Assign, Unassign
    QStringList keyNames;  // for a person
    QStringList userIds;     // AssignMembers, UnassignMembers
    QStringList memberNames; // for a person
    QString description;   // one line for the preview

    // Which guardrail a step made in this run is: "tier:NAME" or "member:NAME". Assign steps to a
    // guardrail created earlier in the same run find its new id by it.
    QString owner() const { return tier.isEmpty() ? QStringLiteral("member:") + member : QStringLiteral("tier:") + tier; }
};

struct GuardrailPlan
{
    QList<GuardrailStep> steps;
    QStringList notes; // what will not be done and why (a member without tier, keys not on the server, …)
    bool isEmpty() const { return steps.isEmpty(); }
};

// The changes that make OpenRouter match the tiers: one guardrail per tier that has members or
// a guardrail already, one of their own for members whose daily limit differs from their tier's;
// every active member's live keys assigned to their guardrail, and every active member linked to
// an OpenRouter user assigned to it as a person (bound across all their keys, including ones they
// make themselves). People and keys are moved off other orteam guardrails; keys of inactive
// members and anything on guardrails we did not make are left alone unless a key must move (a
// key holds one guardrail). People on orteam guardrails who should not be (offboarded, unlinked,
// without a tier) are taken off; a member's own guardrail no longer needed is deleted. Applying
// the plan and planning again yields an empty plan.
GuardrailPlan planGuardrails(const QList<Tier> &tiers, const QList<Member> &members, const QList<ApiKey> &keys,
                             const QList<Guardrail> &guardrails, const QList<GuardrailKeyAssignment> &assignments,
                             const QList<GuardrailMemberAssignment> &memberAssignments = {});

// ---- The local daily check -----------------------------------------------------------------------

// A key the check disabled, remembered so that it (and only it) is enabled again.
struct EnforcedKey
{
    QString keyHash;
    QString member;
    QDate day; // the UTC day it was disabled on
};

struct DailyCheckInput
{
    QDate today; // UTC
    QList<Member> members;
    QList<Tier> tiers;
    QHash<QString, PeriodSpend> spent; // member → USD in each period containing today
    QList<ApiKey> keys;               // as the server has them now
    QList<EnforcedKey> enforced;      // what the check disabled before
    bool autoEnforce = false;
};

struct OverBudget
{
    QString member;
    double spent = 0; // in the budget's current period
    double limit = 0;
    LimitReset period = LimitReset::Daily;
};

struct DailyCheckResult
{
    QList<OverBudget> overBudget;       // flagged whether or not enforcement is on
    QList<EnforcedKey> toDisable;       // auto-enforce: enabled keys of members over budget
    QList<EnforcedKey> toEnable;        // auto-enforce: keys it disabled in an earlier budget period
    QStringList forget;                 // records to drop without action (key gone, or enabled by hand)
};

// Over budget means the spend in the member's budget period (today, this week, this month) ≥ the
// limit (the seed allows spend below the limit). A key stays disabled until the period ends. A key
// an admin disabled is never in `enforced`, so it is never enabled here; a key the check disabled
// in the current period and an admin enabled again stays enabled for that period (the admin
// overrode it).
DailyCheckResult dailyCheck(const DailyCheckInput &input);

} // namespace orteam
