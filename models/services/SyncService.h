#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "FlowError.h"
#include "Store.h"
#include "Workspace.h"

#include <QDateTime>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace orteam {

class OpenRouterClient;

// Copies OpenRouter into the team database: the keys' counters and GET /activity (the account's
// days per model and each used key's, linked or not). Everything is read first and written in one
// transaction, so a sync that fails (or is killed) leaves the database as it was; syncing twice
// changes nothing.
class SyncService
{
public:
    SyncService(Store &store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    // Which way a session reads the activity. POST /analytics/query first (a few calls whatever the
    // number of keys); once OpenRouter answered it 403 (not for this account) or 404 (not on this
    // server), GET /activity per key for the rest of the session, without asking again each sync.
    // One dashboard's syncs share one route; a process of orteam-cli has its own.
    struct ActivityRoute
    {
        bool analyticsRefused = false;
    };
    void setActivityRoute(std::shared_ptr<ActivityRoute> route) { m_route = std::move(route); }
    // The UTC day the activity window ends before (both ways read the 30 days before it); by
    // default the clock's. sync() sets it from its takenAt.
    void setToday(const QDate &today) { m_today = today; }

    struct Fetched
    {
        QList<ApiKey> keys;
        std::optional<ActivityData> activity;
        // With the activity: the workspaces' names, for the chargeback (nullopt: not read; the
        // names kept from before stay).
        std::optional<QList<Workspace>> workspaces;
    };
    struct Summary
    {
        int keys = 0;
        int activityRows = 0;
        int activityKeys = 0;
        bool withActivity = false;
    };

    // Reads: the keys (unless given) and, with `withActivity`, the activity of the account and of
    // every used key. `progress` hears how many keys' activity is read so far.
    void fetch(const std::optional<QList<ApiKey>> &keys, bool withActivity, QObject *context,
               std::function<void(int done, int total)> progress,
               std::function<void(const Fetched &fetched, const FlowError &error)> done);
    // Writes what was fetched (one transaction), and with activity, when it was synced (every
    // dashboard and a cron `orteam-cli sync` share one schedule). Safe on a worker with its own Store.
    static Result<Summary> write(Store &store, const Fetched &fetched, const QDateTime &takenAt);
    // When the activity was last synced, by anyone (invalid: never).
    static Result<QDateTime> lastActivitySync(const Store &store);

    // Both, for orteam-cli sync.
    void sync(bool withActivity, const QDateTime &takenAt, QObject *context, std::function<void(int, int)> progress,
              std::function<void(const Summary &summary, const FlowError &error)> done);

private:
    Store &m_store;
    OpenRouterClient &m_client;
    std::shared_ptr<ActivityRoute> m_route = std::make_shared<ActivityRoute>();
    QDate m_today;
};

} // namespace orteam
