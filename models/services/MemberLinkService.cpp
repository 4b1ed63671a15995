#include "MemberLinkService.h"

#include "Audit.h"
#include "OpenRouterClient.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

void MemberLinkService::preview(QObject *context, std::function<void(const Preview &)> done)
{
    m_client.organizationMembers(context, [this, done](const ApiResult<QList<OrgMember>> &users) {
        Preview p;
        if (!users.ok()) {
            p.error = FlowError::server(users.error, u"cannot read the organization's members"_s);
            return done(p);
        }
        // The team as the database has it once OpenRouter answered, so the plan is of one moment.
        const Result<QList<Member>> members = m_store.team().members();
        if (!members) {
            p.error = FlowError::database(members.error());
            return done(p);
        }
        p.users = users.value;
        p.members = *members;
        p.plan = planMemberLinks(*members, users.value);
        done(p);
    });
}

Status MemberLinkService::apply(const QList<MemberLink> &links)
{
    if (links.isEmpty())
        return {};
    return m_store.transaction([&]() -> Status {
        QList<std::pair<QString, QString>> ids;
        for (const MemberLink &l : links) {
            if (l.userId.isEmpty()) {
                ids << std::pair{l.member, QString()};
                continue;
            }
            if (const QString why = userIdProblem(l.userId); !why.isEmpty())
                return StoreError::invalid(u"%1: %2"_s.arg(l.member, why));
            ids << std::pair{l.member, l.userId};
        }
        if (Status s = m_store.team().setUserIds(ids); !s)
            return s;
        for (const MemberLink &l : links) {
            const QString who = l.userId.isEmpty() ? u"not linked"_s : l.email.isEmpty() ? l.userId : u"%1 (%2)"_s.arg(l.userId, l.email);
            if (Status s = m_store.audit().append(auditEntry(AuditAction::UserLink, l.member, {}, who)); !s)
                return s;
        }
        return {};
    });
}

void MemberLinkService::link(const QString &member, const QString &userId, QObject *context,
                             std::function<void(const FlowError &)> done)
{
    if (const QString why = userIdProblem(userId); !why.isEmpty())
        return done(FlowError::database(StoreError::invalid(why)));
    m_client.organizationMembers(context, [this, member, userId, done](const ApiResult<QList<OrgMember>> &users) {
        if (!users.ok())
            return done(FlowError::server(users.error, u"cannot read the organization's members"_s));
        const Result<QList<Member>> members = m_store.team().members();
        if (!members)
            return done(FlowError::database(members.error()));
        const bool known = std::any_of(members->cbegin(), members->cend(), [&member](const Member &m) { return m.name == member; });
        if (!known) // exit 3 in the CLI, as for every other command naming a member that is not there
            return done(FlowError::database(StoreError::notFound(u"There is no member named \"%1\"."_s.arg(member))));
        if (const QString why = linkProblem(*members, users.value, member, userId); !why.isEmpty())
            return done(FlowError::database(StoreError::invalid(why)));
        MemberLink l{member, userId, {}, {}};
        for (const OrgMember &u : users.value) {
            if (u.id == userId)
                l = MemberLink{member, userId, u.email, u.displayName()};
        }
        const Status saved = apply({l});
        done(saved ? FlowError{} : FlowError::database(saved.error()));
    });
}

Status MemberLinkService::unlink(const QString &member)
{
    return m_store.transaction([&]() -> Status {
        const Result<Member> m = m_store.team().member(member);
        if (!m)
            return m.error();
        if (!m->isLinked())
            return {}; // nothing to undo, nothing to audit
        if (Status s = m_store.team().setUserIds({{member, QString()}}); !s)
            return s;
        return m_store.audit().append(auditEntry(AuditAction::UserLink, member, m->userId, u"not linked"_s));
    });
}

} // namespace orteam
