#pragma once

#include "StoreResult.h"

#include <QDate>
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
    // The same over the days [from, to] and the months that hold them: after a write the
    // triggers do not follow (key_activity's).
    static Status fillRollups(Database &db, const QDate &from, const QDate &to);
};

} // namespace orteam
