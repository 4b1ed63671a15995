#pragma once

#include "ApiError.h"
#include "Enforcement.h"

#include <QObject>

#include <functional>

namespace orteam {

class OpenRouterClient;

// Carries out a guardrail plan on OpenRouter one step at a time, in order (a key must leave a
// guardrail before it can join another; a guardrail must exist before keys join it). Stops at
// the first failure: what was done stays done, and planning again picks up the rest.
// `stepDone` hears each finished step with the guardrail id it concerned (new ones included),
// `finished` how many steps were done and the error that stopped it (None when all were done).
void applyGuardrailPlan(OpenRouterClient *client, const GuardrailPlan &plan, QObject *context,
                        std::function<void(const GuardrailStep &step, const QString &guardrailId)> stepDone,
                        std::function<void(int stepsDone, const ApiError &error)> finished);

} // namespace orteam
