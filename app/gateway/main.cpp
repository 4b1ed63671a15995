#include "EpollEventDispatcher.h"
#include "GatewayApp.h"

#include <QCoreApplication>

#ifdef __GLIBC__
#include <malloc.h>
#endif

int main(int argc, char *argv[])
{
#ifdef __GLIBC__
    // Request bodies reach 10 MB. glibc serves a block that large from the heap once one of that
    // size was freed (its mmap threshold follows the largest freed block, up to 32 MB), and heap
    // memory freed below the top is not given back: a few large requests kept RSS at their peak
    // for good. A fixed threshold keeps every block over 256 KiB in its own mapping, returned to
    // the system when freed.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    // Before the application exists: its loop then turns in time independent of idle connections.
    // ORTEAM_GATEWAY_QT_DISPATCHER=1 keeps Qt's own (to tell a dispatcher problem from another).
    if (!qEnvironmentVariableIsSet("ORTEAM_GATEWAY_QT_DISPATCHER")) {
        if (QAbstractEventDispatcher *dispatcher = orteam::createEpollEventDispatcher())
            QCoreApplication::setEventDispatcher(dispatcher);
    }
    QCoreApplication app(argc, argv);
    return orteam::runGateway(QCoreApplication::arguments());
}
