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
    const QDate lastComplete = today.addDays(-1);
    const Result<QDate> first = store.spend().firstSpendDay(); // see TeamReport::historyFrom
    if (!first)
        return first.error();
    const Result<SpendRepository::ReportWindows> read = store.spend().reportWindows(
        {window->from, window->to}, {window->previousFrom, window->previousTo}, calendarTrendWindow(*window, lastComplete, *first));
    if (!read)
        return read.error();
    TeamReport report = buildCalendarReport(*window, read->current, read->previous, read->trends, lastComplete, *first);
    if (window->toDate) {
        const Result<Overview> outlook = OverviewService::month(store, now);
        if (!outlook)
            return outlook.error();
        report.outlook = *outlook;
        // Next month at the projection's rate (see forecastNextMonthAtRate): each member's last
        // week and today, the most teamRate() counts.
        if (outlook->ratePerDay) {
            const Result<QHash<QString, DailySeries>> recent = store.spend().dailySpendByMember(today.addDays(-7), today);
            if (!recent)
                return recent.error();
            forecastNextMonthAtRate(report, *recent, outlook->firstDay, now);
        }
    }
    return report;
}

} // namespace orteam
