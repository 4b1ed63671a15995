#pragma once

#include "Report.h"
#include "Store.h"

#include <QDate>
#include <QDateTime>

namespace orteam {

// The calendar month report, for `orteam-cli report monthly --calendar` and the Reports page
// alike: the month's window (Report.h's calendarMonth), its rows and the month before, the
// forecast for the next month and, for the current month, the team's month against its budget
// from the Overview's computation. All of it or the first error.
class ReportService
{
public:
    // `month`: any day of the month. A month that has not begun is Invalid.
    static Result<TeamReport> calendarMonth(const Store &store, const QDate &month, const QDateTime &now);
};

} // namespace orteam
