#pragma once

// Only storage sources include this: Qt SQL stays out of every header the rest of orteam sees.

#include "Database.h"
#include "StoreResult.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QHash>
#include <QList>
#include <QDateTime>
#include <QVariant>

#include <functional>
#include <optional>
#include <utility>

namespace orteam {

// One row handed out by Sql::scan(): its values read where they are, without a QVariant each.
// Text is UTF-8, valid until the next row (or, through QSqlQuery, the next text() of the same
// column). A NULL reads as 0 or empty; isNull() tells, asked before the value is read.
class SqlRow
{
public:
    bool isNull(int column) const;
    double real(int column) const;
    qint64 integer(int column) const;
    QByteArrayView text(int column) const;
    QVariant value(int column) const; // as Sql::value(), for the odd column read whole

private:
    friend class Sql;
    void *m_stmt = nullptr; // a sqlite3_stmt on its row; null: m_query's current row
    const QSqlQuery *m_query = nullptr;
    mutable QList<QByteArray> m_texts; // text() through QSqlQuery: the UTF-8 it was asked for
};

// One statement with named binds (":name"), run against a Database: prepare, bind, exec and the
// error as a StoreError in one place, instead of a hand-spelled block per query. `what` says what
// the statement is for, as a person reads it ("Cannot read the members"): a failure's message is
// "<what>: <the driver's text>", since services show it to people. A statement that fails logs its
// first words (never its values: they may be emails or token hashes). The database's fault
// injector (tests) is asked before every statement runs.
class Sql
{
public:
    Sql(const Database &db, const QString &sql, const QString &what = {});

    Sql &bind(const QString &name, const QVariant &value); // name with its colon: ":member"
    Status exec(); // prepares (once), binds, runs; may run again after new binds. No binds: runs as is
    // The next row; false at the end, and false on an error part-way (a dropped connection
    // while PostgreSQL streams rows): finished() tells them apart.
    bool next();
    // After a read loop: an error if the rows stopped early, so a partial read never passes
    // for a shorter table.
    Status finished() const;
    // One row: true when there is one, false when there is none, an error when the read failed
    // (a single-row read must not mistake a failure for "not found").
    Result<bool> fetch();
    QVariant value(int column) const { return m_query.value(column); }
    int rowsAffected() const { return m_query.numRowsAffected(); }
    QSqlQuery &query() { return m_query; }
    // Runs the statement and answers its first two columns as key → value (key hash → member, …).
    Result<QHash<QString, QString>> textPairs();

    // Runs the statement (a read: nothing is counted as written) and hands `each` its rows one at
    // a time: for reads of many small rows (a
    // report's hundred thousand member-days at an organisation's size), where a QVariant per value
    // costs more than the database's own read. On SQLite with Database::sqliteHandle() the rows
    // come straight from sqlite3_step; elsewhere through QSqlQuery. Either way: the same fault
    // injection, binds and error messages as exec(), and an error, never a shorter read, when the
    // rows stop part-way (`each` has then seen only some: callers keep nothing of a failed scan).
    Status scan(const std::function<void(const SqlRow &)> &each);

    // Runs a statement without binds (DDL, pragmas).
    static Status run(const Database &db, const QString &sql, const QString &what = {});

private:
    Status failed(const QString &driverText) const;
    Status executed(); // after a statement ran: counts a write for Database::ownWrites
    std::optional<Status> scanSqlite(const std::function<void(const SqlRow &)> &each); // nullopt: not available

    const Database &m_db;
    QString m_sql;
    QString m_what;
    QSqlQuery m_query;
    QList<std::pair<QString, QVariant>> m_binds;
    bool m_prepared = false;
    QString m_readError;
};

// Values as the schema stores them.
namespace sqlvalue {
QVariant money(const std::optional<double> &v);     // NULL when absent
QVariant text(const QString &s);                   // '' for a null QString (NOT NULL columns)
QVariant nullableText(const std::optional<QString> &s);
std::optional<double> optionalMoney(const QVariant &v);
QString listToJson(const std::optional<QStringList> &list);
QVariant nullableList(const std::optional<QStringList> &list); // JSON text, NULL when absent
std::optional<QStringList> listFromJson(const QVariant &v);
double cleanMoney(double v); // a rollup sum of 1e-17 is 0
// A moment as the team database keeps it: ISO-8601 UTC text ("2026-11-30T12:00:00Z"), the one
// spelling, so that comparing two as text (leases, due times) compares them as times on SQLite
// and PostgreSQL alike. NULL for an invalid one; an invalid QDateTime for NULL.
QVariant time(const QDateTime &t);
QDateTime timeOf(const QVariant &v);
} // namespace sqlvalue

} // namespace orteam
