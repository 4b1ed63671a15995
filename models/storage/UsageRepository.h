#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "StoreResult.h"
#include "Team.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

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
    // `userActivity`: OpenRouter user id → the person's days, kept per user and day.
    Status recordSync(const QList<ApiKey> &keys, const std::optional<QList<ActivityItem>> &activity,
                      const QDateTime &takenAt, const QHash<QString, QList<ActivityItem>> &keyActivity = {},
                      const QHash<QString, QList<ActivityItem>> &userActivity = {});
    Status recordActivity(const ActivityData &activity);
    Result<int> snapshotCount(const QDate &day) const; // key snapshots held for a UTC day

    // The seed's record_user_usage: adds to the member's day (Invalid: negative or not finite).
    Status recordUsage(const QString &user, const QDate &day, double cost, qint64 requests);
    // Many members' usage for one day in one transaction (the gateway's periodic flush).
    Status recordUsageBatch(const QDate &day, const QHash<QString, std::pair<double, qint64>> &usage);

    // orteam-gateway with a budget shared by several gateways: admits one request of `member` when,
    // in one transaction under the member's lock, their usage for `day` in the database is under
    // `budget` (none: no limit; its period so far, from the period's first day to `day`) and fewer than `maxInFlight` of their requests hold a reservation
    // (reservations older than `staleBefore` are from a gateway that died: dropped). Admitted: a
    // reservation `id` is kept until releaseReservations, which the gateway runs in the same
    // transaction that writes the request's usage.
    struct Admission
    {
        enum class Outcome { Admitted, OverBudget, TooManyInFlight };
        Outcome outcome = Outcome::Admitted;
        double spent = 0;
        int inFlight = 0;
    };
    Result<Admission> reserve(const QString &id, const QString &member, const QDate &day, std::optional<Budget> budget,
                              int maxInFlight, const QDateTime &now, const QDateTime &staleBefore);
    Status releaseReservations(const QStringList &ids);

private:
    Status writeActivity(const QList<ActivityItem> &activity);
    Status writeProviderActivity(const QList<ActivityItem> &activity, const QSet<QString> &days);
    Status writeKeyActivity(const QHash<QString, QList<ActivityItem>> &perKey);
    Status writeUserActivity(const QHash<QString, QList<ActivityItem>> &perUser);
    Database &m_db;
};

} // namespace orteam
