// The Overview page on a real SQLite file and keys from the fake OpenRouter: each tile shows the
// numbers OverviewService computes (formatted as the rest of the window formats money), a click on
// a tile or its button opens the tile's page, too little history says so instead of projecting,
// unknown keys leave the credits unknown (never $0), a failed read leaves every tile "Unknown" with
// the database's error, and the window opens on the Overview when there is history (on Keys when
// there is none).
#include "GuiTest.h"
#include "SpendFixture.h"
#include "AppSettings.h"
#include "ConnectionManager.h"
#include "HygieneController.h"
#include "KeyListController.h"
#include "MainWindow.h"
#include "Money.h"
#include "OpenRouterClient.h"
#include "OverviewPage.h"
#include "SecretStore.h"
#include "SpendController.h"
#include "Store.h"
#include "Translations.h"

#include <QAccessible>
#include <QApplication>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestOverviewPage : public QObject, protected GuiTest::SpendFixture
{
    Q_OBJECT

    void loadKeys()
    {
        QSignalSpy refreshed(m_keys.get(), &KeyListController::refreshFinished);
        m_keys->refresh();
        QVERIFY(refreshed.wait(10'000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        installTranslations(qApp);
    }

    void init() { setUp(); }
    void cleanup() { tearDown(); }

    void tilesShowTheServicesNumbers()
    {
        seed(8);
        loadKeys();
        OverviewPage page(m_spend.get(), nullptr);
        page.reload();
        const Result<Overview> o = m_spend->overview();
        QVERIFY2(o, qPrintable(o.errorText()));
        QVERIFY(o->trendKnown());
        QVERIFY(page.errorText().isEmpty());

        OverviewTile *month = page.tile(u"overviewMonth"_s);
        QCOMPARE(month->value(), formatUsd(o->monthToDate));
        QVERIFY2(month->detail().contains(formatUsd(*o->projectedMonthEnd)), qPrintable(month->detail()));
        QVERIFY(month->detail().contains(u"No monthly budget"_s));
        QCOMPARE(page.tile(u"overviewToday"_s)->value(), formatUsd(11.0));
        QVERIFY(page.tile(u"overviewToday"_s)->detail().contains(formatUsd(17.0))); // Monday to Wednesday
        // The rate and the projection, worked by hand: the seven days before Wednesday at $3 and
        // Wednesday's $11 by 21:00 over 7.875 days; the month ends 5 days and 3 hours later.
        QCOMPARE(*o->ratePerDay, 32.0 / 7.875);
        QCOMPARE(*o->projectedMonthEnd, 32.0 + 32.0 / 7.875 * (5 + 3.0 / 24));
        // History starts after last week's Monday: no change is claimed.
        OverviewTile *spenders = page.tile(u"overviewSpenders"_s);
        QCOMPARE(spenders->value(), u"ben"_s);
        QVERIFY(spenders->detail().contains(formatUsd(11.0)) && spenders->detail().contains(formatUsd(6.0)));
        QVERIFY(spenders->detail().contains(u"last week is not in the history"_s));
        OverviewTile *credits = page.tile(u"overviewCredits"_s);
        QCOMPARE(credits->value(), formatUsd(476.0));
        QVERIFY(credits->detail().contains(QLocale().toString(*o->creditsRunOut, u"ddd d MMM"_s)));
        QCOMPARE(page.tile(u"overviewAlerts"_s)->value(), u"%1 open"_s.arg(o->alerts.size()));
        QVERIFY(!o->alerts.isEmpty()); // ann's key is at 70% of its limit, ben spent 9x his usual day

        // A screen reader hears each tile's title and number.
        QAccessibleInterface *a11y = QAccessible::queryAccessibleInterface(month);
        QVERIFY(a11y);
        QCOMPARE(a11y->text(QAccessible::Name), u"This month: "_s + formatUsd(o->monthToDate));

        // With a monthly budget the month tile says when it is crossed at this rate.
        QVERIFY(m_store->notify().setAlertSettings([] {
            AlertSettings s;
            s.teamMonthlyBudget = 40.0;
            return s;
        }()).ok());
        page.reload();
        const Result<Overview> budgeted = m_spend->overview();
        QVERIFY(budgeted && budgeted->budgetCrossedOn);
        // $8 left at $4.06 a day from Wednesday 21:00 is 1.97 days: Friday, about 20:15.
        QCOMPARE(*budgeted->budgetCrossedOn, m_wednesday.addDays(2));
        QVERIFY2(month->detail().contains(QLocale().toString(*budgeted->budgetCrossedOn, u"ddd d MMM"_s)), qPrintable(month->detail()));
        QVERIFY(month->bar()->isVisibleTo(&page));
        QVERIFY2(!month->detail().contains(u"linked to no member"_s), qPrintable(month->detail())); // both keys are

        // A key linked to nobody that spent this month: said beside the team's month, not in it.
        FakeOpenRouter::KeySeed ci;
        ci.name = u"ci-bot"_s;
        ci.usage = ci.usageMonthly = 3.5;
        m_fake->addKey(ci);
        loadKeys();
        page.reload();
        const Result<Overview> withCi = m_spend->overview();
        QVERIFY(withCi);
        QCOMPARE(withCi->unlinkedKeys, 1);
        QCOMPARE(withCi->unlinkedMonth, 3.5);
        QCOMPARE(withCi->monthToDate, budgeted->monthToDate);
        QVERIFY2(month->detail().contains(u"Not in it: $3.50 spent this month by 1 key linked to no member."_s),
                 qPrintable(month->detail()));
    }

    void tilesOpenTheirPages()
    {
        seed(8);
        OverviewPage page(m_spend.get(), nullptr);
        page.resize(900, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QSignalSpy opened(&page, &OverviewPage::openPage);
        // Through the window, as a mouse does: on the tile's big number, which must not take
        // the click for itself.
        auto *value = GuiTest::find<QLabel>(&page, "overviewMonthValueLabel");
        QTest::mouseClick(page.windowHandle(), Qt::LeftButton, {}, value->mapTo(&page, value->rect().center()));
        QTest::mouseClick(GuiTest::find<QPushButton>(&page, "overviewSpendersOpenButton"), Qt::LeftButton);
        // On the detail text (rich text) too.
        auto *detail = GuiTest::find<QLabel>(&page, "overviewMonthDetailLabel");
        QVERIFY(!detail->text().isEmpty());
        QTest::mouseClick(page.windowHandle(), Qt::LeftButton, {}, detail->mapTo(&page, QPoint(4, 4)));
        QCOMPARE(opened.size(), 3);
        QCOMPARE(opened.at(0).at(0).toString(), u"reports"_s);
        QCOMPARE(opened.at(1).at(0).toString(), u"spend"_s);
        QCOMPARE(opened.at(2).at(0).toString(), u"reports"_s);
    }

    // A hidden page reads nothing (the alerts behind it are computed on the GUI thread); it reads
    // when it is shown, and again on a change while it shows.
    void readsWhenShown()
    {
        OverviewPage page(m_spend.get(), nullptr);
        seed(8);
        Q_EMIT m_spend->changed();
        QVERIFY(page.tile(u"overviewMonth"_s)->value().isEmpty());
        page.show();
        QCOMPARE(page.tile(u"overviewMonth"_s)->value(), formatUsd(GuiTest::must(m_spend->overview()).monthToDate));
        QVERIFY(m_store->usage().recordKeySnapshots({snap(m_annKey.hash, 5.0), snap(m_benKey.hash, 9.0)}, now()).ok());
        Q_EMIT m_spend->changed();
        QCOMPARE(page.tile(u"overviewToday"_s)->value(), formatUsd(14.0));
    }

    void shortHistorySaysSo()
    {
        seed(2);
        loadKeys();
        OverviewPage page(m_spend.get(), nullptr);
        page.reload();
        const QString month = page.tile(u"overviewMonth"_s)->detail();
        QVERIFY2(month.contains(u"Not enough history yet: 2 days"_s), qPrintable(month));
        QVERIFY(!month.contains(u"Projected"_s));
        QVERIFY(page.tile(u"overviewCredits"_s)->detail().contains(u"no run-out date"_s));
    }

    void readOnlyViewSaysWhatNeedsTheKey()
    {
        seed(8);
        HygieneController hygiene(m_keys.get(), m_client.get(), m_store.get(), nullptr, nullptr);
        OverviewPage page(m_spend.get(), &hygiene);
        page.setReadOnly(true);
        page.reload();
        QVERIFY(page.tile(u"overviewKeys"_s)->isHidden()); // no key list to judge
        QVERIFY(page.tile(u"overviewCredits"_s)->detail().contains(u"need the management key"_s));
        QVERIFY(page.tile(u"overviewAlerts"_s)->detail().contains(u"need the management key"_s));
    }

    void usedUpCreditsAreNotADate()
    {
        seed(8);
        m_fake->setCredits(10, 12);
        loadKeys();
        OverviewPage page(m_spend.get(), nullptr);
        page.reload();
        QCOMPARE(page.tile(u"overviewCredits"_s)->value(), formatUsd(-2.0));
        QVERIFY(page.tile(u"overviewCredits"_s)->detail().contains(u"Used up"_s));
        QVERIFY(!page.tile(u"overviewCredits"_s)->detail().contains(u"Run out"_s));
    }

    // After a failed refresh the last credits stay, marked with their age.
    void staleCreditsSayTheirAge()
    {
        seed(8);
        loadKeys();
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"down"_s), 10);
        m_fake->failNext("GET", u"/credits"_s, FakeOpenRouter::errorFault(500, u"down"_s), 10);
        loadKeys();
        OverviewPage page(m_spend.get(), nullptr);
        page.reload();
        QCOMPARE(page.tile(u"overviewCredits"_s)->value(), formatUsd(476.0));
        QVERIFY2(page.tile(u"overviewCredits"_s)->detail().contains(u"the last refresh failed"_s), qPrintable(page.tile(u"overviewCredits"_s)->detail()));
        QVERIFY(page.tile(u"overviewAlerts"_s)->detail().contains(u"the last refresh failed"_s));
    }

    void unknownKeysAreNotZero()
    {
        seed(8);
        OverviewPage page(m_spend.get(), nullptr); // the keys never loaded
        page.reload();
        QCOMPARE(page.tile(u"overviewCredits"_s)->value(), u"Unknown"_s);
        QVERIFY(page.tile(u"overviewAlerts"_s)->detail().contains(u"not known until the keys load"_s));
    }

    void aFailedReadShowsNoNumber()
    {
        seed(8);
        loadKeys();
        OverviewPage page(m_spend.get(), nullptr);
        page.reload();
        breakTable(u"spend_day"_s);
        page.reload();
        QVERIFY(!page.errorText().isEmpty());
        QVERIFY(GuiTest::find<QLabel>(&page, "overviewErrorLabel")->isVisibleTo(&page));
        for (const char *name : {"overviewMonth", "overviewToday", "overviewSpenders", "overviewAlerts", "overviewCredits"}) {
            QCOMPARE(page.tile(QLatin1StringView(name))->value(), u"Unknown"_s);
            QVERIFY(page.tile(QLatin1StringView(name))->bar()->isHidden()); // no bar at a last-known level
        }
        QVERIFY(GuiTest::find<QLabel>(&page, "overviewAsOfLabel")->text().isEmpty()); // no time for numbers not shown
    }

    void windowOpensOnTheOverviewWithHistory()
    {
        MemorySecretStore secrets;
        AppSettings settings(m_dir->filePath(u"orteam.conf"_s));
        ConnectionManager connection(m_client.get(), &secrets, &settings);
        {
            MainWindow empty(m_keys.get(), &connection, nullptr, nullptr, m_spend.get());
            QCOMPARE(empty.currentPage(), u"keys"_s); // nothing recorded: the keys are the work
            QCOMPARE(empty.pageNames().first(), u"overview"_s);
        }
        seed(8);
        MainWindow window(m_keys.get(), &connection, nullptr, nullptr, m_spend.get());
        QCOMPARE(window.currentPage(), u"overview"_s);
        // A tile's button opens its page in the window.
        GuiTest::find<QPushButton>(&window, "overviewCreditsOpenButton")->click();
        QCOMPARE(window.currentPage(), u"spend"_s);
    }
};

QTEST_MAIN(TestOverviewPage)
#include "tst_overviewpage.moc"
