#include "SpendController.h"

#include "NotifyService.h"
#include "OverviewService.h"
#include "ReportService.h"

#include "KeyListController.h"
#include "Money.h"

#include <algorithm>
#include <cstdlib>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

SpendController::SpendController(Store *store, KeyListController *keys, QObject *parent)
    : QObject(parent), m_store(store), m_keys(keys)
{
    // New key counters reach the store on every refresh (the team controller writes them).
    connect(m_keys, &KeyListController::refreshFinished, this, &SpendController::refresh);
    // The alerts judge the keys and the credits: any change to either is a new input.
    connect(m_keys, &KeyListController::creditsChanged, this, &SpendController::forgetMoment);
    connect(m_keys, &KeyListController::keyChanged, this, &SpendController::forgetMoment);
    QAbstractItemModel *model = m_keys->model();
    connect(model, &QAbstractItemModel::modelReset, this, &SpendController::forgetMoment);
    connect(model, &QAbstractItemModel::rowsInserted, this, &SpendController::forgetMoment);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &SpendController::forgetMoment);
    connect(model, &QAbstractItemModel::dataChanged, this, &SpendController::forgetMoment);
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

Result<std::optional<GatewayStatus>> SpendController::gatewayStatus() const
{
    const Result<QString> text = m_store->governance().setting(GatewayStatus::settingName());
    if (!text)
        return text.error();
    return GatewayStatus::fromJson(*text);
}

Result<TeamReport> SpendController::report(ReportPeriod period) const
{
    return remembered<TeamReport>(u"report %1"_s.arg(int(period)),
                                  [&] { return m_store->spend().teamReport(period, today(), today()); });
}

Result<TeamReport> SpendController::calendarReport(const QDate &month) const
{
    return ReportService::calendarMonth(*m_store, month, now());
}

Result<QList<SpendController::MemberBar>> SpendController::memberBars(Period period) const
{
    return remembered<QList<MemberBar>>(u"memberBars %1"_s.arg(int(period)), [&] { return readMemberBars(period); });
}

Result<QList<SpendController::MemberBar>> SpendController::readMemberBars(Period period) const
{
    const QDate to = today();
    const QDate from = periodStart(period, to);
    const int days = int(from.daysTo(to)) + 1;
    const auto spend = m_store->spend().memberSpend(from, to);
    if (!spend)
        return spend.error();
    const auto tiers = m_store->team().tiers();
    if (!tiers)
        return tiers.error();
    const auto members = m_store->team().members();
    if (!members)
        return members.error();
    QList<MemberBar> out;
    for (const Member &m : *members) {
        if (!m.active && !spend->contains(m.name))
            continue;
        MemberBar bar;
        bar.member = m.name;
        bar.spent = spend->value(m.name).cost;
        if (const auto budget = effectiveBudget(m, *tiers))
            bar.budget = dailyShare(*budget) * days; // a weekly or monthly budget spread evenly over its days
        if (bar.spent > 0 || bar.budget)
            out << bar;
    }
    std::sort(out.begin(), out.end(), [](const MemberBar &a, const MemberBar &b) {
        return a.spent != b.spent ? a.spent > b.spent : a.member < b.member;
    });
    return out;
}

QString SpendController::keysStaleText() const
{
    return m_keys->staleText();
}

QString SpendController::creditsStaleText() const
{
    return m_keys->creditsStaleText();
}

Result<QDate> SpendController::seriesStart(int days) const
{
    return historyFrom(today().addDays(1 - days));
}

Result<QDate> SpendController::historyFrom(const QDate &from) const
{
    // Days before the database's first recorded spend are unknown, not $0: a new team's chart
    // starts where its history does (and is empty without any).
    const Result<QDate> first = firstSpendDay();
    if (!first)
        return first.error();
    if (!first->isValid())
        return QDate();
    return std::max(from, *first);
}

Result<SpendController::Days> SpendController::teamDaily(int days) const
{
    return teamDaily(today().addDays(1 - days), today());
}

Result<SpendController::Days> SpendController::teamDaily(const QDate &from, const QDate &to) const
{
    const Result<QDate> start = historyFrom(from);
    if (!start)
        return start.error();
    if (!start->isValid() || *start > to)
        return Days();
    const Result<DailySeries> series = m_store->spend().dailySpend(*start, to);
    if (!series)
        return series.error();
    return denseSeries(*series, *start, to);
}

Result<QList<std::pair<QString, SpendController::Days>>> SpendController::topMembersDaily(int days, int count) const
{
    return remembered<QList<std::pair<QString, Days>>>(u"topMembersDaily %1 %2"_s.arg(days).arg(count),
                                                       [&] { return readTopMembersDaily(days, count); });
}

Result<QList<std::pair<QString, SpendController::Days>>> SpendController::readTopMembersDaily(int days, int count) const
{
    const QDate to = today();
    const Result<QDate> start = seriesStart(days);
    if (!start)
        return start.error();
    if (!start->isValid() || *start > to)
        return QList<std::pair<QString, Days>>();
    const QDate from = *start;
    // Totals first, then the days of the few drawn: a year of every member's days is far more
    // than the chart needs.
    const Result<QHash<QString, double>> costs = m_store->spend().memberCost(from, to);
    if (!costs)
        return costs.error();
    QList<std::pair<QString, double>> totals;
    for (auto [member, cost] : costs->asKeyValueRange())
        totals.append({member, cost});
    std::sort(totals.begin(), totals.end(), [](const auto &a, const auto &b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    QList<std::pair<QString, Days>> out;
    for (qsizetype i = 0; i < totals.size() && i < count; ++i) {
        const Result<DailySeries> series = m_store->spend().dailySpend(from, to, totals.at(i).first);
        if (!series)
            return series.error();
        out.append({totals.at(i).first, denseSeries(*series, from, to)});
    }
    return out;
}

Result<QList<ModelSpend>> SpendController::byModel(int days) const
{
    const QDate to = today();
    return m_store->spend().spendByModel(to.addDays(1 - days), to);
}

Result<QList<ProviderSpend>> SpendController::byProvider(int days) const
{
    const QDate to = today();
    return m_store->spend().spendByProvider(to.addDays(1 - days), to);
}

Result<QList<SpendShare>> SpendController::byWorkspace(int days) const
{
    const QDate to = today();
    const Result<QList<WorkspaceSpend>> read = workspaceSpend(to.addDays(1 - days), to);
    if (!read)
        return read.error();
    QList<SpendShare> out;
    for (const WorkspaceSpend &w : *read)
        out << SpendShare{workspaceLabel(w), w.cost, w.requests};
    return out;
}

Result<QList<WorkspaceSpend>> SpendController::workspaceSpend(const QDate &from, const QDate &to) const
{
    return m_store->workspaces().spendByWorkspace(from, to);
}

Result<QList<SpendController::Burn>> SpendController::burns() const
{
    const QDate to = today();
    const QDate from = to.addDays(-13);
    QList<Burn> out;
    if (const auto credits = m_keys->credits()) {
        // The account's days, every key's: the credits pay for more than the team's members.
        const Result<DailySeries> account = m_store->spend().accountDailySpend(from, to);
        if (!account)
            return account.error();
        Burn b;
        b.what = tr("Account credits");
        b.limit = credits->totalCredits;
        b.forecast = forecastBurn(credits->remaining(), *account, now());
        out << b;
    }
    for (const ApiKey &k : m_keys->model()->keys()) {
        if (!k.limit || k.disabled)
            continue;
        const Result<DailySeries> key = m_store->spend().keyDailySpend(k.hash, from, to);
        if (!key)
            return key.error();
        Burn b;
        b.what = k.name;
        b.limit = *k.limit;
        const double remaining = k.limitRemaining.value_or(*k.limit - k.usage);
        b.forecast = forecastBurn(remaining, *key, now());
        out << b;
    }
    std::stable_sort(out.begin(), out.end(), [](const Burn &a, const Burn &b) {
        if (a.forecast.reachedOn.has_value() != b.forecast.reachedOn.has_value())
            return a.forecast.reachedOn.has_value();
        return a.forecast.reachedOn.value_or(QDate()) < b.forecast.reachedOn.value_or(QDate());
    });
    return out;
}

QString SpendController::limitsUnknownReason() const
{
    if (!m_keys->hasLoaded())
        return m_keys->lastError().isError() ? tr("The keys' limits are unknown: the key list could not be read (%1).")
                                                   .arg(m_keys->lastError().message())
                                             : m_readOnly ? tr("The keys' limits are unknown without the management key.")
                                                          : tr("The keys' limits are unknown until the key list has loaded.");
    if (m_keys->isStale())
        return tr("Limits as last read. %1; a key changed since may run out sooner.").arg(m_keys->staleText());
    // The rates come from the team database's history. A new database (or one whose usage stopped
    // being recorded) has none while OpenRouter's counters say the keys spend: a rate of zero
    // would then forecast that nothing runs out.
    double spentThisWeek = 0;
    for (const ApiKey &k : m_keys->model()->keys())
        spentThisWeek += k.usageWeekly;
    const QDate to = today();
    const Result<DailySeries> recorded = m_store->spend().dailySpend(to.addDays(-7), to);
    if (!recorded)
        return tr("The spend rates could not be read: %1").arg(recorded.errorText());
    const bool anyRecorded = std::any_of(recorded->cbegin(), recorded->cend(), [](double cost) { return cost > 0; });
    if (spentThisWeek > 0 && !anyRecorded)
        return tr("Not enough history to forecast: the keys spent %1 this week, but the team database has no spend "
                  "recorded for the last 7 days yet.")
            .arg(formatUsd(spentThisWeek));
    return {};
}

SpendController::Moment &SpendController::moment() const
{
    // Kept while nothing it was read from can have changed: no write on this connection, no
    // commit by another (SQLite says; on PostgreSQL another admin's change shows at the next
    // refresh), the same key list and credits (their signals forget it), and the same moment: two
    // seconds after its last read finished, everything is read again, so the clock's thresholds
    // (expiry, budgets) stay near exact. Counting from the end of the reads: on a database where a
    // read takes longer than that, the pages drawn right after it still share it. Never past
    // 30 s from its start however many reads follow, and never into the next UTC day (every
    // remembered read is of "today").
    const QDateTime now = m_clock();
    const Database &db = m_store->database();
    const std::optional<qint64> other = db.changeCounter();
    if (m_moment && m_moment->ownWrites == db.ownWrites() && m_moment->otherWrites == other && other.has_value() == !db.isPostgres()
        && std::abs(m_moment->readEnd.value_or(m_moment->at).msecsTo(now)) <= 2000 && std::abs(m_moment->at.msecsTo(now)) <= 30'000
        && m_moment->at.toUTC().date() == now.toUTC().date())
        return *m_moment;
    m_moment = Moment{now, std::nullopt, db.ownWrites(), other, std::nullopt, std::nullopt, std::nullopt, {}};
    return *m_moment;
}

void SpendController::noteReadEnd(Moment &m) const
{
    m.readEnd = m_clock();
}

SpendController::Moment &SpendController::alertInput() const
{
    Moment &m = moment();
    if (!m.input) {
        m.input = NotifyService::alertInput(*m_store, m_keys->model()->keys(), m_keys->credits(), m.at);
        noteReadEnd(m);
    }
    return m;
}

template<typename T>
Result<T> SpendController::remembered(const QString &key, const std::function<Result<T>()> &read) const
{
    Moment &m = moment();
    if (const auto it = m.reads.constFind(key); it != m.reads.cend())
        return std::any_cast<const Result<T> &>(*it);
    Result<T> value = read();
    noteReadEnd(m);
    m.reads.insert(key, value);
    return value;
}

Result<QList<Alert>> SpendController::alerts() const
{
    Moment &read = alertInput();
    if (!*read.input)
        return read.input->error();
    // Judged once per input too: at ten thousand members each judgement is every member's median day.
    if (!read.alerts)
        read.alerts = currentAlerts(**read.input);
    return *read.alerts;
}

Result<QList<Alert>> SpendController::takeNewAlerts()
{
    const Result<QList<Alert>> all = alerts();
    if (!all)
        return all;
    return NotifyService::raise(*m_store, *all, m_clock().toUTC());
}

Result<Overview> SpendController::overview() const
{
    const bool keysKnown = m_keys->lastRefresh().isValid();
    const Result<QList<Alert>> judged = alerts();
    if (!judged)
        return judged.error();
    // The alerts' input holds the keys either way: before the list loaded it is empty, which is
    // what "keys unknown" reads alerts from.
    // Kept with the input it was read beside: the Spend page's month line and the Overview page
    // both draw it after each refresh, and its reads (the team's year, three weeks per member)
    // change only when the input's do. The key list loading changes keysKnown: its signals forget
    // them both.
    Moment &read = *m_moment;
    if (!read.overview) {
        const AlertInput &in = **read.input;
        read.overview = OverviewService::read(*m_store, in, *judged, keysKnown, in.now);
    }
    return *read.overview;
}

void SpendController::refresh()
{
    // On PostgreSQL nothing says another admin has written since: a refresh reads everything
    // again. SQLite's change counter does say, so a refresh there reads again only what may have
    // changed (a dashboard opening calls this right after its pages were first drawn).
    if (m_store->database().isPostgres() || !m_store->database().changeCounter())
        forgetMoment();
    Q_EMIT changed();
    const Result<QList<Alert>> fresh = takeNewAlerts();
    if (!fresh)
        Q_EMIT problem(tr("Cannot check for new alerts in the team database: %1").arg(fresh.errorText()));
    else if (!fresh->isEmpty())
        Q_EMIT newAlerts(*fresh);
}

} // namespace orteam
