#include "Charts.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QDateTime>
#include <QTimeZone>
#include <QValueAxis>

namespace orteam {

QChartView *makeChartView(const char *objectName, const QString &title, QWidget *parent)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto *view = new QChartView(chart, parent);
    view->setObjectName(QLatin1StringView(objectName));
    view->setRenderHint(QPainter::Antialiasing);
    return view;
}

void clearChart(QChart *chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

QValueAxis *dollarAxis(double max)
{
    auto *axis = new QValueAxis;
    axis->setLabelFormat(QStringLiteral("$%.2f"));
    axis->setRange(0, max > 0 ? max * 1.1 : 1.0);
    axis->applyNiceNumbers();
    return axis;
}

qint64 dayMsecs(const QDate &day)
{
    return QDateTime(day, QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

void setDayRange(QDateTimeAxis *axis, const QDate &first, const QDate &last)
{
    axis->setRange(QDateTime::fromMSecsSinceEpoch(dayMsecs(first), QTimeZone::utc()),
                   QDateTime::fromMSecsSinceEpoch(dayMsecs(last), QTimeZone::utc()));
}

} // namespace orteam
