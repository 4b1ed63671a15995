#pragma once

#include "Command.h"

namespace orteam::cli {

// tiers list: the tiers with budget, fallback and models.
class TiersList final : public Command
{
public:
    TiersList();
    int execute(Context &context, const Arguments &arguments) override;
};

// tiers set-budget TIER USD|none [--period P]: a tier's budget and its period (TeamService).
class TiersSetBudget final : public Command
{
public:
    TiersSetBudget();
    int execute(Context &context, const Arguments &arguments) override;
};

// tiers apply: the tiers pushed to OpenRouter guardrails, previewed first (GuardrailService).
class TiersApply final : public Command
{
public:
    TiersApply();
    int execute(Context &context, const Arguments &arguments) override;

private:
    int whatIf(Context &context, const Arguments &arguments); // --what-if: the history replayed, nothing applied
};

} // namespace orteam::cli
