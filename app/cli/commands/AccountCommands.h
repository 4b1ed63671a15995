#pragma once

#include "Command.h"

namespace orteam::cli {

// credits: what the account bought, used and has left.
class CreditsCommand final : public Command
{
public:
    CreditsCommand();
    int execute(Context &context, const Arguments &arguments) override;
};

// whoami: whether the key orteam-cli uses is a management key.
class Whoami final : public Command
{
public:
    Whoami();
    int execute(Context &context, const Arguments &arguments) override;
};

} // namespace orteam::cli
