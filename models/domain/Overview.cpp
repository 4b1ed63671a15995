#include "Overview.h"

#include "Money.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {

double sumOver(const DailySeries &series, const QDate &from, const QDate &to)
{
    double sum = 0;
    for (auto it = series.lowerBound(from); it != series.cend() && it.key() <= to; ++it)
        sum += it.value();
    return sum;
}

QJsonValue optionalJson(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonValue dateJson(const std::optional<QDate> &d)
{
    return d && d->isValid() ? QJsonValue(d->toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QDate OverviewInput::seriesStart(const QDate &today)
{
    // The month so far, last week's Monday (for the week's change) and the 7 days before today
    // (for the rate), whichever is earliest.
    return std::min({QDate(today.year(), today.month(), 1), weekStart(today).addDays(-7), today.addDays(-7)});
}

QString Overview::historyNote() const
{
    if (trendKnown())
        return {};
    if (historyDays == 0)
        return u"not enough history yet: no spend recorded"_s;
    return historyDays == 1 ? u"not enough history yet: 1 day"_s : u"not enough history yet: %1 days"_s.arg(historyDays);
}

std::optional<int> Overview::budgetPercent() const
{
    if (!monthBudget || *monthBudget <= 0)
        return std::nullopt;
    return int(std::floor(monthToDate / *monthBudget * 100.0));
}

QString Overview::monthText() const
{
    QString text = formatUsd(monthToDate);
    if (const std::optional<int> percent = budgetPercent())
        text += u" of a %1 budget (%2%)"_s.arg(formatUsd(*monthBudget)).arg(*percent);
    else
        text += u"; no team monthly budget"_s;
    if (budgetCrossed && budgetCrossedOn)
        text += u"; budget crossed on %1"_s.arg(budgetCrossedOn->toString(Qt::ISODate));
    if (!projectedMonthEnd)
        return text + u"; "_s + historyNote() + u", no projection"_s;
    text += u"; projected month end %1 at %2 a day"_s.arg(formatUsd(*projectedMonthEnd), formatUsd(ratePerDay.value_or(0)));
    if (budgetPercent() && !budgetCrossed) {
        if (!budgetCrossedOn)
            text += u"; within budget at this rate"_s;
        else if (*budgetCrossedOn == today)
            text += u"; crosses the budget later today"_s;
        else
            text += u"; crosses the budget around %1"_s.arg(budgetCrossedOn->toString(Qt::ISODate));
    }
    return text;
}

QJsonObject Overview::monthJson() const
{
    const std::optional<int> percent = budgetPercent();
    return QJsonObject{
        {"month_to_date"_L1, monthToDate},
        {"month_budget"_L1, optionalJson(monthBudget)},
        {"budget_percent"_L1, percent ? QJsonValue(*percent) : QJsonValue(QJsonValue::Null)},
        {"history_days"_L1, historyDays},
        {"history_note"_L1, historyNote().isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(historyNote())},
        {"rate_per_day"_L1, optionalJson(ratePerDay)},
        {"projected_month_end"_L1, optionalJson(projectedMonthEnd)},
        {"budget_crossed"_L1, budgetCrossed},
        {"budget_crossed_on"_L1, dateJson(budgetCrossedOn)},
    };
}

std::optional<double> Overview::changeRatio(double now, const std::optional<double> &before)
{
    if (!before || *before < 0.005)
        return std::nullopt;
    return (now - *before) / *before;
}

QString Overview::changeText(double now, const std::optional<double> &before)
{
    if (!before)
        return {};
    // Cents either side: a change of a fraction of a cent is no change, and nothing before is
    // not "+inf%".
    if (*before < 0.005)
        return now < 0.005 ? u"±0%"_s : u"new"_s;
    const double percent = std::round(changeRatio(now, before).value_or(0) * 100.0);
    if (percent == 0)
        return u"±0%"_s;
    return (percent > 0 ? u"+"_s : u"−"_s) + QString::number(std::abs(percent), 'f', 0) + u"%"_s;
}

Overview computeOverview(const OverviewInput &in)
{
    Overview o;
    o.now = in.now.toUTC();
    o.today = o.now.date();
    const QDate &today = o.today;
    const QDate monthStart(today.year(), today.month(), 1);
    const QDate monthEnd = monthStart.addMonths(1).addDays(-1);
    const QDate weekStart = OverviewInput::weekStart(today);
    const QDate lastWeekStart = weekStart.addDays(-7);

    o.spentToday = in.teamDaily.value(today);
    o.weekToDate = sumOver(in.teamDaily, weekStart, today);
    o.monthToDate = sumOver(in.teamDaily, monthStart, today);
    o.monthBudget = in.monthBudget;
    o.credits = in.credits;
    o.keysKnown = in.keysKnown;
    if (in.firstSpendDay.isValid() && in.firstSpendDay <= today) { // as teamRate() counts them
        o.firstDay = in.firstSpendDay;
        o.historyDays = int(in.firstSpendDay.daysTo(today)) + 1;
    }
    // Last week is known only if history reaches its Monday: a week that began mid-way would read
    // as a jump from $0.
    const bool lastWeekKnown = o.firstDay.isValid() && o.firstDay <= lastWeekStart;
    const double dayGone = double(o.now.time().msecsSinceStartOfDay()) / 86'400'000.0;
    if (lastWeekKnown)
        o.lastWeekToDate = sumOver(in.teamDaily, lastWeekStart, today.addDays(-8)) + in.teamDaily.value(today.addDays(-7)) * dayGone;

    QList<std::pair<QString, double>> spenders;
    for (auto [member, cost] : in.memberWeek.asKeyValueRange()) {
        if (cost > 0)
            spenders.append({member, cost});
    }
    std::sort(spenders.begin(), spenders.end(),
              [](const auto &a, const auto &b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    for (qsizetype i = 0; i < spenders.size() && i < Overview::TopSpenders; ++i) {
        OverviewSpender s;
        s.member = spenders.at(i).first;
        s.week = spenders.at(i).second;
        if (lastWeekKnown)
            s.lastWeek = in.memberLastWeekBefore.value(s.member, 0.0) + in.memberLastWeekSameDay.value(s.member, 0.0) * dayGone;
        o.topSpenders << s;
    }

    // A budget already crossed needs no rate: the day the month's running total reached it.
    if (o.monthBudget && o.monthToDate >= *o.monthBudget) {
        o.budgetCrossed = true;
        double running = 0;
        for (QDate d = monthStart; d <= today; d = d.addDays(1)) {
            running += in.teamDaily.value(d);
            if (running >= *o.monthBudget) {
                o.budgetCrossedOn = d;
                break;
            }
        }
    }
    // The team's rate, from enough history only; the credits are the account's, at its own.
    o.ratePerDay = teamRate(in.teamDaily, in.firstSpendDay, o.now);
    o.creditsRatePerDay = in.accountRate;
    if (o.credits && o.credits->remaining() > 0 && in.accountRate && *in.accountRate > 0) {
        const double days = o.credits->remaining() / *in.accountRate;
        if (days <= 3650) // further off is no forecast anyone acts on
            o.creditsRunOut = today.addDays(qint64(std::floor(dayGone + days)));
    }
    if (o.ratePerDay) {
        const double rate = *o.ratePerDay;
        o.projectedMonthEnd = o.monthToDate + rate * (1.0 - dayGone + double(today.daysTo(monthEnd)));
        // Whether the month holds is the projection's call, and the day is counted from now, so
        // the tile never says "within budget" beside a projection over it.
        if (o.monthBudget && !o.budgetCrossed && *o.projectedMonthEnd > *o.monthBudget && rate > 0)
            o.budgetCrossedOn = today.addDays(qint64(std::floor(dayGone + (*o.monthBudget - o.monthToDate) / rate)));
    }

    o.alerts = in.alerts;
    std::stable_sort(o.alerts.begin(), o.alerts.end(), [](const Alert &a, const Alert &b) { return a.urgent && !b.urgent; });
    return o;
}

QString Overview::unlinkedText() const
{
    if (unlinkedKeys == 0)
        return {};
    return u"Not in it: %1 spent this month by %2 linked to no member."_s.arg(
        formatUsd(unlinkedMonth), unlinkedKeys == 1 ? u"1 key"_s : u"%1 keys"_s.arg(unlinkedKeys));
}

QByteArray Overview::toJson() const
{
    QJsonArray spenders;
    for (const OverviewSpender &s : topSpenders) {
        spenders.append(QJsonObject{{"member"_L1, s.member},
                                    {"week"_L1, s.week},
                                    {"last_week"_L1, optionalJson(s.lastWeek)},
                                    {"change_ratio"_L1, optionalJson(changeRatio(s.week, s.lastWeek))},
                                    {"change"_L1, changeText(s.week, s.lastWeek).isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                                            : QJsonValue(changeText(s.week, s.lastWeek))}});
    }
    QJsonArray alertList;
    for (const Alert &a : alerts)
        alertList.append(QJsonObject{{"kind"_L1, alertKindId(a.kind)}, {"subject"_L1, a.subject}, {"text"_L1, a.text}, {"urgent"_L1, a.urgent}});
    QJsonObject creditsJson;
    if (credits)
        creditsJson = QJsonObject{{"total"_L1, credits->totalCredits}, {"used"_L1, credits->totalUsage},
                                  {"remaining"_L1, credits->remaining()}, {"run_out"_L1, dateJson(creditsRunOut)},
                                  {"rate_per_day"_L1, optionalJson(creditsRatePerDay)}};
    QJsonObject root = monthJson();
    for (auto [key, value] : std::initializer_list<std::pair<QLatin1StringView, QJsonValue>>{
        {"now"_L1, now.toString(Qt::ISODate)},
        {"spent_today"_L1, spentToday},
        {"week_to_date"_L1, weekToDate},
        {"last_week_to_date"_L1, optionalJson(lastWeekToDate)},
        {"week_change_ratio"_L1, optionalJson(changeRatio(weekToDate, lastWeekToDate))},
        {"top_spenders"_L1, spenders},
        {"credits"_L1, credits ? QJsonValue(creditsJson) : QJsonValue(QJsonValue::Null)},
        {"keys_known"_L1, keysKnown},
        {"unlinked_keys_month"_L1, keysKnown ? QJsonValue(QJsonObject{{"keys"_L1, unlinkedKeys}, {"usd"_L1, unlinkedMonth}})
                                             : QJsonValue(QJsonValue::Null)},
        {"alerts"_L1, alertList},
    })
        root.insert(key, value);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace orteam
