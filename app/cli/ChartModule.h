#pragma once

#include "NotifyService.h"

#include <QCoreApplication>
#include <QLibrary>

#include <memory>

namespace orteam::cli {

// The report chart's module, orteam-chart (ChartModuleEntry.cpp): models/chart and Qt Gui behind
// two C functions. orteam-cli does not link Qt Gui, so that every command but the two that send a
// report starts without loading its twenty libraries; those two load this first. It is looked for
// beside the program (the build tree) and then where the package installs it, relative to the
// program's folder.
class ChartModule
{
public:
    // False, with errorString() saying why, when the module is missing or from another build.
    bool load();
    QString errorString() const { return m_error; }

    // After load(): an offscreen QGuiApplication, for the fonts the chart's text needs.
    std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv) const;
    // After load(): the module's reportChartPng.
    NotifyDelivery::ChartPainter painter() const;

private:
    QLibrary m_library;
    QString m_error;
    QCoreApplication *(*m_application)(int *, char **) = nullptr;
    void (*m_draw)(const TeamReport *, QByteArray *) = nullptr;
};

} // namespace orteam::cli
