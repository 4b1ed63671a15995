#pragma once

#include "StoreResult.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace orteam {

class Database;

struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    QString osUser;
    QString action; // see AuditAction in Audit.h (services): one vocabulary for every front end
    QString target;
    QString before;
    QString after;
};

// The audit log: every change, by whom and when, newest first. Secrets never reach it.
class AuditRepository
{
public:
    explicit AuditRepository(Database &db) : m_db(db) {}

    Status append(const AuditEntry &entry); // `at` and `osUser` default to now and $USER
    Result<QList<AuditEntry>> log(int limit = 1000) const;

    // $USER (or %USERNAME%), else the account the process runs as, else "unknown".
    static QString currentOsUser();
    // The name of the account the process runs as, from the account database (getpwuid); empty
    // where there is none.
    static QString accountUserName();

private:
    Database &m_db;
};

} // namespace orteam
