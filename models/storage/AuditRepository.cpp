#include "AuditRepository.h"

#include "Database.h"
#include "Sql.h"

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QString AuditRepository::currentOsUser()
{
    QString u = qEnvironmentVariable("USER");
    if (u.isEmpty())
        u = qEnvironmentVariable("USERNAME");
    // cron, systemd units and `env -i` leave $USER unset; the account still says who it was.
    if (u.isEmpty())
        u = accountUserName();
    return u.isEmpty() ? u"unknown"_s : u;
}

QString AuditRepository::accountUserName()
{
#ifdef Q_OS_UNIX
    // getpwuid_r: the dashboard's worker threads audit too, and getpwuid's buffer is shared.
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    QByteArray buffer(size > 0 ? int(size) : 16384, Qt::Uninitialized);
    passwd entry{};
    passwd *found = nullptr;
    if (getpwuid_r(geteuid(), &entry, buffer.data(), size_t(buffer.size()), &found) == 0 && found && found->pw_name)
        return QString::fromLocal8Bit(found->pw_name);
#endif
    return {};
}

Status AuditRepository::append(const AuditEntry &entry)
{
    return Sql(m_db, u"INSERT INTO audit_log (at, os_user, action, target, before_value, after_value) "
                     "VALUES (:at, :user, :action, :target, :before, :after)"_s,
               u"Cannot write the audit log"_s)
        .bind(u":at"_s, (entry.at.isValid() ? entry.at : QDateTime::currentDateTimeUtc()).toUTC().toString(Qt::ISODateWithMs))
        .bind(u":user"_s, entry.osUser.isEmpty() ? currentOsUser() : entry.osUser)
        .bind(u":action"_s, sqlvalue::text(entry.action))
        .bind(u":target"_s, sqlvalue::text(entry.target))
        .bind(u":before"_s, entry.before)
        .bind(u":after"_s, entry.after)
        .exec();
}

Result<QList<AuditEntry>> AuditRepository::log(int limit) const
{
    Sql q(m_db, u"SELECT id, at, os_user, action, target, before_value, after_value FROM audit_log ORDER BY id DESC LIMIT :limit"_s,
          u"Cannot read the audit log"_s);
    if (Status s = q.bind(u":limit"_s, limit).exec(); !s)
        return s.error();
    QList<AuditEntry> out;
    while (q.next())
        out << AuditEntry{q.value(0).toLongLong(), QDateTime::fromString(q.value(1).toString(), Qt::ISODateWithMs),
                          q.value(2).toString(), q.value(3).toString(), q.value(4).toString(), q.value(5).toString(),
                          q.value(6).toString()};
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

} // namespace orteam
