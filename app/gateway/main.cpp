#include "EpollEventDispatcher.h"
#include "GatewayApp.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    // Before the application exists: its loop then turns in time independent of idle connections.
    if (QAbstractEventDispatcher *dispatcher = orteam::createEpollEventDispatcher())
        QCoreApplication::setEventDispatcher(dispatcher);
    QCoreApplication app(argc, argv);
    return orteam::runGateway(QCoreApplication::arguments());
}
