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

// What a tier's guardrail should say: the tier's default daily limit, reset daily, its allowlist
// (null: every model). A member's own daily override cannot be expressed per key in a guardrail;
// the local check enforces it.
GuardrailSpec guardrailSpecForTier(const Tier &tier);

struct GuardrailStep
{
    enum class Kind { Create, Update, Assign, Unassign };
    Kind kind = Kind::Create;
    QString tier;        // the tier concerned (Create, Update, Assign)
    QString guardrailId; // known for Update, Unassign, and Assign to an existing guardrail
    QString guardrailName;
    GuardrailSpec spec;  // Create, Update
    QStringList keyHashes; // Assign, Unassign
    QStringList keyNames;  // for a person
    QString description;   // one line for the preview
};

struct GuardrailPlan
{
    QList<GuardrailStep> steps;
    QStringList notes; // what will not be done and why (a member without tier, keys not on the server, …)
    bool isEmpty() const { return steps.isEmpty(); }
};

// The changes that make OpenRouter match the tiers: one guardrail per tier that has members or
// a guardrail already, every active member's live keys assigned to their tier's guardrail. Keys
// of inactive members, and keys on guardrails we did not make, are left alone unless they must
// move (a key holds one guardrail). Applying the plan and planning again yields an empty plan.
GuardrailPlan planGuardrails(const QList<Tier> &tiers, const QList<Member> &members, const QList<ApiKey> &keys,
                             const QList<Guardrail> &guardrails, const QList<GuardrailKeyAssignment> &assignments);

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
    QHash<QString, double> spentToday; // member → USD today
    QList<ApiKey> keys;               // as the server has them now
    QList<EnforcedKey> enforced;      // what the check disabled before
    bool autoEnforce = false;
};

struct OverBudget
{
    QString member;
    double spent = 0;
    double limit = 0;
};

struct DailyCheckResult
{
    QList<OverBudget> overBudget;       // flagged whether or not enforcement is on
    QList<EnforcedKey> toDisable;       // auto-enforce: enabled keys of members over budget
    QList<EnforcedKey> toEnable;        // auto-enforce: keys it disabled on an earlier UTC day
    QStringList forget;                 // records to drop without action (key gone, or enabled by hand)
};

// Over budget means spent ≥ limit (the seed allows spend below the limit). A key an admin
// disabled is never in `enforced`, so it is never enabled here; a key the check disabled today
// and an admin enabled again stays enabled today (the admin overrode it).
DailyCheckResult dailyCheck(const DailyCheckInput &input);

} // namespace orteam
