#pragma once

#include "Account.h"
#include "Team.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace orteam {

// ---- Members as OpenRouter users ------------------------------------------------------------------
// A member linked to their OpenRouter user id can be bound by a guardrail across every key of
// theirs (OpenRouter enforces it, not a check after the fact). Links come from matching emails
// (case and white space ignored) or are made by hand where the emails differ.

struct MemberLink
{
    QString member;
    QString userId;
    QString email;    // the OpenRouter user's
    QString userName; // first and last name at OpenRouter, for a person reading the preview
};

struct MemberLinkPlan
{
    QList<MemberLink> toLink;        // new links: one local member, one OpenRouter user, same email
    QList<MemberLink> linked;        // already linked, the user still in the organization
    QList<MemberLink> gone;          // linked to a user id the organization no longer has
    QStringList unmatchedMembers;    // local members (active or not) with no user of their email
    QList<OrgMember> unmatchedUsers; // organization users no member has or matches
    QStringList conflicts;           // one sentence each; nothing is linked for them
    bool isEmpty() const { return toLink.isEmpty(); }
    // One line for a person: "2 to link, 5 linked, 1 member without a match, …".
    QString summary() const;
};

// The links that matching by email would add. A member already linked keeps their link (made by
// hand or before); a user already linked is not offered to anyone else. Two members with one
// email, or one email held by two users, are conflicts: neither is linked, the sentence says why.
// Applying the plan and planning again yields an empty plan.
MemberLinkPlan planMemberLinks(const QList<Member> &members, const QList<OrgMember> &users);

// A hand link: empty when `userId` may be given to `member`, else why not (no such member, no
// such user in the organization, or the user is already another member's).
QString linkProblem(const QList<Member> &members, const QList<OrgMember> &users, const QString &member,
                    const QString &userId);

// Members linked to a user the organization no longer has are treated as not linked (a guardrail
// cannot be assigned to them): their links are cleared in `members`, and their names returned.
QStringList dropLinksOutside(QList<Member> &members, const QList<OrgMember> &users);

} // namespace orteam
