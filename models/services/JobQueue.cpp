#include "JobQueue.h"

#include "Store.h"

#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

JobQueue::JobQueue(Store *local, QObject *parent) : QObject(parent), m_local(local)
{
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(u"orteam-jobs"_s);
    m_thread.start();
}

JobQueue::~JobQueue()
{
    // Jobs run in order, so this one runs after every job queued before: none is cut short, and
    // the worker's connection is closed in the thread that opened it.
    QMetaObject::invokeMethod(m_worker, [this] { m_workerStore.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void JobQueue::enqueue(QObject *context, std::function<void(Store &)> work, std::function<void()> done)
{
    ++m_pending;
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    auto answer = [this, ctx, hasContext, done] {
        if (!hasContext || ctx)
            done();
        if (--m_pending == 0)
            Q_EMIT idle();
    };
    const DbLocation location = m_local->location();
    // An in-memory database exists only on its own connection: its jobs stay on this thread.
    if (location.kind == DbLocation::Kind::Sqlite && location.path.startsWith(u':')) {
        QMetaObject::invokeMethod(this, [this, work, answer] {
            work(*m_local);
            answer();
        }, Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(m_worker, [this, location, work, answer] {
        // The worker's connection follows the dashboard's database (Settings may switch it).
        if (m_workerStore && !(m_workerStore->location().display() == location.display() && m_workerStore->isOpen()))
            m_workerStore.reset();
        if (!m_workerStore) {
            m_workerStore = std::make_unique<Store>();
            m_openStatus = m_workerStore->open(location);
        }
        // A store that failed to open is passed on closed: every read answers its error, so a job
        // reports "cannot read …" instead of quietly doing nothing.
        work(*m_workerStore);
        if (!m_openStatus)
            m_workerStore.reset(); // try again with the next job
        QMetaObject::invokeMethod(this, answer, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

} // namespace orteam
