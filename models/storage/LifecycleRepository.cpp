#include "LifecycleRepository.h"

#include "Database.h"
#include "Sql.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QDate dayOf(const QVariant &v)
{
    return v.isNull() ? QDate() : QDate::fromString(v.toString(), Qt::ISODate);
}
} // namespace

Result<QHash<QString, KeyUseHistory>> LifecycleRepository::keyUse() const
{
    Sql q(m_db, u"SELECT key_hash, first_day, first_usage, last_day, last_usage, used_day, used_from, activity_day FROM key_use"_s,
          u"Cannot read when the keys were last used"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    QHash<QString, KeyUseHistory> out;
    while (q.next()) {
        KeyUseHistory h;
        h.firstDay = dayOf(q.value(1));
        h.firstUsage = q.value(2).toDouble();
        h.lastDay = dayOf(q.value(3));
        h.lastUsage = q.value(4).toDouble();
        h.usedDay = dayOf(q.value(5));
        h.usedFrom = dayOf(q.value(6));
        h.activityDay = dayOf(q.value(7));
        out.insert(q.value(0).toString(), h);
    }
    if (Status s = q.finished(); !s)
        return s.error();
    return out;
}

Result<QList<KeyRotation>> LifecycleRepository::rotations(bool openOnly) const
{
    Sql q(m_db,
          u"SELECT old_hash, old_name, new_hash, rotated_at, disable_at, revoke_at, state, note FROM key_rotations %1 "
          "ORDER BY rotated_at, old_hash"_s.arg(openOnly ? u"WHERE state IN ('scheduled', 'disabled')"_s : QString()),
          u"Cannot read the key rotation schedule"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    QList<KeyRotation> out;
    while (q.next()) {
        KeyRotation r;
        r.oldHash = q.value(0).toString();
        r.oldName = q.value(1).toString();
        r.newHash = q.value(2).toString();
        r.rotatedAt = sqlvalue::timeOf(q.value(3));
        r.disableAt = sqlvalue::timeOf(q.value(4));
        r.revokeAt = sqlvalue::timeOf(q.value(5));
        const std::optional<KeyRotation::State> state = rotationStateFromString(q.value(6).toString());
        const bool datesRead = (q.value(4).isNull() || r.disableAt.isValid()) && (q.value(5).isNull() || r.revokeAt.isValid());
        if (!state || !r.rotatedAt.isValid() || !datesRead)
            return StoreError::invalid(u"The rotation schedule of key %1 is not readable (state \"%2\")."_s.arg(
                r.oldHash.left(16), q.value(6).toString()));
        r.state = *state;
        r.note = q.value(7).toString();
        out << r;
    }
    if (Status s = q.finished(); !s)
        return s.error();
    return out;
}

Status LifecycleRepository::scheduleRotation(const KeyRotation &r)
{
    return Sql(m_db,
               u"INSERT INTO key_rotations (old_hash, old_name, new_hash, rotated_at, disable_at, revoke_at, state, note) "
               "VALUES (:old, :name, :new, :at, :disable, :revoke, :state, :note) ON CONFLICT (old_hash) DO UPDATE SET "
               "old_name = excluded.old_name, new_hash = excluded.new_hash, rotated_at = excluded.rotated_at, "
               "disable_at = excluded.disable_at, revoke_at = excluded.revoke_at, state = excluded.state, note = excluded.note"_s,
               u"Cannot save the rotation schedule"_s)
        .bind(u":old"_s, r.oldHash)
        .bind(u":name"_s, sqlvalue::text(r.oldName))
        .bind(u":new"_s, sqlvalue::text(r.newHash))
        .bind(u":at"_s, sqlvalue::time(r.rotatedAt))
        .bind(u":disable"_s, sqlvalue::time(r.disableAt))
        .bind(u":revoke"_s, sqlvalue::time(r.revokeAt))
        .bind(u":state"_s, rotationStateToString(r.state))
        .bind(u":note"_s, sqlvalue::text(r.note))
        .exec();
}

Status LifecycleRepository::setRotationState(const QString &oldHash, KeyRotation::State state, const QString &note)
{
    Sql q(m_db, u"UPDATE key_rotations SET state = :state, note = :note WHERE old_hash = :old"_s,
          u"Cannot update the rotation schedule"_s);
    if (Status s = q.bind(u":state"_s, rotationStateToString(state)).bind(u":note"_s, sqlvalue::text(note)).bind(u":old"_s, oldHash).exec(); !s)
        return s;
    if (q.rowsAffected() == 0)
        return StoreError::notFound(u"Key %1 has no rotation schedule."_s.arg(oldHash.left(16)));
    return {};
}

Result<HygieneSettings> LifecycleRepository::hygieneSettings() const
{
    Sql q(m_db, u"SELECT name, value FROM team_settings WHERE name LIKE 'hygiene.%'"_s, u"Cannot read the key hygiene settings"_s);
    const Result<QHash<QString, QString>> stored = q.textPairs();
    if (!stored)
        return stored.error();
    HygieneSettings settings;
    for (const HygieneSettings::Field &f : HygieneSettings::fields()) {
        if (!stored->contains(f.name))
            continue;
        bool ok = false;
        const int v = stored->value(f.name).toInt(&ok);
        if (!ok)
            return StoreError::invalid(u"The team setting %1 is \"%2\", not a number of days."_s.arg(f.name, stored->value(f.name)));
        settings.*(f.member) = v;
    }
    if (const QString problem = settings.problem(); !problem.isEmpty())
        return StoreError::invalid(u"The key hygiene settings in the database are not usable: %1"_s.arg(problem));
    return settings;
}

Status LifecycleRepository::setHygieneSettings(const HygieneSettings &settings)
{
    if (const QString problem = settings.problem(); !problem.isEmpty())
        return StoreError::invalid(problem);
    return m_db.transaction([&]() -> Status {
        Sql q(m_db, u"INSERT INTO team_settings (name, value) VALUES (:name, :value) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value"_s,
              u"Cannot save the key hygiene settings"_s);
        for (const HygieneSettings::Field &f : HygieneSettings::fields()) {
            if (Status s = q.bind(u":name"_s, f.name).bind(u":value"_s, QString::number(settings.*(f.member))).exec(); !s)
                return s;
        }
        return {};
    });
}

} // namespace orteam
