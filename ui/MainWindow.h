#pragma once

#include <QMainWindow>
#include <QStringList>
#include <QIcon>

class QLabel;
class QListWidget;
class QProgressBar;
class QStackedWidget;
class QSystemTrayIcon;
class QToolBar;

namespace orteam {

class AppSettings;
class AuditLogController;
class ConnectionManager;
class ErrorBanner;
class HygieneController;
class HygienePage;
class KeyActions;
class KeyListController;
class KeysPage;
class NotificationsPage;
class NotifyController;
class TeamController;
class SpendController;
class ActivitySync;
class SpendPage;
class OverviewPage;
class ReportsPage;
class TeamPage;
class WorkspaceController;
class WorkspacesPage;
class WelcomePage;
struct ApiError;

// The dashboard's window: navigation on the left, one page at a time on the right, a toolbar
// with the key actions, and a status bar with connection state, credits remaining, the last
// refresh time and a busy indicator. Without a management key it shows the welcome page instead.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    // `audit` and `team` may be null (no database could be opened): their pages are left out.
    MainWindow(KeyListController *keys, ConnectionManager *connection, AuditLogController *audit = nullptr,
               TeamController *team = nullptr, SpendController *spend = nullptr, HygieneController *hygiene = nullptr,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // Restores the view as it was last left with this team database (`database`: its location as
    // shown), and keeps it there again when the window goes. `settings` outlives the window.
    void rememberView(AppSettings *settings, const QString &database);
    QString currentPage() const;

    // Page names for --page: "keys", …
    QStringList pageNames() const;
    bool showPage(const QString &name);
    // showPage() for a page the navigation lists (not one the read-only view left out).
    bool showListedPage(const QString &name);
    KeysPage *keysPage() const { return m_keysPage; }
    TeamPage *teamPage() const { return m_teamPage; }
    WorkspacesPage *workspacesPage() const { return m_workspacesPage; }
    WorkspaceController *workspaces() const { return m_workspaces; }
    SpendPage *spendPage() const { return m_spendPage; }
    ReportsPage *reportsPage() const { return m_reportsPage; }
    HygienePage *hygienePage() const { return m_hygienePage; }
    KeyActions *keyActions() const { return m_actions; }
    ErrorBanner *errorBanner() const { return m_errorBanner; }
    // Shows a problem that is not a refresh failure (e.g. the database could not be opened).
    void showProblem(const QString &message);
    // The team database did not open: said above the pages until the window closes.
    void showDatabaseProblem(const QString &message);
    bool isShowingWelcome() const;
    bool isReadOnlyView() const { return m_readOnlyView; }
    // The periodic activity sync: its progress in the status bar and a "Sync activity now" action.
    void setActivitySync(ActivitySync *sync);
    // The Notifications page, and a banner naming any destination whose messages keep failing.
    void setNotifications(NotifyController *notify);
    NotificationsPage *notificationsPage() const { return m_notificationsPage; }
    ErrorBanner *notifyBanner() const { return m_notifyBanner; }

Q_SIGNALS:
    // The first refresh has finished (with or without error), or the welcome page is up: the
    // window shows real content (what --screenshot waits for).
    void firstLoadFinished();
    void demoRequested();

private:
    void onReady();
    void onRefreshFinished(const ApiError &error);
    void updateCredits();
    void openSettings();
    void markLoaded();
    void enterReadOnlyView();
    void updateGatewayStatus();
    void setPageHidden(const QString &name, bool hidden);
    void updateNotifyBanner();
    void focusSearch();
    void updatePageToolBars();
    // Adds `page` (inside a scroll area) with its navigation entry and its --page name.
    void addPage(QWidget *page, const QString &name, const QString &label, const QIcon &icon);
    void addGoAction(int index); // the page's entry in the Go menu, with Ctrl+N for the first nine
    QWidget *currentPageWidget() const;
    QIcon drawnIcon(const QList<QRect> &shapes) const;
    // "Spend (2)": the alerts and critical hygiene findings beside their pages.
    void updateNavigationCounts();

    KeyListController *m_keys;
    ConnectionManager *m_connection;
    QStackedWidget *m_root;
    WelcomePage *m_welcome;
    QWidget *m_main;
    QLabel *m_demoBanner;
    QLabel *m_readOnlyBanner;
    QLabel *m_databaseBanner = nullptr;
    bool m_readOnlyView = false;
    TeamController *m_team = nullptr;
    SpendController *m_spend = nullptr;
    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    KeysPage *m_keysPage;
    TeamPage *m_teamPage = nullptr;
    WorkspaceController *m_workspaces = nullptr;
    WorkspacesPage *m_workspacesPage = nullptr;
    SpendPage *m_spendPage = nullptr;
    OverviewPage *m_overviewPage = nullptr;
    ReportsPage *m_reportsPage = nullptr;
    HygieneController *m_hygiene = nullptr;
    HygienePage *m_hygienePage = nullptr;
    QSystemTrayIcon *m_tray = nullptr; // created on the first alert, where a tray exists
    KeyActions *m_actions;
    ErrorBanner *m_errorBanner;
    NotifyController *m_notify = nullptr;
    NotificationsPage *m_notificationsPage = nullptr;
    ErrorBanner *m_notifyBanner = nullptr;
    QString m_notifyBannerText; // what the banner said last: a dismissed one returns only with news
    QLabel *m_connectionLabel;
    QLabel *m_gatewayLabel;
    QLabel *m_creditsLabel;
    QLabel *m_refreshLabel;
    QProgressBar *m_busy;
    QProgressBar *m_syncProgress = nullptr;
    QMenu *m_keysMenu = nullptr;
    QMenu *m_goMenu = nullptr;
    QAction *m_goEnd = nullptr; // the separator above Find
    QToolBar *m_keysToolBar = nullptr;
    QAction *m_syncAction = nullptr;
    QStringList m_pageNames;
    bool m_loadedOnce = false;
    AppSettings *m_viewSettings = nullptr;
    QString m_viewDatabase;
};

} // namespace orteam
