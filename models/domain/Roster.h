#pragma once

#include "Team.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace orteam {

// A team roster from a CSV file: a header row naming the columns, then one member per row.
// Columns (any order, case-insensitive): name (or the seed's user_id), email, tier, daily_limit
// (or budget), budget_period (daily, weekly, monthly), active, openrouter_user_id. Only name is required; a column left out keeps what the member has,
// an empty daily_limit cell means "the tier's default", active=no offboards the member, and an
// empty openrouter_user_id cell leaves the member's link to OpenRouter as it is. (The seed calls
// the member's name user_id, so OpenRouter's user id has the longer name.)
struct RosterRow
{
    int line = 0;
    QString name;
    std::optional<QString> email;
    std::optional<QString> tier;
    bool hasDailyLimit = false; // the file says something about the limit
    std::optional<double> dailyLimit; // the amount of the member's own budget (the seed's name)
    // The own budget's period when the file has the column; else a new member's budget is daily
    // and an existing member's keeps the period it had.
    std::optional<LimitReset> budgetPeriod;
    std::optional<bool> active;
    std::optional<QString> userId; // OpenRouter's user id, when the row names one
    QString error; // one sentence per rejected row; empty when the row is fine
};

struct RosterFile
{
    QList<RosterRow> rows; // accepted and rejected, in file order
    QString error;         // the file as a whole cannot be used (no header, unterminated quote, …)
    int rejectedCount() const;
};

RosterFile parseRoster(QStringView csv, const QList<Tier> &tiers);

// What importing would do, member by member, shown to a person before anything happens.
struct RosterChange
{
    enum class Kind { Add, Change, Offboard, Reactivate, Unchanged };
    Kind kind = Kind::Unchanged;
    int line = 0; // 0 for "not in the file"
    Member before; // empty for Add
    Member after;
    QStringList differences; // "tier basic → pro", … for a person
};

struct RosterPlan
{
    QList<RosterChange> changes; // one per accepted row, plus the offboardings
    QList<RosterRow> rejected;
    // Why members the file does not mention are not offboarded although the file is the whole
    // team (empty: they are, or it is not asked): a rejected row may be any of them.
    QString offboardingHeld;
    int count(RosterChange::Kind kind) const;
    bool hasWork() const;
};

// `offboardMissing`: active members the file does not mention are offboarded (the file is the
// whole team), unless a row was rejected: offboarding revokes keys, and a rejected row's person
// cannot be told from a person left out (see RosterPlan::offboardingHeld). Off, only members the
// file names change. A row naming a member in other letter case ("ALICE" for alice) is rejected:
// names are told apart by case, and adding ALICE beside alice is seldom what the file means.
RosterPlan planRoster(const RosterFile &file, const QList<Member> &current, bool offboardMissing);

QString rosterKindName(RosterChange::Kind kind);

} // namespace orteam
