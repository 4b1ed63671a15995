#pragma once

#include "ApiKey.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace orteam {

// GET /credits: what the account bought and spent, USD.
struct Credits
{
    double totalCredits = 0;
    double totalUsage = 0;
    double remaining() const { return totalCredits - totalUsage; }
};

// GET /key: which kind of key the caller holds. The management API refuses API keys, so the app
// asks this before anything else to tell a person what they pasted.
struct CurrentKeyInfo
{
    QString label;
    bool isManagementKey = false;
    bool isFreeTier = false;
    std::optional<double> limit;
    std::optional<double> limitRemaining;
    double usage = 0;
    QDateTime expiresAt;
};

// One row of GET /activity: spend of one day on one model endpoint.
struct ActivityItem
{
    QDate date;
    QString model;
    QString modelPermaslug;
    QString endpointId;
    QString providerName;
    double usage = 0;
    double byokUsageInference = 0;
    qint64 requests = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 reasoningTokens = 0;
};

// What one activity sync reads: the account's days per model, and the same per key for the keys
// asked about (members' keys: which models each person used, and their request counts).
struct ActivityData
{
    QList<ActivityItem> account;
    QHash<QString, QList<ActivityItem>> perKey; // key hash → its rows
    // OpenRouter user id → the person's days across every key of theirs, for members linked to a
    // user (keys they made themselves included, which orteam may not know).
    QHash<QString, QList<ActivityItem>> perUser;
    bool viaAnalytics = false; // read with POST /analytics/query rather than /activity per key
};

// POST /analytics/query: metrics summed per time bucket and up to two dimensions (OpenRouter's
// limit). The names are OpenRouter's (GET /analytics/meta lists them).
struct AnalyticsQuery
{
    QStringList metrics;    // e.g. "total_cost", "request_count"
    QStringList dimensions; // at most two, e.g. "api_key_id", "model"
    QDateTime start, end;   // [start, end), UTC
    int limit = 10'000;     // rows per answer; an answer that hit it says truncated
};

// One row of an analytics answer: its UTC day, the value of each dimension asked for (empty when
// OpenRouter has none, e.g. no provider) and each metric.
struct AnalyticsRow
{
    QDate day;
    QHash<QString, QString> dimensions;
    QHash<QString, double> metrics;
};

// All the rows of one query (every part of a range split because an answer was truncated), and
// how many calls it took.
struct AnalyticsResult
{
    QList<AnalyticsRow> rows;
    bool truncated = false; // this answer left rows out (the client splits the range and asks again)
    int calls = 0;
};

// One entry of GET /models. Prices are USD per token; OpenRouter sends them as strings.
struct ModelInfo
{
    QString id;
    QString name;
    qint64 contextLength = 0;
    std::optional<double> promptPrice;
    std::optional<double> completionPrice;
    double promptPricePerMillion() const { return promptPrice.value_or(0) * 1e6; }
    double completionPricePerMillion() const { return completionPrice.value_or(0) * 1e6; }
};

// A guardrail: OpenRouter's own enforcement of a budget and a model allowlist.
struct Guardrail
{
    QString id;
    QString name;
    QString description;
    std::optional<double> limitUsd;
    LimitReset resetInterval = LimitReset::None;
    std::optional<QStringList> allowedModels; // nullopt: every model allowed
    std::optional<QStringList> allowedProviders;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// What to send when creating or changing a guardrail. Unset optionals are left out of the body
// on PATCH; `clear*` sends an explicit null.
struct GuardrailSpec
{
    QString name;
    QString description;
    std::optional<double> limitUsd;
    bool clearLimit = false;
    std::optional<LimitReset> resetInterval;
    std::optional<QStringList> allowedModels;
    bool clearAllowedModels = false;
};

struct GuardrailKeyAssignment
{
    QString id;
    QString guardrailId;
    QString keyHash;
    QString keyName;
    QString keyLabel;
    QDateTime createdAt;
};

// GET /guardrails/assignments/members: a person (by OpenRouter user id) bound by a guardrail
// across every key of theirs.
struct GuardrailMemberAssignment
{
    QString id;
    QString guardrailId;
    QString userId;
    QDateTime createdAt;
};

// GET /organization/members.
struct OrgMember
{
    QString id;
    QString email;
    QString firstName;
    QString lastName;
    QString role; // "org:admin" or "org:member"

    QString displayName() const { return QString(firstName + u' ' + lastName).trimmed(); }
};

} // namespace orteam
