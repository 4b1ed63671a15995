#include "SpendController.h"

#include "KeyListController.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

SpendController::SpendController(Store *store, KeyListController *keys, QObject *parent)
    : QObject(parent), m_store(store), m_keys(keys)
{
    // New key counters reach the store on every refresh (the team controller writes them).
    connect(m_keys, &KeyListController::refreshFinished, this, &SpendController::refresh);
}

QDate SpendController::periodStart(Period period, const QDate &today)
{
    switch (period) {
    case Period::Today:
        return today;
    case Period::Week:
        return today.addDays(1 - today.dayOfWeek());
    case Period::Month:
        return QDate(today.year(), today.month(), 1);
    }
    return today;
}

std::optional<SpendController::GatewayStatus> SpendController::gatewayStatus() const
{
    const QJsonObject json = QJsonDocument::fromJson(m_store->setting(u"gateway_status"_s).toUtf8()).object();
    if (json.isEmpty())
        return std::nullopt;
    GatewayStatus s;
    s.listening = json.value("listening"_L1).toString();
    s.requestsToday = json.value("requests_today"_L1).toInteger();
    s.refusalsToday = json.value("refusals_today"_L1).toInteger();
    s.inFlight = json.value("in_flight"_L1).toInteger();
    s.updatedAt = QDateTime::fromString(json.value("updated_at"_L1).toString(), Qt::ISODate);
    return s;
}

TeamReport SpendController::report(ReportPeriod period, QString *error) const
{
    return m_store->teamReport(period, today(), error, today());
}

QList<SpendController::MemberBar> SpendController::memberBars(Period period) const
{
    const QDate to = today();
    const QDate from = periodStart(period, to);
    const int days = int(from.daysTo(to)) + 1;
    QString error;
    const auto spend = m_store->memberSpend(from, to, &error);
    const QList<Tier> tiers = m_store->tiers();
    QList<MemberBar> out;
    for (const Member &m : m_store->members()) {
        if (!m.active && !spend.contains(m.name))
            continue;
        MemberBar bar;
        bar.member = m.name;
        bar.spent = spend.value(m.name).cost;
        if (const auto limit = effectiveDailyLimit(m, tiers))
            bar.budget = *limit * days;
        if (bar.spent > 0 || bar.budget)
            out << bar;
    }
    std::sort(out.begin(), out.end(), [](const MemberBar &a, const MemberBar &b) {
        return a.spent != b.spent ? a.spent > b.spent : a.member < b.member;
    });
    return out;
}

QList<std::pair<QDate, double>> SpendController::teamDaily(int days) const
{
    const QDate to = today();
    const QDate from = to.addDays(1 - days);
    QString error;
    return denseSeries(m_store->dailySpend(from, to, QString(), &error), from, to);
}

QList<std::pair<QString, QList<std::pair<QDate, double>>>> SpendController::topMembersDaily(int days, int count) const
{
    const QDate to = today();
    const QDate from = to.addDays(1 - days);
    QString error;
    // Totals first, then the days of the few drawn: a year of every member's days is far more
    // than the chart needs.
    QList<std::pair<QString, double>> totals;
    for (auto [member, cost] : m_store->memberCost(from, to, &error).asKeyValueRange())
        totals.append({member, cost});
    std::sort(totals.begin(), totals.end(), [](const auto &a, const auto &b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    QList<std::pair<QString, QList<std::pair<QDate, double>>>> out;
    for (qsizetype i = 0; i < totals.size() && i < count; ++i)
        out.append({totals.at(i).first, denseSeries(m_store->dailySpend(from, to, totals.at(i).first, &error), from, to)});
    return out;
}

QList<ModelSpend> SpendController::byModel(int days) const
{
    const QDate to = today();
    QString error;
    return m_store->spendByModel(to.addDays(1 - days), to, &error);
}

QList<SpendController::Burn> SpendController::burns() const
{
    const QDate to = today();
    const QDate from = to.addDays(-13);
    QList<Burn> out;
    if (const auto credits = m_keys->credits()) {
        QString error;
        Burn b;
        b.what = u"Account credits"_s;
        b.limit = credits->totalCredits;
        b.forecast = forecastBurn(credits->remaining(), m_store->dailySpend(from, to, QString(), &error), now());
        out << b;
    }
    for (const ApiKey &k : m_keys->model()->keys()) {
        if (!k.limit || k.disabled)
            continue;
        Burn b;
        b.what = k.name;
        b.limit = *k.limit;
        const double remaining = k.limitRemaining.value_or(*k.limit - k.usage);
        b.forecast = forecastBurn(remaining, m_store->keyDailySpend(k.hash, from, to), now());
        out << b;
    }
    std::stable_sort(out.begin(), out.end(), [](const Burn &a, const Burn &b) {
        if (a.forecast.reachedOn.has_value() != b.forecast.reachedOn.has_value())
            return a.forecast.reachedOn.has_value();
        return a.forecast.reachedOn.value_or(QDate()) < b.forecast.reachedOn.value_or(QDate());
    });
    return out;
}

QList<Alert> SpendController::alerts() const
{
    AlertInput in;
    in.now = m_clock().toUTC();
    const QDate day = in.now.date();
    in.members = m_store->members();
    in.tiers = m_store->tiers();
    QString error;
    for (auto [name, spend] : m_store->memberSpend(day, day, &error).asKeyValueRange())
        in.spentToday.insert(name, spend.cost);
    in.previousDays = m_store->dailySpendByMember(day.addDays(-14), day.addDays(-1), &error);
    in.keys = m_keys->model()->keys();
    in.modelUses = m_store->memberModelUses(day.addDays(-7), day, &error);
    return currentAlerts(in);
}

QList<Alert> SpendController::takeNewAlerts()
{
    const QList<Alert> all = alerts();
    QStringList ids;
    for (const Alert &a : all)
        ids << a.id;
    QString error;
    const QStringList fresh = m_store->markAlertsSeen(ids, &error);
    QList<Alert> out;
    for (const Alert &a : all) {
        if (fresh.contains(a.id))
            out << a;
    }
    return out;
}

void SpendController::refresh()
{
    Q_EMIT changed();
    const QList<Alert> fresh = takeNewAlerts();
    if (!fresh.isEmpty())
        Q_EMIT newAlerts(fresh);
}

} // namespace orteam
