#include "ReportExport.h"

#include "Money.h"
#include "ReportTableModel.h"

#include <QBuffer>
#include <QChartView>
#include <QDateTime>
#include <QGraphicsLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

bool saveFileAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

QImage renderChart(QChartView *view)
{
    // A chart whose series were just replaced lays itself out at the next turn of the event loop:
    // done now, or a page drawn when first shown and exported at once renders an empty plot.
    if (QGraphicsLayout *layout = view->chart()->layout())
        layout->activate();
    const QSize size = view->size().expandedTo(QSize(640, 360));
    QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(2);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    view->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), QRect(QPoint(0, 0), view->size()));
    painter.end();
    return image;
}

bool saveChartPng(QChartView *view, const QString &path, QString *error)
{
    QByteArray png;
    {
        QImage image = renderChart(view);
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        if (!image.save(&buffer, "PNG")) {
            *error = QObject::tr("Could not encode the chart as PNG.");
            return false;
        }
    }
    return saveFileAtomically(path, png, error);
}

bool writeReportPdf(const QString &path, const TeamReport &report, const QList<PdfChart> &charts, bool demo, QString *error)
{
    const bool weekly = report.period == ReportPeriod::Weekly;
    QString html;
    html += u"<h2>%1%2</h2>"_s.arg(report.calendar ? QObject::tr("Calendar month team report")
                                   : weekly        ? QObject::tr("Weekly team report")
                                                   : QObject::tr("Monthly team report"),
                                   demo ? QObject::tr(" — DEMO DATA") : QString());
    html += u"<p>%1</p>"_s.arg(QObject::tr("%1 to %2 (UTC), compared with %3 to %4. Generated %5 UTC by orteam.")
                                   .arg(report.from.toString(Qt::ISODate), report.to.toString(Qt::ISODate),
                                        report.previousFrom.toString(Qt::ISODate), report.previousTo.toString(Qt::ISODate),
                                        QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm"_s)));
    if (report.calendar) // the month's own words: "October to the 30th", "next month (December 2026)"
        html += u"<p>%1</p>"_s.arg(reportTitle(report).toHtmlEscaped());
    html += u"<p><b>%1</b></p>"_s.arg(report.calendar ? reportSummary(report).toHtmlEscaped()
                                                      : QObject::tr("Team total %1 (before: %2, %3); next %4 days forecast: %5.")
                                                            .arg(formatUsd(report.total), formatUsd(report.previousTotal),
                                                                 ReportTableModel::changeText(report.change))
                                                            .arg(reportDays(report.period))
                                                            .arg(formatUsd(report.forecast)));
    if (report.outlook)
        html += u"<p><b>%1</b></p>"_s.arg(reportOutlookText(report).toHtmlEscaped());
    ReportTableModel model;
    model.setReport(report);
    html += u"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>"_s;
    for (int c = 0; c < model.columnCount(); ++c)
        html += u"<th>%1</th>"_s.arg(model.headerData(c, Qt::Horizontal).toString().toHtmlEscaped());
    html += u"</tr>"_s;
    for (int r = 0; r < model.rowCount(); ++r) {
        html += u"<tr>"_s;
        for (int c = 0; c < model.columnCount(); ++c)
            html += u"<td%1>%2</td>"_s.arg(c == 0 ? QString() : u" align='right'"_s,
                                           model.data(model.index(r, c)).toString().toHtmlEscaped());
        html += u"</tr>"_s;
    }
    html += u"</table>"_s;
    if (report.rows.isEmpty())
        html += u"<p>%1</p>"_s.arg(QObject::tr("No usage recorded in this window or the one before."));

    QTextDocument doc;
    for (qsizetype i = 0; i < charts.size(); ++i) {
        const QUrl name(u"chart%1.png"_s.arg(i));
        doc.addResource(QTextDocument::ImageResource, name, charts.at(i).image);
        // Charts are 2x images; drawn at half their pixels they keep print sharpness.
        html += u"<p style='page-break-before:%1'><b>%2</b><br><img src='%3' width='%4'></p>"_s
                    .arg(i == 0 ? u"always"_s : u"auto"_s, charts.at(i).caption.toHtmlEscaped(), name.toString())
                    .arg(std::min(640, int(charts.at(i).image.width() / 2)));
    }
    doc.setHtml(html);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    {
        QPdfWriter pdf(&file);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        pdf.setTitle(weekly ? QObject::tr("orteam weekly team report") : QObject::tr("orteam monthly team report"));
        pdf.setCreator(QStringLiteral("orteam"));
        pdf.setResolution(96); // so the document's pixel sizes mean what they do on screen
        doc.print(&pdf);
    } // the writer flushes the last page when it goes
    if (!file.commit()) {
        *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace orteam
