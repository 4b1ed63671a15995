#pragma once

#include "Alerts.h"
#include "GatewayStatus.h"
#include "Overview.h"
#include "Report.h"
#include "Spend.h"
#include "Store.h"

#include <QDate>
#include <QDateTime>
#include <QObject>

#include <any>
#include <functional>

namespace orteam {

class KeyListController;

// What the Spend page draws, computed from the team database's spend repository (history beyond
// OpenRouter's 30 days) and the live key list (limits). Plain numbers, so tests check them without
// a chart. Every answer is the numbers or the database's error: a read that failed is never an
// empty chart that would read as "nobody spent anything". The reads are the rollups' few indexed
// rows (tens of milliseconds for a year), answered while the page draws, so they stay on this
// thread; the team's heavier read runs on the JobQueue.
class SpendController final : public QObject
{
    Q_OBJECT

public:
    enum class Period { Today, Week, Month }; // UTC: the week starts on Monday, as OpenRouter's

    SpendController(Store *store, KeyListController *keys, QObject *parent = nullptr);
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    // The read-only view: no management key, so the key list never loads (said so, not "until").
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    QDate today() const { return m_clock().toUTC().date(); }
    static QDate periodStart(Period period, const QDate &today);

    struct MemberBar
    {
        QString member;
        double spent = 0;
        std::optional<double> budget; // the daily limit times the days of the period so far
    };
    // Active members with spend or a budget, highest spend first (then by name).
    Result<QList<MemberBar>> memberBars(Period period) const;

    // The last `days` days up to today, every day present, from the first day the database
    // holds spend for at the earliest (empty when it holds none): no $0 before history.
    using Days = QList<std::pair<QDate, double>>;
    Result<QDate> seriesStart(int days) const;
    Result<Days> teamDaily(int days) const;
    // The `count` members who spent most over the range, each with every day present.
    Result<QList<std::pair<QString, Days>>> topMembersDaily(int days, int count) const;
    Result<QList<ModelSpend>> byModel(int days) const;
    Result<QList<ProviderSpend>> byProvider(int days) const;
    // Per OpenRouter workspace (its keys), named as last listed: a department's share.
    Result<QList<SpendShare>> byWorkspace(int days) const;
    // The chargeback of UTC days from..to (the Reports page exports its window's).
    Result<QList<WorkspaceSpend>> workspaceSpend(const QDate &from, const QDate &to) const;

    struct Burn
    {
        QString what; // "Account credits" or a key's name
        double limit = 0;
        BurnForecast forecast;
    };
    // The account's credits and every limited, active key, soonest exhausted first.
    Result<QList<Burn>> burns() const;
    // Why burns() may leave out a limit that runs out, empty when it covers every limit: the key
    // list has not loaded yet, or its last refresh failed (its limits are then the last known).
    // "No limit runs out" is said only when this is empty.
    QString limitsUnknownReason() const;

    // Every alert that holds now (for the banner), and, once per alert across refreshes and
    // dashboards on the same database, the new ones (for a desktop notification).
    Result<QList<Alert>> alerts() const;

    // What orteam-gateway last wrote about itself (it does every second while it runs); none if it
    // never ran against this database.
    Result<std::optional<GatewayStatus>> gatewayStatus() const;
    // The key list's and the credits' "As of … — the last refresh failed", or empty when fresh.
    QString keysStaleText() const;
    QString creditsStaleText() const;
    // Whether it wrote lately enough to be serving still.
    bool gatewayRunning(const GatewayStatus &status) const
    {
        return status.updatedAt.isValid() && status.updatedAt.secsTo(now()) < 120;
    }
    QDateTime now() const { return m_clock().toUTC(); }

    // The weekly or monthly team report ending today (UTC).
    Result<TeamReport> report(ReportPeriod period) const;
    // The calendar month holding `month` (ReportService): the current one to date, a past one in full.
    Result<TeamReport> calendarReport(const QDate &month) const;
    // The team's days over [from, to] (every day present, none before the history starts).
    Result<Days> teamDaily(const QDate &from, const QDate &to) const;
    Result<QList<Alert>> takeNewAlerts();

    // The Overview page's numbers (OverviewService): the keys' alerts and the credits count once
    // the key list has loaded; before that the overview says they are unknown.
    Result<Overview> overview() const;
    // When the history starts (invalid: nothing recorded yet).
    Result<QDate> firstSpendDay() const { return m_store->spend().firstSpendDay(); }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void changed();
    void newAlerts(const QList<orteam::Alert> &alerts);
    // The alerts could not be read or marked as raised (the page shows its own read errors).
    void problem(const QString &message);

private:
    // `from`, or the first day the database holds spend for if later; invalid when it holds none.
    Result<QDate> historyFrom(const QDate &from) const;
    // memberBars() and topMembersDaily() read afresh (they remember these per moment).
    Result<QList<MemberBar>> readMemberBars(Period period) const;
    Result<QList<std::pair<QString, Days>>> readTopMembersDaily(int days, int count) const;
    // What was read from the team database at one moment, kept while nothing it came from can
    // have changed, so every page a refresh redraws (the banner, the navigation count, the Spend,
    // Overview and Reports pages, the new-alert check) shares one read of each thing: on a large
    // team database each read takes a second. The alerts' input (NotifyService::alertInput) and
    // the alerts judged from it, the Overview, and the pages' heavier reads, each once asked for.
    struct Moment
    {
        QDateTime at;                      // the clock when it began
        std::optional<QDateTime> readEnd;  // the clock when its last read finished
        quint64 ownWrites = 0;             // this connection's writes then
        std::optional<qint64> otherWrites; // other connections' commits then (SQLite)
        std::optional<Result<AlertInput>> input;
        std::optional<QList<Alert>> alerts;       // currentAlerts(input)
        std::optional<Result<Overview>> overview; // the Overview's numbers
        QHash<QString, std::any> reads;           // remembered(): by what was read and with what
    };
    Moment &moment() const;
    Moment &alertInput() const; // the moment, its alerts' input read
    void forgetMoment() { m_moment.reset(); }
    // `read()` once per moment for `key` (a read's name and its arguments).
    template<typename T>
    Result<T> remembered(const QString &key, const std::function<Result<T>()> &read) const;
    void noteReadEnd(Moment &m) const;

    Store *m_store;
    KeyListController *m_keys;
    bool m_readOnly = false;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
    mutable std::optional<Moment> m_moment;
};

} // namespace orteam
