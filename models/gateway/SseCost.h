#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace orteam {

// usage.cost of a completion (a JSON answer or one SSE chunk), when it is a number of at least 0.
std::optional<double> costOf(const QJsonObject &completion);

// Reads server-sent events as they pass, in whatever pieces they arrive: the cost is in the last
// chunk that has a usage. Comments (": OPENROUTER PROCESSING"), deltas and [DONE] carry none.
struct SseCost
{
    QByteArray pending; // an incomplete last line
    std::optional<double> cost;

    void feed(const QByteArray &data);
};

} // namespace orteam
