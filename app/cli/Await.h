#pragma once

#include <QEventLoop>

#include <optional>
#include <tuple>

namespace orteam::cli {

// Runs an asynchronous call (a service's or the client's) to its answer in a local event loop and
// returns what it answered: `start` is handed the callback to pass on. For the CLI only: a GUI
// must never block in a nested event loop this way.
//   auto [plan, error] = waitForAnswer<GuardrailPlan, FlowError>([&](auto done) { guardrails.plan(…, done); });
template <typename... Answer, typename Start>
std::tuple<Answer...> waitForAnswer(Start &&start)
{
    QEventLoop loop;
    std::optional<std::tuple<Answer...>> answer;
    start([&](const Answer &...values) {
        answer.emplace(values...);
        loop.quit();
    });
    if (!answer) // some answers come at once (a failed read before any request)
        loop.exec();
    return std::move(*answer);
}

} // namespace orteam::cli
