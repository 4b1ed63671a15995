#include "ChartModule.h"
#include "Cli.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstring>
#include <memory>

namespace {
// Sending a report draws its chart, and drawing text needs fonts, which only a QGuiApplication
// has: those commands load the chart module, which makes an offscreen one (orteam-cli never shows
// a window, and cron has no display). Every other command keeps the lighter QCoreApplication and
// never loads Qt Gui.
bool drawsCharts(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        // Anywhere: global options (--db URL, --timeout N) may come before the command.
        if (std::strcmp(argv[i], "--send") == 0 || std::strcmp(argv[i], "notify") == 0)
            return true;
    }
    return false;
}
} // namespace

int main(int argc, char *argv[])
{
    const bool sends = drawsCharts(argc, argv); // asked before the application takes its own arguments
    orteam::cli::ChartModule chart;
    const bool charts = sends && chart.load();
    const std::unique_ptr<QCoreApplication> application =
        charts ? chart.makeApplication(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    // Request logging is for the dashboard's log; the CLI's stderr is for one-line failures. A
    // failed statement's own warning would be a second line beside the failure that says it
    // (QT_LOGGING_RULES still turns either on).
    QLoggingCategory::setFilterRules(QStringLiteral("orteam.*.info=false\norteam.storage.sql.warning=false"));
    orteam::cli::Console console;
    orteam::cli::Environment environment = orteam::cli::Environment::fromProcess();
    if (sends)
        environment.chartPainter = chart.painter(console);
    orteam::cli::Cli cli(console, std::move(environment));
    return cli.run(QCoreApplication::arguments().mid(1));
}
