#pragma once

#include <QDate>
#include <QString>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QDateTimeAxis;
class QValueAxis;
QT_END_NAMESPACE
class QWidget;

namespace orteam {

// What every chart of the Spend and Reports pages shares: a view with a titled, unanimated chart
// and its legend below; emptying a chart before it is drawn again; a dollar axis from zero; a
// UTC day as a point on a time axis (noon, so a day's point sits in the middle of its day), and a
// time axis spanning two such days.
QChartView *makeChartView(const char *objectName, const QString &title, QWidget *parent);
void clearChart(QChart *chart);
QValueAxis *dollarAxis(double max);
qint64 dayMsecs(const QDate &day);
void setDayRange(QDateTimeAxis *axis, const QDate &first, const QDate &last);

} // namespace orteam
