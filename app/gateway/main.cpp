#include "GatewayApp.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return orteam::runGateway(QCoreApplication::arguments());
}
