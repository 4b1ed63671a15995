#include "WorkspaceCommands.h"

#include "Await.h"
#include "Context.h"
#include "Counted.h"
#include "KeyFormatter.h"
#include "KeyRequests.h"
#include "Money.h"
#include "Output.h"
#include "Report.h"
#include "WorkspaceService.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

namespace {
QDate today()
{
    return QDateTime::currentDateTimeUtc().date();
}

QJsonArray budgetsJson(const QList<WorkspaceBudget> &budgets)
{
    QJsonArray out;
    for (const WorkspaceBudget &b : budgets)
        out.append(QJsonObject{{"interval"_L1, workspaceIntervalName(b.interval)}, {"limit_usd"_L1, b.limitUsd}});
    return out;
}

QJsonValue amountJson(const std::optional<double> &amount)
{
    return amount ? QJsonValue(*amount) : QJsonValue(QJsonValue::Null);
}

QJsonObject workspaceJson(const Workspace &w)
{
    return QJsonObject{{"id"_L1, w.id}, {"name"_L1, w.name}, {"slug"_L1, w.slug}, {"description"_L1, w.description}};
}

// A change asks first: on a terminal unless --yes; json and scripts must pass --yes.
enum class Go { Apply, DryRun, Stop };
Go confirmChange(Console &console, const Arguments &arguments, bool json, const QString &question, int *code)
{
    if (arguments.isSet(u"dry-run"_s))
        return Go::DryRun;
    if (arguments.isSet(u"yes"_s))
        return Go::Apply;
    if (json || !console.isInteractive()) {
        *code = console.fail(UsageError, u"the change needs confirmation: run it on a terminal, or pass --yes (or --dry-run)"_s);
        return Go::Stop;
    }
    if (!console.confirm(question)) {
        *code = console.fail(Declined, u"nothing was changed"_s);
        return Go::Stop;
    }
    return Go::Apply;
}
} // namespace

// ---- workspaces list ------------------------------------------------------------------------------

WorkspacesList::WorkspacesList()
    : Command(Section::Team, {u"workspaces"_s, u"list"_s},
              u"The organization's workspaces: budgets per interval, members, and what their keys spent this month."_s)
{
    m_description = u"Reads every workspace at OpenRouter with its budgets (daily, weekly, monthly, lifetime: "
                    "OpenRouter refuses the workspace's requests once one is reached) and its members; members of "
                    "the team are named (they are linked to OpenRouter users with members match). Beside each, "
                    "what its keys spent today and this calendar month (UTC) as the team database has it. A read "
                    "that fails for any workspace lists none."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_options << formatOption({u"table"_s, u"json"_s});
    m_examples << Example{u"orteam-cli workspaces list"_s, u"Departments, their budgets and this month's spend."_s};
}

int WorkspacesList::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    WorkspaceService service(context.store(), context.client());
    const auto [listing] = waitForAnswer<WorkspaceService::Listing>([&](auto done) { service.list(today(), context.callbacks(), done); });
    if (listing.error)
        return console.fail(listing.error);
    if (!listing.warning.isEmpty())
        console.warn(listing.warning);
    QTextStream &out = context.out();
    if (arguments.value(u"format"_s, u"table"_s) == "json"_L1) {
        QJsonArray rows;
        for (const WorkspaceService::Row &r : listing.rows) {
            QJsonObject o = workspaceJson(r.workspace);
            o.insert("budgets"_L1, budgetsJson(r.budgets));
            o.insert("member_user_ids"_L1, QJsonArray::fromStringList(r.userIds));
            o.insert("team_members"_L1, QJsonArray::fromStringList(r.memberNames));
            o.insert("spent_today"_L1, r.spentToday);
            o.insert("spent_this_month"_L1, r.spentThisMonth);
            rows.append(o);
        }
        out << jsonText(rows);
        return Ok;
    }
    QList<QStringList> table{{u"WORKSPACE"_s, u"SLUG"_s, u"BUDGETS"_s, u"MEMBERS"_s, u"TODAY"_s, u"THIS MONTH"_s}};
    for (const WorkspaceService::Row &r : listing.rows) {
        QString members = QString::number(r.userIds.size());
        if (!r.memberNames.isEmpty())
            members += u" ("_s + r.memberNames.join(u", "_s) + u')';
        table << QStringList{r.workspace.name, r.workspace.slug, workspaceBudgetsText(r.budgets), members,
                             formatUsd(r.spentToday), formatUsd(r.spentThisMonth)};
    }
    out << KeyFormatter::columns(table) << Qt::endl;
    return Ok;
}

// ---- workspaces create, rename ------------------------------------------------------------------

WorkspacesCreate::WorkspacesCreate()
    : Command(Section::Team, {u"workspaces"_s, u"create"_s}, u"Creates a workspace at OpenRouter."_s)
{
    m_description = u"Creates a workspace: a department's keys, people and pooled budgets. Its slug (the short "
                    "name in OpenRouter's addresses) is made from the name unless --slug gives one: lowercase "
                    "letters and digits in runs joined by single hyphens, at most 50. Recorded in the audit log."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_arguments << Argument{u"NAME"_s, u"The workspace's name (at most 100 characters)."_s, {}};
    m_options << Option::value(u"slug"_s, u"SLUG"_s, u"The slug (default: made from the name)."_s)
              << Option::value(u"description"_s, u"TEXT"_s, u"What the workspace is for (at most 500 characters)."_s)
              << formatOption({u"text"_s, u"json"_s});
    m_examples << Example{u"orteam-cli workspaces create \"Data Science\""_s, u"A workspace with the slug data-science."_s};
}

int WorkspacesCreate::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    WorkspaceService service(context.store(), context.client());
    const auto [made, error] = waitForAnswer<Workspace, FlowError>([&](auto done) {
        service.create(arguments.at(0), arguments.value(u"slug"_s, QString()), arguments.value(u"description"_s, QString()),
                       context.callbacks(), done);
    });
    if (error && made.id.isEmpty())
        return console.fail(error);
    if (error)
        console.warn(error.message());
    if (arguments.value(u"format"_s, u"text"_s) == "json"_L1)
        context.out() << jsonText(workspaceJson(made));
    else
        context.out() << "Created the workspace " << made.name << " (" << made.slug << ", " << made.id << ")." << Qt::endl;
    return Ok;
}

WorkspacesRename::WorkspacesRename()
    : Command(Section::Team, {u"workspaces"_s, u"rename"_s}, u"Renames a workspace at OpenRouter."_s)
{
    m_description = u"Gives a workspace (named by its id, slug or name) a new name; its slug stays. Recorded in the "
                    "audit log; the chargeback shows the new name for its whole history."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_arguments << Argument{u"WORKSPACE"_s, u"Its id, slug or name."_s, {}} << Argument{u"NAME"_s, u"The new name."_s, {}};
    m_options << formatOption({u"text"_s, u"json"_s});
}

int WorkspacesRename::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    WorkspaceService service(context.store(), context.client());
    const auto [renamed, error] = waitForAnswer<Workspace, FlowError>(
        [&](auto done) { service.rename(arguments.at(0), arguments.at(1), context.callbacks(), done); });
    if (error && renamed.id.isEmpty())
        return console.fail(error);
    if (error)
        console.warn(error.message());
    if (arguments.value(u"format"_s, u"text"_s) == "json"_L1)
        context.out() << jsonText(workspaceJson(renamed));
    else
        context.out() << "The workspace " << renamed.slug << " is now named " << renamed.name << "." << Qt::endl;
    return Ok;
}

// ---- workspaces budget ----------------------------------------------------------------------------

WorkspacesBudget::WorkspacesBudget()
    : Command(Section::Team, {u"workspaces"_s, u"budget"_s},
              u"Sets, changes or removes a workspace's budgets, previewed with what they would have refused."_s)
{
    m_description = u"A workspace may have one budget per interval: daily, weekly, monthly (UTC periods, weeks from "
                    "Monday) and lifetime; OpenRouter refuses the workspace's requests once any is reached. A wider "
                    "interval must allow more (lifetime > monthly > weekly > daily). Intervals not given stay as "
                    "they are; none removes one. Without an interval it shows the budgets. The preview lists each "
                    "change and replays the workspace's last --days of spend (its keys' daily spend in the team "
                    "database) against the new budgets: the days that would have been refused and the dollars not "
                    "spent. Changes are applied in an order OpenRouter accepts at every step, each recorded in the "
                    "audit log once OpenRouter confirmed it; if one is refused the rest stay undone, and running "
                    "it again finishes them."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_arguments << Argument{u"WORKSPACE"_s, u"Its id, slug or name."_s, {}};
    for (WorkspaceInterval i : AllWorkspaceIntervals)
        m_options << Option::value(workspaceIntervalName(i), u"USD|none"_s,
                                   u"The %1 budget, or none to remove it."_s.arg(workspaceIntervalName(i)));
    m_options << Option::value(u"days"_s, u"N"_s, u"Days of history the preview replays (default 30, 1 to 3660)."_s)
              << Option::flag(u"dry-run"_s, u"Only the preview."_s) << yesOption() << formatOption({u"text"_s, u"json"_s});
    m_examples << Example{u"orteam-cli workspaces budget data-science --monthly 500 --daily 40 --dry-run"_s,
                          u"What the budgets would change, and what they would have refused in the last 30 days."_s}
               << Example{u"orteam-cli workspaces budget data-science --daily none --yes"_s, u"Removes the daily budget."_s};
}

int WorkspacesBudget::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    const bool json = arguments.value(u"format"_s, u"text"_s) == "json"_L1;
    WorkspaceBudgetWish wish;
    for (WorkspaceInterval i : AllWorkspaceIntervals) {
        const std::optional<QString> text = arguments.value(workspaceIntervalName(i));
        if (!text)
            continue;
        const LimitParse parsed = parseCreditLimit(*text);
        if (!parsed.error.isEmpty())
            return console.fail(UsageError, u"--%1: %2"_s.arg(workspaceIntervalName(i), parsed.error));
        wish.insert(i, parsed.limit);
    }
    QString error;
    const std::optional<int> days = parseDays(arguments.value(u"days"_s, u"30"_s), u"days"_s, &error);
    if (!days)
        return console.fail(UsageError, error);
    if (*days < 1 || *days > 3660)
        return console.fail(UsageError, u"--days is between 1 and 3660"_s);
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    WorkspaceService service(context.store(), context.client());
    // Named, not a structured binding: the lambdas below capture it (clang before 16 cannot).
    const WorkspaceService::BudgetPreview preview = std::get<0>(waitForAnswer<WorkspaceService::BudgetPreview>([&](auto done) {
        service.previewBudgets(arguments.at(0), wish, today(), *days, context.callbacks(), done);
    }));
    if (preview.error)
        return console.fail(preview.error);
    const WorkspaceBudgetPlan &plan = preview.plan;
    if (!plan.problem.isEmpty())
        return console.fail(UsageError, plan.problem);
    QTextStream &out = context.out();
    auto whatIfText = [&]() {
        const WorkspaceReplay &r = preview.whatIf;
        if (r.refusedDays.isEmpty())
            return u"Over the last %1: spent %2, none of it refused by these budgets."_s.arg(
                counted(preview.whatIfDays, u"day"_s, u"days"_s), formatUsd(r.spent));
        QStringList refused;
        for (const QDate &d : r.refusedDays)
            refused << d.toString(Qt::ISODate);
        return u"Over the last %1: spent %2; these budgets would have refused %3 on %4 (%5)."_s.arg(
            counted(preview.whatIfDays, u"day"_s, u"days"_s), formatUsd(r.spent), formatUsd(r.notSpent),
            counted(r.refusedDays.size(), u"day"_s, u"days"_s), refused.join(u", "_s));
    };
    int code = Ok;
    Go go = Go::DryRun;
    if (!plan.changes.isEmpty()) {
        if (!json) {
            out << "Workspace " << preview.workspace.name << ": " << workspaceBudgetsText(plan.before) << "\n";
            for (const WorkspaceBudgetChange &c : plan.changes)
                out << "  " << c.text() << "\n";
            out << whatIfText() << Qt::endl;
        }
        go = confirmChange(console, arguments, json, u"Apply %1?"_s.arg(counted(plan.changes.size(), u"change"_s, u"changes"_s)), &code);
        if (go == Go::Stop)
            return code;
    }
    int applied = 0;
    FlowError failed;
    if (go == Go::Apply) {
        std::tie(applied, failed) = waitForAnswer<int, FlowError>(
            [&](auto done) { service.applyBudgets(preview, context.callbacks(), done); });
    }
    if (json) {
        QJsonArray changes;
        for (const WorkspaceBudgetChange &c : plan.changes)
            changes.append(QJsonObject{{"interval"_L1, workspaceIntervalName(c.interval)},
                                       {"before_usd"_L1, amountJson(c.before)},
                                       {"after_usd"_L1, amountJson(c.after)}});
        QJsonArray refused;
        for (const QDate &d : preview.whatIf.refusedDays)
            refused.append(d.toString(Qt::ISODate));
        out << jsonText(QJsonObject{{"workspace"_L1, workspaceJson(preview.workspace)},
                                    {"before"_L1, budgetsJson(plan.before)},
                                    {"after"_L1, budgetsJson(plan.after)},
                                    {"changes"_L1, changes},
                                    {"applied"_L1, applied},
                                    {"what_if"_L1, QJsonObject{{"days"_L1, preview.whatIfDays},
                                                              {"spent_usd"_L1, preview.whatIf.spent},
                                                              {"not_spent_usd"_L1, preview.whatIf.notSpent},
                                                              {"refused_days"_L1, refused}}}});
    }
    if (failed)
        return console.fail(failed);
    if (json)
        return Ok;
    if (plan.changes.isEmpty())
        out << "Workspace " << preview.workspace.name << ": " << workspaceBudgetsText(plan.before)
            << (wish.isEmpty() ? "" : ". Nothing to do.") << Qt::endl;
    else if (go == Go::DryRun)
        out << "Dry run: nothing was changed." << Qt::endl;
    else
        out << "Applied " << counted(applied, u"change"_s, u"changes"_s) << ": " << workspaceBudgetsText(plan.after) << "." << Qt::endl;
    return Ok;
}

// ---- workspaces members ---------------------------------------------------------------------------

WorkspacesMembers::WorkspacesMembers()
    : Command(Section::Team, {u"workspaces"_s, u"members"_s},
              u"Lists a workspace's members, or adds and removes team members, previewed first."_s)
{
    m_description = u"Without --add or --remove, lists the workspace's members (team members by name, others by "
                    "their OpenRouter user id). --add and --remove take team members' names (comma-separated); "
                    "a member must be linked to their OpenRouter user (members match) to be added or removed, and "
                    "one who is not is named and left out. OpenRouter refuses to remove someone holding an active "
                    "key in the workspace. Each change is recorded in the audit log."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_arguments << Argument{u"WORKSPACE"_s, u"Its id, slug or name."_s, {}};
    m_options << Option::value(u"add"_s, u"NAMES"_s, u"Team members to add (comma-separated)."_s)
              << Option::value(u"remove"_s, u"NAMES"_s, u"Team members to remove (comma-separated)."_s)
              << Option::flag(u"dry-run"_s, u"Only the preview."_s) << yesOption() << formatOption({u"text"_s, u"json"_s});
    m_examples << Example{u"orteam-cli workspaces members data-science --add ana,bo --yes"_s, u"Adds two members."_s};
}

int WorkspacesMembers::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    const bool json = arguments.value(u"format"_s, u"text"_s) == "json"_L1;
    const QStringList add = arguments.value(u"add"_s, QString()).split(u',', Qt::SkipEmptyParts);
    const QStringList remove = arguments.value(u"remove"_s, QString()).split(u',', Qt::SkipEmptyParts);
    if (arguments.isSet(u"add"_s) && add.isEmpty())
        return console.fail(UsageError, u"--add needs member names"_s);
    if (arguments.isSet(u"remove"_s) && remove.isEmpty())
        return console.fail(UsageError, u"--remove needs member names"_s);
    for (const QString &name : add) {
        if (remove.contains(name))
            return console.fail(UsageError, u"%1 is both in --add and --remove"_s.arg(name));
    }
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    WorkspaceService service(context.store(), context.client());
    QTextStream &out = context.out();
    const WorkspaceService::MemberPreview preview = std::get<0>(waitForAnswer<WorkspaceService::MemberPreview>([&](auto done) {
        service.previewMembers(arguments.at(0), add, remove, context.callbacks(), done);
    }));
    if (preview.error)
        return console.fail(preview.error);
    for (const QString &name : preview.notLinked)
        console.warn(u"%1 is not linked to an OpenRouter user (see members match): left out"_s.arg(name));
    if (add.isEmpty() && remove.isEmpty()) {
        // The listing: the plan's own read of the members, with nothing asked of it.
        if (json) {
            out << jsonText(QJsonObject{{"workspace"_L1, workspaceJson(preview.workspace)},
                                        {"member_user_ids"_L1, QJsonArray::fromStringList(preview.currentUserIds)},
                                        {"members"_L1, QJsonArray::fromStringList(preview.currentNames)}});
        } else {
            out << preview.workspace.name << ": " << counted(preview.currentUserIds.size(), u"member"_s, u"members"_s);
            if (!preview.currentNames.isEmpty())
                out << " (" << preview.currentNames.join(u", "_s) << ")";
            out << Qt::endl;
        }
        return Ok;
    }
    const WorkspaceMemberPlan &plan = preview.plan;
    int code = Ok;
    Go go = Go::DryRun;
    if (!plan.nothingToDo()) {
        if (!json) {
            for (const QString &n : preview.addNames)
                out << "  add " << n << "\n";
            for (const QString &n : preview.removeNames)
                out << "  remove " << n << "\n";
            out.flush();
        }
        const int n = int(plan.add.size() + plan.remove.size());
        go = confirmChange(console, arguments, json, u"Change %1 in %2?"_s.arg(counted(n, u"member"_s, u"members"_s), preview.workspace.name), &code);
        if (go == Go::Stop)
            return code;
    }
    int applied = 0;
    FlowError failed;
    if (go == Go::Apply) {
        std::tie(applied, failed) = waitForAnswer<int, FlowError>(
            [&](auto done) { service.applyMembers(preview, context.callbacks(), done); });
    }
    if (json)
        out << jsonText(QJsonObject{{"workspace"_L1, workspaceJson(preview.workspace)},
                                    {"add"_L1, QJsonArray::fromStringList(preview.addNames)},
                                    {"remove"_L1, QJsonArray::fromStringList(preview.removeNames)},
                                    {"not_linked"_L1, QJsonArray::fromStringList(preview.notLinked)},
                                    {"applied"_L1, go == Go::Apply && !failed}});
    if (failed)
        return console.fail(failed);
    if (!json) {
        if (plan.nothingToDo())
            out << "Nothing to do." << Qt::endl;
        else if (go == Go::DryRun)
            out << "Dry run: nothing was changed." << Qt::endl;
        else
            out << "Done: " << preview.workspace.name << " has its members." << Qt::endl;
    }
    // A name left out is not what was asked: a script must not read it as done.
    if (!preview.notLinked.isEmpty())
        return console.fail(UsageError, u"not changed for %1: not linked to an OpenRouter user"_s.arg(preview.notLinked.join(u", "_s)));
    return Ok;
}

// ---- workspaces spend -----------------------------------------------------------------------------

WorkspacesSpend::WorkspacesSpend()
    : Command(Section::Team, {u"workspaces"_s, u"spend"_s},
              u"Spend per workspace (a department's chargeback) over a calendar month or a range of days."_s)
{
    m_description = u"What each workspace's keys spent, from the team database alone (each key's daily spend, "
                    "in the workspace OpenRouter last listed it in): this calendar month (UTC) to date, --month in "
                    "full, or --from..--to. Keys never listed with a workspace are counted under (no workspace). "
                    "Most first, with each one's share of the total."_s;
    m_options << Option::value(u"month"_s, u"YYYY-MM"_s, u"A calendar month in full (default: this month to date)."_s)
              << Option::value(u"from"_s, u"YYYY-MM-DD"_s, u"The first UTC day (with --to)."_s)
              << Option::value(u"to"_s, u"YYYY-MM-DD"_s, u"The last UTC day (with --from)."_s)
              << formatOption({u"table"_s, u"json"_s, u"csv"_s});
    m_examples << Example{u"orteam-cli workspaces spend --month 2026-10 --format csv > chargeback.csv"_s,
                          u"October's chargeback for a spreadsheet."_s};
}

int WorkspacesSpend::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    QDate from = budgetPeriodStart(LimitReset::Monthly, today());
    QDate to = today();
    const bool range = arguments.isSet(u"from"_s) || arguments.isSet(u"to"_s);
    if (range && arguments.isSet(u"month"_s))
        return console.fail(UsageError, u"--month or --from/--to, not both"_s);
    if (const auto m = arguments.value(u"month"_s)) {
        const std::optional<QDate> month = monthFromText(*m);
        if (!month)
            return console.fail(UsageError, u"--month must be a month like 2026-11, not \"%1\""_s.arg(*m));
        from = *month;
        to = std::min(month->addMonths(1).addDays(-1), today());
    }
    if (range) {
        from = QDate::fromString(arguments.value(u"from"_s, QString()), Qt::ISODate);
        to = QDate::fromString(arguments.value(u"to"_s, QString()), Qt::ISODate);
        if (!from.isValid() || !to.isValid())
            return console.fail(UsageError, u"--from and --to must both be dates like 2026-11-30"_s);
        if (from > to)
            return console.fail(UsageError, u"--from comes after --to"_s);
    }
    if (const int code = context.openStore())
        return code;
    const Result<QList<WorkspaceSpend>> rows = context.store().workspaces().spendByWorkspace(from, to);
    if (!rows)
        return console.fail(rows.error());
    QTextStream &out = context.out();
    const QString format = arguments.value(u"format"_s, u"table"_s);
    if (format == "csv"_L1) {
        out << QString::fromUtf8(workspaceChargebackCsv(*rows)).replace(u"\r\n"_s, u"\n"_s);
        return Ok;
    }
    double total = 0;
    for (const WorkspaceSpend &r : *rows)
        total += r.cost;
    if (format == "json"_L1) {
        QJsonArray array;
        for (const WorkspaceSpend &r : *rows)
            array.append(QJsonObject{{"workspace"_L1, workspaceLabel(r)},
                                     {"workspace_id"_L1, r.workspaceId},
                                     {"cost"_L1, r.cost},
                                     {"share_pct"_L1, total > 0 ? 100.0 * r.cost / total : 0.0},
                                     {"keys"_L1, r.keys}});
        out << jsonText(QJsonObject{{"from"_L1, from.toString(Qt::ISODate)}, {"to"_L1, to.toString(Qt::ISODate)},
                                    {"total"_L1, total}, {"workspaces"_L1, array}});
        return Ok;
    }
    out << "Spend per workspace, " << from.toString(Qt::ISODate) << " to " << to.toString(Qt::ISODate) << " (UTC)\n\n";
    QList<QStringList> table{{u"WORKSPACE"_s, u"COST"_s, u"SHARE"_s, u"KEYS"_s}};
    for (const WorkspaceSpend &r : *rows)
        table << QStringList{workspaceLabel(r), formatUsd(r.cost),
                             QString::number(total > 0 ? 100.0 * r.cost / total : 0.0, 'f', 1) + u'%', QString::number(r.keys)};
    if (rows->isEmpty())
        out << "No spend recorded in these days.\n";
    else
        out << KeyFormatter::columns(table) << "\n";
    out << "Total: " << formatUsd(total) << Qt::endl;
    return Ok;
}

} // namespace orteam::cli
