#pragma once

#include "Report.h"

#include <QByteArray>

namespace orteam {

// The report's chart as a PNG for an email or a Teams card: each of the top spenders' cost over
// the window as a bar, the window before as a thin bar under it, with names and amounts. Drawn
// with QPainter on a QImage, so it needs a QGuiApplication (for fonts; orteam-cli makes an
// offscreen one for the commands that send); without one the answer is empty and the message
// goes without its chart.
QByteArray reportChartPng(const TeamReport &report, int rows = 10);

} // namespace orteam
