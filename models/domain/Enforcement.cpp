#include "Counted.h"
#include "Enforcement.h"

#include "Money.h"

#include <QMap>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
const QString TierGuardrailPrefix = u"orteam tier: "_s;

std::optional<QStringList> sortedModels(const std::optional<QStringList> &models)
{
    if (!models)
        return std::nullopt;
    QStringList sorted = *models;
    sorted.sort();
    sorted.removeDuplicates();
    return sorted;
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

GuardrailSpec guardrailSpecForTier(const Tier &tier)
{
    GuardrailSpec spec;
    spec.name = guardrailNameForTier(tier.name);
    spec.description = u"Managed by orteam: the %1 tier's daily budget and models. Edit the tier in orteam, not here."_s.arg(tier.name);
    spec.limitUsd = tier.defaultDailyLimit;
    spec.clearLimit = !tier.defaultDailyLimit.has_value();
    spec.resetInterval = tier.defaultDailyLimit ? LimitReset::Daily : LimitReset::None;
    spec.allowedModels = sortedModels(tier.allowedModels);
    spec.clearAllowedModels = tier.isUnrestricted();
    return spec;
}

GuardrailPlan planGuardrails(const QList<Tier> &tiers, const QList<Member> &members, const QList<ApiKey> &keys,
                             const QList<Guardrail> &guardrails, const QList<GuardrailKeyAssignment> &assignments)
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
    QHash<QString, QString> assignedTo; // key hash → guardrail id
    for (const GuardrailKeyAssignment &a : assignments)
        assignedTo.insert(a.keyHash, a.guardrailId);

    // Which live keys each tier should hold, in a stable order for a stable preview.
    QMap<QString, QStringList> wantedKeys; // tier → key hashes
    QStringList withoutTier;
    int missingKeys = 0;
    for (const Member &m : members) {
        if (!m.active)
            continue;
        if (m.tier.isEmpty()) {
            if (!m.keyHashes.isEmpty())
                withoutTier << m.name;
            continue;
        }
        for (const QString &hash : m.keyHashes) {
            if (keyByHash.contains(hash))
                wantedKeys[m.tier] << hash;
            else
                ++missingKeys;
        }
    }
    if (!withoutTier.isEmpty())
        plan.notes << u"No tier, so no guardrail: %1."_s.arg(withoutTier.join(u", "_s));
    if (missingKeys > 0)
        plan.notes << (missingKeys == 1 ? u"1 linked key is no longer on OpenRouter and is skipped."_s
                                           : u"%1 linked keys are no longer on OpenRouter and are skipped."_s.arg(missingKeys));

    QHash<QString, QString> guardrailOfTier; // tier → id of the guardrail that holds it ("" until created)
    for (const Tier &tier : tiers) {
        const Guardrail *g = nullptr;
        if (!tier.guardrailId.isEmpty())
            g = guardrailById.value(tier.guardrailId);
        if (!g)
            g = guardrailByName.value(guardrailNameForTier(tier.name));
        const bool needed = wantedKeys.contains(tier.name) || g;
        if (!needed)
            continue;
        const GuardrailSpec spec = guardrailSpecForTier(tier);
        const QString limit = tier.defaultDailyLimit ? formatUsd(*tier.defaultDailyLimit) + u" a day"_s : u"no limit"_s;
        const QString models = tier.isUnrestricted() ? u"every model"_s : counted(spec.allowedModels->size(), u"model"_s, u"models"_s);
        if (!g) {
            GuardrailStep step;
            step.kind = GuardrailStep::Kind::Create;
            step.tier = tier.name;
            step.guardrailName = spec.name;
            step.spec = spec;
            step.description = u"Create guardrail \"%1\": %2, %3."_s.arg(spec.name, limit, models);
            plan.steps << step;
            guardrailOfTier.insert(tier.name, QString());
            continue;
        }
        guardrailOfTier.insert(tier.name, g->id);
        QStringList differences;
        if (g->name != spec.name)
            differences << u"name"_s;
        if (g->limitUsd != spec.limitUsd)
            differences << u"limit %1 → %2"_s.arg(g->limitUsd ? formatUsd(*g->limitUsd) : u"none"_s, limit);
        if (g->resetInterval != spec.resetInterval.value_or(LimitReset::None))
            differences << u"reset"_s;
        if (sortedModels(g->allowedModels) != spec.allowedModels)
            differences << u"models → %1"_s.arg(models);
        if (!differences.isEmpty()) {
            GuardrailStep step;
            step.kind = GuardrailStep::Kind::Update;
            step.tier = tier.name;
            step.guardrailId = g->id;
            step.guardrailName = spec.name;
            step.spec = spec;
            step.description = u"Update guardrail \"%1\": %2."_s.arg(spec.name, differences.join(u", "_s));
            plan.steps << step;
        }
    }

    // Moves first (a key holds one guardrail), grouped per guardrail so each is one request.
    QMap<QString, QStringList> unassign; // guardrail id → keys
    QMap<QString, QStringList> assign;   // tier → keys
    for (auto it = wantedKeys.cbegin(); it != wantedKeys.cend(); ++it) {
        if (!guardrailOfTier.contains(it.key())) {
            plan.notes << u"The tier \"%1\" no longer exists; its members' keys are skipped."_s.arg(it.key());
            continue;
        }
        const QString target = guardrailOfTier.value(it.key());
        for (const QString &hash : it.value()) {
            const QString current = assignedTo.value(hash);
            if (!target.isEmpty() && current == target)
                continue;
            if (!current.isEmpty())
                unassign[current] << hash;
            assign[it.key()] << hash;
        }
    }
    auto names = [&](const QStringList &hashes) {
        QStringList out;
        for (const QString &h : hashes) {
            const ApiKey *k = keyByHash.value(h);
            out << (k && !k->name.isEmpty() ? k->name : h.left(12));
        }
        return out;
    };
    for (auto it = unassign.cbegin(); it != unassign.cend(); ++it) {
        const Guardrail *g = guardrailById.value(it.key());
        GuardrailStep step;
        step.kind = GuardrailStep::Kind::Unassign;
        step.guardrailId = it.key();
        step.guardrailName = g ? g->name : it.key();
        step.keyHashes = it.value();
        step.keyNames = names(it.value());
        step.description = u"Remove %1 from \"%2\": %3."_s.arg(counted(it.value().size(), u"key"_s, u"keys"_s), step.guardrailName,
                                                                step.keyNames.join(u", "_s));
        plan.steps << step;
    }
    for (auto it = assign.cbegin(); it != assign.cend(); ++it) {
        GuardrailStep step;
        step.kind = GuardrailStep::Kind::Assign;
        step.tier = it.key();
        step.guardrailId = guardrailOfTier.value(it.key());
        step.guardrailName = guardrailNameForTier(it.key());
        step.keyHashes = it.value();
        step.keyNames = names(it.value());
        step.description = u"Assign %1 to \"%2\": %3."_s.arg(counted(it.value().size(), u"key"_s, u"keys"_s), step.guardrailName,
                                                               step.keyNames.join(u", "_s));
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
    QSet<QString> overMembers;
    for (const Member &m : input.members) {
        if (!m.active)
            continue;
        const auto limit = effectiveDailyLimit(m, input.tiers);
        const auto spent = input.spentToday.constFind(m.name);
        const std::optional<double> spentToday = spent != input.spentToday.cend() ? std::optional<double>(*spent) : std::nullopt;
        if (withinDailyBudget(spentToday, limit))
            continue;
        result.overBudget << OverBudget{m.name, *spentToday, *limit};
        overMembers.insert(m.name);
    }
    std::sort(result.overBudget.begin(), result.overBudget.end(),
              [](const OverBudget &a, const OverBudget &b) { return a.spent / std::max(a.limit, 1e-9) > b.spent / std::max(b.limit, 1e-9); });

    QHash<QString, EnforcedKey> enforced;
    for (const EnforcedKey &e : input.enforced)
        enforced.insert(e.keyHash, e);

    for (const EnforcedKey &e : input.enforced) {
        const ApiKey *k = keyByHash.value(e.keyHash);
        if (!k) {
            result.forget << e.keyHash; // revoked meanwhile
        } else if (!k->disabled) {
            // Enabled again by a person. Today that is their override; from tomorrow we forget it.
            if (e.day < input.today)
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
            if (enforced.contains(hash) && enforced.value(hash).day == input.today)
                continue; // we disabled it today and an admin enabled it: respect that
            result.toDisable << EnforcedKey{hash, m.name, input.today};
        }
    }
    return result;
}

} // namespace orteam
