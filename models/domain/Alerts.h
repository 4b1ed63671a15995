#pragma once

#include "ApiKey.h"
#include "Spend.h"
#include "Team.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace orteam {

// Something a team lead should hear about once: a member at 80% or 100% of today's budget, a
// key expiring within 7, 3 or 1 days, a member spending over three times their usual day, or a
// member using a model their tier does not allow (seen in their keys' activity), or a key older
// than the team's rotation period that is not being rotated.
struct Alert
{
    enum class Kind { Budget80, Budget100, Expiry, Anomaly, OutsideTier, RotationDue };
    Kind kind = Kind::Budget80;
    QString id;      // stable: the same situation has the same id, so it is raised once
    QString subject; // the member or key
    QString text;    // one sentence for a person
    bool urgent = false;
};

struct AlertInput
{
    QDateTime now; // UTC
    QList<Member> members;
    QList<Tier> tiers;
    QHash<QString, double> spentToday;        // member → USD today
    QHash<QString, DailySeries> previousDays; // member → spend on the 14 days before today
    QList<ApiKey> keys;
    QList<ModelUse> modelUses; // recent models per member (activity of their keys)
    std::optional<int> rotationDays; // the team's rotation period (HygieneSettings); nullopt: none
    QSet<QString> rotatingKeys;      // keys whose replacement is made (an open rotation schedule)
};

// The median of the 14 days before today (quiet days count as zero).
double usualDailySpend(const DailySeries &previous, const QDate &today);

// Every alert that holds now, most urgent first. Budget alerts are per UTC day; an expiry alert
// is per key and threshold (7, 3, 1 days), so each fires once as the date comes closer; the
// anomaly is today's spend over 3× the usual day and over $1; a model outside the member's
// tier is per member and model, so only its first use is news; a key due for rotation is per key
// (the same rule as the hygiene finding: enabled, unexpired, older than the period, not rotating).
QList<Alert> currentAlerts(const AlertInput &input);

} // namespace orteam
