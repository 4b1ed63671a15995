#pragma once

#include "Command.h"

namespace orteam::cli {

// workspaces list: every workspace with its budgets, members and this month's spend (WorkspaceService).
class WorkspacesList final : public Command
{
public:
    WorkspacesList();
    int execute(Context &context, const Arguments &arguments) override;
};

// workspaces create NAME [--slug S] [--description TEXT].
class WorkspacesCreate final : public Command
{
public:
    WorkspacesCreate();
    int execute(Context &context, const Arguments &arguments) override;
};

// workspaces rename WORKSPACE NAME.
class WorkspacesRename final : public Command
{
public:
    WorkspacesRename();
    int execute(Context &context, const Arguments &arguments) override;
};

// workspaces budget WORKSPACE [--daily|--weekly|--monthly|--lifetime USD|none]: previewed (with
// what the budgets would have refused over the last days), confirmed, applied.
class WorkspacesBudget final : public Command
{
public:
    WorkspacesBudget();
    int execute(Context &context, const Arguments &arguments) override;
};

// workspaces members WORKSPACE [--add NAMES] [--remove NAMES]: lists, or previews and applies.
class WorkspacesMembers final : public Command
{
public:
    WorkspacesMembers();
    int execute(Context &context, const Arguments &arguments) override;
};

// workspaces spend: the chargeback per workspace from the team database.
class WorkspacesSpend final : public Command
{
public:
    WorkspacesSpend();
    int execute(Context &context, const Arguments &arguments) override;
};

} // namespace orteam::cli
