#include "Database.h"

#include "Schema.h"
#include "Sql.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>
#include <QUuid>

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <map>
#include <mutex>

#ifdef ORTEAM_SQLITE_PROBE
#include <QSqlDriver>
#include <dlfcn.h>
#include <sqlite3.h>
#endif

Q_LOGGING_CATEGORY(lcStorage, "orteam.storage", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
constexpr QFile::Permissions OwnerOnlyFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr QFile::Permissions OwnerOnlyFolder = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;

// The SQLite files this process has open, by device and inode, with how many connections each.
// POSIX advisory locks belong to a process and a file, not to a descriptor: closing any
// descriptor of the file drops every lock SQLite holds on it ("How To Corrupt An SQLite Database
// File", 2.2). The next process to close the file then takes itself for the last one, checkpoints
// and deletes the -wal and -shm that this process still writes to, and the file is damaged. So
// nothing here opens and closes a database file a connection of this process has open: its
// header is read by the first connection only, under this lock, which is held until that
// connection is counted (the gateway opens one connection per thread at once).
std::mutex &openFilesLock()
{
    static std::mutex lock;
    return lock;
}

std::map<std::pair<quint64, quint64>, int> &openFiles()
{
    static std::map<std::pair<quint64, quint64>, int> files;
    return files;
}

std::optional<std::pair<quint64, quint64>> fileId(const QString &path)
{
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt;
    return std::pair(quint64(st.st_dev), quint64(st.st_ino));
}

// Creates `folder` and every missing folder above it, each 0700: the team database holds emails,
// token hashes, spend and the audit log, and nobody else on the machine needs to list or read it.
// Folders that exist already are left as their owner made them.
bool makePrivateFolders(const QString &folder)
{
    QStringList missing;
    QString path = QDir::cleanPath(folder);
    while (!QFileInfo::exists(path)) {
        missing.prepend(path);
        const QString parent = QFileInfo(path).path();
        if (parent == path)
            break;
        path = parent;
    }
    for (const QString &dir : std::as_const(missing)) {
        // QDir::mkdir with permissions creates it with them (no window where it is world-readable).
        if (!QDir().mkdir(dir, OwnerOnlyFolder) && !QFileInfo(dir).isDir())
            return false;
    }
    return QFileInfo(folder).isDir();
}

// A database made by an older orteam (or the seed's scripts) may be readable by everyone on the
// machine. Its owner's copy is closed to "others" on open; group bits are left as they are, since
// a group may share the file on purpose (a lead's account on the same machine).
QString walPragma()
{
    return u"PRAGMA journal_mode=WAL"_s;
}

void closeToOthers(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() || info.ownerId() != ::getuid())
        return;
    // The mode's own bits, less the others': QFileInfo::permissions() mixes in what *this* user
    // may do (root may write a 0444 file), which set back would add the owner's write bit.
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || !(st.st_mode & S_IRWXO))
        return;
    if (::chmod(QFile::encodeName(path).constData(), st.st_mode & 07770) == 0)
        qCInfo(lcStorage).noquote() << path << "was readable by every user of this machine; now it is not";
    else
        qCWarning(lcStorage).noquote() << path << "is readable by every user of this machine and cannot be changed";
}

QString damagedText(const QString &path, const QString &why)
{
    return u"The database %1 is damaged or not a database (%2). Restore it from a backup."_s.arg(path, why);
}

// Why this user cannot use the SQLite file at `path`, if the file system says so: SQLite needs
// to write the file and, for its -wal and -shm, the folder it is in. Empty: nothing in the way.
QString permissionProblem(const QString &path)
{
    const QByteArray file = QFile::encodeName(path);
    const QString folder = QFileInfo(path).absolutePath();
    if (::access(file.constData(), R_OK | W_OK) != 0)
        return u"The database %1 cannot be opened for writing with this user's permissions: it is not damaged. "
               "Ask its owner for access, or open a copy"_s.arg(path);
    if (::access(QFile::encodeName(folder).constData(), W_OK | X_OK) != 0)
        return u"The database %1 is in a folder this user cannot write to (%2), where SQLite keeps its -wal and -shm "
               "files: it is not damaged. Ask the folder's owner for access, or open a copy"_s.arg(path, folder);
    return {};
}

// The first 100 bytes of the file as SQLite's file format defines them: read before SQLite is
// asked anything, so a file that is no database (or lost its first page) is named as such.
// Empty: SQLite's own empty database (the file opened is made empty).
QString headerProblem(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {}; // SQLite's own open says why (permissions), with the path
    const QByteArray header = file.read(100);
    if (header.isEmpty())
        return {};
    if (header.size() < 100 || !header.startsWith(QByteArrayView("SQLite format 3\0", 16)))
        return u"it does not start with SQLite's header"_s;
    // Page size: a power of two from 512 to 32768, or 1 for 65536. Payload fractions: 64, 32, 32.
    const int pageSize = (quint8(header.at(16)) << 8) | quint8(header.at(17));
    const bool pageSizeOk = pageSize == 1 || (pageSize >= 512 && pageSize <= 32768 && (pageSize & (pageSize - 1)) == 0);
    if (!pageSizeOk || header.at(21) != 64 || header.at(22) != 32 || header.at(23) != 32)
        return u"its SQLite header is damaged"_s;
    return {};
}
} // namespace

QString DbLocation::display() const
{
    if (kind == Kind::Sqlite)
        return path;
    return u"postgresql://%1@%2:%3/%4"_s.arg(user, host).arg(port).arg(database);
}

QString DbLocation::defaultSqlitePath()
{
    // Not AppDataLocation: that folder is named after the running program, and the dashboard and
    // orteam-cli must find the same database.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + u"/orteam/orteam.db"_s;
}

DbLocation DbLocation::ownSqlite()
{
    DbLocation loc;
    loc.path = defaultSqlitePath();
    loc.makeFolders = true;
    return loc;
}

std::optional<DbLocation> DbLocation::parse(const QString &text, QString *error)
{
    const QString t = text.trimmed();
    DbLocation loc;
    if (t.isEmpty()) {
        *error = u"--db needs a file path or a postgresql:// URL"_s;
        return std::nullopt;
    }
    if (t.startsWith("postgresql://"_L1) || t.startsWith("postgres://"_L1)) {
        const QUrl url(t, QUrl::StrictMode);
        // Refused before anything else is said about the URL, and never repeated back: a command
        // line shows in `ps` to every user of the machine and stays in shell history. libpq reads
        // the password itself from PGPASSWORD or ~/.pgpass when none is given.
        if (!url.password().isEmpty()) {
            *error = u"A password in the --db URL would show in 'ps' and shell history; put it in ~/.pgpass or the "
                     "PGPASSWORD environment variable instead (postgresql://user@host:port/database)."_s;
            return std::nullopt;
        }
        const QString name = url.path().mid(1);
        if (!url.isValid() || url.host().isEmpty() || name.isEmpty() || name.contains(u'/')) {
            *error = u"\"%1\" is not a PostgreSQL URL (expected postgresql://user@host:port/database)"_s
                         .arg(url.toString(QUrl::RemovePassword));
            return std::nullopt;
        }
        loc.kind = Kind::Postgres;
        loc.host = url.host();
        loc.port = url.port(5432);
        loc.user = url.userName();
        loc.database = name;
        return loc;
    }
    if (t.contains("://"_L1)) {
        *error = u"\"%1\" is neither a file path nor a postgresql:// URL"_s.arg(t);
        return std::nullopt;
    }
    loc.path = QFileInfo(t).absoluteFilePath();
    if (QFileInfo(loc.path).isDir()) {
        *error = u"\"%1\" is a folder, not a database file"_s.arg(t);
        return std::nullopt;
    }
    return loc;
}

Database::Database() : m_connection(u"orteam-store-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

Database::~Database()
{
    close();
}

bool Database::isOpen() const
{
    return QSqlDatabase::contains(m_connection) && QSqlDatabase::database(m_connection, false).isOpen();
}

void Database::close()
{
    m_probe.reset(); // its pointer is into the connection's own mapping
    m_sqlite.reset();
    if (QSqlDatabase::contains(m_connection)) {
        {
            QSqlDatabase d = QSqlDatabase::database(m_connection, false);
            d.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }
    if (m_file) {
        const std::lock_guard sharing(openFilesLock());
        if (auto it = openFiles().find(*m_file); it != openFiles().end() && --it->second <= 0)
            openFiles().erase(it);
        m_file.reset();
    }
    // After the connection: the mark says "open" for as long as anything could still be written.
    m_mark.remove();
    m_depth = 0;
    m_rollbackOnly = false;
}

QString Database::moneyType() const
{
    return isPostgres() ? u"DOUBLE PRECISION"_s : u"REAL"_s;
}

void Database::setFaultInjector(FaultInjector injector)
{
    m_injector = std::move(injector);
    m_statements = 0;
}

bool Database::injectFault(const QString &sql) const
{
    ++m_statements;
    return m_injector && m_injector(m_statements, sql);
}

Status Database::makePrivate(const QString &path) const
{
    if (QFile::exists(path) && !QFile::setPermissions(path, OwnerOnlyFile))
        return StoreError::database(u"Cannot make %1 readable by its owner only."_s.arg(path));
    return {};
}

Status Database::open(const DbLocation &location)
{
    close();
    m_location = location;
    m_backupPath.clear();
    m_created = false;
    m_wasEmptyFile = false;
    m_openCheck = OpenCheck::None;
    const bool sqlite = location.kind == DbLocation::Kind::Sqlite;
    if (!QSqlDatabase::isDriverAvailable(sqlite ? u"QSQLITE"_s : u"QPSQL"_s)) {
        return StoreError::database(sqlite ? u"The SQLite driver for Qt is not installed (Debian: libqt6sql6-sqlite)."_s
                                           : u"The PostgreSQL driver for Qt is not installed (Debian: libqt6sql6-psql)."_s);
    }
    bool created = false; // a SQLite file made here: its -wal and -shm are made private too
    // ":memory:" (the demo's) is no file; QFile would take it for a Qt resource path and fail.
    const bool inMemory = sqlite && location.path.startsWith(u':');
    // Held from a new file's making and the header's read to this connection being counted.
    std::unique_lock<std::mutex> sharing;
    if (sqlite && !inMemory)
        sharing = std::unique_lock(openFilesLock());
    if (sqlite && !inMemory && !QFileInfo::exists(location.path)) {
        // The file is made (empty: SQLite takes that as an empty database) with 0600 before
        // SQLite opens it, so it is never readable by others, not even for a moment; SQLite
        // gives the -wal and -shm files it makes later the database file's permissions.
        const QString folder = QFileInfo(location.path).absolutePath();
        if (!location.makeFolders && !QFileInfo(folder).isDir())
            return StoreError::database(u"The folder %1 does not exist, so there is no database %2. Check the path, or make "
                                        "the folder first to start a new team database there."_s.arg(folder, location.path));
        if (!makePrivateFolders(folder))
            return StoreError::database(u"Cannot create the folder %1 for the database."_s.arg(folder));
        QFile file(location.path);
        if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly, OwnerOnlyFile)) {
            created = true;
            m_created = true;
            file.close();
        } else if (!QFileInfo::exists(location.path)) { // else another process made it just now
            return StoreError::database(u"Cannot create the database %1: %2"_s.arg(location.path, file.errorString()));
        }
    }
    if (sqlite && !inMemory && !created) {
        const QFileInfo existing(location.path);
        m_wasEmptyFile = existing.isFile() && existing.size() == 0;
    }
    std::optional<std::pair<quint64, quint64>> file;
    if (sqlite && !inMemory)
        file = fileId(location.path); // after a new file is made, not before
    const bool openHere = file && openFiles().count(*file) > 0;
    if (sqlite && !inMemory && !created && !openHere) {
        if (const QString problem = headerProblem(location.path); !problem.isEmpty())
            return StoreError::damagedFile(damagedText(location.path, problem));
    }
    QSqlDatabase d = QSqlDatabase::addDatabase(sqlite ? u"QSQLITE"_s : u"QPSQL"_s, m_connection);
    if (sqlite) {
        d.setDatabaseName(location.path);
        d.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s); // a second process waits instead of failing
    } else {
        // No password: libpq reads PGPASSWORD or ~/.pgpass itself (see DbLocation::parse).
        d.setHostName(location.host);
        d.setPort(location.port);
        d.setUserName(location.user);
        d.setDatabaseName(location.database);
        d.setConnectOptions(u"connect_timeout=10"_s);
    }
    // Every failure below drops this handle before close(), so the connection can be removed.
    auto abandon = [&](const StoreError &error) {
        d = QSqlDatabase();
        close();
        return Status(error);
    };
    const bool opened = d.open();
    if (opened && file) {
        ++openFiles()[*file];
        m_file = file;
    }
    if (sharing.owns_lock())
        sharing.unlock(); // before abandon(): close() takes it
    if (!opened)
        return abandon(StoreError::database(u"Cannot open the database %1: %2"_s.arg(location.display(), d.lastError().text())));
    if (sqlite) {
        const bool seed = isSeedDatabase();
        if (Status checked = checkSqliteFile(inMemory, seed); !checked)
            return abandon(checked.error());
        if (seed) {
            if (Status backedUp = backUpSeed(); !backedUp)
                return abandon(backedUp.error());
        }
        // WAL lets the GUI sync while the CLI reads a report; foreign keys are off by default. A
        // seed database is migrated in its own rollback journal first and goes WAL after: the
        // migration's new pages (indexes over every usage row, a gigabyte at ten million rows)
        // are then written once, where WAL writes them to its log and again at the checkpoint.
        QStringList pragmas{u"PRAGMA foreign_keys=ON"_s};
        if (!seed)
            pragmas.prepend(walPragma());
        for (const QString &pragma : std::as_const(pragmas)) {
            if (Status s = Sql::run(*this, pragma, u"Cannot prepare the database %1"_s.arg(location.path)); !s)
                return abandon(s.error());
        }
        if (!created) {
            for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s})
                closeToOthers(location.path + suffix);
        } else {
            // Belt and braces: SQLite copies the database file's mode to these, but a umask or an
            // older SQLite must not leave them readable by others.
            for (const QString &suffix : {u"-wal"_s, u"-shm"_s}) {
                if (Status s = makePrivate(location.path + suffix); !s)
                    return abandon(s.error());
            }
        }
    }
    if (Status migrated = Schema::migrate(*this); !migrated)
        return abandon(migrated.error());
    if (sqlite && !m_backupPath.isEmpty()) {
        if (Status s = Sql::run(*this, walPragma(), u"Cannot prepare the database %1"_s.arg(location.path)); !s)
            return abandon(s.error());
        for (const QString &suffix : {u"-wal"_s, u"-shm"_s})
            closeToOthers(location.path + suffix);
    }
    return {};
}

Status Database::checkSqliteFile(bool inMemory, bool seed)
{
    m_openCheck = OpenCheck::Header;
    {
        // SQLite reads page 1 and the schema table for this: a file that lost them fails here
        // (the header was read before the connection was made).
        Sql schema(*this, u"SELECT COUNT(*) FROM sqlite_master"_s);
        const Status read = schema.exec();
        const Result<bool> row = read ? schema.fetch() : Result<bool>(read.error());
        if (!row) {
            // A file or folder this user cannot write fails the same read (SQLite makes its -shm
            // and -wal beside the file): that is said, not "damaged", which would send someone
            // to overwrite a good file with a backup. Only when SQLite's own answer is that it
            // could not open or write: a damaged file in a folder this user cannot write is
            // still damaged.
            const QString said = row.errorText();
            const bool access = said.contains(u"readonly"_s, Qt::CaseInsensitive) || said.contains(u"unable to open"_s, Qt::CaseInsensitive);
            if (const QString denied = access ? permissionProblem(m_location.path) : QString(); !denied.isEmpty())
                return StoreError::database(u"%1 (%2)"_s.arg(denied, said));
            return StoreError::damagedFile(damagedText(m_location.path, u"its schema cannot be read: %1"_s.arg(said)));
        }
    }
    std::vector<SessionMark> leftBehind = inMemory ? std::vector<SessionMark>() : SessionMark::leftBehind(m_location.path);
    if (seed) {
        // Once, before the backup: a damaged seed database is neither copied nor migrated.
        m_openCheck = OpenCheck::Full;
        progress(u"%1 was written by the seed's scripts: checking every page before copying and migrating it"_s.arg(
            m_location.path));
        if (!checkIntegrity(Integrity::Full))
            return StoreError::damagedFile(damagedText(m_location.path, u"integrity check failed"_s));
    } else if (!leftBehind.empty()) {
        // A session ended without closing (killed, crashed, power lost). SQLite's WAL keeps
        // commits whole through that; what it cannot promise is a disk that lied about a flush,
        // so the pages are checked once now, not on every open.
        m_openCheck = OpenCheck::Quick;
        qCInfo(lcStorage).noquote() << m_location.path << "was not closed cleanly (" << leftBehind.size()
                                    << "session(s)); checking its pages";
        if (Status s = checkIntegrity(Integrity::Quick); !s)
            return StoreError::database(u"It was not closed cleanly last time. "_s + s.errorText());
    }
    // Checked (or nothing to check): the next open need not look again. A failed check above
    // leaves them, so every open refuses the file until it is restored.
    for (SessionMark &mark : leftBehind)
        mark.remove();
    if (!inMemory && !m_mark.place(m_location.path))
        qCInfo(lcStorage).noquote() << "cannot mark" << m_location.path
                                    << "as open (is its folder read-only?): an unclean shutdown will go unnoticed";
    return {};
}

Status Database::checkIntegrity(Integrity depth) const
{
    if (isPostgres())
        return {};
    const QString pragma = depth == Integrity::Full ? u"integrity_check"_s : u"quick_check"_s;
    // At most a few problems: a badly damaged file lists one per page.
    Sql check(*this, u"PRAGMA %1(5)"_s.arg(pragma));
    QStringList problems;
    if (const Status ran = check.exec(); !ran) {
        problems << ran.errorText();
    } else {
        while (check.next())
            problems << check.value(0).toString().simplified(); // one line: "*** in database main *** Page 9: …"
        if (const Status read = check.finished(); !read)
            problems << read.errorText();
    }
    if (problems == QStringList{u"ok"_s})
        return {};
    if (problems.isEmpty())
        problems << u"no answer"_s;
    return StoreError::database(u"The database %1 is damaged (%2 found: %3). Restore it from a backup."_s.arg(
        m_location.path, pragma, problems.join(u"; "_s)));
}

bool Database::isSeedDatabase() const
{
    const QStringList tables = QSqlDatabase::database(m_connection, false).tables();
    return !tables.contains(u"schema_version"_s) && (tables.contains(u"user_usage"_s) || tables.contains(u"user_budgets"_s));
}

Status Database::backUpSeed()
{
    const QString backup = m_location.path + u".orteam-backup-"_s
        + QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss"_s);
    progress(u"saving a copy as %1"_s.arg(backup));
    // Copied byte for byte with no connection of this process on the file: the copy's own
    // descriptor, closed, would drop the locks of any connection still open (see openFilesLock).
    QSqlDatabase d = QSqlDatabase::database(m_connection, false);
    d.close();
    m_probe.reset(); // both point into the connection closed here: the reopened one is another
    m_sqlite.reset();
    bool copied = false;
    {
        const std::lock_guard sharing(openFilesLock());
        const bool alone = !m_file || openFiles()[*m_file] <= 1;
        copied = alone && QFile::copy(m_location.path, backup);
    }
    if (!d.open())
        return StoreError::database(u"Cannot open the database %1 again after saving its copy: %2"_s.arg(m_location.path, d.lastError().text()));
    if (!copied) {
        return StoreError::database(
            u"Cannot save a backup of %1 before migrating it (to %2); nothing was changed."_s.arg(m_location.path, backup));
    }
    m_backupPath = backup;
    qCInfo(lcStorage).noquote() << "seed database backed up to" << backup;
    return {};
}

Result<int> Database::schemaVersion() const
{
    Sql q(*this, u"SELECT MAX(version) FROM schema_version"_s, u"Cannot read the database's schema version"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row ? q.value(0).toInt() : 0;
}

Status Database::lockKey(const QString &key)
{
    if (!isPostgres())
        return {};
    return Sql(*this, u"SELECT pg_advisory_xact_lock(hashtext(:key))"_s, u"Cannot lock %1"_s.arg(key)).bind(u":key"_s, key).exec();
}

// PRAGMA data_version costs a statement and a read transaction (two fcntl locks on the -shm
// file): most of the gateway's database time, asked before every request. In WAL mode every
// commit, by any connection, rewrites the WAL index's header in shared memory before it returns
// (its change count goes up, or its salt changes when the log restarts), and SQLite itself tells
// "nothing changed" by comparing that header. So the header is read first; while it is byte for
// byte what it was before the pragma last ran, the pragma's answer stands. A header caught
// half-written only differs, which costs one pragma too many, never a change missed.
struct Database::ChangeProbe
{
    static constexpr int HeaderSize = 48; // one copy of the WAL index header (SQLite's file format)
    const volatile unsigned char *header = nullptr; // null: no shortcut, the pragma every time
    std::array<unsigned char, HeaderSize> seen{};
    std::optional<qint64> counter; // what the pragma said just after `seen` was read

    std::array<unsigned char, HeaderSize> read() const
    {
        // Ordered after whatever this thread read before (a request from a socket): a commit
        // that came before that request is seen.
        std::atomic_thread_fence(std::memory_order_acquire);
        std::array<unsigned char, HeaderSize> out{};
        for (int i = 0; i < HeaderSize; ++i)
            out[size_t(i)] = header[i];
        std::atomic_thread_fence(std::memory_order_acquire);
        return out;
    }
};

namespace {
#ifdef ORTEAM_SQLITE_PROBE
// The connection's sqlite3 handle, or null when Qt's driver does not use the very SQLite library
// this code calls (a driver with SQLite built in would hand over a handle of another library's,
// and calling into this one with it would corrupt both).
sqlite3 *sameLibraryHandle(const QString &connection)
{
    const QSqlDatabase d = QSqlDatabase::database(connection, false);
    const QSqlDriver *driver = d.driver();
    const QVariant handle = driver ? driver->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.constData());
    Dl_info plugin{};
    if (!db || !::dladdr(*reinterpret_cast<void *const *>(driver), &plugin) || !plugin.dli_fname)
        return nullptr; // where the driver's code (its vtable) lives: the plugin
    void *lib = ::dlopen(plugin.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    void *theirs = lib ? ::dlsym(lib, "sqlite3_file_control") : nullptr;
    if (lib)
        ::dlclose(lib);
    Dl_info a{}, b{};
    if (!theirs || !::dladdr(theirs, &a) || !::dladdr(reinterpret_cast<void *>(&sqlite3_file_control), &b)
        || a.dli_fbase != b.dli_fbase)
        return nullptr;
    return db;
}

// The WAL index of the connection's main database as mapped by SQLite in this process, or null
// when that cannot be had safely (not WAL, or not the same library: sameLibraryHandle()).
const volatile unsigned char *walIndexHeader(sqlite3 *db)
{
    if (!db)
        return nullptr;
    sqlite3_file *file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || !file->pMethods
        || file->pMethods->iVersion < 2 || !file->pMethods->xShmMap)
        return nullptr;
    // Region 0 holds the header; not extended (bExtend 0): only a mapping SQLite already made.
    volatile void *region = nullptr;
    if (file->pMethods->xShmMap(file, 0, 32 * 1024, 0, &region) != SQLITE_OK || !region)
        return nullptr;
    return static_cast<const volatile unsigned char *>(region);
}
#endif

std::optional<qint64> dataVersion(const Database &db)
{
    Sql q(db, u"PRAGMA data_version"_s);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return q.value(0).toLongLong();
}
} // namespace

void *Database::sqliteHandle() const
{
    if (isPostgres() || !isOpen())
        return nullptr;
    if (!m_sqlite) {
#ifdef ORTEAM_SQLITE_PROBE
        m_sqlite = sameLibraryHandle(m_connection);
#else
        m_sqlite = nullptr;
#endif
    }
    return *m_sqlite;
}

std::optional<qint64> Database::changeCounter() const
{
    if (m_probe && m_probe->header) {
        const std::array<unsigned char, ChangeProbe::HeaderSize> now = m_probe->read();
        if (m_probe->counter && now == m_probe->seen)
            return m_probe->counter;
        // Changed (or never asked): the header before the pragma, so a commit between the two
        // leaves an older header behind and is asked about again next time.
        m_probe->seen = now;
        m_probe->counter = isOpen() ? dataVersion(*this) : std::nullopt;
        return m_probe->counter;
    }
    if (isPostgres() || !isOpen())
        return std::nullopt;
    const std::optional<qint64> counter = dataVersion(*this); // opens the WAL index, if any
    if (!m_probe) {
        m_probe = std::make_unique<ChangeProbe>();
#ifdef ORTEAM_SQLITE_PROBE
        Sql mode(*this, u"PRAGMA journal_mode"_s);
        if (counter && mode.exec() && mode.next() && mode.value(0).toString().compare(u"wal"_s, Qt::CaseInsensitive) == 0)
            m_probe->header = walIndexHeader(static_cast<sqlite3 *>(sqliteHandle()));
#endif
        // The next call reads the header and asks the pragma once more: this answer came before
        // any header was read.
    }
    return counter;
}

Status Database::beginWrite()
{
    if (!isOpen())
        return StoreError::database(u"The team database is not open."_s);
    if (isPostgres()) {
        // QSqlDatabase's own BEGIN, so its commit() later can tell a COMMIT that PostgreSQL
        // turned into a ROLLBACK (after a failed statement) from one that saved.
        if (injectFault(u"BEGIN"_s))
            return StoreError::database(u"Cannot start a write to the database: injected fault (BEGIN)"_s);
        QSqlDatabase d = QSqlDatabase::database(m_connection, false);
        if (d.transaction())
            return {};
        return StoreError::database(u"Cannot start a write to the database: %1"_s.arg(d.lastError().text()));
    }
    // IMMEDIATE takes the write lock up front, waiting (busy timeout) for another writer (the
    // dashboard's worker, a CLI process) to finish. A plain deferred BEGIN that reads first and
    // writes later fails at once with "database is locked" when another write committed between.
    return Sql::run(*this, u"BEGIN IMMEDIATE"_s, u"Cannot start a write to the database"_s);
}

Status Database::transaction(const std::function<Status()> &work)
{
    if (m_depth > 0) {
        // Joined: the outermost call commits or rolls back. A step that failed inside marks the
        // whole transaction as failed, so an outer `work` that went on regardless cannot commit
        // half of a step (fail closed: "all of it, or none").
        ++m_depth;
        Status s = work();
        --m_depth;
        if (!s && !m_rollbackOnly) {
            m_rollbackOnly = true;
            m_innerError = s.error();
        }
        return s;
    }
    if (Status begun = beginWrite(); !begun)
        return begun;
    m_depth = 1;
    m_rollbackOnly = false;
    Status s = work();
    m_depth = 0;
    if (s && m_rollbackOnly)
        s = m_innerError; // a joined step failed, and `work` did not say so: nothing is saved
    m_rollbackOnly = false;
    if (!s) {
        rollBack();
        return s;
    }
    if (injectFault(u"COMMIT"_s)) {
        rollBack();
        return StoreError::database(u"Cannot save the changes to the database: injected fault (COMMIT)"_s);
    }
    QSqlDatabase d = QSqlDatabase::database(m_connection, false);
    if (!d.commit()) {
        const QString why = d.lastError().text();
        d = QSqlDatabase();
        rollBack();
        return StoreError::database(u"Cannot save the changes to the database: %1"_s.arg(why));
    }
    return {};
}

void Database::rollBack()
{
    {
        QSqlDatabase d = QSqlDatabase::database(m_connection, false);
        if (d.rollback())
            return;
        qCWarning(lcStorage).noquote() << "rollback failed:" << d.lastError().text() << "— closing the connection";
    }
    // A connection left inside a transaction would fail every later BEGIN with a puzzling
    // "cannot start a transaction within a transaction", and a later COMMIT could save what was
    // meant to be undone: closed, every later use says plainly that the database is not open.
    close();
}

QString Database::openedNote(const QString &shownAs) const
{
    // Said, so a mistyped path is seen at once rather than read as a team without members.
    if (m_created)
        return u"%1 did not exist: it is a new, empty team database"_s.arg(shownAs);
    if (m_wasEmptyFile)
        return u"%1 was an empty file (0 bytes): it is now a new, empty team database. If a copy cut short or a full disk "
               "emptied it, restore it from a backup."_s.arg(shownAs);
    return {};
}

} // namespace orteam
