// The calendar month on the dashboard, on a real SQLite file and the fake's keys with a pinned
// clock: the Spend page's line at the top says the month to date against the team's monthly
// budget, the projected month end and the crossing day with OverviewService's numbers (no budget,
// too little history and a failed read each said in words, never $0), and the Reports page's
// "Calendar month" shows ReportService's report for the month picked, exports it, and never goes
// past the current month.
#include "GuiTest.h"
#include "SpendFixture.h"
#include "Money.h"
#include "OverviewService.h"
#include "ReportService.h"
#include "ReportTableModel.h"
#include "ReportsPage.h"
#include "SpendController.h"
#include "SpendPage.h"
#include "Store.h"
#include "Translations.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTimeZone>
#include <QToolButton>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;
using GuiTest::find;
using GuiTest::must;

class TestMonthViews : public QObject, protected GuiTest::SpendFixture
{
    Q_OBJECT

    void setMonthlyBudget(std::optional<double> budget)
    {
        AlertSettings s = must(m_store->notify().alertSettings());
        s.teamMonthlyBudget = budget;
        QVERIFY(m_store->notify().setAlertSettings(s).ok());
    }

    Overview serviceOverview() const
    {
        return must(OverviewService::read(*m_store, std::nullopt, std::nullopt, now()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        installTranslations(qApp);
    }

    void init() { setUp(); }
    void cleanup() { tearDown(); }

    void spendPageMonthLineHasTheServicesNumbers()
    {
        seed(40);
        setMonthlyBudget(100.0);
        SpendPage page(m_spend.get());
        page.resize(1120, 620);
        GuiTest::snapshot(&page, "spend-month-line");
        const Overview o = serviceOverview();
        // Worked by hand: November's 24 days before today at $3 and today's $11; at $4.06 a day
        // (the 7 days before at $3, today's $11 by 21:00) the $17 left lasts 4.2 days: the 30th.
        QCOMPARE(o.monthToDate, 24 * 3.0 + 11.0);
        QCOMPARE(o.budgetPercent().value(), 83);
        QCOMPARE(o.budgetCrossedOn.value(), QDate(2026, 11, 30));
        QVERIFY(o.projectedMonthEnd && !o.budgetCrossed);
        const QString text = page.monthLine()->text();
        QVERIFY2(text.contains(u"Month to date (November, UTC)"_s), qPrintable(text));
        QVERIFY2(text.contains(u"%1 of a %2 budget (83%)"_s.arg(formatUsd(o.monthToDate), formatUsd(100.0))), qPrintable(text));
        QVERIFY2(text.contains(u"projected month end %1 at %2 a day"_s.arg(formatUsd(*o.projectedMonthEnd), formatUsd(*o.ratePerDay))),
                 qPrintable(text));
        QVERIFY2(text.contains(u"crosses the budget around 2026-11-30"_s), qPrintable(text));
        QVERIFY(page.monthLine()->isVisibleTo(&page));
        // The same numbers as the controller's overview, which the Overview page shows.
        QCOMPARE(must(m_spend->overview()).monthText(), o.monthText());

        // Within budget at this rate.
        setMonthlyBudget(200.0);
        page.rebuild();
        QVERIFY2(page.monthLine()->text().contains(u"(41%); projected month end"_s), qPrintable(page.monthLine()->text()));
        QVERIFY(page.monthLine()->text().contains(u"within budget at this rate"_s));

        // No budget: said, with where to set one.
        setMonthlyBudget(std::nullopt);
        page.rebuild();
        QVERIFY2(page.monthLine()->text().contains(u"no team monthly budget"_s), qPrintable(page.monthLine()->text()));
        QVERIFY(page.monthLine()->text().contains(u"Notifications page"_s));
        QVERIFY(!page.monthLine()->text().contains(u"crosses"_s));
    }

    void spendPageMonthLineWithTooLittleHistory()
    {
        seed(2);
        setMonthlyBudget(100.0);
        SpendPage page(m_spend.get());
        const QString text = page.monthLine()->text();
        QVERIFY2(text.contains(u"not enough history yet: 2 days, no projection"_s), qPrintable(text));
        QVERIFY(text.contains(formatUsd(14.0))); // yesterday's $3 and today's $11
        QVERIFY(!text.contains(u"projected"_s));
    }

    void spendPageMonthLineAfterAFailedReadIsNoNumber()
    {
        seed(8);
        setMonthlyBudget(100.0);
        SpendPage page(m_spend.get());
        QVERIFY(page.monthLine()->text().contains(formatUsd(must(m_spend->overview()).monthToDate)));
        breakTable(u"spend_day"_s);
        page.rebuild();
        const QString text = page.monthLine()->text();
        QVERIFY2(text.contains(u"not known"_s), qPrintable(text));
        QVERIFY(!text.contains(u"$"_s));
        QVERIFY(find<QLabel>(&page, "spendErrorLabel")->isVisibleTo(&page));
    }

    void reportsPageCalendarMonthIsTheServicesReport()
    {
        seed(70); // from mid-September: October whole, November to date
        setMonthlyBudget(100.0);
        ReportsPage page(m_spend.get());
        QString target;
        QStringList suggested;
        page.setSaveChooser([&](const QString &, const QString &name, const QString &) {
            suggested << name;
            return target;
        });
        auto *combo = find<QComboBox>(&page, "reportPeriodCombo");
        QVERIFY(!find<QToolButton>(&page, "reportPreviousMonthButton")->isVisibleTo(&page));
        combo->setCurrentIndex(combo->findText(u"Calendar month"_s));
        QVERIFY(page.showsCalendarMonth());
        QVERIFY(find<QToolButton>(&page, "reportPreviousMonthButton")->isVisibleTo(&page));
        page.resize(1120, 560);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        GuiTest::snapshot(&page, "reports-calendar-month");

        // The current month, to date: the service's report, number for number.
        const TeamReport expected = must(ReportService::calendarMonth(*m_store, m_wednesday, now()));
        const TeamReport &shown = page.report();
        QVERIFY(shown.calendar && shown.calendar->toDate);
        QCOMPARE(shown.from, QDate(2026, 11, 1));
        QCOMPARE(shown.to, m_wednesday);
        QCOMPARE(shown.total, expected.total);
        QCOMPARE(shown.total, 83.0);
        QCOMPARE(shown.previousTotal, expected.previousTotal);
        QCOMPARE(shown.previousTotal, 75.0); // October 1st to 25th at $3
        QCOMPARE(shown.forecast, expected.forecast);
        QCOMPARE(shown.rows.size(), expected.rows.size());
        QTableView *table = find<QTableView>(&page, "reportTable");
        QAbstractItemModel *model = table->model();
        QCOMPARE(model->rowCount(), int(expected.rows.size()));
        for (int r = 0; r < model->rowCount(); ++r) {
            const QString member = model->index(r, ReportTableModel::MemberColumn).data().toString();
            const auto row = std::find_if(expected.rows.cbegin(), expected.rows.cend(), [&](const TeamReportRow &x) { return x.member == member; });
            QVERIFY(row != expected.rows.cend());
            QCOMPARE(model->index(r, ReportTableModel::CostColumn).data(Qt::UserRole).toDouble(), row->cost);
            QCOMPARE(model->index(r, ReportTableModel::PreviousColumn).data(Qt::UserRole).toDouble(), row->previousCost);
            QCOMPARE(model->index(r, ReportTableModel::ForecastColumn).data(Qt::UserRole).toDouble(), row->forecast);
        }
        // The team against its budget: the Overview's month, in the summary.
        QVERIFY(shown.outlook && expected.outlook);
        QCOMPARE(shown.outlook->monthToDate, serviceOverview().monthToDate);
        QCOMPARE(*shown.outlook->projectedMonthEnd, *serviceOverview().projectedMonthEnd);
        const QString summary = find<QLabel>(&page, "reportSummaryLabel")->text();
        QVERIFY2(summary.contains(formatUsd(expected.total)), qPrintable(summary));
        QVERIFY2(summary.contains(u"October to the 25th"_s), qPrintable(summary));
        QVERIFY2(summary.contains(u"next month (December 2026)"_s), qPrintable(summary));
        QVERIFY2(summary.contains(expected.outlook->monthText().toHtmlEscaped()), qPrintable(summary));
        QCOMPARE(find<QLabel>(&page, "reportMonthLabel")->text(), u"November 2026 to date"_s);
        QVERIFY(!find<QToolButton>(&page, "reportNextMonthButton")->isEnabled()); // December has not begun
        // The team's days of October and November, then the month ahead at the Overview's rate.
        auto *spent = qobject_cast<QLineSeries *>(page.trendChart()->series().value(0));
        auto *ahead = qobject_cast<QLineSeries *>(page.trendChart()->series().value(1));
        QCOMPARE(spent->count(), 31 + 25);
        QCOMPARE(ahead->count(), 1 + 5); // joined to today, then the 26th to the 30th
        QCOMPARE(ahead->at(1).y(), *expected.outlook->ratePerDay);

        // Exports: JSON with the calendar month and the team's budget, CSV with the monthly columns.
        target = m_dir->filePath(u"month.json"_s);
        find<QPushButton>(&page, "exportJsonButton")->click();
        QCOMPARE(suggested.last(), u"orteam-calendar-month-report-2026-11.json"_s);
        QFile jsonFile(target);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(json.value("calendar"_L1).toObject().value("month"_L1).toString(), u"2026-11"_s);
        QCOMPARE(json.value("total"_L1).toDouble(), expected.total);
        QCOMPARE(json.value("team_budget"_L1).toObject().value("projected_month_end"_L1).toDouble(), *expected.outlook->projectedMonthEnd);
        QCOMPARE(json.value("team_budget"_L1).toObject().value("budget_crossed_on"_L1).toString(), u"2026-11-30"_s);
        target = m_dir->filePath(u"month.csv"_s);
        find<QPushButton>(&page, "exportCsvButton")->click();
        QFile csvFile(target);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        QVERIFY(csvFile.readAll().startsWith("user,monthly_cost,"));
        target = m_dir->filePath(u"month.pdf"_s);
        find<QPushButton>(&page, "exportPdfButton")->click();
        QFile pdfFile(target);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.readAll().startsWith("%PDF"));

        // The month before: October in full, against September, no budget line (it is over).
        find<QToolButton>(&page, "reportPreviousMonthButton")->click();
        const TeamReport october = must(ReportService::calendarMonth(*m_store, QDate(2026, 10, 1), now()));
        QVERIFY(page.report().calendar && !page.report().calendar->toDate);
        QCOMPARE(page.report().to, QDate(2026, 10, 31));
        QCOMPARE(page.report().total, october.total);
        QCOMPARE(page.report().total, 93.0); // 31 days at $3
        QCOMPARE(page.report().previousTotal, october.previousTotal);
        QVERIFY(!page.report().outlook);
        QCOMPARE(find<QLabel>(&page, "reportMonthLabel")->text(), u"October 2026"_s);
        QTest::qWait(50); // the charts lay out their new axes on the next turn of the event loop
        GuiTest::snapshot(&page, "reports-calendar-past-month");
        QVERIFY(find<QToolButton>(&page, "reportNextMonthButton")->isEnabled());
        QVERIFY(!find<QLabel>(&page, "reportSummaryLabel")->text().contains(u"Month to date"_s));
        QCOMPARE(qobject_cast<QLineSeries *>(page.trendChart()->series().value(1))->count(), 0); // a whole month: nothing ahead

        // Before any history: an empty month, said so.
        page.setMonth(QDate(2026, 8, 1));
        QVERIFY(page.report().rows.isEmpty());
        QVERIFY(find<QLabel>(&page, "reportSummaryLabel")->text().contains(u"No usage recorded in August 2026"_s));
        // Never past the current month, and back to the rolling windows unchanged.
        page.setMonth(QDate(2027, 2, 1));
        QCOMPARE(page.month(), QDate(2026, 11, 1));
        combo->setCurrentIndex(1);
        QVERIFY(!page.report().calendar);
        QCOMPARE(page.report().from, m_wednesday.addDays(-29));
        QVERIFY(!find<QToolButton>(&page, "reportPreviousMonthButton")->isVisibleTo(&page));
    }

    // The service refuses a month that has not begun, and a failed read is an error, not $0.
    void calendarMonthErrorsAreValues()
    {
        seed(8);
        const Result<TeamReport> future = ReportService::calendarMonth(*m_store, QDate(2026, 12, 1), now());
        QVERIFY(!future);
        QCOMPARE(future.error().kind, StoreError::Kind::Invalid);
        QVERIFY2(future.errorText().contains(u"2026-12"_s), qPrintable(future.errorText()));
        ReportsPage page(m_spend.get());
        auto *combo = find<QComboBox>(&page, "reportPeriodCombo");
        combo->setCurrentIndex(combo->findText(u"Calendar month"_s));
        QCOMPARE(page.report().total, 32.0); // 7 days at $3 and today's $11
        QSignalSpy problems(&page, &ReportsPage::problem);
        breakTable(u"spend_day"_s);
        QVERIFY(!ReportService::calendarMonth(*m_store, m_wednesday, now()));
        page.rebuild();
        QVERIFY(!problems.isEmpty());
        QCOMPARE(page.report().total, 32.0); // what was shown stays; the banner says why it is not refreshed
    }

    void everyWidgetHasAnObjectName()
    {
        ReportsPage reports(m_spend.get());
        SpendPage spend(m_spend.get());
        for (QWidget *root : std::initializer_list<QWidget *>{&reports, &spend}) {
            for (QWidget *w : root->findChildren<QWidget *>()) {
                // Qt's own parts of a view (its corner button, scroll bars) are the view's.
                if (w->parentWidget() && !w->parentWidget()->inherits("QAbstractScrollArea") && w->objectName().isEmpty()
                    && (w->inherits("QLabel") || w->inherits("QAbstractButton") || w->inherits("QComboBox")))
                    QFAIL(qPrintable(u"a %1 without an objectName in %2"_s.arg(QString::fromLatin1(w->metaObject()->className()), root->objectName())));
            }
        }
    }
};

QTEST_MAIN(TestMonthViews)
#include "tst_monthviews.moc"
