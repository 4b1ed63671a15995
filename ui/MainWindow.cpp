#include "MainWindow.h"
#include "Theme.h"

#include "AboutDialog.h"
#include "AppSettings.h"
#include "AuditLog.h"
#include "AuditPage.h"
#include "ApiError.h"
#include "ConnectionManager.h"
#include "ErrorBanner.h"
#include "HygieneController.h"
#include "HygienePage.h"
#include "KeyActions.h"
#include "KeyListController.h"
#include "KeysPage.h"
#include "NotificationsPage.h"
#include "OverviewPage.h"
#include "NotifyController.h"
#include "Money.h"
#include "SettingsDialog.h"
#include "SpendController.h"
#include "ActivitySync.h"
#include "ReportsPage.h"
#include "SearchField.h"
#include "TeamController.h"
#include "SpendPage.h"
#include "Theme.h"
#include "TeamPage.h"
#include "WorkspaceController.h"
#include "WorkspacesPage.h"
#include "ViewMemory.h"
#include "WelcomePage.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QProgressBar>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace orteam {

MainWindow::MainWindow(KeyListController *keys, ConnectionManager *connection, AuditLogController *audit, TeamController *team,
                       SpendController *spend, HygieneController *hygiene, QWidget *parent)
    : QMainWindow(parent), m_keys(keys), m_connection(connection), m_hygiene(hygiene)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("orteam"));
    m_team = team;
    m_spend = spend;
    resize(1280, 780);

    m_root = new QStackedWidget(this);
    m_root->setObjectName(QStringLiteral("rootStackedWidget"));
    m_welcome = new WelcomePage(connection, m_root);
    connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::demoRequested);
    connect(m_welcome, &WelcomePage::notice, this, [this](const QString &m) { m_errorBanner->showError(m); });
    m_main = new QWidget(m_root);
    m_main->setObjectName(QStringLiteral("mainContentWidget"));
    m_root->addWidget(m_welcome);
    m_root->addWidget(m_main);
    setCentralWidget(m_root);

    auto *outer = new QVBoxLayout(m_main);
    outer->setContentsMargins(8, 8, 8, 4);
    // Demo data must never be mistaken for a real account's, in a screenshot least of all.
    m_demoBanner = new QLabel(tr("<b>DEMO</b> — a sample team served by an embedded fake OpenRouter. Nothing here is "
                                 "real and no account is used."),
                              m_main);
    m_demoBanner->setObjectName(QStringLiteral("demoBannerLabel"));
    theme::styleBanner(m_demoBanner, theme::Banner::Demo);
    m_demoBanner->hide();
    outer->addWidget(m_demoBanner);
    m_readOnlyBanner = new QLabel(m_main);
    m_readOnlyBanner->setObjectName(QStringLiteral("readOnlyBannerLabel"));
    m_readOnlyBanner->setWordWrap(true);
    theme::styleBanner(m_readOnlyBanner, theme::Banner::Info, QStringLiteral("border-radius:3px; padding:6px;"));
    m_readOnlyBanner->hide();
    outer->addWidget(m_readOnlyBanner);
    // The team database's own trouble stays in view: the error banner below is the key list's,
    // and each refresh that works hides it.
    m_databaseBanner = new QLabel(m_main);
    m_databaseBanner->setObjectName(QStringLiteral("databaseProblemLabel"));
    m_databaseBanner->setWordWrap(true);
    m_databaseBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    theme::styleBanner(m_databaseBanner, theme::Banner::Error, QStringLiteral("border-radius:3px; padding:6px;"));
    m_databaseBanner->hide();
    outer->addWidget(m_databaseBanner);
    m_errorBanner = new ErrorBanner(m_main);
    outer->addWidget(m_errorBanner);
    connect(m_errorBanner, &ErrorBanner::retryRequested, m_keys, &KeyListController::refresh);

    auto *body = new QHBoxLayout;
    m_navigation = new QListWidget(m_main);
    m_navigation->setObjectName(QStringLiteral("navigationListWidget"));
    m_navigation->setFixedWidth(150);
    m_navigation->setSpacing(2);
    // One size for every page's icon: the style has some only at 16 px, others at 32.
    m_navigation->setIconSize(QSize(22, 22));
    m_pages = new QStackedWidget(m_main);
    m_pages->setObjectName(QStringLiteral("pagesStackedWidget"));
    body->addWidget(m_navigation);
    body->addWidget(m_pages, 1);
    outer->addLayout(body, 1);

    if (spend) {
        // First: the page a lead opens every morning (the window opens on it when there is history).
        m_overviewPage = new OverviewPage(spend, hygiene, m_pages);
        addPage(m_overviewPage, QStringLiteral("overview"), tr("Overview"),
                drawnIcon({QRect(3, 3, 12, 12), QRect(17, 3, 12, 12), QRect(3, 17, 12, 12), QRect(17, 17, 12, 12)})); // tiles
        connect(m_overviewPage, &OverviewPage::openPage, this, &MainWindow::showListedPage);
    }
    m_keysPage = new KeysPage(m_keys, m_pages);
    addPage(m_keysPage, QStringLiteral("keys"), tr("Keys"), style()->standardIcon(QStyle::SP_FileDialogDetailedView));
    if (hygiene) {
        // Next to the keys it judges; without a team database it shows the counters-only findings.
        m_hygienePage = new HygienePage(hygiene, m_pages);
        addPage(m_hygienePage, QStringLiteral("hygiene"), tr("Hygiene"), style()->standardIcon(QStyle::SP_MessageBoxWarning));
        connect(hygiene, &HygieneController::assessed, this, &MainWindow::updateNavigationCounts);
        connect(m_hygienePage, &HygienePage::status, this, [this](const QString &m) { statusBar()->showMessage(m, 10000); });
        connect(m_hygienePage, &HygienePage::problem, this, &MainWindow::showProblem);
        connect(hygiene, &HygieneController::status, this, [this](const QString &m) { statusBar()->showMessage(m, 10000); });
        connect(hygiene, &HygieneController::problem, this, &MainWindow::showProblem);
    }
    if (team) {
        m_teamPage = new TeamPage(team, m_keys, m_errorBanner, m_pages);
        addPage(m_teamPage, QStringLiteral("team"), tr("Team"), style()->standardIcon(QStyle::SP_DirHomeIcon));
        connect(m_teamPage, &TeamPage::status, this, [this](const QString &m) { statusBar()->showMessage(m, 10000); });
        // Departments beside the team: OpenRouter's workspaces and their spend.
        m_workspaces = new WorkspaceController(team->store(), team->client(), this);
        m_workspacesPage = new WorkspacesPage(m_workspaces, m_pages);
        addPage(m_workspacesPage, QStringLiteral("workspaces"), tr("Workspaces"),
                drawnIcon({QRect(3, 5, 12, 22), QRect(17, 5, 12, 22)})); // two rooms
        connect(m_workspacesPage, &WorkspacesPage::status, this, [this](const QString &m) { statusBar()->showMessage(m, 10000); });
        connect(m_workspacesPage, &WorkspacesPage::problem, this, &MainWindow::showProblem);
    }
    if (spend) {
        m_spendPage = new SpendPage(spend, m_pages);
        addPage(m_spendPage, QStringLiteral("spend"), tr("Spend"),
                drawnIcon({QRect(3, 16, 8, 14), QRect(12, 6, 8, 24), QRect(21, 11, 8, 19)})); // bars
        connect(spend, &SpendController::changed, this, &MainWindow::updateNavigationCounts);
        // A bar is a person: clicking it shows their keys.
        connect(m_spendPage, &SpendPage::problem, this, &MainWindow::showProblem);
        connect(spend, &SpendController::problem, this, &MainWindow::showProblem);
        connect(m_spendPage, &SpendPage::memberClicked, this, [this](const QString &member) {
            showPage(QStringLiteral("keys"));
            m_keysPage->setSearchText(member);
        });
        // New alerts, once each: a desktop notification where there is a tray, else the status bar.
        connect(spend, &SpendController::newAlerts, this, [this](const QList<Alert> &alerts) {
            QStringList texts;
            for (const Alert &a : alerts)
                texts << a.text;
            if (QSystemTrayIcon::isSystemTrayAvailable()) {
                if (!m_tray) {
                    m_tray = new QSystemTrayIcon(windowIcon(), this);
                    m_tray->setObjectName(QStringLiteral("alertTrayIcon"));
                    m_tray->show();
                }
                m_tray->showMessage(tr("orteam: %n alert(s)", nullptr, int(alerts.size())), texts.join(QLatin1Char('\n')));
            }
            statusBar()->showMessage(texts.first(), 15000);
        });
    }
    if (spend) {
        m_reportsPage = new ReportsPage(spend, m_pages);
        addPage(m_reportsPage, QStringLiteral("reports"), tr("Reports"), style()->standardIcon(QStyle::SP_FileDialogContentsView));
        connect(m_reportsPage, &ReportsPage::status, this, [this](const QString &m) { statusBar()->showMessage(m, 10000); });
        connect(m_reportsPage, &ReportsPage::problem, this, &MainWindow::showProblem);
    }
    if (audit) {
        addPage(new AuditPage(audit, m_pages), QStringLiteral("audit"), tr("Audit"), style()->standardIcon(QStyle::SP_FileDialogInfoView));
        connect(audit, &AuditLogController::problem, this, &MainWindow::showProblem);
        // The services write the log; it is read again after anything that writes to it.
        connect(m_keys, &KeyListController::keyChanged, audit, &AuditLogController::reload);
        if (team)
            connect(team, &TeamController::changed, audit, &AuditLogController::reload);
        if (hygiene)
            connect(hygiene, &HygieneController::changed, audit, &AuditLogController::reload);
    }
    connect(m_keys, &KeyListController::auditFailed, this, &MainWindow::showProblem);
    connect(m_navigation, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::updatePageToolBars);
    // A team with history opens on its overview; without any yet, the overview would be all
    // "not enough history", and the keys are what there is to do.
    bool history = false;
    if (spend) {
        const Result<QDate> first = spend->firstSpendDay();
        history = first && first->isValid();
    }
    m_navigation->setCurrentRow(int(m_pageNames.indexOf(history ? QStringLiteral("overview") : QStringLiteral("keys"))));

    m_actions = new KeyActions(m_keys, m_keysPage, m_errorBanner, this);
    connect(m_actions, &KeyActions::status, this, [this](const QString &m) { statusBar()->showMessage(m, 8000); });

    auto *refresh = new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh"), this);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, m_keys, [this] {
        if (!m_readOnlyView) // without a key there is nothing to ask OpenRouter (see below)
            m_keys->refresh();
    });
    auto *settings = new QAction(style()->standardIcon(QStyle::SP_FileDialogInfoView), tr("Settings…"), this);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence::Preferences);
    connect(settings, &QAction::triggered, this, &MainWindow::openSettings);

    menuBar()->setObjectName(QStringLiteral("mainMenuBar"));
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(QStringLiteral("fileMenu"));
    fileMenu->addAction(settings);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    QMenu *keysMenu = m_keysMenu = menuBar()->addMenu(tr("&Keys"));
    keysMenu->setObjectName(QStringLiteral("keysMenu"));
    keysMenu->addAction(refresh);
    keysMenu->addSeparator();
    keysMenu->addActions(m_actions->all());
    // Go: one shortcut per page (Ctrl+1 … in the order of the navigation), said in the menu and
    // in each page's tooltip; Find focuses the current page's search.
    QMenu *goMenu = m_goMenu = menuBar()->addMenu(tr("&Go"));
    goMenu->setObjectName(QStringLiteral("goMenu"));
    for (int i = 0; i < m_pageNames.size(); ++i)
        addGoAction(i);
    m_goEnd = goMenu->addSeparator(); // pages added later (Notifications) go above it
    auto *find = goMenu->addAction(tr("&Find"), this, &MainWindow::focusSearch);
    find->setObjectName(QStringLiteral("findAction"));
    find->setShortcut(QKeySequence::Find);
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->setObjectName(QStringLiteral("helpMenu"));
    QAction *about = helpMenu->addAction(tr("&About orteam"), this, [this] {
        auto *dialog = new AboutDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    about->setObjectName(QStringLiteral("aboutAction"));
    helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setObjectName(QStringLiteral("aboutQtAction"));

    auto *toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->addAction(refresh);
    // The key actions act on the Keys page's selection: their toolbar shows with that page only
    // (the Keys menu keeps them, with their shortcuts, everywhere).
    m_keysToolBar = addToolBar(tr("Keys"));
    m_keysToolBar->setObjectName(QStringLiteral("keysToolBar"));
    m_keysToolBar->setMovable(false);
    m_keysToolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_keysToolBar->addActions(m_actions->all());
    toolBar = addToolBar(tr("Settings"));
    toolBar->setObjectName(QStringLiteral("settingsToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *spacer = new QWidget(toolBar);
    spacer->setObjectName(QStringLiteral("toolBarSpacer"));
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolBar->addWidget(spacer);
    toolBar->addAction(settings);

    QTableView *table = m_keysPage->table();
    table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table, &QWidget::customContextMenuRequested, this, [this, table](const QPoint &pos) {
        QMenu menu(this);
        menu.setObjectName(QStringLiteral("keyContextMenu"));
        menu.addActions(m_actions->all());
        menu.exec(table->viewport()->mapToGlobal(pos));
    });

    // Tab moves on from a table to the next control, as everywhere else, instead of from cell to
    // cell (arrow keys move within the table).
    for (QAbstractItemView *view : findChildren<QAbstractItemView *>())
        view->setTabKeyNavigation(false);
    updatePageToolBars();
    updateNavigationCounts();

    statusBar()->setObjectName(QStringLiteral("mainStatusBar"));
    m_connectionLabel = new QLabel(statusBar());
    m_connectionLabel->setObjectName(QStringLiteral("connectionStatusLabel"));
    m_busy = new QProgressBar(statusBar());
    m_busy->setObjectName(QStringLiteral("busyProgressBar"));
    m_busy->setRange(0, 0); // indeterminate: calls have no measurable progress
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->hide();
    m_creditsLabel = new QLabel(statusBar());
    m_creditsLabel->setObjectName(QStringLiteral("creditsStatusLabel"));
    m_refreshLabel = new QLabel(statusBar());
    m_refreshLabel->setObjectName(QStringLiteral("lastRefreshStatusLabel"));
    m_gatewayLabel = new QLabel(statusBar());
    m_gatewayLabel->setObjectName(QStringLiteral("gatewayStatusLabel"));
    m_gatewayLabel->hide();
    statusBar()->addPermanentWidget(m_gatewayLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_creditsLabel);
    statusBar()->addPermanentWidget(m_refreshLabel);

    if (m_spend) // the gateway writes its status into the team database; the Spend data is read with it
        connect(m_spend, &SpendController::changed, this, &MainWindow::updateGatewayStatus);
    connect(m_keys, &KeyListController::refreshStarted, this, [this] { m_refreshLabel->setText(tr("Refreshing…")); });
    connect(m_keys, &KeyListController::refreshFinished, this, &MainWindow::onRefreshFinished);
    connect(m_keys, &KeyListController::creditsChanged, this, &MainWindow::updateCredits);
    connect(m_keys, &KeyListController::busyChanged, m_busy, &QWidget::setVisible);
    connect(m_connection, &ConnectionManager::ready, this, &MainWindow::onReady);
    connect(m_connection, &ConnectionManager::keyMissing, this, [this, refresh] {
        // Nothing to act on until there is a key.
        m_actions->setReadOnly(true);
        m_connectionLabel->setText(tr("No management key"));
        if (m_team && !m_team->members().isEmpty()) {
            // A team database with a team in it: a lead without a key still sees everything the
            // database holds (what an admin's dashboard or `orteam-cli sync` put there).
            enterReadOnlyView();
        } else {
            m_root->setCurrentWidget(m_welcome);
            refresh->setEnabled(false);
        }
        markLoaded();
    });
    // In the read-only view "Refresh" re-reads the team database (other dashboards write to it).
    connect(refresh, &QAction::triggered, this, [this] {
        if (!m_readOnlyView)
            return;
        m_team->reload();
        if (m_spend)
            m_spend->refresh();
        m_refreshLabel->setText(tr("Read %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    });
}

MainWindow::~MainWindow()
{
    if (!m_viewSettings)
        return;
    ViewMemory::save(this, *m_viewSettings, m_viewDatabase);
    m_viewSettings->setViewValue(m_viewDatabase, QStringLiteral("page"), currentPage());
    m_viewSettings->sync();
}

void MainWindow::rememberView(AppSettings *settings, const QString &database)
{
    m_viewSettings = settings;
    m_viewDatabase = database;
    ViewMemory::restore(this, *settings, database);
    showListedPage(settings->viewValue(database, QStringLiteral("page")).toString());
}

void MainWindow::focusSearch()
{
    QWidget *page = currentPageWidget();
    if (auto *search = page ? page->findChild<SearchField *>() : nullptr) {
        search->setFocus(Qt::ShortcutFocusReason);
        search->selectAll();
    }
}

void MainWindow::updatePageToolBars()
{
    if (m_keysToolBar)
        m_keysToolBar->setVisible(currentPageWidget() == m_keysPage);
}

QString MainWindow::currentPage() const
{
    return m_pageNames.value(m_navigation->currentRow());
}

bool MainWindow::isShowingWelcome() const
{
    return m_root->currentWidget() == m_welcome;
}

void MainWindow::enterReadOnlyView()
{
    m_readOnlyView = true;
    m_readOnlyBanner->setText(tr("<b>Read-only</b>: no management key, so keys cannot be listed or changed. Spend, reports "
                                 "and the team come from the team database %1, kept current by an admin's dashboard or "
                                 "<code>orteam-cli sync</code>. Add a key in Settings to manage the team.")
                                  .arg(m_team->store()->location().display().toHtmlEscaped()));
    m_readOnlyBanner->show();
    if (m_teamPage)
        m_teamPage->setReadOnly(true);
    if (m_overviewPage)
        m_overviewPage->setReadOnly(true);
    if (m_workspacesPage)
        m_workspacesPage->setReadOnly(true);
    if (m_spend)
        m_spend->setReadOnly(true);
    // The keys page would stay empty: leave it out, and open on spend. Hygiene judges the key
    // list, so it goes too; and nothing it would write may be written.
    setPageHidden(QStringLiteral("keys"), true);
    setPageHidden(QStringLiteral("hygiene"), true);
    if (m_hygiene)
        m_hygiene->setReadOnly(true);
    if (m_hygienePage)
        m_hygienePage->setReadOnly(true);
    if (m_syncAction)
        m_syncAction->setVisible(false);
    // Every key action is hidden, so the Keys menu would hold Refresh alone, which re-reads the
    // database here: it stays on the toolbar (and F5).
    m_keysMenu->menuAction()->setVisible(false);
    // Destinations and their secrets are an admin's; a lead's dashboard sends nothing.
    if (m_notify) {
        m_notify->setReadOnly(true);
        setPageHidden(QStringLiteral("notifications"), true);
        m_notifyBanner->hide();
    }
    m_root->setCurrentWidget(m_main);
    // The page asked for (--page, or the one left open last time) stays, unless it is one just
    // left out: drawing the Overview first would read the whole team database for nothing.
    const QListWidgetItem *current = m_navigation->currentItem();
    if (!current || current->isHidden())
        showPage(m_overviewPage ? QStringLiteral("overview") : QStringLiteral("team"));
    if (m_spend)
        m_spend->refresh();
    setWindowTitle(tr("orteam — read-only"));
}

void MainWindow::setActivitySync(ActivitySync *sync)
{
    auto *action = m_syncAction = new QAction(tr("Sync activity now"), this);
    action->setObjectName(QStringLiteral("syncActivityAction"));
    action->setToolTip(tr("Copy OpenRouter's activity (spend per day, model and key) into the team database"));
    connect(action, &QAction::triggered, sync, &ActivitySync::syncNow);
    m_keysMenu->insertAction(m_keysMenu->actions().value(1), action);
    m_syncProgress = new QProgressBar(statusBar());
    m_syncProgress->setObjectName(QStringLiteral("syncProgressBar"));
    m_syncProgress->setMaximumWidth(160);
    m_syncProgress->setMaximumHeight(14);
    m_syncProgress->setFormat(tr("Activity %v/%m keys"));
    m_syncProgress->hide();
    statusBar()->insertPermanentWidget(1, m_syncProgress);
    connect(sync, &ActivitySync::started, this, [this, action] {
        action->setEnabled(false);
        m_syncProgress->setRange(0, 0);
        m_syncProgress->show();
    });
    connect(sync, &ActivitySync::progress, this, [this](int done, int total) {
        m_syncProgress->setRange(0, std::max(total, 1));
        m_syncProgress->setValue(done);
    });
    connect(sync, &ActivitySync::finished, this, [this, action](bool ok, const QString &message) {
        action->setEnabled(true);
        m_syncProgress->hide();
        if (ok)
            statusBar()->showMessage(message, 8000);
        else
            showProblem(message);
    });
}

void MainWindow::setNotifications(NotifyController *notify)
{
    m_notify = notify;
    m_notificationsPage = new NotificationsPage(notify, m_pages);
    addPage(m_notificationsPage, QStringLiteral("notifications"), tr("Notifications"), style()->standardIcon(QStyle::SP_MessageBoxInformation));
    connect(m_notificationsPage, &NotificationsPage::status, this, [this](const QString &m) { statusBar()->showMessage(m, 10000); });
    connect(m_notificationsPage, &NotificationsPage::problem, this, &MainWindow::showProblem);
    connect(notify, &NotifyController::problem, this, &MainWindow::showProblem);
    // A banner of its own: the refresh's banner comes and goes with every refresh, while a
    // destination that keeps failing stays news until it delivers again.
    m_notifyBanner = new ErrorBanner(m_main, QStringLiteral("notifyBanner"));
    auto *outer = static_cast<QVBoxLayout *>(m_main->layout());
    outer->insertWidget(outer->indexOf(m_errorBanner) + 1, m_notifyBanner);
    connect(m_notifyBanner, &ErrorBanner::retryRequested, notify, &NotifyController::runNow);
    connect(notify, &NotifyController::changed, this, &MainWindow::updateNotifyBanner);
    // Refresh (the button, F5) asks the keychain again whether each destination's secret can be
    // read: a secret saved meanwhile (orteam-cli notify secret) shows without a restart.
    connect(findChild<QAction *>(QStringLiteral("refreshAction")), &QAction::triggered, notify, &NotifyController::checkSecrets);
    updateNotifyBanner();
}

void MainWindow::updateNotifyBanner()
{
    const auto destinations = m_notify->destinations();
    const auto health = m_notify->health();
    if (!destinations || !health) {
        // Whether anything fails is unknown then, which is news too (the page says the same).
        const QString text = tr("Cannot read how notifications are doing: %1").arg(!destinations ? destinations.errorText() : health.errorText());
        if (text != m_notifyBannerText) {
            m_notifyBannerText = text;
            m_notifyBanner->showError(text);
        }
        return;
    }
    QHash<QString, Destination> byId;
    for (const Destination &d : *destinations)
        byId.insert(d.id, d);
    QStringList failing;
    const QHash<QString, QString> noSecret = m_notify->unreadableSecrets();
    for (const DestinationHealth &h : *health) {
        const auto d = byId.constFind(h.destinationId);
        if (d == byId.cend() || !destinationFailing(*d, h, noSecret.contains(d->id)))
            continue;
        if (noSecret.contains(d->id))
            failing << tr("%1 (no secret here: %2)").arg(d->name, noSecret.value(d->id));
        else
            failing << tr("%1 since %2 (%3)").arg(d->name, h.failingSince.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), h.lastError);
    }
    if (failing.isEmpty()) {
        m_notifyBannerText.clear();
        m_notifyBanner->hide();
        return;
    }
    const QString text = tr("Notifications are failing: %1. See the Notifications page.").arg(failing.join(QStringLiteral("; ")));
    if (text != m_notifyBannerText) {
        m_notifyBannerText = text;
        m_notifyBanner->showError(text);
    }
}

void MainWindow::onReady()
{
    const bool demo = m_connection->keySource() == ConnectionManager::KeySource::Demo;
    m_demoBanner->setVisible(demo);
    if (m_reportsPage)
        m_reportsPage->setDemo(demo); // exported reports say so too
    setWindowTitle(demo ? tr("orteam — demo data") : tr("orteam"));
    m_root->setCurrentWidget(m_main);
    m_actions->setReadOnly(false);
    if (m_readOnlyView) { // a key was added: everything comes back
        m_readOnlyView = false;
        m_readOnlyBanner->hide();
        if (m_teamPage)
            m_teamPage->setReadOnly(false);
        if (m_overviewPage)
            m_overviewPage->setReadOnly(false);
        if (m_spend)
            m_spend->setReadOnly(false);
        setPageHidden(QStringLiteral("keys"), false);
        setPageHidden(QStringLiteral("hygiene"), false);
        if (m_hygiene)
            m_hygiene->setReadOnly(false);
        if (m_hygienePage)
            m_hygienePage->setReadOnly(false);
        if (m_syncAction)
            m_syncAction->setVisible(true);
        m_keysMenu->menuAction()->setVisible(true);
    }
    findChild<QAction *>(QStringLiteral("refreshAction"))->setEnabled(true);
    m_connectionLabel->setText(tr("Connecting to %1…").arg(m_connection->serverLabel()));
    m_keys->setRefreshInterval(m_connection->refreshIntervalSeconds());
    m_keys->refresh();
}

void MainWindow::markLoaded()
{
    if (!m_loadedOnce) {
        m_loadedOnce = true;
        Q_EMIT firstLoadFinished();
    }
}

void MainWindow::setPageHidden(const QString &name, bool hidden)
{
    if (QListWidgetItem *item = m_navigation->item(int(m_pageNames.indexOf(name))))
        item->setHidden(hidden);
    // A hidden page is not offered in the Go menu either, nor reached by its shortcut.
    if (auto *go = findChild<QAction *>(QStringLiteral("goTo_") + name, Qt::FindDirectChildrenOnly))
        go->setVisible(!hidden);
}

void MainWindow::addPage(QWidget *page, const QString &name, const QString &label, const QIcon &icon)
{
    // Every page scrolls rather than holding the window open: a page's charts and forms keep
    // their sizes on a 1280x720 screen (with a title bar and a panel) instead of being cut.
    auto *scroll = new QScrollArea(m_pages);
    scroll->setObjectName(name + QStringLiteral("ScrollArea"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(page);
    m_pages->addWidget(scroll);
    auto *item = new QListWidgetItem(icon, label, m_navigation);
    item->setData(Qt::UserRole, label);
    m_pageNames << name;
    if (m_goMenu) // a page added after the menus were made
        addGoAction(int(m_pageNames.size()) - 1);
}

void MainWindow::addGoAction(int index)
{
    QListWidgetItem *item = m_navigation->item(index);
    auto *go = new QAction(item->text(), this);
    const QString name = m_pageNames.at(index);
    go->setObjectName(QStringLiteral("goTo_") + name);
    if (index < 9) {
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        item->setToolTip(tr("%1 (%2)").arg(item->text(), go->shortcut().toString(QKeySequence::NativeText)));
    }
    go->setVisible(!item->isHidden());
    connect(go, &QAction::triggered, this, [this, name] { showListedPage(name); });
    m_goMenu->insertAction(m_goEnd, go); // null: at the end
    addAction(go); // works with the menu bar hidden too
}

QIcon MainWindow::drawnIcon(const QList<QRect> &shapes) const
{
    // The style has no chart or dashboard among its icons (and some of its own only at 16 px):
    // shapes on a 32 px square in the charts' colours.
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    const QList<QColor> colors = theme::chartSeries(palette());
    for (int i = 0; i < shapes.size(); ++i)
        painter.fillRect(shapes.at(i), colors.value(i % colors.size()));
    return QIcon(pixmap);
}

QWidget *MainWindow::currentPageWidget() const
{
    auto *scroll = qobject_cast<QScrollArea *>(m_pages->currentWidget());
    return scroll ? scroll->widget() : m_pages->currentWidget();
}

void MainWindow::updateNavigationCounts()
{
    // What needs a look shows in the navigation, whichever page is open: the alerts that hold
    // now, the keys with a critical finding.
    auto show = [this](const QString &name, int count, const QString &what) {
        QListWidgetItem *item = m_navigation->item(int(m_pageNames.indexOf(name)));
        if (!item)
            return;
        const QString label = item->data(Qt::UserRole).toString();
        item->setText(count > 0 ? tr("%1 (%2)").arg(label).arg(count) : label);
        item->setData(Qt::AccessibleTextRole, count > 0 ? tr("%1, %2").arg(label, what) : label);
    };
    if (m_spend) {
        // An unreadable list is no count, never zero: the page says why.
        const Result<QList<Alert>> alerts = m_spend->alerts();
        if (alerts)
            show(QStringLiteral("spend"), int(alerts->size()), tr("%n alert(s)", nullptr, int(alerts->size())));
        else
            show(QStringLiteral("spend"), 0, QString()); // the last count is no longer known either
    }
    if (m_hygiene && m_hygiene->state() == HygieneController::State::Ready) {
        int critical = 0;
        for (const KeyHygiene &k : m_hygiene->assessment().keys)
            critical += std::any_of(k.findings.cbegin(), k.findings.cend(),
                                    [](const Finding &f) { return f.severity() == Severity::Critical; });
        show(QStringLiteral("hygiene"), critical, tr("%n key(s) with a critical finding", nullptr, critical));
    }
}

QStringList MainWindow::pageNames() const
{
    return m_pageNames;
}

bool MainWindow::showListedPage(const QString &name)
{
    // A page the read-only view leaves out stays out, whoever asks for it.
    const QListWidgetItem *item = m_navigation->item(int(m_pageNames.indexOf(name.toLower())));
    return item && !item->isHidden() && showPage(name);
}

bool MainWindow::showPage(const QString &name)
{
    const int index = int(m_pageNames.indexOf(name.toLower()));
    if (index < 0)
        return false;
    m_navigation->setCurrentRow(index);
    return true;
}

void MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(m_connection, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::onRefreshFinished(const ApiError &error)
{
    if (error.isError()) {
        m_connectionLabel->setText(tr("Not connected to %1").arg(m_connection->serverLabel()));
        m_errorBanner->showError(error.message());
    } else {
        m_connectionLabel->setText(tr("Connected to %1").arg(m_connection->serverLabel()));
        m_errorBanner->hide();
    }
    const QDateTime last = m_keys->lastRefresh();
    m_refreshLabel->setText(last.isValid() ? tr("Updated %1").arg(last.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
                                           : tr("Never updated"));
    markLoaded();
}

void MainWindow::updateGatewayStatus()
{
    if (!m_spend) {
        m_gatewayLabel->hide();
        return;
    }
    // A status that cannot be read hides the label: the Spend page says what the database's
    // trouble is.
    const auto read = m_spend->gatewayStatus();
    const std::optional<GatewayStatus> status = read ? *read : std::nullopt;
    if (!status) {
        m_gatewayLabel->hide();
        return;
    }
    if (m_spend->gatewayRunning(*status)) {
        const QString requests = status->requestsToday == 1 ? tr("1 request") : tr("%1 requests").arg(status->requestsToday);
        m_gatewayLabel->setText(tr("Gateway %1: %2 today").arg(status->listening, requests)
                                + (status->refusalsToday > 0 ? tr(", %1 refused").arg(status->refusalsToday) : QString())
                                + (status->uncostedToday > 0 ? tr(", %1 not costed").arg(status->uncostedToday) : QString()));
        m_gatewayLabel->setToolTip(tr("orteam-gateway is serving (%1 in flight; updated %2 UTC)")
                                       .arg(status->inFlight)
                                       .arg(status->updatedAt.toString(QStringLiteral("HH:mm:ss"))));
    } else {
        m_gatewayLabel->setText(tr("Gateway stopped"));
        m_gatewayLabel->setToolTip(tr("orteam-gateway last reported %1 UTC").arg(status->updatedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    }
    m_gatewayLabel->show();
}

void MainWindow::showProblem(const QString &message)
{
    m_errorBanner->showError(message);
}

void MainWindow::showDatabaseProblem(const QString &message)
{
    m_databaseBanner->setText(message);
    m_databaseBanner->setVisible(!message.isEmpty());
}

void MainWindow::updateCredits()
{
    // Every refresh reports here, failed or not: a figure that could not be read again is marked
    // with its age (and re-marked at each later attempt), and one never read is unknown, not $0.
    const auto credits = m_keys->credits();
    const ApiError error = m_keys->creditsError();
    if (!credits) {
        m_creditsLabel->setText(error.isError() ? tr("Credits: unknown") : QString());
        m_creditsLabel->setToolTip(error.isError() ? error.message() : QString());
        return;
    }
    const QString text = tr("Credits: %1 left of %2").arg(formatUsd(credits->remaining()), formatUsd(credits->totalCredits));
    const QString stale = m_keys->creditsStaleText();
    m_creditsLabel->setText(stale.isEmpty() ? text : tr("%1 · %2").arg(text, stale));
    m_creditsLabel->setToolTip(stale.isEmpty() ? QString() : error.message());
}

} // namespace orteam
