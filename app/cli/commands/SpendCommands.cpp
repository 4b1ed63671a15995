#include "SpendCommands.h"

#include "ApiKey.h"
#include "Await.h"
#include "Context.h"
#include "Counted.h"
#include "DailyCheckService.h"
#include "KeyFormatter.h"
#include "Money.h"
#include "NotifyCommands.h"
#include "NotifyService.h"
#include "Output.h"
#include "OverviewService.h"
#include "Report.h"
#include "ReportService.h"
#include "SyncCall.h"
#include "SyncService.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

// ---- sync -----------------------------------------------------------------------------------------

Sync::Sync()
    : Command(Section::Team, {u"sync"_s},
              u"Copies every key's usage counters and the last 30 days of activity (spend per day and model) into "
              "the team database, in one transaction; history outlives OpenRouter's window."_s)
{
    m_description = u"Copies every key's usage counters and the last 30 days of activity (the account's spend per "
                    "day and model, and each used key's) into the team database. Everything is read "
                    "first and written in one transaction: a sync that fails, or is killed, leaves the database as "
                    "it was, and syncing twice changes nothing. Run from cron, it keeps history beyond "
                    "OpenRouter's 30 days."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_options << Option::flag(u"keys-only"_s, u"Only the keys' counters, not the activity."_s);
    m_examples << Example{u"15 * * * * orteam-cli sync"_s, u"A crontab line: the team database kept current every hour."_s};
}

int Sync::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    Console &console = context.console();
    const bool interactive = console.showsProgress();
    auto progress = [&console, interactive](int n, int total) {
        // For a person at a terminal; scripts and logs get only the result line.
        if (interactive && (n == total || n % 25 == 0))
            console.err() << "activity: " << n << " of " << counted(total, u"key"_s, u"keys"_s) << "\r"
                          << (n == total ? "\n" : "") << Qt::flush;
    };
    SyncService sync(context.store(), context.client());
    const auto [summary, error] = waitForAnswer<SyncService::Summary, FlowError>([&](auto answer) {
        sync.sync(!arguments.isSet(u"keys-only"_s), QDateTime::currentDateTimeUtc(), context.callbacks(), progress, answer);
    });
    if (error)
        return console.fail(error);
    QTextStream &out = context.out();
    out << "Synced " << counted(summary.keys, u"key"_s, u"keys"_s);
    if (summary.withActivity)
        out << ", " << counted(summary.activityRows, u"activity row"_s, u"activity rows"_s) << " and the activity of "
            << counted(summary.activityKeys, u"key"_s, u"keys"_s);
    out << " into " << context.store().location().display() << "." << Qt::endl;
    return Ok;
}

// ---- budgets check --------------------------------------------------------------------------------

BudgetsCheck::BudgetsCheck()
    : Command(Section::Team, {u"budgets"_s, u"check"_s},
              u"Saves today's key usage, flags members over their budget (a day's, a week's or a month's), and with --enforce (or auto-enforce "
              "on in the dashboard) disables their keys; keys it disabled come back when the budget resets. For cron."_s)
{
    m_description = u"Saves today's key usage in the team database and flags every member at or over their budget "
                    "(their own, else their tier's) in its period: today, this week (from Monday) or this month, "
                    "UTC. With --enforce, or with auto-enforce on in the dashboard, it disables their keys and "
                    "remembers them; when the budget resets (the next day, week or month) it enables those "
                    "again, and only those: a key an admin disabled is never enabled. It reads everything or "
                    "changes nothing: if any read of the team database fails, no key is disabled or re-enabled, "
                    "the failure is named on stderr and the exit status is 1."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_options << Option::flag(u"enforce"_s, u"Disable the keys of members over their limit, even with auto-enforce off."_s);
    m_examples << Example{u"*/10 * * * * orteam-cli budgets check --enforce"_s,
                          u"A crontab line: over-budget members' keys disabled within ten minutes."_s};
}

int BudgetsCheck::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    Console &console = context.console();
    const auto keys = waitFor<ApiKeyList>([&](auto done) { context.client().listKeys(true, context.callbacks(), done); });
    if (!keys.ok())
        return console.fail(keys.error);
    DailyCheckService check(context.store(), context.client());
    const auto [report] = waitForAnswer<DailyCheckService::Report>([&](auto answer) {
        check.run(keys.value, QDateTime::currentDateTimeUtc(), arguments.isSet(u"enforce"_s), context.callbacks(), answer);
    });
    // Failed closed: nothing was decided, so nothing is said about anyone's budget.
    if (report.error)
        return console.fail(ServerError, report.error.message());
    QTextStream &out = context.out();
    for (const OverBudget &o : report.decisions.overBudget)
        out << "over budget: " << o.member << " spent " << formatUsd(o.spent) << " of " << formatUsd(o.limit) << ' '
            << budgetPeriodCurrent(o.period) << " (UTC)\n";
    if (report.decisions.overBudget.isEmpty())
        out << "Every member is within their budget.\n";
    for (const EnforcementOutcome::Change &c : report.outcome.changes)
        out << (c.disabled ? "disabled " : "re-enabled ") << c.keyName() << " (" << c.key.member << ")\n";
    for (const EnforcementOutcome::Failure &f : report.outcome.failures)
        console.error(u"could not %1 a key of %2: %3"_s.arg(f.disabling ? u"disable"_s : u"re-enable"_s, f.key.member, f.message));
    for (const QString &w : report.outcome.warnings)
        console.warn(w);
    out.flush();
    return report.outcome.failures.isEmpty() ? int(Ok) : int(ServerError);
}

// ---- report ---------------------------------------------------------------------------------------

ReportCommand::ReportCommand()
    : Command(Section::Team, {u"report"_s},
              u"The last 7 (or 30) UTC days up to today (or --to): user, cost, requests, daily limit, highest cost "
              "first; beside each, the window before, the change, and a forecast for the next window."_s)
{
    m_description = u"The seed's team report over the last 7 (weekly) or 30 (monthly) UTC days up to today, or up "
                    "to --to: per user, the cost (4 decimals), requests and daily limit, highest cost first; spend "
                    "without a budget has a null limit. Beside each, the window before, the change, and a forecast "
                    "for the next window from a straight-line trend through both windows (fitted on complete "
                    "days). Reads the team database only."_s;
    m_description += u" With --calendar, monthly is a calendar month (UTC) instead: this month to date (or --month "
                     "in full), set against the month before up to the same day, the forecast for the next month, "
                     "and for the current month the team's month to date against the team monthly budget, the "
                     "projected month end and the day the budget would be crossed (the Overview's numbers)."_s;
    m_arguments << Argument{u"PERIOD"_s, u"weekly (7 days) or monthly (30 days)."_s, {u"weekly"_s, u"monthly"_s}};
    m_options << Option::value(u"to"_s, u"YYYY-MM-DD"_s, u"The window's last UTC day (default: today)."_s)
              << Option::flag(u"calendar"_s, u"With monthly: the calendar month (UTC) instead of the last 30 days."_s)
              << Option::value(u"month"_s, u"YYYY-MM"_s, u"With --calendar: this month in full (default: the current month to date)."_s)
              << formatOption({u"table"_s, u"json"_s, u"csv"_s})
              << Option::flag(u"send"_s, u"Send it (with its chart) to the destinations that take this report, or those of --dest, instead of printing it: "
                                                  "the schedule's latest whole window (the week to last Sunday, the 30 days to the last month's end) unless --to, "
                                                  "so it is the scheduled report, sent once."_s)
              << Option::value(u"dest"_s, u"IDS"_s, u"With --send: these destinations (comma-separated), whatever they take."_s);
    m_examples << Example{u"orteam-cli report monthly --format csv > spend.csv"_s,
                          u"The last 30 days per member, for a spreadsheet."_s}
               << Example{u"orteam-cli report monthly --calendar"_s,
                          u"This month to date per member, and the team against its monthly budget."_s}
               << Example{u"orteam-cli report monthly --calendar --month 2026-10 --format json"_s,
                          u"October in full, for a script."_s}
               << Example{u"orteam-cli report weekly --send"_s,
                          u"The weekly report to every destination that takes it (once per window and destination)."_s};
}

int ReportCommand::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    const ReportPeriod period = reportPeriodFromName(arguments.at(0)).value_or(ReportPeriod::Weekly);
    // Printed, the report runs to today; sent, it is the schedule's latest whole window (the
    // week to last Sunday, the 30 days to the last month's end): a message sent once per window and destination
    // must not go out with a day that has barely begun, nor beside the scheduled one, a day apart.
    const QDate today = QDateTime::currentDateTimeUtc().date();
    QDate to = arguments.isSet(u"send"_s) ? NotifyService::latestScheduledWindowEnd(period, today) : today;
    // Options of the other way are refused, not ignored: a report that was not sent, or not in
    // the format asked, must not look done.
    if (!arguments.isSet(u"send"_s) && arguments.value(u"dest"_s))
        return console.fail(UsageError, u"--dest goes with --send: orteam-cli report weekly --send --dest IDS"_s);
    if (arguments.isSet(u"send"_s) && arguments.value(u"format"_s))
        return console.fail(UsageError, u"--format is for a printed report; a sent one takes each destination's own form"_s);
    if (const auto toText = arguments.value(u"to"_s)) {
        to = QDate::fromString(*toText, Qt::ISODate);
        if (!to.isValid())
            return console.fail(UsageError, u"--to must be a date like 2026-11-30, not \"%1\""_s.arg(*toText));
        // As a calendar month not begun: days to come have no spend to report, and a window
        // ending in them would read as a quiet week.
        if (to > today)
            return console.fail(UsageError, u"--to %1 has not begun yet (today is %2, UTC)"_s.arg(*toText, today.toString(Qt::ISODate)));
    }
    const bool calendar = arguments.isSet(u"calendar"_s);
    std::optional<QDate> month;
    if (calendar) {
        // A calendar month has its own window: a rolling window's end, or sending it (the outbox
        // keeps the rolling reports), would be a second meaning for the same words.
        if (period != ReportPeriod::Monthly)
            return console.fail(UsageError, u"--calendar goes with monthly: orteam-cli report monthly --calendar"_s);
        if (arguments.value(u"to"_s) || arguments.isSet(u"send"_s))
            return console.fail(UsageError, u"--calendar takes --month YYYY-MM, not --to or --send"_s);
        if (const auto monthText = arguments.value(u"month"_s)) {
            month = monthFromText(*monthText);
            if (!month)
                return console.fail(UsageError, u"--month must be a month like 2026-11, not \"%1\""_s.arg(*monthText));
        }
    } else if (arguments.value(u"month"_s)) {
        return console.fail(UsageError, u"--month goes with --calendar: orteam-cli report monthly --calendar --month YYYY-MM"_s);
    }
    if (const int code = context.openStore())
        return code;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Result<TeamReport> result = calendar ? ReportService::calendarMonth(context.store(), month.value_or(now.date()), now)
                                               : context.store().spend().teamReport(period, to);
    if (!result)
        return console.fail(result.error());
    const TeamReport &report = *result;
    QTextStream &out = context.out();
    if (arguments.isSet(u"send"_s)) {
        const QStringList ids = arguments.value(u"dest"_s, QString()).split(u',', Qt::SkipEmptyParts);
        if (!ids.isEmpty()) {
            const auto destinations = context.store().notify().destinations();
            if (!destinations)
                return console.fail(destinations.error());
            for (const Destination &d : *destinations) {
                if (ids.contains(d.id) && !d.enabled)
                    console.warn(u"%1 is disabled: the report waits in its outbox until it is enabled"_s.arg(d.id));
            }
        }
        const Result<int> queued = NotifyService::enqueueReport(context.store(), report, ids, QDateTime::currentDateTimeUtc());
        if (!queued)
            return console.fail(queued.error());
        out << reportTitle(report) << ": queued for " << *queued << " destination" << (*queued == 1 ? "" : "s")
            << (*queued == 0 ? " (each that takes it has it already, or none takes it; see orteam-cli notify list)" : "") << "."
            << Qt::endl;
        return deliverOutbox(context);
    }
    const QString format = arguments.value(u"format"_s, u"table"_s);
    if (format == "json"_L1) {
        out.flush(); // the bytes as they are: ten thousand rows need no trip through a QString
        context.console().writeUtf8(reportJson(report));
        return Ok;
    }
    if (format == "csv"_L1) {
        out << QString::fromUtf8(reportCsv(report)).replace(u"\r\n"_s, u"\n"_s);
        return Ok;
    }
    out << reportTitle(report) << "\n\n";
    if (!report.rows.isEmpty())
        out << KeyFormatter::columns(reportTable(report)) << '\n';
    out << reportSummary(report) << '\n';
    if (report.outlook)
        out << reportOutlookText(report) << '\n';
    return Ok;
}

// ---- overview -------------------------------------------------------------------------------------

OverviewCommand::OverviewCommand()
    : Command(Section::Team, {u"overview"_s},
              u"The dashboard's Overview: the month so far against the team's monthly budget and its projected end, "
              "today and this week, the week's biggest spenders with their change, credits and when they run out, "
              "and the alerts that hold now."_s)
{
    m_description = u"What a team lead asks first: the calendar month (UTC) so far against the team's monthly "
                    "budget, where it ends at the current rate and the day the budget is crossed; today's and "
                    "this week's spend against last week to the same point; the five members who spent most this "
                    "week with their change; the credits left and when they run out; and every alert that holds "
                    "now. With fewer than 3 days of history there is no rate, and it says so rather than project "
                    "from nothing. The same numbers as the dashboard's Overview page."_s;
    m_managementKeyNote = u"Needs the management key (for the credits and the keys' alerts), except with --offline."_s;
    m_options << Option::flag(u"offline"_s, u"Only what the team database shows: no credits, no key alerts, no management key needed."_s)
              << formatOption({u"table"_s, u"json"_s});
    m_examples << Example{u"orteam-cli overview --offline"_s, u"A lead's morning numbers from the shared team database."_s};
}

int OverviewCommand::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    std::optional<QList<ApiKey>> keys;
    std::optional<Credits> credits;
    if (!arguments.isSet(u"offline"_s)) {
        if (const int code = context.connect())
            return code;
        const auto listed = waitFor<ApiKeyList>([&](auto done) { context.client().listKeys(true, context.callbacks(), done); });
        if (!listed.ok())
            return console.fail(listed.error);
        const auto read = waitFor<Credits>([&](auto done) { context.client().credits(context.callbacks(), done); });
        if (!read.ok())
            return console.fail(read.error);
        keys = listed.value;
        credits = read.value;
    }
    const Result<Overview> result = OverviewService::read(context.store(), keys, credits, QDateTime::currentDateTimeUtc());
    if (!result)
        return console.fail(result.error());
    const Overview &o = *result;
    QTextStream &out = context.out();
    if (arguments.value(u"format"_s, u"table"_s) == "json"_L1) {
        out << QString::fromUtf8(o.toJson());
        return Ok;
    }
    const QString note = o.historyNote();
    out << "Overview, " << o.now.toString(u"yyyy-MM-dd HH:mm"_s) << " UTC\n";
    out << "This month   " << o.monthText();
    if (!o.unlinkedText().isEmpty())
        out << "\n             " << o.unlinkedText();
    out << "\nToday        " << formatUsd(o.spentToday);
    out << "\nThis week    " << formatUsd(o.weekToDate);
    if (o.lastWeekToDate)
        out << " (" << Overview::changeText(o.weekToDate, o.lastWeekToDate) << " against last week to this point)";
    out << "\nCredits      ";
    if (!o.credits)
        out << "unknown (--offline)";
    else {
        out << formatUsd(o.credits->remaining()) << " left of " << formatUsd(o.credits->totalCredits);
        if (!o.creditsRatePerDay) // the account's history (every key's), not the team's alone
            out << "; too little of the account's history yet, no run-out date";
        else
            out << (o.creditsRunOut ? u"; run out around %1 at %2 a day"_s.arg(o.creditsRunOut->toString(Qt::ISODate),
                                                                             formatUsd(*o.creditsRatePerDay))
                                    : u"; not running out at this rate"_s);
    }
    out << "\n\nBiggest spenders this week\n";
    if (o.topSpenders.isEmpty())
        out << "  nobody has spent anything this week\n";
    QList<QStringList> rows{{u"MEMBER"_s, u"THIS WEEK"_s, u"CHANGE"_s}};
    for (const OverviewSpender &s : o.topSpenders)
        rows << QStringList{s.member, formatUsd(s.week), Overview::changeText(s.week, s.lastWeek)};
    if (rows.size() > 1)
        out << KeyFormatter::columns(rows) << '\n';
    out << "\nOpen alerts: " << o.alerts.size() << (o.keysKnown ? "" : " (from the team database only: the keys' own alerts need the management key)") << "\n";
    for (const Alert &a : o.alerts)
        out << (a.urgent ? "  ! " : "    ") << a.text << '\n';
    out.flush();
    return Ok;
}

// ---- db check -------------------------------------------------------------------------------------

// ---- audit ----------------------------------------------------------------------------------------

AuditLog::AuditLog()
    : Command(Section::Team, {u"audit"_s},
              u"The audit log, newest first: every change to keys, the team, tiers and settings, by whom and when."_s)
{
    m_description = u"Lists the team database's audit log, newest first, as the dashboard's Audit page shows it: when "
                    "(UTC), the operating-system user, what was done, to what, and the values before and after. Secrets "
                    "never reach the log (a replaced webhook URL is recorded as replaced, not written)."_s;
    m_options << limitOption(u"entries"_s)
              << Option::value(u"target"_s, u"TEXT"_s, u"Only entries whose target contains TEXT (a member, key or destination)."_s)
              << formatOption({u"table"_s, u"json"_s});
    m_examples << Example{u"orteam-cli audit --target alice --limit 20"_s, u"The last 20 changes that name alice."_s};
}

int AuditLog::execute(Context &context, const Arguments &arguments)
{
    int limit = 0;
    if (const int code = openWithLimit(context, arguments, &limit))
        return code;
    const QString target = arguments.value(u"target"_s).value_or(QString());
    // The filter reads further back than the limit, so "the last 20 about alice" are 20 when
    // the log has them (10,000 entries at most, as the dashboard's page reads).
    const auto log = context.store().audit().log(target.isEmpty() ? limit : 10000);
    if (!log)
        return context.console().fail(log.error());
    QList<AuditEntry> shown;
    for (const AuditEntry &e : *log) {
        if (shown.size() == limit)
            break;
        if (target.isEmpty() || e.target.contains(target, Qt::CaseInsensitive))
            shown << e;
    }
    const auto when = [](const AuditEntry &e) { return e.at.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s); };
    if (arguments.value(u"format"_s, u"table"_s) == "json"_L1) {
        QJsonArray array;
        for (const AuditEntry &e : std::as_const(shown))
            array.append(QJsonObject{{"at"_L1, e.at.toUTC().toString(Qt::ISODate)}, {"user"_L1, e.osUser}, {"action"_L1, e.action},
                                     {"target"_L1, e.target}, {"before"_L1, e.before}, {"after"_L1, e.after}});
        context.out() << jsonText(array);
        return Ok;
    }
    if (shown.isEmpty()) {
        context.out() << (target.isEmpty() ? u"The audit log is empty."_s : u"No entry names \"%1\"."_s.arg(target)) << Qt::endl;
        return Ok;
    }
    QList<QStringList> rows{{u"WHEN (UTC)"_s, u"USER"_s, u"ACTION"_s, u"TARGET"_s, u"BEFORE"_s, u"AFTER"_s}};
    for (const AuditEntry &e : std::as_const(shown))
        rows << QStringList{when(e), printableText(e.osUser), e.action, printableText(e.target),
                            e.before.isEmpty() ? u"-"_s : printableText(e.before), e.after.isEmpty() ? u"-"_s : printableText(e.after)};
    context.out() << KeyFormatter::columns(rows);
    return Ok;
}

DbCheck::DbCheck()
    : Command(Section::Team, {u"db"_s, u"check"_s},
              u"Checks the whole database file (SQLite's integrity check), then that the spend rollups equal the usage "
              "rows and linked keys' days they add up (exit 7 when not); --repair rebuilds them in one transaction."_s)
{
    m_description = u"Checks every page and index of a SQLite database file (PRAGMA integrity_check, which opening "
                    "the database skips: it reads the whole file), and stops there when the file is damaged (exit 7; "
                    "restore it from a backup). Then checks that the spend rollups (the team's spend per day, each member's per month, which the "
                    "Spend page reads) equal the usage rows and linked keys' days they add up, and names the first "
                    "difference (exit 7). Triggers keep them right; a tool that went around the triggers (SQLite's "
                    "INSERT OR REPLACE fires no delete trigger) can leave them behind. --repair rebuilds them from "
                    "those rows in one transaction."_s;
    m_options << Option::flag(u"repair"_s, u"Rebuild the rollups when they disagree."_s);
}

int DbCheck::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    // A file too damaged to open is what the check is for: its exit says so (7), as a damaged page.
    if (const int code = context.openExistingStore(CheckFailed))
        return code;
    Store &store = context.store();
    // First, and alone: nothing is read from (or rebuilt in) a file whose pages are damaged.
    if (const Status intact = store.database().checkIntegrity(Database::Integrity::Full); !intact)
        return console.fail(CheckFailed, intact.errorText());
    QString problem;
    const Result<bool> agree = store.spend().checkRollups(&problem);
    if (!agree)
        return console.fail(agree.error(), u"cannot check the spend rollups"_s);
    if (*agree) {
        const Result<int> schema = store.database().schemaVersion();
        if (!schema)
            return console.fail(schema.error());
        context.out() << "The team database " << store.location().display() << " (schema " << *schema
                      << "): the spend rollups agree with the usage rows and linked keys' days.\n";
        return Ok;
    }
    if (!arguments.isSet(u"repair"_s))
        return console.fail(CheckFailed, u"the spend rollups disagree with the rows they add up (%1); "
                                         "run orteam-cli db check --repair to rebuild them"_s.arg(problem));
    if (const Status rebuilt = store.spend().rebuildRollups(); !rebuilt)
        return console.fail(rebuilt.error(), u"could not rebuild the spend rollups (nothing was changed)"_s);
    QString after;
    const Result<bool> fixed = store.spend().checkRollups(&after);
    if (!fixed)
        return console.fail(fixed.error(), u"cannot check the rebuilt spend rollups"_s);
    if (!*fixed)
        return console.fail(CheckFailed, u"the spend rollups still disagree after a rebuild: "_s + after);
    context.out() << "Rebuilt the spend rollups from the usage rows and linked keys' days (they had said: " << problem << ").\n";
    return Ok;
}

} // namespace orteam::cli
