#include "NotifyRepository.h"

#include "Database.h"
#include "Sql.h"

#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
const QString OutboxColumns = u"id, delivery_id, destination_id, message_key, message, state, attempts, created_at, next_at, "
                              "lease_until, sent_at, last_error"_s;

Result<QList<OutboxItem>> readItems(Sql &q)
{
    if (Status s = q.exec(); !s)
        return s.error();
    QList<OutboxItem> out;
    while (q.next()) {
        OutboxItem item;
        item.id = q.value(0).toLongLong();
        item.deliveryId = q.value(1).toString();
        item.destinationId = q.value(2).toString();
        item.key = q.value(3).toString();
        const std::optional<NotifyMessage> message = NotifyMessage::fromJson(q.value(4).toString().toUtf8());
        const std::optional<OutboxItem::State> state = outboxStateFromId(q.value(5).toString());
        if (!message || !state)
            return StoreError::invalid(u"The outbox message %1 (%2) is not readable."_s.arg(item.id).arg(item.key));
        item.message = *message;
        item.state = *state;
        item.attempts = q.value(6).toInt();
        item.createdAt = sqlvalue::timeOf(q.value(7));
        item.nextAt = sqlvalue::timeOf(q.value(8));
        item.leaseUntil = sqlvalue::timeOf(q.value(9));
        item.sentAt = sqlvalue::timeOf(q.value(10));
        item.lastError = q.value(11).toString();
        out << item;
    }
    if (Status s = q.finished(); !s)
        return s.error();
    return out;
}

// `states`: the states the update takes, named when the row is in none of them.
Status updateOne(Sql &q, qint64 id, const QString &states)
{
    if (Status s = q.bind(u":id"_s, id).exec(); !s)
        return s;
    if (q.rowsAffected() == 0)
        return StoreError::notFound(u"The outbox has no message %1 that is %2 (see notify outbox)."_s.arg(id).arg(states));
    return {};
}

// An update of the row `id` if it is still the claim `attempt`: whether it was.
Result<bool> updateClaimed(Sql &q, qint64 id, int attempt)
{
    if (Status s = q.bind(u":id"_s, id).bind(u":attempt"_s, attempt).exec(); !s)
        return s.error();
    return q.rowsAffected() == 1;
}
} // namespace

Result<QList<Destination>> NotifyRepository::destinations() const
{
    Sql q(m_db, u"SELECT id, kind, name, enabled, config FROM notify_destinations ORDER BY name, id"_s,
          u"Cannot read the notification destinations"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    QList<Destination> out;
    while (q.next()) {
        Destination d;
        d.id = q.value(0).toString();
        const std::optional<Destination::Kind> kind = destinationKindFromId(q.value(1).toString());
        if (!kind)
            return StoreError::invalid(u"The destination %1 is of a kind this orteam does not know (\"%2\")."_s.arg(
                d.id, q.value(1).toString()));
        d.kind = *kind;
        d.name = q.value(2).toString();
        d.enabled = q.value(3).toInt() != 0;
        QString problem;
        if (!readDestinationConfig(q.value(4).toString().toUtf8(), d, &problem))
            return StoreError::invalid(problem);
        out << d;
    }
    if (Status s = q.finished(); !s)
        return s.error();
    return out;
}

Status NotifyRepository::saveDestination(const Destination &d, const QDateTime &now)
{
    if (const QString problem = d.problem(); !problem.isEmpty())
        return StoreError::invalid(problem);
    return m_db.transaction([&]() -> Status {
        Status saved = Sql(m_db,
                           u"INSERT INTO notify_destinations (id, kind, name, enabled, config) VALUES (:id, :kind, :name, :enabled, :config) "
                           "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, enabled = excluded.enabled, "
                           "config = excluded.config"_s,
                           u"Cannot save the destination %1"_s.arg(d.id))
                           .bind(u":id"_s, d.id)
                           .bind(u":kind"_s, destinationKindId(d.kind))
                           .bind(u":name"_s, d.name)
                           .bind(u":enabled"_s, d.enabled ? 1 : 0)
                           .bind(u":config"_s, QString::fromUtf8(destinationConfigJson(d)))
                           .exec();
        if (!saved)
            return saved;
        // Messages never tried wait only for quiet hours (a retry's wait has attempts): due again
        // now, so quiet hours taken away or shortened hold them no longer; the next delivery
        // holds them anew if the hours still say so.
        return Sql(m_db,
                   u"UPDATE notify_outbox SET next_at = :now WHERE destination_id = :id AND state = 'pending' AND attempts = 0 "
                   "AND next_at > :now"_s,
                   u"Cannot release the destination's held messages"_s)
            .bind(u":id"_s, d.id)
            .bind(u":now"_s, sqlvalue::time(now))
            .exec();
    });
}

Result<int> NotifyRepository::heldForQuietHours(const QDateTime &now) const
{
    Sql q(m_db,
          u"SELECT COUNT(*) FROM notify_outbox WHERE state = 'pending' AND attempts = 0 AND next_at > :now "
          "AND destination_id IN (SELECT id FROM notify_destinations WHERE enabled = 1)"_s,
          u"Cannot read the outbox"_s);
    if (Status s = q.bind(u":now"_s, sqlvalue::time(now)).exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row ? q.value(0).toInt() : 0;
}

Status NotifyRepository::removeDestination(const QString &id)
{
    return m_db.transaction([&]() -> Status {
        Sql q(m_db, u"DELETE FROM notify_destinations WHERE id = :id"_s, u"Cannot remove the destination %1"_s.arg(id));
        if (Status s = q.bind(u":id"_s, id).exec(); !s)
            return s;
        if (q.rowsAffected() == 0)
            return StoreError::notFound(u"There is no destination %1."_s.arg(id));
        // What was sent stays as history; what was not has nowhere to go.
        return Sql(m_db, u"DELETE FROM notify_outbox WHERE destination_id = :id AND state IN ('pending', 'sending')"_s,
                   u"Cannot drop the destination's unsent messages"_s)
            .bind(u":id"_s, id)
            .exec();
    });
}

Result<AlertSettings> NotifyRepository::alertSettings() const
{
    Sql q(m_db, u"SELECT name, value FROM team_settings WHERE name LIKE 'alerts.%'"_s, u"Cannot read the alert settings"_s);
    const Result<QHash<QString, QString>> stored = q.textPairs();
    if (!stored)
        return stored.error();
    QString problem;
    AlertSettings settings = AlertSettings::fromFields(*stored, &problem);
    if (!problem.isEmpty())
        return StoreError::invalid(u"The alert settings in the database are not usable: %1"_s.arg(problem));
    return settings;
}

Status NotifyRepository::setAlertSettings(const AlertSettings &settings)
{
    return m_db.transaction([&]() -> Status {
        Sql q(m_db,
              u"INSERT INTO team_settings (name, value) VALUES (:name, :value) ON CONFLICT (name) DO UPDATE SET value = excluded.value"_s,
              u"Cannot save the alert settings"_s);
        for (auto [name, value] : settings.fields().asKeyValueRange()) {
            if (Status s = q.bind(u":name"_s, name).bind(u":value"_s, sqlvalue::text(value)).exec(); !s)
                return s;
        }
        return {};
    });
}

Result<bool> NotifyRepository::enqueue(const QString &destinationId, const NotifyMessage &message, const QDateTime &now,
                                       const QDateTime &notBefore)
{
    Sql q(m_db,
          u"INSERT INTO notify_outbox (delivery_id, destination_id, message_key, message, state, attempts, created_at, next_at) "
          "VALUES (:delivery, :destination, :key, :message, 'pending', 0, :now, :next) "
          "ON CONFLICT (destination_id, message_key) DO NOTHING"_s,
          u"Cannot add a message to the outbox"_s);
    q.bind(u":delivery"_s, QUuid::createUuid().toString(QUuid::WithoutBraces))
        .bind(u":destination"_s, destinationId)
        .bind(u":key"_s, message.key)
        .bind(u":message"_s, QString::fromUtf8(message.toJson()))
        .bind(u":now"_s, sqlvalue::time(now))
        .bind(u":next"_s, sqlvalue::time(notBefore.isValid() ? notBefore : now));
    if (Status s = q.exec(); !s)
        return s.error();
    return q.rowsAffected() == 1;
}

Result<QList<OutboxItem>> NotifyRepository::due(const QDateTime &now, int limit) const
{
    // ISO-8601 UTC text sorts as time, on both databases.
    Sql q(m_db,
          u"SELECT %1 FROM notify_outbox WHERE ((state = 'pending' AND next_at <= :now) "
          "OR (state = 'sending' AND lease_until < :now)) "
          // A disabled destination's rows wait where they are: never in the way of the others'.
          "AND destination_id IN (SELECT id FROM notify_destinations WHERE enabled = 1) ORDER BY id LIMIT %2"_s
              .arg(OutboxColumns)
              .arg(limit),
          u"Cannot read the outbox"_s);
    q.bind(u":now"_s, sqlvalue::time(now));
    return readItems(q);
}

Result<bool> NotifyRepository::claim(const OutboxItem &item, const QDateTime &leaseUntil)
{
    Sql q(m_db,
          u"UPDATE notify_outbox SET state = 'sending', attempts = attempts + 1, lease_until = :lease "
          "WHERE id = :id AND state = :state AND attempts = :attempts"_s,
          u"Cannot take a message from the outbox"_s);
    q.bind(u":lease"_s, sqlvalue::time(leaseUntil))
        .bind(u":id"_s, item.id)
        .bind(u":state"_s, outboxStateId(item.state))
        .bind(u":attempts"_s, item.attempts);
    if (Status s = q.exec(); !s)
        return s.error();
    return q.rowsAffected() == 1;
}

Result<bool> NotifyRepository::markSent(qint64 id, int attempt, const QDateTime &at)
{
    Sql q(m_db,
          u"UPDATE notify_outbox SET state = 'sent', sent_at = :at, lease_until = NULL, last_error = '' "
          "WHERE id = :id AND state = 'sending' AND attempts = :attempt"_s,
          u"Cannot mark a message sent"_s);
    q.bind(u":at"_s, sqlvalue::time(at));
    return updateClaimed(q, id, attempt);
}

Result<bool> NotifyRepository::markFailed(qint64 id, int attempt, const QString &error, const std::optional<QDateTime> &retryAt)
{
    Sql q(m_db,
          u"UPDATE notify_outbox SET state = :state, next_at = COALESCE(:next, next_at), lease_until = NULL, last_error = :error "
          "WHERE id = :id AND state = 'sending' AND attempts = :attempt"_s,
          u"Cannot record a failed send"_s);
    q.bind(u":state"_s, retryAt ? u"pending"_s : u"failed"_s)
        .bind(u":next"_s, retryAt ? sqlvalue::time(*retryAt) : QVariant(QMetaType::fromType<QString>()))
        .bind(u":error"_s, sqlvalue::text(error.left(500)));
    return updateClaimed(q, id, attempt);
}

Result<bool> NotifyRepository::markUnknown(qint64 id, int attempt, const QString &why)
{
    Sql q(m_db,
          u"UPDATE notify_outbox SET state = 'unknown', lease_until = NULL, last_error = :error "
          "WHERE id = :id AND state = 'sending' AND attempts = :attempt"_s,
          u"Cannot record an interrupted send"_s);
    q.bind(u":error"_s, sqlvalue::text(why));
    return updateClaimed(q, id, attempt);
}

Result<bool> NotifyRepository::markInterrupted(qint64 id, const QDateTime &now, const QString &why)
{
    Sql q(m_db,
          u"UPDATE notify_outbox SET state = 'unknown', lease_until = NULL, last_error = :error "
          "WHERE id = :id AND state = 'sending' AND lease_until < :now"_s,
          u"Cannot record an interrupted send"_s);
    q.bind(u":error"_s, sqlvalue::text(why)).bind(u":now"_s, sqlvalue::time(now)).bind(u":id"_s, id);
    if (Status s = q.exec(); !s)
        return s.error();
    return q.rowsAffected() == 1;
}

Status NotifyRepository::defer(qint64 id, const QDateTime &until)
{
    Sql q(m_db, u"UPDATE notify_outbox SET next_at = :until WHERE id = :id AND state = 'pending'"_s,
          u"Cannot hold a message for the quiet hours"_s);
    q.bind(u":until"_s, sqlvalue::time(until));
    return updateOne(q, id, u"pending"_s);
}

Status NotifyRepository::retry(qint64 id, const QDateTime &now)
{
    Sql q(m_db,
          u"UPDATE notify_outbox SET state = 'pending', next_at = :now, attempts = 0, lease_until = NULL "
          "WHERE id = :id AND state IN ('failed', 'unknown')"_s,
          u"Cannot send the message again"_s);
    q.bind(u":now"_s, sqlvalue::time(now));
    return updateOne(q, id, u"given up (failed) or of unknown outcome"_s);
}

Result<QList<OutboxItem>> NotifyRepository::recent(int limit, const QString &destinationId) const
{
    Sql q(m_db,
          u"SELECT %1 FROM notify_outbox %2 ORDER BY id DESC LIMIT %3"_s.arg(
              OutboxColumns, destinationId.isEmpty() ? QString() : u"WHERE destination_id = :destination"_s).arg(limit),
          u"Cannot read the outbox"_s);
    if (!destinationId.isEmpty())
        q.bind(u":destination"_s, destinationId);
    return readItems(q);
}

Result<QList<DestinationHealth>> NotifyRepository::health() const
{
    // Per enabled destination: counts by state, the last success, and the messages decided after
    // it that are not delivered (tried and failed, or given up): the oldest of them says since when
    // it has been failing. A later success clears it; an old message given up does not keep a
    // working destination "failing" for ever.
    Sql q(m_db,
          u"SELECT d.id, "
          "SUM(CASE WHEN o.state IN ('pending', 'sending') THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN o.state = 'sent' THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN o.state = 'failed' THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN o.state = 'unknown' THEN 1 ELSE 0 END), "
          "MAX(o.sent_at), "
          "MIN(CASE WHEN o.state IN ('pending', 'failed') AND o.attempts > 0 AND o.last_error <> '' "
          "AND o.created_at > COALESCE(l.last_sent, '') THEN o.created_at END), "
          "MAX(CASE WHEN o.state IN ('pending', 'failed', 'unknown') AND o.last_error <> '' THEN o.id END) "
          "FROM notify_destinations d "
          "LEFT JOIN (SELECT destination_id, MAX(sent_at) AS last_sent FROM notify_outbox GROUP BY destination_id) l "
          "ON l.destination_id = d.id "
          "LEFT JOIN notify_outbox o ON o.destination_id = d.id WHERE d.enabled = 1 GROUP BY d.id ORDER BY d.id"_s,
          u"Cannot read how the destinations are doing"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    QList<DestinationHealth> out;
    QList<qint64> errorRows;
    while (q.next()) {
        DestinationHealth h;
        h.destinationId = q.value(0).toString();
        h.pending = q.value(1).toInt();
        h.sent = q.value(2).toInt();
        h.failed = q.value(3).toInt();
        h.unknown = q.value(4).toInt();
        h.lastSent = sqlvalue::timeOf(q.value(5));
        h.failingSince = sqlvalue::timeOf(q.value(6));
        errorRows << (q.value(7).isNull() ? 0 : q.value(7).toLongLong());
        out << h;
    }
    if (Status s = q.finished(); !s)
        return s.error();
    Sql e(m_db, u"SELECT last_error FROM notify_outbox WHERE id = :id"_s, u"Cannot read the last delivery error"_s);
    for (qsizetype i = 0; i < out.size(); ++i) {
        if (errorRows.at(i) == 0)
            continue;
        if (Status s = e.bind(u":id"_s, errorRows.at(i)).exec(); !s)
            return s.error();
        const Result<bool> row = e.fetch();
        if (!row)
            return row.error();
        if (*row)
            out[i].lastError = e.value(0).toString();
    }
    return out;
}

} // namespace orteam
