#include "UsageRepository.h"

#include "Database.h"
#include "Schema.h"
#include "Sql.h"
#include "Team.h"

#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// OpenRouter reports a day per model endpoint and provider; we keep a day per model.
struct DayModelSum
{
    double usage = 0;
    qint64 requests = 0, prompt = 0, completion = 0;
};
using DayModelSums = QMap<std::pair<QString, QString>, DayModelSum>; // (day, model) → sums

DayModelSums sumByDayAndModel(const QList<ActivityItem> &items, QSet<QString> *days)
{
    DayModelSums sums;
    for (const ActivityItem &a : items) {
        if (!a.date.isValid())
            continue;
        const QString day = a.date.toString(Qt::ISODate);
        days->insert(day);
        DayModelSum &sum = sums[{day, a.model}];
        sum.usage += a.usage;
        sum.requests += a.requests;
        sum.prompt += a.promptTokens;
        sum.completion += a.completionTokens;
    }
    return sums;
}

// The seed's record_user_usage as one statement: adds to the member's day, so two processes (the
// gateway, the seed's scripts) recording at once lose nothing.
Sql addUsage(const Database &db)
{
    return Sql(db, u"INSERT INTO user_usage (user_id, date, total_cost, request_count) VALUES (:user, :day, :cost, :requests) "
                   "ON CONFLICT (user_id, date) DO UPDATE SET total_cost = user_usage.total_cost + excluded.total_cost, "
                   "request_count = user_usage.request_count + excluded.request_count"_s,
               u"Cannot record the usage"_s);
}
} // namespace

Status UsageRepository::writeActivity(const QList<ActivityItem> &activity)
{
    // The days OpenRouter reports replace what we had for them (a day still running grows), and
    // days it no longer reports (older than its 30-day window) are left as they are: that is our
    // history.
    QSet<QString> days;
    const DayModelSums sums = sumByDayAndModel(activity, &days);
    Sql clear(m_db, u"DELETE FROM model_activity WHERE day = :day"_s, u"Cannot record the activity"_s);
    for (const QString &day : std::as_const(days)) {
        if (Status s = clear.bind(u":day"_s, day).exec(); !s)
            return s;
    }
    Sql q(m_db, u"INSERT INTO model_activity (day, model, usage, requests, prompt_tokens, completion_tokens) "
                "VALUES (:day, :model, :usage, :requests, :prompt, :completion)"_s,
          u"Cannot record the activity"_s);
    for (auto [dayModel, sum] : sums.asKeyValueRange()) {
        q.bind(u":day"_s, dayModel.first)
            .bind(u":model"_s, sqlvalue::text(dayModel.second))
            .bind(u":usage"_s, sum.usage)
            .bind(u":requests"_s, sum.requests)
            .bind(u":prompt"_s, sum.prompt)
            .bind(u":completion"_s, sum.completion);
        if (Status s = q.exec(); !s)
            return s;
    }
    return writeProviderActivity(activity, days);
}

Status UsageRepository::writeProviderActivity(const QList<ActivityItem> &activity, const QSet<QString> &days)
{
    // The same days as model_activity's, per provider and model: a provider's endpoints summed.
    QMap<std::tuple<QString, QString, QString>, DayModelSum> sums; // (day, provider, model) → sums
    for (const ActivityItem &a : activity) {
        if (!a.date.isValid())
            continue;
        DayModelSum &sum = sums[{a.date.toString(Qt::ISODate), a.providerName, a.model}];
        sum.usage += a.usage;
        sum.requests += a.requests;
    }
    Sql clear(m_db, u"DELETE FROM provider_activity WHERE day = :day"_s, u"Cannot record the activity per provider"_s);
    for (const QString &day : days) {
        if (Status s = clear.bind(u":day"_s, day).exec(); !s)
            return s;
    }
    Sql q(m_db, u"INSERT INTO provider_activity (day, provider, model, usage, requests) "
                "VALUES (:day, :provider, :model, :usage, :requests)"_s,
          u"Cannot record the activity per provider"_s);
    for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
        q.bind(u":day"_s, std::get<0>(it.key()))
            .bind(u":provider"_s, sqlvalue::text(std::get<1>(it.key())))
            .bind(u":model"_s, sqlvalue::text(std::get<2>(it.key())))
            .bind(u":usage"_s, it->usage)
            .bind(u":requests"_s, it->requests);
        if (Status s = q.exec(); !s)
            return s;
    }
    return {};
}

Status UsageRepository::writeKeyActivity(const QHash<QString, QList<ActivityItem>> &perKey)
{
    // Per key, the same rule as the account's: the days OpenRouter reports replace ours, older
    // days stay.
    Sql clear(m_db, u"DELETE FROM key_activity WHERE key_hash = :key AND day = :day"_s, u"Cannot record the keys' activity"_s);
    Sql q(m_db, u"INSERT INTO key_activity (key_hash, day, model, usage, requests) VALUES (:key, :day, :model, :usage, :requests)"_s,
          u"Cannot record the keys' activity"_s);
    Sql use(m_db, u"INSERT INTO key_use (key_hash, activity_day) VALUES (:key, :day) ON CONFLICT (key_hash) DO UPDATE SET "
                  "activity_day = CASE WHEN key_use.activity_day IS NULL OR excluded.activity_day > key_use.activity_day "
                  "THEN excluded.activity_day ELSE key_use.activity_day END"_s,
            u"Cannot record the keys' activity"_s);
    // A linked key's activity is part of its member's spend (SpendRows: each day the larger of
    // its snapshot and its activity), and no trigger follows key_activity (see Schema.cpp): what a
    // rewritten day changes is added to the rollups here, as a trigger would, and only then.
    Sql owner(m_db, u"SELECT member_name FROM member_keys WHERE key_hash = :key"_s, u"Cannot record the keys' activity"_s);
    Sql before(m_db, u"SELECT day, SUM(usage) FROM key_activity WHERE key_hash = :key AND day >= :from AND day <= :to GROUP BY day"_s,
               u"Cannot record the keys' activity"_s);
    Sql snapshots(m_db, u"SELECT day, usage_daily FROM key_snapshots WHERE key_hash = :key AND day >= :from AND day <= :to"_s,
                  u"Cannot record the keys' activity"_s);
    const QStringList rollupSql = Schema::rollupAddSql();
    Sql addDay(m_db, rollupSql.at(0), u"Cannot record the keys' activity"_s);
    Sql addMonth(m_db, rollupSql.at(1), u"Cannot record the keys' activity"_s);
    const auto dayTotals = [](Sql &read, QHash<QString, double> *out) -> Status {
        if (Status s = read.exec(); !s)
            return s;
        while (read.next())
            (*out)[read.value(0).toString()] += read.value(1).toDouble();
        return read.finished();
    };
    for (auto [hash, items] : perKey.asKeyValueRange()) {
        QSet<QString> days;
        const DayModelSums sums = sumByDayAndModel(items, &days);
        if (days.isEmpty())
            continue;
        if (Status s = owner.bind(u":key"_s, hash).exec(); !s)
            return s;
        const Result<bool> isLinked = owner.fetch();
        if (!isLinked)
            return isLinked.error();
        const QString member = *isLinked ? owner.value(0).toString() : QString();
        QHash<QString, double> old, snapshot;
        if (!member.isEmpty()) {
            const auto [lo, hi] = std::minmax_element(days.cbegin(), days.cend());
            for (Sql *read : {&before, &snapshots})
                read->bind(u":key"_s, hash).bind(u":from"_s, *lo).bind(u":to"_s, *hi);
            if (Status s = dayTotals(before, &old); !s)
                return s;
            if (Status s = dayTotals(snapshots, &snapshot); !s)
                return s;
        }
        for (const QString &day : std::as_const(days)) {
            if (Status s = clear.bind(u":key"_s, hash).bind(u":day"_s, day).exec(); !s)
                return s;
        }
        QString usedDay; // the latest day with requests or spend: key_use's activity_day
        QHash<QString, double> now; // the day's new activity, over its models
        for (auto [dayModel, sum] : sums.asKeyValueRange()) {
            if ((sum.requests > 0 || sum.usage > 0) && dayModel.first > usedDay)
                usedDay = dayModel.first;
            now[dayModel.first] += sum.usage;
            q.bind(u":key"_s, hash)
                .bind(u":day"_s, dayModel.first)
                .bind(u":model"_s, sqlvalue::text(dayModel.second))
                .bind(u":usage"_s, sum.usage)
                .bind(u":requests"_s, sum.requests);
            if (Status s = q.exec(); !s)
                return s;
        }
        if (!usedDay.isEmpty()) {
            if (Status s = use.bind(u":key"_s, hash).bind(u":day"_s, usedDay).exec(); !s)
                return s;
        }
        if (member.isEmpty())
            continue;
        for (const QString &day : std::as_const(days)) {
            const double s = snapshot.value(day);
            const double change = std::max(s, now.value(day)) - std::max(s, old.value(day));
            if (change == 0)
                continue; // a day synced again as it was: nothing to add
            addDay.bind(u":day"_s, day).bind(u":cost"_s, change);
            addMonth.bind(u":member"_s, member).bind(u":month"_s, day.left(7)).bind(u":cost"_s, change);
            for (Sql *add : {&addDay, &addMonth}) {
                if (Status st = add->exec(); !st)
                    return st;
            }
        }
    }
    return {};
}

Status UsageRepository::writeUserActivity(const QHash<QString, QList<ActivityItem>> &perUser)
{
    // Per person, the keys' rule: the days OpenRouter reports replace ours, older days stay. A day
    // is kept whole (its models summed): analytics reports a person per day only.
    Sql clear(m_db, u"DELETE FROM user_activity WHERE user_id = :user AND day = :day"_s, u"Cannot record the members' activity"_s);
    Sql q(m_db, u"INSERT INTO user_activity (user_id, day, usage, requests) VALUES (:user, :day, :usage, :requests)"_s,
          u"Cannot record the members' activity"_s);
    for (auto it = perUser.cbegin(); it != perUser.cend(); ++it) {
        QMap<QString, DayModelSum> days;
        for (const ActivityItem &a : it.value()) {
            if (!a.date.isValid())
                continue;
            DayModelSum &sum = days[a.date.toString(Qt::ISODate)];
            sum.usage += a.usage;
            sum.requests += a.requests;
        }
        for (auto day = days.cbegin(); day != days.cend(); ++day) {
            if (Status s = clear.bind(u":user"_s, it.key()).bind(u":day"_s, day.key()).exec(); !s)
                return s;
            q.bind(u":user"_s, it.key()).bind(u":day"_s, day.key()).bind(u":usage"_s, day->usage).bind(u":requests"_s, day->requests);
            if (Status s = q.exec(); !s)
                return s;
        }
    }
    return {};
}

Status UsageRepository::recordKeySnapshots(const QList<ApiKey> &keys, const QDateTime &takenAt)
{
    return recordSync(keys, std::nullopt, takenAt);
}

Status UsageRepository::recordActivity(const ActivityData &activity)
{
    return m_db.transaction([&]() -> Status {
        if (Status s = writeActivity(activity.account); !s)
            return s;
        if (Status s = writeKeyActivity(activity.perKey); !s)
            return s;
        return writeUserActivity(activity.perUser);
    });
}

Status UsageRepository::recordSync(const QList<ApiKey> &keys, const std::optional<QList<ActivityItem>> &activity,
                                   const QDateTime &takenAt, const QHash<QString, QList<ActivityItem>> &keyActivity,
                                   const QHash<QString, QList<ActivityItem>> &userActivity)
{
    // One transaction, so a sync killed half-way leaves the database as it was. Syncing the same
    // data twice changes nothing.
    return m_db.transaction([&]() -> Status {
        if (activity) {
            if (Status s = writeActivity(*activity); !s)
                return s;
        }
        if (Status s = writeKeyActivity(keyActivity); !s)
            return s;
        if (Status s = writeUserActivity(userActivity); !s)
            return s;
        const QDateTime at = takenAt.toUTC();
        // The last counters seen on a UTC day win: usage_daily only grows within a day.
        Sql q(m_db,
              u"INSERT INTO key_snapshots (key_hash, day, taken_at, usage, usage_daily, usage_weekly, usage_monthly, workspace_id) "
              "VALUES (:key, :day, :at, :usage, :daily, :weekly, :monthly, :ws) ON CONFLICT (key_hash, day) DO UPDATE SET "
              "taken_at = excluded.taken_at, usage = excluded.usage, usage_daily = excluded.usage_daily, "
              "usage_weekly = excluded.usage_weekly, usage_monthly = excluded.usage_monthly, "
              "workspace_id = COALESCE(excluded.workspace_id, key_snapshots.workspace_id)"_s,
              u"Cannot record the keys' usage"_s);
        const QString day = at.date().toString(Qt::ISODate);
        q.bind(u":day"_s, day).bind(u":at"_s, at.toString(Qt::ISODate));
        // key_use (see LifecycleRepository) in step with the snapshots: the first and latest
        // snapshot's lifetime spend (credits and BYOK), and the latest use one showed: its day when
        // a daily counter is above zero, else, when the lifetime spend rose since the snapshot
        // before, the span from that snapshot's day to the day before this one (used_from..used_day;
        // used_from NULL: an exact day). SET sees the row as it was.
        const QString rose = u"excluded.last_day > key_use.last_day AND excluded.last_usage > key_use.last_usage"_s;
        Sql use(m_db,
                u"INSERT INTO key_use (key_hash, first_day, first_usage, last_day, last_usage, used_day) "
                "VALUES (:key, :day, :usage, :day2, :usage2, :used) ON CONFLICT (key_hash) DO UPDATE SET "
                "used_day = CASE WHEN excluded.used_day IS NOT NULL THEN CASE WHEN key_use.used_day IS NULL "
                "OR excluded.used_day > key_use.used_day THEN excluded.used_day ELSE key_use.used_day END "
                "WHEN %1 THEN CASE WHEN key_use.used_day IS NULL OR CAST(:before AS TEXT) > key_use.used_day "
                "THEN CAST(:before2 AS TEXT) ELSE key_use.used_day END ELSE key_use.used_day END, "
                "used_from = CASE WHEN excluded.used_day IS NOT NULL THEN CASE WHEN key_use.used_day IS NULL "
                "OR excluded.used_day >= key_use.used_day THEN NULL ELSE key_use.used_from END "
                "WHEN %1 THEN CASE WHEN key_use.used_day IS NULL OR CAST(:before3 AS TEXT) > key_use.used_day "
                "THEN key_use.last_day ELSE key_use.used_from END ELSE key_use.used_from END, "
                "first_usage = CASE WHEN key_use.first_day IS NULL OR excluded.first_day <= key_use.first_day "
                "THEN excluded.first_usage ELSE key_use.first_usage END, "
                "first_day = CASE WHEN key_use.first_day IS NULL OR excluded.first_day < key_use.first_day "
                "THEN excluded.first_day ELSE key_use.first_day END, "
                "last_usage = CASE WHEN key_use.last_day IS NULL OR excluded.last_day >= key_use.last_day "
                "THEN excluded.last_usage ELSE key_use.last_usage END, "
                "last_day = CASE WHEN key_use.last_day IS NULL OR excluded.last_day >= key_use.last_day "
                "THEN excluded.last_day ELSE key_use.last_day END"_s.arg(rose),
                u"Cannot record the keys' usage"_s);
        const QString dayBefore = at.date().addDays(-1).toString(Qt::ISODate);
        use.bind(u":day"_s, day).bind(u":day2"_s, day).bind(u":before"_s, dayBefore).bind(u":before2"_s, dayBefore).bind(u":before3"_s, dayBefore);
        const QVariant noDay(QMetaType::fromType<QString>());
        // Each key's workspace as the listing says now, for the snapshots taken before version 11
        // kept it (theirs follow the key); a key listed without one keeps the last.
        Sql workspace(m_db, u"INSERT INTO key_workspaces (key_hash, workspace_id) VALUES (:key, :ws) "
                            "ON CONFLICT (key_hash) DO UPDATE SET workspace_id = excluded.workspace_id"_s,
                      u"Cannot record the keys' workspaces"_s);
        for (const ApiKey &k : keys) {
            if (!k.workspaceId.isEmpty()) {
                if (Status s = workspace.bind(u":key"_s, k.hash).bind(u":ws"_s, k.workspaceId).exec(); !s)
                    return s;
            }
            q.bind(u":key"_s, k.hash)
                .bind(u":ws"_s, k.workspaceId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(k.workspaceId))
                .bind(u":usage"_s, k.usage)
                .bind(u":daily"_s, k.usageDaily)
                .bind(u":weekly"_s, k.usageWeekly)
                .bind(u":monthly"_s, k.usageMonthly);
            if (Status s = q.exec(); !s)
                return s;
            const double lifetime = k.usage + k.byokUsage;
            use.bind(u":key"_s, k.hash)
                .bind(u":usage"_s, lifetime)
                .bind(u":usage2"_s, lifetime)
                .bind(u":used"_s, k.usageDaily > 0 || k.byokUsageDaily > 0 ? QVariant(day) : noDay);
            if (Status s = use.exec(); !s)
                return s;
        }
        return {};
    });
}

Result<int> UsageRepository::snapshotCount(const QDate &day) const
{
    Sql q(m_db, u"SELECT COUNT(*) FROM key_snapshots WHERE day = :day"_s, u"Cannot count the key snapshots"_s);
    if (Status s = q.bind(u":day"_s, day.toString(Qt::ISODate)).exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row ? q.value(0).toInt() : 0;
}

Status UsageRepository::recordUsage(const QString &user, const QDate &day, double cost, qint64 requests)
{
    if (!std::isfinite(cost) || cost < 0 || requests < 0)
        return StoreError::invalid(u"Usage must be a finite, non-negative amount."_s);
    return addUsage(m_db)
        .bind(u":user"_s, user)
        .bind(u":day"_s, day.toString(Qt::ISODate))
        .bind(u":cost"_s, cost)
        .bind(u":requests"_s, requests)
        .exec();
}

Status UsageRepository::recordUsageBatch(const QDate &day, const QHash<QString, std::pair<double, qint64>> &usage)
{
    // The same rule as recordUsage: an upstream that reports a negative or infinite cost must not
    // lower anyone's spend (and so lift their budget). Checked before anything is written.
    for (auto [user, amount] : usage.asKeyValueRange()) {
        if (!std::isfinite(amount.first) || amount.first < 0 || amount.second < 0)
            return StoreError::invalid(u"Usage must be a finite, non-negative amount (%1: %2)."_s.arg(user).arg(amount.first));
    }
    return m_db.transaction([&]() -> Status {
        Sql q = addUsage(m_db);
        q.bind(u":day"_s, day.toString(Qt::ISODate));
        for (auto [user, amount] : usage.asKeyValueRange()) {
            if (Status s = q.bind(u":user"_s, user).bind(u":cost"_s, amount.first).bind(u":requests"_s, amount.second).exec(); !s)
                return s;
        }
        return {};
    });
}

Result<UsageRepository::Admission> UsageRepository::reserve(const QString &id, const QString &member, const QDate &day,
                                                           std::optional<Budget> budget, int maxInFlight, const QDateTime &now,
                                                           const QDateTime &staleBefore)
{
    const std::optional<double> limit = budget ? std::optional(budget->usd) : std::nullopt;
    const QDate from = budgetPeriodStart(budget ? budget->period : LimitReset::Daily, day);
    Admission a;
    const Status done = m_db.transaction([&]() -> Status {
        if (Status s = m_db.lockKey(u"gateway budget "_s + member); !s)
            return s;
        if (Status s = Sql(m_db, u"DELETE FROM gateway_reservations WHERE member_name = :member AND reserved_at < :stale"_s,
                           u"Cannot drop stale gateway reservations"_s)
                           .bind(u":member"_s, member).bind(u":stale"_s, staleBefore.toUTC().toString(Qt::ISODateWithMs)).exec();
            !s)
            return s;
        Sql count(m_db, u"SELECT COUNT(*) FROM gateway_reservations WHERE member_name = :member"_s,
                  u"Cannot count the requests of %1 in flight"_s.arg(member));
        if (Status s = count.bind(u":member"_s, member).exec(); !s)
            return s;
        const Result<bool> counted = count.fetch();
        if (!counted)
            return counted.error();
        a.inFlight = *counted ? count.value(0).toInt() : 0;
        // The budget's period so far: a day's row, or up to a month's (the primary key's range).
        Sql spent(m_db, u"SELECT SUM(total_cost) FROM user_usage WHERE user_id = :user AND date >= :from AND date <= :day"_s,
                  u"Cannot read the usage of %1"_s.arg(member));
        if (Status s = spent.bind(u":user"_s, member).bind(u":from"_s, from.toString(Qt::ISODate)).bind(u":day"_s, day.toString(Qt::ISODate)).exec(); !s)
            return s;
        const Result<bool> row = spent.fetch();
        if (!row)
            return row.error();
        a.spent = *row && !spent.value(0).isNull() ? spent.value(0).toDouble() : 0.0;
        if (!withinBudget(a.spent, limit)) {
            a.outcome = Admission::Outcome::OverBudget;
            return {};
        }
        if (a.inFlight >= maxInFlight) {
            a.outcome = Admission::Outcome::TooManyInFlight;
            return {};
        }
        return Sql(m_db, u"INSERT INTO gateway_reservations (id, member_name, reserved_at) VALUES (:id, :member, :at)"_s,
                   u"Cannot reserve a request for %1"_s.arg(member))
            .bind(u":id"_s, id).bind(u":member"_s, member).bind(u":at"_s, now.toUTC().toString(Qt::ISODateWithMs)).exec();
    });
    if (!done)
        return done.error();
    return a;
}

Status UsageRepository::releaseReservations(const QStringList &ids)
{
    if (ids.isEmpty())
        return {};
    return m_db.transaction([&]() -> Status {
        Sql q(m_db, u"DELETE FROM gateway_reservations WHERE id = :id"_s, u"Cannot release gateway reservations"_s);
        for (const QString &id : ids) {
            if (Status s = q.bind(u":id"_s, id).exec(); !s)
                return s;
        }
        return {};
    });
}

} // namespace orteam
