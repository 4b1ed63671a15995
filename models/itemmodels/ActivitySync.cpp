#include "ActivitySync.h"

#include "JobQueue.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "OpenRouterClient.h"
#include "Store.h"
#include "SyncService.h"

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {

// What the worker's job did: the sync and its time written, or why not.
struct Written
{
    Result<SyncService::Summary> summary;
};
} // namespace

ActivitySync::ActivitySync(Store *store, OpenRouterClient *client, KeyListController *keys, JobQueue *jobs, QObject *parent)
    : QObject(parent), m_store(store), m_client(client), m_keys(keys), m_jobs(jobs)
{
    connect(m_keys, &KeyListController::refreshFinished, this, [this](const ApiError &error) {
        if (!error.isError())
            syncIfDue();
    });
}

QDateTime ActivitySync::lastSync() const
{
    // Unreadable counts as never: a sync then runs, and says so if the database is at fault.
    return SyncService::lastActivitySync(*m_store).valueOr(QDateTime());
}

void ActivitySync::syncIfDue()
{
    const QDateTime last = lastSync();
    if (!last.isValid() || last.secsTo(m_clock()) >= m_intervalSeconds)
        syncNow();
}

void ActivitySync::syncNow()
{
    // Without a management key (a read-only lead) there is nothing to read: the database is
    // filled by an admin's dashboard or `orteam-cli sync`.
    if (m_running || !m_client->hasManagementKey())
        return;
    m_running = true;
    Q_EMIT started();
    const QDateTime at = m_clock().toUTC();
    auto service = std::make_shared<SyncService>(*m_store, *m_client);
    service->setActivityRoute(m_route);
    service->setToday(at.date());
    service->fetch(
        m_keys->model()->keys(), true, this, [this](int done, int total) { Q_EMIT progress(done, total); },
        [this, service, at](const SyncService::Fetched &fetched, const FlowError &error) {
            if (error) {
                m_running = false;
                Q_EMIT finished(false, tr("Activity sync failed, nothing was saved: %1").arg(error.message()));
                return;
            }
            // The job captures values only: it runs on the worker and may outlive this object.
            m_jobs->run<Written>(
                this,
                [fetched, at](Store &store) { return Written{SyncService::write(store, fetched, at)}; },
                [this](const Written &w) {
                    m_running = false;
                    if (!w.summary)
                        return Q_EMIT finished(false, tr("Could not save the activity, nothing was changed: %1").arg(w.summary.errorText()));
                    Q_EMIT finished(true, tr("Activity synced: %n key(s), %1 day-model rows for the account.", nullptr, w.summary->activityKeys)
                                              .arg(w.summary->activityRows));
                });
        });
}

} // namespace orteam
