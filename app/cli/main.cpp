#include "Cli.h"

#include <QCoreApplication>
#include <QLoggingCategory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Request logging is for the dashboard's log; the CLI's stderr is for one-line failures.
    QLoggingCategory::setFilterRules(QStringLiteral("orteam.*.info=false"));
    orteam::cli::Console console;
    orteam::cli::Cli cli(console, orteam::cli::Environment::fromProcess());
    return cli.run(QCoreApplication::arguments().mid(1));
}
