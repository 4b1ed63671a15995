#include "SyncService.h"

#include "AccountKeys.h"
#include "ActivityFetcher.h"
#include "OpenRouterClient.h"

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

void SyncService::fetch(const std::optional<QList<ApiKey>> &keys, bool withActivity, QObject *context,
                        std::function<void(int, int)> progress, std::function<void(const Fetched &, const FlowError &)> done)
{
    auto withKeys = [this, withActivity, context, progress, done](const QList<ApiKey> &liveKeys) {
        Fetched fetched;
        fetched.keys = liveKeys;
        if (!withActivity) {
            done(fetched, FlowError{});
            return;
        }
        const QStringList asked = keysForActivity(liveKeys);
        // Members linked to an OpenRouter user: their spend as a person, across every key.
        const auto members = m_store.team().members();
        if (!members) {
            done({}, FlowError::database(members.error()));
            return;
        }
        QStringList users;
        for (const Member &m : *members) {
            if (m.isLinked())
                users << m.userId;
        }
        OpenRouterClient *client = &m_client;
        auto answer = [done, fetched, client, context](const ApiResult<ActivityData> &r) {
            if (!r.ok()) {
                done({}, FlowError::server(r.error, u"cannot read the activity"_s));
                return;
            }
            Fetched complete = fetched;
            complete.activity = r.value;
            // The workspaces' names label the keys' spend by department. They are names, not
            // money: a failed read keeps the names known before and fails nothing.
            client->listWorkspaces(context, [done, complete](const ApiResult<QList<Workspace>> &w) {
                Fetched named = complete;
                if (w.ok())
                    named.workspaces = w.value;
                else
                    qCWarning(lcApi).noquote() << "the workspaces' names were not read:" << w.error.message();
                done(named, FlowError{});
            });
        };
        auto perKey = [client, asked, users, context, progress, answer] {
            fetchActivity(client, asked, users, context, progress, answer);
        };
        if (m_route->analyticsRefused)
            return perKey();
        const QDate today = m_today.isValid() ? m_today : QDateTime::currentDateTimeUtc().date();
        fetchActivityByAnalytics(client, asked, users, today, context,
                                 [route = m_route, asked, progress, perKey, answer](const ApiResult<ActivityData> &r) {
                                     const bool refused = !r.ok() && r.error.kind == ApiError::Kind::Http
                                         && (r.error.httpStatus == 403 || r.error.httpStatus == 404);
                                     if (refused) {
                                         // Any other failure fails the sync as /activity's would.
                                         route->analyticsRefused = true;
                                         return perKey();
                                     }
                                     if (r.ok() && progress)
                                         progress(int(asked.size()), int(asked.size()));
                                     answer(r);
                                 });
    };
    withAccountKeys(m_client, keys, context, withKeys, [done](const FlowError &e) { done({}, e); });
}

namespace {
const QString LastActivitySyncSetting = u"activity_synced_at"_s;
} // namespace

Result<QDateTime> SyncService::lastActivitySync(const Store &store)
{
    const Result<QString> at = store.governance().setting(LastActivitySyncSetting);
    if (!at)
        return at.error();
    return QDateTime::fromString(*at, Qt::ISODate);
}

Result<SyncService::Summary> SyncService::write(Store &store, const Fetched &fetched, const QDateTime &takenAt)
{
    const Status s = store.transaction([&]() -> Status {
        if (Status w = store.usage().recordSync(fetched.keys,
                                                fetched.activity ? std::optional(fetched.activity->account) : std::nullopt,
                                                takenAt,
                                                fetched.activity ? fetched.activity->perKey : QHash<QString, QList<ActivityItem>>(),
                                                fetched.activity ? fetched.activity->perUser : QHash<QString, QList<ActivityItem>>());
            !w)
            return w;
        if (fetched.workspaces) {
            if (Status w = store.workspaces().saveWorkspaces(*fetched.workspaces); !w)
                return w;
        }
        if (!fetched.activity)
            return {};
        return store.governance().setSetting(LastActivitySyncSetting, takenAt.toUTC().toString(Qt::ISODate));
    });
    if (!s)
        return StoreError{s.error().kind, u"cannot write the sync to %1: %2 (nothing was changed)"_s.arg(store.location().display(),
                                                                                                      s.errorText())};
    Summary summary;
    summary.keys = int(fetched.keys.size());
    summary.withActivity = fetched.activity.has_value();
    if (fetched.activity) {
        summary.activityRows = int(fetched.activity->account.size());
        summary.activityKeys = int(fetched.activity->perKey.size());
    }
    return summary;
}

void SyncService::sync(bool withActivity, const QDateTime &takenAt, QObject *context, std::function<void(int, int)> progress,
                       std::function<void(const Summary &, const FlowError &)> done)
{
    setToday(takenAt.toUTC().date());
    fetch(std::nullopt, withActivity, context, std::move(progress), [this, takenAt, done](const Fetched &f, const FlowError &e) {
        if (e) {
            done({}, e);
            return;
        }
        const Result<Summary> written = write(m_store, f, takenAt);
        if (!written) {
            done({}, FlowError::database(written.error()));
            return;
        }
        done(*written, FlowError{});
    });
}

} // namespace orteam
