#include "OverviewService.h"

#include "NotifyService.h"

#include <QSet>

namespace orteam {

Result<Overview> OverviewService::read(const Store &store, const std::optional<QList<ApiKey>> &keys, const std::optional<Credits> &credits,
                                       const QDateTime &now)
{
    const Result<AlertInput> alerts = NotifyService::alertInput(store, keys.value_or(QList<ApiKey>()), credits, now);
    if (!alerts)
        return alerts.error();
    return read(store, *alerts, currentAlerts(*alerts), keys.has_value(), now);
}

Result<Overview> OverviewService::read(const Store &store, const AlertInput &input, const QList<Alert> &alerts, bool keysKnown,
                                       const QDateTime &now)
{
    const QDate today = now.toUTC().date();
    OverviewInput in;
    in.now = now;
    in.credits = input.credits;
    in.accountRate = input.accountDailyRate;
    in.keysKnown = keysKnown;
    if (const Status read = readMonth(store, in); !read)
        return read.error();
    const QDate weekStart = OverviewInput::weekStart(today);
    const Result<QHash<QString, double>> week = store.spend().memberCost(weekStart, today);
    if (!week)
        return week.error();
    in.memberWeek = *week;
    if (today != weekStart) { // on a Monday there are no days before today's weekday
        const Result<QHash<QString, double>> before = store.spend().memberCost(weekStart.addDays(-7), today.addDays(-8));
        if (!before)
            return before.error();
        in.memberLastWeekBefore = *before;
    }
    const Result<QHash<QString, double>> sameDay = store.spend().memberCost(today.addDays(-7), today.addDays(-7));
    if (!sameDay)
        return sameDay.error();
    in.memberLastWeekSameDay = *sameDay;
    in.alerts = alerts;
    in.firstSpendDay = input.firstSpendDay; // read once, with the alerts' input
    Overview overview = computeOverview(in);
    if (keysKnown) {
        // The links as the alerts' input read them with the members: not read again.
        QSet<QString> linked;
        for (const Member &m : input.members)
            linked.unite(QSet<QString>(m.keyHashes.cbegin(), m.keyHashes.cend()));
        for (const ApiKey &key : input.keys) {
            if (key.usageMonthly > 0 && !linked.contains(key.hash)) {
                ++overview.unlinkedKeys;
                overview.unlinkedMonth += key.usageMonthly;
            }
        }
    }
    return overview;
}

Status OverviewService::readMonth(const Store &store, OverviewInput &in)
{
    const QDate today = in.now.toUTC().date();
    const Result<DailySeries> daily = store.spend().dailySpend(OverviewInput::seriesStart(today), today);
    if (!daily)
        return daily.error();
    in.teamDaily = *daily;
    const Result<AlertSettings> settings = store.notify().alertSettings();
    if (!settings)
        return settings.error();
    in.monthBudget = settings->teamMonthlyBudget;
    return {};
}

Result<Overview> OverviewService::month(const Store &store, const QDateTime &now)
{
    OverviewInput in;
    in.now = now;
    if (const Status read = readMonth(store, in); !read)
        return read.error();
    const Result<QDate> first = store.spend().firstSpendDay();
    if (!first)
        return first.error();
    in.firstSpendDay = *first;
    return computeOverview(in);
}

} // namespace orteam
