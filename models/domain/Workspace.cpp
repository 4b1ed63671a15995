#include "Workspace.h"

#include "Csv.h"
#include "Money.h"
#include "Team.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace orteam {

namespace {
// Narrowest first: the order OpenRouter's rule ranks them in.
int widthOf(WorkspaceInterval interval)
{
    return int(interval);
}

std::optional<double> amountOf(const QList<WorkspaceBudget> &budgets, WorkspaceInterval interval)
{
    for (const WorkspaceBudget &b : budgets) {
        if (b.interval == interval)
            return b.limitUsd;
    }
    return std::nullopt;
}

QString money(std::optional<double> amount)
{
    return amount ? formatUsd(*amount) : u"none"_s;
}
} // namespace

QString workspaceIntervalName(WorkspaceInterval interval)
{
    switch (interval) {
    case WorkspaceInterval::Daily: return u"daily"_s;
    case WorkspaceInterval::Weekly: return u"weekly"_s;
    case WorkspaceInterval::Monthly: return u"monthly"_s;
    case WorkspaceInterval::Lifetime: return u"lifetime"_s;
    }
    return {};
}

std::optional<WorkspaceInterval> workspaceIntervalFromString(const QString &text)
{
    for (WorkspaceInterval i : AllWorkspaceIntervals) {
        if (workspaceIntervalName(i) == text.trimmed().toLower())
            return i;
    }
    return std::nullopt;
}

QString workspaceIntervalNoun(WorkspaceInterval interval)
{
    switch (interval) {
    case WorkspaceInterval::Daily: return u"a day"_s;
    case WorkspaceInterval::Weekly: return u"a week"_s;
    case WorkspaceInterval::Monthly: return u"a month"_s;
    case WorkspaceInterval::Lifetime: return u"in all"_s;
    }
    return {};
}

QString workspaceSlugFor(const QString &name)
{
    // Accents fold to their letters (NFKD, marks dropped); anything else that is not a letter or
    // digit separates words.
    QString slug;
    bool hyphen = false;
    for (const QChar c : name.normalized(QString::NormalizationForm_KD).toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')) {
            if (hyphen && !slug.isEmpty())
                slug += u'-';
            slug += c;
            hyphen = false;
        } else if (c.category() != QChar::Mark_NonSpacing) {
            hyphen = true;
        }
    }
    slug.truncate(50);
    while (slug.endsWith(u'-'))
        slug.chop(1);
    return slug;
}

bool isValidWorkspaceSlug(const QString &slug)
{
    static const QRegularExpression pattern(u"^[a-z0-9]+(?:-[a-z0-9]+)*$"_s);
    return slug.size() <= 50 && pattern.match(slug).hasMatch();
}

QString workspaceNameProblem(const QString &name)
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return u"A workspace needs a name."_s;
    if (n.size() > 100)
        return u"A workspace's name has at most 100 characters."_s;
    for (const QChar c : n) {
        if (c.category() == QChar::Other_Control)
            return u"A workspace's name cannot hold control characters."_s;
    }
    return {};
}

QString workspaceBudgetsProblem(const QList<WorkspaceBudget> &budgets)
{
    QList<WorkspaceBudget> sorted = budgets;
    std::sort(sorted.begin(), sorted.end(),
              [](const WorkspaceBudget &a, const WorkspaceBudget &b) { return widthOf(a.interval) < widthOf(b.interval); });
    for (qsizetype i = 0; i < sorted.size(); ++i) {
        const WorkspaceBudget &b = sorted.at(i);
        if (!std::isfinite(b.limitUsd) || b.limitUsd <= 0)
            return u"The %1 budget must be more than $0."_s.arg(workspaceIntervalName(b.interval));
        if (b.limitUsd > 1e9)
            return u"The %1 budget is beyond what OpenRouter takes."_s.arg(workspaceIntervalName(b.interval));
        if (i > 0 && sorted.at(i - 1).interval == b.interval)
            return u"Two %1 budgets: a workspace has one per interval."_s.arg(workspaceIntervalName(b.interval));
        if (i > 0 && !(b.limitUsd > sorted.at(i - 1).limitUsd))
            return u"The %1 budget (%2) must be more than the %3 one (%4): a wider interval allows more."_s.arg(
                workspaceIntervalName(b.interval), formatUsd(b.limitUsd), workspaceIntervalName(sorted.at(i - 1).interval),
                formatUsd(sorted.at(i - 1).limitUsd));
    }
    return {};
}

QString WorkspaceBudgetChange::text() const
{
    const QString name = workspaceIntervalName(interval);
    if (!before)
        return u"%1: set %2"_s.arg(name, money(after));
    if (!after)
        return u"%1: remove %2"_s.arg(name, money(before));
    return u"%1: %2 → %3"_s.arg(name, money(before), money(after));
}

WorkspaceBudgetPlan planWorkspaceBudgets(const QList<WorkspaceBudget> &current, const WorkspaceBudgetWish &wish)
{
    WorkspaceBudgetPlan plan;
    plan.before = current;
    QList<WorkspaceBudgetChange> removed, lowered, raised;
    for (WorkspaceInterval i : AllWorkspaceIntervals) {
        const std::optional<double> was = amountOf(current, i);
        const std::optional<double> want = wish.contains(i) ? wish.value(i) : was;
        if (want)
            plan.after << WorkspaceBudget{i, *want};
        // Cents are what OpenRouter keeps: a difference below one is no change.
        if (was && want && std::fabs(*was - *want) < 0.005)
            continue;
        if (!was && !want)
            continue;
        const WorkspaceBudgetChange change{i, was, want};
        if (!want)
            removed << change;
        else if (was && *want < *was)
            lowered << change;
        else
            raised << change;
    }
    plan.problem = workspaceBudgetsProblem(plan.after);
    if (!plan.problem.isEmpty())
        return plan;
    // AllWorkspaceIntervals runs narrowest first: lowered keep that order, raised go widest first.
    std::reverse(raised.begin(), raised.end());
    plan.changes = removed + lowered + raised;
    return plan;
}

WorkspaceReplay replayWorkspaceBudgets(const QList<WorkspaceBudget> &budgets, const QDate &from, const QDate &to,
                                       const QHash<QDate, double> &dailySpend)
{
    WorkspaceReplay out;
    if (!from.isValid() || !to.isValid() || from > to)
        return out;
    // Each budget's spend so far in its current period; a period begun before `from` starts with
    // the days of it that were given.
    QList<double> used(budgets.size(), 0.0);
    // A lifetime budget counts every day given, before the window too.
    QDate first = from;
    for (auto it = dailySpend.cbegin(); it != dailySpend.cend(); ++it)
        first = std::min(first, it.key());
    auto periodStart = [&first](WorkspaceInterval interval, const QDate &day) {
        switch (interval) {
        case WorkspaceInterval::Daily: return budgetPeriodStart(LimitReset::Daily, day);
        case WorkspaceInterval::Weekly: return budgetPeriodStart(LimitReset::Weekly, day);
        case WorkspaceInterval::Monthly: return budgetPeriodStart(LimitReset::Monthly, day);
        case WorkspaceInterval::Lifetime: return first;
        }
        return day;
    };
    for (qsizetype b = 0; b < budgets.size(); ++b) {
        for (QDate d = periodStart(budgets.at(b).interval, from); d < from; d = d.addDays(1))
            used[b] += dailySpend.value(d);
    }
    for (QDate day = from; day <= to; day = day.addDays(1)) {
        double allowed = std::numeric_limits<double>::infinity();
        for (qsizetype b = 0; b < budgets.size(); ++b) {
            if (day != from && periodStart(budgets.at(b).interval, day) == day)
                used[b] = 0;
            allowed = std::min(allowed, std::max(0.0, budgets.at(b).limitUsd - used.at(b)));
        }
        const double spent = dailySpend.value(day);
        out.spent += spent;
        const double kept = std::min(spent, allowed);
        if (spent - kept >= 0.005) {
            out.refusedDays << day;
            out.notSpent += spent - kept;
        }
        for (qsizetype b = 0; b < budgets.size(); ++b)
            used[b] += kept;
    }
    return out;
}

WorkspaceMemberPlan planWorkspaceMembers(const QStringList &current, const QStringList &wanted)
{
    WorkspaceMemberPlan plan;
    for (const QString &id : wanted) {
        if (!current.contains(id) && !plan.add.contains(id))
            plan.add << id;
    }
    for (const QString &id : current) {
        if (!wanted.contains(id))
            plan.remove << id;
    }
    return plan;
}

QString workspaceBudgetsText(const QList<WorkspaceBudget> &budgets)
{
    QStringList parts;
    for (WorkspaceInterval i : AllWorkspaceIntervals) {
        if (const std::optional<double> amount = amountOf(budgets, i))
            parts << u"%1 %2"_s.arg(formatUsd(*amount), workspaceIntervalNoun(i));
    }
    return parts.isEmpty() ? u"no budget"_s : parts.join(u", "_s);
}

QString workspaceLabel(const WorkspaceSpend &spend)
{
    if (spend.workspaceId.isEmpty())
        return u"(no workspace)"_s;
    return spend.name.isEmpty() ? u"workspace %1"_s.arg(spend.workspaceId) : spend.name;
}

QByteArray workspaceChargebackCsv(const QList<WorkspaceSpend> &rows)
{
    double total = 0;
    for (const WorkspaceSpend &r : rows)
        total += r.cost;
    QString out = u"workspace,workspace_id,cost,share_pct,keys\r\n"_s;
    for (const WorkspaceSpend &r : rows) {
        out += csvField(workspaceLabel(r), true) + u',' + csvField(r.workspaceId, true) + u','
            + QString::number(r.cost, 'f', 4) + u',' + QString::number(total > 0 ? 100.0 * r.cost / total : 0.0, 'f', 1)
            + u',' + QString::number(r.keys) + u"\r\n"_s;
    }
    return out.toUtf8();
}

} // namespace orteam
