#include "Report.h"

#include "Csv.h"
#include "JsonText.h"
#include "Money.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
double round4(double v) { return std::round(v * 10000.0) / 10000.0; }

std::optional<double> changeOf(double now, double before)
{
    if (before <= 0)
        return std::nullopt;
    return (now - before) / before;
}

QJsonValue jsonOptional(const std::optional<double> &v) { return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null); }

QString number(double v, int decimals) { return QString::number(v, 'f', decimals); }

QString ordinalSuffix(int day)
{
    if (day / 10 % 10 == 1)
        return u"th"_s;
    switch (day % 10) {
    case 1: return u"st"_s;
    case 2: return u"nd"_s;
    case 3: return u"rd"_s;
    default: return u"th"_s;
    }
}
} // namespace

int reportDays(ReportPeriod period) { return period == ReportPeriod::Monthly ? 30 : 7; }

QString reportPeriodName(ReportPeriod period) { return period == ReportPeriod::Monthly ? u"monthly"_s : u"weekly"_s; }

std::optional<ReportPeriod> reportPeriodFromName(const QString &name)
{
    if (name == "weekly"_L1)
        return ReportPeriod::Weekly;
    if (name == "monthly"_L1)
        return ReportPeriod::Monthly;
    return std::nullopt;
}

QString formatChange(double change)
{
    const double percent = std::round(change * 100.0);
    return (percent > 0 ? u"+"_s : QString()) + QString::number(percent == 0 ? 0.0 : percent, 'f', 0) + u'%';
}

QString costKey(ReportPeriod period) { return reportPeriodName(period) + u"_cost"_s; }

TrendSums trendSums(const DailySeries &series, const QDate &from, const QDate &to)
{
    TrendSums sums;
    for (auto it = series.lowerBound(from); it != series.cend() && it.key() <= to; ++it) {
        sums.sumY += it.value();
        sums.sumXY += double(from.daysTo(it.key())) * it.value();
    }
    return sums;
}

namespace {
// A window's start moved to the first recorded day when that is later (and within the window).
std::pair<QDate, QDate> fromHistory(std::pair<QDate, QDate> window, const QDate &historyFrom)
{
    if (historyFrom.isValid() && historyFrom > window.first && historyFrom <= window.second)
        window.first = historyFrom;
    return window;
}
} // namespace

std::pair<QDate, QDate> trendWindow(ReportPeriod period, const QDate &to, const QDate &lastCompleteDay, const QDate &historyFrom)
{
    const int days = reportDays(period);
    return fromHistory({to.addDays(1 - 2 * days), std::min(to, lastCompleteDay)}, historyFrom);
}

QList<double> trendNext(qsizetype n, const TrendSums &sums, int days, int skip)
{
    QList<double> out;
    if (n <= 0 || days <= 0)
        return out;
    // x runs 0 … n-1, so Σx and Σx² are known without the series.
    const double count = double(n);
    const double sumX = count * (count - 1) / 2.0;
    const double sumXX = (count - 1) * count * (2 * count - 1) / 6.0;
    const double denominator = count * sumXX - sumX * sumX;
    const double slope = denominator != 0 ? (count * sums.sumXY - sumX * sums.sumY) / denominator : 0.0;
    const double intercept = (sums.sumY - slope * sumX) / count;
    // Each future day on the line, a negative day counted as nothing: spend cannot go below zero.
    out.reserve(days);
    for (int d = 0; d < days; ++d)
        out << std::max(0.0, intercept + slope * double(n + skip + d));
    return out;
}

namespace {
TrendSums denseSums(const QList<double> &dense)
{
    TrendSums sums;
    for (qsizetype i = 0; i < dense.size(); ++i) {
        sums.sumY += dense.at(i);
        sums.sumXY += double(i) * dense.at(i);
    }
    return sums;
}
} // namespace

QList<double> trendNext(const QList<double> &dense, int days, int skip)
{
    return trendNext(dense.size(), denseSums(dense), days, skip);
}

double forecastNext(qsizetype n, const TrendSums &sums, int days, int skip)
{
    double total = 0;
    for (double v : trendNext(n, sums, days, skip))
        total += v;
    return total;
}

double forecastNext(const QList<double> &dense, int days, int skip)
{
    return forecastNext(dense.size(), denseSums(dense), days, skip);
}

namespace {
// The rows of both windows, each member's change and forecast (the `nextDays` days after the
// `fitted` days the trends were summed over, `skip` days on), the totals and the seed's order.
void fillReport(TeamReport &r, const QList<WeeklyReportRow> &current, const QList<WeeklyReportRow> &previous,
                const QHash<QString, TrendSums> &trends, qsizetype fitted, int nextDays, int skip)
{
    // Sized for every member at once: ten thousand rows grown one by one rehash and copy often.
    // The names are viewed where `current` and `previous` hold them, and hashed by the standard
    // library: Qt 6.4's QHash hashes text several times slower, a tenth of a report at that size.
    std::unordered_map<std::u16string_view, qsizetype> index;
    index.reserve(size_t(std::max(current.size(), previous.size())));
    r.rows.reserve(std::max(current.size(), previous.size()));
    auto rowFor = [&](const WeeklyReportRow &u) -> TeamReportRow & {
        const std::u16string_view name(reinterpret_cast<const char16_t *>(u.user.constData()), size_t(u.user.size()));
        auto it = index.find(name);
        if (it != index.end())
            return r.rows[it->second];
        TeamReportRow row;
        row.member = u.user;
        row.dailyLimit = u.dailyLimit;
        row.budget = u.budget;
        index.emplace(name, r.rows.size());
        r.rows.append(row);
        return r.rows.last();
    };
    for (const WeeklyReportRow &u : current) {
        TeamReportRow &row = rowFor(u);
        row.cost = round4(u.weeklyCost);
        row.requests = u.requests;
    }
    for (const WeeklyReportRow &u : previous)
        rowFor(u).previousCost = round4(u.weeklyCost);

    double forecast = 0;
    const bool previousWhole = !r.historyFrom.isValid(); // see TeamReport::historyFrom
    for (TeamReportRow &row : r.rows) {
        row.change = previousWhole ? changeOf(row.cost, row.previousCost) : std::nullopt;
        row.forecast = round4(forecastNext(fitted, trends.value(row.member), nextDays, skip));
        r.total += row.cost;
        r.previousTotal += row.previousCost;
        forecast += row.forecast;
    }
    r.total = round4(r.total);
    r.previousTotal = round4(r.previousTotal);
    r.forecast = round4(forecast);
    r.change = previousWhole ? changeOf(r.total, r.previousTotal) : std::nullopt;
    std::sort(r.rows.begin(), r.rows.end(), [](const TeamReportRow &a, const TeamReportRow &b) {
        return a.cost != b.cost ? a.cost > b.cost : a.member < b.member;
    });
}
} // namespace

TeamReport buildTeamReport(ReportPeriod period, const QDate &to, const QList<WeeklyReportRow> &current,
                           const QList<WeeklyReportRow> &previous, const QHash<QString, TrendSums> &trends,
                           const QDate &lastCompleteDay, const QDate &historyFrom)
{
    TeamReport r;
    r.period = period;
    const int days = reportDays(period);
    r.to = to;
    r.from = to.addDays(1 - days);
    r.previousTo = r.from.addDays(-1);
    r.previousFrom = r.previousTo.addDays(1 - days);
    if (historyFrom.isValid() && historyFrom > r.previousFrom)
        r.historyFrom = historyFrom;
    const std::pair<QDate, QDate> window = trendWindow(period, to, lastCompleteDay, historyFrom);
    fillReport(r, current, previous, trends, window.first.daysTo(window.second) + 1, days, int(window.second.daysTo(r.to)));
    return r;
}

namespace {
// In English whatever the locale, as the rest of the report's text: "November 2026".
QString monthName(const QDate &day) { return QLocale::c().standaloneMonthName(day.month()) + u' ' + QString::number(day.year()); }
} // namespace

QString CalendarMonth::name() const { return monthName(from); }

std::optional<CalendarMonth> calendarMonth(const QDate &day, const QDate &today)
{
    if (!day.isValid() || !today.isValid())
        return std::nullopt;
    CalendarMonth m;
    m.from = QDate(day.year(), day.month(), 1);
    if (m.from > today)
        return std::nullopt;
    const QDate monthEnd = m.from.addMonths(1).addDays(-1);
    m.toDate = today <= monthEnd;
    m.to = m.toDate ? today : monthEnd;
    m.previousFrom = m.from.addMonths(-1);
    // The same day of the month before, or its last day when it is shorter (QDate::addMonths
    // clamps: 31 March less a month is 28 or 29 February).
    m.previousTo = m.toDate ? m.to.addMonths(-1) : m.from.addDays(-1);
    return m;
}

std::optional<QDate> monthFromText(const QString &text)
{
    const QDate day = QDate::fromString(text, u"yyyy-MM"_s);
    if (!day.isValid() || text.size() != 7)
        return std::nullopt;
    return day;
}

std::pair<QDate, QDate> calendarTrendWindow(const CalendarMonth &month, const QDate &lastCompleteDay, const QDate &historyFrom)
{
    return fromHistory({month.previousFrom, std::min(month.to, lastCompleteDay)}, historyFrom);
}

TeamReport buildCalendarReport(const CalendarMonth &month, const QList<WeeklyReportRow> &current,
                               const QList<WeeklyReportRow> &previous, const QHash<QString, TrendSums> &trends,
                               const QDate &lastCompleteDay, const QDate &historyFrom)
{
    TeamReport r;
    r.period = ReportPeriod::Monthly;
    r.calendar = month;
    r.from = month.from;
    r.to = month.to;
    r.previousFrom = month.previousFrom;
    r.previousTo = month.previousTo;
    if (historyFrom.isValid() && historyFrom > r.previousFrom)
        r.historyFrom = historyFrom;
    // The next calendar month, after the rest of this one: the line runs on from the last day
    // fitted to the month's end before it counts.
    const auto [fitFrom, fitTo] = calendarTrendWindow(month, lastCompleteDay, historyFrom);
    const QDate monthEnd = month.from.addMonths(1).addDays(-1);
    fillReport(r, current, previous, trends, fitFrom.daysTo(fitTo) + 1, monthEnd.addDays(1).daysInMonth(), int(fitTo.daysTo(monthEnd)));
    return r;
}

void forecastNextMonthAtRate(TeamReport &report, const QHash<QString, DailySeries> &recent, const QDate &firstDay,
                             const QDateTime &now)
{
    const int nextDays = report.from.addMonths(1).daysInMonth();
    double total = 0;
    for (TeamReportRow &row : report.rows) {
        row.forecast = round4(teamRate(recent.value(row.member), firstDay, now).value_or(0.0) * nextDays);
        total += row.forecast;
    }
    report.forecast = round4(total);
}

QByteArray reportCsv(const TeamReport &report)
{
    // The seed's columns first (daily_limit: a daily budget only), then the budget of any period,
    // last, so a script reading the seed's columns by position still finds them.
    QString out = u"user,"_s + costKey(report.period)
        + u",requests,daily_limit,previous_cost,change,forecast,budget,budget_period\r\n"_s;
    for (const TeamReportRow &row : report.rows) {
        out += csvField(row.member, true) + u',' + number(row.cost, 4) + u',' + QString::number(row.requests) + u','
               + (row.dailyLimit ? QString::number(*row.dailyLimit, 'g', 15) : QString()) + u',' + number(row.previousCost, 4)
               + u',' + (row.change ? number(*row.change, 4) : QString()) + u',' + number(row.forecast, 4) + u','
               + (row.budget ? QString::number(row.budget->usd, 'g', 15) : QString()) + u','
               + (row.budget ? budgetPeriodAdjective(row.budget->period) : QString()) + u"\r\n"_s;
    }
    return out.toUtf8();
}

namespace {
// A small object (the calendar's, the team budget's) nested `level` deep, as QJsonDocument writes
// it there: its own document's lines, indented.
void appendNested(QByteArray &out, const QJsonObject &object, int level)
{
    QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Indented);
    text.chop(1); // the document's final newline
    const QByteArray indented = QByteArray("\n") + QByteArray(4 * level, ' ');
    out += text.replace("\n", indented);
}

// Members of an object written in QJsonObject's order (by name) whatever the order given, each
// by its writer, `level` deep.
using JsonMember = std::pair<QByteArray, std::function<void(QByteArray &)>>;
void appendObject(QByteArray &out, std::vector<JsonMember> members, int level)
{
    std::sort(members.begin(), members.end(), [](const JsonMember &a, const JsonMember &b) { return a.first < b.first; });
    const QByteArray indent(4 * (level + 1), ' ');
    out += "{\n";
    for (size_t i = 0; i < members.size(); ++i) {
        out += indent;
        out += '"';
        out += members[i].first;
        out += "\": ";
        members[i].second(out);
        out += i + 1 < members.size() ? ",\n" : "\n";
    }
    out += QByteArray(4 * level, ' ');
    out += '}';
}

// A number, or null for none: jsonOptional()'s spelling.
void appendOptional(QByteArray &out, const std::optional<double> &v)
{
    if (v)
        jsontext::appendNumber(out, *v);
    else
        out += "null";
}

std::function<void(QByteArray &)> jsonNumber(const std::optional<double> &v)
{
    return [v](QByteArray &out) { appendOptional(out, v); };
}

std::function<void(QByteArray &)> jsonText(const QString &s)
{
    return [s](QByteArray &out) { jsontext::appendString(out, s); };
}

// The rows, the bulk of a report of ten thousand members: each written straight, its members in
// the order appendObject() would sort them into.
void appendReportRows(QByteArray &out, const TeamReport &report)
{
    if (report.rows.isEmpty()) {
        out += "[\n    ]";
        return;
    }
    enum class Field { Budget, Change, DailyLimit, Forecast, Cost, PreviousCost, Requests, User };
    std::vector<std::pair<QByteArray, Field>> fields{{"budget", Field::Budget},       {"change", Field::Change},
                                                     {"daily_limit", Field::DailyLimit}, {"forecast", Field::Forecast},
                                                     {costKey(report.period).toLatin1(), Field::Cost},
                                                     {"previous_cost", Field::PreviousCost}, {"requests", Field::Requests},
                                                     {"user", Field::User}};
    std::sort(fields.begin(), fields.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    out += "[\n";
    for (qsizetype r = 0; r < report.rows.size(); ++r) {
        const TeamReportRow &row = report.rows.at(r);
        out += "        {\n";
        for (size_t f = 0; f < fields.size(); ++f) {
            out += "            \"";
            out += fields[f].first;
            out += "\": ";
            switch (fields[f].second) {
            case Field::Budget:
                if (row.budget) {
                    out += "{\n                \"period\": ";
                    jsontext::appendString(out, budgetPeriodAdjective(row.budget->period));
                    out += ",\n                \"usd\": ";
                    jsontext::appendNumber(out, row.budget->usd);
                    out += "\n            }";
                } else {
                    out += "null";
                }
                break;
            case Field::Change: appendOptional(out, row.change); break;
            case Field::DailyLimit: appendOptional(out, row.dailyLimit); break;
            case Field::Forecast: jsontext::appendNumber(out, row.forecast); break;
            case Field::Cost: jsontext::appendNumber(out, row.cost); break;
            case Field::PreviousCost: jsontext::appendNumber(out, row.previousCost); break;
            case Field::Requests: jsontext::appendInteger(out, row.requests); break;
            case Field::User: jsontext::appendString(out, row.member); break;
            }
            out += f + 1 < fields.size() ? ",\n" : "\n";
        }
        out += r + 1 < report.rows.size() ? "        },\n" : "        }\n";
    }
    out += "    ]";
}
} // namespace

QByteArray reportJson(const TeamReport &report)
{
    // The bytes QJsonDocument::toJson(Indented) writes for the report's document (tst_spend holds
    // them to it), written without building the document: for ten thousand members that cost more
    // than reading the report's rows.
    QByteArray out;
    out.reserve(1024 + report.rows.size() * 400);
    const auto day = [](const QDate &d) { return jsonText(d.toString(Qt::ISODate)); };
    std::vector<JsonMember> members{
        {"period", jsonText(reportPeriodName(report.period))},
        {"from", day(report.from)},
        {"to", day(report.to)},
        {"previous_from", day(report.previousFrom)},
        {"previous_to", day(report.previousTo)},
        {"total", jsonNumber(report.total)},
        {"previous_total", jsonNumber(report.previousTotal)},
        {"change", jsonNumber(report.change)},
        {"forecast", jsonNumber(report.forecast)},
        {"history_from", report.historyFrom.isValid() ? day(report.historyFrom) : [](QByteArray &o) { o += "null"; }},
        {"rows", [&report](QByteArray &o) { appendReportRows(o, report); }},
    };
    if (report.calendar) {
        const QJsonObject calendar{{"month"_L1, report.calendar->from.toString(u"yyyy-MM"_s)},
                                   {"to_date"_L1, report.calendar->toDate},
                                   {"days"_L1, report.calendar->days()},
                                   {"month_days"_L1, report.calendar->from.daysInMonth()}};
        members.emplace_back("calendar", [calendar](QByteArray &o) { appendNested(o, calendar, 1); });
    }
    if (report.outlook) {
        const QJsonObject budget = report.outlook->monthJson();
        members.emplace_back("team_budget", [budget](QByteArray &o) { appendNested(o, budget, 1); });
    }
    appendObject(out, std::move(members), 0);
    out += '\n';
    return out;
}

// The same through QJsonDocument, to hold reportJson() to (tests).
QByteArray reportJsonThroughDocument(const TeamReport &report)
{
    QJsonArray rows;
    for (const TeamReportRow &row : report.rows)
        rows.append(QJsonObject{{"user"_L1, row.member},
                                {costKey(report.period), row.cost},
                                {"requests"_L1, row.requests},
                                {"daily_limit"_L1, jsonOptional(row.dailyLimit)},
                                {"previous_cost"_L1, row.previousCost},
                                {"change"_L1, jsonOptional(row.change)},
                                {"forecast"_L1, row.forecast},
                                {"budget"_L1, row.budget ? QJsonValue(QJsonObject{{"usd"_L1, row.budget->usd},
                                                                                  {"period"_L1, budgetPeriodAdjective(row.budget->period)}})
                                                         : QJsonValue(QJsonValue::Null)}});
    QJsonObject root{{"period"_L1, reportPeriodName(report.period)},
                     {"from"_L1, report.from.toString(Qt::ISODate)},
                     {"to"_L1, report.to.toString(Qt::ISODate)},
                     {"previous_from"_L1, report.previousFrom.toString(Qt::ISODate)},
                     {"previous_to"_L1, report.previousTo.toString(Qt::ISODate)},
                     {"total"_L1, report.total},
                     {"previous_total"_L1, report.previousTotal},
                     {"change"_L1, jsonOptional(report.change)},
                     {"forecast"_L1, report.forecast},
                     {"history_from"_L1, report.historyFrom.isValid() ? QJsonValue(report.historyFrom.toString(Qt::ISODate))
                                                                       : QJsonValue(QJsonValue::Null)},
                     {"rows"_L1, rows}};
    if (report.calendar)
        root.insert("calendar"_L1, QJsonObject{{"month"_L1, report.calendar->from.toString(u"yyyy-MM"_s)},
                                              {"to_date"_L1, report.calendar->toDate},
                                              {"days"_L1, report.calendar->days()},
                                              {"month_days"_L1, report.calendar->from.daysInMonth()}});
    if (report.outlook)
        root.insert("team_budget"_L1, report.outlook->monthJson());
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

namespace {
std::optional<double> optionalOf(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}
} // namespace

std::optional<TeamReport> reportFromJson(const QByteArray &json)
{
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    const std::optional<ReportPeriod> period = reportPeriodFromName(root.value("period"_L1).toString());
    if (!period || !root.value("rows"_L1).isArray())
        return std::nullopt;
    TeamReport r;
    r.period = *period;
    r.from = QDate::fromString(root.value("from"_L1).toString(), Qt::ISODate);
    r.to = QDate::fromString(root.value("to"_L1).toString(), Qt::ISODate);
    r.previousFrom = QDate::fromString(root.value("previous_from"_L1).toString(), Qt::ISODate);
    r.previousTo = QDate::fromString(root.value("previous_to"_L1).toString(), Qt::ISODate);
    if (!r.from.isValid() || !r.to.isValid())
        return std::nullopt;
    r.total = root.value("total"_L1).toDouble();
    r.previousTotal = root.value("previous_total"_L1).toDouble();
    r.change = optionalOf(root.value("change"_L1));
    r.forecast = root.value("forecast"_L1).toDouble();
    r.historyFrom = QDate::fromString(root.value("history_from"_L1).toString(), Qt::ISODate);
    if (const QJsonObject calendar = root.value("calendar"_L1).toObject(); !calendar.isEmpty())
        r.calendar = CalendarMonth{r.from, r.to, r.previousFrom, r.previousTo, calendar.value("to_date"_L1).toBool()};
    for (const QJsonValue &v : root.value("rows"_L1).toArray()) {
        const QJsonObject o = v.toObject();
        TeamReportRow row;
        row.member = o.value("user"_L1).toString();
        row.cost = o.value(costKey(r.period)).toDouble();
        row.requests = o.value("requests"_L1).toInteger();
        row.dailyLimit = optionalOf(o.value("daily_limit"_L1));
        if (const QJsonObject budget = o.value("budget"_L1).toObject(); budget.value("usd"_L1).isDouble()) {
            if (const std::optional<LimitReset> period = limitResetFromString(budget.value("period"_L1).toString());
                period && *period != LimitReset::None)
                row.budget = Budget{budget.value("usd"_L1).toDouble(), *period};
        } else if (!o.contains("budget"_L1) && row.dailyLimit) {
            row.budget = Budget{*row.dailyLimit}; // a report queued before budgets had periods: a daily one
        }
        row.previousCost = o.value("previous_cost"_L1).toDouble();
        row.change = optionalOf(o.value("change"_L1));
        row.forecast = o.value("forecast"_L1).toDouble();
        r.rows << row;
    }
    return r;
}

QList<QStringList> reportTable(const TeamReport &report)
{
    const auto change = [](const std::optional<double> &c) { return c ? formatChange(*c) : u"new"_s; };
    QList<QStringList> table{{u"USER"_s, report.period == ReportPeriod::Weekly ? u"WEEKLY COST"_s : u"MONTHLY COST"_s,
                              u"REQUESTS"_s, u"BUDGET"_s, u"BEFORE"_s, u"CHANGE"_s, u"FORECAST"_s}};
    for (const TeamReportRow &r : report.rows)
        table << QStringList{r.member,
                             u"$"_s + QString::number(r.cost, 'f', 4),
                             QString::number(r.requests),
                             r.budget ? budgetText(*r.budget) : u"none"_s,
                             formatUsd(r.previousCost),
                             (r.previousCost > 0 || r.cost > 0) && !report.historyFrom.isValid() ? change(r.change) : u"-"_s,
                             formatUsd(r.forecast)};
    return table;
}

QString reportTitle(const TeamReport &report)
{
    if (report.calendar)
        return u"Calendar month report, %1%2: %3 to %4, %5 (UTC)"_s.arg(
            report.calendar->name(), report.calendar->toDate ? u" to date"_s : QString(), report.from.toString(Qt::ISODate),
            report.to.toString(Qt::ISODate),
            report.calendar->toDate ? u"%1 of %2 days"_s.arg(report.calendar->days()).arg(report.from.daysInMonth())
                                    : u"%1 days"_s.arg(report.calendar->days()));
    return u"%1 report, %2 to %3 (UTC)"_s.arg(report.period == ReportPeriod::Weekly ? u"Weekly"_s : u"Monthly"_s,
                                               report.from.toString(Qt::ISODate), report.to.toString(Qt::ISODate));
}

QString reportBeforeText(const TeamReport &report)
{
    if (!report.calendar)
        return u"the %1 days before"_s.arg(reportDays(report.period));
    const QString month = QLocale::c().standaloneMonthName(report.previousFrom.month());
    if (!report.calendar->toDate)
        return month;
    const int day = report.previousTo.day();
    return u"%1 to the %2%3"_s.arg(month, QString::number(day), ordinalSuffix(day));
}

QString reportChangeText(const TeamReport &report)
{
    if (report.historyFrom.isValid())
        return u"history only from %1: no change"_s.arg(report.historyFrom.toString(Qt::ISODate));
    return report.change ? formatChange(*report.change) : u"no spend before"_s;
}

QString reportForecastText(const TeamReport &report)
{
    if (!report.calendar)
        return u"next %1 days"_s.arg(reportDays(report.period));
    return u"next month (%1)"_s.arg(monthName(report.from.addMonths(1)));
}

QString reportOutlookText(const TeamReport &report)
{
    return report.outlook ? u"Month to date: "_s + report.outlook->monthText() : QString();
}

QString reportSummary(const TeamReport &report)
{
    if (report.rows.isEmpty()) {
        if (report.calendar)
            return u"No usage recorded in %1%2 or in %3."_s.arg(report.calendar->name(), report.calendar->toDate ? u" to date"_s : QString(),
                                                             reportBeforeText(report));
        return u"No usage recorded in these %1 days or the %1 before."_s.arg(reportDays(report.period));
    }
    return u"Team total: %1 (%2: %3, %4); %5 forecast: %6"_s.arg(
        formatUsd(report.total), report.calendar ? reportBeforeText(report) : u"before"_s, formatUsd(report.previousTotal),
        reportChangeText(report), reportForecastText(report), formatUsd(report.forecast));
}

QString textColumns(const QList<QStringList> &rows)
{
    QString out;
    forEachTextColumnsLine(rows, [&out](QStringView line) {
        out += line;
        out += u'\n';
    });
    return out;
}

void forEachTextColumnsLine(const QList<QStringList> &rows, const std::function<void(QStringView line)> &take)
{
    if (rows.isEmpty())
        return;
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList &r : rows) {
        for (int c = 0; c < r.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], r.at(c).size());
    }
    QString line; // one buffer for every line
    for (const QStringList &r : rows) {
        line.resize(0);
        for (int c = 0; c < r.size(); ++c) {
            line += r.at(c);
            if (c + 1 < r.size()) // left-justified to the column's width and two spaces
                line.resize(std::max(line.size(), line.size() + widths.value(c) + 2 - r.at(c).size()), u' ');
        }
        take(QStringView(line).trimmed());
    }
}

} // namespace orteam
