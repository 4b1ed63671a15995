#pragma once

#include "ApiKey.h"
#include "FlowError.h"

#include <QList>
#include <QObject>

#include <functional>
#include <optional>

namespace orteam {

class OpenRouterClient;

// The account's keys for a flow: the caller's when it has a good read of them (the dashboard),
// else listed from OpenRouter now (orteam-cli). `use` gets them; `failed` hears why there are none.
void withAccountKeys(OpenRouterClient &client, const std::optional<QList<ApiKey>> &known, QObject *context,
                     std::function<void(const QList<ApiKey> &keys)> use, std::function<void(const FlowError &error)> failed);

} // namespace orteam
