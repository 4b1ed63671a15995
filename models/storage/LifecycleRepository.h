#pragma once

#include "Hygiene.h"
#include "StoreResult.h"

#include <QHash>
#include <QList>
#include <QString>

namespace orteam {

class Database;

// Key hygiene and lifecycle as the team database keeps them: each key's use as its snapshots and
// activity showed it (table key_use, kept by UsageRepository as it writes them, so reading every
// key's last use is one row per key however long the history), the rotation schedule, and the
// hygiene thresholds (team settings).
class LifecycleRepository
{
public:
    explicit LifecycleRepository(Database &db) : m_db(db) {}

    // Every key the database has seen used or snapshotted: key hash → history.
    Result<QHash<QString, KeyUseHistory>> keyUse() const;

    // Rotations: the open ones (scheduled or disabled), or all of them.
    Result<QList<KeyRotation>> rotations(bool openOnly = true) const;
    // Keeps a new rotation of `oldHash` (a key rotated again replaces its earlier schedule).
    Status scheduleRotation(const KeyRotation &rotation);
    // Moves a schedule on; `note` says why it ended. NotFound when the key has no schedule.
    Status setRotationState(const QString &oldHash, KeyRotation::State state, const QString &note = {});

    // The thresholds: defaults for those never set; a stored value that is not a number in bounds
    // is an error (Invalid), never quietly the default.
    Result<HygieneSettings> hygieneSettings() const;
    Status setHygieneSettings(const HygieneSettings &settings); // Invalid when settings.problem()

private:
    Database &m_db;
};

} // namespace orteam
