#include "ReportChart.h"

#include "Money.h"

#include <QBuffer>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QByteArray reportChartPng(const TeamReport &report, int rows)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()) || report.rows.isEmpty())
        return {};
    const qsizetype n = std::min<qsizetype>(rows, report.rows.size());
    double top = 0;
    for (qsizetype i = 0; i < n; ++i)
        top = std::max({top, report.rows.at(i).cost, report.rows.at(i).previousCost});

    // A fixed light look: an email or a card is read on any background, so the image brings its own.
    constexpr int Width = 640, RowHeight = 34, Margin = 16, TitleHeight = 40;
    const int height = TitleHeight + int(n) * RowHeight + Margin + 24;
    QImage image(Width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(QColor(0xff, 0xff, 0xff));
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font(u"DejaVu Sans"_s);
    font.setPixelSize(13);
    QFont bold = font;
    bold.setBold(true);
    bold.setPixelSize(15);
    p.setFont(bold);
    p.setPen(QColor(0x20, 0x20, 0x20));
    p.drawText(QRect(Margin, 8, Width - 2 * Margin, 24), Qt::AlignLeft | Qt::AlignVCenter,
               u"Spend per member, %1 to %2"_s.arg(report.from.toString(Qt::ISODate), report.to.toString(Qt::ISODate)));
    p.setFont(font);
    const QFontMetrics fm(font);
    int nameWidth = 0;
    for (qsizetype i = 0; i < n; ++i)
        nameWidth = std::max(nameWidth, fm.horizontalAdvance(report.rows.at(i).member));
    nameWidth = std::min(nameWidth, 180);
    const int amountWidth = fm.horizontalAdvance(u"$00,000.00"_s) + 8;
    const int barLeft = Margin + nameWidth + 10;
    const int barSpace = Width - barLeft - amountWidth - Margin;
    const QColor now(0x3b, 0x6e, 0xc4), before(0xb8, 0xc4, 0xd6);
    for (qsizetype i = 0; i < n; ++i) {
        const TeamReportRow &r = report.rows.at(i);
        const int y = TitleHeight + int(i) * RowHeight;
        p.setPen(QColor(0x20, 0x20, 0x20));
        p.drawText(QRect(Margin, y, nameWidth, 20), Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(r.member, Qt::ElideRight, nameWidth));
        const int w = top > 0 ? int(r.cost / top * barSpace) : 0;
        const int wb = top > 0 ? int(r.previousCost / top * barSpace) : 0;
        p.fillRect(QRect(barLeft, y + 2, std::max(w, 1), 16), now);
        p.fillRect(QRect(barLeft, y + 20, std::max(wb, 1), 5), before);
        p.drawText(QRect(barLeft + w + 6, y, amountWidth, 20), Qt::AlignLeft | Qt::AlignVCenter, formatUsd(r.cost));
    }
    const int legendY = TitleHeight + int(n) * RowHeight + 4;
    p.fillRect(QRect(barLeft, legendY + 6, 12, 10), now);
    p.drawText(QPoint(barLeft + 18, legendY + 15), u"this period"_s);
    p.fillRect(QRect(barLeft + 120, legendY + 9, 12, 5), before);
    p.drawText(QPoint(barLeft + 138, legendY + 15), u"the period before"_s);
    p.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

} // namespace orteam
