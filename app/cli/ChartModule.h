#pragma once

#include "Console.h"
#include "NotifyService.h"

#include <QCoreApplication>
#include <QLibrary>

#include <memory>

namespace orteam::cli {

// The report chart's module, orteam-chart (ChartModuleEntry.cpp): models/chart and Qt Gui behind
// three C functions. orteam-cli does not link Qt Gui, so that every command but the two that send
// a report starts without loading its twenty libraries; those two load this first. It is looked
// for beside the program (the build tree) and then where the package installs it, relative to
// the program's folder (found through /proc/self/exe, never the working directory).
class ChartModule
{
public:
    // False, with errorString() saying why, when the module is missing or from another build.
    // A module once loaded is never unloaded, even one refused: Qt Gui leaves hooks in Qt Core
    // that must not point at unloaded code.
    bool load();
    QString errorString() const { return m_error; }

    // After load(): an offscreen QGuiApplication, for the fonts the chart's text needs.
    std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv) const;
    // After load(): the module's reportChartPng. Without it: a painter that draws nothing and
    // says once on `console`, when the first report goes without its chart, why.
    NotifyDelivery::ChartPainter painter(Console &console) const;

private:
    QLibrary m_library;
    QString m_error;
    QCoreApplication *(*m_application)(int *, char **) = nullptr;
    void (*m_draw)(const TeamReport *, QByteArray *) = nullptr;
};

} // namespace orteam::cli
