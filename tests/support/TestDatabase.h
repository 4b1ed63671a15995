#pragma once

// A fresh team database for a test, on the backend CTest chose: a SQLite file, or (with
// ORTEAM_TEST_DB=postgres, under the "pg" fixture) a new database on the throwaway PostgreSQL
// server. Plus a fingerprint of every table, to prove a failed flow changed nothing.

#include "Store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QTemporaryDir>
#include <QUuid>

namespace orteam::test {

class TestDatabases
{
public:
    TestDatabases()
    {
        m_postgres = qEnvironmentVariable("ORTEAM_TEST_DB") == QLatin1String("postgres");
        if (m_postgres) {
            QFile state(qEnvironmentVariable("ORTEAM_TEST_PG_STATE"));
            if (!state.open(QIODevice::ReadOnly))
                qFatal("no PostgreSQL state file: run through CTest (fixture postgres_start)");
            const QList<QByteArray> lines = state.readAll().split('\n');
            if (lines.size() < 2)
                qFatal("the PostgreSQL state file is incomplete");
            m_serverUrl = QString::fromUtf8(lines.at(1));
        }
    }
    bool postgres() const { return m_postgres; }

    DbLocation fresh()
    {
        if (!m_postgres) {
            DbLocation loc;
            loc.path = m_dir.filePath(QStringLiteral("team-%1.db").arg(QUuid::createUuid().toString(QUuid::Id128).left(8)));
            return loc;
        }
        QString error;
        const DbLocation server = *DbLocation::parse(m_serverUrl, &error);
        const QString name = QStringLiteral("orteam_t_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
        {
            QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("test-admin"));
            admin.setHostName(server.host);
            admin.setPort(server.port);
            admin.setUserName(server.user);
            admin.setDatabaseName(server.database);
            if (!admin.open())
                qFatal("cannot reach the test PostgreSQL server: %s", qPrintable(admin.lastError().text()));
            QSqlQuery q(admin);
            if (!q.exec(QStringLiteral("CREATE DATABASE ") + name))
                qFatal("CREATE DATABASE failed: %s", qPrintable(q.lastError().text()));
            admin.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("test-admin"));
        DbLocation loc = server;
        loc.database = name;
        return loc;
    }

    // A connection of a test's own (`name`) to a store's database, as another program would
    // have: for writes the store does not make, damage behind its back, or reading every row.
    static QSqlDatabase rawConnection(const DbLocation &loc, const QString &name)
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(
            loc.kind == DbLocation::Kind::Postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), name);
        if (loc.kind == DbLocation::Kind::Postgres) {
            raw.setHostName(loc.host);
            raw.setPort(loc.port);
            raw.setUserName(loc.user);
            raw.setDatabaseName(loc.database);
        } else {
            raw.setDatabaseName(loc.path);
        }
        if (!raw.open())
            qFatal("cannot open a second connection: %s", qPrintable(raw.lastError().text()));
        return raw;
    }

    // Every row of every table, in a stable order: equal fingerprints, same database content.
    static QString fingerprint(const DbLocation &loc) { return fingerprint(loc, everyTable()); }
    static QStringList everyTable()
    {
        return {
            QStringLiteral("tiers"), QStringLiteral("members"), QStringLiteral("member_keys"),
            QStringLiteral("user_usage"), QStringLiteral("user_budgets"), QStringLiteral("key_snapshots"),
            QStringLiteral("key_activity"), QStringLiteral("model_activity"), QStringLiteral("provider_activity"),
            QStringLiteral("user_activity"),
            QStringLiteral("enforced_keys"),
            QStringLiteral("team_settings"), QStringLiteral("alerts_seen"), QStringLiteral("gateway_tokens"),
            QStringLiteral("audit_log"), QStringLiteral("spend_day"), QStringLiteral("spend_member_month")};
    }
    // The rows of `tables` only.
    static QString fingerprint(const DbLocation &loc, const QStringList &tables)
    {
        const QString connection = QStringLiteral("test-fingerprint");
        QString out;
        {
            QSqlDatabase raw = rawConnection(loc, connection);
            for (const QString &table : tables) {
                QSqlQuery q(raw);
                if (!q.exec(QStringLiteral("SELECT * FROM ") + table))
                    qFatal("cannot read %s: %s", qPrintable(table), qPrintable(q.lastError().text()));
                QStringList rows;
                while (q.next()) {
                    QStringList cells;
                    for (int i = 0; i < q.record().count(); ++i) {
                        if (table == QLatin1String("audit_log") && (i == 0 || i == 1))
                            continue; // id and time
                        cells << q.value(i).toString();
                    }
                    rows << cells.join(QLatin1Char('|'));
                }
                rows.sort();
                out += table + QLatin1Char('\n') + rows.join(QLatin1Char('\n')) + QLatin1Char('\n');
            }
            raw.close();
        }
        QSqlDatabase::removeDatabase(connection);
        return out;
    }

private:
    QTemporaryDir m_dir;
    bool m_postgres = false;
    QString m_serverUrl;
};

} // namespace orteam::test
