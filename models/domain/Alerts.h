#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "Hygiene.h"
#include "Spend.h"
#include "Team.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace orteam {

// Something a team lead should hear about once: a member past a share (by default 80% and 100%)
// of their budget for the day, week or month, the team past a share of its daily or calendar-month budget, a key expiring
// within 7, 3 or 1 days, a member spending over three times their usual day, a member using a
// model their tier does not allow (seen in their keys' activity), a key older than the team's
// rotation period that is not being rotated, the account's credits running out within days, or a
// key hygiene finding of critical severity (an enabled key of an offboarded member).
struct Alert
{
    enum class Kind { Budget, TeamBudget, Expiry, Anomaly, OutsideTier, RotationDue, CreditsLow, Hygiene };
    Kind kind = Kind::Budget;
    QString id;      // stable: the same situation has the same id, so it is raised once
    QString subject; // the member or key
    QString member;  // the member it concerns (a key's owner), for routing by tier; empty: the team
    QString text;    // one sentence for a person
    int percent = 0; // Budget, TeamBudget: the share of the budget crossed
    LimitReset period = LimitReset::Daily; // Budget: the period of the member's budget
    bool urgent = false;
};

// The stable name of an alert's kind, as notification routes and orteam-cli spell it:
// "budget", "team-budget", "expiry", "anomaly", "outside-tier", "rotation", "credits", "hygiene".
QString alertKindId(Alert::Kind kind);
std::optional<Alert::Kind> alertKindFromId(const QString &id);
QList<Alert::Kind> allAlertKinds();
QString alertKindTitle(Alert::Kind kind); // "Budget thresholds", for a person

// The team-wide alert settings (team settings in the database, shared by every dashboard and
// cron run): the shares of a budget that raise an alert, the team's own budgets, and how many
// days of credits left is worth a warning.
struct AlertSettings
{
    QList<int> budgetThresholds{80, 100};    // percent, ascending, each 1..1000
    std::optional<double> teamDailyBudget;   // USD per UTC day
    std::optional<double> teamMonthlyBudget; // USD per calendar month (UTC)
    int creditsWarnDays = 7;                 // 0: no credits alert

    // name → value, as stored ("alerts.thresholds" = "50,80,100", …); fromFields is the inverse
    // and names the first unreadable value in `problem`.
    QHash<QString, QString> fields() const;
    static AlertSettings fromFields(const QHash<QString, QString> &fields, QString *problem);
    static QStringList fieldNames();
    static std::optional<QList<int>> parseThresholds(const QString &text, QString *problem);
    // "thresholds 80%, 100%; team daily budget none; …": what the audit log keeps of a change.
    QString summary() const;
    friend bool operator==(const AlertSettings &, const AlertSettings &) = default;
};

struct AlertInput
{
    QDateTime now; // UTC
    QList<Member> members;
    QList<Tier> tiers;
    QHash<QString, PeriodSpend> spent;        // member → USD today, this week, this month
    // member → spend on the 14 days before today; only members whose spend today may be an
    // anomaly (mayBeAnomaly) need theirs, unless firstSpendDay is unknown
    QHash<QString, DailySeries> previousDays;
    QList<ApiKey> keys;
    QList<ModelUse> modelUses; // recent models per member (activity of their keys)
    std::optional<int> rotationDays; // the team's rotation period (HygieneSettings); nullopt: none
    QSet<QString> rotatingKeys;      // keys whose replacement is made (an open rotation schedule)
    AlertSettings settings;
    double teamSpentToday = 0;           // every key's spend today, members or not
    double teamSpentMonth = 0;           // the calendar month so far, today included
    std::optional<Credits> credits;      // nullopt: not read (no credits alert)
    // The whole account's rate (teamRate() over SpendRepository::accountDailySpend, from the
    // account's first recorded day): what its credits are spent at, keys linked to nobody included.
    // None with too little history.
    std::optional<double> accountDailyRate;
    QDate firstSpendDay; // the team database's first recorded spend (invalid: unknown; the members' days then judge)
    QList<KeyHygiene> hygiene;           // keys the hygiene rules judged (only critical findings raise alerts)
};

// The median of the 14 days before today (quiet days count as zero).
double usualDailySpend(const DailySeries &previous, const QDate &today);

// Whether spend today can be an anomaly at all: over $1 (and then over 3x the usual day). Below
// it nobody's fortnight needs reading.
inline bool mayBeAnomaly(double spentToday) { return spentToday > 1.0; }

// Every alert that holds now, most urgent first. Budget alerts are per UTC day and threshold (only
// the highest one crossed: a member found at 105% hears "over budget", not 80% as well), the team's
// monthly one per calendar month; an expiry alert
// is per key and threshold (7, 3, 1 days), so each fires once as the date comes closer; the
// anomaly is today's spend over 3× the usual day and over $1; a model outside the member's
// tier is per member and model, so only its first use is news; a key due for rotation is per key
// (the same rule as the hygiene finding: enabled, unexpired, older than the period, not rotating);
// credits running out is per purchase total (a top-up can raise it again) when the remaining
// credits last fewer than creditsWarnDays at the team's recent rate.
QList<Alert> currentAlerts(const AlertInput &input);

} // namespace orteam
