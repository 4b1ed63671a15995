#include "MemberLink.h"

#include "Counted.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// OpenRouter's and a roster's spelling of one address may differ in case and stray spaces only.
QString emailKey(const QString &email)
{
    return email.trimmed().toCaseFolded();
}

MemberLink linkOf(const QString &member, const OrgMember &user)
{
    return MemberLink{member, user.id, user.email, user.displayName()};
}
} // namespace

QString MemberLinkPlan::summary() const
{
    QStringList parts;
    parts << counted(toLink.size(), u"member to link"_s, u"members to link"_s)
          << counted(linked.size(), u"already linked"_s, u"already linked"_s);
    if (!gone.isEmpty())
        parts << counted(gone.size(), u"linked to a user no longer in the organization"_s,
                         u"linked to users no longer in the organization"_s);
    if (!unmatchedMembers.isEmpty())
        parts << counted(unmatchedMembers.size(), u"member without a match"_s, u"members without a match"_s);
    if (!unmatchedUsers.isEmpty())
        parts << counted(unmatchedUsers.size(), u"OpenRouter user without a member"_s, u"OpenRouter users without a member"_s);
    if (!conflicts.isEmpty())
        parts << counted(conflicts.size(), u"conflict"_s, u"conflicts"_s);
    return parts.join(u", "_s) + u'.';
}

MemberLinkPlan planMemberLinks(const QList<Member> &members, const QList<OrgMember> &users)
{
    MemberLinkPlan plan;
    QHash<QString, const OrgMember *> userById;
    QHash<QString, QList<const OrgMember *>> usersByEmail;
    for (const OrgMember &u : users) {
        userById.insert(u.id, &u);
        if (!emailKey(u.email).isEmpty())
            usersByEmail[emailKey(u.email)] << &u;
    }
    // Links that exist stay; their users are taken.
    QHash<QString, QString> takenBy; // user id → member
    for (const Member &m : members) {
        if (!m.isLinked())
            continue;
        takenBy.insert(m.userId, m.name);
        if (const OrgMember *u = userById.value(m.userId))
            plan.linked << linkOf(m.name, *u);
        else
            plan.gone << MemberLink{m.name, m.userId, QString(), QString()};
    }
    QHash<QString, QStringList> unlinkedByEmail; // email → unlinked members with it
    for (const Member &m : members) {
        if (m.isLinked())
            continue;
        if (emailKey(m.email).isEmpty())
            plan.unmatchedMembers << m.name;
        else
            unlinkedByEmail[emailKey(m.email)] << m.name;
    }
    QSet<QString> matchedUsers;
    for (const Member &m : members) {
        if (m.isLinked() || emailKey(m.email).isEmpty())
            continue;
        const QString email = emailKey(m.email);
        const QStringList sharing = unlinkedByEmail.value(email);
        QList<const OrgMember *> candidates;
        for (const OrgMember *u : usersByEmail.value(email)) {
            if (!takenBy.contains(u->id))
                candidates << u;
        }
        if (candidates.isEmpty()) {
            const QList<const OrgMember *> all = usersByEmail.value(email);
            if (!all.isEmpty())
                plan.conflicts << u"%1: the OpenRouter user with %2 is already linked to %3."_s.arg(
                    m.name, m.email.trimmed(), takenBy.value(all.first()->id));
            else
                plan.unmatchedMembers << m.name;
            continue;
        }
        if (sharing.size() > 1) {
            // Said once, for the first of them.
            if (sharing.first() == m.name)
                plan.conflicts << u"%1 have the same email %2: link one of them by hand."_s.arg(sharing.join(u" and "_s), m.email.trimmed());
            for (const OrgMember *u : candidates)
                matchedUsers.insert(u->id); // offered to nobody else either
            continue;
        }
        if (candidates.size() > 1) {
            plan.conflicts << u"%1: %2 OpenRouter users have the email %3; link one by hand."_s.arg(m.name).arg(candidates.size()).arg(m.email.trimmed());
            for (const OrgMember *u : candidates)
                matchedUsers.insert(u->id);
            continue;
        }
        plan.toLink << linkOf(m.name, *candidates.first());
        matchedUsers.insert(candidates.first()->id);
    }
    for (const OrgMember &u : users) {
        if (!takenBy.contains(u.id) && !matchedUsers.contains(u.id))
            plan.unmatchedUsers << u;
    }
    return plan;
}

QString linkProblem(const QList<Member> &members, const QList<OrgMember> &users, const QString &member,
                    const QString &userId)
{
    if (const QString why = userIdProblem(userId); !why.isEmpty())
        return why;
    const Member *target = nullptr;
    for (const Member &m : members) {
        if (m.name == member)
            target = &m;
        else if (m.userId == userId)
            return u"The OpenRouter user %1 is already linked to %2."_s.arg(userId, m.name);
    }
    if (!target)
        return u"There is no member named \"%1\"."_s.arg(member);
    const bool known = std::any_of(users.cbegin(), users.cend(), [&](const OrgMember &u) { return u.id == userId; });
    if (!known)
        return u"The organization has no user %1 (orteam-cli members match lists its users)."_s.arg(userId);
    return {};
}

QStringList dropLinksOutside(QList<Member> &members, const QList<OrgMember> &users)
{
    QSet<QString> known;
    for (const OrgMember &u : users)
        known.insert(u.id);
    QStringList dropped;
    for (Member &m : members) {
        if (m.isLinked() && !known.contains(m.userId)) {
            dropped << m.name;
            m.userId.clear();
        }
    }
    return dropped;
}

} // namespace orteam
