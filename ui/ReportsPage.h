#pragma once

#include "Report.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace orteam {

class ReportTableModel;
class RebuildWhenShown;
class SpendController;

// The Reports page: the seed's weekly team report (or the last 30 days, or a calendar month with
// the team's month against its budget) with each member's change from the window before and a
// forecast for the next, a chart of both windows and of the team's days with the trend ahead, and
// exports: CSV, JSON, PDF (with the charts), PNG charts.
class ReportsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit ReportsPage(SpendController *spend, QWidget *parent = nullptr);

    // Where exports are saved: a file dialog, or (tests) a fixed path. Empty means cancelled.
    using SaveChooser = std::function<QString(const QString &title, const QString &suggestedName, const QString &filter)>;
    void setSaveChooser(SaveChooser chooser) { m_chooseSave = std::move(chooser); }
    void setDemo(bool demo) { m_demo = demo; }

    const TeamReport &report() const;
    // The calendar month shown (its 1st) when "Calendar month" is chosen; the current one at first.
    QDate month() const { return m_month; }
    void setMonth(const QDate &month);
    bool showsCalendarMonth() const;
    QTableView *table() const { return m_table; }
    QChart *comparisonChart() const;
    QChart *trendChart() const;
    QChartView *comparisonView() const { return m_comparison; }
    QChartView *trendView() const { return m_trend; }

public Q_SLOTS:
    void rebuild();
    void exportCsv();
    void exportJson();
    void exportPdf();
    // Spend per workspace over the report's window: the departments' chargeback.
    void exportChargeback();
    void saveChartPng(QChartView *view);

Q_SIGNALS:
    void status(const QString &message);
    void problem(const QString &message);

protected:
    // The charts' colours are the palette's: a new palette (a desktop's dark theme) redraws them.
    void changeEvent(QEvent *event) override;

private:
    void showMonthControls(); // the calendar month's arrows and name, for the chosen period
    void buildComparison();
    void buildTrend();
    QString suggestedName(const QString &extension) const;
    void saveBytes(const QString &title, const QString &extension, const QString &filter, const QByteArray &bytes);

    SpendController *m_spend;
    RebuildWhenShown *m_redraw = nullptr;
    ReportTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_period;
    QToolButton *m_previousMonth;
    QLabel *m_monthLabel;
    QToolButton *m_nextMonth;
    QDate m_month;
    QLabel *m_summary;
    QTableView *m_table;
    QChartView *m_comparison;
    QChartView *m_trend;
    QPushButton *m_csv;
    QPushButton *m_json;
    QPushButton *m_pdf;
    QPushButton *m_png;
    QPushButton *m_chargeback;
    SaveChooser m_chooseSave;
    bool m_demo = false;
};

} // namespace orteam
