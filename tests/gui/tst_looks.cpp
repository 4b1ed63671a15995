// How the dashboard looks rather than what it does (issue 19): readable under a light and a dark
// palette (banners, the remaining-bar, charts), every page usable in a 1280x650 window (a 1280x720
// screen less its title bar and panel, and 2560x1440 at 200%), the navigation's icons and counts,
// the Team table's columns. Colours are read back from rendered pixels where a person would see
// them, so a style sheet that never applied fails as surely as a bad colour.
#include "GuiTest.h"
#include "Translations.h"
#include "AppSettings.h"
#include "AuditLog.h"
#include "ConnectionManager.h"
#include "DemoData.h"
#include "ErrorBanner.h"
#include "FakeOpenRouter.h"
#include "HygieneController.h"
#include "JobQueue.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "KeysPage.h"
#include "MainWindow.h"
#include "MemberTableModel.h"
#include "NotifyController.h"
#include "OpenRouterClient.h"
#include "RemainingBarDelegate.h"
#include "ReportTableModel.h"
#include "SecretStore.h"
#include "SpendController.h"
#include "Store.h"
#include "TeamController.h"
#include "TeamPage.h"
#include "Theme.h"

#include <QAbstractAxis>
#include <QApplication>
#include <QBarCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleOption>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <map>
#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace orteam;
using GuiTest::find;

Q_DECLARE_METATYPE(QPalette)

namespace {

// The colour covering most of an image (a banner's or a cell's background).
QColor dominant(const QImage &image, int *share = nullptr)
{
    std::map<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            ++counts[image.pixel(x, y) | 0xff000000u];
    auto best = counts.begin();
    for (auto it = counts.begin(); it != counts.end(); ++it)
        if (it->second > best->second)
            best = it;
    if (share)
        *share = best->second * 100 / std::max(1, int(image.width() * image.height()));
    return QColor::fromRgb(best->first);
}

// The pixel standing out most from `background`: the text's colour where its strokes are solid.
QColor strongest(const QImage &image, const QColor &background)
{
    QColor best = background;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = QColor::fromRgb(image.pixel(x, y));
            if (theme::contrastRatio(c, background) > theme::contrastRatio(best, background))
                best = c;
        }
    return best;
}

} // namespace

class TestLooks : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeOpenRouter> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<KeyListController> m_keys;
    std::unique_ptr<JobQueue> m_jobs;
    std::unique_ptr<AuditLogController> m_audit;
    std::unique_ptr<TeamController> m_team;
    std::unique_ptr<SpendController> m_spend;
    std::unique_ptr<HygieneController> m_hygiene;
    std::unique_ptr<NotifyController> m_notify;
    std::unique_ptr<MainWindow> m_window;

    void usePalette(const QPalette &palette)
    {
        QApplication::setPalette(palette);
        // Banners re-style on the next turn of the event loop (after the whole window has the
        // new palette); charts redraw at once.
        QTest::qWait(20);
        QApplication::processEvents();
    }

    static QPalette lightPalette() { return QApplication::style()->standardPalette(); }

    // Every widget styled as a banner, showing some text.
    QList<QWidget *> banners()
    {
        m_window->errorBanner()->showError(u"Could not refresh: the server answered 500."_s);
        auto *demo = find<QLabel>(m_window.get(), "demoBannerLabel");
        auto *readOnly = find<QLabel>(m_window.get(), "readOnlyBannerLabel");
        readOnly->setText(u"Read-only: no management key."_s);
        auto *alerts = find<QLabel>(m_window.get(), "spendAlertsLabel");
        alerts->setText(u"⚠ jamal has spent $0.15 today, the whole daily budget of $0.13."_s);
        auto *spendError = find<QLabel>(m_window.get(), "spendErrorLabel");
        spendError->setText(u"Could not read the daily spend."_s);
        auto *overBudget = find<QLabel>(m_window.get(), "overBudgetLabel");
        overBudget->setText(u"Over the daily budget today: jamal."_s);
        return {m_window->errorBanner(), demo, readOnly, alerts, spendError, overBudget};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // As --dark runs it: Fusion draws every control from the palette.
        QApplication::setStyle(u"Fusion"_s);
        installTranslations(qApp);
        m_dir = std::make_unique<QTemporaryDir>();
        m_fake = std::make_unique<FakeOpenRouter>();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        DemoData::KeyHistory history;
        QList<ActivityItem> activity;
        DemoData::seed(*m_fake, now, &history, &activity);
        QVERIFY(m_fake->start());
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<OpenRouterClient>(m_nam.get());
        m_secrets = std::make_unique<MemorySecretStore>();
        m_settings = std::make_unique<AppSettings>(m_dir->filePath(u"orteam.conf"_s));
        m_settings->setBaseUrl(m_fake->baseUrl());
        m_connection = std::make_unique<ConnectionManager>(m_client.get(), m_secrets.get(), m_settings.get());
        m_connection->setEnvironment(m_fake->managementKey(), QString());
        m_store = std::make_unique<Store>();
        QString error;
        const Status opened = m_store->open(*DbLocation::parse(m_dir->filePath(u"team.db"_s), &error));
        QVERIFY2(opened, qPrintable(opened.errorText()));
        DemoData::seedStore(*m_store, m_fake->keys(), history, now, activity);
        // Every page the demo has, wired as GuiApp wires them.
        m_keys = std::make_unique<KeyListController>(m_client.get(), m_store.get());
        m_jobs = std::make_unique<JobQueue>(m_store.get());
        m_audit = std::make_unique<AuditLogController>(m_store.get(), m_jobs.get());
        m_team = std::make_unique<TeamController>(m_store.get(), m_client.get(), m_keys.get(), m_jobs.get());
        m_spend = std::make_unique<SpendController>(m_store.get(), m_keys.get());
        m_hygiene = std::make_unique<HygieneController>(m_keys.get(), m_client.get(), m_store.get(), m_team.get(), m_jobs.get());
        m_window = std::make_unique<MainWindow>(m_keys.get(), m_connection.get(), m_audit.get(), m_team.get(), m_spend.get(),
                                                m_hygiene.get());
        m_notify = std::make_unique<NotifyController>(m_store.get(), m_secrets.get(), QHash<QString, QString>(), m_nam.get(),
                                                      m_spend.get());
        m_window->setNotifications(m_notify.get());
        m_window->resize(1280, 650);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy loaded(m_window.get(), &MainWindow::firstLoadFinished);
        QSignalSpy assessed(m_hygiene.get(), &HygieneController::assessed);
        m_connection->start();
        QVERIFY(loaded.wait(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(m_hygiene->state() == HygieneController::State::Ready, 10'000);
        QTRY_VERIFY(m_window->keysPage()->table()->model()->rowCount() > 0);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_notify.reset();
        m_hygiene.reset();
        m_spend.reset();
        m_team.reset();
        m_audit.reset();
        m_keys.reset();
        m_jobs.reset();
        m_store.reset();
        m_connection.reset();
        m_client.reset();
        m_nam.reset();
        m_fake.reset();
    }

    void palettes_data()
    {
        QTest::addColumn<QPalette>("palette");
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << lightPalette() << false;
        QTest::newRow("dark") << theme::darkPalette() << true;
    }

    // An unticked check box under --dark's style and palette, as drawn: its edge stands out from
    // the box's inside (Fusion alone edged it in the very colour of a dark base).
    void uncheckedBoxIsSeenInTheDark()
    {
        std::unique_ptr<QStyle> style(theme::darkStyle());
        QCheckBox box(u"Every model"_s);
        box.setObjectName(u"darkCheckBox"_s);
        box.setStyle(style.get());
        box.setPalette(theme::darkPalette());
        box.resize(box.sizeHint());
        QStyleOptionButton option;
        option.initFrom(&box);
        const QRect indicator = style->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box);
        const QImage image = box.grab().toImage();
        const QColor inside = image.pixelColor(indicator.center());
        int edgeContrast = 0;
        for (int x = indicator.left(); x <= indicator.right(); ++x)
            edgeContrast = std::max(edgeContrast, std::abs(image.pixelColor(x, indicator.top()).lightness() - inside.lightness()));
        QVERIFY2(edgeContrast >= 60, qPrintable(u"edge against inside: %1"_s.arg(edgeContrast)));
    }

    // The rules themselves, for every kind and state, drawn or not.
    void bannerColoursReachContrast_data() { palettes_data(); }
    void bannerColoursReachContrast()
    {
        QFETCH(QPalette, palette);
        for (auto kind : {theme::Banner::Error, theme::Banner::Warning, theme::Banner::Info, theme::Banner::Demo}) {
            const theme::BannerColors c = theme::bannerColors(kind, palette);
            QVERIFY2(theme::contrastRatio(c.text, c.background) >= 4.5, qPrintable(c.text.name() + u" on "_s + c.background.name()));
        }
        // Tone texts on the base; the remaining-bar's amount (in the text colour) on its fill and
        // on its track, for each state.
        const QColor text = palette.color(QPalette::Text);
        for (auto tone : {theme::Tone::Ok, theme::Tone::Warn, theme::Tone::Over}) {
            QVERIFY(theme::contrastRatio(theme::toneText(tone, palette), palette.color(QPalette::Base)) >= 4.5);
            QVERIFY(theme::contrastRatio(text, theme::barFill(tone, palette)) >= 4.5);
            QVERIFY(theme::contrastRatio(text, theme::barTrack(tone, palette)) >= 4.5);
        }
    }

    // Each banner as drawn: its background is the palette's kind (dark under a dark palette) and
    // its text reads on it.
    void bannersAreReadable_data() { palettes_data(); }
    void bannersAreReadable()
    {
        QFETCH(QPalette, palette);
        QFETCH(bool, dark);
        usePalette(palette);
        for (QWidget *banner : banners()) {
            banner->ensurePolished();
            if (!banner->isVisible())
                banner->resize(banner->sizeHint().expandedTo(QSize(400, 30)));
            const QImage image = banner->grab().toImage();
            QVERIFY2(!image.isNull(), qPrintable(banner->objectName()));
            // Inside the border and the rounded corners.
            const QImage inner = image.copy(image.rect().adjusted(3, 3, -3, -3));
            const QColor background = dominant(inner);
            const QColor text = strongest(inner, background);
            QVERIFY2((background.lightness() < 128) == dark,
                     qPrintable(banner->objectName() + u": background "_s + background.name()));
            QVERIFY2(theme::contrastRatio(text, background) >= 4.5,
                     qPrintable(banner->objectName() + u": "_s + text.name() + u" on "_s + background.name()));
        }
        usePalette(lightPalette());
    }

    // The remaining-bar of each state (within, close to, over its limit): the amount is drawn in
    // the palette's text colour, and it reads on every colour the cell has (the bar and the track).
    void remainingBarIsReadable_data() { palettes_data(); }
    void remainingBarIsReadable()
    {
        QFETCH(QPalette, palette);
        usePalette(palette);
        QVERIFY(m_window->showPage(u"keys"_s));
        QTableView *table = m_window->keysPage()->table();
        const QColor text = table->palette().color(QPalette::Text);
        QSet<int> tonesSeen;
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            const QModelIndex index = table->model()->index(r, KeyTableModel::RemainingColumn);
            const QVariant fraction = index.data(KeyTableModel::LimitUsedFractionRole);
            if (!fraction.isValid())
                continue;
            table->clearSelection(); // a selected row is drawn in the highlight
            table->scrollTo(index);
            QApplication::processEvents();
            const QRect cell = table->visualRect(index);
            const QImage image = table->viewport()->grab(cell).toImage();
            const double used = fraction.toDouble();
            tonesSeen << (used >= 1.0 ? 2 : used >= RemainingBarDelegate::WarnFraction ? 1 : 0);
            // Every colour covering a tenth of the cell is a background the amount sits on.
            std::map<QRgb, int> counts;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    ++counts[image.pixel(x, y) | 0xff000000u];
            const int area = image.width() * image.height();
            int backgrounds = 0;
            for (const auto &[rgb, count] : counts) {
                if (count * 10 < area)
                    continue;
                ++backgrounds;
                QVERIFY2(theme::contrastRatio(text, QColor::fromRgb(rgb)) >= 4.5,
                         qPrintable(index.siblingAtColumn(KeyTableModel::NameColumn).data().toString() + u": "_s + text.name()
                                    + u" on "_s + QColor::fromRgb(rgb).name()));
            }
            QVERIFY(backgrounds >= 1);
            // The amount is there, in the text colour (its solid strokes at least).
            const QColor drawn = strongest(image, dominant(image));
            QVERIFY2(theme::contrastRatio(drawn, text) < 1.3, qPrintable(drawn.name() + u" vs "_s + text.name()));
        }
        // The demo has keys within and close to their limits (none over: the rule for that one is
        // checked in bannerColoursReachContrast).
        QVERIFY(tonesSeen.contains(0) && tonesSeen.contains(1));
        usePalette(lightPalette());
    }

    // The tables' own colours (a key's status, a member over budget, a report's change) read on
    // the table's base: drawn, each such cell's text stands out from its background.
    void tableColoursAreReadable_data() { palettes_data(); }
    void tableColoursAreReadable()
    {
        QFETCH(QPalette, palette);
        usePalette(palette);
        const QList<std::pair<QString, int>> columns{{u"keys"_s, KeyTableModel::StatusColumn},
                                                     {u"team"_s, MemberTableModel::StatusColumn},
                                                     {u"reports"_s, ReportTableModel::ChangeColumn}};
        int coloured = 0;
        for (const auto &[pageName, column] : columns) {
            QVERIFY(m_window->showPage(pageName));
            QApplication::processEvents();
            auto *scroll = find<QScrollArea>(m_window.get(), qPrintable(pageName + u"ScrollArea"_s));
            QTableView *table = scroll->widget()->findChildren<QTableView *>().value(0);
            QVERIFY(table);
            table->clearSelection();
            for (int r = 0; r < table->model()->rowCount(); ++r) {
                const QModelIndex index = table->model()->index(r, column);
                if (!index.data(Qt::ForegroundRole).isValid() || index.data().toString().trimmed().size() < 2)
                    continue;
                table->scrollTo(index);
                QApplication::processEvents();
                const QImage image = table->viewport()->grab(table->visualRect(index)).toImage();
                const QColor background = dominant(image);
                const QColor text = strongest(image, background);
                ++coloured;
                QVERIFY2(theme::contrastRatio(text, background) >= 4.5,
                         qPrintable(pageName + u": \""_s + index.data().toString() + u"\" "_s + text.name() + u" on "_s
                                    + background.name()));
            }
        }
        QVERIFY(coloured >= 10);
        usePalette(lightPalette());
    }

    // Charts follow the palette: Qt's dark theme on a dark base under a dark palette (and light
    // under a light one), titles and axis labels readable on it.
    void chartsFollowThePalette_data() { palettes_data(); }
    void chartsFollowThePalette()
    {
        QFETCH(QPalette, palette);
        QFETCH(bool, dark);
        usePalette(palette);
        const QList<QChartView *> views = m_window->findChildren<QChartView *>();
        QVERIFY(views.size() >= 6); // Spend's four, Reports' two
        for (QChartView *view : views) {
            QChart *chart = view->chart();
            const QString name = view->objectName();
            QCOMPARE(chart->theme(), dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
            const QColor background = chart->backgroundBrush().color();
            QVERIFY2((background.lightness() < 128) == dark, qPrintable(name + u": "_s + background.name()));
            QVERIFY2(theme::contrastRatio(chart->titleBrush().color(), background) >= 4.5, qPrintable(name));
            for (QAbstractAxis *axis : chart->axes())
                QVERIFY2(theme::contrastRatio(axis->labelsBrush().color(), background) >= 4.5, qPrintable(name));
            // As drawn: the middle of the plot is the chart's dark (or light) background.
            view->resize(view->size().expandedTo(QSize(400, 260)));
            const QImage image = view->grab().toImage();
            const QColor drawn = dominant(image);
            QVERIFY2((drawn.lightness() < 128) == dark, qPrintable(name + u" drawn: "_s + drawn.name()));
        }
        usePalette(lightPalette());
    }

    // At 1280x650 (and so at 200% on 2560x1440) the window opens at that size, and every page is
    // whole: no sideways scrolling, each chart tall enough for its labels, every category label of
    // a bar chart with room of its own (Qt Charts drops the ones that collide).
    void everyPageFitsIn1280x650()
    {
        const QSize minimum = m_window->minimumSizeHint();
        QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 650,
                 qPrintable(u"minimum %1x%2"_s.arg(minimum.width()).arg(minimum.height())));
        m_window->resize(1280, 650);
        QApplication::processEvents();
        QCOMPARE(m_window->size(), QSize(1280, 650));
        for (const QString &name : m_window->pageNames()) {
            QVERIFY(m_window->showPage(name));
            QApplication::processEvents();
            auto *scroll = find<QScrollArea>(m_window.get(), qPrintable(name + u"ScrollArea"_s));
            QWidget *page = scroll->widget();
            QVERIFY2(page->isVisible(), qPrintable(name));
            const QSize hint = page->minimumSizeHint();
            QVERIFY2(hint.width() <= scroll->viewport()->width(),
                     qPrintable(u"%1 needs %2 px across, has %3"_s.arg(name).arg(hint.width()).arg(scroll->viewport()->width())));
            // What is taller than the window scrolls: the whole page can be reached.
            QVERIFY2(page->height() >= hint.height(), qPrintable(name));
            if (name == u"keys"_s) {
                // The keys table is whole too, its columns fitted to the demo's keys: no sideways
                // scrolling to reach an expiry or a creation date.
                auto *table = find<QTableView>(m_window.get(), "keysTableView");
                const int end = table->horizontalHeader()->sectionViewportPosition(KeyTableModel::CreatedColumn)
                                + table->horizontalHeader()->sectionSize(KeyTableModel::CreatedColumn);
                QVERIFY2(table->horizontalScrollBar()->maximum() == 0,
                         qPrintable(u"the columns end at %1 px of %2"_s.arg(end).arg(table->viewport()->width())));
            }
            for (QChartView *view : page->findChildren<QChartView *>()) {
                if (!view->isVisible())
                    continue;
                const QString chart = name + u"/"_s + view->objectName();
                QVERIFY2(view->height() >= 170, qPrintable(chart + u": "_s + QString::number(view->height())));
                const QRectF plot = view->chart()->plotArea();
                QVERIFY2(plot.height() >= 60 && plot.width() >= 120, qPrintable(chart));
                for (QAbstractAxis *axis : view->chart()->axes()) {
                    QVERIFY2(axis->labelsVisible(), qPrintable(chart));
                    // Amounts and names are never elided to "…" (the dates are short).
                    if (qobject_cast<QValueAxis *>(axis) || qobject_cast<QBarCategoryAxis *>(axis))
                        QVERIFY2(!axis->truncateLabels(), qPrintable(chart));
                    auto *categories = qobject_cast<QBarCategoryAxis *>(axis);
                    if (!categories || categories->count() == 0)
                        continue;
                    const double room = (axis->orientation() == Qt::Vertical ? plot.height() : plot.width()) / categories->count();
                    const double needed = QFontMetricsF(axis->labelsFont()).height();
                    QVERIFY2(room >= needed, qPrintable(u"%1: %2 px per label, %3 needed"_s.arg(chart).arg(room).arg(needed)));
                }
            }
        }
    }

    // The navigation: an icon for every page; the open alerts beside Spend and the keys with a
    // critical finding beside Hygiene, in the accessible text too.
    void navigationHasIconsAndCounts()
    {
        auto *navigation = find<QListWidget>(m_window.get(), "navigationListWidget");
        QCOMPARE(navigation->count(), int(m_window->pageNames().size()));
        for (int i = 0; i < navigation->count(); ++i)
            QVERIFY2(!navigation->item(i)->icon().isNull(), qPrintable(m_window->pageNames().at(i)));
        const int alerts = int(GuiTest::must(m_spend->alerts()).size());
        QVERIFY(alerts > 0); // the demo has some
        QListWidgetItem *spend = navigation->item(int(m_window->pageNames().indexOf(u"spend"_s)));
        QCOMPARE(spend->text(), u"Spend (%1)"_s.arg(alerts));
        QVERIFY(spend->data(Qt::AccessibleTextRole).toString().contains(QString::number(alerts)));
        int critical = 0;
        for (const KeyHygiene &k : m_hygiene->assessment().keys)
            critical += std::any_of(k.findings.cbegin(), k.findings.cend(),
                                    [](const Finding &f) { return f.severity() == Severity::Critical; });
        QVERIFY(critical > 0);
        QListWidgetItem *hygiene = navigation->item(int(m_window->pageNames().indexOf(u"hygiene"_s)));
        QCOMPARE(hygiene->text(), u"Hygiene (%1)"_s.arg(critical));
        QVERIFY(hygiene->data(Qt::AccessibleTextRole).toString().contains(QString::number(critical)));
        // The page names stay as they were in the Go menu.
        QCOMPARE(find<QAction>(m_window.get(), "goTo_spend")->text(), u"Spend"_s);
    }

    // The Team table gives its spare width to the names, not to Status; no name is cut.
    void teamColumnsFitTheirContents()
    {
        QVERIFY(m_window->showPage(u"team"_s));
        QApplication::processEvents();
        QTableView *tableView = m_window->teamPage()->table();
        QAbstractItemView *table = tableView; // sizeHintForColumn is public here
        QHeaderView *header = tableView->horizontalHeader();
        const int name = MemberTableModel::NameColumn;
        const int status = MemberTableModel::StatusColumn;
        QVERIFY(tableView->columnWidth(name) >= table->sizeHintForColumn(name));
        QVERIFY(tableView->columnWidth(status) <= std::max(table->sizeHintForColumn(status), header->sectionSizeHint(status)) + 4);
        QVERIFY(tableView->columnWidth(name) > tableView->columnWidth(status));
    }
};

QTEST_MAIN(TestLooks)
#include "tst_looks.moc"
