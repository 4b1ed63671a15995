#include "Sql.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <QScopeGuard>

#include <cmath>

#ifdef ORTEAM_SQLITE_PROBE
#include <sqlite3.h>
#endif

using namespace Qt::Literals::StringLiterals;

// Its own category: the CLI leaves it out of stderr, where the failure's own line says the same
// (the storage layer's other warnings, a database readable by everyone, a failed rollback, stay).
Q_LOGGING_CATEGORY(lcStorageSql, "orteam.storage.sql", QtInfoMsg)

namespace orteam {

namespace {
QSqlDatabase connectionOf(const Database &db)
{
    return QSqlDatabase::database(db.connectionName(), false);
}

// The first words of a statement, enough to find it in the source: never a value (statements
// carry values only as binds).
QString firstWords(const QString &sql)
{
    const QString simple = sql.simplified();
    return simple.size() > 60 ? simple.left(60) + u"…"_s : simple;
}
} // namespace

Sql::Sql(const Database &db, const QString &sql, const QString &what)
    : m_db(db), m_sql(sql), m_what(what), m_query(connectionOf(db))
{
    m_query.setForwardOnly(true); // every read here walks its rows once
}

Sql &Sql::bind(const QString &name, const QVariant &value)
{
    for (auto &[bound, v] : m_binds) {
        if (bound == name) {
            v = value;
            return *this;
        }
    }
    m_binds.append({name, value});
    return *this;
}

Status Sql::failed(const QString &driverText) const
{
    // The driver's first line only: PostgreSQL's DETAIL line may quote a row's values.
    qCWarning(lcStorageSql).noquote() << "SQL failed:" << firstWords(m_sql) << "—" << driverText.section(u'\n', 0, 0);
    return StoreError::database(m_what.isEmpty() ? driverText : m_what + u": "_s + driverText);
}

Status Sql::exec()
{
    if (m_db.injectFault(m_sql))
        return failed(u"injected fault before \"%1\""_s.arg(firstWords(m_sql)));
    // A store that never opened (or was closed) answers this, not the driver's "Driver not loaded".
    if (!m_db.isOpen())
        return failed(u"the team database is not open"_s);
    if (m_binds.isEmpty()) {
        // Nothing to bind: one round trip (a prepared statement on PostgreSQL is three).
        if (!m_query.exec(m_sql))
            return failed(m_query.lastError().text());
        return executed();
    }
    if (!m_prepared) {
        if (!m_query.prepare(m_sql))
            return failed(m_query.lastError().text());
        m_prepared = true;
    }
    for (const auto &[name, value] : std::as_const(m_binds))
        m_query.bindValue(name, value);
    if (!m_query.exec())
        return failed(m_query.lastError().text());
    return executed();
}

Status Sql::executed()
{
    // A statement without rows may have written. Counted unless it certainly did not: a
    // transaction's BEGIN or COMMIT changes nothing by itself, and an INSERT, UPDATE or DELETE
    // that touched no row changed nothing either (a row trigger fires only for a row touched).
    // The dashboard marks its alerts seen on every refresh; when none is new that must not
    // make it read the alerts' input again. Anything else (DDL, a pragma, a count the driver
    // does not know: -1) is counted: a cache read again for nothing costs a read, one kept after
    // a write shows what is gone.
    if (m_query.isSelect())
        return {};
    const QStringView head = QStringView(m_sql).trimmed();
    auto startsWith = [&](QLatin1StringView word) {
        return head.startsWith(word, Qt::CaseInsensitive)
               && (head.size() == word.size() || !head.at(word.size()).isLetterOrNumber());
    };
    if (startsWith("BEGIN"_L1) || startsWith("COMMIT"_L1) || startsWith("END"_L1))
        return {};
    const bool dml = startsWith("INSERT"_L1) || startsWith("UPDATE"_L1) || startsWith("DELETE"_L1) || startsWith("REPLACE"_L1);
    if (dml && m_query.numRowsAffected() == 0)
        return {};
    m_db.noteOwnWrite();
    return {};
}

Result<QHash<QString, QString>> Sql::textPairs()
{
    if (Status s = exec(); !s)
        return s.error();
    QHash<QString, QString> out;
    while (next())
        out.insert(value(0).toString(), value(1).toString());
    return out;
}

bool Sql::next()
{
    if (m_query.next())
        return true;
    if (m_query.lastError().isValid())
        m_readError = m_query.lastError().text();
    return false;
}

Status Sql::finished() const
{
    if (m_readError.isEmpty())
        return {};
    return failed(u"the rows stopped part-way: "_s + m_readError);
}

#ifdef ORTEAM_SQLITE_PROBE
namespace {
sqlite3_stmt *stmtOf(void *stmt)
{
    return static_cast<sqlite3_stmt *>(stmt);
}

// What Qt's drivers bind as NULL (QSqlResultPrivate::isVariantNull): a null QVariant, and in Qt 6
// also a null QString, QByteArray or date and time, which are not null QVariants.
bool isNullValue(const QVariant &v)
{
    if (v.isNull())
        return true;
    switch (v.typeId()) {
    case QMetaType::QString:
        return v.toString().isNull();
    case QMetaType::QByteArray:
        return v.toByteArray().isNull();
    case QMetaType::QDate:
        return v.toDate().isNull();
    case QMetaType::QDateTime:
        return v.toDateTime().isNull();
    case QMetaType::QTime:
        return v.toTime().isNull();
    default:
        return false;
    }
}
} // namespace
#endif

bool SqlRow::isNull(int column) const
{
#ifdef ORTEAM_SQLITE_PROBE
    if (m_stmt)
        return sqlite3_column_type(stmtOf(m_stmt), column) == SQLITE_NULL;
#endif
    return m_query->isNull(column);
}

double SqlRow::real(int column) const
{
#ifdef ORTEAM_SQLITE_PROBE
    if (m_stmt)
        return sqlite3_column_double(stmtOf(m_stmt), column);
#endif
    return m_query->value(column).toDouble();
}

qint64 SqlRow::integer(int column) const
{
#ifdef ORTEAM_SQLITE_PROBE
    if (m_stmt) {
        // A REAL rounded as QVariant::toLongLong() rounds it (SQLite would cut it): 2.7 is 3 both ways.
        if (sqlite3_column_type(stmtOf(m_stmt), column) == SQLITE_FLOAT)
            return qRound64(sqlite3_column_double(stmtOf(m_stmt), column));
        return sqlite3_column_int64(stmtOf(m_stmt), column);
    }
#endif
    return m_query->value(column).toLongLong();
}

QByteArrayView SqlRow::text(int column) const
{
#ifdef ORTEAM_SQLITE_PROBE
    if (m_stmt) {
        // Text first, then its length: the order SQLite documents for a value converted to text.
        const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(stmtOf(m_stmt), column));
        return bytes ? QByteArrayView(bytes, sqlite3_column_bytes(stmtOf(m_stmt), column)) : QByteArrayView();
    }
#endif
    if (m_texts.size() <= column)
        m_texts.resize(column + 1);
    m_texts[column] = m_query->value(column).toString().toUtf8();
    return m_texts[column];
}

QVariant SqlRow::value(int column) const
{
#ifdef ORTEAM_SQLITE_PROBE
    if (m_stmt) {
        switch (sqlite3_column_type(stmtOf(m_stmt), column)) {
        case SQLITE_NULL:
            return {};
        case SQLITE_INTEGER:
            return integer(column);
        case SQLITE_FLOAT:
            return real(column);
        case SQLITE_BLOB: {
            const auto *bytes = static_cast<const char *>(sqlite3_column_blob(stmtOf(m_stmt), column));
            return QByteArray(bytes, sqlite3_column_bytes(stmtOf(m_stmt), column));
        }
        default:
            return QString::fromUtf8(text(column));
        }
    }
#endif
    return m_query->value(column);
}

Status Sql::scan(const std::function<void(const SqlRow &)> &each)
{
    if (std::optional<Status> raw = scanSqlite(each))
        return *raw;
    if (Status s = exec(); !s)
        return s;
    SqlRow row;
    row.m_query = &m_query;
    while (next())
        each(row);
    return finished();
}

std::optional<Status> Sql::scanSqlite(const std::function<void(const SqlRow &)> &each)
{
#ifdef ORTEAM_SQLITE_PROBE
    auto *db = static_cast<sqlite3 *>(m_db.sqliteHandle());
    if (!db)
        return std::nullopt;
    if (m_db.injectFault(m_sql))
        return failed(u"injected fault before \"%1\""_s.arg(firstWords(m_sql)));
    const QByteArray sql = m_sql.toUtf8();
    sqlite3_stmt *stmt = nullptr;
    const char *tail = nullptr;
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &stmt, &tail) != SQLITE_OK)
        return failed(QString::fromUtf8(sqlite3_errmsg(db)));
    if (!stmt)
        return failed(u"the statement is empty"_s);
    const auto finalize = qScopeGuard([stmt] { sqlite3_finalize(stmt); });
    // As Qt's driver: one statement only, and every placeholder given a value.
    if (tail && !QByteArrayView(tail, sql.constData() + sql.size() - tail).trimmed().isEmpty())
        return failed(u"Unable to execute multiple statements at a time"_s);
    std::vector<bool> bound(size_t(sqlite3_bind_parameter_count(stmt)) + 1, false);
    for (const auto &[name, value] : std::as_const(m_binds)) {
        const int at = sqlite3_bind_parameter_index(stmt, name.toUtf8().constData());
        if (at == 0)
            continue; // as QSqlQuery: a bind the statement does not use is no error
        bound[size_t(at)] = true;
        // The types as Qt's SQLite driver binds them (qsql_sqlite.cpp), a null QString as NULL.
        int rc = SQLITE_OK;
        switch (isNullValue(value) ? QMetaType::UnknownType : value.typeId()) {
        case QMetaType::UnknownType:
            rc = sqlite3_bind_null(stmt, at);
            break;
        case QMetaType::QByteArray: {
            const QByteArray bytes = value.toByteArray();
            rc = sqlite3_bind_blob(stmt, at, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
            break;
        }
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
            rc = sqlite3_bind_int64(stmt, at, value.toLongLong());
            break;
        case QMetaType::Double:
            rc = sqlite3_bind_double(stmt, at, value.toDouble());
            break;
        default: {
            const QByteArray text = (value.typeId() == QMetaType::QDateTime ? value.toDateTime().toString(Qt::ISODateWithMs)
                                                                            : value.toString())
                                        .toUtf8();
            rc = sqlite3_bind_text(stmt, at, text.constData(), int(text.size()), SQLITE_TRANSIENT);
        }
        }
        if (rc != SQLITE_OK)
            return failed(QString::fromUtf8(sqlite3_errmsg(db)));
    }
    for (size_t at = 1; at < bound.size(); ++at) {
        if (!bound[at]) {
            const char *name = sqlite3_bind_parameter_name(stmt, int(at));
            return failed(u"no value for %1"_s.arg(name ? QString::fromUtf8(name) : u"parameter %1"_s.arg(at)));
        }
    }
    SqlRow row;
    row.m_stmt = stmt;
    int rc = SQLITE_OK;
    bool any = false;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        any = true;
        each(row);
    }
    if (rc != SQLITE_DONE) {
        const QString why = QString::fromUtf8(sqlite3_errmsg(db));
        return failed(any ? u"the rows stopped part-way: "_s + why : why);
    }
    return Status{};
#else
    Q_UNUSED(each)
    return std::nullopt;
#endif
}

Result<bool> Sql::fetch()
{
    if (next())
        return true;
    if (const Status read = finished(); !read)
        return read.error();
    return false;
}

Status Sql::run(const Database &db, const QString &sql, const QString &what)
{
    return Sql(db, sql, what).exec();
}

namespace sqlvalue {

QVariant money(const std::optional<double> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::Double));
}

// Qt binds a null QString as SQL NULL; NOT NULL text columns want an empty string instead.
QVariant text(const QString &s)
{
    return s.isNull() ? QString(u""_s) : s;
}

QVariant nullableText(const std::optional<QString> &s)
{
    return s ? QVariant(text(*s)) : QVariant(QMetaType(QMetaType::QString));
}

std::optional<double> optionalMoney(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<double>(v.toDouble());
}

QString listToJson(const std::optional<QStringList> &list)
{
    return list ? QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(*list)).toJson(QJsonDocument::Compact)) : QString();
}

QVariant nullableList(const std::optional<QStringList> &list)
{
    return list ? QVariant(listToJson(list)) : QVariant(QMetaType(QMetaType::QString));
}

std::optional<QStringList> listFromJson(const QVariant &v)
{
    if (v.isNull() || v.toString().isEmpty())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue item : QJsonDocument::fromJson(v.toString().toUtf8()).array())
        out << item.toString();
    return out;
}

// A rollup is kept by adding and taking away doubles, so a day whose rows were all taken away
// can read 1e-17 instead of 0; no amount of money is that small.
double cleanMoney(double v)
{
    return std::abs(v) < 1e-9 ? 0.0 : v;
}

QVariant time(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toUTC().toString(Qt::ISODate)) : QVariant(QMetaType::fromType<QString>());
}

QDateTime timeOf(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODate).toUTC();
}

} // namespace sqlvalue

} // namespace orteam
