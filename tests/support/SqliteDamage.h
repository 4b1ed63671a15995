#pragma once

// Damage the way a disk does it, where opening a database does not look: one page of a table or
// index (not the header, not the schema) made unreadable, so only a check that reads every page
// (PRAGMA integrity_check / quick_check) finds it.

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

namespace orteam::test {

// Sets the page-type byte of `object`'s root page to 0, which no b-tree page has. The file must
// not be open elsewhere: its WAL is folded into it first, so the write lands on the live page.
inline bool damageSqlitePage(const QString &path, const QString &object, QString *error)
{
    qint64 offset = -1;
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("damage"));
        raw.setDatabaseName(path);
        if (raw.open()) {
            QSqlQuery q(raw);
            qint64 pageSize = 0, rootPage = 0;
            if (q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) && q.exec(QStringLiteral("PRAGMA page_size")) && q.next())
                pageSize = q.value(0).toLongLong();
            q.prepare(QStringLiteral("SELECT rootpage FROM sqlite_master WHERE name = ?"));
            q.addBindValue(object);
            if (q.exec() && q.next())
                rootPage = q.value(0).toLongLong();
            if (pageSize > 0 && rootPage > 1)
                offset = (rootPage - 1) * pageSize;
            else
                *error = QStringLiteral("no root page for %1: %2").arg(object, q.lastError().text());
            q.finish();
            raw.close();
        } else {
            *error = raw.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("damage"));
    if (offset < 0)
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(offset) || file.write(QByteArray(1, '\0')) != 1) {
        *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace orteam::test
