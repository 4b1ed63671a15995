#include "WorkspaceRepository.h"

#include "Database.h"
#include "SpendRows.h"
#include "Sql.h"

#include <QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace orteam {

Status WorkspaceRepository::saveWorkspaces(const QList<Workspace> &workspaces)
{
    return m_db.transaction([&]() -> Status {
        Sql q(m_db, u"INSERT INTO workspaces (id, name, slug, seen_at) VALUES (:id, :name, :slug, :at) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, slug = excluded.slug, seen_at = excluded.seen_at"_s,
              u"Cannot keep the workspaces' names"_s);
        const QString at = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        for (const Workspace &w : workspaces) {
            if (Status s = q.bind(u":id"_s, w.id).bind(u":name"_s, w.name).bind(u":slug"_s, w.slug).bind(u":at"_s, at).exec(); !s)
                return s;
        }
        return {};
    });
}

Result<QHash<QString, QString>> WorkspaceRepository::workspaceNames() const
{
    return Sql(m_db, u"SELECT id, name FROM workspaces"_s, u"Cannot read the workspaces' names"_s).textPairs();
}

Result<QList<WorkspaceSpend>> WorkspaceRepository::spendByWorkspace(const QDate &from, const QDate &to) const
{
    const Result<QHash<QString, QString>> names = workspaceNames();
    if (!names)
        return names.error();
    // Each key's days as members' spend counts them (SpendRows::keyDays): history synced from
    // before orteam watched a key has its cost. A day only activity saw is in the key's last
    // workspace.
    Sql q(m_db,
          u"SELECT COALESCE(s.workspace_id, kw.workspace_id, ''), SUM(s.cost), "
          "COUNT(DISTINCT CASE WHEN s.cost > 0 THEN s.key_hash END) "
          "FROM (%1) AS s LEFT JOIN key_workspaces kw ON kw.key_hash = s.key_hash "
          "GROUP BY COALESCE(s.workspace_id, kw.workspace_id, '')"_s.arg(SpendRows::keyDays()),
          u"Cannot read the spend per workspace"_s);
    if (Status s = q.bind(u":from"_s, from.toString(Qt::ISODate)).bind(u":to"_s, to.toString(Qt::ISODate)).exec(); !s)
        return s.error();
    QList<WorkspaceSpend> out;
    while (q.next()) {
        WorkspaceSpend w;
        w.workspaceId = q.value(0).toString();
        w.name = names->value(w.workspaceId);
        w.cost = q.value(1).toDouble();
        w.keys = q.value(2).toInt();
        out << w;
    }
    if (const Status read = q.finished(); !read)
        return read.error();
    // Requests from the keys' activity (the snapshots have no request counts).
    Sql r(m_db,
          u"SELECT COALESCE(kw.workspace_id, ''), SUM(ka.requests) "
          "FROM key_activity ka LEFT JOIN key_workspaces kw ON kw.key_hash = ka.key_hash "
          "WHERE ka.day >= :from AND ka.day <= :to GROUP BY COALESCE(kw.workspace_id, '')"_s,
          u"Cannot read the requests per workspace"_s);
    if (Status s = r.bind(u":from"_s, from.toString(Qt::ISODate)).bind(u":to"_s, to.toString(Qt::ISODate)).exec(); !s)
        return s.error();
    QHash<QString, qint64> requests;
    while (r.next())
        requests.insert(r.value(0).toString(), r.value(1).toLongLong());
    if (const Status read = r.finished(); !read)
        return read.error();
    for (WorkspaceSpend &w : out)
        w.requests = requests.value(w.workspaceId);
    // Most first; ties by name, so an export reads the same every time.
    std::sort(out.begin(), out.end(), [](const WorkspaceSpend &a, const WorkspaceSpend &b) {
        return a.cost != b.cost ? a.cost > b.cost : a.name + a.workspaceId < b.name + b.workspaceId;
    });
    return out;
}

Result<QHash<QDate, double>> WorkspaceRepository::dailySpend(const QString &workspaceId, const QDate &from,
                                                             const QDate &to) const
{
    Sql q(m_db,
          u"SELECT s.day, SUM(s.cost) FROM (%1) AS s LEFT JOIN key_workspaces kw ON kw.key_hash = s.key_hash "
          "WHERE COALESCE(s.workspace_id, kw.workspace_id) = :ws GROUP BY s.day"_s.arg(SpendRows::keyDays()),
          u"Cannot read the workspace's daily spend"_s);
    if (Status s = q.bind(u":ws"_s, workspaceId)
                       .bind(u":from"_s, from.toString(Qt::ISODate))
                       .bind(u":to"_s, to.toString(Qt::ISODate))
                       .exec();
        !s)
        return s.error();
    QHash<QDate, double> out;
    while (q.next()) {
        const double cost = q.value(1).toDouble();
        if (cost != 0)
            out.insert(QDate::fromString(q.value(0).toString(), Qt::ISODate), cost);
    }
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

} // namespace orteam
