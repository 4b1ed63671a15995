#pragma once

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QMap>

#include <optional>

namespace orteam {

// Spend per UTC day; days without spend are absent (they count as zero).
using DailySeries = QMap<QDate, double>;

// The series over [from, to] with every day present (zero where nothing was spent), for charts
// and averages that must not skip quiet days.
QList<std::pair<QDate, double>> denseSeries(const DailySeries &series, const QDate &from, const QDate &to);

// When a limit runs out at the recent rate, projected from what is left. The rate is the spend of
// the `windowDays` complete UTC days before `now` plus today's so far, over those days plus the
// part of today gone by (quiet days count): just after midnight today weighs nothing, at noon
// half a day, so neither a fresh day nor a busy morning skews it.
struct BurnForecast
{
    double ratePerDay = 0;
    double remaining = 0;
    std::optional<QDate> reachedOn; // none when nothing is being spent; today when already reached
    QList<std::pair<QDate, double>> projection; // remaining, day by day from today to reachedOn (the dashed line)
};
BurnForecast forecastBurn(double remaining, const DailySeries &recent, const QDateTime &now, int windowDays = 7);

// The team's rate for every forecast that speaks of the team (the Overview's projection, its
// credits run-out and the credits alert): forecastBurn's rate over the complete days recorded
// before today, up to a week, plus today so far; none with fewer than MinRateDays days of
// history (from `firstDay` to today), where a rate would be a guess.
constexpr int MinRateDays = 3;
std::optional<double> teamRate(const DailySeries &recent, const QDate &firstDay, const QDateTime &now);

} // namespace orteam
