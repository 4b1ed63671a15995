#pragma once

#include <QDate>
#include <QString>
#include <QStringList>
#include <QVariantList>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QBarCategoryAxis;
class QDateTimeAxis;
class QValueAxis;
class QStandardItemModel;
QT_END_NAMESPACE
class QPalette;
class QWidget;

namespace orteam {

// What every chart of the Spend and Reports pages shares: a view with a titled, unanimated chart
// and its legend below; emptying a chart before it is drawn again (themed for the palette it is
// drawn on: a palette change redraws it); a dollar axis from zero; a
// UTC day as a point on a time axis (noon, so a day's point sits in the middle of its day), and a
// time axis spanning two such days.
QChartView *makeChartView(const char *objectName, const QString &title, QWidget *parent);
void clearChart(QChart *chart, const QPalette &palette);
QValueAxis *dollarAxis(double max);
qint64 dayMsecs(const QDate &day);
void setDayRange(QDateTimeAxis *axis, const QDate &first, const QDate &last);
// A bar chart's names, each on a line of its own: Qt Charts silently drops the labels that do not
// fit, so the view asks for the height its categories need (a page scrolls rather than lose them).
void fitCategories(QChartView *view, QBarCategoryAxis *axis, int minimumHeight);

// The numbers a chart draws, for whoever cannot see it (a screen reader, a person who wants the
// figures): the view's "Show as table" action (context menu, or the menu key on the focused chart)
// opens them in a table, and the view's accessible description summarises them. The page passes
// what it took from the controller, so the table holds the controller's answers, not figures
// read back from the drawing. A cell is a QString (a label), a QDate (a UTC day) or a double
// (dollars); the raw value stays under Qt::UserRole.
void setChartTable(QChartView *view, const QStringList &headers, const QList<QVariantList> &rows);
// What the last setChartTable() put there (a model owned by the view), for the dialog and tests.
QStandardItemModel *chartTableModel(const QChartView *view);
// The chart's read failed: its table is emptied and its description says why (not "no data").
void setChartTableError(QChartView *view, const QString &error);

} // namespace orteam
