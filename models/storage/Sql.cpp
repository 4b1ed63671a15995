#include "Sql.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

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
