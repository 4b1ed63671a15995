#include "GovernanceRepository.h"

#include "Database.h"
#include "Sql.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

Result<QList<EnforcedKey>> GovernanceRepository::enforcedKeys() const
{
    Sql q(m_db, u"SELECT key_hash, member_name, day FROM enforced_keys ORDER BY key_hash"_s,
          u"Cannot read the keys the daily check disabled"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    QList<EnforcedKey> out;
    while (q.next())
        out << EnforcedKey{q.value(0).toString(), q.value(1).toString(), QDate::fromString(q.value(2).toString(), Qt::ISODate)};
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

Status GovernanceRepository::setEnforced(const EnforcedKey &key)
{
    return Sql(m_db, u"INSERT INTO enforced_keys (key_hash, member_name, day) VALUES (:key, :member, :day) "
                     "ON CONFLICT (key_hash) DO UPDATE SET member_name = excluded.member_name, day = excluded.day"_s,
               u"Cannot record the key the daily check disabled"_s)
        .bind(u":key"_s, key.keyHash)
        .bind(u":member"_s, key.member)
        .bind(u":day"_s, key.day.toString(Qt::ISODate))
        .exec();
}

Status GovernanceRepository::forgetEnforced(const QString &keyHash)
{
    return Sql(m_db, u"DELETE FROM enforced_keys WHERE key_hash = :key"_s, u"Cannot forget the key the daily check disabled"_s)
        .bind(u":key"_s, keyHash)
        .exec();
}

Result<QString> GovernanceRepository::setting(const QString &name, const QString &fallback) const
{
    Sql q(m_db, u"SELECT value FROM team_settings WHERE name = :name"_s, u"Cannot read the team setting %1"_s.arg(name));
    if (Status s = q.bind(u":name"_s, name).exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row ? q.value(0).toString() : fallback;
}

Status GovernanceRepository::setSetting(const QString &name, const QString &value)
{
    return Sql(m_db, u"INSERT INTO team_settings (name, value) VALUES (:name, :value) "
                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value"_s,
               u"Cannot save the team setting %1"_s.arg(name))
        .bind(u":name"_s, name)
        .bind(u":value"_s, sqlvalue::text(value))
        .exec();
}

Result<QStringList> GovernanceRepository::markAlertsSeen(const QStringList &ids)
{
    // INSERT … ON CONFLICT DO NOTHING tells which ids are new even when two dashboards on one
    // database raise the same alert: only one of them inserts it. One transaction: on a failure
    // no alert is marked, so none is lost (they are raised again next time).
    QStringList fresh;
    const Status done = m_db.transaction([&]() -> Status {
        Sql q(m_db, u"INSERT INTO alerts_seen (id, at) VALUES (:id, :at) ON CONFLICT (id) DO NOTHING"_s,
              u"Cannot record the alerts raised"_s);
        q.bind(u":at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        for (const QString &id : ids) {
            if (Status s = q.bind(u":id"_s, id).exec(); !s)
                return s;
            if (q.rowsAffected() == 1)
                fresh << id;
        }
        return {};
    });
    if (!done)
        return done.error();
    return fresh;
}

QString GovernanceRepository::hashGatewayToken(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

Result<QString> GovernanceRepository::createGatewayToken(const QString &member)
{
    {
        Sql q(m_db, u"SELECT active FROM members WHERE name = :name"_s, u"Cannot read the member %1"_s.arg(member));
        if (Status s = q.bind(u":name"_s, member).exec(); !s)
            return s.error();
        const Result<bool> row = q.fetch();
        if (!row)
            return row.error();
        if (!*row)
            return StoreError::notFound(u"No member named \"%1\"."_s.arg(member));
        if (q.value(0).toInt() == 0) // the gateway refuses offboarded members: a token for one would never work
            return StoreError::invalid(u"%1 is offboarded; make them active again (members reactivate) before giving them a gateway token."_s.arg(member));
    }
    // 32 random bytes from the system's generator; the prefix says what the token is for.
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    const QString token = u"orgw-"_s
        + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const Status saved = Sql(m_db, u"INSERT INTO gateway_tokens (token_hash, member_name, created_at) VALUES (:hash, :member, :at)"_s,
                             u"Cannot save a gateway token for %1"_s.arg(member))
                             .bind(u":hash"_s, hashGatewayToken(token))
                             .bind(u":member"_s, member)
                             .bind(u":at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                             .exec();
    if (!saved)
        return saved.error();
    return token;
}

Result<int> GovernanceRepository::revokeGatewayTokens(const QString &member)
{
    Sql q(m_db, u"DELETE FROM gateway_tokens WHERE member_name = :member"_s, u"Cannot revoke the gateway tokens of %1"_s.arg(member));
    if (Status s = q.bind(u":member"_s, member).exec(); !s)
        return s.error();
    return q.rowsAffected();
}

Result<QHash<QString, QString>> GovernanceRepository::gatewayTokens() const
{
    return Sql(m_db, u"SELECT token_hash, member_name FROM gateway_tokens"_s, u"Cannot read the gateway tokens"_s).textPairs();
}

Result<QString> GovernanceRepository::activeMemberOfGatewayToken(const QString &tokenHash) const
{
    Sql q(m_db,
          u"SELECT t.member_name FROM gateway_tokens t JOIN members m ON m.name = t.member_name "
          "WHERE t.token_hash = :hash AND m.active <> 0"_s,
          u"Cannot check a gateway token"_s);
    q.bind(u":hash"_s, tokenHash);
    if (Status s = q.exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row ? q.value(0).toString() : QString();
}

} // namespace orteam
