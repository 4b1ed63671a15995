#pragma once

#include "Account.h"
#include "ApiError.h"

#include <QDateTime>
#include <QObject>
#include <QThread>

#include <functional>

namespace orteam {

class KeyListController;

class OpenRouterClient;
class Store;
class TeamController;

// Copies OpenRouter's activity into the team database from the dashboard: the account's days per
// model, and each member's keys' days per model (requests, and which models a person used).
// Runs after a key refresh once the last sync is older than the interval (activity only changes
// per completed UTC day, so hourly is plenty), or on request. Reads everything first, then writes
// it in one transaction on a thread of its own: a failed sync leaves the database as it was.
class ActivitySync final : public QObject
{
    Q_OBJECT

public:
    ActivitySync(Store *store, OpenRouterClient *client, KeyListController *keys, TeamController *team, QObject *parent = nullptr);
    ~ActivitySync() override; // waits for a write under way: a transaction is never cut short

    void setInterval(qint64 seconds) { m_intervalSeconds = seconds; }
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    bool isRunning() const { return m_running; }
    QDateTime lastSync() const; // kept in the database: every dashboard on it shares one schedule

public Q_SLOTS:
    void syncNow();
    void syncIfDue();

Q_SIGNALS:
    void started();
    void progress(int done, int total); // keys asked about so far
    void finished(bool ok, const QString &message);

private:
    void write(const ActivityData &data);

    Store *m_store;
    OpenRouterClient *m_client;
    KeyListController *m_keys;
    TeamController *m_team;
    QThread *m_writer = nullptr;
    bool m_running = false;
    qint64 m_intervalSeconds = 3600;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace orteam
