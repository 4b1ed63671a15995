#pragma once

#include "ApiKey.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace orteam {

// OpenRouter workspaces: a department's keys and people under pooled budgets that OpenRouter
// itself enforces. A workspace may hold one budget per interval; "lifetime" never resets.
enum class WorkspaceInterval { Daily, Weekly, Monthly, Lifetime };
inline constexpr WorkspaceInterval AllWorkspaceIntervals[] = {WorkspaceInterval::Daily, WorkspaceInterval::Weekly,
                                                              WorkspaceInterval::Monthly, WorkspaceInterval::Lifetime};
QString workspaceIntervalName(WorkspaceInterval interval); // "daily", as the API spells it
std::optional<WorkspaceInterval> workspaceIntervalFromString(const QString &text);
QString workspaceIntervalNoun(WorkspaceInterval interval); // "a day", "a week", "a month", "in all"

struct WorkspaceBudget
{
    WorkspaceInterval interval = WorkspaceInterval::Monthly;
    double limitUsd = 0;
};

struct Workspace
{
    QString id;
    QString name;
    QString slug;
    QString description;
    QDateTime createdAt;
};

struct WorkspaceMember
{
    QString userId;
    QString role;
};

// The slug OpenRouter asks for (lowercase letters and digits in hyphen-separated runs, at most
// 50), made from a name: "Data Science & ML" → "data-science-ml". Empty when nothing is left.
QString workspaceSlugFor(const QString &name);
bool isValidWorkspaceSlug(const QString &slug);
// Why a name or slug would be refused, or empty.
QString workspaceNameProblem(const QString &name);

// Budgets as wanted: per interval an amount, or nullopt for none. Intervals left out of the map
// are left as they are.
using WorkspaceBudgetWish = QMap<WorkspaceInterval, std::optional<double>>;

// Why a set of budgets cannot stand, or empty: every amount above zero and finite, and the wider
// the interval the more it allows (OpenRouter's rule: lifetime > monthly > weekly > daily).
QString workspaceBudgetsProblem(const QList<WorkspaceBudget> &budgets);

struct WorkspaceBudgetChange
{
    WorkspaceInterval interval = WorkspaceInterval::Monthly;
    std::optional<double> before; // nullopt: a new budget
    std::optional<double> after;  // nullopt: removed
    QString text() const;         // "monthly: $100.00 → $150.00"
};

struct WorkspaceBudgetPlan
{
    QList<WorkspaceBudget> before;
    QList<WorkspaceBudget> after;
    // In the order they can be sent one by one without any step breaking OpenRouter's rule:
    // removals, then lowered amounts narrowest first, then raised or new ones widest first.
    QList<WorkspaceBudgetChange> changes;
    QString problem; // non-empty: the wish cannot be applied (nothing is)
    bool nothingToDo() const { return problem.isEmpty() && changes.isEmpty(); }
};
WorkspaceBudgetPlan planWorkspaceBudgets(const QList<WorkspaceBudget> &current, const WorkspaceBudgetWish &wish);

// What if these budgets had held: the workspace's spend day by day (UTC) replayed against every
// budget's interval. The crossing day is cut at the limit; later days of the period refused.
// Days before `from` that are given count toward the periods they fall in (a lifetime budget's:
// all of them), so give the history back to where the periods begin.
struct WorkspaceReplay
{
    QList<QDate> refusedDays; // days with spend that would have been (partly) refused
    double notSpent = 0;      // the dollars the budgets would have kept from being spent
    double spent = 0;         // what was spent over the days given
};
WorkspaceReplay replayWorkspaceBudgets(const QList<WorkspaceBudget> &budgets, const QDate &from, const QDate &to,
                                       const QHash<QDate, double> &dailySpend);

// Members as wanted (OpenRouter user ids) against members as they are.
struct WorkspaceMemberPlan
{
    QStringList add;    // user ids
    QStringList remove; // user ids
    bool nothingToDo() const { return add.isEmpty() && remove.isEmpty(); }
};
WorkspaceMemberPlan planWorkspaceMembers(const QStringList &current, const QStringList &wanted);

// One workspace's line in a chargeback: what its keys spent over a range of days.
struct WorkspaceSpend
{
    QString workspaceId; // empty: keys OpenRouter listed without a workspace
    QString name;        // as last seen; empty when never seen
    double cost = 0;
    qint64 requests = 0;
    int keys = 0;        // keys that spent in the range
};

// "$10.00 a day, $200.00 a month", or "no budget".
QString workspaceBudgetsText(const QList<WorkspaceBudget> &budgets);
// A chargeback line's name: the workspace's, "(no workspace)" for keys never listed with one, or
// "workspace ID" when its name was never seen.
QString workspaceLabel(const WorkspaceSpend &spend);
// The chargeback as CSV (header, one line per workspace, CRLF): workspace, workspace_id,
// cost to 4 decimals as the seed's reports, share of the total in percent, keys that spent.
QByteArray workspaceChargebackCsv(const QList<WorkspaceSpend> &rows);

} // namespace orteam
