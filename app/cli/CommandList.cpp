#include "Command.h"

#include "commands/AccountCommands.h"
#include "commands/KeysCommands.h"
#include "commands/LifecycleCommands.h"
#include "commands/MembersCommands.h"
#include "commands/NotifyCommands.h"
#include "commands/SpendCommands.h"
#include "commands/TiersCommands.h"
#include "commands/WorkspaceCommands.h"

namespace orteam::cli {

CommandList allCommands()
{
    CommandList list;
    list.push_back(std::make_unique<KeysList>());
    list.push_back(std::make_unique<KeysShow>());
    list.push_back(std::make_unique<KeysCreate>());
    list.push_back(std::make_unique<KeysDisable>());
    list.push_back(std::make_unique<KeysEnable>());
    list.push_back(std::make_unique<KeysSetLimit>());
    list.push_back(std::make_unique<KeysRevoke>());
    list.push_back(std::make_unique<KeysAudit>());
    list.push_back(std::make_unique<KeysRotate>());
    list.push_back(std::make_unique<CreditsCommand>());
    list.push_back(std::make_unique<Whoami>());
    list.push_back(std::make_unique<MembersList>());
    list.push_back(std::make_unique<MembersAdd>());
    list.push_back(std::make_unique<MembersSetBudget>());
    list.push_back(std::make_unique<MembersSetTier>());
    list.push_back(std::make_unique<MembersLink>());
    list.push_back(std::make_unique<MembersUnlink>());
    list.push_back(std::make_unique<MembersMatch>());
    list.push_back(std::make_unique<MembersLinkUser>());
    list.push_back(std::make_unique<MembersUnlinkUser>());
    list.push_back(std::make_unique<MembersToken>());
    list.push_back(std::make_unique<MembersOffboard>());
    list.push_back(std::make_unique<MembersReactivate>());
    list.push_back(std::make_unique<TiersList>());
    list.push_back(std::make_unique<TiersSetBudget>());
    list.push_back(std::make_unique<TiersApply>());
    list.push_back(std::make_unique<WorkspacesList>());
    list.push_back(std::make_unique<WorkspacesCreate>());
    list.push_back(std::make_unique<WorkspacesRename>());
    list.push_back(std::make_unique<WorkspacesBudget>());
    list.push_back(std::make_unique<WorkspacesMembers>());
    list.push_back(std::make_unique<WorkspacesSpend>());
    list.push_back(std::make_unique<KeysLifecycleRun>());
    list.push_back(std::make_unique<KeysLifecycleCancel>());
    list.push_back(std::make_unique<KeysHygieneSettings>());
    list.push_back(std::make_unique<Sync>());
    list.push_back(std::make_unique<BudgetsCheck>());
    list.push_back(std::make_unique<ReportCommand>());
    list.push_back(std::make_unique<OverviewCommand>());
    list.push_back(std::make_unique<NotifyList>());
    list.push_back(std::make_unique<NotifySet>());
    list.push_back(std::make_unique<NotifySecret>());
    list.push_back(std::make_unique<NotifyRemove>());
    list.push_back(std::make_unique<NotifyTest>());
    list.push_back(std::make_unique<NotifyRun>());
    list.push_back(std::make_unique<NotifyStatus>());
    list.push_back(std::make_unique<NotifyOutbox>());
    list.push_back(std::make_unique<NotifyRetry>());
    list.push_back(std::make_unique<NotifySettings>());
    list.push_back(std::make_unique<AuditLog>());
    list.push_back(std::make_unique<DbCheck>());
    return list;
}

} // namespace orteam::cli
