#pragma once

#include <QString>

#include <vector>

namespace orteam {

// A small file beside a SQLite database ("team.db-open-1a2b3c4d") that says "a connection has
// this database open", kept locked (flock) for as long as the connection is open and removed when
// it closes. A mark that is left behind and not locked belongs to a process that ended without
// closing (killed, crashed, the machine lost power): the one sign of an unclean shutdown that is
// cheap to see and robust.
//
// Why not the database itself: a row set at open and cleared at close costs a write transaction
// (and its fsync) on every open, waits for the write lock while a sync writes, wakes every
// reader that watches data_version, cannot be written by a read-only user, and cannot tell a
// session that is still running from one that died (several processes share the file). Why not
// a left-over -wal file: one is normal whenever another connection is open, or when the last one
// could not checkpoint. A kernel lock goes away exactly when its process does, whatever the
// reason, and other processes (and other connections of this one) can test it without waiting.
class SessionMark
{
public:
    SessionMark() = default;
    ~SessionMark() { release(); }
    SessionMark(const SessionMark &) = delete;
    SessionMark &operator=(const SessionMark &) = delete;
    SessionMark(SessionMark &&other) noexcept;
    SessionMark &operator=(SessionMark &&other) noexcept;

    // Makes and locks this connection's mark; false (and no mark) when the folder is not
    // writable, where open goes on without crash detection.
    bool place(const QString &databasePath);
    // The marks no live process holds, each locked by this one until removed or released, so two
    // openers do not both take the same one as theirs to clear.
    static std::vector<SessionMark> leftBehind(const QString &databasePath);

    void remove();  // deletes the file, then unlocks it: a clean close
    void release(); // unlocks it and leaves the file (a stale mark stays for the next open to see)
    bool isHeld() const { return m_fd >= 0; }
    QString path() const { return m_path; }

private:
    int m_fd = -1;
    QString m_path;
};

} // namespace orteam
