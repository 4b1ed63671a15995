#pragma once

#include "Team.h"

#include <QHash>
#include <QString>

namespace orteam::test {

// Spend that all fell today: the same amount today, this week and this month (what a check
// judging a daily, weekly or monthly budget sees when nothing was spent before today).
inline QHash<QString, orteam::PeriodSpend> spentToday(const QHash<QString, double> &today)
{
    QHash<QString, orteam::PeriodSpend> out;
    for (auto it = today.cbegin(); it != today.cend(); ++it)
        out.insert(it.key(), orteam::PeriodSpend{it.value(), it.value(), it.value()});
    return out;
}

} // namespace orteam::test
