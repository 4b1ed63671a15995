#include "Alerts.h"

#include "Hygiene.h"

#include "Money.h"

#include <algorithm>
#include <tuple>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// The highest threshold (percent) that `spent` has reached of `budget`; 0: none.
int crossedThreshold(const QList<int> &thresholds, double spent, double budget)
{
    int crossed = 0;
    for (int pct : thresholds) {
        // A cent's tolerance: $8.00 of $10.00 is 80% though 8.0 / 10.0 * 100 may round below.
        if (spent + 1e-9 >= budget * pct / 100.0)
            crossed = std::max(crossed, pct);
    }
    return crossed;
}

// A budget alert's sentence, the team's and a member's alike: "… has spent $3.75 today, over
// the budget of $2.00" (or "the whole …", or "80% of the …"). `budgetOf` names the budget.
QString spentSentence(const QString &who, double spent, const QString &when, double budget, const QString &budgetOf)
{
    if (spent > budget + 1e-9)
        return u"%1 has spent %2 %3, over the %4."_s.arg(who, formatUsd(spent), when, budgetOf);
    if (spent >= budget)
        return u"%1 has spent %2 %3, the whole %4."_s.arg(who, formatUsd(spent), when, budgetOf);
    return u"%1 has spent %2 %3, %4% of the %5."_s.arg(who, formatUsd(spent), when).arg(int(spent / budget * 100)).arg(budgetOf);
}

void teamAlerts(const AlertInput &input, QList<Alert> &out)
{
    const QDate today = input.now.toUTC().date();
    const AlertSettings &settings = input.settings;
    auto budgetAlert = [&](double spent, double budget, const QString &period, const QString &periodId) {
        const int pct = crossedThreshold(settings.budgetThresholds, spent, budget);
        if (pct == 0)
            return;
        Alert a;
        a.kind = Alert::Kind::TeamBudget;
        a.percent = pct;
        a.id = u"team-budget%1:%2"_s.arg(pct).arg(periodId);
        a.subject = u"the team"_s;
        a.urgent = pct >= 100;
        a.text = spentSentence(u"The team"_s, spent, period, budget, u"budget of %1"_s.arg(formatUsd(budget)));
        out << a;
    };
    if (settings.teamDailyBudget && *settings.teamDailyBudget > 0)
        budgetAlert(input.teamSpentToday, *settings.teamDailyBudget, u"today"_s, u"day:"_s + today.toString(Qt::ISODate));
    if (settings.teamMonthlyBudget && *settings.teamMonthlyBudget > 0)
        budgetAlert(input.teamSpentMonth, *settings.teamMonthlyBudget, u"this month"_s,
                    u"month:"_s + today.toString(u"yyyy-MM"_s));
    // Credits: only with a known rate (a team with no history yet gets no guess), and once per
    // purchase total, so a top-up that runs low again is news again.
    if (input.credits && input.accountDailyRate && *input.accountDailyRate > 0 && settings.creditsWarnDays > 0) {
        const double remaining = input.credits->remaining();
        const double days = remaining / *input.accountDailyRate;
        if (days < settings.creditsWarnDays) {
            Alert a;
            a.kind = Alert::Kind::CreditsLow;
            a.id = u"credits:%1"_s.arg(input.credits->totalCredits, 0, 'f', 2);
            a.subject = u"credits"_s;
            a.urgent = days < 1;
            a.text = remaining <= 0 ? u"The account's credits are used up (%1 left); requests will fail until credits are added."_s.arg(
                                          formatUsd(remaining))
                                    : u"The account has %1 of credits left: about %2 at the team's rate of %3 a day."_s.arg(
                                          formatUsd(remaining),
                                          days < 1 ? u"less than a day"_s
                                                   : u"%1 day%2"_s.arg(int(days)).arg(int(days) == 1 ? QString() : u"s"_s),
                                          formatUsd(*input.accountDailyRate));
            out << a;
        }
    }
}

struct KindName
{
    Alert::Kind kind;
    const char16_t *id;
    const char16_t *title;
};
constexpr KindName KindNames[] = {
    {Alert::Kind::Budget, u"budget", u"A member's daily budget"},
    {Alert::Kind::TeamBudget, u"team-budget", u"The team's daily or monthly budget"},
    {Alert::Kind::Anomaly, u"anomaly", u"Unusual spend"},
    {Alert::Kind::OutsideTier, u"outside-tier", u"A model outside the tier"},
    {Alert::Kind::Expiry, u"expiry", u"Keys expiring"},
    {Alert::Kind::RotationDue, u"rotation", u"Keys due for rotation"},
    {Alert::Kind::CreditsLow, u"credits", u"Credits running out"},
    {Alert::Kind::Hygiene, u"hygiene", u"Critical key hygiene findings"},
};
} // namespace

QString alertKindId(Alert::Kind kind)
{
    for (const KindName &k : KindNames) {
        if (k.kind == kind)
            return QString::fromUtf16(k.id);
    }
    return {};
}

std::optional<Alert::Kind> alertKindFromId(const QString &id)
{
    for (const KindName &k : KindNames) {
        if (id == QStringView(k.id))
            return k.kind;
    }
    return std::nullopt;
}

QList<Alert::Kind> allAlertKinds()
{
    QList<Alert::Kind> out;
    for (const KindName &k : KindNames)
        out << k.kind;
    return out;
}

QString alertKindTitle(Alert::Kind kind)
{
    for (const KindName &k : KindNames) {
        if (k.kind == kind)
            return QString::fromUtf16(k.title);
    }
    return {};
}

// ---- AlertSettings -----------------------------------------------------------------------------

namespace {
const QString ThresholdsField = u"alerts.thresholds"_s;
const QString TeamDailyField = u"alerts.team_daily_budget"_s;
const QString TeamMonthlyField = u"alerts.team_monthly_budget"_s;
const QString CreditsDaysField = u"alerts.credits_warn_days"_s;

QString money(const std::optional<double> &v)
{
    return v ? QString::number(*v, 'f', 2) : QString();
}
} // namespace

QStringList AlertSettings::fieldNames()
{
    return {ThresholdsField, TeamDailyField, TeamMonthlyField, CreditsDaysField};
}

QHash<QString, QString> AlertSettings::fields() const
{
    QStringList pcts;
    for (int p : budgetThresholds)
        pcts << QString::number(p);
    return {{ThresholdsField, pcts.join(u',')},
            {TeamDailyField, money(teamDailyBudget)},
            {TeamMonthlyField, money(teamMonthlyBudget)},
            {CreditsDaysField, QString::number(creditsWarnDays)}};
}

QString AlertSettings::summary() const
{
    QStringList pcts;
    for (int p : budgetThresholds)
        pcts << QString::number(p) + u'%';
    const auto usd = [](const std::optional<double> &v) { return v ? formatUsd(*v) : u"none"_s; };
    return u"thresholds %1; team daily budget %2; team monthly budget %3; credits warning %4"_s.arg(
        pcts.join(u", "_s), usd(teamDailyBudget), usd(teamMonthlyBudget),
        creditsWarnDays > 0 ? u"under %1 days left"_s.arg(creditsWarnDays) : u"off"_s);
}

std::optional<QList<int>> AlertSettings::parseThresholds(const QString &text, QString *problem)
{
    QList<int> out;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const int v = part.trimmed().remove(u'%').toInt(&ok);
        if (!ok || v < 1 || v > 1000) {
            *problem = u"\"%1\" is not a share of a budget between 1% and 1000%."_s.arg(part.trimmed());
            return std::nullopt;
        }
        if (!out.contains(v))
            out << v;
    }
    if (out.isEmpty()) {
        *problem = u"Name at least one share of the budget, e.g. 80,100."_s;
        return std::nullopt;
    }
    std::sort(out.begin(), out.end());
    return out;
}

AlertSettings AlertSettings::fromFields(const QHash<QString, QString> &fields, QString *problem)
{
    AlertSettings s;
    problem->clear();
    if (const QString t = fields.value(ThresholdsField); !t.isEmpty()) {
        const auto parsed = parseThresholds(t, problem);
        if (!parsed)
            return s;
        s.budgetThresholds = *parsed;
    }
    // Said by what a person calls them (the CLI's --team-daily, the Notifications page's fields),
    // not by the database's setting names.
    for (const auto &[name, what, target] : {std::tuple{TeamDailyField, u"team daily budget"_s, &s.teamDailyBudget},
                                             std::tuple{TeamMonthlyField, u"team monthly budget"_s, &s.teamMonthlyBudget}}) {
        const QString t = fields.value(name).trimmed();
        if (t.isEmpty())
            continue;
        bool ok = false;
        const double v = t.toDouble(&ok);
        if (!ok || !(v > 0) || v > 1e9) {
            *problem = u"The %1 must be an amount of USD above zero, not \"%2\"."_s.arg(what, t);
            return s;
        }
        *target = v;
    }
    // A day allowed more than the month holds is a slip of a digit or a field, as a workspace's is.
    if (s.teamDailyBudget && s.teamMonthlyBudget && *s.teamDailyBudget > *s.teamMonthlyBudget) {
        *problem = u"The team daily budget (%1) is more than the team monthly budget (%2)."_s.arg(formatUsd(*s.teamDailyBudget),
                                                                                                  formatUsd(*s.teamMonthlyBudget));
        return s;
    }
    if (const QString t = fields.value(CreditsDaysField).trimmed(); !t.isEmpty()) {
        bool ok = false;
        const int v = t.toInt(&ok);
        if (!ok || v < 0 || v > 365) {
            *problem = u"The credits warning must be a number of days from 0 to 365, not \"%1\"."_s.arg(t);
            return s;
        }
        s.creditsWarnDays = v;
    }
    return s;
}

namespace {
// The days of recorded spend before today an anomaly needs (see currentAlerts).
constexpr qint64 MinimumHistoryDays = 7;
} // namespace

double usualDailySpend(const DailySeries &previous, const QDate &today)
{
    QList<double> days;
    for (const auto &[day, cost] : denseSeries(previous, today.addDays(-14), today.addDays(-1)))
        days << cost;
    std::sort(days.begin(), days.end());
    const qsizetype n = days.size();
    if (n == 0)
        return 0;
    return n % 2 ? days.at(n / 2) : (days.at(n / 2 - 1) + days.at(n / 2)) / 2.0;
}

QList<Alert> currentAlerts(const AlertInput &input)
{
    QList<Alert> out;
    QHash<QString, QString> owners; // key hash → member, so a key's alert reaches its owner's tier
    for (const Member &m : input.members) {
        for (const QString &hash : m.keyHashes)
            owners.insert(hash, m.name);
    }
    const QDate today = input.now.toUTC().date();
    const QString day = today.toString(Qt::ISODate);
    // A usual day needs days to be usual over: on a team database that began recording less than
    // a week ago (a new one, on its first day), nobody's spend is "unusual" and nobody "usually
    // spends nothing" — that would be a claim about days nobody recorded.
    QDate firstRecorded;
    for (const DailySeries &series : input.previousDays) {
        for (auto it = series.cbegin(); it != series.cend(); ++it) {
            if (it.value() > 0 && (!firstRecorded.isValid() || it.key() < firstRecorded))
                firstRecorded = it.key();
        }
    }
    // The team database's own first day when known: a team whose members were quiet for a
    // fortnight (a holiday) still has its history.
    if (input.firstSpendDay.isValid())
        firstRecorded = input.firstSpendDay;
    const bool historyKnown = firstRecorded.isValid() && firstRecorded.daysTo(today) >= MinimumHistoryDays;
    for (const Member &m : input.members) {
        if (!m.active)
            continue;
        const PeriodSpend spend = input.spent.value(m.name);
        if (const auto budget = effectiveBudget(m, input.tiers); budget && budget->usd >= 0) {
            const double spent = spend.in(budget->period).value_or(0.0);
            // A budget of $0 allows nothing: any spend is over it (as `budgets check` judges),
            // and no spend crosses no threshold of it.
            const int pct = budget->usd > 0 ? crossedThreshold(input.settings.budgetThresholds, spent, budget->usd)
                                            : (spent > 0 ? 100 : 0);
            if (pct) {
                const QString noun = budgetPeriodNoun(budget->period);
                const QString when = budgetPeriodCurrent(budget->period);
                Alert a;
                a.kind = Alert::Kind::Budget;
                a.percent = pct;
                a.period = budget->period;
                // "budget80:NAME:DAY" as before thresholds and periods were chosen; a weekly or
                // monthly budget's alert is once per period, named by the period's first day.
                a.id = budget->period == LimitReset::Daily
                           ? u"budget%1:%2:%3"_s.arg(pct).arg(m.name, day)
                           : u"budget%1:%2:%3-%4"_s.arg(pct).arg(m.name, noun,
                                                                  budgetPeriodStart(budget->period, today).toString(Qt::ISODate));
                a.subject = m.name;
                a.member = m.name;
                a.urgent = pct >= 100;
                const QString budgetOf = u"%1 budget of %2"_s.arg(budgetPeriodAdjective(budget->period), formatUsd(budget->usd));
                a.text = spentSentence(m.name, spent, when, budget->usd, budgetOf);
                out << a;
            }
        }
        const double spent = spend.today.value_or(0.0);
        const double usual = usualDailySpend(input.previousDays.value(m.name), today);
        if (historyKnown && mayBeAnomaly(spent) && spent > 3.0 * usual) {
            Alert a;
            a.kind = Alert::Kind::Anomaly;
            a.id = u"anomaly:%1:%2"_s.arg(m.name, day);
            a.subject = m.name;
            a.member = m.name;
            a.text = usual > 0 ? u"%1 has spent %2 today, %3× their usual %4 a day."_s.arg(m.name, formatUsd(spent))
                                     .arg(spent / usual, 0, 'f', 1)
                                     .arg(formatUsd(usual))
                               : u"%1 has spent %2 today; they usually spend nothing."_s.arg(m.name, formatUsd(spent));
            out << a;
        }
    }
    for (const ApiKey &k : input.keys) {
        if (!k.expiresAt.isValid() || k.disabled || k.expiresAt <= input.now)
            continue;
        const qint64 secondsLeft = input.now.secsTo(k.expiresAt);
        int threshold = 0;
        for (int days : {7, 3, 1}) {
            if (secondsLeft <= qint64(days) * 86400)
                threshold = days;
        }
        if (threshold == 0)
            continue;
        Alert a;
        a.kind = Alert::Kind::Expiry;
        a.id = u"expiry%1:%2"_s.arg(threshold).arg(k.hash);
        a.subject = k.name;
        a.member = owners.value(k.hash);
        a.urgent = threshold == 1;
        a.text = u"The key %1 expires %2 (within %3 day%4)."_s.arg(k.name, k.expiresAt.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s))
                     .arg(threshold)
                     .arg(threshold == 1 ? QString() : u"s"_s);
        out << a;
    }
    if (input.rotationDays) {
        for (const ApiKey &k : input.keys) {
            const std::optional<int> age = dueForRotation(k, *input.rotationDays, input.rotatingKeys.contains(k.hash), input.now);
            if (!age)
                continue;
            Alert a;
            a.kind = Alert::Kind::RotationDue;
            a.id = u"rotation:%1"_s.arg(k.hash);
            a.subject = k.name;
            a.member = owners.value(k.hash);
            a.text = u"The key %1 is %2 days old, past the team's rotation period of %3 days: rotate it."_s.arg(k.name).arg(*age).arg(
                *input.rotationDays);
            out << a;
        }
    }
    QHash<QString, const Member *> members;
    for (const Member &m : input.members)
        members.insert(m.name, &m);
    for (const ModelUse &use : input.modelUses) {
        const Member *m = members.value(use.member);
        if (!m || !m->active)
            continue;
        const Tier *tier = findTier(input.tiers, m->tier);
        // A member without a known tier has no allowlist to break (the Team page flags the tier).
        if (!tier || tier->isUnrestricted() || tier->allowedModels->contains(use.model))
            continue;
        Alert a;
        a.kind = Alert::Kind::OutsideTier;
        a.id = u"model:%1:%2"_s.arg(use.member, use.model); // the first use is the news, not every day after
        a.subject = use.member;
        a.member = use.member;
        const QString requests = use.requests == 1 ? u"1 request"_s : u"%1 requests"_s.arg(use.requests);
        a.text = u"%1 used %2 (%3, %4 since %5), which the %6 tier does not allow."_s.arg(
            use.member, use.model, requests, formatUsd(use.cost), use.firstDay.toString(Qt::ISODate), tier->name);
        out << a;
    }
    for (const KeyHygiene &kh : input.hygiene) {
        for (const Finding &f : kh.findings) {
            if (f.severity() != Severity::Critical)
                continue;
            Alert a;
            a.kind = Alert::Kind::Hygiene;
            a.id = u"hygiene:%1:%2"_s.arg(hygieneRuleId(f.rule), kh.key.hash); // per key and rule: news once
            a.subject = kh.key.name;
            a.member = kh.member;
            a.urgent = true;
            a.text = u"The key %1: %2 (%3)."_s.arg(kh.key.name, hygieneRuleTitle(f.rule).toLower(), f.detail);
            out << a;
        }
    }
    teamAlerts(input, out);
    std::stable_sort(out.begin(), out.end(), [](const Alert &a, const Alert &b) { return a.urgent && !b.urgent; });
    return out;
}

} // namespace orteam
