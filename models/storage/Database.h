#pragma once

#include "SessionMark.h"
#include "StoreResult.h"

#include <QLoggingCategory>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

namespace orteam {

// Where the database is: a SQLite file (the default) or a PostgreSQL server shared by a team.
struct DbLocation
{
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString path; // SQLite file
    QString host, user, database;
    int port = 5432;
    QString display() const;

    // Parses --db: a file path, or postgresql://user@host[:port]/name. A password in the URL is
    // refused (a command line shows in `ps`): it belongs in ~/.pgpass or PGPASSWORD.
    static std::optional<DbLocation> parse(const QString &text, QString *error);
    static QString defaultSqlitePath(); // ~/.local/share/orteam/orteam.db, shared by orteam and orteam-cli
    // SQLite at defaultSqlitePath(), its folders made when missing (makeFolders).
    static DbLocation ownSqlite();
    // The folders up to a new SQLite file are made (0700). Only for orteam's own location: a path
    // someone gave that names a missing folder is far more often mistyped than meant, and a new
    // empty team there would read as "no members".
    bool makeFolders = false;
};

// One open connection to the team database: opening it (a new SQLite file and its folder are
// created private: 0600 in 0700), write transactions, and the one place that knows SQLite from
// PostgreSQL. The schema is Schema's; what the tables mean is the repositories'. Qt SQL stays
// behind this header (see Sql.h, which only storage sources include).
class Database
{
public:
    Database();
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens, backs up and migrates a seed database, brings the schema up to date. On failure
    // nothing stays open. A SQLite file is checked only as far as it pays (see OpenCheck): a
    // damaged file is refused with the reason, and nothing is written to it.
    Status open(const DbLocation &location);
    // What the last open checked of a SQLite file. Every open reads the header and the schema
    // (microseconds, whatever the size); a whole-file check costs a read of every page (seconds
    // at a million rows), so it runs only where damage is likely or a copy is about to be made:
    // Quick (PRAGMA quick_check) after an unclean shutdown (a SessionMark left behind), Full
    // (PRAGMA integrity_check) before a seed database is backed up and migrated. `orteam-cli db
    // check` runs the full check on demand (checkIntegrity).
    // The last open made the SQLite file (there was none): a new, empty team database.
    bool created() const { return m_created; }
    // The last open found an empty file (0 bytes), which SQLite takes as an empty database: made
    // a new team database in it too, but a copy cut short or a full disk leaves such a file, so
    // whoever opens it is told.
    bool wasEmptyFile() const { return m_wasEmptyFile; }
    // What whoever opened it is told of the two above (`shownAs`: the file as they named it), the
    // same words from orteam-cli and the dashboard; empty when the file was there with a team in it.
    QString openedNote(const QString &shownAs) const;
    enum class OpenCheck { None, Header, Quick, Full };
    OpenCheck openCheck() const { return m_openCheck; }
    // PRAGMA integrity_check (every page, and every index against its table) or quick_check
    // (pages only, no index lookups): an error naming the first problems when the file is
    // damaged. PostgreSQL checks its own pages (checksums) and has no such pragma: it answers ok.
    enum class Integrity { Quick, Full };
    Status checkIntegrity(Integrity depth) const;
    void close();
    bool isOpen() const;
    DbLocation location() const { return m_location; }
    bool isPostgres() const { return m_location.kind == DbLocation::Kind::Postgres; }
    QString backupPath() const { return m_backupPath; } // set when a seed database was migrated
    Result<int> schemaVersion() const;
    // A number that changes whenever another connection commits (SQLite's data_version), so a
    // long-running reader (orteam-gateway) can ask "has anyone changed anything?" before every
    // request for a few microseconds. nullopt when it cannot tell (PostgreSQL has no such
    // counter, or the pragma failed): the caller must then ask the database itself. In WAL mode
    // the answer comes from the WAL index's header in shared memory while that is unchanged
    // (no statement, no lock: nanoseconds); the pragma is asked only after it changed.
    std::optional<qint64> changeCounter() const;
    // Statements this connection ran that may have changed something (Sql::executed: not a
    // BEGIN or COMMIT, not a write that touched no row): with changeCounter(), whether something
    // read a moment ago may have changed since.
    quint64 ownWrites() const { return m_ownWrites; }
    void noteOwnWrite() const { ++m_ownWrites; } // Sql, after a statement without rows

    // Runs `work` in one write transaction: committed when it succeeds, else rolled back, so
    // nothing is left half-written. Nested calls join the outer transaction (a service that saves
    // a member, links its keys and audits it calls repositories that each use transactions); when
    // a nested call fails, the outer transaction is rolled back even if its `work` goes on and
    // returns success (it then returns the nested call's error).
    Status transaction(const std::function<Status()> &work);
    bool inTransaction() const { return m_depth > 0; }
    // Inside a transaction: waits until no other transaction holds the same key, until this one
    // ends. SQLite's write transactions already exclude each other (BEGIN IMMEDIATE); PostgreSQL
    // takes a transaction-scoped advisory lock on the key.
    Status lockKey(const QString &key);

    // The SQL type of an amount of USD: REAL on SQLite, DOUBLE PRECISION on PostgreSQL.
    QString moneyType() const;
    // Told what a long open is doing, a line at a time: only the first open of a seed database
    // (its check, its copy, the migration's steps) takes long enough to say so (a minute at ten
    // million rows). Set before open(); null: nothing said.
    using Progress = std::function<void(const QString &what)>;
    void setProgress(Progress progress) { m_progress = std::move(progress); }
    void progress(const QString &what) const
    {
        if (m_progress)
            m_progress(what);
    }

    // The connection's sqlite3 handle (as void *: SQLite stays out of headers) when Qt's SQLite
    // driver uses the very SQLite library orteam is built with, as on Linux distributions, so
    // Sql::scan() can walk many rows straight from sqlite3_step, with no QVariant per value. Null
    // on PostgreSQL, when closed, or when that cannot be had safely.
    void *sqliteHandle() const;

    // Qt SQL's connection name (for Sql.h).
    QString connectionName() const { return m_connection; }

    // Tests: called before every statement (a transaction's BEGIN and COMMIT too) with its running
    // number (1, 2, …) since this was set; returning true makes that statement fail as the
    // database would. Null: no faults.
    using FaultInjector = std::function<bool(int statement, const QString &sql)>;
    void setFaultInjector(FaultInjector injector);
    // Whether the statement about to run should fail (counts it). Used by Sql.
    bool injectFault(const QString &sql) const;

private:
    Status beginWrite();
    void rollBack(); // closes the connection if even that fails
    bool isSeedDatabase() const;
    Status checkSqliteFile(bool inMemory, bool seed);
    Status backUpSeed();
    Status makePrivate(const QString &path) const;

    QString m_connection;
    DbLocation m_location;
    QString m_backupPath;
    int m_depth = 0;
    bool m_rollbackOnly = false; // a joined transaction failed: the outermost one must not commit
    StoreError m_innerError;
    FaultInjector m_injector;
    Progress m_progress;
    mutable int m_statements = 0;
    mutable quint64 m_ownWrites = 0;
    OpenCheck m_openCheck = OpenCheck::None;
    bool m_created = false;
    bool m_wasEmptyFile = false;
    std::optional<std::pair<quint64, quint64>> m_file; // SQLite: the file's device and inode, while open
    SessionMark m_mark; // SQLite files: held while open, removed by a clean close
    struct ChangeProbe; // changeCounter()'s shortcut (Database.cpp), dropped by close()
    mutable std::unique_ptr<ChangeProbe> m_probe;
    mutable std::optional<void *> m_sqlite; // sqliteHandle(), asked once per open
};

} // namespace orteam
