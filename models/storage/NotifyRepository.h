#pragma once

#include "Alerts.h"
#include "Notify.h"
#include "StoreResult.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace orteam {

class Database;

// Notifications as the team database keeps them: the destinations (without their secrets), the
// team's alert settings, and the outbox. The outbox is the one place that decides "sent once":
// a message is unique per destination and key, a sender claims a row with a conditional update
// (so two dashboards and a cron run never send the same row), and the claim is committed before
// the send, so a sender that dies mid-send leaves a row that says so.
class NotifyRepository
{
public:
    explicit NotifyRepository(Database &db) : m_db(db) {}

    // Every destination; an unreadable row is an error naming it, never a shorter list.
    Result<QList<Destination>> destinations() const;
    // Inserts or replaces; Invalid when d.problem(). Its never-tried messages held for quiet
    // hours are due again at `now`, for the delivery to hold them anew under the hours saved (a
    // retry's wait is its back-off, which saving does not cut short).
    Status saveDestination(const Destination &d, const QDateTime &now = QDateTime::currentDateTimeUtc());
    // Removes it, and drops its messages not yet sent (NotFound when there is no such id).
    Status removeDestination(const QString &id);

    Result<AlertSettings> alertSettings() const;
    Status setAlertSettings(const AlertSettings &settings);

    // Adds a message for a destination, to be sent at `notBefore` (now, or when quiet hours end).
    // false: that destination has a message with this key already (nothing is added).
    Result<bool> enqueue(const QString &destinationId, const NotifyMessage &message, const QDateTime &now,
                         const QDateTime &notBefore);
    // Rows of enabled destinations a sender may take now: pending and due, or sending with the
    // lease run out (their sender stopped). Oldest first, at most `limit`.
    Result<QList<OutboxItem>> due(const QDateTime &now, int limit = 200) const;
    // Messages of enabled destinations waiting for their quiet hours to end (never tried, due later).
    Result<int> heldForQuietHours(const QDateTime &now) const;
    // Takes a row for sending until `leaseUntil`, counting the attempt, if it is still as `item`
    // was read (state and attempts): false when another sender took it first.
    Result<bool> claim(const OutboxItem &item, const QDateTime &leaseUntil);
    // The outcome of a claimed send. `attempt` is the claim's attempt number (item.attempts + 1):
    // a row another sender claimed since (after this one's lease ran out) is left to it. Answers
    // false when the row was no longer this sender's.
    Result<bool> markSent(qint64 id, int attempt, const QDateTime &at);
    // A failed attempt: tried again at `retryAt`, or given up (Failed) without one.
    Result<bool> markFailed(qint64 id, int attempt, const QString &error, const std::optional<QDateTime> &retryAt);
    Result<bool> markUnknown(qint64 id, int attempt, const QString &why);
    // A row whose sender stopped (state sending, lease run out before `now`): marked unknown,
    // unless another sender has claimed it since. false: it was not.
    Result<bool> markInterrupted(qint64 id, const QDateTime &now, const QString &why);
    // A pending row waits (quiet hours) until `until`.
    Status defer(qint64 id, const QDateTime &until);
    // Sends a given-up or unknown row again (an admin's "retry"): pending, due now.
    Status retry(qint64 id, const QDateTime &now);

    // The latest messages, newest first (of one destination, or all).
    Result<QList<OutboxItem>> recent(int limit, const QString &destinationId = {}) const;
    // How each enabled destination is doing (those without messages have an empty row).
    Result<QList<DestinationHealth>> health() const;

private:
    Database &m_db;
};

} // namespace orteam
