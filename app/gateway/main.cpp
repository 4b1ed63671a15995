#include "EpollEventDispatcher.h"
#include "GatewayApp.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    // Before the application exists: its loop then turns in time independent of idle connections.
    // ORTEAM_GATEWAY_QT_DISPATCHER=1 keeps Qt's own (to tell a dispatcher problem from another).
    if (!qEnvironmentVariableIsSet("ORTEAM_GATEWAY_QT_DISPATCHER")) {
        if (QAbstractEventDispatcher *dispatcher = orteam::createEpollEventDispatcher())
            QCoreApplication::setEventDispatcher(dispatcher);
    }
    QCoreApplication app(argc, argv);
    return orteam::runGateway(QCoreApplication::arguments());
}
