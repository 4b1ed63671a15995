// orteam-chart, the module orteam-cli loads to draw a report's chart (see ChartModule.h): C names,
// so QLibrary::resolve finds them unmangled, and plain pointers across the boundary.
#include "ChartModuleAbi.h"
#include "ReportChart.h"

#include <QGuiApplication>

extern "C" {

// What this module was built with: the loader calls nothing else of one that differs.
Q_DECL_EXPORT void orteam_chart_abi(orteam::cli::ChartModuleAbi *abi)
{
    *abi = orteam::cli::ChartModuleAbi::current();
}

// Offscreen: orteam-cli never shows a window, and a timer or cron has no display.
Q_DECL_EXPORT QCoreApplication *orteam_chart_application(int *argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    return new QGuiApplication(*argc, argv);
}

Q_DECL_EXPORT void orteam_chart_png(const orteam::TeamReport *report, QByteArray *png)
{
    *png = orteam::reportChartPng(*report);
}

} // extern "C"
