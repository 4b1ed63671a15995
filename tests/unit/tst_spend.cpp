// The numbers behind the Spend page, from a known series: forecasts, dense daily series, spend per
// member and day from key snapshots (a key revoked mid-week, a UTC day boundary), per-period
// budgets, spend by model, and which limit runs out first.
#include "Alerts.h"
#include "PeriodSpendInput.h"
#include "FakeOpenRouter.h"
#include "KeyListController.h"
#include "NotifyService.h"
#include "OpenRouterClient.h"
#include "Csv.h"
#include "Report.h"
#include "Overview.h"
#include "Spend.h"
#include "SpendController.h"
#include "Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestSpend : public QObject
{
    Q_OBJECT

    static ApiKey snap(const QString &hash, double daily)
    {
        ApiKey k;
        k.hash = hash;
        k.usageDaily = daily;
        return k;
    }

    // Each member's trend sums over the report's trend window, from their days.
    static QHash<QString, TrendSums> sumsOf(const QHash<QString, DailySeries> &daily, ReportPeriod period, const QDate &to,
                                            const QDate &lastComplete, const QDate &historyFrom = {})
    {
        const auto [from, end] = trendWindow(period, to, lastComplete, historyFrom);
        QHash<QString, TrendSums> out;
        for (auto [member, series] : daily.asKeyValueRange())
            out.insert(member, trendSums(series, from, end));
        return out;
    }

private Q_SLOTS:
    void forecasts()
    {
        const QDate today(2026, 11, 27);
        const QDateTime midnight(today, QTime(0, 0), QTimeZone::utc()), noon(today, QTime(12, 0), QTimeZone::utc());
        DailySeries steady;
        for (int d = 1; d <= 7; ++d)
            steady.insert(today.addDays(-d), 1.0);
        BurnForecast f = forecastBurn(10.0, steady, midnight);
        QCOMPARE(f.ratePerDay, 1.0);
        QCOMPARE(f.reachedOn.value(), today.addDays(10));
        QCOMPARE(f.projection.size(), 11);
        QCOMPARE(f.projection.front().second, 10.0);
        QCOMPARE(f.projection.back().second, 0.0);
        QCOMPARE(f.projection.at(4).second, 6.0);

        // Quiet days count: $7 on two days of the last seven is $1 a day, not $3.50.
        DailySeries bursty{{today.addDays(-1), 3.5}, {today.addDays(-4), 3.5}, {today.addDays(-9), 100.0}};
        f = forecastBurn(2.5, bursty, midnight);
        QCOMPARE(f.ratePerDay, 1.0);
        QCOMPARE(f.reachedOn.value(), today.addDays(2)); // 2.5 days from midnight: the third day, at noon
        // Counted from now: at noon, $0.30 left at $0.93 a day runs out today.
        QCOMPARE(forecastBurn(0.3, bursty, noon).reachedOn.value(), today);

        // Today counts for the part of it gone by: at noon, $0.50 so far keeps a $1 rate; at
        // 00:30 today's few cents do not drag the week down either.
        steady.insert(today, 0.5);
        QCOMPARE(forecastBurn(10.0, steady, noon).ratePerDay, 1.0);
        steady.insert(today, 0.02);
        QVERIFY(std::abs(forecastBurn(10.0, steady, midnight.addSecs(1800)).ratePerDay - 7.02 / (7 + 1.0 / 48)) < 1e-12);
        steady.remove(today);

        QVERIFY(!forecastBurn(5.0, {}, noon).reachedOn);          // nothing spent: never
        QCOMPARE(forecastBurn(-1.0, steady, noon).reachedOn.value(), today); // already over
        QVERIFY(!forecastBurn(1e9, steady, noon).reachedOn);      // a lifetime away: not a forecast
    }

    void reportForecastOnKnownSeries()
    {
        QCOMPARE(forecastNext(QList<double>(14, 2.0), 7), 14.0);   // flat: itself
        QList<double> rising;
        for (int i = 1; i <= 14; ++i)
            rising << double(i);
        QCOMPARE(forecastNext(rising, 7), 126.0);                  // 15 + 16 + … + 21
        QList<double> falling;
        for (int i = 14; i >= 1; --i)
            falling << double(i);
        QCOMPARE(forecastNext(falling, 7), 0.0);                   // the line goes below zero: nothing
        QCOMPARE(forecastNext({}, 7), 0.0);
        QCOMPARE(forecastNext({5.0}, 3), 15.0);                    // one day: flat
        QCOMPARE(forecastNext(rising, 7, 1), 133.0);               // a day later on the line: 16 + … + 22
        // From sums alone (what the database adds up), the same line as from the days.
        DailySeries sparse{{QDate(2026, 11, 3), 4.0}, {QDate(2026, 11, 9), 1.5}, {QDate(2026, 11, 10), 2.0}};
        QList<double> dense;
        for (const auto &[day, cost] : denseSeries(sparse, QDate(2026, 11, 1), QDate(2026, 11, 14)))
            dense << cost;
        QCOMPARE(trendNext(14, trendSums(sparse, QDate(2026, 11, 1), QDate(2026, 11, 14)), 7, 1), trendNext(dense, 7, 1));
    }

    // After a first sync (or on a new team database) the history starts inside the window before:
    // that window is not compared (a day of it against a whole week read as +600%), and the
    // trend is fitted from the first recorded day, not from days nobody recorded as $0.
    void aWindowBeforeTheHistoryIsNotCompared()
    {
        const QDate to(2026, 11, 27);
        const QDate first = to.addDays(-7); // the window before's last day
        QHash<QString, DailySeries> daily;
        for (int i = 0; i <= 7; ++i)
            daily[u"ann"_s].insert(to.addDays(-i), 1.0);
        const WeeklyReportRow now{u"ann"_s, 7.0, 7, std::nullopt}, before{u"ann"_s, 1.0, 1, std::nullopt};
        const TeamReport r = buildTeamReport(ReportPeriod::Weekly, to, {now}, {before},
                                             sumsOf(daily, ReportPeriod::Weekly, to, to.addDays(-1), first), to.addDays(-1), first);
        QCOMPARE(r.historyFrom, first);
        QVERIFY(!r.change && !r.rows.at(0).change);
        // $1 every recorded day: the line is flat at $1, so the next 7 days are $7 (with the days
        // before counted as $0 it would rise steeply).
        QVERIFY2(qAbs(r.forecast - 7.0) < 1e-9, qPrintable(QString::number(r.forecast)));
        QCOMPARE(reportChangeText(r), u"history only from 2026-11-20: no change"_s);
        QVERIFY(reportSummary(r).contains(u"history only from 2026-11-20"_s));
        QCOMPARE(reportTable(r).at(1).at(5), u"-"_s);
        QCOMPARE(reportFromJson(reportJson(r))->historyFrom, first);
        // A history that covers the window before changes nothing.
        const TeamReport whole = buildTeamReport(ReportPeriod::Weekly, to, {now}, {before},
                                                 sumsOf(daily, ReportPeriod::Weekly, to, to.addDays(-1), to.addDays(-30)),
                                                 to.addDays(-1), to.addDays(-30));
        QVERIFY(!whole.historyFrom.isValid());
        QCOMPARE(*whole.change, 6.0);
    }

    void reportRowsAndExports()
    {
        const QDate to(2026, 11, 27);
        WeeklyReportRow a{u"=cmd|' /C calc'!A0"_s, 6.0, 12, 2.0, Budget{2.0}};
        // bea's budget is a week's: no daily limit (the seed's column), but a budget all the same.
        WeeklyReportRow b{u"bea, \"the\" lead"_s, 1.5, 3, std::nullopt, Budget{20.0, LimitReset::Weekly}};
        WeeklyReportRow aBefore{a.user, 3.0, 5, 2.0, Budget{2.0}};
        WeeklyReportRow gone{u"cy"_s, 0.25, 1, 1.0};
        QHash<QString, DailySeries> daily;
        for (int i = 0; i < 14; ++i)
            daily[a.user].insert(to.addDays(-i), i < 7 ? 6.0 / 7 : 3.0 / 7);
        const TeamReport r = buildTeamReport(ReportPeriod::Weekly, to, {a, b}, {aBefore, gone}, sumsOf(daily, ReportPeriod::Weekly, to, to), to);
        QCOMPARE(r.rows.size(), 3);
        QCOMPARE(r.rows.at(0).member, a.user);
        QCOMPARE(*r.rows.at(0).change, 1.0);
        QVERIFY(!r.rows.at(1).change); // bea is new
        QCOMPARE(r.rows.at(2).member, u"cy"_s);
        QCOMPARE(*r.rows.at(2).change, -1.0);
        QCOMPARE(r.total, 7.5);
        QCOMPARE(r.previousTotal, 3.25);
        QVERIFY(r.forecast > 6.0);

        // CSV read back with our reader: every row, the names intact after undefusing.
        const CsvParse csv = parseCsv(QString::fromUtf8(reportCsv(r)));
        QVERIFY(csv.error.isEmpty());
        QCOMPARE(csv.records.size(), 4);
        QCOMPARE(csv.records.at(0).fields, (QStringList{u"user"_s, u"weekly_cost"_s, u"requests"_s, u"daily_limit"_s,
                                                        u"previous_cost"_s, u"change"_s, u"forecast"_s, u"budget"_s,
                                                        u"budget_period"_s}));
        QVERIFY(csv.records.at(1).fields.at(0).startsWith(u'\'')); // a formula never runs in a spreadsheet
        QCOMPARE(csvUndefuse(csv.records.at(1).fields.at(0)), a.user);
        QCOMPARE(csv.records.at(1).fields.at(1).toDouble(), 6.0);
        QCOMPARE(csv.records.at(1).fields.at(5).toDouble(), 1.0);
        QCOMPARE(csv.records.at(2).fields.at(0), b.user);
        QCOMPARE(csv.records.at(2).fields.at(3), QString()); // no daily limit…
        QCOMPARE(csv.records.at(2).fields.mid(7), (QStringList{u"20"_s, u"weekly"_s})); // …but a weekly budget
        QCOMPARE(csv.records.at(3).fields.mid(7), (QStringList{QString(), QString()})); // cy: none at all
        // The table says each budget with its period, and none only where there is none.
        const QList<QStringList> table = reportTable(r);
        QCOMPARE(table.at(0).at(3), u"BUDGET"_s);
        QCOMPARE(table.at(1).at(3), u"$2.00 a day"_s);
        QCOMPARE(table.at(2).at(3), u"$20.00 a week"_s);
        QCOMPARE(table.at(3).at(3), u"none"_s);
        QCOMPARE(csv.records.at(2).fields.at(5), QString()); // no change: new
        QCOMPARE(csv.records.at(3).fields.at(4).toDouble(), 0.25);

        const QJsonObject json = QJsonDocument::fromJson(reportJson(r)).object();
        QCOMPARE(json.value("from"_L1).toString(), u"2026-11-21"_s);
        QCOMPARE(json.value("total"_L1).toDouble(), 7.5);
        const QJsonArray rows = json.value("rows"_L1).toArray();
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(1).toObject().value("user"_L1).toString(), b.user);
        QVERIFY(rows.at(1).toObject().value("daily_limit"_L1).isNull());
        QCOMPARE(rows.at(1).toObject().value("budget"_L1).toObject(), (QJsonObject{{"usd"_L1, 20.0}, {"period"_L1, u"weekly"_s}}));
        QCOMPARE(reportFromJson(reportJson(r))->rows.at(1).budget, b.budget);
        QCOMPARE(rows.at(0).toObject().value("weekly_cost"_L1).toDouble(), 6.0);
        const TeamReport monthly = buildTeamReport(ReportPeriod::Monthly, to, {a}, {}, {}, to);
        QVERIFY(QJsonDocument::fromJson(reportJson(monthly)).object().value("rows"_L1).toArray().at(0).toObject().contains("monthly_cost"_L1));
    }

    void reportJsonIsQJsonDocumentsBytes()
    {
        // reportJson() writes the report without building a QJsonDocument (ten thousand rows cost
        // more that way than reading them): byte for byte what the document would have been, for
        // every kind of member and value.
        const QDate to(2026, 11, 27);
        QList<WeeklyReportRow> current{
            {u"ann"_s, 6.0, 12, 2.0, Budget{2.0}},
            {u"bö \"quoted\"\n\u0001 ✓ 😀"_s, 0.1 + 0.2, 0, std::nullopt, Budget{20.0, LimitReset::Weekly}},
            {u"cy"_s, 1e-7, 9007199254740993LL, std::nullopt, std::nullopt},
            {u"di"_s, 1e300, 3, 1234567.891, Budget{0.0, LimitReset::Monthly}},
        };
        QList<WeeklyReportRow> previous{{u"ann"_s, 3.0, 1, 2.0, Budget{2.0}}, {u"cy"_s, 0.25, 1, {}, {}}};
        QHash<QString, TrendSums> trends{{u"ann"_s, TrendSums{9.0, 40.0}}, {u"di"_s, TrendSums{-3.5, -1e-9}}};
        std::vector<TeamReport> reports{buildTeamReport(ReportPeriod::Weekly, to, current, previous, trends, to),
                                        buildTeamReport(ReportPeriod::Monthly, to, current, previous, trends, to, to.addDays(-3)),
                                        buildTeamReport(ReportPeriod::Weekly, to, {}, {}, {}, to)};
        TeamReport calendar = buildTeamReport(ReportPeriod::Monthly, to, current, {}, {}, to);
        calendar.calendar = CalendarMonth{QDate(2026, 11, 1), to, QDate(2026, 10, 1), QDate(2026, 10, 27), true};
        Overview outlook;
        outlook.monthToDate = 42.5;
        outlook.monthBudget = 100.0;
        outlook.historyDays = 12;
        calendar.outlook = outlook;
        reports.push_back(calendar);
        for (const TeamReport &r : reports) {
            const QByteArray fast = reportJson(r);
            const QByteArray slow = reportJsonThroughDocument(r);
            if (fast != slow) {
                const QList<QByteArray> a = fast.split('\n'), b = slow.split('\n');
                for (qsizetype i = 0; i < std::min(a.size(), b.size()); ++i)
                    QVERIFY2(a.at(i) == b.at(i), qPrintable(u"line %1: %2 | %3"_s.arg(i + 1).arg(QString::fromUtf8(a.at(i)), QString::fromUtf8(b.at(i)))));
            }
            QCOMPARE(QString::fromUtf8(fast), QString::fromUtf8(slow));
        }
        QVERIFY(reportJson(reports.at(0)).contains("9007199254740993")); // an integer past 2^53, whole
    }

    // The calendar month's window: the 1st of a month, December into January, a leap February,
    // a past month in full, a month not begun; the month before is set against to the same day.
    void calendarMonthWindows()
    {
        const auto first = calendarMonth(QDate(2026, 11, 1), QDate(2026, 11, 1));
        QVERIFY(first);
        QVERIFY(first->toDate);
        QCOMPARE(first->from, QDate(2026, 11, 1));
        QCOMPARE(first->to, QDate(2026, 11, 1));
        QCOMPARE(first->days(), 1);
        QCOMPARE(first->previousFrom, QDate(2026, 10, 1));
        QCOMPARE(first->previousTo, QDate(2026, 10, 1));
        QCOMPARE(first->name(), u"November 2026"_s);

        // Seen in January, December is past and whole; January is to date against December's start.
        const auto december = calendarMonth(QDate(2026, 12, 17), QDate(2027, 1, 15));
        QVERIFY(december && !december->toDate);
        QCOMPARE(december->from, QDate(2026, 12, 1));
        QCOMPARE(december->to, QDate(2026, 12, 31));
        QCOMPARE(december->days(), 31);
        QCOMPARE(december->previousFrom, QDate(2026, 11, 1));
        QCOMPARE(december->previousTo, QDate(2026, 11, 30));
        const auto january = calendarMonth(QDate(2027, 1, 15), QDate(2027, 1, 15));
        QVERIFY(january && january->toDate);
        QCOMPARE(january->previousFrom, QDate(2026, 12, 1));
        QCOMPARE(january->previousTo, QDate(2026, 12, 15));

        // A leap February: whole, 29 days; the 31st of March set against its last day.
        const auto leap = calendarMonth(QDate(2028, 2, 1), QDate(2028, 3, 31));
        QVERIFY(leap && !leap->toDate);
        QCOMPARE(leap->to, QDate(2028, 2, 29));
        QCOMPARE(leap->days(), 29);
        QCOMPARE(calendarMonth(QDate(2028, 3, 31), QDate(2028, 3, 31))->previousTo, QDate(2028, 2, 29));
        QCOMPARE(calendarMonth(QDate(2027, 3, 31), QDate(2027, 3, 30))->previousTo, QDate(2027, 2, 28));
        // The last day of a month is still the month to date (today is in it).
        QVERIFY(calendarMonth(QDate(2026, 11, 30), QDate(2026, 11, 30))->toDate);

        // Not begun: no window (the service says so as an error, never an empty report).
        QVERIFY(!calendarMonth(QDate(2026, 12, 1), QDate(2026, 11, 30)));
        QVERIFY(!calendarMonth(QDate(), QDate(2026, 11, 30)));

        QCOMPARE(monthFromText(u"2026-11"_s).value(), QDate(2026, 11, 1));
        for (const QString &bad : {u"2026-13"_s, u"2026-1"_s, u"2026-11-01"_s, u"November"_s, QString()})
            QVERIFY2(!monthFromText(bad), qPrintable(bad));

        // The trend is fitted on the month before and this one up to the last complete day.
        QCOMPARE(calendarTrendWindow(*january, QDate(2027, 1, 14)), std::pair(QDate(2026, 12, 1), QDate(2027, 1, 14)));
        QCOMPARE(calendarTrendWindow(*december, QDate(2027, 1, 14)), std::pair(QDate(2026, 11, 1), QDate(2026, 12, 31)));
    }

    // A calendar month's report on known rows: the same columns as the monthly report, the month
    // before to the same day, the next month's forecast on the line through both, its words and
    // exports; a month before any history is empty and says so.
    void calendarReportFromKnownRows()
    {
        const QDate today(2026, 11, 15);
        const CalendarMonth month = *calendarMonth(today, today);
        // ann: $1 every day of October and November; ben only in October.
        QHash<QString, DailySeries> daily;
        for (QDate d = month.previousFrom; d <= today; d = d.addDays(1))
            daily[u"ann"_s].insert(d, 1.0);
        const auto [fitFrom, fitTo] = calendarTrendWindow(month, today.addDays(-1));
        QHash<QString, TrendSums> sums{{u"ann"_s, trendSums(daily.value(u"ann"_s), fitFrom, fitTo)}};
        const WeeklyReportRow ann{u"ann"_s, 15.0, 30, 2.0};
        const WeeklyReportRow annBefore{u"ann"_s, 15.0, 28, 2.0};
        const WeeklyReportRow ben{u"ben"_s, 4.0, 8, std::nullopt};
        const TeamReport r = buildCalendarReport(month, {ann}, {annBefore, ben}, sums, today.addDays(-1));
        QVERIFY(r.calendar && r.calendar->toDate);
        QCOMPARE(r.period, ReportPeriod::Monthly);
        QCOMPARE(r.from, QDate(2026, 11, 1));
        QCOMPARE(r.to, today);
        QCOMPARE(r.previousTo, QDate(2026, 10, 15));
        QCOMPARE(r.rows.size(), 2);
        QCOMPARE(r.rows.at(0).member, u"ann"_s);
        QCOMPARE(*r.rows.at(0).change, 0.0);
        QCOMPARE(*r.rows.at(1).change, -1.0); // ben stopped: a drop to nothing is news
        QCOMPARE(r.total, 15.0);
        QCOMPARE(r.previousTotal, 19.0);
        // A flat $1 a day: December's 31 days, after the rest of November.
        QCOMPARE(r.rows.at(0).forecast, 31.0);
        QCOMPARE(r.rows.at(1).forecast, 0.0);
        QCOMPARE(r.forecast, 31.0);
        QCOMPARE(reportTitle(r), u"Calendar month report, November 2026 to date: 2026-11-01 to 2026-11-15, 15 of 30 days (UTC)"_s);
        QCOMPARE(reportSummary(r), u"Team total: $15.00 (October to the 15th: $19.00, -21%); next month (December 2026) forecast: $31.00"_s);
        QVERIFY(reportOutlookText(r).isEmpty()); // the outlook is the service's to add

        const QJsonObject json = QJsonDocument::fromJson(reportJson(r)).object();
        QCOMPARE(json.value("period"_L1).toString(), u"monthly"_s);
        QCOMPARE(json.value("calendar"_L1).toObject().value("month"_L1).toString(), u"2026-11"_s);
        QVERIFY(json.value("calendar"_L1).toObject().value("to_date"_L1).toBool());
        QCOMPARE(json.value("calendar"_L1).toObject().value("days"_L1).toInt(), 15);
        QCOMPARE(json.value("rows"_L1).toArray().at(0).toObject().value("monthly_cost"_L1).toDouble(), 15.0);
        QVERIFY(!json.contains("team_budget"_L1));
        const std::optional<TeamReport> back = reportFromJson(reportJson(r));
        QVERIFY(back && back->calendar && back->calendar->toDate);
        QCOMPARE(back->calendar->from, r.from);
        QCOMPARE(reportTitle(*back), reportTitle(r));
        QCOMPARE(QString::fromUtf8(reportCsv(r)).section(u"\r\n"_s, 0, 0),
                 u"user,monthly_cost,requests,daily_limit,previous_cost,change,forecast,budget,budget_period"_s);

        // October, seen on the 15th of November: whole, against September, November's forecast.
        const CalendarMonth october = *calendarMonth(QDate(2026, 10, 1), today);
        const TeamReport past = buildCalendarReport(october, {annBefore}, {}, {}, today.addDays(-1));
        QVERIFY(!past.calendar->toDate);
        QCOMPARE(reportTitle(past), u"Calendar month report, October 2026: 2026-10-01 to 2026-10-31, 31 days (UTC)"_s);
        QCOMPARE(reportBeforeText(past), u"September"_s);
        QCOMPARE(reportForecastText(past), u"next month (November 2026)"_s);

        // A month before any history: no rows, said so.
        const CalendarMonth empty = *calendarMonth(QDate(2026, 1, 1), today);
        const TeamReport none = buildCalendarReport(empty, {}, {}, {}, today.addDays(-1));
        QVERIFY(none.rows.isEmpty());
        QCOMPARE(none.total, 0.0);
        QCOMPARE(reportSummary(none), u"No usage recorded in January 2026 or in December."_s);
        QCOMPARE(reportDays(ReportPeriod::Monthly), 30); // the rolling report is unchanged
    }

    void changesReadAsWholePercentages()
    {
        QCOMPARE(formatChange(0.05), u"+5%"_s);
        QCOMPARE(formatChange(-0.344), u"-34%"_s);
        QCOMPARE(formatChange(1.0), u"+100%"_s);
        QCOMPARE(formatChange(0.001), u"0%"_s);  // rounds to nothing: no sign either way
        QCOMPARE(formatChange(-0.004), u"0%"_s);
    }

    void reportTrendIgnoresTheDayJustBegun()
    {
        // Two weeks at $1 a day, read at 00:05 UTC on the 15th day with $0.01 spent so far: the
        // trend is fitted on the 14 complete days, so the next week is forecast at $7, not less.
        const QDate today(2026, 11, 28);
        QHash<QString, DailySeries> daily;
        for (int i = 1; i <= 14; ++i)
            daily[u"ann"_s].insert(today.addDays(-i), 1.0);
        daily[u"ann"_s].insert(today, 0.01);
        const WeeklyReportRow week{u"ann"_s, 6.01, 10, std::nullopt}, before{u"ann"_s, 7.0, 10, std::nullopt};
        const TeamReport now = buildTeamReport(ReportPeriod::Weekly, today, {week}, {before},
                                               sumsOf(daily, ReportPeriod::Weekly, today, today.addDays(-1)), today.addDays(-1));
        QCOMPARE(now.rows.at(0).forecast, 7.0);
        // Counting the day just begun would have bent the line down.
        const TeamReport naive = buildTeamReport(ReportPeriod::Weekly, today, {week}, {before},
                                                 sumsOf(daily, ReportPeriod::Weekly, today, today), today);
        QVERIFY(naive.rows.at(0).forecast < 6.5);
        // A report that ended in the past has only complete days: the same either way.
        const QDate past = today.addDays(-1);
        QCOMPARE(buildTeamReport(ReportPeriod::Weekly, past, {before}, {}, sumsOf(daily, ReportPeriod::Weekly, past, today.addDays(-1)),
                                 today.addDays(-1)).rows.at(0).forecast,
                 7.0);
    }

    void denseSeriesFillsQuietDays()
    {
        const QDate d(2026, 11, 1);
        const auto dense = denseSeries({{d.addDays(2), 4.0}}, d, d.addDays(3));
        QCOMPARE(dense.size(), 4);
        QCOMPARE(dense.at(0).second, 0.0);
        QCOMPARE(dense.at(2).second, 4.0);
        QVERIFY(denseSeries({}, d, d.addDays(-1)).isEmpty());
    }

    void perMemberPerDayFromSnapshots()
    {
        QTemporaryDir dir;
        Store store;
        QString error;
        QVERIFY(store.open(*DbLocation::parse(dir.filePath(u"t.db"_s), &error)).ok());
        QVERIFY(store.team().saveMembers({{u"ann"_s, {}, u"basic"_s, std::nullopt, true, {}}, {u"ben"_s, {}, u"pro"_s, std::nullopt, true, {}}}).ok());
        QVERIFY(store.team().linkKey(u"ann"_s, u"a1"_s).ok());
        QVERIFY(store.team().linkKey(u"ann"_s, u"a2"_s).ok()); // revoked on Wednesday
        QVERIFY(store.team().linkKey(u"ben"_s, u"b1"_s).ok());
        const QDate monday(2026, 11, 23);
        auto at = [&](int day, int hour, int minute = 0) { return QDateTime(monday.addDays(day), QTime(hour, minute), QTimeZone::utc()); };
        QVERIFY(store.usage().recordKeySnapshots({snap(u"a1"_s, 1.0), snap(u"a2"_s, 2.0), snap(u"b1"_s, 0.5)}, at(0, 23, 59)).ok());
        QVERIFY(store.usage().recordKeySnapshots({snap(u"a1"_s, 1.5), snap(u"a2"_s, 2.5), snap(u"b1"_s, 0.0)}, at(1, 22)).ok());
        // Wednesday: a2 is gone from the listing; its earlier days stay in the history.
        QVERIFY(store.usage().recordKeySnapshots({snap(u"a1"_s, 0.25), snap(u"b1"_s, 3.0)}, at(2, 12)).ok());
        // Just after midnight UTC on Thursday: a new day, not Wednesday's.
        QVERIFY(store.usage().recordKeySnapshots({snap(u"a1"_s, 0.01), snap(u"b1"_s, 0.02)}, at(3, 0, 1)).ok());

        const auto byMemberRead = store.spend().dailySpendByMember(monday, monday.addDays(6));
        QVERIFY2(byMemberRead.ok(), qPrintable(byMemberRead.errorText()));
        const auto &byMember = *byMemberRead;
        QCOMPARE(byMember.value(u"ann"_s).value(monday), 3.0);
        QCOMPARE(byMember.value(u"ann"_s).value(monday.addDays(1)), 4.0);
        QCOMPARE(byMember.value(u"ann"_s).value(monday.addDays(2)), 0.25);
        QCOMPARE(byMember.value(u"ann"_s).value(monday.addDays(3)), 0.01);
        QCOMPARE(byMember.value(u"ben"_s).value(monday.addDays(2)), 3.0);
        QCOMPARE(byMember.value(u"ben"_s).value(monday.addDays(1)), 0.0);
        const Result<DailySeries> teamRead = store.spend().dailySpend(monday, monday.addDays(6));
        QVERIFY2(teamRead.ok(), qPrintable(teamRead.errorText()));
        const DailySeries &team = *teamRead;
        QCOMPARE(team.value(monday), 3.5);
        QCOMPARE(team.value(monday.addDays(2)), 3.25);
        QCOMPARE(store.spend().keyDailySpend(u"a2"_s, monday, monday.addDays(6)).valueOr({}).size(), 2);

        // Activity by model: a day's rows per endpoint become one per model; syncing twice
        // changes nothing.
        ActivityItem a;
        a.date = monday;
        a.model = u"openai/gpt-4o"_s;
        a.usage = 1.0;
        a.requests = 4;
        ActivityItem b = a;
        b.endpointId = u"other"_s;
        b.usage = 0.5;
        ActivityItem c = a;
        c.model = u"openai/gpt-4o-mini"_s;
        c.usage = 0.25;
        for (int i = 0; i < 2; ++i)
            QVERIFY(store.usage().recordSync({}, QList<ActivityItem>{a, b, c}, at(0, 23)).ok());
        const Result<QList<ModelSpend>> modelsRead = store.spend().spendByModel(monday, monday);
        QVERIFY2(modelsRead.ok(), qPrintable(modelsRead.errorText()));
        const QList<ModelSpend> &models = *modelsRead;
        QCOMPARE(models.size(), 2);
        QCOMPARE(models.at(0).name, u"openai/gpt-4o"_s);
        QCOMPARE(models.at(0).cost, 1.5);
        QCOMPARE(models.at(0).requests, 8);
    }

    void alertsFromKnownData()
    {
        const QDateTime now(QDate(2026, 11, 27), QTime(15, 0), QTimeZone::utc());
        const QDate today = now.date();
        AlertInput in;
        in.now = now;
        in.tiers = defaultTiers(); // basic: $5 a day
        in.members = {{u"ann"_s, {}, u"basic"_s, std::nullopt, true, {}}, {u"ben"_s, {}, u"basic"_s, std::nullopt, true, {}},
                      {u"cat"_s, {}, u"enterprise"_s, std::nullopt, true, {}}, {u"dov"_s, {}, u"basic"_s, std::nullopt, false, {}}};
        in.spent = test::spentToday({{u"ann"_s, 4.0}, {u"ben"_s, 5.0}, {u"cat"_s, 12.0}, {u"dov"_s, 50.0}});
        DailySeries catUsual, annUsual;
        for (int d = 1; d <= 14; ++d) {
            catUsual.insert(today.addDays(-d), d % 2 ? 3.0 : 4.0); // median 3.5: 12 > 10.5
            annUsual.insert(today.addDays(-d), 4.0);
        }
        in.previousDays = {{u"cat"_s, catUsual}, {u"ann"_s, annUsual}};
        auto key = [&](const QString &name, qint64 hoursLeft) {
            ApiKey k;
            k.hash = name + u"-hash"_s;
            k.name = name;
            k.expiresAt = now.addSecs(hoursLeft * 3600);
            return k;
        };
        in.keys = {key(u"soon"_s, 20), key(u"week"_s, 24 * 6), key(u"later"_s, 24 * 30), key(u"gone"_s, -1)};
        const QList<Alert> alerts = currentAlerts(in);
        QStringList ids;
        for (const Alert &a : alerts)
            ids << a.id;
        // Urgent first: ben at 100%, the key expiring within a day.
        QVERIFY(alerts.at(0).urgent && alerts.at(1).urgent);
        QVERIFY(ids.contains(u"budget80:ann:2026-11-27"_s));   // 80%: $4 of $5
        QVERIFY(ids.contains(u"budget100:ben:2026-11-27"_s));  // at the limit
        QVERIFY(ids.contains(u"anomaly:cat:2026-11-27"_s));    // $12 > 3 × $3.50
        QVERIFY(ids.contains(u"anomaly:ben:2026-11-27"_s));    // $5 and usually nothing
        QVERIFY(!ids.contains(u"anomaly:ann:2026-11-27"_s));   // $4 is her usual day
        QVERIFY(ids.contains(u"expiry1:soon-hash"_s));
        QVERIFY(ids.contains(u"expiry7:week-hash"_s));
        QVERIFY(!ids.join(u' ').contains(u"later"_s));
        QVERIFY(!ids.join(u' ').contains(u"gone"_s));
        QVERIFY(!ids.join(u' ').contains(u"dov"_s));           // inactive members are quiet
        QCOMPARE(alerts.size(), 6);
        QCOMPARE(usualDailySpend(catUsual, today), 3.5);
        // Each alert says it in one sentence: at the budget, over it, a share of it.
        const auto textOf = [&](const QList<Alert> &all, const QString &id) {
            for (const Alert &a : all)
                if (a.id == id)
                    return a.text;
            return QString();
        };
        QCOMPARE(textOf(alerts, u"budget100:ben:2026-11-27"_s), u"ben has spent $5.00 today, the whole daily budget of $5.00."_s);
        QCOMPARE(textOf(alerts, u"budget80:ann:2026-11-27"_s), u"ann has spent $4.00 today, 80% of the daily budget of $5.00."_s);
        // A budget of $0 allows nothing: any spend is over it (as budgets check says), none is quiet.
        in.members[0].budgetOverride = Budget{0.0};
        in.members[1].budgetOverride = Budget{0.0, LimitReset::Weekly};
        in.spent = test::spentToday({{u"ann"_s, 0.5}, {u"ben"_s, 0.0}, {u"cat"_s, 12.0}});
        const QList<Alert> zero = currentAlerts(in);
        QCOMPARE(textOf(zero, u"budget100:ann:2026-11-27"_s), u"ann has spent $0.50 today, over the daily budget of $0.00."_s);
        for (const Alert &a : zero)
            QVERIFY2(!(a.kind == Alert::Kind::Budget && a.member == u"ben"_s), qPrintable(a.text));
        // The team's budget is said the same way: over it is "over", not "the whole".
        in.settings.teamDailyBudget = 2.0;
        in.teamSpentToday = 3.75;
        const QList<Alert> team = currentAlerts(in);
        QCOMPARE(textOf(team, u"team-budget100:day:2026-11-27"_s), u"The team has spent $3.75 today, over the budget of $2.00."_s);
        in.teamSpentToday = 1.6;
        QCOMPARE(textOf(currentAlerts(in), u"team-budget80:day:2026-11-27"_s), u"The team has spent $1.60 today, 80% of the budget of $2.00."_s);
    }

    // A new team database knows nobody's usual day: no "usually spends nothing" until a week of
    // spend is recorded, then the rule holds again.
    void noAnomalyBeforeAWeekOfHistory()
    {
        const QDateTime now(QDate(2026, 11, 27), QTime(15, 0), QTimeZone::utc());
        const QDate today = now.date();
        AlertInput in;
        in.now = now;
        in.tiers = defaultTiers();
        in.members = {{u"ann"_s, {}, u"basic"_s, std::nullopt, true, {}}, {u"ben"_s, {}, u"basic"_s, std::nullopt, true, {}}};
        in.spent = test::spentToday({{u"ann"_s, 2.0}, {u"ben"_s, 3.0}});
        auto anomalies = [&] {
            QStringList ids;
            for (const Alert &a : currentAlerts(in)) {
                if (a.kind == Alert::Kind::Anomaly)
                    ids << a.id;
            }
            return ids;
        };
        QCOMPARE(anomalies(), QStringList()); // nothing recorded before today
        DailySeries ann;
        for (int d = 1; d <= 6; ++d)
            ann.insert(today.addDays(-d), 0.1);
        in.previousDays = {{u"ann"_s, ann}};
        QCOMPARE(anomalies(), QStringList()); // six days: still too short
        ann.insert(today.addDays(-7), 0.1);
        in.previousDays = {{u"ann"_s, ann}};
        QCOMPARE(anomalies(), (QStringList{u"anomaly:ann:2026-11-27"_s, u"anomaly:ben:2026-11-27"_s}));
        // The database's own first day rules when known: months of history with a quiet fortnight
        // before today still know what usual is (nothing), and a spike after it is news.
        in.previousDays.clear();
        in.firstSpendDay = today.addDays(-90);
        QCOMPARE(anomalies(), (QStringList{u"anomaly:ann:2026-11-27"_s, u"anomaly:ben:2026-11-27"_s}));
        in.firstSpendDay = today.addDays(-3); // and a young database stays quiet
        QCOMPARE(anomalies(), QStringList());
    }

    void controllerNumbers()
    {
        QTemporaryDir dir;
        Store store;
        QString error;
        QVERIFY(store.open(*DbLocation::parse(dir.filePath(u"t.db"_s), &error)).ok());
        FakeOpenRouter fake;
        FakeOpenRouter::KeySeed s;
        s.name = u"ann-key"_s;
        s.limit = 20.0;
        s.usage = 14.0;
        const ApiKey annKey = fake.addKey(s);
        s.name = u"ben-key"_s;
        s.limit = 100.0;
        s.usage = 10.0;
        const ApiKey benKey = fake.addKey(s);
        fake.setCredits(500, 24);
        QVERIFY(fake.start());
        QNetworkAccessManager nam;
        OpenRouterClient client(&nam);
        OpenRouterClient::Settings settings = OpenRouterClient::defaultSettings();
        settings.baseUrl = fake.baseUrl();
        client.setSettings(settings);
        client.setManagementKey(fake.managementKey());
        KeyListController keys(&client);
        QSignalSpy refreshed(&keys, &KeyListController::refreshFinished);
        keys.refresh();
        QVERIFY(refreshed.wait(10'000));

        QVERIFY(store.team().saveMembers({{u"ann"_s, {}, u"basic"_s, std::nullopt, true, {}}, {u"ben"_s, {}, u"pro"_s, std::nullopt, true, {}},
                                          {u"cat"_s, {}, u"enterprise"_s, std::nullopt, true, {}}}).ok());
        QVERIFY(store.team().linkKey(u"ann"_s, annKey.hash).ok());
        QVERIFY(store.team().linkKey(u"ben"_s, benKey.hash).ok());
        const QDate wednesday(2026, 11, 25);
        for (int d = 0; d < 8; ++d) {
            const QDateTime at(wednesday.addDays(-d), QTime(20, 0), QTimeZone::utc());
            QVERIFY(store.usage().recordKeySnapshots({snap(annKey.hash, 2.0), snap(benKey.hash, d == 0 ? 9.0 : 1.0)}, at).ok());
        }
        SpendController spend(&store, &keys);
        spend.setClock([&] { return QDateTime(wednesday, QTime(21, 0), QTimeZone::utc()); });

        // This week is Monday to Wednesday: three days of spend, three days of budget.
        const auto week = spend.memberBars(SpendController::Period::Week);
        QVERIFY2(week.ok(), qPrintable(week.errorText()));
        QCOMPARE(week->size(), 2); // cat: no spend, no budget
        QCOMPARE(week->at(0).member, u"ben"_s);
        QCOMPARE(week->at(0).spent, 11.0);
        QCOMPARE(week->at(0).budget.value(), 75.0);
        QCOMPARE(week->at(1).spent, 6.0);
        QCOMPARE(week->at(1).budget.value(), 15.0);
        const auto today = spend.memberBars(SpendController::Period::Today);
        QVERIFY2(today.ok(), qPrintable(today.errorText()));
        QCOMPARE(today->at(0).spent, 9.0);
        QCOMPARE(today->at(0).budget.value(), 25.0);

        const auto daily = spend.teamDaily(7);
        QVERIFY2(daily.ok(), qPrintable(daily.errorText()));
        QCOMPARE(daily->size(), 7);
        QCOMPARE(daily->back().second, 11.0);
        QCOMPARE(daily->front().second, 3.0);
        // History starts on the 18th: a 30-day chart starts there too, no $0 days before it.
        const auto month = spend.teamDaily(30);
        QVERIFY2(month.ok(), qPrintable(month.errorText()));
        QCOMPARE(month->size(), 8);
        QCOMPARE(month->front().first, wednesday.addDays(-7));
        QCOMPARE(spend.topMembersDaily(30, 1)->front().second.front().first, wednesday.addDays(-7));
        const auto top = spend.topMembersDaily(7, 1);
        QVERIFY2(top.ok(), qPrintable(top.errorText()));
        QCOMPARE(top->size(), 1);
        QCOMPARE(top->front().first, u"ben"_s);

        // The rate is the seven days before today and today so far (21:00: 7/8 of a day). Ann's
        // key: $6 left at $16 over 7.875 days: three days. Ben's: $90 at (9 + 7) / 7.875 a day.
        // Credits: $476 at the team's (11 + 7 × 3) / 7.875 a day.
        const auto burns = spend.burns();
        QVERIFY2(burns.ok(), qPrintable(burns.errorText()));
        QCOMPARE(burns->size(), 3);
        QCOMPARE(burns->at(0).what, u"ann-key"_s);
        QCOMPARE(burns->at(0).forecast.reachedOn.value(), wednesday.addDays(3));
        QCOMPARE(burns->at(1).what, u"ben-key"_s);
        QCOMPARE(burns->at(1).forecast.ratePerDay, 16.0 / 7.875);
        QCOMPARE(burns->at(2).what, u"Account credits"_s);
        QCOMPARE(burns->at(2).forecast.remaining, 476.0);
        QCOMPARE(burns->at(2).forecast.ratePerDay, 32.0 / 7.875); // Wednesday 11, seven days of 3

        // Ben spent $9 of his $25 today: no alert. Give him an own limit of $10: 90%, one alert,
        // raised once however often the page refreshes (and by a second dashboard on the same
        // database); at 100% a new one.
        Member ben = store.team().member(u"ben"_s).valueOr({});
        ben.budgetOverride = Budget{10.0};
        QVERIFY(store.team().updateMember(ben).ok());
        QSignalSpy raised(&spend, &SpendController::newAlerts);
        spend.refresh();
        QCOMPARE(raised.size(), 1);
        const auto first = raised.at(0).at(0).value<QList<Alert>>();
        QVERIFY(std::any_of(first.cbegin(), first.cend(), [](const Alert &a) { return a.id == u"budget80:ben:2026-11-25"_s; }));
        spend.refresh();
        spend.refresh();
        QCOMPARE(raised.size(), 1);
        SpendController other(&store, &keys);
        other.setClock([&] { return QDateTime(wednesday, QTime(21, 30), QTimeZone::utc()); });
        const auto noneNew = other.takeNewAlerts();
        QVERIFY2(noneNew.ok(), qPrintable(noneNew.errorText()));
        QVERIFY(noneNew->isEmpty());
        QVERIFY(!other.alerts().valueOr({}).isEmpty()); // the banner still shows it
        ben.budgetOverride = Budget{9.0};
        QVERIFY(store.team().updateMember(ben).ok());
        spend.refresh();
        QCOMPARE(raised.size(), 2);
        QCOMPARE(raised.at(1).at(0).value<QList<Alert>>().first().id, u"budget100:ben:2026-11-25"_s);

        // The Overview from the same database: the week is Monday to Wednesday; history starts
        // on the 18th, after last week's Monday, so no change against last week is claimed.
        const auto overview = spend.overview();
        QVERIFY2(overview.ok(), qPrintable(overview.errorText()));
        QVERIFY(overview->keysKnown);
        QCOMPARE(overview->credits->remaining(), 476.0);
        QCOMPARE(overview->historyDays, 8);
        QCOMPARE(overview->spentToday, 11.0);
        QCOMPARE(overview->weekToDate, 17.0);
        QCOMPARE(overview->monthToDate, 32.0); // the 18th to the 24th at $3, Wednesday $11
        QVERIFY(!overview->lastWeekToDate);
        QCOMPARE(overview->topSpenders.size(), 2);
        QCOMPARE(overview->topSpenders.at(0).member, u"ben"_s);
        QCOMPARE(overview->topSpenders.at(0).week, 11.0);
        QVERIFY(!overview->topSpenders.at(0).lastWeek);
        QCOMPARE(overview->ratePerDay.value(), 32.0 / 7.875);
        QVERIFY(std::any_of(overview->alerts.cbegin(), overview->alerts.cend(), [](const Alert &a) { return a.id == u"budget100:ben:2026-11-25"_s; }));
    }

    // Only members who may be an anomaly today (over $1) get their fortnight read; the alerts are
    // the same as from everyone's fortnight. ann spent $0.50 today (never an anomaly), ben $5
    // against a usual $1 (an anomaly), cat $12 against a usual $4 (not one).
    void alertInputReadsTheFortnightOfPossibleAnomaliesOnly()
    {
        QTemporaryDir dir;
        Store store;
        QString error;
        QVERIFY(store.open(*DbLocation::parse(dir.filePath(u"t.db"_s), &error)).ok());
        QVERIFY(store.team().saveMembers({{u"ann"_s, {}, u"enterprise"_s, std::nullopt, true, {}},
                                          {u"ben"_s, {}, u"enterprise"_s, std::nullopt, true, {}},
                                          {u"cat"_s, {}, u"enterprise"_s, std::nullopt, true, {}}})
                    .ok());
        const QDateTime now(QDate(2026, 11, 25), QTime(18, 0), QTimeZone::utc());
        const QDate today = now.date();
        for (int d = 1; d <= 20; ++d) {
            QVERIFY(store.usage().recordUsage(u"ann"_s, today.addDays(-d), 0.1, 1).ok());
            QVERIFY(store.usage().recordUsage(u"ben"_s, today.addDays(-d), 1.0, 1).ok());
            QVERIFY(store.usage().recordUsage(u"cat"_s, today.addDays(-d), 4.0, 1).ok());
        }
        QVERIFY(store.usage().recordUsage(u"ann"_s, today, 0.5, 1).ok());
        QVERIFY(store.usage().recordUsage(u"ben"_s, today, 5.0, 1).ok());
        QVERIFY(store.usage().recordUsage(u"cat"_s, today, 12.0, 1).ok());
        const Result<AlertInput> in = NotifyService::alertInput(store, {}, std::nullopt, now);
        QVERIFY2(in.ok(), qPrintable(in.errorText()));
        QCOMPARE(QSet<QString>(in->previousDays.keyBegin(), in->previousDays.keyEnd()), (QSet<QString>{u"ben"_s, u"cat"_s}));
        QCOMPARE(usualDailySpend(in->previousDays.value(u"cat"_s), today), 4.0);
        // Everyone's fortnight, as it was read before: the same alerts.
        AlertInput everyone = *in;
        const auto all = store.spend().dailySpendByMember(today.addDays(-14), today.addDays(-1));
        QVERIFY2(all.ok(), qPrintable(all.errorText()));
        everyone.previousDays = *all;
        QCOMPARE(everyone.previousDays.size(), 3);
        QStringList filtered, full;
        for (const Alert &a : currentAlerts(*in))
            filtered << a.id;
        for (const Alert &a : currentAlerts(everyone))
            full << a.id;
        QCOMPARE(filtered, full);
        QVERIFY(filtered.contains(u"anomaly:ben:2026-11-25"_s));
        QVERIFY(!filtered.join(u' ').contains(u"anomaly:cat"_s));
        QVERIFY(!filtered.join(u' ').contains(u"anomaly:ann"_s));
    }

    // What counts as this connection's write (what the dashboard's shared reads are kept by):
    // an insert that added a row, not one that found it there already, nor a transaction's
    // BEGIN and COMMIT. And a refresh on SQLite reads again what another connection wrote.
    void ownWritesAndAnotherConnectionsCommit()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"t.db"_s);
        Store store;
        QString error;
        QVERIFY(store.open(*DbLocation::parse(path, &error)).ok());
        QVERIFY(store.team().saveMembers({{u"ann"_s, {}, u"basic"_s, std::nullopt, true, {}}}).ok());
        const Database &db = store.database();
        const quint64 before = db.ownWrites();
        QCOMPARE(store.governance().markAlertsSeen({u"a1"_s}).valueOr({}), QStringList{u"a1"_s});
        QCOMPARE(db.ownWrites(), before + 1); // one row inserted (its BEGIN and COMMIT not counted)
        QCOMPARE(store.governance().markAlertsSeen({u"a1"_s}).valueOr({u"x"_s}), QStringList());
        QCOMPARE(db.ownWrites(), before + 1); // already seen: nothing changed

        QNetworkAccessManager nam;
        OpenRouterClient client(&nam);
        KeyListController keys(&client);
        SpendController spend(&store, &keys);
        const QDateTime now(QDate(2026, 11, 25), QTime(18, 0), QTimeZone::utc());
        spend.setClock([&] { return now; }); // the clock stands still: only a write can make it read again
        QVERIFY(spend.alerts().ok());
        QCOMPARE(spend.alerts().valueOr({}).size(), 0);
        {
            // Another connection (a sync's, a gateway's) records $5 for ann today: her $5 budget.
            Store other;
            QVERIFY(other.open(*DbLocation::parse(path, &error)).ok());
            QVERIFY(other.usage().recordUsage(u"ann"_s, now.date(), 5.0, 1).ok());
        }
        spend.refresh();
        const QList<Alert> after = spend.alerts().valueOr({});
        QVERIFY(std::any_of(after.cbegin(), after.cend(), [](const Alert &a) { return a.id == u"budget100:ann:2026-11-25"_s; }));
    }

    // The alerts' input is read once for every page drawn after a refresh, even on a database
    // where that read takes longer than the two seconds it is kept: its age counts from the end
    // of the read. Each statement here "takes" 300 ms of the controller's clock.
    void alertInputKeptAfterASlowRead()
    {
        QTemporaryDir dir;
        Store store;
        QString error;
        QVERIFY(store.open(*DbLocation::parse(dir.filePath(u"t.db"_s), &error)).ok());
        QVERIFY(store.team().saveMembers({{u"ann"_s, {}, u"basic"_s, std::nullopt, true, {}}}).ok());
        QNetworkAccessManager nam;
        OpenRouterClient client(&nam);
        KeyListController keys(&client);
        SpendController spend(&store, &keys);
        const QDateTime start(QDate(2026, 11, 25), QTime(12, 0), QTimeZone::utc());
        int statements = 0;
        store.database().setFaultInjector([&](int, const QString &sql) {
            // The check whether another connection wrote (PRAGMA data_version) is not a read of the input.
            if (!sql.startsWith(u"PRAGMA"_s, Qt::CaseInsensitive))
                ++statements;
            return false;
        });
        qint64 extraMs = 0; // the clock moving on between pages
        spend.setClock([&] { return start.addMSecs(statements * 300 + extraMs); });
        QVERIFY(spend.alerts().ok());
        const int oneRead = statements;
        QVERIFY2(oneRead * 300 > 2000, "the read must take longer than the two seconds it is kept");
        QVERIFY(spend.alerts().ok());
        QCOMPARE(spend.alerts().valueOr({}).size(), 0);
        QCOMPARE(statements, oneRead); // not read again
        // Two seconds after the read ended, it is read again (the clock's thresholds stay exact).
        extraMs += 2100;
        QVERIFY(spend.alerts().ok());
        QCOMPARE(statements, 2 * oneRead);
    }

    // The Overview's rules on a known series: the month so far, its projection and the day the
    // budget is crossed, last week to the same point (a Wednesday noon against last Wednesday's
    // first half), the top spenders and their change, and no trend from too little history.
    void overviewFromKnownSeries()
    {
        const QDateTime noon(QDate(2026, 11, 25), QTime(12, 0), QTimeZone::utc()); // a Wednesday
        const QDate today = noon.date();
        OverviewInput in;
        in.now = noon;
        in.firstSpendDay = QDate(2026, 10, 1);
        for (QDate d = OverviewInput::seriesStart(today); d < today; d = d.addDays(1))
            in.teamDaily.insert(d, 2.0);
        in.teamDaily.insert(today, 1.0); // half a day at the same rate
        QCOMPARE(OverviewInput::seriesStart(today), QDate(2026, 11, 1));
        in.memberWeek = {{u"ann"_s, 5.0}, {u"ben"_s, 3.0}, {u"cy"_s, 0.0}, {u"di"_s, 0.5}, {u"ed"_s, 0.4}, {u"flo"_s, 0.3}, {u"gus"_s, 0.2}};
        in.memberLastWeekBefore = {{u"ann"_s, 2.0}, {u"ben"_s, 4.0}};
        in.memberLastWeekSameDay = {{u"ann"_s, 2.0}, {u"ben"_s, 2.0}};
        in.credits = Credits{100.0, 90.0};
        in.accountRate = 2.0; // the account spends what the team does (every key linked)
        in.monthBudget = 55.0;

        Overview o = computeOverview(in);
        QVERIFY(o.trendKnown());
        QVERIFY(o.historyNote().isEmpty());
        QCOMPARE(o.spentToday, 1.0);
        QCOMPARE(o.monthToDate, 49.0);            // 24 days at $2 and today's $1
        QCOMPARE(o.weekToDate, 5.0);              // Monday, Tuesday, Wednesday so far
        QCOMPARE(o.lastWeekToDate.value(), 5.0);  // and last week's, its Wednesday counted to noon
        QCOMPARE(Overview::changeText(o.weekToDate, o.lastWeekToDate), u"±0%"_s);
        QCOMPARE(o.ratePerDay.value(), 2.0);
        QCOMPARE(o.projectedMonthEnd.value(), 60.0); // + half of today and five more days at $2
        QCOMPARE(o.budgetCrossedOn.value(), QDate(2026, 11, 28)); // $6 left at $2 a day
        QCOMPARE(o.creditsRunOut.value(), QDate(2026, 11, 30));   // $10 at $2 a day
        QCOMPARE(o.topSpenders.size(), Overview::TopSpenders);    // cy spent nothing; gus is sixth
        QCOMPARE(o.topSpenders.at(0).member, u"ann"_s);
        QCOMPARE(o.topSpenders.at(0).lastWeek.value(), 3.0);      // $2 before Wednesday, half of $2 on it
        QCOMPARE(Overview::changeText(o.topSpenders.at(0).week, o.topSpenders.at(0).lastWeek), u"+67%"_s);
        QCOMPARE(Overview::changeRatio(5.0, 3.0).value(), 2.0 / 3.0);
        QVERIFY(!Overview::changeRatio(5.0, 0.0));
        QCOMPARE(Overview::changeText(o.topSpenders.at(1).week, o.topSpenders.at(1).lastWeek), u"−40%"_s); // 3 against 5
        QCOMPARE(Overview::changeText(o.topSpenders.at(2).week, o.topSpenders.at(2).lastWeek), u"new"_s);
        QCOMPARE(o.topSpenders.at(4).member, u"flo"_s);

        QVERIFY(!o.budgetCrossed);
        in.monthBudget = 56.0; // $7 left at $2 a day from noon: 3.5 days, so on the fourth day
        QCOMPARE(computeOverview(in).budgetCrossedOn.value(), QDate(2026, 11, 29));
        in.monthBudget = 59.5; // the projection ($60) is over it: never "within budget"
        QCOMPARE(computeOverview(in).budgetCrossedOn.value(), QDate(2026, 11, 30));
        in.monthBudget = 40.0; // crossed already: on the 20th the month reached $40
        QVERIFY(computeOverview(in).budgetCrossed);
        QCOMPARE(computeOverview(in).budgetCrossedOn.value(), QDate(2026, 11, 20));
        in.monthBudget = 100.0; // $60 at the month's end: no crossing
        QVERIFY(!computeOverview(in).budgetCrossedOn);
        in.monthBudget = 40.0;
        in.credits = Credits{100.0, 91.5}; // $8.50: 4.25 days from noon, the 29th
        QCOMPARE(computeOverview(in).creditsRunOut.value(), QDate(2026, 11, 29));
        in.credits = Credits{100.0, 100.5}; // used up: no run-out day, said as such
        QVERIFY(computeOverview(in).creditsUsedUp());
        QVERIFY(!computeOverview(in).creditsRunOut);
        in.credits = Credits{100.0, 90.0};
        in.monthBudget.reset();
        QVERIFY(!computeOverview(in).budgetCrossedOn);
        // The credits run out at the account's rate, keys linked to nobody included, not the
        // team's: $10 at $4 a day from noon is 2.5 days, the 28th at 00:00 (at the team's $2, the
        // 30th); the month's numbers stay the team's.
        in.accountRate = 4.0;
        QCOMPARE(computeOverview(in).creditsRunOut.value(), QDate(2026, 11, 28));
        QCOMPARE(computeOverview(in).creditsRatePerDay.value(), 4.0);
        QCOMPARE(computeOverview(in).ratePerDay.value(), 2.0);
        in.accountRate.reset(); // too little of the account's history: no run-out day
        QVERIFY(!computeOverview(in).creditsRunOut);
        in.accountRate = 2.0;

        // Two days of history: no rate, no projection, no run-out date, no change against a week
        // that is not recorded; the note says why.
        in.firstSpendDay = today.addDays(-1);
        in.monthBudget = 40.0;
        o = computeOverview(in);
        QVERIFY(!o.trendKnown());
        QCOMPARE(o.historyNote(), u"not enough history yet: 2 days"_s);
        QVERIFY(!o.projectedMonthEnd && !o.ratePerDay);
        QVERIFY(!o.lastWeekToDate);
        QVERIFY(!o.topSpenders.at(0).lastWeek);
        QVERIFY(o.budgetCrossed); // $49 of $40: crossed needs no rate
        QCOMPARE(o.budgetCrossedOn.value(), QDate(2026, 11, 20));
        QVERIFY(Overview::changeText(1.0, std::nullopt).isEmpty());
        in.firstSpendDay = QDate();
        QCOMPARE(computeOverview(in).historyNote(), u"not enough history yet: no spend recorded"_s);

        // The month in one line, as the CLI, the calendar report and the Spend page print it.
        QCOMPARE(o.monthText(), u"$49.00 of a $40.00 budget (122%); budget crossed on 2026-11-20; not enough history yet: 2 days, no projection"_s);
        {
            OverviewInput known = in;
            known.firstSpendDay = QDate(2026, 10, 1);
            known.monthBudget = 55.0;
            const Overview k = computeOverview(known);
            QCOMPARE(k.budgetPercent().value(), 89); // 49/55 = 89.09%: rounded down, as the alerts count it
            QCOMPARE(k.monthText(), u"$49.00 of a $55.00 budget (89%); projected month end $60.00 at $2.00 a day; crosses the budget around 2026-11-28"_s);
            known.monthBudget = 100.0;
            QCOMPARE(computeOverview(known).monthText(), u"$49.00 of a $100.00 budget (49%); projected month end $60.00 at $2.00 a day; within budget at this rate"_s);
            known.monthBudget = 49.4; // under by cents with half of today to go: later today
            QVERIFY(!computeOverview(known).budgetCrossed);
            QVERIFY(computeOverview(known).monthText().endsWith(u"; crosses the budget later today"_s));
            known.monthBudget.reset();
            QVERIFY(!computeOverview(known).budgetPercent());
            QCOMPARE(computeOverview(known).monthText(), u"$49.00; no team monthly budget; projected month end $60.00 at $2.00 a day"_s);
            const QJsonObject month = computeOverview(known).monthJson();
            QVERIFY(month.value("month_budget"_L1).isNull() && month.value("budget_percent"_L1).isNull());
            QCOMPARE(month.value("projected_month_end"_L1).toDouble(), 60.0);
        }

        const QJsonObject json = QJsonDocument::fromJson(o.toJson()).object();
        QCOMPARE(json.value("month_to_date"_L1).toDouble(), 49.0);
        QCOMPARE(json.value("budget_percent"_L1).toInt(), 122);
        QCOMPARE(json.value("spent_today"_L1).toDouble(), 1.0);
        QVERIFY(json.value("budget_crossed"_L1).toBool());
        QVERIFY(json.value("top_spenders"_L1).toArray().at(0).toObject().value("change_ratio"_L1).isNull());
        QVERIFY(json.value("projected_month_end"_L1).isNull());
        QCOMPARE(json.value("history_note"_L1).toString(), u"not enough history yet: 2 days"_s);
        QCOMPARE(json.value("top_spenders"_L1).toArray().size(), 5);
        QCOMPARE(json.value("credits"_L1).toObject().value("remaining"_L1).toDouble(), 10.0);
    }
};

QTEST_GUILESS_MAIN(TestSpend)
#include "tst_spend.moc"
