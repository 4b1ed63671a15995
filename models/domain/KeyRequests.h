#pragma once

#include "ApiKey.h"
#include "Team.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace orteam {

// The largest credit limit we accept from a person. OpenRouter has no documented maximum, but a
// limit above this is a typo (an extra zero or two), not a budget.
inline constexpr double MaxCreditLimitUsd = 1'000'000.0;
inline constexpr int MaxKeyNameLength = 100;

// What to create: POST /keys.
struct NewKeySpec
{
    QString name;
    std::optional<double> limit;
    LimitReset limitReset = LimitReset::None;
    QDateTime expiresAt; // invalid: never expires
    bool includeByokInLimit = false;
    // Whose key it is at OpenRouter (an organization member's user id): their guardrails as a
    // person then bind it. Empty: the management key's owner, OpenRouter's default.
    QString creatorUserId;
};

// What to change: PATCH /keys/{hash}. Only the fields that are set are sent.
struct KeyUpdate
{
    std::optional<QString> name;
    std::optional<bool> disabled;
    std::optional<std::optional<double>> limit; // set to nullopt inside: remove the limit
    std::optional<LimitReset> limitReset;
    std::optional<bool> includeByokInLimit;
    bool isEmpty() const
    {
        return !name && !disabled && !limit && !limitReset && !includeByokInLimit;
    }
};

// Each returns an empty string when the value is fine, otherwise one sentence for a person.
QString validateKeyName(const QString &name);
// `what` names the amount in the message: a key's "credit limit", a person's "budget".
QString validateCreditLimit(double limit, const QString &what = QStringLiteral("credit limit"));
QString validateExpiry(const QDateTime &expiresAt, const QDateTime &now);
QString validate(const NewKeySpec &spec, const QDateTime &now);

// Parses a person's limit: "25", "25.50", "$25", or "none"/"unlimited" (returns a nullopt limit).
struct LimitParse
{
    std::optional<double> limit;
    QString error;
};
LimitParse parseCreditLimit(const QString &text, const QString &what = QStringLiteral("credit limit"));

// A budget as a person types it: an amount as parseCreditLimit reads it ("none": no budget) and a
// period ("daily", "weekly", "monthly"; empty: `defaultPeriod`; with "none" it must be empty, as
// a period said for no budget is a mistake). The tier editor, the member form and orteam-cli all
// read budgets through it.
struct BudgetParse
{
    std::optional<Budget> budget;
    QString error;
};
BudgetParse parseBudget(const QString &amount, const QString &period, LimitReset defaultPeriod = LimitReset::Daily);
// The same with the period a form's box shows: the box always holds one, so beside "none" it was
// not said, and it is not a mistake.
BudgetParse parseBudget(const QString &amount, LimitReset shownPeriod);
// A member's own budget as typed (the member form, orteam-cli, a roster cell): nothing typed is
// no budget of their own (their tier's); "none" is refused, as no member can have no budget
// while their tier has one, and taking it for the tier's would say something else than was typed.
BudgetParse parseMemberBudget(const QString &amount, const QString &period, LimitReset defaultPeriod = LimitReset::Daily);

// Parses an ISO 8601 date or date-time for an expiry. A bare date means the end of that UTC day;
// a time without an offset is taken as UTC (OpenRouter rejects other zones, so we convert).
struct ExpiryParse
{
    QDateTime expiresAt;
    QString error;
};
ExpiryParse parseExpiry(const QString &text);

} // namespace orteam
