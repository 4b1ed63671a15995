// orteam-chart, the module orteam-cli loads to draw a report's chart (see ChartModule.h): C names,
// so QLibrary::resolve finds them unmangled, and plain pointers across the boundary.
#include "ReportChart.h"

#include <QGuiApplication>

extern "C" {

// The build it belongs to: the loader calls nothing else of a module from another one.
Q_DECL_EXPORT const char *orteam_chart_build()
{
    return ORTEAM_VERSION " " ORTEAM_GIT_REVISION;
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
