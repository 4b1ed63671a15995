#include "Spend.h"

#include <cmath>

namespace orteam {

QList<std::pair<QDate, double>> denseSeries(const DailySeries &series, const QDate &from, const QDate &to)
{
    QList<std::pair<QDate, double>> out;
    if (!from.isValid() || !to.isValid() || from > to)
        return out;
    out.reserve(from.daysTo(to) + 1);
    for (QDate d = from; d <= to; d = d.addDays(1))
        out.append({d, series.value(d, 0.0)});
    return out;
}

BurnForecast forecastBurn(double remaining, const DailySeries &recent, const QDateTime &now, int windowDays)
{
    BurnForecast f;
    f.remaining = remaining;
    windowDays = std::max(1, windowDays);
    const QDateTime utc = now.toUTC();
    const QDate today = utc.date();
    const double dayGone = double(utc.time().msecsSinceStartOfDay()) / 86'400'000.0;
    double sum = recent.value(today);
    for (const auto &[day, cost] : denseSeries(recent, today.addDays(-windowDays), today.addDays(-1)))
        sum += cost;
    f.ratePerDay = sum / (double(windowDays) + dayGone);
    if (remaining <= 0) {
        f.reachedOn = today;
        f.projection = {{today, remaining}};
        return f;
    }
    if (f.ratePerDay <= 0)
        return f;
    const double days = remaining / f.ratePerDay;
    if (days > 3650) // more than ten years away: not a forecast anyone acts on
        return f;
    // Counted from now, not from midnight: at 18:00 with a quarter of a day's spend left, the
    // limit is reached before midnight, today.
    f.reachedOn = today.addDays(qint64(std::floor(dayGone + days)));
    for (QDate d = today; d <= *f.reachedOn; d = d.addDays(1))
        f.projection.append({d, std::max(0.0, remaining - f.ratePerDay * double(today.daysTo(d)))});
    return f;
}

std::optional<double> teamRate(const DailySeries &recent, const QDate &firstDay, const QDateTime &now)
{
    const QDate today = now.toUTC().date();
    if (!firstDay.isValid() || firstDay > today)
        return std::nullopt;
    const qint64 historyDays = firstDay.daysTo(today) + 1;
    if (historyDays < MinRateDays)
        return std::nullopt;
    return forecastBurn(0, recent, now, int(std::min<qint64>(7, historyDays - 1))).ratePerDay;
}

} // namespace orteam
