#pragma once

#include "StoreResult.h"
#include "Workspace.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>

namespace orteam {

class Database;

// Workspaces as the team database keeps them, so a chargeback outlives OpenRouter's memory and
// reads without a network: the workspace each key snapshot was taken in, each key's last
// workspace (for snapshots older than that) and each workspace's name as last listed. Spend per
// workspace is its keys' daily spend from their snapshots, the same source as a key's own daily
// spend, in the workspace the key was in that day: a key moved later leaves its past where it was.
class WorkspaceRepository
{
public:
    explicit WorkspaceRepository(Database &db) : m_db(db) {}

    // The names as OpenRouter listed them now; workspaces listed before and gone keep theirs.
    Status saveWorkspaces(const QList<Workspace> &workspaces);
    Result<QHash<QString, QString>> workspaceNames() const; // id → name

    // Per workspace (its id; "" for keys never seen with one), the spend of its keys over the
    // UTC days from..to, most first.
    Result<QList<WorkspaceSpend>> spendByWorkspace(const QDate &from, const QDate &to) const;
    // One workspace's spend per UTC day (days without spend left out).
    Result<QHash<QDate, double>> dailySpend(const QString &workspaceId, const QDate &from, const QDate &to) const;

private:
    Database &m_db;
};

} // namespace orteam
