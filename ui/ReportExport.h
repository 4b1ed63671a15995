#pragma once

#include "Report.h"

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace orteam {

// Writing exports so that a failure loses nothing: every file goes through QSaveFile, so a full
// disk or an unwritable folder leaves an existing file as it was and no half-written one.
bool saveFileAtomically(const QString &path, const QByteArray &bytes, QString *error);

// A chart as it is on screen, at twice the pixels for print and slides.
QImage renderChart(QChartView *view);
bool saveChartPng(QChartView *view, const QString &path, QString *error);

// The report as a PDF: title, window, totals, the table, then the charts, paginated (A4).
struct PdfChart
{
    QString caption;
    QImage image;
};
bool writeReportPdf(const QString &path, const TeamReport &report, const QList<PdfChart> &charts, bool demo, QString *error);

} // namespace orteam
