// The main window driven like a person would, offscreen: widgets found by objectName, typed into
// and clicked, against the fake OpenRouter.
#include "DemoData.h"
#include "ErrorBanner.h"
#include "FakeOpenRouter.h"
#include "KeyFilterProxyModel.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "KeysPage.h"
#include "MainWindow.h"
#include "OpenRouterClient.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestMainWindow : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeOpenRouter> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<KeyListController> m_keys;
    std::unique_ptr<MainWindow> m_window;

    template<typename T>
    T *find(const char *name)
    {
        T *w = m_window->findChild<T *>(QLatin1StringView(name));
        if (!w)
            qFatal("no widget named %s", name);
        return w;
    }
    QTableView *table() { return find<QTableView>("keysTableView"); }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeOpenRouter>();
        DemoData::seed(*m_fake, QDateTime::currentDateTimeUtc());
        QVERIFY(m_fake->start());
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<OpenRouterClient>(m_nam.get());
        OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
        s.baseUrl = m_fake->baseUrl();
        s.maxRetries = 0;
        m_client->setSettings(s);
        m_client->setManagementKey(m_fake->managementKey());
        m_keys = std::make_unique<KeyListController>(m_client.get());
        m_window = std::make_unique<MainWindow>(m_keys.get(), MainWindow::Options{true, u"the demo server"_s});
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy loaded(m_window.get(), &MainWindow::firstLoadFinished);
        m_keys->refresh();
        QVERIFY(loaded.wait(10'000));
    }
    void cleanup()
    {
        m_window.reset();
        m_keys.reset();
        m_client.reset();
        m_nam.reset();
        m_fake.reset();
    }

    void everyWidgetHasAnObjectName()
    {
        for (QWidget *w : m_window->findChildren<QWidget *>()) {
            // Qt's own internals (viewports, scroll bars, header sections) are exempt.
            if (w->metaObject()->className() == QByteArray("QWidget") || w->inherits("QScrollBar") || w->inherits("QHeaderView")
                || w->inherits("QFocusFrame") || w->inherits("QToolBarExtension") || w->inherits("QAbstractButton") && w->parent()
                && w->parent()->inherits("QToolBar") || w->inherits("QSizeGrip") || w->inherits("QToolBarSeparator")
                || w->inherits("QLineEditIconButton") || w->inherits("QComboBoxPrivateContainer") || w->inherits("QBoxLayout")
                || w->parent() && (w->parent()->inherits("QComboBoxPrivateContainer") || w->parent()->inherits("QAbstractScrollArea")))
                continue;
            QVERIFY2(!w->objectName().isEmpty(), w->metaObject()->className());
        }
    }

    void showsEveryKeyWithDemoLabel()
    {
        QCOMPARE(table()->model()->rowCount(), m_fake->keyCount()); // disabled keys included
        QVERIFY(find<QLabel>("demoBannerLabel")->isVisible());
        QVERIFY(find<QLabel>("demoBannerLabel")->text().contains(u"DEMO"_s));
        QVERIFY(find<QLabel>("connectionStatusLabel")->text().startsWith(u"Connected"_s));
        QVERIFY(find<QLabel>("creditsStatusLabel")->text().startsWith(u"Credits: $"_s));
        QVERIFY(find<QLabel>("lastRefreshStatusLabel")->text().startsWith(u"Updated"_s));
        QVERIFY(find<QLabel>("keysTotalsLabel")->text().startsWith(u"%1 key"_s.arg(m_fake->keyCount())));
        QVERIFY(m_window->windowTitle().contains(u"demo"_s));
    }

    void searchFiltersAsYouType()
    {
        auto *search = find<QLineEdit>("keySearchLineEdit");
        QTest::keyClicks(search, u"carol"_s);
        QCOMPARE(table()->model()->rowCount(), 2);
        QVERIFY(find<QLabel>("keysTotalsLabel")->text().startsWith(u"2 key"_s));
        search->clear();
        QCOMPARE(table()->model()->rowCount(), m_fake->keyCount());
        QTest::keyClicks(search, u"no such key"_s);
        QCOMPARE(table()->model()->rowCount(), 0);
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
        const QAbstractItemModel *m = table()->model();
        for (int row = 1; row < m->rowCount(); ++row) {
            const double prev = m->index(row - 1, KeyTableModel::UsageTotalColumn).data(KeyTableModel::SortRole).toDouble();
            const double cur = m->index(row, KeyTableModel::UsageTotalColumn).data(KeyTableModel::SortRole).toDouble();
            QVERIFY(order == Qt::AscendingOrder ? prev <= cur : prev >= cur);
        }
    }

    void refreshKeepsSelection()
    {
        QTableView *view = table();
        view->selectRow(3);
        const QString selected = view->selectionModel()->selectedRows().first().data(KeyTableModel::HashRole).toString();
        QSignalSpy done(m_keys.get(), &KeyListController::refreshFinished);
        find<QWidget>("mainToolBar"); // the Refresh action lives there
        m_keys->refresh();
        QVERIFY(done.wait());
        QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(view->selectionModel()->selectedRows().first().data(KeyTableModel::HashRole).toString(), selected);
    }

    void serverErrorShowsBannerAndKeepsRows()
    {
        const int rows = table()->model()->rowCount();
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        QSignalSpy done(m_keys.get(), &KeyListController::refreshFinished);
        m_keys->refresh();
        QVERIFY(done.wait());
        auto *banner = find<ErrorBanner>("errorBanner");
        QVERIFY(banner->isVisible());
        QVERIFY(banner->message().contains(u"server error (500)"_s));
        QCOMPARE(table()->model()->rowCount(), rows); // nothing lost
        QVERIFY(find<QLabel>("connectionStatusLabel")->text().startsWith(u"Not connected"_s));

        QTest::mouseClick(find<QPushButton>("errorBannerRetryButton"), Qt::LeftButton);
        QVERIFY(done.wait());
        QVERIFY(!banner->isVisible());
        QVERIFY(find<QLabel>("connectionStatusLabel")->text().startsWith(u"Connected"_s));
    }

    void aboutShowsVersionAndRevision()
    {
        QAction *about = m_window->findChild<QAction *>(u"aboutAction"_s);
        QVERIFY(about);
        about->trigger();
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_window->findChild<QDialog *>(u"aboutDialog"_s)) != nullptr);
        const QString text = dialog->findChild<QLabel *>(u"aboutTextLabel"_s)->text();
        QVERIFY(text.contains(QStringLiteral(ORTEAM_VERSION)));
        QVERIFY(text.contains(QStringLiteral(ORTEAM_GIT_REVISION)));
        dialog->close();
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
        QVERIFY(p.readAllStandardError().contains("unknown page"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
