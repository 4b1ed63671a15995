#include "Cli.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return orteam::Cli(QCoreApplication::arguments()).run();
}
