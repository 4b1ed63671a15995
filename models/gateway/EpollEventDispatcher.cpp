#include "EpollEventDispatcher.h"

#include <QAbstractEventDispatcher>

#ifdef Q_OS_LINUX

#include <QAtomicInt>
#include <QCoreApplication>
#include <QEvent>
#include <QHash>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <QVarLengthArray>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <limits>
#include <optional>
#include <set>
#include <vector>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace orteam {

namespace {
qint64 nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class EpollEventDispatcher final : public QAbstractEventDispatcher
{
public:
    EpollEventDispatcher()
        : m_epoll(::epoll_create1(EPOLL_CLOEXEC)), m_wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    {
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.fd = m_wake;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &e);
    }

    ~EpollEventDispatcher() override
    {
        ::close(m_wake);
        ::close(m_epoll);
    }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override
    {
        Q_EMIT awake();
        QCoreApplication::sendPostedEvents(); // what was posted to this thread, deferred deletes too
        if (m_interrupt.fetchAndStoreRelaxed(0))
            return false;

        int timeout = 0;
        if (flags.testFlag(QEventLoop::WaitForMoreEvents)) {
            timeout = -1;
            if (!m_queue.empty())
                timeout = int(std::clamp<qint64>(m_queue.begin()->first - nowMs(), 0, std::numeric_limits<int>::max()));
        }
        if (timeout != 0)
            Q_EMIT aboutToBlock();
        applyInterest();
        std::array<epoll_event, 256> ready;
        int n = ::epoll_wait(m_epoll, ready.data(), int(ready.size()), timeout);
        if (n < 0)
            n = 0; // EINTR: a signal; the loop comes round again
        Q_EMIT awake();

        bool handled = false;
        for (int i = 0; i < n; ++i) {
            const int fd = ready[i].data.fd;
            if (fd == m_wake) {
                eventfd_t drained;
                ::eventfd_read(m_wake, &drained);
                m_wakePending.storeRelease(0);
                continue;
            }
            if (flags.testFlag(QEventLoop::ExcludeSocketNotifiers))
                continue; // level-triggered: they are reported again
            const uint32_t r = ready[i].events;
            if (r & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
                handled |= activate(fd, QSocketNotifier::Read);
            if (r & (EPOLLOUT | EPOLLHUP | EPOLLERR))
                handled |= activate(fd, QSocketNotifier::Write);
            if (r & EPOLLPRI)
                handled |= activate(fd, QSocketNotifier::Exception);
        }
        if (!flags.testFlag(QEventLoop::X11ExcludeTimers))
            handled |= fireTimers();
        return handled;
    }

    void registerSocketNotifier(QSocketNotifier *notifier) override
    {
        const int fd = int(notifier->socket());
        auto it = m_watches.find(fd);
        if (it == m_watches.end())
            it = m_watches.insert(fd, {});
        QSocketNotifier *&slot = it->notifiers[notifier->type()];
        if (slot && slot != notifier && it->registered)
            it->registered = ~0u; // another notifier's descriptor, closed and reused: re-added, not trusted
        slot = notifier;
        markDirty(fd, *it);
    }

    void unregisterSocketNotifier(QSocketNotifier *notifier) override
    {
        const int fd = int(notifier->socket());
        const auto it = m_watches.find(fd);
        if (it == m_watches.end() || it->notifiers[notifier->type()] != notifier)
            return;
        it->notifiers[notifier->type()] = nullptr;
        if (std::all_of(it->notifiers.begin(), it->notifiers.end(), [](QSocketNotifier *n) { return !n; })) {
            // At once, not lazily: the descriptor is about to be closed, and its number may be
            // reused before the next wait.
            if (it->registered)
                ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
            m_watches.erase(it);
            return;
        }
        markDirty(fd, *it);
    }

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override
    {
        const Timer t{interval, timerType, object, nowMs() + interval};
        m_timers.insert(timerId, t);
        m_queue.insert({t.deadline, timerId});
    }

    bool unregisterTimer(int timerId) override
    {
        const auto it = m_timers.find(timerId);
        if (it == m_timers.end())
            return false;
        m_queue.erase({it->deadline, timerId});
        m_timers.erase(it);
        return true;
    }

    bool unregisterTimers(QObject *object) override
    {
        bool any = false;
        for (auto it = m_timers.begin(); it != m_timers.end();) {
            if (it->object == object) {
                m_queue.erase({it->deadline, it.key()});
                it = m_timers.erase(it);
                any = true;
            } else {
                ++it;
            }
        }
        return any;
    }

    QList<TimerInfo> registeredTimers(QObject *object) const override
    {
        QList<TimerInfo> out;
        for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
            if (it->object == object)
                out.append(TimerInfo(it.key(), int(it->interval), it->type));
        }
        return out;
    }

    int remainingTime(int timerId) override
    {
        const auto it = m_timers.constFind(timerId);
        return it == m_timers.cend() ? -1 : int(std::max<qint64>(0, it->deadline - nowMs()));
    }

    void wakeUp() override // any thread
    {
        if (m_wakePending.testAndSetAcquire(0, 1))
            ::eventfd_write(m_wake, 1);
    }

    void interrupt() override
    {
        m_interrupt.storeRelaxed(1);
        wakeUp();
    }

private:
    struct Watch
    {
        std::array<QSocketNotifier *, 3> notifiers{}; // Read, Write, Exception
        std::optional<uint32_t> registered; // what the kernel has; nullopt: not added yet
        bool dirty = false; // in m_dirty
    };
    struct Timer
    {
        qint64 interval;
        Qt::TimerType type;
        QObject *object;
        qint64 deadline; // ms, steady clock
    };

    // Interest changes reach the kernel just before the next wait, not as they are made: a
    // socket enables its write notifier for every write and disables it once the write went out
    // (twice per request for each of the two sockets a forwarded request uses), which would be an
    // epoll_ctl each. Applied before every wait, so the kernel never waits on stale interest (a
    // disabled notifier reported anyway is skipped by activate(), and is gone by the next wait).
    void markDirty(int fd, Watch &w)
    {
        if (w.dirty)
            return;
        w.dirty = true;
        m_dirty.push_back(fd);
    }

    void applyInterest()
    {
        for (int fd : m_dirty) {
            const auto it = m_watches.find(fd);
            if (it == m_watches.end() || !it->dirty)
                continue; // gone since (removed at once), or already applied (listed twice)
            it->dirty = false;
            uint32_t events = 0;
            if (it->notifiers[QSocketNotifier::Read])
                events |= EPOLLIN | EPOLLRDHUP;
            if (it->notifiers[QSocketNotifier::Write])
                events |= EPOLLOUT;
            if (it->notifiers[QSocketNotifier::Exception])
                events |= EPOLLPRI;
            if (it->registered == events)
                continue;
            epoll_event e{};
            e.data.fd = fd;
            e.events = events;
            const bool added = it->registered.has_value();
            if (::epoll_ctl(m_epoll, added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &e) < 0) {
                if (added && errno == ENOENT)
                    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &e); // the descriptor was closed and reused
                else if (!added && errno == EEXIST)
                    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &e);
            }
            it->registered = events;
        }
        m_dirty.clear();
    }

    // Looked up again for each activation: an earlier one may have removed or replaced it.
    bool activate(int fd, QSocketNotifier::Type type)
    {
        const auto it = m_watches.constFind(fd);
        if (it == m_watches.cend() || !it->notifiers[type])
            return false;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(it->notifiers[type], &event);
        return true;
    }

    bool fireTimers()
    {
        const qint64 now = nowMs();
        // The due ones first, then each fired if still there: a handler may stop or start timers,
        // and a zero-interval timer must fire once per turn, not forever.
        QVarLengthArray<int, 16> due;
        for (auto it = m_queue.begin(); it != m_queue.end() && it->first <= now; ++it)
            due.append(it->second);
        for (int id : due) {
            const auto it = m_timers.find(id);
            if (it == m_timers.end() || it->deadline > now)
                continue;
            m_queue.erase({it->deadline, id});
            // The next one from this deadline, so a regular timer keeps its rhythm; after a long
            // stall it starts afresh rather than firing a burst.
            it->deadline += it->interval;
            if (it->deadline <= now)
                it->deadline = now + it->interval;
            m_queue.insert({it->deadline, id});
            QObject *object = it->object;
            QTimerEvent event(id);
            QCoreApplication::sendEvent(object, &event);
        }
        return !due.isEmpty();
    }

    int m_epoll;
    int m_wake;
    QAtomicInt m_wakePending = 0;
    QAtomicInt m_interrupt = 0;
    QHash<int, Watch> m_watches;
    std::vector<int> m_dirty; // descriptors whose interest may have changed since the last wait
    QHash<int, Timer> m_timers;
    std::set<std::pair<qint64, int>> m_queue; // (deadline, timer id), earliest first
};
} // namespace

QAbstractEventDispatcher *createEpollEventDispatcher()
{
    return new EpollEventDispatcher;
}

} // namespace orteam

#else

namespace orteam {
QAbstractEventDispatcher *createEpollEventDispatcher() { return nullptr; }
} // namespace orteam

#endif
