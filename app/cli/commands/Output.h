#pragma once

#include "Command.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

#include "Team.h"

namespace orteam {
struct ApiError;
}

namespace orteam::cli {

class Console;

// What several commands take and print alike: --format and --yes, amounts that may be absent, JSON.

// --format with its choices; the first is the default.
Option formatOption(const QStringList &choices);
// --limit N of the listings that read the newest N (50 by default, 1 to 10000) from the team
// database: openWithLimit reads it, then opens the database; the exit code when either fails.
Option limitOption(const QString &what);
int openWithLimit(Context &context, const Arguments &arguments, int *limit);
// --yes: a change that asks first on a terminal; a script must pass it.
Option yesOption();

// "$5.00", or `none` when there is no amount.
QString moneyOr(const std::optional<double> &amount, const QString &none);
// A budget in a table: "$5.00 a week", or `none`.
QString budgetOr(const std::optional<Budget> &budget, const QString &none);
// Budget fields of a JSON row: "budget_usd" and "budget_period" (null without a budget), and the
// seed's "daily_limit" (the amount of a daily budget; null for a weekly or monthly one).
void addBudgetFields(QJsonObject &row, const std::optional<Budget> &budget);
// --period for a budget: daily (the default), weekly or monthly.
Option budgetPeriodOption();
// A whole number of days, 0 or more, as --OPTION gave it; the upper bounds and how the values
// relate are the domain's and the service's to judge, in one place.
std::optional<int> parseDays(const QString &text, const QString &option, QString *error);
// A key creation that failed with `error`, printed as `message`: when the answer was lost (a
// timeout, the network) the key may exist anyway, so it says to look (`check`) before trying again.
int failKeyCreation(Console &console, const ApiError &error, const QString &message, const QString &check);

// Indented JSON text.
QString jsonText(const QJsonValue &value);

} // namespace orteam::cli
