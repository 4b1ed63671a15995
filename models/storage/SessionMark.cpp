#include "SessionMark.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QString markPrefix(const QString &databasePath)
{
    return QFileInfo(databasePath).fileName() + u"-open-"_s;
}
} // namespace

SessionMark::SessionMark(SessionMark &&other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path))
{
    other.m_fd = -1;
}

SessionMark &SessionMark::operator=(SessionMark &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
    }
    return *this;
}

bool SessionMark::place(const QString &databasePath)
{
    release();
    const QString tag = QString::number(QRandomGenerator::global()->generate64(), 16);
    const QString folder = QFileInfo(databasePath).absolutePath();
    // Made under another name and renamed once locked: a mark is never seen unlocked while its
    // owner is alive, so no opener takes a live session's mark for a dead one's.
    const QString making = folder + u'/' + QFileInfo(databasePath).fileName() + u"-opening-"_s + tag;
    const QString named = folder + u'/' + markPrefix(databasePath) + tag;
    const QByteArray makingName = QFile::encodeName(making);
    const int fd = ::open(makingName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    const QByteArray note = u"%1 (pid %2) has %3 open since %4. Left behind only when it did not close cleanly; the next "
                            "open then checks the database.\n"_s
                                .arg(QCoreApplication::applicationName())
                                .arg(::getpid())
                                .arg(QFileInfo(databasePath).fileName(),
                                     QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                                .toUtf8();
    const bool ok = ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::write(fd, note.constData(), size_t(note.size())) == note.size()
        && ::rename(makingName.constData(), QFile::encodeName(named).constData()) == 0;
    if (!ok) {
        ::unlink(makingName.constData());
        ::close(fd);
        return false;
    }
    m_fd = fd;
    m_path = named;
    return true;
}

std::vector<SessionMark> SessionMark::leftBehind(const QString &databasePath)
{
    std::vector<SessionMark> out;
    const QString prefix = markPrefix(databasePath);
    const QDir folder = QFileInfo(databasePath).absoluteDir();
    // Filtered here, not by a name filter: a database's name may hold the filter's wildcards.
    const QStringList names = folder.entryList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QString &name : names) {
        if (!name.startsWith(prefix))
            continue;
        const QString path = folder.filePath(name);
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue; // removed by its owner's clean close since the listing
        struct stat st{};
        // Locked by someone: a live session (or another opener clearing it). Unlinked while we
        // waited: its owner closed cleanly (remove() deletes before it unlocks).
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::fstat(fd, &st) != 0 || st.st_nlink == 0) {
            ::close(fd);
            continue;
        }
        SessionMark mark;
        mark.m_fd = fd;
        mark.m_path = path;
        out.push_back(std::move(mark));
    }
    return out;
}

void SessionMark::remove()
{
    if (m_fd < 0)
        return;
    ::unlink(QFile::encodeName(m_path).constData());
    release();
}

void SessionMark::release()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_path.clear();
}

} // namespace orteam
