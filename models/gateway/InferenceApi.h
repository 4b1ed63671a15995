#pragma once

#include "Team.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace orteam {

// The OpenRouter APIs the gateway serves. Each has its own error shape, its own place for the
// caller's identity and its own place for the cost, so every difference is kept here, once.
enum class InferenceApi { ChatCompletions, Completions, Embeddings, Responses, Messages };
inline constexpr size_t InferenceApiCount = size_t(InferenceApi::Messages) + 1; // Messages stays last

// The API a request path asks for: /api/v1/<name> (what OpenAI-compatible SDKs use with a base of
// .../api/v1, and the Anthropic SDK with a base of .../api) or /v1/<name> (a base of the host).
std::optional<InferenceApi> inferenceApiForPath(QByteArrayView path);
QString upstreamPath(InferenceApi api); // "/chat/completions", relative to the upstream base
bool apiStreams(InferenceApi api);       // embeddings answer whole

// An error in the shape the API's own clients read: OpenRouter's/OpenAI's
// {"error":{"code","message"}} everywhere but Messages, which has Anthropic's
// {"type":"error","error":{"type","message"}} (the Anthropic SDK maps that type to its exceptions).
QByteArray apiErrorBody(InferenceApi api, int status, const QString &message, const QJsonObject &metadata = {});

// What the tier allows a request to do, judged on every field that picks a model, not only
// `model`. Pure: the body in, the body to send upstream (or a refusal) out.
struct PolicyOutcome
{
    int refusal = 0; // 0: send `body`; else the status to answer (400, 403) with `message`
    QString message;
    QJsonObject body;
    QString requestedModel;
    QString downgradedFrom; // set when `model` was replaced by the tier's fallback
    QStringList removedModels; // fallback entries the tier does not allow, taken out of `models`
    bool stream = false;
};
// `appName` and the member go into the API's user field (user; metadata.user_id for Messages).
PolicyOutcome applyRequestPolicy(InferenceApi api, const QList<Tier> &tiers, const Member &member, QJsonObject body);

// The body that goes upstream: the client's own bytes for each top-level member the policy never
// touches (a 10 MB "messages" is copied as it came; re-written by Qt's JSON writer it costs four
// times its size in memory, and its time), and the policy's version of the members it edits
// (model, models, route, plugins, stream, user, metadata). It parses back to exactly
// `policyBody`; when the client's top level cannot be split with certainty (a key written with an
// escape, a key twice, members added or removed beyond those) `policyBody` is written whole.
// `original` is the body the policy parsed; `policyBody` is let go of before the copy is made.
QByteArray upstreamRequestBody(QByteArrayView original, QJsonObject policyBody);

// A request body split once at its top level, when it can be with certainty: strictly checked
// (StrictJsonScanner: read as Qt reads it), no key written with an escape or given twice. Only
// the members applyRequestPolicy reads or edits are parsed into `read`; the others (a 10 MB
// "messages") are checked and kept as the client wrote them, never built into Qt's objects.
// nullopt: the caller parses the body whole and uses upstreamRequestBody(original, ...).
struct RequestBodySplit
{
    QJsonObject read;             // model, models, route, plugins, stream, user, metadata, preset, tools, provider
    QList<QByteArrayView> others; // every member the policy does not edit, `"key": value` as written (views into the body)
};
std::optional<RequestBodySplit> splitRequestBody(QByteArrayView body);
// The body that goes upstream from a split body: the members the policy does not edit as the
// client wrote them, then the ones it edits from its body (what applyRequestPolicy made of `read`).
QByteArray upstreamRequestBody(const QList<QByteArrayView> &others, QJsonObject policyBody);

// A header value made of anything a client or the team sent (a model id, a member name): kept as
// it is when it is printable ASCII without CR/LF, else percent-encoded, so it can never end a
// header line or start a forged one.
QByteArray headerSafe(const QString &text);

// One request's cost is at most this (USD). OpenRouter's dearest single requests cost dollars;
// anything above this, negative, or not a number is not a cost but a fault, and must neither be
// charged nor stop the batch it would join from being written.
inline constexpr double MaxRequestCost = 1000.0;
std::optional<double> checkedCost(const QJsonValue &value, bool *invalid = nullptr);

} // namespace orteam
