#include "Output.h"

#include "ApiError.h"
#include "Console.h"
#include "Context.h"
#include "Money.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

Option formatOption(const QStringList &choices)
{
    return Option::choice(u"format"_s, choices, u"How to print it (default: %1)."_s.arg(choices.first()));
}

Option limitOption(const QString &what)
{
    return Option::value(u"limit"_s, u"N"_s, u"How many %1 (50 by default, at most 10000)."_s.arg(what));
}

int openWithLimit(Context &context, const Arguments &arguments, int *limit)
{
    bool ok = false;
    *limit = arguments.value(u"limit"_s, u"50"_s).toInt(&ok);
    if (!ok || *limit < 1 || *limit > 10000)
        return context.console().fail(UsageError, u"--limit must be a number from 1 to 10000"_s);
    return context.openStore();
}

Option yesOption()
{
    return Option::flag(u"yes"_s, u"Do not ask for confirmation."_s);
}

QString moneyOr(const std::optional<double> &amount, const QString &none)
{
    return amount ? formatUsd(*amount) : none;
}

QString budgetOr(const std::optional<Budget> &budget, const QString &none)
{
    return budget ? budgetText(*budget) : none;
}

void addBudgetFields(QJsonObject &row, const std::optional<Budget> &budget)
{
    row.insert("budget_usd"_L1, budget ? QJsonValue(budget->usd) : QJsonValue());
    row.insert("budget_period"_L1, budget ? QJsonValue(budgetPeriodAdjective(budget->period)) : QJsonValue());
    row.insert("daily_limit"_L1, budget && budget->period == LimitReset::Daily ? QJsonValue(budget->usd) : QJsonValue());
}

Option budgetPeriodOption()
{
    return Option::value(u"period"_s, u"daily|weekly|monthly"_s,
                         u"How often the budget resets (at 00:00 UTC; a week starts on Monday), as OpenRouter's guardrails "
                         "reset. Left out: the budget keeps the period it has (daily for a new one)."_s);
}

std::optional<int> parseDays(const QString &text, const QString &option, QString *error)
{
    bool ok = false;
    const int days = text.trimmed().toInt(&ok);
    if (!ok || days < 0) {
        *error = u"--%1 needs a whole number of days (0 or more), not \"%2\""_s.arg(option, text);
        return std::nullopt;
    }
    return days;
}

int failKeyCreation(Console &console, const ApiError &error, const QString &message, const QString &check)
{
    if (error.kind == ApiError::Kind::Timeout || error.kind == ApiError::Kind::Network)
        return console.fail(NetworkError, message + u" The key may have been created anyway: check with \"%1\" before trying "
                                                    "again."_s.arg(check));
    return console.fail(exitFor(error), message);
}

QString jsonText(const QJsonValue &value)
{
    const QJsonDocument document = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

} // namespace orteam::cli
