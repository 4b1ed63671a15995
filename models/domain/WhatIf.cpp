#include "WhatIf.h"

#include "Money.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QJsonArray days(const QList<QDate> &list)
{
    QJsonArray out;
    for (const QDate &d : list)
        out.append(d.toString(Qt::ISODate));
    return out;
}

double rounded(double usd)
{
    return std::round(usd * 10000.0) / 10000.0;
}

void addDay(QList<QDate> &list, const QDate &day)
{
    if (!list.contains(day))
        list << day;
}
} // namespace

QJsonObject WhatIfMember::toJson() const
{
    return QJsonObject{{"member"_L1, member},
                       {"tier"_L1, tier},
                       {"budget_usd"_L1, budget ? QJsonValue(budget->usd) : QJsonValue()},
                       {"budget_period"_L1, budget ? QJsonValue(budgetPeriodAdjective(budget->period)) : QJsonValue()},
                       {"spent_usd"_L1, rounded(spent)},
                       {"not_spent_usd"_L1, rounded(notSpent)},
                       {"downgraded_usd"_L1, rounded(downgraded)},
                       {"refused_days"_L1, days(refusedDays)},
                       {"downgraded_days"_L1, days(downgradedDays)},
                       {"refused_models"_L1, QJsonArray::fromStringList(refusedModels)},
                       {"downgraded_models"_L1, QJsonArray::fromStringList(downgradedModels)}};
}

QJsonObject WhatIfResult::toJson() const
{
    QJsonArray list;
    for (const WhatIfMember &m : members)
        list.append(m.toJson());
    return QJsonObject{{"from"_L1, from.toString(Qt::ISODate)},
                       {"to"_L1, to.toString(Qt::ISODate)},
                       {"members_replayed"_L1, membersReplayed},
                       {"spent_usd"_L1, rounded(spent)},
                       {"not_spent_usd"_L1, rounded(notSpent)},
                       {"downgraded_usd"_L1, rounded(downgraded)},
                       {"members"_L1, list},
                       {"notes"_L1, QJsonArray::fromStringList(notes)}};
}

QString WhatIfResult::text() const
{
    QStringList lines;
    lines << u"What if these rules had been in force from %1 to %2 (%3 days, %4 members):"_s.arg(
        from.toString(Qt::ISODate), to.toString(Qt::ISODate)).arg(from.daysTo(to) + 1).arg(membersReplayed);
    if (members.isEmpty()) {
        lines << u"  nobody would have been refused or downgraded; %1 was spent."_s.arg(formatUsd(spent));
    } else {
        lines << u"  %1 of the %2 spent would not have been (refused), %3 would have gone to a fallback model."_s.arg(
            formatUsd(notSpent), formatUsd(spent), formatUsd(downgraded));
        for (const WhatIfMember &m : members) {
            QStringList parts;
            if (m.notSpent > 0)
                parts << u"%1 refused on %2 (%3)"_s.arg(formatUsd(m.notSpent))
                             .arg(m.refusedDays.size() == 1 ? u"1 day"_s : u"%1 days"_s.arg(m.refusedDays.size()))
                             .arg(m.refusedDays.first().toString(Qt::ISODate)
                                  + (m.refusedDays.size() > 1 ? u" … "_s + m.refusedDays.last().toString(Qt::ISODate) : QString()));
            if (!m.refusedModels.isEmpty())
                parts << u"models refused: %1"_s.arg(m.refusedModels.join(u", "_s));
            if (m.downgraded > 0)
                parts << u"%1 downgraded (%2)"_s.arg(formatUsd(m.downgraded), m.downgradedModels.join(u", "_s));
            lines << u"  %1 (%2, %3): %4"_s.arg(m.member, m.tier, m.budget ? budgetText(*m.budget) : u"no budget"_s,
                                                parts.join(u"; "_s));
        }
    }
    for (const QString &note : notes)
        lines << u"  Note: "_s + note;
    return lines.join(u'\n');
}

WhatIfResult replayHistory(const WhatIfInput &input)
{
    WhatIfResult result;
    result.from = input.from;
    result.to = input.to;
    QHash<QString, DailySeries> spend = input.dailySpend;
    QHash<QString, WhatIfMember> byName;
    QHash<QString, const Member *> members;
    for (const Member &m : input.members) {
        if (!m.active || m.tier.isEmpty())
            continue;
        members.insert(m.name, &m);
        WhatIfMember &w = byName[m.name];
        w.member = m.name;
        w.tier = m.tier;
        w.budget = effectiveBudget(m, input.tiers);
    }
    result.membersReplayed = int(members.size());

    // 1. Models: a refused model's spend is not spent (and so not counted toward the budget).
    // Days before the window (a period's lead-in) lose their refused spend too, so the budget
    // they fill is the one the rules would have left; only the window's days are reported.
    for (const ModelDay &u : input.modelDays) {
        const Member *m = members.value(u.member);
        if (!m || u.day > input.to || u.cost <= 0)
            continue;
        WhatIfMember &w = byName[u.member];
        const bool reported = u.day >= input.from;
        const ModelDecision d = applyModelPolicy(input.tiers, m->tier, u.model);
        if (d.outcome == ModelDecision::Outcome::Refused) {
            double &day = spend[u.member][u.day];
            day = std::max(0.0, day - u.cost);
            if (!reported)
                continue;
            w.notSpent += u.cost;
            addDay(w.refusedDays, u.day);
            if (!w.refusedModels.contains(u.model))
                w.refusedModels << u.model;
        } else if (d.outcome == ModelDecision::Outcome::Downgraded && reported) {
            w.downgraded += u.cost;
            addDay(w.downgradedDays, u.day);
            if (!w.downgradedModels.contains(u.model))
                w.downgradedModels << u.model;
        }
    }

    // 2. Budgets, day by day through each period, from the first period that reaches the window.
    for (auto it = members.cbegin(); it != members.cend(); ++it) {
        WhatIfMember &w = byName[it.key()];
        // Copies held for the loops: iterators into value()'s temporaries would dangle.
        const DailySeries days = spend.value(it.key());
        const DailySeries happened = input.dailySpend.value(it.key());
        for (auto d = happened.lowerBound(input.from); d != happened.cend() && d.key() <= input.to; ++d)
            w.spent += d.value();
        if (!w.budget)
            continue;
        const LimitReset period = w.budget->period;
        QDate periodStart;
        double admitted = 0;
        for (auto d = days.lowerBound(budgetPeriodStart(period, input.from)); d != days.cend() && d.key() <= input.to; ++d) {
            const QDate start = budgetPeriodStart(period, d.key());
            if (start != periodStart) {
                periodStart = start;
                admitted = 0;
            }
            const double room = std::max(0.0, w.budget->usd - admitted);
            const double taken = std::min(d.value(), room);
            admitted += taken;
            const double refused = d.value() - taken;
            if (d.key() >= input.from && refused > 1e-9) {
                w.notSpent += refused;
                addDay(w.refusedDays, d.key());
            }
        }
    }

    for (WhatIfMember &w : byName) {
        result.spent += w.spent;
        if (w.notSpent <= 1e-9 && w.downgraded <= 1e-9)
            continue;
        std::sort(w.refusedDays.begin(), w.refusedDays.end());
        std::sort(w.downgradedDays.begin(), w.downgradedDays.end());
        w.refusedModels.sort();
        w.downgradedModels.sort();
        result.notSpent += w.notSpent;
        result.downgraded += w.downgraded;
        result.members << w;
    }
    std::sort(result.members.begin(), result.members.end(), [](const WhatIfMember &a, const WhatIfMember &b) {
        return a.notSpent != b.notSpent ? a.notSpent > b.notSpent : a.member < b.member;
    });
    result.notes << u"Spend is replayed per day: the day a budget is crossed is cut at the limit, where the request that "
                    "crossed it would have gone through."_s
                 << u"A downgraded request is counted at what it cost; the fallback model would usually have cost less. "
                    "On a day that also crosses a budget, some of the same dollars are counted as refused too."_s;
    if (input.modelDays.isEmpty())
        result.notes << u"No model activity is stored for these days (activity sync), so models were not replayed."_s;
    return result;
}

} // namespace orteam
