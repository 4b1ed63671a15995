#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "StoreResult.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace orteam {

class Database;

// What was spent, as it arrives: key counters (one snapshot per key and UTC day), GET /activity
// per day and model (account-wide and per key), and usage rows (the seed's user_usage, written by
// orteam-gateway). Each write is one transaction; writing the same data twice changes nothing.
class UsageRepository
{
public:
    explicit UsageRepository(Database &db) : m_db(db) {}

    Status recordKeySnapshots(const QList<ApiKey> &keys, const QDateTime &takenAt);
    // One sync: the key counters and (when given) the account's and keys' activity, together.
    Status recordSync(const QList<ApiKey> &keys, const std::optional<QList<ActivityItem>> &activity,
                      const QDateTime &takenAt, const QHash<QString, QList<ActivityItem>> &keyActivity = {});
    Status recordActivity(const ActivityData &activity);
    Result<int> snapshotCount(const QDate &day) const; // key snapshots held for a UTC day

    // The seed's record_user_usage: adds to the member's day (Invalid: negative or not finite).
    Status recordUsage(const QString &user, const QDate &day, double cost, qint64 requests);
    // Many members' usage for one day in one transaction (the gateway's periodic flush).
    Status recordUsageBatch(const QDate &day, const QHash<QString, std::pair<double, qint64>> &usage);

private:
    Status writeActivity(const QList<ActivityItem> &activity);
    Status writeKeyActivity(const QHash<QString, QList<ActivityItem>> &perKey);
    Database &m_db;
};

} // namespace orteam
