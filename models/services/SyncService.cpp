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
        // Which keys to ask about needs the links: a failed read stops here (asking about no key
        // at all would quietly drop every member's requests and models).
        const auto owners = m_store.team().keyOwners();
        if (!owners) {
            done({}, FlowError::database(owners.error()));
            return;
        }
        fetchActivity(&m_client, keysForActivity(liveKeys, *owners), context, progress,
                      [done, fetched](const ApiResult<ActivityData> &r) mutable {
                          if (!r.ok()) {
                              done({}, FlowError::server(r.error, u"cannot read the activity"_s));
                              return;
                          }
                          fetched.activity = r.value;
                          done(fetched, FlowError{});
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
                                                fetched.activity ? fetched.activity->perKey : QHash<QString, QList<ActivityItem>>());
            !w)
            return w;
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
        summary.memberKeys = int(fetched.activity->perKey.size());
    }
    return summary;
}

void SyncService::sync(bool withActivity, const QDateTime &takenAt, QObject *context, std::function<void(int, int)> progress,
                       std::function<void(const Summary &, const FlowError &)> done)
{
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
