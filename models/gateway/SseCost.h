#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace orteam {

// usage.cost of an answer (a JSON answer or one SSE event) when it is a plausible cost (see
// checkedCost): chat and legacy completions, embeddings and Messages put it in `usage`, the
// Responses API in `response.usage` (its response.completed event and its whole answer alike).
std::optional<double> costOf(const QJsonObject &answer, bool *invalid = nullptr);
// The generation id OpenRouter's GET /generation knows the answer by: `id`, or `response.id` /
// `message.id` in the first events of a Responses or Messages stream.
QString generationIdOf(const QJsonObject &answer);

// Reads an upstream answer as it passes, in whatever pieces it arrives, for its cost and its
// generation id. Server-sent events are read line by line; comments (": OPENROUTER PROCESSING"),
// deltas and [DONE] carry none, so only lines that can hold what is still missing are parsed.
struct UsageReader
{
    QByteArray pending; // an incomplete last line
    std::optional<double> cost;
    QString generationId;
    bool invalidCost = false; // a cost was there but not plausible (logged, looked up instead)

    void feed(const QByteArray &data); // server-sent events
    void readWhole(const QByteArray &json); // a whole JSON answer
private:
    void take(const QJsonObject &event);
    void note(const QString &id, std::optional<double> cost, bool invalid); // what one event or answer held
};
using SseCost = UsageReader; // the fuzzer's name for it

} // namespace orteam
