#pragma once

#include "Overview.h"
#include "Spend.h"
#include "Team.h"

#include <QByteArray>
#include <QDate>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace orteam {

// The team report over a rolling window ending on a UTC day: weekly is the seed's last 7 days
// (today included), monthly the last 30. Each row is compared with the window just before and
// projected over the window just after.
enum class ReportPeriod { Weekly, Monthly };
int reportDays(ReportPeriod period);
QString reportPeriodName(ReportPeriod period); // "weekly", "monthly": the CLI's and the files' spelling
std::optional<ReportPeriod> reportPeriodFromName(const QString &name);

// A calendar month (UTC) as a report's window, instead of the rolling 30 days. The current month
// runs to today ("to date"), a past month in full. The window before is the month before up to
// the same day of the month (all of it for a past month; a 31st is set against a shorter month's
// last day): half a month is set against half a month, not a whole one.
struct CalendarMonth
{
    QDate from, to;                 // the 1st and today, or the month's last day
    QDate previousFrom, previousTo;
    bool toDate = false;            // the current month, up to today
    int days() const { return int(from.daysTo(to)) + 1; }
    QString name() const;           // "November 2026"
};
// The month holding `day`, seen on `today` (UTC); none when it begins after today.
std::optional<CalendarMonth> calendarMonth(const QDate &day, const QDate &today);
// "2026-11" as the 1st of that month; none for anything else.
std::optional<QDate> monthFromText(const QString &text);
// The days a calendar month's trend is fitted on: the month before and this one, up to the last
// complete day (a report read just after midnight is not pulled down by a day barely begun).
// `historyFrom` (the team's first recorded day, when known): the fit starts there when it is later.
std::pair<QDate, QDate> calendarTrendWindow(const CalendarMonth &month, const QDate &lastCompleteDay, const QDate &historyFrom = {});

struct TeamReportRow
{
    QString member;
    double cost = 0;     // over the window, rounded to 4 decimal places as the seed does
    qint64 requests = 0; // requests counted where they are known (usage rows; key counters have none)
    std::optional<double> dailyLimit; // the seed's column: a daily budget only
    double previousCost = 0;        // the window before, same length
    std::optional<double> change;   // (cost - previous) / previous; none when previous is 0
    double forecast = 0;            // the next window's cost at the trend of both windows
    std::optional<Budget> budget;   // of any period: what the tables show (dailyLimit is daily only)
};

struct TeamReport
{
    ReportPeriod period = ReportPeriod::Weekly;
    QDate from, to;                 // the window (inclusive)
    QDate previousFrom, previousTo; // the one before
    QList<TeamReportRow> rows;      // cost descending, then member: the seed's order
    double total = 0;
    double previousTotal = 0;
    std::optional<double> change;
    double forecast = 0;
    // A calendar month instead of the rolling window (period is Monthly: the same columns); its
    // forecast is the next calendar month's.
    std::optional<CalendarMonth> calendar;
    // Valid when the team's recorded history begins after the window before began (a new team
    // database, or one whose first sync brought 30 days): that window is not whole, so no change
    // against it is claimed (rows and total), and the trend is fitted from this day only.
    QDate historyFrom;
    // The current calendar month only: the team's month to date against its monthly budget, the
    // projected month end and the crossing day, as the Overview computes them (one rule).
    std::optional<Overview> outlook;
};

// `current` and `previous` are the usage rows of the two windows (Store::usageReport); `daily`
// each member's spend per day over both windows (missing days are zero). A member who spent only
// in the previous window stays in the report with a cost of 0: a drop to nothing is news.
// What a least-squares line through a dense daily series needs besides its length: the sum of
// the days' spend and of each day's index (from 0) times its spend. A database adds these up per
// member without handing over every day.
struct TrendSums
{
    double sumY = 0;
    double sumXY = 0;
};
TrendSums trendSums(const DailySeries &series, const QDate &from, const QDate &to);

// The days a report's trend is fitted on: both windows, up to the last complete day (yesterday,
// for a report ending today), so a report read just after midnight UTC is not pulled down by a
// day that has barely begun.
// Days before `historyFrom` (the team's first recorded day, when known) are left out: they are
// not quiet days, nobody recorded them.
std::pair<QDate, QDate> trendWindow(ReportPeriod period, const QDate &to, const QDate &lastCompleteDay, const QDate &historyFrom = {});

// `trends` holds each member's sums over trendWindow(period, to, lastCompleteDay, historyFrom).
TeamReport buildTeamReport(ReportPeriod period, const QDate &to, const QList<WeeklyReportRow> &current,
                           const QList<WeeklyReportRow> &previous, const QHash<QString, TrendSums> &trends,
                           const QDate &lastCompleteDay, const QDate &historyFrom = {});

// The calendar month's report: the rows of the month and of the month before, each member's
// trend sums over calendarTrendWindow(month, lastCompleteDay); the forecast is the next calendar
// month on that line. The outlook is the caller's to add (OverviewService::month).
TeamReport buildCalendarReport(const CalendarMonth &month, const QList<WeeklyReportRow> &current,
                               const QList<WeeklyReportRow> &previous, const QHash<QString, TrendSums> &trends,
                               const QDate &lastCompleteDay, const QDate &historyFrom = {});

// The current month to date: next month's forecast at the rate its projected month end counts
// (teamRate() from the team's first recorded day `firstDay`), each member at their own over the
// same days (the rates add up to the team's), where a line fitted to the month before, pushed two
// months on, could say half the projection above it. `recent` holds each member's last week and
// today. The report's total is their sum.
void forecastNextMonthAtRate(TeamReport &report, const QHash<QString, DailySeries> &recent, const QDate &firstDay,
                             const QDateTime &now);

// A change as a whole percentage: "+5%", "-34%", "0%" (a change that rounds to nothing has no
// sign). The dashboard and the CLI print it alike.
QString formatChange(double change);

// Spend over the `days` days after the series (or after `skip` more days: the series ended
// before the window it forecasts from), from a least-squares line through it (quiet days count
// as zero); never below zero. A flat series forecasts itself; a rising one more.
double forecastNext(const QList<double> &dense, int days, int skip = 0);
// The same line's value for each of those days (what a chart draws dashed).
QList<double> trendNext(const QList<double> &dense, int days, int skip = 0);
// The same from a series' length and sums.
QList<double> trendNext(qsizetype n, const TrendSums &sums, int days, int skip = 0);
double forecastNext(qsizetype n, const TrendSums &sums, int days, int skip = 0);

// Exports. CSV: one header row (the seed's columns, then the comparison) and a row per member;
// names are defused for spreadsheets. JSON: the period and totals plus "rows" with the seed's keys
// (user, weekly_cost or monthly_cost, requests, daily_limit) and the comparison's.
QByteArray reportCsv(const TeamReport &report);
QByteArray reportJson(const TeamReport &report);
QByteArray reportJsonThroughDocument(const TeamReport &report); // the same bytes, the slow way (tests)
QString costKey(ReportPeriod period); // "weekly_cost" or "monthly_cost"
// The inverse of reportJson (the outbox keeps a report to send as it was when decided); nullopt
// when the JSON is not one.
std::optional<TeamReport> reportFromJson(const QByteArray &json);

// The report as text, as orteam-cli prints it and an email or a chat message shows it: a title
// line, the seed's columns aligned, and the team total with its forecast.
QList<QStringList> reportTable(const TeamReport &report); // a header row, then a row per member
QString reportTitle(const TeamReport &report);            // "Weekly report, 2026-11-24 to 2026-11-30 (UTC)"
QString reportSummary(const TeamReport &report);          // "Team total: …; next 7 days forecast: …"
// What the window before and the forecast are, in words: "the 7 days before", "October to the
// 30th", "next 30 days", "next month (December 2026)".
QString reportBeforeText(const TeamReport &report);
// The change against the window before, as the summary says it: "+12%", "no spend before", or
// "history only from 2026-11-01: no change" (see TeamReport::historyFrom).
QString reportChangeText(const TeamReport &report);
QString reportForecastText(const TeamReport &report);
// The current calendar month's line: "Month to date: $X of a $Y budget (Z%); …"; empty for
// any other report.
QString reportOutlookText(const TeamReport &report);
// Rows of cells as left-aligned columns two spaces apart, one line each.
QString textColumns(const QList<QStringList> &rows);
// The same lines handed over one at a time (without their line end), for output that is written
// as it is formatted rather than gathered into one string first.
void forEachTextColumnsLine(const QList<QStringList> &rows, const std::function<void(QStringView line)> &take);

} // namespace orteam
