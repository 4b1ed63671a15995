#pragma once

#include "Command.h"

namespace orteam::cli {

// members list: the team, with tier, daily limit and keys.
class MembersList final : public Command
{
public:
    MembersList();
    int execute(Context &context, const Arguments &arguments) override;
};

// members add NAME: a new member (TeamService).
class MembersAdd final : public Command
{
public:
    MembersAdd();
    int execute(Context &context, const Arguments &arguments) override;
};

// members set-budget NAME USD|tier [--period P]: a member's own budget (TeamService).
class MembersSetBudget final : public Command
{
public:
    MembersSetBudget();
    int execute(Context &context, const Arguments &arguments) override;
};

// members set-tier NAME TIER: a member moved to another tier (TeamService).
class MembersSetTier final : public Command
{
public:
    MembersSetTier();
    int execute(Context &context, const Arguments &arguments) override;
};

// members link NAME KEY: a key attributed to a member (TeamService).
class MembersLink final : public Command
{
public:
    MembersLink();
    int execute(Context &context, const Arguments &arguments) override;
};

// members unlink KEY: a key's link to its member taken away (TeamService).
class MembersUnlink final : public Command
{
public:
    MembersUnlink();
    int execute(Context &context, const Arguments &arguments) override;
};

// members reactivate NAME: an offboarded member active again, with no keys (TeamService).
class MembersReactivate final : public Command
{
public:
    MembersReactivate();
    int execute(Context &context, const Arguments &arguments) override;
};

// members token NAME: an orteam-gateway token made or revoked (TeamService).
class MembersToken final : public Command
{
public:
    MembersToken();
    int execute(Context &context, const Arguments &arguments) override;
};

// members offboard NAME: every key revoked, then the member made inactive (OffboardingService).
class MembersOffboard final : public Command
{
public:
    MembersOffboard();
    int execute(Context &context, const Arguments &arguments) override;
};

// members match: the team matched to the organization's OpenRouter users by email (MemberLinkService).
class MembersMatch final : public Command
{
public:
    MembersMatch();
    int execute(Context &context, const Arguments &arguments) override;
};

// members link-user NAME USER_ID / members unlink-user NAME: a link made or undone by hand.
class MembersLinkUser final : public Command
{
public:
    MembersLinkUser();
    int execute(Context &context, const Arguments &arguments) override;
};

class MembersUnlinkUser final : public Command
{
public:
    MembersUnlinkUser();
    int execute(Context &context, const Arguments &arguments) override;
};

} // namespace orteam::cli
