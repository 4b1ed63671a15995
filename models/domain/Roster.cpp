#include "Counted.h"
#include "Roster.h"

#include "Csv.h"
#include "KeyRequests.h"
#include "Money.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {

constexpr int MaxRows = 100'000; // a roster, not a data dump: refuse before using memory on it

std::optional<bool> parseBool(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == "1"_L1 || t == "yes"_L1 || t == "true"_L1 || t == "y"_L1 || t == "active"_L1)
        return true;
    if (t == "0"_L1 || t == "no"_L1 || t == "false"_L1 || t == "n"_L1 || t == "inactive"_L1)
        return false;
    return std::nullopt;
}

QString limitText(const std::optional<Budget> &budget)
{
    return budget ? budgetText(*budget) : u"tier default"_s;
}

} // namespace

int RosterFile::rejectedCount() const
{
    int n = 0;
    for (const RosterRow &r : rows)
        n += r.error.isEmpty() ? 0 : 1;
    return n;
}

RosterFile parseRoster(QStringView csv, const QList<Tier> &tiers)
{
    RosterFile out;
    const CsvParse parsed = parseCsv(csv);
    if (!parsed.error.isEmpty()) {
        out.error = parsed.error + u" Nothing was read from the file."_s;
        return out;
    }
    if (parsed.records.isEmpty()) {
        out.error = u"The file is empty: it needs a header row (name,email,tier,daily_limit) and one row per member."_s;
        return out;
    }
    if (parsed.records.size() - 1 > MaxRows) {
        out.error = u"The file has %1 rows; a roster may have at most %2."_s.arg(parsed.records.size() - 1).arg(MaxRows);
        return out;
    }

    // The header: which column holds what.
    int nameCol = -1, emailCol = -1, tierCol = -1, limitCol = -1, periodCol = -1, activeCol = -1, userCol = -1, ownCol = -1;
    const QStringList header = parsed.records.front().fields;
    QStringList unknown;
    for (int c = 0; c < header.size(); ++c) {
        const QString h = header.at(c).trimmed().toLower().replace(u' ', u'_');
        int *slot = nullptr;
        if (h == "name"_L1 || h == "user_id"_L1 || h == "user"_L1 || h == "member"_L1)
            slot = &nameCol;
        else if (h == "email"_L1 || h == "e-mail"_L1)
            slot = &emailCol;
        else if (h == "tier"_L1)
            slot = &tierCol;
        else if (h == "daily_limit"_L1 || h == "daily_limit_usd"_L1 || h == "budget"_L1)
            slot = &limitCol;
        else if (h == "budget_period"_L1 || h == "period"_L1 || h == "reset"_L1 || h == "limit_reset"_L1)
            slot = &periodCol;
        else if (h == "active"_L1 || h == "status"_L1)
            slot = &activeCol;
        else if (h == "own_budget"_L1)
            slot = &ownCol;
        else if (h == "openrouter_user_id"_L1 || h == "openrouter_user"_L1 || h == "openrouter_id"_L1)
            slot = &userCol;
        if (!slot) {
            unknown << header.at(c);
            continue;
        }
        if (*slot >= 0) {
            out.error = u"The header names the column \"%1\" twice."_s.arg(header.at(c).trimmed());
            return out;
        }
        *slot = c;
    }
    if (nameCol < 0) {
        out.error = u"The header row has no \"name\" column (found: %1). The first row must name the columns, "
                    "e.g. name,email,tier,daily_limit."_s.arg(header.join(u", "_s));
        return out;
    }
    Q_UNUSED(unknown) // extra columns (a spreadsheet's notes, say) are ignored on purpose

    QSet<QString> tierNames;
    QStringList tierList; // in the tiers' own order, for messages
    for (const Tier &t : tiers) {
        tierNames.insert(t.name);
        tierList << t.name;
    }
    QHash<QString, int> firstLine; // name → the line that named it first
    QHash<QString, int> userLine;  // OpenRouter user id → the line that named it first

    for (qsizetype r = 1; r < parsed.records.size(); ++r) {
        const CsvRecord &rec = parsed.records.at(r);
        RosterRow row;
        row.line = rec.line;
        auto cell = [&](int col) { return col >= 0 && col < rec.fields.size() ? csvUndefuse(rec.fields.at(col).trimmed()) : QString(); };
        if (rec.fields.size() != header.size()) {
            row.name = cell(nameCol);
            row.error = u"The row has %1 where the header has %2."_s.arg(counted(rec.fields.size(), u"field"_s, u"fields"_s))
                            .arg(header.size());
            out.rows << row;
            continue;
        }
        row.name = cell(nameCol);
        QStringList problems;
        if (QString why = memberNameProblem(row.name); !why.isEmpty()) {
            why.chop(1); // a sentence made one clause of the row's problems: "a member's name cannot …"
            why[0] = why[0].toLower();
            problems << why;
        } else if (firstLine.contains(row.name))
            problems << u"\"%1\" is already on line %2"_s.arg(row.name).arg(firstLine.value(row.name));
        if (emailCol >= 0) {
            const QString email = cell(emailCol);
            if (!memberEmailProblem(email).isEmpty())
                problems << u"\"%1\" is not an email address"_s.arg(email);
            row.email = email;
        }
        if (tierCol >= 0) {
            const QString tier = tierNameOf(cell(tierCol));
            if (!tier.isEmpty() && !tierNames.contains(tier))
                problems << u"the tier \"%1\" does not exist (tiers: %2)"_s.arg(cell(tierCol), tierList.join(u", "_s));
            row.tier = tier;
        }
        // own_budget (the listing's column): "false" says the row's budget is its tier's, shown
        // for reading, so importing the listing back pins nobody to the tier's number.
        std::optional<bool> own;
        if (ownCol >= 0 && !cell(ownCol).isEmpty()) {
            own = parseBool(cell(ownCol));
            if (!own)
                problems << u"own_budget must be yes or no, not \"%1\""_s.arg(cell(ownCol));
        }
        // Still the tier's numbers (or no tier named to compare with): the tier's budget. Numbers
        // edited in a spreadsheet are the member's own, whatever the column still says.
        auto tiersOwn = [&] {
            const auto tier = std::find_if(tiers.cbegin(), tiers.cend(), [&](const Tier &t) { return row.tier && t.name == *row.tier; });
            if (tier == tiers.cend())
                return true;
            const QString amount = limitCol >= 0 ? cell(limitCol) : QString();
            const QString period = periodCol >= 0 ? cell(periodCol) : QString();
            if (!tier->budget)
                return amount.isEmpty();
            const LimitParse limit = parseCreditLimit(amount);
            const std::optional<LimitReset> reset = period.isEmpty() ? std::optional(tier->budget->period) : budgetPeriodFromString(period);
            return limit.error.isEmpty() && limit.limit && std::abs(*limit.limit - tier->budget->usd) < 1e-9 && reset == tier->budget->period;
        };
        const bool tiersBudget = own && !*own && tiersOwn();
        if (tiersBudget) {
            row.hasDailyLimit = true; // no budget of their own: the tier's
        } else if (limitCol >= 0) {
            const QString text = cell(limitCol);
            row.hasDailyLimit = true;
            if (!text.isEmpty()) {
                const BudgetParse limit = parseMemberBudget(text, QString());
                if (!limit.error.isEmpty()) {
                    QString why = limit.error;
                    if (why.endsWith(u'.'))
                        why.chop(1);
                    if (why.startsWith(u"The "_s))
                        why[0] = u't'; // a clause after the column's name
                    problems << u"daily limit: %1"_s.arg(why);
                }
                else
                    row.dailyLimit = limit.budget->usd;
            }
        }
        if (periodCol >= 0 && !cell(periodCol).isEmpty() && !tiersBudget) {
            row.budgetPeriod = budgetPeriodFromString(cell(periodCol));
            if (!row.budgetPeriod)
                problems << u"budget period must be daily, weekly or monthly, not \"%1\""_s.arg(cell(periodCol));
        }
        if (activeCol >= 0 && !cell(activeCol).isEmpty()) {
            row.active = parseBool(cell(activeCol));
            if (!row.active)
                problems << u"active must be yes or no, not \"%1\""_s.arg(cell(activeCol));
        }
        if (userCol >= 0 && !cell(userCol).isEmpty()) {
            const QString user = cell(userCol);
            if (QString why = userIdProblem(user); !why.isEmpty()) {
                why.chop(1);
                problems << why;
            } else if (userLine.contains(user)) {
                problems << u"the OpenRouter user %1 is already on line %2"_s.arg(user).arg(userLine.value(user));
            } else {
                row.userId = user;
            }
        }
        if (!problems.isEmpty()) {
            QString sentence = problems.join(u"; "_s);
            sentence[0] = sentence[0].toUpper();
            row.error = sentence + u'.';
        } else {
            firstLine.insert(row.name, row.line);
            if (row.userId)
                userLine.insert(*row.userId, row.line);
        }
        out.rows << row;
    }
    return out;
}

int RosterPlan::count(RosterChange::Kind kind) const
{
    return int(std::count_if(changes.cbegin(), changes.cend(), [kind](const RosterChange &c) { return c.kind == kind; }));
}

bool RosterPlan::hasWork() const
{
    return std::any_of(changes.cbegin(), changes.cend(), [](const RosterChange &c) { return c.kind != RosterChange::Kind::Unchanged; });
}

RosterPlan planRoster(const RosterFile &file, const QList<Member> &current, bool offboardMissing)
{
    RosterPlan plan;
    QHash<QString, Member> byName;
    QHash<QString, QString> byFoldedName; // memberNameKey → the member's name
    QHash<QString, std::pair<int, QString>> newInFile; // memberNameKey → the line and name first adding it
    for (const Member &m : current) {
        byName.insert(m.name, m);
        byFoldedName.insert(memberNameKey(m.name), m.name);
    }
    QSet<QString> named;
    QHash<QString, QString> holderOf; // OpenRouter user id → the member linked to it now
    for (const Member &m : current) {
        if (m.isLinked())
            holderOf.insert(m.userId, m.name);
    }
    for (const RosterRow &row : file.rows) {
        if (!row.error.isEmpty()) {
            plan.rejected << row;
            continue;
        }
        if (row.userId && holderOf.contains(*row.userId) && holderOf.value(*row.userId) != row.name) {
            RosterRow refused = row;
            refused.error = u"The OpenRouter user %1 is linked to %2 already (unlink them first)."_s.arg(*row.userId,
                                                                                                      holderOf.value(*row.userId));
            plan.rejected << refused;
            continue;
        }
        if (!byName.contains(row.name) && byFoldedName.contains(memberNameKey(row.name))) {
            RosterRow refused = row;
            refused.error = u"%1 differs from the member %2 only in letter case: write the name as the team has it."_s.arg(
                row.name, byFoldedName.value(memberNameKey(row.name)));
            plan.rejected << refused;
            continue;
        }
        // Two new names of one person in the file ("alice" and "Alice"): the later row is refused,
        // not both added (which the save would refuse, the whole import with it).
        if (!byName.contains(row.name)) {
            if (const auto first = newInFile.constFind(memberNameKey(row.name)); first != newInFile.cend() && first->second != row.name) {
                RosterRow refused = row;
                refused.error = u"%1 differs from %2 (line %3) only in letter case: one person, one name."_s.arg(row.name, first->second)
                                    .arg(first->first);
                plan.rejected << refused;
                continue;
            }
            newInFile.insert(memberNameKey(row.name), {row.line, row.name});
        }
        named.insert(row.name);
        RosterChange change;
        change.line = row.line;
        const auto existing = byName.constFind(row.name);
        Member after = existing != byName.cend() ? *existing : Member{row.name, {}, {}, std::nullopt, true, {}};
        if (row.email)
            after.email = *row.email;
        if (row.tier)
            after.tier = *row.tier;
        if (row.hasDailyLimit || row.budgetPeriod) {
            const std::optional<double> usd = row.hasDailyLimit ? row.dailyLimit
                                              : after.budgetOverride ? std::optional(after.budgetOverride->usd)
                                                                     : std::nullopt;
            const LimitReset period = row.budgetPeriod.value_or(after.budgetOverride ? after.budgetOverride->period : LimitReset::Daily);
            after.budgetOverride = usd ? std::optional(Budget{*usd, period}) : std::nullopt;
        }
        if (row.active)
            after.active = *row.active;
        if (row.userId)
            after.userId = *row.userId;
        change.after = after;
        if (existing == byName.cend()) {
            // A new member the file marks inactive has nothing to offboard: add them inactive.
            change.kind = RosterChange::Kind::Add;
        } else {
            const Member &before = *existing;
            change.before = before;
            if (before.email != after.email)
                change.differences << u"email %1 → %2"_s.arg(before.email.isEmpty() ? u"(none)"_s : before.email,
                                                              after.email.isEmpty() ? u"(none)"_s : after.email);
            if (before.tier != after.tier)
                change.differences << u"tier %1 → %2"_s.arg(before.tier.isEmpty() ? u"(none)"_s : before.tier,
                                                             after.tier.isEmpty() ? u"(none)"_s : after.tier);
            if (before.budgetOverride != after.budgetOverride)
                change.differences << u"budget %1 → %2"_s.arg(limitText(before.budgetOverride), limitText(after.budgetOverride));
            if (before.userId != after.userId)
                change.differences << u"OpenRouter user %1 → %2"_s.arg(before.userId.isEmpty() ? u"(none)"_s : before.userId,
                                                                       after.userId);
            if (before.active && !after.active)
                change.kind = RosterChange::Kind::Offboard;
            else if (!before.active && after.active)
                change.kind = RosterChange::Kind::Reactivate;
            else
                change.kind = change.differences.isEmpty() ? RosterChange::Kind::Unchanged : RosterChange::Kind::Change;
        }
        plan.changes << change;
    }
    if (offboardMissing && !plan.rejected.isEmpty()) {
        plan.offboardingHeld = u"No one missing from the file is offboarded while %1 rejected: it may be one of them. "
                               "Fix the file and import it again."_s.arg(
            plan.rejected.size() == 1 ? u"a row is"_s : u"%1 rows are"_s.arg(plan.rejected.size()));
    } else if (offboardMissing) {
        for (const Member &m : current) {
            if (!m.active || named.contains(m.name))
                continue;
            RosterChange change;
            change.kind = RosterChange::Kind::Offboard;
            change.before = m;
            change.after = m;
            change.after.active = false;
            change.differences << u"not in the file"_s;
            plan.changes << change;
        }
    }
    return plan;
}

QString rosterKindName(RosterChange::Kind kind)
{
    switch (kind) {
    case RosterChange::Kind::Add:
        return u"Add"_s;
    case RosterChange::Kind::Change:
        return u"Change"_s;
    case RosterChange::Kind::Offboard:
        return u"Offboard"_s;
    case RosterChange::Kind::Reactivate:
        return u"Reactivate"_s;
    case RosterChange::Kind::Unchanged:
        return u"Unchanged"_s;
    }
    return {};
}

} // namespace orteam
