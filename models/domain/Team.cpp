#include "Team.h"

#include "Money.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QList<Tier> defaultTiers()
{
    return {
        {u"free"_s, Budget{0.50}, QStringList{u"google/gemma-2-9b-it:free"_s}, u"google/gemma-2-9b-it:free"_s, {}},
        {u"basic"_s, Budget{5.0}, QStringList{u"openai/gpt-4o-mini"_s, u"meta-llama/llama-3.1-8b-instruct"_s},
         u"meta-llama/llama-3.1-8b-instruct"_s, {}},
        {u"pro"_s, Budget{25.0}, QStringList{u"openai/gpt-4o-mini"_s, u"openai/gpt-4o"_s, u"anthropic/claude-3.5-sonnet"_s},
         u"anthropic/claude-3.5-sonnet"_s, {}},
        {u"enterprise"_s, std::nullopt, std::nullopt, {}, {}},
    };
}

QString memberEmailProblem(const QString &email)
{
    const QString e = email.trimmed();
    if (e.isEmpty())
        return {};
    const qsizetype at = e.indexOf(u'@');
    // One address: a list ("a@x.com,b@y.com") or a display name ("Ann <a@x.com>") is not one.
    const bool blank = std::any_of(e.cbegin(), e.cend(), [](QChar c) {
        return c.isSpace() || c.category() == QChar::Other_Control || c.category() == QChar::Other_Format || c == u',' || c == u';'
            || c == u'<' || c == u'>';
    });
    if (at <= 0 || at == e.size() - 1 || e.indexOf(u'@', at + 1) >= 0 || blank)
        return QStringLiteral("\"%1\" is not an email address.").arg(e);
    return {};
}

QString memberNameProblem(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return u"A member needs a name."_s;
    if (trimmed.size() > MaxMemberNameLength)
        return u"A member's name can have at most %1 characters."_s.arg(MaxMemberNameLength);
    if (std::any_of(trimmed.cbegin(), trimmed.cend(), [](QChar c) { return c.category() == QChar::Other_Control; }))
        return u"A member's name cannot contain control characters."_s;
    // Invisible format characters (a right-to-left override, a zero-width space) make one name
    // look like another in every table; the zero-width joiner that emoji are made with is kept.
    if (std::any_of(trimmed.cbegin(), trimmed.cend(), [](QChar c) { return c.category() == QChar::Other_Format && c != QChar(0x200D); }))
        return u"A member's name cannot contain invisible formatting characters (such as a right-to-left override)."_s;
    return {};
}

QString memberNameKey(const QString &name)
{
    return name.trimmed().toCaseFolded();
}

QString userIdProblem(const QString &userId)
{
    if (userId.isEmpty())
        return u"An OpenRouter user id cannot be empty."_s;
    if (userId.size() > 200)
        return u"An OpenRouter user id can have at most 200 characters."_s;
    // It travels in JSON bodies and is shown in tables: nothing that could split a line or a column.
    if (std::any_of(userId.cbegin(), userId.cend(), [](QChar c) { return c.isSpace() || c.category() == QChar::Other_Control; }))
        return u"\"%1\" is not an OpenRouter user id: it has white space or control characters."_s.arg(userId.simplified());
    return {};
}

QString tierNameOf(const QString &typed)
{
    return typed.trimmed().toLower();
}

const Tier *findTier(const QList<Tier> &tiers, const QString &name)
{
    const QString wanted = tierNameOf(name);
    const auto it = std::find_if(tiers.cbegin(), tiers.cend(), [&](const Tier &t) { return t.name == wanted; });
    return it == tiers.cend() ? nullptr : &*it;
}

std::optional<Budget> effectiveBudget(const Member &member, const QList<Tier> &tiers)
{
    if (member.budgetOverride)
        return member.budgetOverride;
    const Tier *tier = findTier(tiers, member.tier);
    return tier ? tier->budget : std::nullopt;
}

bool withinBudget(std::optional<double> spent, std::optional<double> limit)
{
    if (!spent || !limit)
        return true;
    return *spent < *limit;
}

QDate budgetPeriodStart(LimitReset period, const QDate &today)
{
    switch (period) {
    case LimitReset::Weekly: return today.addDays(1 - today.dayOfWeek()); // ISO: Monday is 1
    case LimitReset::Monthly: return QDate(today.year(), today.month(), 1);
    case LimitReset::Daily:
    case LimitReset::None: break;
    }
    return today;
}

QDate nextBudgetReset(LimitReset period, const QDate &today)
{
    switch (period) {
    case LimitReset::Weekly: return budgetPeriodStart(period, today).addDays(7);
    case LimitReset::Monthly: return budgetPeriodStart(period, today).addMonths(1);
    case LimitReset::Daily:
    case LimitReset::None: break;
    }
    return today.addDays(1);
}

QString budgetPeriodNoun(LimitReset period)
{
    switch (period) {
    case LimitReset::Weekly: return u"week"_s;
    case LimitReset::Monthly: return u"month"_s;
    case LimitReset::Daily:
    case LimitReset::None: break;
    }
    return u"day"_s;
}

QString budgetPeriodCurrent(LimitReset period)
{
    return period == LimitReset::Daily || period == LimitReset::None ? u"today"_s : u"this "_s + budgetPeriodNoun(period);
}

QString budgetPeriodAdjective(LimitReset period)
{
    return period == LimitReset::Daily || period == LimitReset::None ? u"daily"_s : budgetPeriodNoun(period) + u"ly"_s;
}

QString budgetText(const Budget &budget)
{
    return u"%1 a %2"_s.arg(formatUsd(budget.usd), budgetPeriodNoun(budget.period));
}

double dailyShare(const Budget &budget)
{
    switch (budget.period) {
    case LimitReset::Weekly: return budget.usd / 7.0;
    case LimitReset::Monthly: return budget.usd * 12.0 / 365.25;
    case LimitReset::Daily:
    case LimitReset::None: break;
    }
    return budget.usd;
}

std::optional<LimitReset> budgetPeriodFromString(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == "daily"_L1 || t == "day"_L1)
        return LimitReset::Daily;
    if (t == "weekly"_L1 || t == "week"_L1)
        return LimitReset::Weekly;
    if (t == "monthly"_L1 || t == "month"_L1)
        return LimitReset::Monthly;
    return std::nullopt;
}

QString budgetProblem(const std::optional<Budget> &budget)
{
    if (!budget)
        return {};
    if (!std::isfinite(budget->usd) || budget->usd < 0)
        return u"A budget must be a positive amount, or none."_s;
    if (budget->period == LimitReset::None)
        return u"A budget resets daily, weekly or monthly."_s;
    return {};
}

std::optional<double> PeriodSpend::in(LimitReset period) const
{
    switch (period) {
    case LimitReset::Weekly: return week;
    case LimitReset::Monthly: return month;
    case LimitReset::Daily:
    case LimitReset::None: break;
    }
    return today;
}

ModelDecision applyModelPolicy(const QList<Tier> &tiers, const QString &tierName, const QString &requestedModel)
{
    ModelDecision d;
    const Tier *tier = findTier(tiers, tierName);
    if (!tier) {
        d.reason = u"Unknown tier \"%1\": no model is allowed until the member has a known tier."_s.arg(tierName);
        return d;
    }
    if (tier->isUnrestricted() || tier->allowedModels->contains(requestedModel)) {
        d.outcome = ModelDecision::Outcome::Allowed;
        d.model = requestedModel;
        return d;
    }
    if (tier->fallbackModel.isEmpty()) {
        d.reason = u"The %1 tier does not allow %2 and has no fallback model."_s.arg(tier->name, requestedModel);
        return d;
    }
    d.outcome = ModelDecision::Outcome::Downgraded;
    d.model = tier->fallbackModel;
    d.reason = u"The %1 tier does not allow %2; using %3 instead."_s.arg(tier->name, requestedModel, tier->fallbackModel);
    return d;
}

} // namespace orteam
