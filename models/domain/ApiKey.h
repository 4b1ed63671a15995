#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace orteam {

// How often OpenRouter resets a key's credit limit (at midnight UTC; weeks run Monday to Sunday).
enum class LimitReset { None, Daily, Weekly, Monthly };

// The wire spelling: "daily", "weekly", "monthly"; None has no spelling (JSON null).
QString limitResetToString(LimitReset reset);
// Accepts the wire spelling and "none"; anything else is nullopt so callers can report it.
std::optional<LimitReset> limitResetFromString(const QString &text);

// What a person sees in the status column. Ordered by how urgently an admin should look.
enum class KeyStatus { Active, ExpiringSoon, Disabled, Expired };
QString keyStatusToString(KeyStatus status);

// One API key of the account, as OpenRouter's key object describes it. Usage figures are USD.
struct ApiKey
{
    QString hash;
    QString name;
    QString label; // masked secret, e.g. "sk-or-v1-abc...123"; safe to show
    bool disabled = false;
    std::optional<double> limit;          // nullopt: no limit
    std::optional<double> limitRemaining; // nullopt when there is no limit
    LimitReset limitReset = LimitReset::None;
    bool includeByokInLimit = false;
    double usage = 0;
    double usageDaily = 0;
    double usageWeekly = 0;
    double usageMonthly = 0;
    double byokUsage = 0;
    double byokUsageDaily = 0;
    double byokUsageWeekly = 0;
    double byokUsageMonthly = 0;
    QDateTime createdAt;
    QDateTime updatedAt; // invalid when null
    QDateTime expiresAt; // invalid when the key never expires
    QString creatorUserId;
    QString workspaceId;

    // A key counts as "expiring soon" within this window, the same for table, alerts and CLI.
    static constexpr int ExpiringSoonDays = 7;

    KeyStatus status(const QDateTime &now) const;
    // Spend against the limit in the current reset period, 0..∞; nullopt without a limit.
    std::optional<double> limitUsedFraction() const;
    // What counts against a limit, for the table and the limit's bar alike: the current period's
    // spend for one that resets (usage_daily, _weekly or _monthly), else the whole usage; BYOK's
    // too when the limit counts it; never less than the limit less OpenRouter's limit_remaining
    // (which stops at 0, where the counters show how far over a key went).
    double spentAgainstLimit() const;

    friend bool operator==(const ApiKey &, const ApiKey &) = default;
};

using ApiKeyList = QList<ApiKey>;

// "active, limit $25.00 monthly": a key's state in one line, as the audit log records it.
QString auditSummary(const ApiKey &key);

// Text from the server made safe to show: each control character (an escape sequence's ESC, a
// carriage return, a line break) and each bidirectional override becomes U+FFFD, so a key named
// by someone else can neither recolour a terminal, forge a line of a table, nor read backwards.
// Unchanged (no copy) when there is none.
QString printableText(const QString &text);

} // namespace orteam
