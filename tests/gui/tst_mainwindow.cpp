// The main window driven like a person would, offscreen: widgets found by objectName, typed into
// and clicked, confirmations answered through MessageBox's seam, against the fake OpenRouter.
#include "GuiTest.h"
#include "Translations.h"
#include "AppSettings.h"
#include "AuditLog.h"
#include "AuditPage.h"
#include "Store.h"
#include "TeamService.h"
#include "ClipboardGuard.h"
#include "ConnectionManager.h"
#include "DemoData.h"
#include "ErrorBanner.h"
#include "FakeOpenRouter.h"
#include "JobQueue.h"
#include "KeyActions.h"
#include "KeyFilterProxyModel.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "KeysPage.h"
#include "MainWindow.h"
#include "MessageBox.h"
#include "Money.h"
#include "OpenProgress.h"
#include "OpenRouterClient.h"
#include "Schema.h"
#include "SeedDatabase.h"
#include "SecretStore.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QFile>
#include <QProcess>
#include <QProgressDialog>
#include <QFileInfo>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestMainWindow : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeOpenRouter> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<MemorySecretStore> m_secrets;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<KeyListController> m_keys;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<JobQueue> m_jobs;
    std::unique_ptr<AuditLogController> m_audit;
    std::unique_ptr<MainWindow> m_window;
    QList<std::function<void()>> m_clipboardTimers; // the fake clock's pending tasks

    template<typename T>
    T *find(const char *name, QObject *root = nullptr)
    {
        return GuiTest::find<T>(root ? root : m_window.get(), name);
    }
    template<typename T>
    T *waitFor(const char *name)
    {
        return GuiTest::waitFor<T>(m_window.get(), name);
    }
    QTableView *table() { return find<QTableView>("keysTableView"); }
    // With ORTEAM_TEST_SCREENSHOTS=DIR set, dialogs are saved as pictures for a person to look at.
    static void snapshot(QWidget *w, const char *name) { GuiTest::snapshot(w, name); }
    QAction *action(const char *name) { return find<QAction>(name); }

    // Builds the window. With `environmentKey` empty the key comes from the secret store, or
    // the welcome page shows.
    // `waitLoaded` false: return as soon as the first load has started (to look at the window
    // while it runs).
    void build(const QString &environmentKey, bool waitLoaded = true)
    {
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<OpenRouterClient>(m_nam.get());
        OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
        s.maxRetries = 0;
        m_client->setSettings(s);
        m_settings = std::make_unique<AppSettings>(m_dir->filePath(u"orteam.conf"_s));
        m_settings->setBaseUrl(m_fake->baseUrl());
        m_connection = std::make_unique<ConnectionManager>(m_client.get(), m_secrets.get(), m_settings.get());
        m_connection->setEnvironment(environmentKey, QString());
        m_store = std::make_unique<Store>();
        QString error;
        const Status opened = m_store->open(*DbLocation::parse(m_dir->filePath(u"team.db"_s), &error));
        QVERIFY2(opened, qPrintable(opened.errorText()));
        // As the dashboard is put together: key changes audited in the team database (KeyService),
        // the log read on the one job queue.
        m_keys = std::make_unique<KeyListController>(m_client.get(), m_store.get());
        m_jobs = std::make_unique<JobQueue>(m_store.get());
        m_audit = std::make_unique<AuditLogController>(m_store.get(), m_jobs.get());
        m_window = std::make_unique<MainWindow>(m_keys.get(), m_connection.get(), m_audit.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy loaded(m_window.get(), &MainWindow::firstLoadFinished);
        m_connection->start();
        if (waitLoaded)
            QVERIFY(loaded.wait(10'000));
    }

    // Tears down the window and what it uses (not the fake server or the secret store), in the
    // reverse order of build(), so a test can build it again differently.
    void dropWindow()
    {
        m_window.reset();
        m_keys.reset();
        m_audit.reset();
        m_jobs.reset();
        m_store.reset();
        m_connection.reset();
    }

    int rowOf(const QString &name)
    {
        const QAbstractItemModel *m = table()->model();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, KeyTableModel::NameColumn).data().toString() == name)
                return r;
        }
        return -1;
    }
    void select(const QStringList &names)
    {
        table()->clearSelection();
        for (const QString &n : names) {
            const int row = rowOf(n);
            QVERIFY2(row >= 0, qPrintable(n));
            table()->selectionModel()->select(table()->model()->index(row, 0),
                                              QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }
    std::optional<ApiKey> fakeKeyNamed(const QString &name) { return GuiTest::fakeKeyNamed(*m_fake, name); }
    bool waitRefresh() { return GuiTest::waitRefresh(*m_keys); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        installTranslations(qApp); // the plurals users read ("2 keys"), as the app installs them
        ClipboardGuard::setScheduler([this](int ms, QObject *, std::function<void()> task) {
            QCOMPARE(ms, 30'000);
            m_clipboardTimers << task;
        });
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_fake = std::make_unique<FakeOpenRouter>();
        DemoData::seed(*m_fake, QDateTime::currentDateTimeUtc());
        QVERIFY(m_fake->start());
        m_secrets = std::make_unique<MemorySecretStore>();
        m_clipboardTimers.clear();
        build(m_fake->managementKey());
    }
    void cleanup()
    {
        dropWindow();
        m_client.reset();
        m_nam.reset();
        m_settings.reset();
        m_secrets.reset();
        m_fake.reset();
        m_dir.reset();
    }

    void everyWidgetHasAnObjectName()
    {
        // Our widgets, that is: Qt's internals (viewports, scroll bars, header views, tool
        // buttons a toolbar makes for its actions, line-edit icons) have no names to give.
        const QStringList internal{u"QScrollBar"_s, u"QHeaderView"_s, u"QToolButton"_s, u"QLineEditIconButton"_s,
                                   u"QToolBarExtension"_s, u"QToolBarSeparator"_s, u"QSizeGrip"_s, u"QFocusFrame"_s,
                                   u"QComboBoxPrivateContainer"_s, u"QComboBoxListView"_s, u"QMenu"_s,
                                   u"QCalendarWidget"_s, u"QTableCornerButton"_s, u"QAbstractSpinBox"_s};
        for (QWidget *w : m_window->findChildren<QWidget *>()) {
            bool exempt = QByteArray(w->metaObject()->className()) == "QWidget" && w->objectName().isEmpty()
                && w->parentWidget() && w->parentWidget()->inherits("QAbstractScrollArea");
            for (QObject *p = w; p && !exempt; p = p->parent())
                exempt = internal.contains(QString::fromLatin1(p->metaObject()->className()));
            if (!exempt)
                QVERIFY2(!w->objectName().isEmpty() || QByteArray(w->metaObject()->className()) == "QWidget",
                         w->metaObject()->className());
        }
    }

    void showsEveryKeyWithDemoLabelOnlyInDemo()
    {
        QCOMPARE(table()->model()->rowCount(), m_fake->keyCount()); // disabled keys included
        QVERIFY(!find<QLabel>("demoBannerLabel")->isVisible());      // a real connection
        QVERIFY(find<QLabel>("connectionStatusLabel")->text().startsWith(u"Connected"_s));
        QVERIFY(find<QLabel>("creditsStatusLabel")->text().startsWith(u"Credits: $"_s));
        QVERIFY(find<QLabel>("lastRefreshStatusLabel")->text().startsWith(u"Updated"_s));
        QVERIFY(find<QLabel>("keysTotalsLabel")->text().startsWith(u"%1 key"_s.arg(m_fake->keyCount())));
        QSignalSpy ready(m_connection.get(), &ConnectionManager::ready);
        m_connection->useDemo(m_fake->baseUrl(), m_fake->managementKey());
        QVERIFY(find<QLabel>("demoBannerLabel")->isVisible());
        QVERIFY(find<QLabel>("demoBannerLabel")->text().contains(u"DEMO"_s));
        QVERIFY(m_window->windowTitle().contains(u"demo"_s));
    }

    void searchFiltersAsYouType()
    {
        auto *search = find<QLineEdit>("keySearchLineEdit");
        QTest::keyClicks(search, u"carol"_s);
        QCOMPARE(table()->model()->rowCount(), 2);
        // "N of M" once the filter settles (the sums are of the N)
        QTRY_VERIFY(find<QLabel>("keysTotalsLabel")->text().startsWith(u"2 of %1 keys"_s.arg(m_fake->keyCount())));
        search->clear();
        QCOMPARE(table()->model()->rowCount(), m_fake->keyCount());
        QTest::keyClicks(search, u"no such key"_s);
        QCOMPARE(table()->model()->rowCount(), 0);
        // An empty table says why, instead of reading as "no keys".
        QVERIFY(find<QLabel>("keysEmptyLabel")->isVisible());
        QVERIFY(find<QLabel>("keysEmptyLabel")->text().contains(u"no such key"_s));
        search->clear();
        QVERIFY(!find<QLabel>("keysEmptyLabel")->isVisible());
    }

    // "zoe" finds "Zoë" and "ZOË": case and accents aside, in the name and the member.
    void searchIgnoresCaseAndAccents()
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"Zoë-analytics"_s;
        m_fake->addKey(seed);
        seed.name = u"ZOË-LAPTOP"_s;
        m_fake->addKey(seed);
        QVERIFY(waitRefresh());
        auto *search = find<QLineEdit>("keySearchLineEdit");
        QTest::keyClicks(search, u"zoe"_s);
        QCOMPARE(table()->model()->rowCount(), 2);
        search->setText(u"ZOË-l"_s);
        QCOMPARE(table()->model()->rowCount(), 1);
        QCOMPARE(table()->model()->index(0, KeyTableModel::NameColumn).data().toString(), u"ZOË-LAPTOP"_s);
        search->setText(u"zoa"_s);
        QCOMPARE(table()->model()->rowCount(), 0);
    }

    void keyboardFindEscapePagesAndTab()
    {
        auto *search = find<QLineEdit>("keySearchLineEdit");
        table()->setFocus();
        QTRY_VERIFY(table()->hasFocus());
        // Ctrl+F: the current page's search.
        QTest::keySequence(m_window.get(), QKeySequence::Find);
        QTRY_VERIFY(search->hasFocus());
        QTest::keyClicks(search, u"carol"_s);
        QCOMPARE(table()->model()->rowCount(), 2);
        // Esc clears it.
        QTest::keyClick(search, Qt::Key_Escape);
        QVERIFY(search->text().isEmpty());
        QCOMPARE(table()->model()->rowCount(), m_fake->keyCount());
        // Tab leaves the table for the next control instead of walking its cells.
        QVERIFY(!table()->tabKeyNavigation());
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Tab);
        QTRY_VERIFY(!table()->hasFocus());
        // Ctrl+1 … switch pages, said in the Go menu and the navigation's tooltips.
        const QStringList pages = m_window->pageNames();
        QCOMPARE(pages.last(), u"audit"_s);
        auto *go = action("goTo_audit");
        QCOMPARE(go->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + pages.size() - 1)));
        auto *navigation = find<QListWidget>("navigationListWidget");
        QVERIFY(navigation->item(int(pages.size()) - 1)->toolTip().contains(go->shortcut().toString(QKeySequence::NativeText)));
        QTest::keySequence(m_window.get(), go->shortcut());
        QCOMPARE(m_window->currentPage(), u"audit"_s);
        QVERIFY(find<AuditPage>("auditPage")->isVisible());
        QTest::keySequence(m_window.get(), QKeySequence(Qt::CTRL | Qt::Key_1));
        QCOMPARE(m_window->currentPage(), u"keys"_s);
    }

    void enterOnARowEdits()
    {
        select({u"dan-data"_s});
        table()->selectionModel()->setCurrentIndex(table()->model()->index(rowOf(u"dan-data"_s), 0),
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        table()->setFocus();
        QTRY_VERIFY(table()->hasFocus());
        QTest::keyClick(table(), Qt::Key_Return);
        auto *dialog = waitFor<QDialog>("editKeyDialog");
        QVERIFY(dialog);
        QCOMPARE(find<QLineEdit>("keyNameLineEdit", dialog)->text(), u"dan-data"_s);
        dialog->reject(); // unchanged: closes without asking
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"editKeyDialog"_s));
    }

    // The key actions act on the Keys page's selection: their toolbar is there only.
    void keyToolBarOnlyOnTheKeysPage()
    {
        auto *keysBar = find<QToolBar>("keysToolBar");
        QVERIFY(keysBar->isVisible());
        QVERIFY(keysBar->actions().contains(action("newKeyAction")));
        m_window->showPage(u"audit"_s);
        QVERIFY(!keysBar->isVisible());
        QVERIFY(find<QToolBar>("mainToolBar")->isVisible()); // Refresh stays
        QVERIFY(action("newKeyAction")->isVisible());       // and the Keys menu keeps them
        m_window->showPage(u"keys"_s);
        QVERIFY(keysBar->isVisible());
    }

    void statusFilter()
    {
        auto *combo = find<QComboBox>("keyStatusFilterComboBox");
        combo->setCurrentIndex(combo->findText(u"Disabled"_s));
        QCOMPARE(table()->model()->rowCount(), 1);
        QCOMPARE(table()->model()->index(0, KeyTableModel::NameColumn).data().toString(), u"eve-security"_s);
        combo->setCurrentIndex(combo->findText(u"Expired"_s));
        QCOMPARE(table()->model()->rowCount(), 1);
        QCOMPARE(table()->model()->index(0, KeyTableModel::NameColumn).data().toString(), u"liam-intern"_s);
        combo->setCurrentIndex(0);
        QCOMPARE(table()->model()->rowCount(), m_fake->keyCount());
    }

    void clickingHeaderSortsByValue()
    {
        QHeaderView *header = table()->horizontalHeader();
        const int x = header->sectionViewportPosition(KeyTableModel::UsageTotalColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        const Qt::SortOrder order = header->sortIndicatorOrder();
        QCOMPARE(header->sortIndicatorSection(), int(KeyTableModel::UsageTotalColumn));
        QCOMPARE(order, Qt::DescendingOrder); // money: largest first on the first click
        const QAbstractItemModel *m = table()->model();
        for (int row = 1; row < m->rowCount(); ++row) {
            const double prev = m->index(row - 1, KeyTableModel::UsageTotalColumn).data(KeyTableModel::SortRole).toDouble();
            const double cur = m->index(row, KeyTableModel::UsageTotalColumn).data(KeyTableModel::SortRole).toDouble();
            QVERIFY(order == Qt::AscendingOrder ? prev <= cur : prev >= cur);
        }
    }

    void refreshKeepsSelection()
    {
        select({u"dan-data"_s});
        QVERIFY(waitRefresh());
        const QModelIndexList rows = table()->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().data().toString(), u"dan-data"_s);
    }

    void serverErrorShowsBannerAndKeepsRows()
    {
        const int rows = table()->model()->rowCount();
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        QVERIFY(waitRefresh());
        auto *banner = find<ErrorBanner>("errorBanner");
        QVERIFY(banner->isVisible());
        QVERIFY(banner->message().contains(u"server error (500)"_s));
        QCOMPARE(table()->model()->rowCount(), rows); // nothing lost
        QVERIFY(find<QLabel>("connectionStatusLabel")->text().startsWith(u"Not connected"_s));
        QSignalSpy done(m_keys.get(), &KeyListController::refreshFinished);
        QTest::mouseClick(find<QPushButton>("errorBannerRetryButton"), Qt::LeftButton);
        QVERIFY(done.wait());
        QVERIFY(!banner->isVisible());
    }

    // While the first listing is slow, and after a refresh fails, the Keys page never reads as
    // "0 keys · spent $0.00" nor as current: "Loading keys…", then the kept rows marked with their
    // age; the status bar's credits likewise.
    void keysSayLoadingThenStaleWithTheirAge()
    {
        dropWindow();
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::slowFault(1500));
        build(m_fake->managementKey(), false);
        auto *totals = find<QLabel>("keysTotalsLabel");
        auto *stale = find<QLabel>("keysStaleLabel");
        QCOMPARE(totals->text(), u"Loading keys…"_s);
        QTRY_VERIFY(m_keys->isRefreshing());
        QCOMPARE(totals->text(), u"Loading keys…"_s); // still, while the slow answer is out
        QVERIFY(!stale->isVisible());
        // The empty table is as wide as its headers, not 100 px a column: no sideways scrolling
        // over nothing at 1280x650.
        m_window->resize(1280, 650);
        QVERIFY(m_window->showPage(u"keys"_s));
        QApplication::processEvents();
        auto *keysTable = find<QTableView>("keysTableView");
        QCOMPARE(keysTable->model()->rowCount(), 0);
        QCOMPARE(keysTable->horizontalScrollBar()->maximum(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_keys->hasLoaded(), 10'000);
        QTRY_VERIFY(totals->text().contains(u"%1 keys shown"_s.arg(m_fake->keyCount())));
        QVERIFY(!stale->isVisible());
        QTRY_VERIFY(!m_keys->isRefreshing()); // the credits are read after the keys
        const QString credits = find<QLabel>("creditsStatusLabel")->text();
        QVERIFY2(credits.startsWith(u"Credits: $"_s) && !credits.contains(u"failed"_s), qPrintable(credits));

        // A refresh at a known moment, then one that fails (keys and credits): the rows stay,
        // marked with that moment, and the mark ages with the clock.
        const QDateTime asOf = QDateTime::currentDateTimeUtc().addSecs(-3600);
        // Shared with the clock, which may be asked after this function returns (the teardown).
        auto now = std::make_shared<QDateTime>(asOf);
        m_keys->setClock([now] { return *now; });
        QVERIFY(waitRefresh());
        const int rows = table()->model()->rowCount();
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        m_fake->failNext("GET", u"/credits"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        *now = asOf.addSecs(60);
        QVERIFY(waitRefresh());
        QCOMPARE(table()->model()->rowCount(), rows);
        QTRY_VERIFY(stale->isVisible());
        const QString hhmm = asOf.toLocalTime().toString(u"HH:mm"_s);
        QCOMPARE(stale->text(), u"As of %1 (1 min ago) — the last refresh failed"_s.arg(hhmm));
        QVERIFY(totals->text().contains(u"%1 keys shown"_s.arg(rows))); // the kept rows, not zero
        const QString staleCredits = find<QLabel>("creditsStatusLabel")->text();
        QVERIFY2(staleCredits.contains(u"As of %1 (1 min ago) — the last refresh failed"_s.arg(hhmm)), qPrintable(staleCredits));
        // Time passes with nothing else happening: the age follows.
        *now = asOf.addSecs(7 * 60 + 5);
        auto *timer = m_window->keysPage()->findChild<QTimer *>(u"keysStaleTimer"_s);
        QVERIFY(timer && timer->isActive());
        timer->setInterval(1);
        QTRY_COMPARE(stale->text(), u"As of %1 (7 min ago) — the last refresh failed"_s.arg(hhmm));
        // A refresh that works clears the mark.
        QVERIFY(waitRefresh());
        QTRY_VERIFY(!stale->isVisible());
        QVERIFY(!find<QLabel>("creditsStatusLabel")->text().contains(u"failed"_s));
    }

    // A first listing that fails shows no totals that would read as an empty account.
    void firstLoadFailingShowsNoZeros()
    {
        dropWindow();
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        build(m_fake->managementKey());
        QTRY_COMPARE(find<QLabel>("keysTotalsLabel")->text(), u"The keys could not be read yet; nothing is shown."_s);
        QVERIFY(!m_keys->hasLoaded());
        QCOMPARE(table()->model()->rowCount(), 0);
    }

    // The Remaining bar is read out as the figures it stands for; the search field and every
    // button have a name a screen reader can say.
    void remainingBarsAndButtonsHaveAccessibleNames()
    {
        const ApiKey dan = *fakeKeyNamed(u"dan-data"_s);
        QVERIFY(dan.limit);
        const int row = rowOf(u"dan-data"_s);
        QVERIFY(row >= 0);
        QAccessibleInterface *tableIface = QAccessible::queryAccessibleInterface(table());
        QVERIFY(tableIface && tableIface->tableInterface());
        QAccessibleInterface *cell = tableIface->tableInterface()->cellAt(row, KeyTableModel::RemainingColumn);
        QVERIFY(cell);
        const double remaining = dan.limitRemaining.value_or(*dan.limit - dan.usage);
        const int percent = qRound(*dan.limitUsedFraction() * 100);
        QCOMPARE(cell->text(QAccessible::Name),
                 u"%1 left of %2 (%3% used)"_s.arg(formatUsd(remaining), formatUsd(*dan.limit)).arg(percent));
        QVERIFY(!cell->text(QAccessible::Description).isEmpty());

        QAccessibleInterface *search = QAccessible::queryAccessibleInterface(find<QLineEdit>("keySearchLineEdit"));
        QCOMPARE(search->text(QAccessible::Name), u"Search keys"_s);
        for (QAbstractButton *b : m_window->findChildren<QAbstractButton *>()) {
            // Qt's own buttons inside other widgets (a table's corner, a toolbar's overflow
            // arrow, a line edit's clear icon) are named by Qt, or not ours to name.
            if (!b->isVisible() || b->inherits("QTableCornerButton") || b->inherits("QToolBarExtension")
                || b->inherits("QLineEditIconButton"))
                continue;
            QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(b);
            QVERIFY2(iface && !iface->text(QAccessible::Name).trimmed().isEmpty(),
                     qPrintable(u"button without an accessible name: "_s + b->objectName() + u" "_s
                                + QString::fromLatin1(b->metaObject()->className())));
        }
    }

    void createShowsSecretOnceAndClearsClipboard()
    {
        const int before = m_fake->keyCount();
        action("newKeyAction")->trigger();
        auto *dialog = waitFor<QDialog>("createKeyDialog");
        QVERIFY(dialog);
        auto *create = find<QPushButton>("createKeyButton", dialog);
        QVERIFY(!create->isEnabled()); // no name yet
        QTest::keyClicks(find<QLineEdit>("keyNameLineEdit", dialog), u"zoe-analytics"_s);
        QVERIFY(create->isEnabled());
        find<QCheckBox>("keyLimitCheckBox", dialog)->setChecked(true);
        find<QDoubleSpinBox>("keyLimitSpinBox", dialog)->setValue(40);
        auto *reset = find<QComboBox>("keyResetComboBox", dialog);
        reset->setCurrentIndex(reset->findData(int(LimitReset::Weekly)));
        find<QCheckBox>("keyExpiryCheckBox", dialog)->setChecked(true);
        snapshot(dialog, "create-key-dialog");
        QTest::mouseClick(create, Qt::LeftButton);

        auto *secretDialog = waitFor<QDialog>("secretDialog");
        QVERIFY(secretDialog);
        const QString secret = find<QLineEdit>("secretLineEdit", secretDialog)->text();
        QVERIFY(secret.startsWith(u"sk-or-v1-"_s));
        QCOMPARE(m_fake->keyCount(), before + 1);
        const auto created = fakeKeyNamed(u"zoe-analytics"_s);
        QVERIFY(created);
        QCOMPARE(*created->limit, 40.0);
        QCOMPARE(created->limitReset, LimitReset::Weekly);
        QVERIFY(created->expiresAt.isValid());
        QVERIFY(rowOf(u"zoe-analytics"_s) >= 0); // in the table without a refresh
        // … and selected, so it is where the admin looks next.
        QCOMPARE(table()->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(table()->selectionModel()->selectedRows().first().data().toString(), u"zoe-analytics"_s);
        // The table never holds the secret.
        for (int r = 0; r < table()->model()->rowCount(); ++r)
            for (int c = 0; c < KeyTableModel::ColumnCount; ++c)
                QVERIFY(!table()->model()->index(r, c).data().toString().contains(secret.mid(9)));

        // Copy, then the clock passes 30 s: the clipboard is cleared, but only if it still holds the secret.
        QTest::mouseClick(find<QPushButton>("copySecretButton", secretDialog), Qt::LeftButton);
        snapshot(secretDialog, "secret-dialog");
        QCOMPARE(QApplication::clipboard()->text(), secret);
        QCOMPARE(m_clipboardTimers.size(), 1);
        m_clipboardTimers.takeFirst()();
        QVERIFY(QApplication::clipboard()->text().isEmpty());
        QTest::mouseClick(find<QPushButton>("copySecretButton", secretDialog), Qt::LeftButton);
        QApplication::clipboard()->setText(u"something the admin copied since"_s);
        m_clipboardTimers.takeFirst()();
        QCOMPARE(QApplication::clipboard()->text(), u"something the admin copied since"_s);

        // Closing wipes it: no widget anywhere still shows the secret.
        QTest::mouseClick(find<QPushButton>("secretDoneButton", secretDialog), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"secretDialog"_s));
        for (QLineEdit *edit : m_window->findChildren<QLineEdit *>())
            QVERIFY(!edit->text().contains(secret));

        // Nothing the app wrote holds it: the settings file and every file under the test-mode
        // data, config and cache folders.
        m_settings->sync();
        QStringList files{m_settings->fileName()};
        for (auto location : {QStandardPaths::AppDataLocation, QStandardPaths::AppConfigLocation, QStandardPaths::CacheLocation,
                              QStandardPaths::GenericConfigLocation}) {
            QDirIterator it(QStandardPaths::writableLocation(location), QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << it.next();
        }
        for (const QString &path : std::as_const(files)) {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly))
                QVERIFY2(!f.readAll().contains(secret.toUtf8()), qPrintable(path));
        }
    }

    // Esc, or the window's close button, before the secret was copied: asked first, and the
    // dialog (with the secret) stays unless the admin says to close it.
    void secretDialogAsksBeforeTheSecretIsLost()
    {
        action("newKeyAction")->trigger();
        auto *dialog = waitFor<QDialog>("createKeyDialog");
        QTest::keyClicks(find<QLineEdit>("keyNameLineEdit", dialog), u"never-lost"_s);
        QTest::mouseClick(find<QPushButton>("createKeyButton", dialog), Qt::LeftButton);
        auto *secretDialog = waitFor<QDialog>("secretDialog");
        QVERIFY(secretDialog);
        const QString secret = find<QLineEdit>("secretLineEdit", secretDialog)->text();
        QVERIFY(!secret.isEmpty());

        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(secretDialog, Qt::Key_Escape);
        QVERIFY(MessageBox::lastText().contains(u"not been copied"_s));
        QVERIFY(secretDialog->isVisible());
        QCOMPARE(find<QLineEdit>("secretLineEdit", secretDialog)->text(), secret);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QVERIFY(!secretDialog->close()); // the window's close button
        QVERIFY(secretDialog->isVisible());

        // Ctrl+C in the field copies through the guard (cleared in 30 s) and counts as copied.
        find<QLineEdit>("secretLineEdit", secretDialog)->setFocus();
        QTest::keySequence(find<QLineEdit>("secretLineEdit", secretDialog), QKeySequence::Copy);
        QCOMPARE(QApplication::clipboard()->text(), secret);
        QCOMPARE(m_clipboardTimers.size(), 1);
        MessageBox::setNextAnswer(QMessageBox::Cancel); // would keep it open, were it asked
        QTest::keyClick(secretDialog, Qt::Key_Escape);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"secretDialog"_s));
    }

    // Every editing dialog asks before edits are lost, and only then.
    void editDialogsAskBeforeDiscarding()
    {
        select({u"dan-data"_s});
        action("editKeyAction")->trigger();
        auto *dialog = waitFor<QDialog>("editKeyDialog");
        QVERIFY(dialog);
        // Save takes an edit of any one field: the reset period alone, the BYOK rule alone.
        auto *save = find<QPushButton>("saveKeyButton", dialog);
        QVERIFY(!save->isEnabled());
        auto *reset = find<QComboBox>("keyResetComboBox", dialog);
        const int resetWas = reset->currentIndex();
        reset->setCurrentIndex(resetWas == 0 ? 1 : 0);
        QVERIFY(save->isEnabled());
        reset->setCurrentIndex(resetWas);
        QVERIFY(!save->isEnabled());
        auto *byok = find<QCheckBox>("keyByokCheckBox", dialog);
        byok->toggle();
        QVERIFY(save->isEnabled());
        byok->toggle();
        QVERIFY(!save->isEnabled());
        find<QDoubleSpinBox>("keyLimitSpinBox", dialog)->setValue(77);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(MessageBox::lastText().startsWith(u"Discard changes?"_s));
        QVERIFY(dialog->isVisible());
        QCOMPARE(find<QDoubleSpinBox>("keyLimitSpinBox", dialog)->value(), 77.0);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(find<QPushButton>("cancelKeyButton", dialog), Qt::LeftButton);
        QVERIFY(dialog->isVisible());
        // Back to what it was: nothing to lose, nothing asked.
        find<QDoubleSpinBox>("keyLimitSpinBox", dialog)->setValue(*fakeKeyNamed(u"dan-data"_s)->limit);
        MessageBox::setNextAnswer(QMessageBox::Cancel); // would keep it open, were it asked
        QTest::keyClick(dialog, Qt::Key_Escape);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"editKeyDialog"_s));

        action("newKeyAction")->trigger();
        dialog = waitFor<QDialog>("createKeyDialog");
        QTest::keyClicks(find<QLineEdit>("keyNameLineEdit", dialog), u"half-typed"_s);
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QVERIFY(dialog->close());
        QVERIFY(MessageBox::lastText().startsWith(u"Discard changes?"_s));
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"createKeyDialog"_s));

        action("settingsAction")->trigger();
        dialog = waitFor<QDialog>("settingsDialog");
        find<QSpinBox>("refreshIntervalSpinBox", dialog)->setValue(600);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(dialog->isVisible());
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QTest::keyClick(dialog, Qt::Key_Escape);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"settingsDialog"_s));
        QCOMPARE(m_settings->refreshIntervalSeconds(), AppSettings::DefaultRefreshSeconds); // nothing saved
    }

    // A double-click on Enable while OpenRouter is slow sends one PATCH, not two.
    void actionLockedWhileItsRequestIsInFlight()
    {
        const ApiKey eve = *fakeKeyNamed(u"eve-security"_s);
        QVERIFY(eve.disabled);
        select({u"eve-security"_s});
        m_fake->clearRequests();
        m_fake->failNext("PATCH", u"/keys/"_s, FakeOpenRouter::slowFault(1500));
        auto *enable = action("enableKeyAction");
        QVERIFY(enable->isEnabled());
        QWidget *button = find<QToolBar>("keysToolBar")->widgetForAction(enable);
        QVERIFY(button);
        QTest::mouseDClick(button, Qt::LeftButton); // press, release, press, release: two clicks
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!enable->isEnabled()); // locked while the answer is out
        QVERIFY(!action("editKeyAction")->isEnabled());
        QVERIFY(m_keys->isChanging(eve.hash));
        // Even a caller that does not look at the actions cannot send a second change.
        bool refused = false;
        KeyUpdate again;
        again.disabled = false;
        m_keys->updateKey(eve.hash, again, this, [&](const ApiResult<ApiKey> &r) { refused = !r.ok(); });
        QTRY_VERIFY(refused);
        QTRY_VERIFY_WITH_TIMEOUT(!m_keys->isChanging(eve.hash), 10'000);
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys/"_s), 1);
        QVERIFY(!m_fake->key(eve.hash)->disabled);
        QTRY_VERIFY(action("disableKeyAction")->isEnabled()); // unlocked, and now it can be disabled
    }

    void createValidationAndDuplicateWarning()
    {
        action("newKeyAction")->trigger();
        auto *dialog = waitFor<QDialog>("createKeyDialog");
        QVERIFY(dialog);
        auto *name = find<QLineEdit>("keyNameLineEdit", dialog);
        QTest::keyClicks(name, u"alice-backend"_s);
        QVERIFY(find<QLabel>("keyDialogMessageLabel", dialog)->text().contains(u"already named"_s));
        QVERIFY(find<QPushButton>("createKeyButton", dialog)->isEnabled()); // allowed, with a warning
        name->setText(u"   "_s);
        QVERIFY(!find<QPushButton>("createKeyButton", dialog)->isEnabled());
        name->setText(QString(101, u'x'));
        QVERIFY(!find<QPushButton>("createKeyButton", dialog)->isEnabled());
        QVERIFY(find<QLabel>("keyDialogMessageLabel", dialog)->text().contains(u"100"_s));
        MessageBox::setNextAnswer(QMessageBox::Discard); // typed into: closing asks
        dialog->reject();
    }

    void createFailureKeepsDialogAndInput()
    {
        const int before = m_fake->keyCount();
        m_fake->failNext("POST", u"/keys"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        action("newKeyAction")->trigger();
        auto *dialog = waitFor<QDialog>("createKeyDialog");
        QTest::keyClicks(find<QLineEdit>("keyNameLineEdit", dialog), u"will-fail"_s);
        QTest::mouseClick(find<QPushButton>("createKeyButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(find<QLabel>("keyDialogMessageLabel", dialog)->text().contains(u"server error (500)"_s));
        snapshot(dialog, "create-key-error");
        QVERIFY(dialog->isVisible());
        QCOMPARE(find<QLineEdit>("keyNameLineEdit", dialog)->text(), u"will-fail"_s);
        QCOMPARE(m_fake->keyCount(), before);
        QCOMPARE(rowOf(u"will-fail"_s), -1);
        QVERIFY(!m_window->findChild<QDialog *>(u"secretDialog"_s));
        MessageBox::setNextAnswer(QMessageBox::Discard);
        dialog->reject();
    }

    void revokeCancelThenConfirm()
    {
        const ApiKey dan = *fakeKeyNamed(u"dan-data"_s);
        select({u"dan-data"_s});
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        action("revokeKeyAction")->trigger();
        QVERIFY(MessageBox::lastText().contains(u"dan-data"_s));
        QVERIFY(MessageBox::lastText().contains(u"spent $"_s));
        QTest::qWait(200);
        QVERIFY(m_fake->key(dan.hash));
        QVERIFY(rowOf(u"dan-data"_s) >= 0);
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys"_s), 0);

        MessageBox::setNextAnswer(QMessageBox::Yes);
        // The Delete key does the same as the action while the table has focus.
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete);
        QTRY_COMPARE(rowOf(u"dan-data"_s), -1);
        QVERIFY(!m_fake->key(dan.hash));
    }

    void bulkRevoke()
    {
        const int before = m_fake->keyCount();
        select({u"kate-product"_s, u"ines-design"_s, u"liam-intern"_s});
        MessageBox::setNextAnswer(QMessageBox::Yes);
        action("revokeKeyAction")->trigger();
        QVERIFY(MessageBox::lastText().contains(u"Revoke 3 keys"_s));
        QVERIFY(MessageBox::lastText().contains(u"kate-product"_s) && MessageBox::lastText().contains(u"liam-intern"_s));
        QTRY_COMPARE(m_fake->keyCount(), before - 3);
        QTRY_COMPARE(table()->model()->rowCount(), before - 3);
        QVERIFY(!fakeKeyNamed(u"ines-design"_s));
    }

    void revokeServerErrorKeepsRow()
    {
        const ApiKey bob = *fakeKeyNamed(u"bob-frontend"_s);
        m_fake->failNext("DELETE", u"/keys/"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        select({u"bob-frontend"_s});
        MessageBox::setNextAnswer(QMessageBox::Yes);
        action("revokeKeyAction")->trigger();
        auto *banner = find<ErrorBanner>("errorBanner");
        QTRY_VERIFY(banner->isVisible());
        QVERIFY(banner->message().contains(u"bob-frontend"_s));
        QVERIFY(banner->message().contains(u"server error (500)"_s));
        QVERIFY(rowOf(u"bob-frontend"_s) >= 0);
        QVERIFY(m_fake->key(bob.hash));
    }

    void disableAndEnable()
    {
        const ApiKey alice = *fakeKeyNamed(u"alice-backend"_s);
        select({u"alice-backend"_s});
        QVERIFY(action("disableKeyAction")->isEnabled());
        QVERIFY(!action("enableKeyAction")->isEnabled());
        action("disableKeyAction")->trigger();
        QTRY_VERIFY(m_fake->key(alice.hash)->disabled);
        QTRY_COMPARE(table()->model()->index(rowOf(u"alice-backend"_s), KeyTableModel::StatusColumn).data().toString(),
                     u"Disabled"_s);
        QTRY_VERIFY(action("enableKeyAction")->isEnabled());
        action("enableKeyAction")->trigger();
        QTRY_VERIFY(!m_fake->key(alice.hash)->disabled);
    }

    void editLimitAndRename()
    {
        const ApiKey dan = *fakeKeyNamed(u"dan-data"_s);
        select({u"dan-data"_s});
        action("editKeyAction")->trigger();
        auto *dialog = waitFor<QDialog>("editKeyDialog");
        QVERIFY(dialog);
        auto *save = find<QPushButton>("saveKeyButton", dialog);
        QVERIFY(!save->isEnabled()); // nothing changed yet
        find<QDoubleSpinBox>("keyLimitSpinBox", dialog)->setValue(42);
        auto *reset = find<QComboBox>("keyResetComboBox", dialog);
        reset->setCurrentIndex(reset->findData(int(LimitReset::Daily)));
        auto *name = find<QLineEdit>("keyNameLineEdit", dialog);
        name->setText(u"dan-warehouse"_s);
        QVERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"editKeyDialog"_s));
        QCOMPARE(*m_fake->key(dan.hash)->limit, 42.0);
        QCOMPARE(m_fake->key(dan.hash)->limitReset, LimitReset::Daily);
        QCOMPARE(m_fake->key(dan.hash)->name, u"dan-warehouse"_s);
        const QJsonObject sent = QJsonDocument::fromJson(m_fake->requests().last().body).object();
        QVERIFY(!sent.contains("include_byok_in_limit"_L1)); // only what changed is sent
        const int row = rowOf(u"dan-warehouse"_s);
        QVERIFY(row >= 0);
        QCOMPARE(table()->model()->index(row, KeyTableModel::LimitColumn).data().toString(), u"$42.00"_s);
    }

    void rotateReplacesAndRevokesOld()
    {
        const ApiKey old = *fakeKeyNamed(u"frank-ci"_s);
        const int before = m_fake->keyCount();
        // The key is frank's: his replacement must be too, or it would spend outside his budget.
        QVERIFY(TeamService(*m_store).addMember({u"frank"_s, {}, {}, std::nullopt, true, {old.hash}}).ok());
        m_keys->model()->setOwners({{old.hash, u"frank"_s}});
        select({u"frank-ci"_s});
        action("rotateKeyAction")->trigger();
        auto *confirm = waitFor<QDialog>("rotateKeyDialog");
        QVERIFY(confirm);
        snapshot(confirm, "rotate-key");
        find<QRadioButton>("rotateRevokeNowRadio", confirm)->setChecked(true); // not the team's grace period
        QTest::mouseClick(find<QPushButton>("rotateOkButton", confirm), Qt::LeftButton);
        auto *secretDialog = waitFor<QDialog>("secretDialog");
        QVERIFY(secretDialog);
        QCOMPARE(m_fake->keyCount(), before + 1);
        QVERIFY(m_fake->key(old.hash)); // the old key lives until the admin has seen the new one
        QTest::mouseClick(find<QPushButton>("secretDoneButton", secretDialog), Qt::LeftButton);
        QTRY_VERIFY(!m_fake->key(old.hash));
        const auto replacement = fakeKeyNamed(u"frank-ci"_s);
        QVERIFY(replacement);
        QVERIFY(replacement->hash != old.hash);
        QCOMPARE(replacement->limit, old.limit);
        QCOMPARE(replacement->limitReset, old.limitReset);
        QCOMPARE(replacement->expiresAt, old.expiresAt);
        QCOMPARE(m_fake->keyCount(), before);
        const auto owners = m_store->team().keyOwners();
        QVERIFY(owners.ok());
        QCOMPARE(owners->value(replacement->hash), u"frank"_s);
    }

    // The rotate confirmation drops changed periods only after asking, like the other editors.
    void rotateDialogAsksBeforeDiscarding()
    {
        select({u"grace-research"_s});
        action("rotateKeyAction")->trigger();
        auto *confirm = waitFor<QDialog>("rotateKeyDialog");
        QVERIFY(confirm);
        // Untouched: Esc closes at once, nothing asked (the answer would keep it open).
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        const QString before = MessageBox::lastText();
        QTest::keyClick(confirm, Qt::Key_Escape);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"rotateKeyDialog"_s));
        QCOMPARE(MessageBox::lastText(), before);

        action("rotateKeyAction")->trigger();
        confirm = waitFor<QDialog>("rotateKeyDialog");
        QVERIFY(confirm);
        find<QSpinBox>("rotateDisableDaysSpin", confirm)->setValue(2);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(confirm, Qt::Key_Escape);
        QVERIFY(MessageBox::lastText().startsWith(u"Discard changes?"_s));
        QVERIFY(confirm->isVisible());
        QCOMPARE(find<QSpinBox>("rotateDisableDaysSpin", confirm)->value(), 2);
        find<QRadioButton>("rotateLeaveRadio", confirm)->setChecked(true);
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QTest::mouseClick(find<QPushButton>("rotateCancelButton", confirm), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"rotateKeyDialog"_s));
        QCOMPARE(m_fake->countRequests("POST", u"/keys"_s), 0); // nothing rotated
    }

    void rotateKeepsOldWhenDeclined()
    {
        const ApiKey old = *fakeKeyNamed(u"grace-research"_s);
        select({u"grace-research"_s});
        action("rotateKeyAction")->trigger();
        auto *confirm = waitFor<QDialog>("rotateKeyDialog");
        QVERIFY(confirm);
        // The default is the team's grace period: disabled after 7 days, revoked after 30.
        QVERIFY(find<QRadioButton>("rotateScheduleRadio", confirm)->isChecked());
        QCOMPARE(find<QSpinBox>("rotateDisableDaysSpin", confirm)->value(), 7);
        QCOMPARE(find<QSpinBox>("rotateRevokeDaysSpin", confirm)->value(), 30);
        find<QSpinBox>("rotateRevokeDaysSpin", confirm)->setValue(3); // before it is disabled: refused
        QVERIFY(!find<QPushButton>("rotateOkButton", confirm)->isEnabled());
        find<QRadioButton>("rotateLeaveRadio", confirm)->setChecked(true);
        QVERIFY(find<QPushButton>("rotateOkButton", confirm)->isEnabled());
        QTest::mouseClick(find<QPushButton>("rotateOkButton", confirm), Qt::LeftButton);
        auto *secretDialog = waitFor<QDialog>("secretDialog");
        QVERIFY(secretDialog);
        QTest::mouseClick(find<QPushButton>("secretDoneButton", secretDialog), Qt::LeftButton);
        QTest::qWait(200);
        QVERIFY(m_fake->key(old.hash));
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys"_s), 0);
        QVERIFY(m_store->lifecycle().rotations().value().isEmpty()); // left as it is: nothing scheduled
    }

    void firstRunWithoutKeyShowsWelcomeThenSaves()
    {
        cleanup();
        init(); // a fresh fake and secret store …
        dropWindow();
        build(QString()); // … and no key in the environment
        QVERIFY(m_window->isShowingWelcome());
        QVERIFY(!action("newKeyAction")->isVisible());
        auto *key = find<QLineEdit>("welcomeKeyLineEdit");
        QCOMPARE(key->echoMode(), QLineEdit::Password);
        QVERIFY(!find<QPushButton>("welcomeSaveButton")->isEnabled());
        QTest::keyClicks(key, m_fake->managementKey());
        QSignalSpy done(m_keys.get(), &KeyListController::refreshFinished);
        QTest::mouseClick(find<QPushButton>("welcomeSaveButton"), Qt::LeftButton);
        QVERIFY(done.wait());
        QVERIFY(!m_window->isShowingWelcome());
        QCOMPARE(m_secrets->contents().value(SecretStore::managementKeyName()), m_fake->managementKey());
        QCOMPARE(table()->model()->rowCount(), m_fake->keyCount());
        QVERIFY(key->text().isEmpty());
        m_settings->sync();
        QFile file(m_settings->fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(m_fake->managementKey().toUtf8()));
    }

    void noKeychainUsesKeyForSessionAndSaysSo()
    {
        dropWindow();
        m_secrets->setAvailable(false);
        build(QString());
        QVERIFY(m_window->isShowingWelcome());
        QTest::keyClicks(find<QLineEdit>("welcomeKeyLineEdit"), m_fake->managementKey());
        QSignalSpy done(m_keys.get(), &KeyListController::refreshFinished);
        QTest::mouseClick(find<QPushButton>("welcomeSaveButton"), Qt::LeftButton);
        QVERIFY(done.wait());
        QVERIFY(!m_window->isShowingWelcome());
        QCOMPARE(m_connection->keySource(), ConnectionManager::KeySource::Session);
        QTRY_VERIFY(find<ErrorBanner>("errorBanner")->message().contains(u"this session only"_s));
    }

    void welcomeOffersTheDemo()
    {
        dropWindow();
        build(QString());
        QSignalSpy demo(m_window.get(), &MainWindow::demoRequested);
        QTest::mouseClick(find<QPushButton>("welcomeDemoButton"), Qt::LeftButton);
        QCOMPARE(demo.size(), 1);
    }

    void settingsTestConnectionAndSave()
    {
        action("settingsAction")->trigger();
        auto *dialog = waitFor<QDialog>("settingsDialog");
        QVERIFY(dialog);
        QVERIFY(!find<QLineEdit>("managementKeyLineEdit", dialog)->isEnabled()); // the environment wins
        QTest::mouseClick(find<QPushButton>("testConnectionButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(find<QLabel>("testConnectionResultLabel", dialog)->text().contains(u"management key"_s));
        QVERIFY(find<QLabel>("testConnectionResultLabel", dialog)->text().startsWith(u"Connected"_s));
        snapshot(dialog, "settings-dialog");

        auto *url = find<QLineEdit>("baseUrlLineEdit", dialog);
        url->setText(u"http://openrouter.example.com/api/v1"_s);
        QTest::mouseClick(find<QPushButton>("saveSettingsButton", dialog), Qt::LeftButton);
        QVERIFY(find<QLabel>("testConnectionResultLabel", dialog)->text().contains(u"plain http"_s));
        QVERIFY(dialog->isVisible()); // refused, nothing saved

        url->setText(m_fake->baseUrl().toString());
        find<QSpinBox>("refreshIntervalSpinBox", dialog)->setValue(300);
        // A shared PostgreSQL database: a password in the URL is refused (it would sit in a file).
        auto *database = find<QLineEdit>("databaseLineEdit", dialog);
        database->setText(u"postgresql://lead:hunter2@db.example.com/team"_s);
        QTest::mouseClick(find<QPushButton>("saveSettingsButton", dialog), Qt::LeftButton);
        QVERIFY(find<QLabel>("testConnectionResultLabel", dialog)->text().contains(u".pgpass"_s));
        QVERIFY(m_settings->database().isEmpty());
        database->setText(u"mysql://db.example.com/team"_s);
        QTest::mouseClick(find<QPushButton>("saveSettingsButton", dialog), Qt::LeftButton);
        QVERIFY(find<QLabel>("testConnectionResultLabel", dialog)->text().startsWith(u"Team database: "_s));
        database->setText(u"postgresql://lead@db.example.com:5433/team"_s);
        QTest::mouseClick(find<QPushButton>("saveSettingsButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"settingsDialog"_s));
        QCOMPARE(m_settings->refreshIntervalSeconds(), 300);
        QCOMPARE(AppSettings(m_settings->fileName()).refreshIntervalSeconds(), 300);
        QCOMPARE(AppSettings(m_settings->fileName()).database(), u"postgresql://lead@db.example.com:5433/team"_s);
    }

    void settingsTestSaysWhenKeyIsAnApiKey()
    {
        QString apiKey;
        FakeOpenRouter::KeySeed seed;
        seed.name = u"someone's api key"_s;
        m_fake->addKey(seed, &apiKey);
        dropWindow();
        build(QString());
        action("settingsAction")->setEnabled(true);
        action("settingsAction")->trigger();
        auto *dialog = waitFor<QDialog>("settingsDialog");
        QTest::keyClicks(find<QLineEdit>("managementKeyLineEdit", dialog), apiKey);
        QTest::mouseClick(find<QPushButton>("testConnectionButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(find<QLabel>("testConnectionResultLabel", dialog)->text().contains(u"not a management key"_s));
        MessageBox::setNextAnswer(QMessageBox::Discard);
        dialog->reject();
    }

    void auditLogRecordsActionsAndExports()
    {
        // Disable, limit change and revoke, then read the Audit page and its CSV.
        select({u"alice-backend"_s});
        action("disableKeyAction")->trigger();
        QTRY_COMPARE(m_audit->model()->rowCount(), 1);
        select({u"bob-frontend"_s});
        MessageBox::setNextAnswer(QMessageBox::Yes);
        action("revokeKeyAction")->trigger();
        QTRY_COMPARE(m_audit->model()->rowCount(), 2);
        QVERIFY(m_window->showPage(u"audit"_s));
        auto *view = find<QTableView>("auditTableView");
        QVERIFY(view->isVisible());
        const QAbstractItemModel *m = view->model();
        QCOMPARE(m->index(0, AuditLogModel::ActionColumn).data().toString(), u"revoke"_s); // newest first
        QCOMPARE(m->index(0, AuditLogModel::TargetColumn).data().toString(), u"bob-frontend"_s);
        QVERIFY(m->index(0, AuditLogModel::BeforeColumn).data().toString().contains(u"limit $"_s));
        QCOMPARE(m->index(1, AuditLogModel::ActionColumn).data().toString(), u"disable"_s);
        QVERIFY(m->index(1, AuditLogModel::BeforeColumn).data().toString().startsWith(u"active"_s));
        QVERIFY(m->index(1, AuditLogModel::AfterColumn).data().toString().startsWith(u"disabled"_s));
        QVERIFY(!m->index(0, AuditLogModel::UserColumn).data().toString().isEmpty());

        const QString csv = m_dir->filePath(u"audit.csv"_s);
        QVERIFY(find<AuditPage>("auditPage")->exportTo(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).trimmed().split(u'\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.first(), u"time,user,action,target,before,after"_s);
        QVERIFY(lines.at(1).contains(u",revoke,bob-frontend,"_s));
        QVERIFY(find<QLabel>("auditStatusLabel")->text().startsWith(u"Exported 2"_s));
        QVERIFY(!find<AuditPage>("auditPage")->exportTo(m_dir->filePath(u"no/such/dir/audit.csv"_s)));
        QVERIFY(find<QLabel>("auditStatusLabel")->text().startsWith(u"Could not export"_s));
    }

    void auditLogThatCannotBeReadSaysSo()
    {
        select({u"alice-backend"_s});
        action("disableKeyAction")->trigger();
        QTRY_COMPARE(m_audit->model()->rowCount(), 1);
        QVERIFY(m_window->showPage(u"audit"_s));
        // The log goes away under the running dashboard (another connection, as another program).
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
            db.setDatabaseName(m_dir->filePath(u"team.db"_s));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"ALTER TABLE audit_log RENAME TO audit_log_away"_s));
        }
        QSqlDatabase::removeDatabase(u"tamper"_s);
        QSignalSpy problem(m_audit.get(), &AuditLogController::problem);
        m_audit->reload();
        QVERIFY(problem.wait(10'000));
        // What was shown stays, with the reason beside it: never an empty log that reads as
        // "nothing happened".
        QCOMPARE(m_audit->model()->rowCount(), 1);
        QVERIFY2(find<QLabel>("auditStatusLabel")->text().startsWith(u"Cannot read the audit log"_s),
                 qPrintable(find<QLabel>("auditStatusLabel")->text()));
        QVERIFY(find<ErrorBanner>("errorBanner")->message().startsWith(u"Cannot read the audit log"_s));
        // An export cannot pretend either: it fails and writes no file.
        const QString csv = m_dir->filePath(u"audit.csv"_s);
        QVERIFY(!find<AuditPage>("auditPage")->exportTo(csv));
        QVERIFY(!QFile::exists(csv));
        // A key change still happens; that its entry could not be written is said.
        QSignalSpy unaudited(m_keys.get(), &KeyListController::auditFailed);
        select({u"alice-backend"_s});
        action("enableKeyAction")->trigger();
        QTRY_VERIFY(!m_fake->key(fakeKeyNamed(u"alice-backend"_s)->hash)->disabled);
        QTRY_COMPARE(unaudited.size(), 1);
        QVERIFY2(unaudited.at(0).at(0).toString().contains(u"audit log could not be written"_s),
                 qPrintable(unaudited.at(0).at(0).toString()));
    }

    void aboutShowsVersionAndRevision()
    {
        action("aboutAction")->trigger();
        auto *dialog = waitFor<QDialog>("aboutDialog");
        QVERIFY(dialog);
        const QString text = find<QLabel>("aboutTextLabel", dialog)->text();
        QVERIFY(text.contains(QStringLiteral(ORTEAM_VERSION)));
        QVERIFY(text.contains(QStringLiteral(ORTEAM_GIT_REVISION)));
        dialog->close();
    }

    // --help and --version print text: no display is needed for them (a server, an ssh session).
    void helpNeedsNoDisplay()
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
            e.remove(QString::fromLatin1(name));
        for (const QString &option : {u"--help"_s, u"--version"_s}) {
            QProcess p;
            p.setProcessEnvironment(e);
            p.start(QStringLiteral(ORTEAM_GUI_PATH), {option});
            QVERIFY(p.waitForFinished(60'000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            const QByteArray out = p.readAllStandardOutput();
            QVERIFY2(out.contains(option == "--help"_L1 ? "Usage:" : "orteam "), out.constData());
        }
    }

    void screenshotCommandWritesAPicture()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"keys.png"_s);
        QProcess p;
        p.start(QStringLiteral(ORTEAM_GUI_PATH), {u"--demo"_s, u"--page"_s, u"keys"_s, u"--screenshot"_s, file});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 0);
        const QImage image(file);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 1000 && image.height() >= 600);
        // Not a blank picture: many distinct colours (text, bars, banner).
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 20);

        p.start(QStringLiteral(ORTEAM_GUI_PATH), {u"--demo"_s, u"--page"_s, u"nowhere"_s, u"--screenshot"_s, file});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 2);
        const QByteArray err = p.readAllStandardError();
        QVERIFY(err.contains("unknown page"));
        // The demo's sample team lives in its in-memory database: every page is there (a demo
        // whose database did not open would offer the Keys page alone).
        QVERIFY2(err.contains("pages: overview, keys, hygiene, team, workspaces, spend, reports, audit"), err.constData());

        // A database that does not open (a mistyped --db in a missing folder): a page it would
        // have served is refused with the reason on stderr, not as an unknown page alone.
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"OPENROUTER_MGMT_KEY"_s, m_fake->managementKey());
        e.insert(u"OPENROUTER_BASE_URL"_s, m_fake->baseUrl().toString());
        p.setProcessEnvironment(e);
        p.start(QStringLiteral(ORTEAM_GUI_PATH), {u"--db"_s, m_dir->filePath(u"no-such-folder/team.db"_s), u"--page"_s, u"spend"_s,
                                                  u"--screenshot"_s, file});
        QVERIFY(p.waitForFinished(60'000));
        const QString dbErr = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(dbErr.contains(u"no-such-folder"_s) && dbErr.contains(u"the team, spend and the audit log are off"_s), qPrintable(dbErr));

        // An emptied file (a copy cut short) opens as a new team database, and the dashboard says
        // so as orteam-cli does: the window's database banner and stderr.
        const QString emptied = m_dir->filePath(u"emptied.db"_s);
        QFile empty(emptied);
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        // The fake lives in this process, which waits here: nothing answers, as on a machine offline.
        e.insert(u"OPENROUTER_BASE_URL"_s, u"http://127.0.0.1:1/api/v1"_s);
        p.setProcessEnvironment(e);
        p.start(QStringLiteral(ORTEAM_GUI_PATH), {u"--db"_s, emptied, u"--page"_s, u"team"_s, u"--screenshot"_s, file});
        QVERIFY(p.waitForFinished(60'000));
        const QString emptiedErr = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 0, qPrintable(emptiedErr));
        QVERIFY2(emptiedErr.contains(u"was an empty file (0 bytes)"_s) && emptiedErr.contains(u"restore it from a backup"_s),
                 qPrintable(emptiedErr));
    }

    // Every page of the demo renders, from its own process, as the README's screenshots do.
    void everyDemoPageRenders()
    {
        QTemporaryDir dir;
        for (const QString &page : {u"hygiene"_s, u"team"_s, u"spend"_s, u"reports"_s, u"audit"_s}) {
            const QString file = dir.filePath(page + u".png"_s);
            QProcess p;
            p.start(QStringLiteral(ORTEAM_GUI_PATH), {u"--demo"_s, u"--page"_s, page, u"--screenshot"_s, file});
            QVERIFY(p.waitForFinished(60'000));
            QVERIFY2(p.exitCode() == 0, qPrintable(page + u": "_s + QString::fromUtf8(p.readAllStandardError())));
            QVERIFY2(!QImage(file).isNull(), qPrintable(page));
        }
    }

    void seedDatabaseFirstOpenShowsEachStep()
    {
        // A database as the seed's scripts write it: its first open checks, copies and migrates.
        const QString path = m_dir->filePath(u"team_usage.db"_s);
        test::writeSeedDatabase(path, u"('alice', 10.0, NULL)"_s, u"('alice', '2026-11-27', 1.25, 10)"_s);
        if (QTest::currentTestFailed())
            return;
        const QString copy = m_dir->filePath(u"team_usage_copy.db"_s);
        QVERIFY(QFile::copy(path, copy));

        // In the dashboard: the dialog is up and says the step while each step runs.
        {
            OpenProgress progress;
            QVERIFY(!progress.dialog()); // nothing shown before anything is said
            QStringList shown;
            Store store;
            store.database().setProgress([&](const QString &what) {
                progress.step(what);
                if (progress.dialog() && progress.dialog()->isVisible() && progress.dialog()->labelText().contains(what))
                    shown << what;
            });
            QString error;
            const Status opened = store.open(*DbLocation::parse(copy, &error));
            QVERIFY2(opened.ok(), qPrintable(opened.errorText()));
            QVERIFY(!store.database().backupPath().isEmpty());
            QCOMPARE(shown, progress.steps()); // every step, while it ran
            QVERIFY(shown.size() >= 3);
            QVERIFY(shown.first().contains(u"checking every page"_s));
            QVERIFY(shown.last().startsWith(u"migrating: step %1 of %1"_s.arg(Schema::Version)));
            QCOMPARE(progress.dialog()->objectName(), u"openProgress"_s);
            progress.finish();
            QVERIFY(!progress.dialog());
        }

        // The real app: the steps on stderr, and where the original went.
        const QString file = m_dir->filePath(u"spend.png"_s);
        QProcess p;
        p.start(QStringLiteral(ORTEAM_GUI_PATH), {u"--db"_s, path, u"--page"_s, u"spend"_s, u"--screenshot"_s, file});
        QVERIFY(p.waitForFinished(60'000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains(u"orteam: migrating: step %1 of %1"_s.arg(Schema::Version)), qPrintable(err));
        QVERIFY2(err.contains(u"the original is saved as "_s + QFileInfo(path).absolutePath()), qPrintable(err));
        QVERIFY(!QImage(file).isNull());

        // Without a key it is a lead's read-only view: a page that view leaves out is not
        // pictured (with controls nobody there has); the window's own page is, and that is said.
        QProcess lead;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.remove(u"OPENROUTER_MGMT_KEY"_s);
        e.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/orteam-test-bus"_s);
        lead.setProcessEnvironment(e);
        lead.start(QStringLiteral(ORTEAM_GUI_PATH), {u"--db"_s, path, u"--page"_s, u"keys"_s, u"--screenshot"_s, file});
        QVERIFY(lead.waitForFinished(60'000));
        const QString leadErr = QString::fromUtf8(lead.readAllStandardError());
        QVERIFY2(lead.exitCode() == 0, qPrintable(leadErr));
        QVERIFY2(leadErr.contains(u"the keys page is not part of this view; pictured instead: "_s), qPrintable(leadErr));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
