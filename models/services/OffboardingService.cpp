#include "OffboardingService.h"

#include "AccountKeys.h"
#include "Audit.h"
#include "Counted.h"
#include "KeyService.h"
#include "Enforcement.h"
#include "OpenRouterClient.h"

#include <QPointer>

#include <algorithm>
#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

void OffboardingService::offboard(const QStringList &names, const std::optional<QList<ApiKey>> &keys, QObject *context,
                                  std::function<void(const Outcome &)> done)
{
    // Read every member first: a member that cannot be read means nothing is revoked at all.
    const Result<QList<Member>> read = m_store.team().members(names);
    if (!read) {
        Outcome outcome;
        outcome.error = FlowError::database(read.error());
        done(outcome);
        return;
    }
    const QList<Member> members = *read;
    auto withKeys = [this, members, context, done](const QList<ApiKey> &live) {
        QHash<QString, ApiKey> byHash;
        for (const ApiKey &k : live)
            byHash.insert(k.hash, k);
        revokeAndMark(members, byHash, context, done);
    };
    const bool anyKeys = std::any_of(members.cbegin(), members.cend(), [](const Member &m) { return !m.keyHashes.isEmpty(); });
    // Members without keys need no list: nothing is revoked, so nothing needs naming.
    withAccountKeys(m_client, anyKeys ? keys : std::optional(keys.value_or(QList<ApiKey>())), context, withKeys,
                    [done](const FlowError &e) {
                        Outcome outcome;
                        outcome.error = e;
                        done(outcome);
                    });
}

void OffboardingService::revokeAndMark(const QList<Member> &members, const QHash<QString, ApiKey> &keys, QObject *context,
                                       std::function<void(const Outcome &)> done)
{
    auto outcome = std::make_shared<Outcome>();
    struct Work
    {
        QString member;
        ApiKey key;
    };
    auto queue = std::make_shared<QList<Work>>();
    for (const Member &m : members) {
        for (const QString &hash : m.keyHashes) {
            ApiKey key = keys.value(hash);
            key.hash = hash; // a key OpenRouter no longer lists is named by its hash
            queue->append({m.name, key});
        }
    }
    auto failedKeys = std::make_shared<QHash<QString, QStringList>>(); // member → keys still there
    auto keyService = std::make_shared<KeyService>(&m_store, m_client);
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;

    // After the keys: each member whose keys are all gone becomes inactive, with its audit line,
    // in one transaction per member (one member's database failure does not undo another's).
    auto finish = [this, members, outcome, failedKeys, done, ctx, hasContext] {
        QHash<QString, QString> released; // user id → member: people orteam's guardrails should let go
        for (const Member &member : members) {
            if (failedKeys->contains(member.name)) {
                outcome->failed << u"%1 is still active: %2 could not be revoked."_s.arg(member.name,
                                                                                        failedKeys->value(member.name).join(u", "_s));
                continue;
            }
            const int revoked = outcome->revoked.value(member.name);
            const int gone = outcome->gone.value(member.name);
            const Status s = m_store.transaction([&]() -> Status {
                // Read again: an edit made while the keys were being revoked (a new email, another
                // tier) is kept; only the active flag changes.
                Result<Member> now = m_store.team().member(member.name);
                if (!now)
                    return now.error();
                const bool wasActive = now->active;
                if (!wasActive && revoked == 0) {
                    // Offboarded already and nothing revoked now: no second audit line saying so.
                    outcome->unchanged << member.name;
                    return {};
                }
                now->active = false;
                if (Status w = m_store.team().updateMember(*now); !w)
                    return w;
                return m_store.audit().append(auditEntry(AuditAction::Offboard, member.name,
                                                         wasActive ? u"active"_s : u"inactive"_s,
                                                         u"inactive, %1 revoked%2"_s.arg(counted(revoked, u"key"_s, u"keys"_s),
                                                                                        gone ? u" (%1 gone already)"_s.arg(gone) : QString())));
            });
            if (s) {
                outcome->offboarded << member.name;
                if (member.isLinked())
                    released.insert(member.userId, member.name);
            } else {
                outcome->failed << u"%1: keys revoked, but the database refused the change: %2"_s.arg(member.name, s.errorText());
            }
        }
        releaseGuardrails(released, [outcome, done, ctx, hasContext](const QStringList &warnings) {
            outcome->warnings << warnings;
            if (!hasContext || ctx)
                done(*outcome);
        });
    };

    // One DELETE after another: offboarding a whole team must not hit the rate limit.
    auto step = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakStep = step;
    *step = [queue, outcome, failedKeys, keyService, finish, weakStep] {
        const auto self = weakStep.lock();
        if (!self)
            return;
        if (queue->isEmpty()) {
            finish();
            return;
        }
        const Work w = queue->takeFirst();
        keyService->revoke(w.key, nullptr, [self, w, outcome, failedKeys](const KeyService::Done<bool> &d) {
            // 404: revoked already (elsewhere, or by an earlier, interrupted offboarding).
            if (d.result.ok() || d.result.error.isNotFound()) {
                (d.result.ok() ? outcome->revoked : outcome->gone)[w.member] += 1;
                outcome->revokedKeys << w.key.hash;
                if (!d.auditError.isEmpty())
                    outcome->warnings << u"%1 was revoked, but %2"_s.arg(w.key.name.isEmpty() ? w.key.hash.left(16) : w.key.name,
                                                                         d.auditError);
            } else {
                (*failedKeys)[w.member] << u"%1 (%2)"_s.arg(w.key.name.isEmpty() ? w.key.hash.left(16) : w.key.name,
                                                             d.result.error.message());
            }
            (*self)();
        }, u"offboarding %1"_s.arg(w.member));
    };
    (*step)();
}

void OffboardingService::releaseGuardrails(const QHash<QString, QString> &users, std::function<void(const QStringList &)> done)
{
    if (users.isEmpty())
        return done({});
    // The person is offboarded whatever happens here; what could not be undone at OpenRouter is
    // said, and `tiers apply` (which takes inactive members off orteam's guardrails) finishes it.
    const QString later = u"; orteam-cli tiers apply (or Apply tiers) takes them off"_s;
    m_client.listGuardrails(nullptr, [this, users, done, later](const ApiResult<QList<Guardrail>> &g) {
        if (!g.ok())
            return done({u"Cannot read OpenRouter's guardrails to take %1 off them: %2%3"_s.arg(QStringList(users.values()).join(u", "_s),
                                                                                              g.error.message(), later)});
        // orteam's guardrails: by name, and by the ids the team database keeps (one renamed on the web).
        QSet<QString> known;
        if (const auto tiers = m_store.team().tiers()) {
            for (const Tier &t : *tiers)
                known.insert(t.guardrailId);
        }
        if (const auto members = m_store.team().members()) {
            for (const Member &m : *members)
                known.insert(m.guardrailId);
        }
        QHash<QString, QString> ours; // id → name
        for (const Guardrail &x : g.value) {
            if (isOrteamGuardrailName(x.name) || known.contains(x.id))
                ours.insert(x.id, x.name);
        }
        m_client.listMemberAssignments(nullptr, [this, users, done, later, ours](const ApiResult<QList<GuardrailMemberAssignment>> &a) {
            if (!a.ok())
                return done({u"Cannot read OpenRouter's member assignments to take %1 off guardrails: %2%3"_s.arg(
                    QStringList(users.values()).join(u", "_s), a.error.message(), later)});
            auto pending = std::make_shared<QList<std::pair<QString, QStringList>>>(); // guardrail → users
            QMap<QString, QStringList> grouped;
            for (const GuardrailMemberAssignment &x : a.value) {
                if (users.contains(x.userId) && ours.contains(x.guardrailId))
                    grouped[x.guardrailId] << x.userId;
            }
            for (auto it = grouped.cbegin(); it != grouped.cend(); ++it)
                pending->append({it.key(), it.value()});
            auto warnings = std::make_shared<QStringList>();
            auto step = std::make_shared<std::function<void()>>();
            std::weak_ptr<std::function<void()>> weakStep = step;
            *step = [this, pending, warnings, done, users, ours, later, weakStep] {
                const auto self = weakStep.lock();
                if (!self)
                    return;
                if (pending->isEmpty())
                    return done(*warnings);
                // Named copies, not a structured binding: clang 14 cannot capture those.
                const std::pair<QString, QStringList> next = pending->takeFirst();
                const QString id = next.first;
                const QStringList ids = next.second;
                m_client.unassignMembersFromGuardrail(id, ids, nullptr, [self, warnings, users, ours, later, id, ids](const ApiResult<qint64> &r) {
                    if (!r.ok() && !r.error.isNotFound()) {
                        QStringList who;
                        for (const QString &u : ids)
                            who << users.value(u);
                        *warnings << u"%1 still on \"%2\" at OpenRouter: %3%4"_s.arg(who.join(u", "_s), ours.value(id),
                                                                                     r.error.message(), later);
                    }
                    (*self)();
                });
            };
            (*step)();
        });
    });
}

} // namespace orteam
