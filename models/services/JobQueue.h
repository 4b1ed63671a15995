#pragma once

#include "Database.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>

namespace orteam {

class Store;

// Runs database work off the GUI thread, one job at a time in the order given, on a thread with
// its own connection to the same database (qBittorrent's resume-data storage does the same). A
// job's result comes back on the caller's thread through `done`, unless `context` is gone. An
// in-memory SQLite database (":memory:") exists on one connection only: its jobs run on the
// caller's thread instead, still one at a time and still answered from the event loop.
class JobQueue final : public QObject
{
    Q_OBJECT

public:
    // `local` is the caller's own Store (used for in-memory databases).
    explicit JobQueue(Store *local, QObject *parent = nullptr);
    ~JobQueue() override; // finishes the job under way (a transaction is never cut short)

    // Queues `work` (run with the worker's Store; its result passed to `done` on this thread).
    template <typename T>
    void run(QObject *context, std::function<T(Store &)> work, std::function<void(const T &)> done)
    {
        auto result = std::make_shared<std::optional<T>>();
        enqueue(context, [work, result](Store &s) { *result = work(s); },
                [done, result] { done(**result); });
    }
    bool isBusy() const { return m_pending > 0; }
    int pending() const { return m_pending; }

Q_SIGNALS:
    void idle(); // every queued job has answered

private:
    void enqueue(QObject *context, std::function<void(Store &)> work, std::function<void()> done);

    Store *m_local;
    DbLocation m_location;
    QThread m_thread;
    QObject *m_worker = nullptr;             // lives in m_thread
    std::unique_ptr<Store> m_workerStore;    // opened, used and closed in m_thread only
    Status m_openStatus;
    int m_pending = 0;
};

} // namespace orteam
