#pragma once

#include "SyncService.h"

#include <QDateTime>
#include <QObject>

#include <functional>
#include <memory>

namespace orteam {

class JobQueue;
class KeyListController;
class OpenRouterClient;
class Store;

// Copies OpenRouter's activity into the team database from the dashboard: the account's days per
// model, and each member's keys' days per model (requests, and which models a person used).
// Runs after a key refresh once the last sync is older than the interval (activity only changes
// per completed UTC day, so hourly is plenty), or on request. SyncService reads everything first;
// its write, one transaction, runs on the dashboard's JobQueue: a failed sync leaves the database
// as it was.
class ActivitySync final : public QObject
{
    Q_OBJECT

public:
    ActivitySync(Store *store, OpenRouterClient *client, KeyListController *keys, JobQueue *jobs, QObject *parent = nullptr);

    void setInterval(qint64 seconds) { m_intervalSeconds = seconds; }
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    bool isRunning() const { return m_running; }
    // Kept in the database: every dashboard on it shares one schedule. Invalid when it was never
    // synced, or cannot be read (then a sync is due, which says what is wrong if it is the database).
    QDateTime lastSync() const;

public Q_SLOTS:
    void syncNow();
    void syncIfDue();

Q_SIGNALS:
    void started();
    void progress(int done, int total); // keys asked about so far
    void finished(bool ok, const QString &message);

private:
    Store *m_store;
    OpenRouterClient *m_client;
    KeyListController *m_keys;
    JobQueue *m_jobs;
    bool m_running = false;
    qint64 m_intervalSeconds = 3600;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
    // Analytics or /activity, remembered across this dashboard's syncs (see SyncService).
    std::shared_ptr<SyncService::ActivityRoute> m_route = std::make_shared<SyncService::ActivityRoute>();
};

} // namespace orteam
