#include "Counted.h"
#include "Enforcement.h"

#include "Money.h"

#include <QMap>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
const QString TierGuardrailPrefix = u"orteam tier: "_s;
const QString MemberGuardrailPrefix = u"orteam member: "_s;

std::optional<QStringList> sortedModels(const std::optional<QStringList> &models)
{
    if (!models)
        return std::nullopt;
    QStringList sorted = *models;
    sorted.sort();
    sorted.removeDuplicates();
    return sorted;
}

QString limitText(const GuardrailSpec &spec)
{
    if (!spec.limitUsd)
        return u"no limit"_s;
    return budgetText(Budget{*spec.limitUsd, spec.resetInterval.value_or(LimitReset::Daily)});
}

QString resetText(LimitReset reset)
{
    return reset == LimitReset::None ? u"none"_s : budgetPeriodAdjective(reset);
}

QString modelsText(const GuardrailSpec &spec)
{
    return spec.allowedModels ? counted(spec.allowedModels->size(), u"model"_s, u"models"_s) : u"every model"_s;
}

// One guardrail we want (a tier's or a member's) against the one OpenRouter has, if any: a
// Create, an Update naming what differs, or nothing.
std::optional<GuardrailStep> guardrailChange(const GuardrailSpec &spec, const Guardrail *g)
{
    GuardrailStep step;
    step.guardrailName = spec.name;
    step.spec = spec;
    if (!g) {
        step.kind = GuardrailStep::Kind::Create;
        step.description = u"Create guardrail \"%1\": %2, %3."_s.arg(spec.name, limitText(spec), modelsText(spec));
        return step;
    }
    QStringList differences;
    if (g->name != spec.name)
        differences << u"name"_s;
    if (g->limitUsd != spec.limitUsd)
        differences << u"limit %1 → %2"_s.arg(g->limitUsd ? formatUsd(*g->limitUsd) : u"none"_s, limitText(spec));
    if (g->resetInterval != spec.resetInterval.value_or(LimitReset::None))
        differences << u"reset %1 → %2"_s.arg(resetText(g->resetInterval), resetText(spec.resetInterval.value_or(LimitReset::None)));
    if (sortedModels(g->allowedModels) != spec.allowedModels)
        differences << u"models → %1"_s.arg(modelsText(spec));
    if (differences.isEmpty())
        return std::nullopt;
    step.kind = GuardrailStep::Kind::Update;
    step.guardrailId = g->id;
    step.description = u"Update guardrail \"%1\": %2."_s.arg(spec.name, differences.join(u", "_s));
    return step;
}
} // namespace

QString guardrailNameForTier(const QString &tier)
{
    return TierGuardrailPrefix + tier;
}

bool isTierGuardrailName(const QString &name)
{
    return name.startsWith(TierGuardrailPrefix);
}

QString guardrailNameForMember(const QString &member)
{
    return MemberGuardrailPrefix + member;
}

bool isMemberGuardrailName(const QString &name)
{
    return name.startsWith(MemberGuardrailPrefix);
}

GuardrailSpec guardrailSpecForTier(const Tier &tier)
{
    GuardrailSpec spec;
    spec.name = guardrailNameForTier(tier.name);
    spec.description = u"Managed by orteam: the %1 tier's budget and models. Edit the tier in orteam, not here."_s.arg(tier.name);
    spec.limitUsd = tier.budget ? std::optional(tier.budget->usd) : std::nullopt;
    spec.clearLimit = !tier.budget.has_value();
    spec.resetInterval = tier.budget ? tier.budget->period : LimitReset::None;
    spec.allowedModels = sortedModels(tier.allowedModels);
    spec.clearAllowedModels = tier.isUnrestricted();
    return spec;
}

GuardrailSpec guardrailSpecForMember(const Member &member, const Tier &tier)
{
    Tier own = tier;
    own.budget = member.budgetOverride;
    GuardrailSpec spec = guardrailSpecForTier(own);
    spec.name = guardrailNameForMember(member.name);
    spec.description = u"Managed by orteam: %1's own budget with the %2 tier's models. Edit the member in orteam, not here."_s.arg(
        member.name, tier.name);
    return spec;
}

bool needsOwnGuardrail(const Member &member, const Tier *tier)
{
    return member.active && tier && member.budgetOverride && member.budgetOverride != tier->budget;
}

GuardrailPlan planGuardrails(const QList<Tier> &tiers, const QList<Member> &members, const QList<ApiKey> &keys,
                             const QList<Guardrail> &guardrails, const QList<GuardrailKeyAssignment> &assignments,
                             const QList<GuardrailMemberAssignment> &memberAssignments)
{
    GuardrailPlan plan;
    QHash<QString, const ApiKey *> keyByHash;
    for (const ApiKey &k : keys)
        keyByHash.insert(k.hash, &k);
    QHash<QString, const Guardrail *> guardrailById;
    QHash<QString, const Guardrail *> guardrailByName;
    for (const Guardrail &g : guardrails) {
        guardrailById.insert(g.id, &g);
        guardrailByName.insert(g.name, &g);
    }
    auto find = [&](const QString &storedId, const QString &name) -> const Guardrail * {
        const Guardrail *g = storedId.isEmpty() ? nullptr : guardrailById.value(storedId);
        return g ? g : guardrailByName.value(name);
    };
    QHash<QString, QString> assignedTo; // key hash → guardrail id
    for (const GuardrailKeyAssignment &a : assignments)
        assignedTo.insert(a.keyHash, a.guardrailId);
    QHash<QString, QStringList> userGuardrails; // user id → guardrail ids (a person may hold several)
    for (const GuardrailMemberAssignment &a : memberAssignments)
        userGuardrails[a.userId] << a.guardrailId;

    // Who goes where: each active member with a tier, to their own guardrail or their tier's. The
    // order is the members' (by name), so the preview is stable.
    QMap<QString, QStringList> wantedKeys;  // owner → key hashes
    QMap<QString, QStringList> wantedUsers; // owner → user ids
    QHash<QString, QString> memberOfUser;   // user id → member name, for a person reading the plan
    QMap<QString, const Member *> ownGuardrails; // member → the member who needs one
    QStringList withoutTier, unknownTier, unlinked, notAsPeople;
    QSet<QString> leaveAlone; // user ids and guardrail ids of members whose tier is gone: not touched
    int missingKeys = 0;
    // A guardrail bound to a person binds every key OpenRouter counts as theirs: the keys they
    // created (creator_user_id). Binding someone who created keys that are others' (an admin who
    // made everyone's keys) would put those under their guardrail too, so such a person is bound
    // per key only, and the notes say why.
    QHash<QString, QStringList> createdBy; // user id → live keys they created
    for (const ApiKey &k : keys) {
        if (!k.creatorUserId.isEmpty())
            createdBy[k.creatorUserId] << k.hash;
    }
    for (const Member &m : members) {
        if (m.isLinked())
            memberOfUser.insert(m.userId, m.name);
        if (!m.active)
            continue;
        if (m.tier.isEmpty()) {
            if (!m.keyHashes.isEmpty() || m.isLinked())
                withoutTier << m.name;
            continue;
        }
        const Tier *tier = findTier(tiers, m.tier);
        if (!tier) {
            // Said, and left as OpenRouter has them: a person's bindings and own guardrail stay.
            unknownTier << m.name;
            if (m.isLinked())
                leaveAlone.insert(m.userId);
            if (const Guardrail *g = find(m.guardrailId, guardrailNameForMember(m.name)))
                leaveAlone.insert(g->id);
            continue;
        }
        QString owner = u"tier:"_s + m.tier;
        // A guardrail of their own only when it would bind something (a person, a live key).
        const bool anyLiveKey = std::any_of(m.keyHashes.cbegin(), m.keyHashes.cend(),
                                            [&](const QString &h) { return keyByHash.contains(h); });
        if (needsOwnGuardrail(m, tier) && (m.isLinked() || anyLiveKey)) {
            owner = u"member:"_s + m.name;
            ownGuardrails.insert(m.name, &m);
        }
        for (const QString &hash : m.keyHashes) {
            if (keyByHash.contains(hash))
                wantedKeys[owner] << hash;
            else
                ++missingKeys;
        }
        if (!m.isLinked()) {
            unlinked << m.name;
            continue;
        }
        QStringList others;
        for (const QString &hash : createdBy.value(m.userId)) {
            if (!m.keyHashes.contains(hash))
                others << keyByHash.value(hash)->name;
        }
        if (others.isEmpty()) {
            wantedUsers[owner] << m.userId;
        } else {
            others.sort();
            notAsPeople << u"%1 (%2 made by them: %3)"_s.arg(m.name, counted(others.size(), u"other key"_s, u"other keys"_s),
                                                            (others.size() > 3 ? others.mid(0, 3) << u"…"_s : others).join(u", "_s));
        }
    }
    if (!withoutTier.isEmpty())
        plan.notes << u"No tier, so no guardrail: %1."_s.arg(withoutTier.join(u", "_s));
    if (!unknownTier.isEmpty())
        plan.notes << u"The tier of %1 no longer exists; skipped."_s.arg(unknownTier.join(u", "_s));
    if (missingKeys > 0)
        plan.notes << (missingKeys == 1 ? u"1 linked key is no longer on OpenRouter and is skipped."_s
                                           : u"%1 linked keys are no longer on OpenRouter and are skipped."_s.arg(missingKeys));
    if (!unlinked.isEmpty())
        plan.notes << u"Not linked to an OpenRouter user, so bound per key only (the local check covers their budget): %1."_s.arg(
            unlinked.join(u", "_s));
    if (!notAsPeople.isEmpty())
        plan.notes << u"Bound per key only, not as a person, because OpenRouter counts keys they created for others as theirs "
                      "(a person's guardrail would bind those too): %1."_s.arg(notAsPeople.join(u"; "_s));

    // The guardrails: each tier's (when someone needs it or it exists), each member's own.
    QHash<QString, QString> guardrailOf; // owner → id ("" until created)
    QSet<QString> ours;                  // ids of every orteam guardrail that exists
    for (const Guardrail &g : guardrails) {
        if (isOrteamGuardrailName(g.name))
            ours.insert(g.id);
    }
    auto plan1 = [&](const QString &owner, const GuardrailSpec &spec, const Guardrail *g, const QString &tier,
                     const QString &member) {
        guardrailOf.insert(owner, g ? g->id : QString());
        if (g)
            ours.insert(g->id);
        if (std::optional<GuardrailStep> step = guardrailChange(spec, g)) {
            step->tier = tier;
            step->member = member;
            plan.steps << *step;
        }
    };
    for (const Tier &tier : tiers) {
        const Guardrail *g = find(tier.guardrailId, guardrailNameForTier(tier.name));
        const QString owner = u"tier:"_s + tier.name;
        if (wantedKeys.contains(owner) || wantedUsers.contains(owner) || g)
            plan1(owner, guardrailSpecForTier(tier), g, tier.name, QString());
    }
    QSet<QString> ownKept; // ids of members' guardrails still wanted
    for (const Member *m : std::as_const(ownGuardrails)) {
        const Guardrail *g = find(m->guardrailId, guardrailNameForMember(m->name));
        if (g)
            ownKept.insert(g->id);
        plan1(u"member:"_s + m->name, guardrailSpecForMember(*m, *findTier(tiers, m->tier)), g, QString(), m->name);
    }
    // Members' own guardrails nobody needs any more go (deleting one releases what it held).
    QList<const Guardrail *> toDelete;
    for (const Guardrail &g : guardrails) {
        if (isMemberGuardrailName(g.name) && !ownKept.contains(g.id) && !leaveAlone.contains(g.id))
            toDelete << &g;
    }
    QSet<QString> deleted;
    for (const Guardrail *g : toDelete)
        deleted.insert(g->id);

    auto ownerName = [](const QString &owner) {
        return owner.startsWith(u"tier:"_s) ? guardrailNameForTier(owner.mid(5)) : guardrailNameForMember(owner.mid(7));
    };
    auto stepFor = [&](GuardrailStep::Kind kind, const QString &owner) {
        GuardrailStep step;
        step.kind = kind;
        if (owner.startsWith(u"tier:"_s))
            step.tier = owner.mid(5);
        else
            step.member = owner.mid(7);
        step.guardrailId = guardrailOf.value(owner);
        step.guardrailName = ownerName(owner);
        return step;
    };
    auto nameOf = [&](const QString &id) {
        const Guardrail *g = guardrailById.value(id);
        return g ? g->name : id;
    };

    // Keys: moves first (a key holds one guardrail), grouped per guardrail so each is one request.
    QMap<QString, QStringList> unassign; // guardrail id → keys
    QMap<QString, QStringList> assign;   // owner → keys
    for (auto it = wantedKeys.cbegin(); it != wantedKeys.cend(); ++it) {
        const QString target = guardrailOf.value(it.key());
        for (const QString &hash : it.value()) {
            const QString current = assignedTo.value(hash);
            if (!target.isEmpty() && current == target)
                continue;
            if (!current.isEmpty())
                unassign[current] << hash; // a key holds one guardrail, even one about to be deleted
            assign[it.key()] << hash;
        }
    }
    // People: off every orteam guardrail that is not theirs (a guardrail about to be deleted lets
    // go by itself), onto theirs.
    QHash<QString, QString> targetOfUser; // user id → owner
    for (auto it = wantedUsers.cbegin(); it != wantedUsers.cend(); ++it) {
        for (const QString &user : it.value())
            targetOfUser.insert(user, it.key());
    }
    QMap<QString, QStringList> unassignUsers; // guardrail id → user ids
    QMap<QString, QStringList> assignUsers;   // owner → user ids
    for (auto it = userGuardrails.cbegin(); it != userGuardrails.cend(); ++it) {
        if (leaveAlone.contains(it.key()))
            continue;
        const QString target = guardrailOf.value(targetOfUser.value(it.key()), u"-"_s);
        for (const QString &id : it.value()) {
            if (ours.contains(id) && id != target && !deleted.contains(id))
                unassignUsers[id] << it.key();
        }
    }
    for (auto it = wantedUsers.cbegin(); it != wantedUsers.cend(); ++it) {
        const QString target = guardrailOf.value(it.key());
        for (const QString &user : it.value()) {
            if (target.isEmpty() || !userGuardrails.value(user).contains(target))
                assignUsers[it.key()] << user;
        }
    }

    auto keyNames = [&](const QStringList &hashes) {
        QStringList out;
        for (const QString &h : hashes) {
            const ApiKey *k = keyByHash.value(h);
            out << (k && !k->name.isEmpty() ? k->name : h.left(12));
        }
        return out;
    };
    auto peopleNames = [&](const QStringList &users) {
        QStringList out;
        for (const QString &u : users)
            out << memberOfUser.value(u, u);
        return out;
    };
    auto offStep = [&](GuardrailStep::Kind kind, const QString &id) {
        GuardrailStep step;
        step.kind = kind;
        step.guardrailId = id;
        step.guardrailName = nameOf(id);
        return step;
    };
    for (auto it = unassign.cbegin(); it != unassign.cend(); ++it) {
        GuardrailStep step = offStep(GuardrailStep::Kind::Unassign, it.key());
        step.keyHashes = it.value();
        step.keyNames = keyNames(it.value());
        step.description = u"Remove %1 from \"%2\": %3."_s.arg(counted(it.value().size(), u"key"_s, u"keys"_s), step.guardrailName,
                                                                step.keyNames.join(u", "_s));
        plan.steps << step;
    }
    for (auto it = assign.cbegin(); it != assign.cend(); ++it) {
        GuardrailStep step = stepFor(GuardrailStep::Kind::Assign, it.key());
        step.keyHashes = it.value();
        step.keyNames = keyNames(it.value());
        step.description = u"Assign %1 to \"%2\": %3."_s.arg(counted(it.value().size(), u"key"_s, u"keys"_s), step.guardrailName,
                                                               step.keyNames.join(u", "_s));
        plan.steps << step;
    }
    for (auto it = assignUsers.cbegin(); it != assignUsers.cend(); ++it) {
        GuardrailStep step = stepFor(GuardrailStep::Kind::AssignMembers, it.key());
        step.userIds = it.value();
        step.memberNames = peopleNames(it.value());
        step.description = u"Bind %1 to \"%2\" across all their keys: %3."_s.arg(
            counted(it.value().size(), u"person"_s, u"people"_s), step.guardrailName, step.memberNames.join(u", "_s));
        plan.steps << step;
    }
    // People are taken off only once bound to their new guardrail: a person may hold several, so a
    // failure between the two leaves them bound twice for a while, never unbound.
    for (auto it = unassignUsers.begin(); it != unassignUsers.end(); ++it)
        it->sort(); // read from a hash: put in one order, so the preview is the same every time
    for (auto it = unassignUsers.cbegin(); it != unassignUsers.cend(); ++it) {
        GuardrailStep step = offStep(GuardrailStep::Kind::UnassignMembers, it.key());
        step.userIds = it.value();
        step.memberNames = peopleNames(it.value());
        step.description = u"Take %1 off \"%2\": %3."_s.arg(counted(it.value().size(), u"person"_s, u"people"_s), step.guardrailName,
                                                             step.memberNames.join(u", "_s));
        plan.steps << step;
    }
    for (const Guardrail *g : toDelete) {
        GuardrailStep step = offStep(GuardrailStep::Kind::Delete, g->id);
        step.member = g->name.mid(MemberGuardrailPrefix.size());
        step.description = u"Delete guardrail \"%1\": no longer needed (the member's limit is the tier's, or they left)."_s.arg(g->name);
        plan.steps << step;
    }
    return plan;
}

DailyCheckResult dailyCheck(const DailyCheckInput &input)
{
    DailyCheckResult result;
    QHash<QString, const ApiKey *> keyByHash;
    for (const ApiKey &k : input.keys)
        keyByHash.insert(k.hash, &k);
    QHash<QString, const Member *> memberByName;
    QSet<QString> overMembers;
    for (const Member &m : input.members) {
        memberByName.insert(m.name, &m);
        if (!m.active)
            continue;
        const auto budget = effectiveBudget(m, input.tiers);
        if (!budget)
            continue;
        const std::optional<double> spent = input.spent.value(m.name).in(budget->period);
        if (withinBudget(spent, budget->usd))
            continue;
        result.overBudget << OverBudget{m.name, *spent, budget->usd, budget->period};
        overMembers.insert(m.name);
    }
    std::sort(result.overBudget.begin(), result.overBudget.end(),
              [](const OverBudget &a, const OverBudget &b) { return a.spent / std::max(a.limit, 1e-9) > b.spent / std::max(b.limit, 1e-9); });

    // A key disabled for a weekly budget on Tuesday belongs to this week's period until Monday: an
    // admin's enable lasts as long, and nothing is enabled again before the period ends.
    auto periodStart = [&](const QString &member) {
        const Member *m = memberByName.value(member);
        const auto budget = m ? effectiveBudget(*m, input.tiers) : std::nullopt;
        return budgetPeriodStart(budget ? budget->period : LimitReset::Daily, input.today);
    };
    QHash<QString, EnforcedKey> enforced;
    for (const EnforcedKey &e : input.enforced)
        enforced.insert(e.keyHash, e);

    for (const EnforcedKey &e : input.enforced) {
        const ApiKey *k = keyByHash.value(e.keyHash);
        const bool earlierPeriod = e.day < periodStart(e.member);
        if (!k) {
            result.forget << e.keyHash; // revoked meanwhile
        } else if (!k->disabled) {
            // Enabled again by a person. That is their override for the period; after it we forget it.
            if (earlierPeriod)
                result.forget << e.keyHash;
        } else if (e.day < input.today && !overMembers.contains(e.member) && input.autoEnforce) {
            result.toEnable << e;
        } else if (e.day < input.today && !input.autoEnforce) {
            // Enforcement was switched off: give back what it took, as a person would expect.
            result.toEnable << e;
        }
    }
    if (!input.autoEnforce)
        return result;
    for (const Member &m : input.members) {
        if (!overMembers.contains(m.name))
            continue;
        for (const QString &hash : m.keyHashes) {
            const ApiKey *k = keyByHash.value(hash);
            if (!k || k->disabled)
                continue;
            if (enforced.contains(hash) && enforced.value(hash).day >= periodStart(m.name))
                continue; // we disabled it in this period and an admin enabled it: respect that
            result.toDisable << EnforcedKey{hash, m.name, input.today};
        }
    }
    return result;
}

} // namespace orteam
