#include "ReportsPage.h"

#include "RebuildWhenShown.h"

#include "Charts.h"
#include "Money.h"
#include "ReportExport.h"
#include "ReportTableModel.h"
#include "SpendController.h"
#include "Theme.h"
#include "ViewMemory.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDateTimeAxis>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTimeZone>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// The total's change as the summary says it: the table's words, or the report's own sentence
// (reportChangeText) when the history does not cover the window before (no change claimed).
QString changeSummary(const TeamReport &report)
{
    return report.historyFrom.isValid() ? reportChangeText(report) : ReportTableModel::changeText(report.change);
}

// Low enough for both charts beside the table in a 1280x720 screen's window.
constexpr int MinimumChartHeight = 180;

QChartView *makeView(const char *name, const QString &title, QWidget *parent)
{
    QChartView *view = makeChartView(name, title, parent);
    view->setMinimumSize(360, MinimumChartHeight);
    return view;
}

double noon(const QDate &day) { return double(dayMsecs(day)); }

// The period combo's third choice: a calendar month rather than a rolling window (its report's
// period is Monthly, so it is not one of ReportPeriod's values).
constexpr int CalendarMonthChoice = -1;
} // namespace

ReportsPage::ReportsPage(SpendController *spend, QWidget *parent) : QWidget(parent), m_spend(spend)
{
    setObjectName(u"reportsPage"_s);
    m_model = new ReportTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);

    m_period = new QComboBox(this);
    m_period->setObjectName(u"reportPeriodCombo"_s);
    ViewMemory::remember(m_period);
    m_period->addItem(tr("Weekly: the last 7 days"), int(ReportPeriod::Weekly));
    m_period->addItem(tr("Monthly: the last 30 days"), int(ReportPeriod::Monthly));
    m_period->addItem(tr("Calendar month"), CalendarMonthChoice);
    m_month = QDate(m_spend->today().year(), m_spend->today().month(), 1);
    const auto monthButton = [this](const QString &name, Qt::ArrowType arrow, const QString &accessibleName, const QString &tip) {
        auto *button = new QToolButton(this);
        button->setObjectName(name);
        button->setArrowType(arrow);
        button->setAccessibleName(accessibleName);
        button->setToolTip(tip);
        return button;
    };
    m_previousMonth = monthButton(u"reportPreviousMonthButton"_s, Qt::LeftArrow, tr("Previous month"), tr("The month before"));
    m_monthLabel = new QLabel(this);
    m_monthLabel->setObjectName(u"reportMonthLabel"_s);
    m_nextMonth = monthButton(u"reportNextMonthButton"_s, Qt::RightArrow, tr("Next month"), tr("The month after (up to the current one)"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"reportSummaryLabel"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_csv = new QPushButton(tr("Export CSV…"), this);
    m_csv->setObjectName(u"exportCsvButton"_s);
    m_json = new QPushButton(tr("Export JSON…"), this);
    m_json->setObjectName(u"exportJsonButton"_s);
    m_pdf = new QPushButton(tr("Export PDF…"), this);
    m_pdf->setObjectName(u"exportPdfButton"_s);
    m_pdf->setToolTip(tr("The report with its charts, ready to send or print"));
    m_chargeback = new QPushButton(tr("Chargeback CSV…"), this);
    m_chargeback->setObjectName(u"exportChargebackButton"_s);
    m_chargeback->setToolTip(tr("Spend per workspace (department) over this report's days"));
    m_png = new QPushButton(tr("Save chart as PNG"), this);
    m_png->setObjectName(u"saveChartButton"_s);

    m_table = new QTableView(this);
    m_table->setObjectName(u"reportTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ReportTableModel::CostColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);
    m_table->setItemDelegate(new theme::ReadableItemDelegate(m_table));
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);

    m_comparison = makeView("reportComparisonChart", tr("Cost per member: this window and the one before"), this);
    m_trend = makeView("reportTrendChart", tr("Team spend per day (dashed: the forecast)"), this);

    auto *pngMenu = new QMenu(m_png);
    pngMenu->setObjectName(u"saveChartMenu"_s);
    pngMenu->addAction(tr("Cost per member chart…"), this, [this] { saveChartPng(m_comparison); });
    pngMenu->addAction(tr("Team spend per day chart…"), this, [this] { saveChartPng(m_trend); });
    m_png->setMenu(pngMenu);
    // Every chart also offers itself from its context menu.
    for (QChartView *view : {m_comparison, m_trend}) {
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
        auto *action = new QAction(tr("Save chart as PNG…"), view);
        connect(action, &QAction::triggered, this, [this, view] { saveChartPng(view); });
        view->addAction(action);
    }

    auto *top = new QHBoxLayout;
    auto *periodLabel = new QLabel(tr("Report:"), this);
    periodLabel->setObjectName(u"reportPeriodLabel"_s);
    top->addWidget(periodLabel);
    top->addWidget(m_period);
    top->addWidget(m_previousMonth);
    top->addWidget(m_monthLabel);
    top->addWidget(m_nextMonth);
    top->addStretch(1);
    for (QPushButton *b : {m_csv, m_json, m_pdf, m_chargeback, m_png})
        top->addWidget(b);

    auto *charts = new QSplitter(Qt::Vertical, this);
    charts->setObjectName(u"reportChartsSplitter"_s);
    charts->addWidget(m_comparison);
    charts->addWidget(m_trend);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(u"reportSplitter"_s);
    split->addWidget(m_table);
    split->addWidget(charts);
    split->setChildrenCollapsible(false);
    // The table needs about its columns' width; the charts get the rest (a splitter hands space
    // out by size hints, which would leave the charts a sliver).
    split->setSizes({690, 510});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_period, &QComboBox::currentIndexChanged, this, &ReportsPage::rebuild);
    connect(m_previousMonth, &QToolButton::clicked, this, [this] { setMonth(m_month.addMonths(-1)); });
    connect(m_nextMonth, &QToolButton::clicked, this, [this] { setMonth(m_month.addMonths(1)); });
    // Redrawn after a refresh when on screen, else when next shown.
    m_redraw = new RebuildWhenShown(this, [this] { rebuild(); });
    connect(m_spend, &SpendController::changed, m_redraw, &RebuildWhenShown::request);
    connect(m_csv, &QPushButton::clicked, this, &ReportsPage::exportCsv);
    connect(m_json, &QPushButton::clicked, this, &ReportsPage::exportJson);
    connect(m_pdf, &QPushButton::clicked, this, &ReportsPage::exportPdf);
    connect(m_chargeback, &QPushButton::clicked, this, &ReportsPage::exportChargeback);

    m_chooseSave = [this](const QString &title, const QString &suggested, const QString &filter) {
        const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        return QFileDialog::getSaveFileName(this, title, folder + u'/' + suggested, filter);
    };
    // The report is read when the page is first shown (or its period chosen): the window builds
    // every page at start, and a report reads a fortnight of every member's rows.
    showMonthControls();
    m_redraw->request();
}

void ReportsPage::showMonthControls()
{
    const bool calendar = showsCalendarMonth();
    for (QWidget *w : std::initializer_list<QWidget *>{m_previousMonth, m_monthLabel, m_nextMonth})
        w->setVisible(calendar);
}

const TeamReport &ReportsPage::report() const { return m_model->report(); }
QChart *ReportsPage::comparisonChart() const { return m_comparison->chart(); }
QChart *ReportsPage::trendChart() const { return m_trend->chart(); }

void ReportsPage::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        buildComparison();
        buildTrend();
    }
}

bool ReportsPage::showsCalendarMonth() const { return m_period->currentData().toInt() == CalendarMonthChoice; }

void ReportsPage::setMonth(const QDate &month)
{
    const QDate today = m_spend->today();
    // Never past the current month: a month that has not begun has no report.
    m_month = std::min(QDate(month.year(), month.month(), 1), QDate(today.year(), today.month(), 1));
    rebuild();
}

void ReportsPage::rebuild()
{
    if (m_redraw)
        m_redraw->markFresh();
    showMonthControls();
    const bool calendar = showsCalendarMonth();
    const QDate today = m_spend->today();
    // The clock moves on (a page left open over midnight at a month's end): never a month ahead.
    m_month = std::min(m_month, QDate(today.year(), today.month(), 1));
    m_nextMonth->setEnabled(m_month < QDate(today.year(), today.month(), 1));
    const auto period = calendar ? ReportPeriod::Monthly : ReportPeriod(m_period->currentData().toInt());
    const Result<TeamReport> read = calendar ? m_spend->calendarReport(m_month) : m_spend->report(period);
    if (!read) {
        // Keep what is shown (it was right a moment ago) and say why it is not refreshed.
        Q_EMIT problem(tr("Could not read the report from the team database: %1").arg(read.errorText()));
        return;
    }
    const TeamReport &report = *read;
    m_model->setReport(report);
    m_table->sortByColumn(m_table->horizontalHeader()->sortIndicatorSection(), m_table->horizontalHeader()->sortIndicatorOrder());
    const int days = reportDays(period);
    if (report.calendar) {
        const CalendarMonth &m = *report.calendar;
        m_monthLabel->setText(m.toDate ? tr("%1 to date").arg(m.name()) : m.name());
        // The month's own words (the CLI's): "October to the 30th", "next month (December 2026)".
        QString text = report.rows.isEmpty()
                           ? reportSummary(report).toHtmlEscaped()
                           : tr("<b>%1 to %2 (UTC), %3 days</b>: team total <b>%4</b>; %5: %6 (%7); %8 forecast <b>%9</b>. "
                                "%n member(s).",
                                nullptr, int(report.rows.size()))
                                 .arg(report.from.toString(Qt::ISODate), report.to.toString(Qt::ISODate))
                                 .arg(m.days())
                                 .arg(formatUsd(report.total), reportBeforeText(report), formatUsd(report.previousTotal),
                                      changeSummary(report), reportForecastText(report), formatUsd(report.forecast));
        if (report.outlook)
            text += tr("<br><b>Month to date:</b> %1").arg(report.outlook->monthText().toHtmlEscaped());
        m_summary->setText(text);
    } else if (report.rows.isEmpty())
        m_summary->setText(tr("%1 to %2 (UTC): no usage recorded in these %3 days or the %3 before.")
                               .arg(report.from.toString(Qt::ISODate), report.to.toString(Qt::ISODate))
                               .arg(days));
    else
        m_summary->setText(tr("<b>%1 to %2 (UTC)</b>: team total <b>%3</b>; the %4 days before %5 (%6); next %4 days "
                              "forecast <b>%7</b>. %n member(s).",
                              nullptr, int(report.rows.size()))
                               .arg(report.from.toString(Qt::ISODate), report.to.toString(Qt::ISODate), formatUsd(report.total))
                               .arg(days)
                               .arg(formatUsd(report.previousTotal), changeSummary(report), formatUsd(report.forecast)));
    for (QPushButton *b : {m_csv, m_json, m_pdf})
        b->setEnabled(true); // an empty report is still a valid export (the header, the window)
    buildComparison();
    buildTrend();
}

void ReportsPage::buildComparison()
{
    QChart *chart = m_comparison->chart();
    clearChart(chart, palette());
    const TeamReport &r = m_model->report();
    // The ten biggest spenders (the table has everyone), biggest at the top.
    const QList<TeamReportRow> rows = r.rows.mid(0, 10);
    QList<QVariantList> table;
    for (const TeamReportRow &row : rows)
        table << QVariantList{row.member, row.cost, row.previousCost, ReportTableModel::changeText(row.change)};
    setChartTable(m_comparison, {tr("Member"), tr("This window"), tr("The window before"), tr("Change")}, table);
    auto *now = new QBarSet(tr("This window"));
    auto *before = new QBarSet(tr("The window before"));
    now->setColor(theme::chartSeries(palette()).first());
    before->setColor(theme::chartNeutral(palette()));
    QStringList categories;
    double max = 0;
    for (auto it = rows.crbegin(); it != rows.crend(); ++it) {
        categories << it->member;
        now->append(it->cost);
        before->append(it->previousCost);
        max = std::max({max, it->cost, it->previousCost});
    }
    auto *series = new QHorizontalBarSeries;
    series->append(before);
    series->append(now);
    chart->addSeries(series);
    auto *y = new QBarCategoryAxis;
    y->append(categories);
    y->setTruncateLabels(false);
    fitCategories(m_comparison, y, MinimumChartHeight);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    QValueAxis *x = dollarAxis(max);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    const QList<TeamReportRow> shown(rows.crbegin(), rows.crend());
    auto tip = [shown](bool on, int index) {
        if (!on || index < 0 || index >= shown.size())
            return QToolTip::hideText();
        const TeamReportRow &row = shown.at(index);
        QToolTip::showText(QCursor::pos(), tr("%1: %2 (before %3, %4)")
                                               .arg(row.member, formatUsd(row.cost), formatUsd(row.previousCost),
                                                    ReportTableModel::changeText(row.change)));
    };
    connect(now, &QBarSet::hovered, this, tip);
    connect(before, &QBarSet::hovered, this, tip);
}

void ReportsPage::buildTrend()
{
    QChart *chart = m_trend->chart();
    clearChart(chart, palette());
    const TeamReport &r = m_model->report();
    const int days = reportDays(r.period);
    // What the dashed line is differs: a calendar month's is the rest of it at the Overview's rate.
    const QString title = !r.calendar     ? tr("Team spend per day (dashed: the forecast)")
                          : r.calendar->toDate ? tr("Team spend per day (dashed: the rest of the month at the current rate)")
                                               : tr("Team spend per day");
    chart->setTitle(title);
    m_trend->setAccessibleName(title);
    // Both windows: a calendar month and the month before it, or the rolling window and the one before.
    const Result<SpendController::Days> read = r.calendar ? m_spend->teamDaily(r.previousFrom, r.to) : m_spend->teamDaily(2 * days);
    if (!read) {
        // No line rather than a flat one at $0: the chart stays empty and the banner says why.
        Q_EMIT problem(tr("Could not read the daily spend from the team database: %1").arg(read.errorText()));
        setChartTableError(m_trend, read.errorText());
        return;
    }
    const SpendController::Days &history = *read;
    auto *axisX = new QDateTimeAxis;
    axisX->setFormat(u"d MMM"_s);
    axisX->setTickCount(7);
    chart->addAxis(axisX, Qt::AlignBottom);
    auto *spent = new QLineSeries;
    spent->setName(tr("Spent"));
    spent->setPen(QPen(theme::chartMain(palette()), 2));
    QList<double> values;
    double max = 0;
    for (const auto &[day, cost] : history) {
        spent->append(noon(day), cost);
        values << cost;
        max = std::max(max, cost);
    }
    auto *ahead = new QLineSeries;
    ahead->setName(tr("Forecast"));
    ahead->setPen(QPen(theme::chartStatus(theme::Tone::Warn, palette()), 2, Qt::DashLine));
    // The line is fitted on complete days (today has only begun) and drawn from tomorrow.
    // Days before the history began count as $0 here, as in the report's own forecast (so the
    // line and the figure beside it agree), though they are not drawn.
    QList<double> trend;
    if (!r.calendar) {
        while (values.size() < 2 * days)
            values.prepend(0.0);
        // The report's fit leaves out the days before the history began (TeamReport::historyFrom).
        qsizetype unrecorded = 0;
        if (r.historyFrom.isValid() && !history.isEmpty())
            unrecorded = std::clamp<qsizetype>(history.back().first.addDays(1 - values.size()).daysTo(r.historyFrom), 0,
                                               values.size() - 2);
        trend = trendNext(values.mid(unrecorded, values.size() - 1 - unrecorded), days, 1);
    } else if (r.outlook && r.outlook->ratePerDay && !history.isEmpty()) {
        // The current month ahead at the Overview's rate, the one its projected month end counts
        // (a past month is whole: nothing ahead to draw).
        const QDate monthEnd = r.from.addMonths(1).addDays(-1);
        trend = QList<double>(history.back().first.daysTo(monthEnd), *r.outlook->ratePerDay);
    }
    if (!history.isEmpty() && !trend.isEmpty()) {
        ahead->append(noon(history.back().first), history.back().second); // joined to the last real day
        for (qsizetype i = 0; i < trend.size(); ++i) {
            ahead->append(noon(history.back().first.addDays(i + 1)), trend.at(i));
            max = std::max(max, trend.at(i));
        }
    }
    {
        // The days drawn, then the forecast's: one column each, blank where a line has no point.
        QList<QVariantList> table;
        for (const auto &[day, cost] : history)
            table << QVariantList{day, cost, QVariant()};
        if (!history.isEmpty()) {
            for (qsizetype i = 0; i < trend.size(); ++i)
                table << QVariantList{history.back().first.addDays(i + 1), QVariant(), trend.at(i)};
        }
        setChartTable(m_trend, {tr("Day (UTC)"), tr("Spent"), tr("Forecast")}, table);
    }
    chart->addSeries(spent);
    chart->addSeries(ahead);
    if (trend.isEmpty()) // a past calendar month: nothing ahead, so no "Forecast" in the legend
        for (QLegendMarker *marker : chart->legend()->markers(ahead))
            marker->setVisible(false);
    QValueAxis *axisY = dollarAxis(max);
    chart->addAxis(axisY, Qt::AlignLeft);
    for (QLineSeries *s : {spent, ahead}) {
        s->attachAxis(axisX);
        s->attachAxis(axisY);
        connect(s, &QLineSeries::hovered, this, [name = s->name()](const QPointF &p, bool on) {
            if (on)
                QToolTip::showText(QCursor::pos(), tr("%1, %2: %3")
                                                       .arg(name,
                                                            QDateTime::fromMSecsSinceEpoch(qint64(p.x()), QTimeZone::utc())
                                                                .date()
                                                                .toString(Qt::ISODate),
                                                            formatUsd(p.y())));
        });
    }
    if (!history.isEmpty())
        setDayRange(axisX, history.front().first, history.back().first.addDays(r.calendar ? trend.size() : days));
}

QString ReportsPage::suggestedName(const QString &extension) const
{
    const TeamReport &r = m_model->report();
    if (r.calendar)
        return u"orteam-calendar-month-report-%1.%2"_s.arg(r.from.toString(u"yyyy-MM"_s), extension);
    return u"orteam-%1-report-%2.%3"_s.arg(reportPeriodName(r.period), r.to.toString(Qt::ISODate), extension);
}

void ReportsPage::saveBytes(const QString &title, const QString &extension, const QString &filter, const QByteArray &bytes)
{
    const QString path = m_chooseSave(title, suggestedName(extension), filter);
    if (path.isEmpty())
        return;
    QString error;
    if (!saveFileAtomically(path, bytes, &error))
        return Q_EMIT problem(error);
    Q_EMIT status(tr("Saved %1").arg(path));
}

void ReportsPage::exportCsv()
{
    saveBytes(tr("Export report as CSV"), u"csv"_s, tr("CSV files (*.csv)"), reportCsv(m_model->report()));
}

void ReportsPage::exportJson()
{
    saveBytes(tr("Export report as JSON"), u"json"_s, tr("JSON files (*.json)"), reportJson(m_model->report()));
}

void ReportsPage::exportPdf()
{
    const QString path = m_chooseSave(tr("Export report as PDF"), suggestedName(u"pdf"_s), tr("PDF files (*.pdf)"));
    if (path.isEmpty())
        return;
    const QList<PdfChart> charts{{m_comparison->chart()->title(), renderChart(m_comparison)},
                                 {m_trend->chart()->title(), renderChart(m_trend)}};
    QString error;
    if (!writeReportPdf(path, m_model->report(), charts, m_demo, &error))
        return Q_EMIT problem(error);
    Q_EMIT status(tr("Saved %1").arg(path));
}

void ReportsPage::exportChargeback()
{
    const TeamReport &r = m_model->report();
    // Read before asking where to save: a failed read is said, never an empty file.
    const Result<QList<WorkspaceSpend>> rows = m_spend->workspaceSpend(r.from, r.to);
    if (!rows)
        return Q_EMIT problem(tr("Cannot read the spend per workspace: %1").arg(rows.errorText()));
    const QString path = m_chooseSave(tr("Export the chargeback as CSV"),
                                      u"orteam-chargeback-%1-%2.csv"_s.arg(r.from.toString(Qt::ISODate), r.to.toString(Qt::ISODate)),
                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveFileAtomically(path, workspaceChargebackCsv(*rows), &error))
        return Q_EMIT problem(error);
    Q_EMIT status(tr("Saved %1").arg(path));
}

void ReportsPage::saveChartPng(QChartView *view)
{
    const QString name = view == m_comparison ? u"members"_s : u"daily"_s;
    const QString path = m_chooseSave(tr("Save chart as PNG"), suggestedName(u"png"_s).replace(u".png"_s, u"-%1.png"_s.arg(name)),
                                      tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!orteam::saveChartPng(view, path, &error))
        return Q_EMIT problem(error);
    Q_EMIT status(tr("Saved %1").arg(path));
}

} // namespace orteam
