#include "ActivitySync.h"

#include "ActivityFetcher.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "OpenRouterClient.h"
#include "Store.h"
#include "TeamController.h"

#include <QPointer>
#include <QThread>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
const QString LastSyncSetting = u"activity_synced_at"_s;
}

ActivitySync::ActivitySync(Store *store, OpenRouterClient *client, KeyListController *keys, TeamController *team, QObject *parent)
    : QObject(parent), m_store(store), m_client(client), m_keys(keys), m_team(team)
{
    connect(m_keys, &KeyListController::refreshFinished, this, [this](const ApiError &error) {
        if (!error.isError())
            syncIfDue();
    });
}

ActivitySync::~ActivitySync()
{
    if (m_writer) {
        m_writer->wait();
        delete m_writer;
    }
}

QDateTime ActivitySync::lastSync() const
{
    return QDateTime::fromString(m_store->setting(LastSyncSetting), Qt::ISODate);
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
    const QStringList keys = keysForActivity(m_keys->model()->keys(), m_team->keyOwners());
    Q_EMIT progress(0, int(keys.size()));
    fetchActivity(
        m_client, keys, this, [this](int done, int total) { Q_EMIT progress(done, total); },
        [this](const ApiResult<ActivityData> &r) {
            if (!r.ok()) {
                m_running = false;
                Q_EMIT finished(false, tr("Activity sync failed, nothing was saved: %1").arg(r.error.message()));
                return;
            }
            write(r.value);
        });
}

void ActivitySync::write(const ActivityData &data)
{
    const DbLocation location = m_store->location();
    const QDateTime at = m_clock().toUTC();
    auto finish = [this, data, at](const QString &error) {
        m_running = false;
        if (!error.isEmpty())
            return Q_EMIT finished(false, tr("Could not save the activity, nothing was changed: %1").arg(error));
        QString e;
        m_store->setSetting(LastSyncSetting, at.toString(Qt::ISODate), &e);
        Q_EMIT finished(true, tr("Activity synced: %n key(s), %1 day-model rows for the account.", nullptr, int(data.perKey.size()))
                                  .arg(data.account.size()));
    };
    // An in-memory database exists on its own connection only: then it is written here.
    if (location.kind == DbLocation::Kind::Sqlite && location.path.startsWith(u':')) {
        QString error;
        m_store->recordActivity(data, &error);
        return finish(error);
    }
    auto error = std::make_shared<QString>();
    QThread *thread = QThread::create([location, data, error] {
        Store store;
        if (store.open(location, error.get()))
            store.recordActivity(data, error.get());
        store.close();
    });
    thread->setObjectName(u"activitySyncWriter"_s);
    m_writer = thread;
    connect(thread, &QThread::finished, this, [this, finish, error, thread] {
        m_writer = nullptr;
        thread->deleteLater();
        finish(*error);
    });
    thread->start();
}

} // namespace orteam
