#include "OffboardingService.h"

#include "Audit.h"
#include "Counted.h"
#include "KeyService.h"
#include "OpenRouterClient.h"

#include <QPointer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
bool isGone(const ApiError &e)
{
    return e.kind == ApiError::Kind::Http && e.httpStatus == 404;
}
} // namespace

void OffboardingService::offboard(const QStringList &names, const QHash<QString, QString> &keyNames, QObject *context,
                                  std::function<void(const Outcome &)> done)
{
    auto outcome = std::make_shared<Outcome>();
    // Read every member first: a member that cannot be read means nothing is revoked at all.
    QList<Member> members;
    for (const QString &name : names) {
        const Result<Member> m = m_store.team().member(name);
        if (!m) {
            outcome->error = FlowError::database(m.error(), u"cannot read the member %1"_s.arg(name));
            done(*outcome);
            return;
        }
        members << *m;
    }
    struct Work
    {
        Member member;
        QString hash;
    };
    auto queue = std::make_shared<QList<Work>>();
    for (const Member &m : std::as_const(members)) {
        for (const QString &hash : m.keyHashes)
            queue->append({m, hash});
    }
    auto failedKeys = std::make_shared<QHash<QString, QStringList>>(); // member → keys still there
    auto keys = std::make_shared<KeyService>(&m_store, m_client);
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;

    // After the keys: each member whose keys are all gone becomes inactive, with its audit line,
    // in one transaction per member (one member's database failure does not undo another's).
    auto finish = [this, members, outcome, failedKeys, done, ctx, hasContext] {
        for (const Member &member : members) {
            if (failedKeys->contains(member.name)) {
                outcome->failed << u"%1 is still active: %2 could not be revoked."_s.arg(member.name,
                                                                                        failedKeys->value(member.name).join(u", "_s));
                continue;
            }
            const int revoked = outcome->revoked.value(member.name);
            const Status s = m_store.transaction([&]() -> Status {
                Member m = member;
                m.active = false;
                if (Status w = m_store.team().updateMember(m); !w)
                    return w;
                return m_store.audit().append(auditEntry(AuditAction::Offboard, member.name,
                                                         member.active ? u"active"_s : u"inactive"_s,
                                                         u"inactive, %1 revoked"_s.arg(counted(revoked, u"key"_s, u"keys"_s))));
            });
            if (s)
                outcome->offboarded << member.name;
            else
                outcome->failed << u"%1: keys revoked, but the database refused the change: %2"_s.arg(member.name, s.errorText());
        }
        if (!hasContext || ctx)
            done(*outcome);
    };

    // One DELETE after another: offboarding a whole team must not hit the rate limit.
    auto step = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakStep = step;
    *step = [this, queue, outcome, failedKeys, keys, keyNames, finish, weakStep] {
        const auto self = weakStep.lock();
        if (!self)
            return;
        if (queue->isEmpty()) {
            finish();
            return;
        }
        const Work w = queue->takeFirst();
        ApiKey key;
        key.hash = w.hash;
        key.name = keyNames.value(w.hash);
        keys->revoke(key, nullptr, [self, w, key, outcome, failedKeys](const KeyService::Done<bool> &d) {
            // 404: revoked already (elsewhere, or by an earlier, interrupted offboarding).
            if (d.result.ok() || isGone(d.result.error)) {
                outcome->revoked[w.member.name] += 1;
                outcome->revokedKeys << w.hash;
            } else {
                (*failedKeys)[w.member.name] << u"%1 (%2)"_s.arg(key.name.isEmpty() ? w.hash.left(16) : key.name,
                                                                  d.result.error.message());
            }
            (*self)();
        }, u"offboarding %1"_s.arg(w.member.name));
    };
    (*step)();
}

} // namespace orteam
