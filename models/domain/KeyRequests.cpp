#include "KeyRequests.h"

#include "Money.h"

#include <QTimeZone>

#include <cmath>

namespace orteam {

QString validateKeyName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("A key needs a name.");
    if (trimmed.size() > MaxKeyNameLength)
        return QStringLiteral("A key name can be at most %1 characters.").arg(MaxKeyNameLength);
    for (const QChar c : trimmed) {
        if (c.category() == QChar::Other_Control)
            return QStringLiteral("A key name cannot contain control characters.");
    }
    return {};
}

QString validateCreditLimit(double limit, const QString &what)
{
    if (!std::isfinite(limit))
        return QStringLiteral("The %1 must be a number.").arg(what);
    if (limit < 0)
        return QStringLiteral("The %1 cannot be negative.").arg(what);
    if (limit > MaxCreditLimitUsd)
        return QStringLiteral("The %1 cannot be more than %2.").arg(what, formatUsd(MaxCreditLimitUsd));
    return {};
}

QString validateExpiry(const QDateTime &expiresAt, const QDateTime &now)
{
    if (!expiresAt.isValid())
        return {};
    if (expiresAt <= now)
        return QStringLiteral("The expiry date must be in the future.");
    return {};
}

QString validate(const NewKeySpec &spec, const QDateTime &now)
{
    if (QString e = validateKeyName(spec.name); !e.isEmpty())
        return e;
    if (spec.limit) {
        if (QString e = validateCreditLimit(*spec.limit); !e.isEmpty())
            return e;
    }
    return validateExpiry(spec.expiresAt, now);
}

LimitParse parseCreditLimit(const QString &text, const QString &what)
{
    LimitParse result;
    QString t = text.trimmed().toLower();
    if (t == QLatin1String("none") || t == QLatin1String("unlimited"))
        return result;
    if (t.startsWith(QLatin1Char('$')))
        t.remove(0, 1);
    bool ok = false;
    const double value = t.toDouble(&ok);
    if (!ok || t.isEmpty()) {
        result.error = QStringLiteral("\"%1\" is not an amount in USD (try 25 or 25.50, or none).").arg(text);
        return result;
    }
    result.error = validateCreditLimit(value, what);
    if (result.error.isEmpty())
        result.limit = value;
    return result;
}

BudgetParse parseBudget(const QString &amount, const QString &period, LimitReset defaultPeriod)
{
    BudgetParse result;
    const LimitParse limit = parseCreditLimit(amount, QStringLiteral("budget"));
    if (!limit.error.isEmpty()) {
        result.error = limit.error;
        return result;
    }
    std::optional<LimitReset> reset = defaultPeriod;
    if (!period.trimmed().isEmpty())
        reset = budgetPeriodFromString(period);
    if (!reset) {
        result.error = QStringLiteral("\"%1\" is not a budget period (daily, weekly or monthly).").arg(period);
        return result;
    }
    // No budget has no period: a period beside "none" was meant for an amount, and dropping it
    // without a word would let the person believe it was taken.
    if (!limit.limit && !period.trimmed().isEmpty()) {
        result.error = QStringLiteral("\"%1\" takes no period: give the period with an amount, or none alone.").arg(amount.trimmed());
        return result;
    }
    if (limit.limit)
        result.budget = Budget{*limit.limit, *reset};
    return result;
}

BudgetParse parseBudget(const QString &amount, LimitReset shownPeriod)
{
    BudgetParse result;
    const LimitParse limit = parseCreditLimit(amount, QStringLiteral("budget"));
    result.error = limit.error;
    if (limit.error.isEmpty() && limit.limit)
        result.budget = Budget{*limit.limit, shownPeriod};
    return result;
}

BudgetParse parseMemberBudget(const QString &amount, const QString &period, LimitReset defaultPeriod)
{
    if (amount.trimmed().isEmpty())
        return {};
    // "none" is said before any period beside it (the member form always shows one).
    if (const LimitParse limit = parseCreditLimit(amount, QStringLiteral("budget")); limit.error.isEmpty() && !limit.limit) {
        BudgetParse refused;
        refused.error = QStringLiteral("A member's own budget needs an amount; without one, theirs is their tier's.");
        return refused;
    }
    return parseBudget(amount, period, defaultPeriod);
}

ExpiryParse parseExpiry(const QString &text)
{
    ExpiryParse result;
    const QString t = text.trimmed();
    const QDate date = QDate::fromString(t, Qt::ISODate);
    if (date.isValid() && t.size() == 10) {
        result.expiresAt = QDateTime(date, QTime(23, 59, 59), QTimeZone::utc());
        return result;
    }
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid()) {
        result.error = QStringLiteral("\"%1\" is not an ISO 8601 date (try 2027-12-31 or 2027-12-31T23:59:59Z).").arg(text);
        return result;
    }
    if (dt.timeSpec() == Qt::LocalTime)
        dt.setTimeZone(QTimeZone::utc());
    result.expiresAt = dt.toUTC();
    return result;
}

} // namespace orteam
