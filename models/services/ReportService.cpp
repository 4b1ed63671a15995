#include "ReportService.h"

#include "OverviewService.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

Result<TeamReport> ReportService::calendarMonth(const Store &store, const QDate &month, const QDateTime &now)
{
    const QDate today = now.toUTC().date();
    const std::optional<CalendarMonth> window = orteam::calendarMonth(month, today);
    if (!window)
        return StoreError::invalid(u"%1 has not begun yet (today is %2, UTC)"_s.arg(month.toString(u"yyyy-MM"_s),
                                                                                  today.toString(Qt::ISODate)));
    const Result<QList<WeeklyReportRow>> current = store.spend().usageReport(window->from, window->to);
    if (!current)
        return current.error();
    const Result<QList<WeeklyReportRow>> previous = store.spend().usageReport(window->previousFrom, window->previousTo);
    if (!previous)
        return previous.error();
    const QDate lastComplete = today.addDays(-1);
    const auto [trendFrom, trendTo] = calendarTrendWindow(*window, lastComplete);
    const Result<QHash<QString, TrendSums>> trends = store.spend().memberTrendSums(trendFrom, trendTo);
    if (!trends)
        return trends.error();
    TeamReport report = buildCalendarReport(*window, *current, *previous, *trends, lastComplete);
    if (window->toDate) {
        const Result<Overview> outlook = OverviewService::month(store, now);
        if (!outlook)
            return outlook.error();
        report.outlook = *outlook;
    }
    return report;
}

} // namespace orteam
