#pragma once

#include "FlowError.h"
#include "MemberLink.h"
#include "Store.h"

#include <QObject>

#include <functional>

namespace orteam {

class OpenRouterClient;

// Members as OpenRouter users, for every front end: the organization's users (every page) matched
// to the team by email, previewed, then saved with one audit line per link; a link by hand where
// the emails differ (checked against the organization first); an unlink. A preview that cannot
// read the organization or the team is no preview at all: nothing is ever linked from half a list.
class MemberLinkService
{
public:
    MemberLinkService(Store &store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    struct Preview
    {
        MemberLinkPlan plan;
        QList<OrgMember> users; // the organization, for linking by hand
        QList<Member> members;  // the team the plan was made from
        FlowError error;
    };
    void preview(QObject *context, std::function<void(const Preview &)> done);
    // Saves `links` (a preview's toLink, or a person's picks; an empty user id unlinks) in one
    // transaction with an audit line each, all or none.
    Status apply(const QList<MemberLink> &links);
    // Links one member to `userId` once the organization confirms it has that user.
    void link(const QString &member, const QString &userId, QObject *context, std::function<void(const FlowError &)> done);
    Status unlink(const QString &member);

private:
    Store &m_store;
    OpenRouterClient &m_client;
};

} // namespace orteam
