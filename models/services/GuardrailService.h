#pragma once

#include "ApiKey.h"
#include "Enforcement.h"
#include "FlowError.h"
#include "Store.h"
#include "WhatIf.h"

#include <QObject>

#include <functional>
#include <optional>

namespace orteam {

class OpenRouterClient;

// Tiers pushed to OpenRouter guardrails: a plan against what OpenRouter holds now (guardrails,
// key assignments, the keys) and the team in the database, then applied step by step. Each step
// done is remembered (the tier's guardrail id) and audited; a failure stops there, and planning
// again picks up the rest.
class GuardrailService
{
public:
    GuardrailService(Store &store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    // `keys`: the account's keys when the caller has them (the dashboard), else they are listed.
    void plan(const std::optional<QList<ApiKey>> &keys, QObject *context,
              std::function<void(const GuardrailPlan &plan, const FlowError &error)> done);
    // `warnings`: steps OpenRouter confirmed whose record (the tier's guardrail id, the audit
    // entry) could not be written; the next plan still finds the guardrail by its name.
    void apply(const GuardrailPlan &plan, QObject *context,
               std::function<void(int stepsDone, const FlowError &error, const QStringList &warnings)> done);

private:
    Store &m_store;
    OpenRouterClient &m_client;
};

// What if the team's tiers and budgets (as stored, or `tiers` in their place: a tier being
// edited) had been in force over the `days` UTC days up to `today`: the history in the team
// database replayed against them (replayHistory). Reads only the database; a read that fails is
// an error, never an empty replay.
Result<WhatIfResult> replayTiers(const Store &store, const QDate &today, int days,
                                 const std::optional<QList<Tier>> &tiers = std::nullopt);

} // namespace orteam
