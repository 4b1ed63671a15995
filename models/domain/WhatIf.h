#pragma once

#include "Spend.h"
#include "Team.h"

#include <QDate>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace orteam {

// What a member's keys spent on one model on one day (their keys' activity, kept in the team
// database beyond OpenRouter's 30 days).
struct ModelDay
{
    QString member;
    QDate day;
    QString model;
    double cost = 0;
    qint64 requests = 0;
};

// "What if these tiers and budgets had been in force?": the stored history replayed against the
// rules about to be applied, before they are. No peer answers this; a team lead asks it before
// tightening a tier.
struct WhatIfInput
{
    QList<Tier> tiers;     // the rules to replay (what Apply would push)
    QList<Member> members; // with their tiers and own budgets
    QDate from, to;        // the days reported on
    // Member → day → USD, every source. Days before `from` may be given: a week or month that
    // started before the window counts what was spent in it before `from`.
    QHash<QString, DailySeries> dailySpend;
    QList<ModelDay> modelDays; // which models, from the keys' activity
};

struct WhatIfMember
{
    QString member;
    QString tier;
    std::optional<Budget> budget;
    double spent = 0;         // in the window, as it happened
    double notSpent = 0;      // refused: over the budget in its period, or a model the tier refuses
    double downgraded = 0;    // spent on models the tier would have downgraded to its fallback
    QList<QDate> refusedDays; // a day on which some of their spend would have been refused
    QList<QDate> downgradedDays;
    QStringList refusedModels, downgradedModels;

    QJsonObject toJson() const;
};

struct WhatIfResult
{
    QDate from, to;
    QList<WhatIfMember> members; // only those the rules would have changed anything for, most refused first
    double spent = 0;            // every member's spend in the window
    double notSpent = 0;
    double downgraded = 0;
    int membersReplayed = 0;
    QStringList notes; // what the replay cannot know, for a person

    QJsonObject toJson() const;
    QString text() const; // a few lines for a person (orteam-cli, the preview)
};

// Budgets are replayed day by day through each period (the seed's rule: spend is admitted while
// the period's total is under the limit, so the day that crosses it is cut at the limit and the
// days after it are refused); models through applyModelPolicy (refused: not spent; downgraded:
// spent, on the fallback). Spend on refused models does not count toward the budget. Offboarded
// members and members without a tier are left out (no tier's rules bind them).
WhatIfResult replayHistory(const WhatIfInput &input);

} // namespace orteam
