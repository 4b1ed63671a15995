#include "TeamService.h"

#include "Audit.h"
#include "Counted.h"
#include "Money.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QString tierSummary(const Tier &t)
{
    return u"budget %1, %2, fallback %3"_s.arg(t.budget ? budgetText(*t.budget) : u"none"_s,
                                              t.isUnrestricted() ? u"every model"_s : t.allowedModels->join(u" "_s),
                                              t.fallbackModel.isEmpty() ? u"none"_s : t.fallbackModel);
}

QString keysText(qsizetype n)
{
    return counted(int(n), u"key"_s, u"keys"_s);
}

// A key as the audit log names it: "alice-backend (a84bdb1a3ec70eae)", its hash alone without a name.
QString keyText(const QString &keyHash, const QString &keyName)
{
    return u"%1 (%2)"_s.arg(keyName.isEmpty() ? keyHash.left(16) : keyName, keyHash.left(16));
}

QString offboardedGetsNoKey(const QString &name)
{
    return u"%1 is offboarded: a key is linked only to an active member (orteam-cli members reactivate makes them "
           "active again)."_s.arg(name);
}
} // namespace

QString memberAuditSummary(const Member &m)
{
    return u"tier %1, budget %2, %3"_s.arg(m.tier.isEmpty() ? u"(none)"_s : m.tier,
                                           m.budgetOverride ? budgetText(*m.budgetOverride) : u"tier default"_s,
                                           m.active ? u"active"_s : u"inactive"_s);
}

Status TeamService::addMember(const Member &input)
{
    Member m = input;
    m.name = m.name.trimmed();
    m.email = m.email.trimmed();
    m.tier = tierNameOf(m.tier);
    if (const QString problem = memberNameProblem(m.name); !problem.isEmpty())
        return StoreError::invalid(problem);
    if (const QString problem = memberEmailProblem(m.email); !problem.isEmpty())
        return StoreError::invalid(problem);
    if (const QString problem = budgetProblem(m.budgetOverride); !problem.isEmpty())
        return StoreError::invalid(problem);
    // The member, their keys and the audit line are one change: a key that cannot be linked
    // leaves no member behind.
    return m_store.transaction([&]() -> Status {
        if (Status s = m_store.team().addMember(m); !s)
            return s;
        for (const QString &hash : std::as_const(m.keyHashes)) {
            if (Status s = m_store.team().linkKey(m.name, hash); !s)
                return s;
        }
        QString after = memberAuditSummary(m);
        if (!m.keyHashes.isEmpty())
            after += u", "_s + keysText(m.keyHashes.size());
        return m_store.audit().append(auditEntry(AuditAction::MemberAdd, m.name, {}, after));
    });
}

Status TeamService::updateMember(const Member &typed)
{
    Member m = typed;
    m.tier = tierNameOf(m.tier);
    if (const QString problem = budgetProblem(m.budgetOverride); !problem.isEmpty())
        return StoreError::invalid(problem);
    return m_store.transaction([&]() -> Status {
        const Result<Member> before = m_store.team().member(m.name);
        if (!before)
            return before.error();
        // Judged when it changes: an address an older orteam accepted must not block a budget
        // or a reactivation that leaves it as it is.
        if (m.email != before->email) {
            if (const QString problem = memberEmailProblem(m.email); !problem.isEmpty())
                return StoreError::invalid(problem);
        }
        if (Status s = m_store.team().updateMember(m); !s)
            return s;
        if (before->tier != m.tier) {
            if (Status s = m_store.audit().append(auditEntry(AuditAction::MemberTier, m.name, before->tier, m.tier)); !s)
                return s;
        }
        const QString was = memberAuditSummary(*before), now = memberAuditSummary(m);
        if (was == now && before->email == m.email)
            return {};
        return m_store.audit().append(auditEntry(AuditAction::MemberEdit, m.name, was, now));
    });
}

Status TeamService::editMember(const Member &m)
{
    // Each step's transaction joins this one: a key that cannot be linked leaves the details as
    // they were.
    return m_store.transaction([&]() -> Status {
        if (Status s = updateMember(m); !s)
            return s;
        return setKeys(m.name, m.keyHashes);
    });
}

Status TeamService::setTier(const QStringList &names, const QString &typedTier)
{
    const QString tier = tierNameOf(typedTier);
    // Moving people out of every tier takes their guardrail away; an empty name is a slip (an
    // unset shell variable), never a wish.
    if (tier.isEmpty())
        return StoreError::invalid(u"Name the tier to move them to (see tiers list)."_s);
    // The members read at once and saved at once (saveMembers): a whole team's tier changes in
    // time linear in its size.
    return m_store.transaction([&]() -> Status {
        const Result<QList<Member>> members = m_store.team().members(names);
        if (!members)
            return members.error();
        QList<Member> changed;
        QStringList before;
        QSet<QString> seen; // a name given twice changes once
        for (const Member &m : *members) {
            if (m.tier == tier || seen.contains(m.name))
                continue;
            seen.insert(m.name);
            before << m.tier;
            changed << m;
            changed.last().tier = tier;
        }
        if (changed.isEmpty())
            return {};
        if (Status s = m_store.team().saveMembers(changed); !s)
            return s;
        for (qsizetype i = 0; i < changed.size(); ++i) {
            if (Status s = m_store.audit().append(auditEntry(AuditAction::MemberTier, changed.at(i).name, before.at(i), tier)); !s)
                return s;
        }
        return {};
    });
}

Status TeamService::setKeys(const QString &name, const QStringList &keyHashes)
{
    return m_store.transaction([&]() -> Status {
        const Result<Member> m = m_store.team().member(name);
        if (!m)
            return m.error();
        const QSet<QString> before(m->keyHashes.cbegin(), m->keyHashes.cend());
        if (QSet<QString>(keyHashes.cbegin(), keyHashes.cend()) == before)
            return {};
        // As linkKey: an offboarded member keeps the keys they had (or loses some), gets none.
        if (!m->active && std::any_of(keyHashes.cbegin(), keyHashes.cend(), [&](const QString &h) { return !before.contains(h); }))
            return StoreError::invalid(offboardedGetsNoKey(name));
        if (Status s = m_store.team().setKeys(name, keyHashes); !s)
            return s;
        return m_store.audit().append(auditEntry(AuditAction::Link, name, keysText(m->keyHashes.size()), keysText(keyHashes.size())));
    });
}

Result<bool> TeamService::reactivate(const QString &name)
{
    const Result<Member> m = m_store.team().member(name);
    if (!m)
        return m.error();
    if (m->active)
        return false;
    Member active = *m;
    active.active = true;
    if (Status s = updateMember(active); !s)
        return s.error();
    return true;
}

Status TeamService::linkKey(const QString &name, const QString &keyHash, const QString &keyName, QString *previousOwner)
{
    return m_store.transaction([&]() -> Status {
        const Result<Member> m = m_store.team().member(name);
        if (!m)
            return m.error();
        if (m->keyHashes.contains(keyHash))
            return {};
        // Their keys were revoked when they left: a key given to them now would be a live key
        // of someone offboarded, which keys audit calls critical.
        if (!m->active)
            return StoreError::invalid(offboardedGetsNoKey(name));
        const Result<QHash<QString, QString>> owners = m_store.team().keyOwners();
        if (!owners)
            return owners.error();
        if (Status s = m_store.team().linkKey(name, keyHash); !s)
            return s;
        const QString key = keyText(keyHash, keyName);
        const QString previous = owners->value(keyHash);
        if (previousOwner)
            *previousOwner = previous;
        return m_store.audit().append(auditEntry(AuditAction::Link, name, previous.isEmpty() ? QString() : u"%1 of %2"_s.arg(key, previous),
                                                 u"%1 of %2"_s.arg(key, name)));
    });
}

Status TeamService::unlinkKey(const QString &keyHash, const QString &keyName, QString *owner)
{
    return m_store.transaction([&]() -> Status {
        const Result<QHash<QString, QString>> owners = m_store.team().keyOwners();
        if (!owners)
            return owners.error();
        const QString key = keyText(keyHash, keyName);
        const QString was = owners->value(keyHash);
        if (was.isEmpty())
            return StoreError::notFound(u"The key %1 is linked to no member."_s.arg(key));
        if (Status s = m_store.team().unlinkKey(keyHash); !s)
            return s;
        if (owner)
            *owner = was;
        return m_store.audit().append(auditEntry(AuditAction::Link, was, u"%1 of %2"_s.arg(key, was), QString()));
    });
}

QString TeamService::validateTier(const Tier &tier, bool isNew, const QList<Tier> &existing)
{
    static const QRegularExpression namePattern(u"^[a-z0-9][a-z0-9_-]{0,39}$"_s);
    if (!namePattern.match(tier.name).hasMatch())
        return u"A tier name is 1-40 lower-case letters, digits, - or _ (e.g. \"research\")."_s;
    if (isNew && std::any_of(existing.cbegin(), existing.cend(), [&](const Tier &t) { return t.name == tier.name; }))
        return u"There is already a tier named \"%1\"."_s.arg(tier.name);
    if (const QString problem = budgetProblem(tier.budget); !problem.isEmpty())
        return problem;
    if (tier.allowedModels && tier.allowedModels->isEmpty())
        return u"Pick at least one model, or allow every model."_s;
    if (tier.allowedModels && !tier.fallbackModel.isEmpty() && !tier.allowedModels->contains(tier.fallbackModel))
        return u"The fallback model must be one of the allowed models."_s;
    return {};
}

Status TeamService::saveTier(const Tier &tier)
{
    return m_store.transaction([&]() -> Status {
        const Result<QList<Tier>> tiers = m_store.team().tiers();
        if (!tiers)
            return tiers.error();
        const auto it = std::find_if(tiers->cbegin(), tiers->cend(), [&](const Tier &t) { return t.name == tier.name; });
        const bool existed = it != tiers->cend();
        if (const QString problem = validateTier(tier, !existed, *tiers); !problem.isEmpty())
            return StoreError::invalid(problem);
        Tier saved = tier;
        if (existed && saved.guardrailId.isEmpty())
            saved.guardrailId = it->guardrailId; // an edit keeps the guardrail the tier is applied to
        if (Status s = m_store.team().saveTier(saved); !s)
            return s;
        return m_store.audit().append(auditEntry(AuditAction::TierEdit, tier.name, existed ? tierSummary(*it) : QString(), tierSummary(tier)));
    });
}

Status TeamService::deleteTier(const QString &name)
{
    return m_store.transaction([&]() -> Status {
        if (Status s = m_store.team().deleteTier(name); !s)
            return s;
        return m_store.audit().append(auditEntry(AuditAction::TierEdit, name, u"exists"_s, u"deleted"_s));
    });
}

Result<QString> TeamService::createGatewayToken(const QString &member)
{
    QString token;
    const Status s = m_store.transaction([&]() -> Status {
        Result<QString> created = m_store.governance().createGatewayToken(member);
        if (!created)
            return created.error();
        token = *created;
        return m_store.audit().append(auditEntry(AuditAction::GatewayTokenCreated, member, {}, {}));
    });
    if (!s)
        return s.error();
    return token;
}

Result<int> TeamService::revokeGatewayTokens(const QString &member)
{
    int n = 0;
    const Status s = m_store.transaction([&]() -> Status {
        const Result<Member> m = m_store.team().member(member);
        if (!m)
            return m.error();
        const Result<int> revoked = m_store.governance().revokeGatewayTokens(member);
        if (!revoked)
            return revoked.error();
        n = *revoked;
        return m_store.audit().append(auditEntry(AuditAction::GatewayTokenRevoked, member, QString::number(n), {}));
    });
    if (!s)
        return s.error();
    return n;
}

QString TeamService::autoEnforceSetting()
{
    return u"auto_enforce"_s;
}

Result<bool> TeamService::autoEnforce() const
{
    const Result<QString> v = m_store.governance().setting(autoEnforceSetting(), u"off"_s);
    if (!v)
        return v.error();
    return *v == "on"_L1;
}

Status TeamService::setAutoEnforce(bool on)
{
    return m_store.transaction([&]() -> Status {
        const Result<bool> was = autoEnforce();
        if (!was)
            return was.error();
        if (*was == on)
            return {};
        if (Status s = m_store.governance().setSetting(autoEnforceSetting(), on ? u"on"_s : u"off"_s); !s)
            return s;
        return m_store.audit().append(auditEntry(AuditAction::Enforcement, u"auto-enforce"_s, on ? u"off"_s : u"on"_s, on ? u"on"_s : u"off"_s));
    });
}

QString TeamService::ImportSaved::summary() const
{
    return u"Imported: %1 added, %2 changed."_s.arg(added).arg(changed);
}

Result<TeamService::ImportSaved> TeamService::importRoster(const RosterPlan &plan)
{
    ImportSaved saved;
    QList<Member> saves;
    QList<std::pair<QString, QString>> links; // members whose OpenRouter user the file names anew
    for (const RosterChange &c : plan.changes) {
        if (!c.after.userId.isEmpty() && c.after.userId != c.before.userId)
            links << std::pair{c.after.name.trimmed(), c.after.userId};
        switch (c.kind) {
        case RosterChange::Kind::Add:
            ++saved.added;
            saves << c.after;
            break;
        case RosterChange::Kind::Change:
        case RosterChange::Kind::Reactivate:
            ++saved.changed;
            saves << c.after;
            break;
        case RosterChange::Kind::Offboard: {
            // Everything but the active flag now; offboarding flips that once the keys are gone.
            Member m = c.after;
            m.active = true;
            if (m != c.before)
                saves << m;
            saved.toOffboard << c.before.name;
            break;
        }
        case RosterChange::Kind::Unchanged:
            break;
        }
    }
    for (const Member &m : std::as_const(saves)) {
        if (const QString problem = memberNameProblem(m.name); !problem.isEmpty())
            return StoreError::invalid(u"%1: %2"_s.arg(m.name, problem));
    }
    const Status s = m_store.transaction([&]() -> Status {
        if (!saves.isEmpty()) {
            if (Status w = m_store.team().saveMembers(saves); !w)
                return w;
        }
        if (!links.isEmpty()) {
            if (Status w = m_store.team().setUserIds(links); !w)
                return w;
        }
        return m_store.audit().append(auditEntry(AuditAction::Import, u"roster"_s, {},
                                                 u"%1 added, %2 changed, %3 to offboard, %4 rejected"_s.arg(saved.added)
                                                     .arg(saved.changed)
                                                     .arg(saved.toOffboard.size())
                                                     .arg(counted(int(plan.rejected.size()), u"row"_s, u"rows"_s))));
    });
    if (!s)
        return s.error();
    return saved;
}

} // namespace orteam
