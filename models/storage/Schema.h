#pragma once

#include "StoreResult.h"

#include <QString>
#include <QStringList>

namespace orteam {

class Database;

// The team database's tables, views, indexes and rollup triggers, and the migrations between
// versions. Migrating runs `if (from < N)` steps inside one transaction, so a database is always
// at one version or the one before, never between. A seed database (the Python scripts') keeps
// every row.
class Schema
{
public:
    static constexpr int Version = 12;

    static Status migrate(Database &db);
    // The rollup triggers' SQL for SQLite or PostgreSQL.
    static QStringList rollupTriggerSql(bool postgres);
    // Recomputes the rollups from the rows they add up (inside a transaction).
    static Status fillRollups(Database &db);
    // Adds :cost to the team's day (:day) and to :member's month (:month, "YYYY-MM"): what a
    // rollup trigger does, for the writes no trigger follows (key_activity's).
    static QStringList rollupAddSql();
};

} // namespace orteam
