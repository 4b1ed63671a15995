#pragma once

#include "Alerts.h"
#include "Report.h"
#include "Spend.h"
#include "Store.h"

#include <QDate>
#include <QDateTime>
#include <QObject>

#include <functional>

namespace orteam {

class KeyListController;

// What the Spend page draws, computed from the team database (history beyond OpenRouter's 30
// days) and the live key list (limits). Plain numbers, so tests check them without a chart.
class SpendController final : public QObject
{
    Q_OBJECT

public:
    enum class Period { Today, Week, Month }; // UTC: the week starts on Monday, as OpenRouter's

    SpendController(Store *store, KeyListController *keys, QObject *parent = nullptr);
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    QDate today() const { return m_clock().toUTC().date(); }
    static QDate periodStart(Period period, const QDate &today);

    struct MemberBar
    {
        QString member;
        double spent = 0;
        std::optional<double> budget; // the daily limit times the days of the period so far
    };
    // Active members with spend or a budget, highest spend first (then by name).
    QList<MemberBar> memberBars(Period period) const;

    // The last `days` days up to today, every day present.
    QList<std::pair<QDate, double>> teamDaily(int days) const;
    // The `count` members who spent most over the range, each with every day present.
    QList<std::pair<QString, QList<std::pair<QDate, double>>>> topMembersDaily(int days, int count) const;
    QList<ModelSpend> byModel(int days) const;

    struct Burn
    {
        QString what; // "Account credits" or a key's name
        double limit = 0;
        BurnForecast forecast;
    };
    // The account's credits and every limited, active key, soonest exhausted first.
    QList<Burn> burns() const;

    // Every alert that holds now (for the banner), and, once per alert across refreshes and
    // dashboards on the same database, the new ones (for a desktop notification).
    QList<Alert> alerts() const;

    // What orteam-gateway last wrote about itself (it does every second while it runs), if it
    // ever ran against this database.
    struct GatewayStatus
    {
        QString listening;
        qint64 requestsToday = 0;
        qint64 refusalsToday = 0;
        qint64 inFlight = 0;
        QDateTime updatedAt;
        bool running(const QDateTime &now) const { return updatedAt.isValid() && updatedAt.secsTo(now) < 120; }
    };
    std::optional<GatewayStatus> gatewayStatus() const;
    QDateTime now() const { return m_clock().toUTC(); }

    // The weekly or monthly team report ending today (UTC); `error` set when the database failed.
    TeamReport report(ReportPeriod period, QString *error) const;
    QList<Alert> takeNewAlerts();

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void changed();
    void newAlerts(const QList<orteam::Alert> &alerts);

private:
    Store *m_store;
    KeyListController *m_keys;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace orteam
