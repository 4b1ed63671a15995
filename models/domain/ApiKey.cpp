#include "ApiKey.h"

#include <algorithm>

#include "Money.h"

namespace orteam {

QString limitResetToString(LimitReset reset)
{
    switch (reset) {
    case LimitReset::Daily:
        return QStringLiteral("daily");
    case LimitReset::Weekly:
        return QStringLiteral("weekly");
    case LimitReset::Monthly:
        return QStringLiteral("monthly");
    case LimitReset::None:
        break;
    }
    return {};
}

std::optional<LimitReset> limitResetFromString(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("daily"))
        return LimitReset::Daily;
    if (t == QLatin1String("weekly"))
        return LimitReset::Weekly;
    if (t == QLatin1String("monthly"))
        return LimitReset::Monthly;
    if (t == QLatin1String("none") || t.isEmpty())
        return LimitReset::None;
    return std::nullopt;
}

QString keyStatusToString(KeyStatus status)
{
    switch (status) {
    case KeyStatus::Active:
        return QStringLiteral("active");
    case KeyStatus::ExpiringSoon:
        return QStringLiteral("expiring");
    case KeyStatus::Disabled:
        return QStringLiteral("disabled");
    case KeyStatus::Expired:
        return QStringLiteral("expired");
    }
    return {};
}

QString printableText(const QString &text)
{
    const auto unsafe = [](QChar c) {
        const ushort u = c.unicode();
        if (u < 0x80) // most names: ASCII's controls without asking for a category
            return u < 0x20 || u == 0x7f;
        return c.category() == QChar::Other_Control || (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069)
            || u == 0x200E || u == 0x200F || u == 0x061C;
    };
    if (std::none_of(text.cbegin(), text.cend(), unsafe))
        return text;
    QString out = text;
    for (QChar &c : out) {
        if (unsafe(c))
            c = QChar::ReplacementCharacter;
    }
    return out;
}

QString auditSummary(const ApiKey &k)
{
    QString limit = k.limit ? formatUsd(*k.limit) : QStringLiteral("none");
    if (k.limit && k.limitReset != LimitReset::None)
        limit += u' ' + limitResetToString(k.limitReset);
    // BYOK only when counted: otherwise a change of it would read as the same state before and after.
    if (k.includeByokInLimit)
        limit += QStringLiteral(" incl. BYOK");
    return (k.disabled ? QStringLiteral("disabled") : QStringLiteral("active")) + QStringLiteral(", limit ") + limit;
}

KeyStatus ApiKey::status(const QDateTime &now) const
{
    // An expired key is dead whether or not it is also disabled, so expiry wins.
    if (expiresAt.isValid() && expiresAt <= now)
        return KeyStatus::Expired;
    if (disabled)
        return KeyStatus::Disabled;
    if (expiresAt.isValid() && now.daysTo(expiresAt) < ExpiringSoonDays)
        return KeyStatus::ExpiringSoon;
    return KeyStatus::Active;
}

std::optional<double> ApiKey::limitUsedFraction() const
{
    if (!limit)
        return std::nullopt;
    if (*limit <= 0)
        return 1.0; // a zero limit is exhausted by definition
    // The one rule of what counts against a limit (the period's spend, BYOK when counted, never
    // less than OpenRouter's limit_remaining says): the bar and keys list agree.
    return spentAgainstLimit() / *limit;
}

double ApiKey::spentAgainstLimit() const
{
    double spent = usage, byok = byokUsage;
    switch (limitReset) {
    case LimitReset::Daily:
        spent = usageDaily, byok = byokUsageDaily;
        break;
    case LimitReset::Weekly:
        spent = usageWeekly, byok = byokUsageWeekly;
        break;
    case LimitReset::Monthly:
        spent = usageMonthly, byok = byokUsageMonthly;
        break;
    case LimitReset::None:
        break;
    }
    if (includeByokInLimit)
        spent += byok;
    // What OpenRouter says is left counts too (it knows what it charges against the limit); its
    // remainder stops at 0, so the counters show how far over a key went.
    if (limit && limitRemaining)
        spent = std::max(spent, *limit - *limitRemaining);
    return spent;
}

} // namespace orteam
