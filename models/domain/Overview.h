#pragma once

#include "Account.h"
#include "Alerts.h"
#include "Spend.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace orteam {

// What a team lead asks first thing in the morning, answered from the team database (and the
// account's credits and keys when they are known): who spent most this week, and are we on track
// this month? One computation for the dashboard's Overview page and `orteam-cli overview`.
//
// A trend needs history: with fewer than MinTrendDays days recorded there is no rate, so no
// projection, no run-out date and no change against last week; the overview says so rather than
// draw $0 or call a month "on track".
struct OverviewSpender
{
    QString member;
    double week = 0;                 // Monday to today (UTC)
    std::optional<double> lastWeek;  // last week to the same point; none when history does not reach it
};

struct Overview
{
    static constexpr int MinTrendDays = MinRateDays;
    static constexpr int TopSpenders = 5;

    QDateTime now;
    QDate today;
    double spentToday = 0;
    double weekToDate = 0;
    std::optional<double> lastWeekToDate; // last week to the same point (see OverviewInput), when history reaches it
    double monthToDate = 0;
    std::optional<double> monthBudget; // the team's calendar-month budget, when one is set
    int historyDays = 0;               // days from the first recorded spend to today; 0: none yet
    QDate firstDay;

    // With enough history only.
    std::optional<double> ratePerDay;
    std::optional<double> projectedMonthEnd;
    // Whether the month's spend has reached its budget, and the day it did; else the day it will
    // at the current rate (counted from now), none when the projection stays within it.
    bool budgetCrossed = false;
    std::optional<QDate> budgetCrossedOn;

    QList<OverviewSpender> topSpenders; // this week, most first (then by name)

    std::optional<Credits> credits; // none: not known (no key, not loaded, or the read failed)
    // The account's rate (every key's, not only the team's): what the credits run out at.
    std::optional<double> creditsRatePerDay;
    std::optional<QDate> creditsRunOut; // at that rate; none when used up, not spending or unknown
    bool creditsUsedUp() const { return credits && credits->remaining() <= 0; }
    bool keysKnown = false;             // whether the alerts include the keys' own (limits, expiry, rotation)
    // Keys linked to no member that spent this month (OpenRouter's usage_monthly, the calendar
    // month in UTC), with the keys listed only: the team's numbers are its members' spend, so
    // this is said beside them, not added (a gateway's shared key is unlinked, and its spend is
    // its members' usage rows already).
    int unlinkedKeys = 0;
    double unlinkedMonth = 0;
    // "Not in it: $X spent this month by 2 keys linked to no member.", or empty.
    QString unlinkedText() const;
    QList<Alert> alerts;                // every alert that holds now, urgent first

    bool trendKnown() const { return historyDays >= MinTrendDays; }
    // "not enough history yet: 2 days", or empty when the trend is known.
    QString historyNote() const;
    // The month to date as a whole percent of the budget, rounded down as the budget alerts count
    // it (never "100%" while under it); none without a budget.
    std::optional<int> budgetPercent() const;
    // The month at a glance, in one line: "$X of a $Y budget (Z%); projected month end $P at $R a
    // day; crosses the budget around DAY", or "no team monthly budget", or the history note
    // instead of a projection. `orteam-cli overview`, `report monthly --calendar` and the Spend
    // page print this one sentence, so they never disagree on a number or a day.
    QString monthText() const;
    // The month's numbers as JSON keys (month_to_date, month_budget, budget_percent,
    // projected_month_end, …): toJson()'s and the calendar month report's alike.
    QJsonObject monthJson() const;
    // "+40%", "−12%", "new" (nothing last week), or empty when last week is not known.
    static QString changeText(double now, const std::optional<double> &before);
    // (now − before) / before; none when before is unknown or nothing (under a cent).
    static std::optional<double> changeRatio(double now, const std::optional<double> &before);
    QByteArray toJson() const;
};

struct OverviewInput
{
    QDateTime now;
    DailySeries teamDaily; // the team's days from at least the month's start, last week's Monday and 7 days ago to today
    QDate firstSpendDay;   // invalid: nothing recorded yet
    QHash<QString, double> memberWeek;
    // Last week up to the same point: its days before today's weekday, and that weekday (which
    // counts for the share of today gone by, so a Monday morning is not set against a whole Monday).
    QHash<QString, double> memberLastWeekBefore;
    QHash<QString, double> memberLastWeekSameDay;
    std::optional<double> monthBudget;
    std::optional<Credits> credits;
    std::optional<double> accountRate; // AlertInput::accountDailyRate
    bool keysKnown = false;
    QList<Alert> alerts;

    // The first day teamDaily must cover for `today`.
    static QDate seriesStart(const QDate &today);
    static QDate weekStart(const QDate &today) { return today.addDays(1 - today.dayOfWeek()); }
};

Overview computeOverview(const OverviewInput &input);

} // namespace orteam
