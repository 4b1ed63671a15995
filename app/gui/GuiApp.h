#pragma once

#include <QNetworkAccessManager>
#include <QSize>

#include "DemoData.h"

#include <memory>
#include <optional>

namespace orteam {

class AppSettings;
class ActivitySync;
class AuditLogController;
class Store;
class ConnectionManager;
class FakeOpenRouter;
class JobQueue;
class HygieneController;
class KeyListController;
class MainWindow;
class NotifyController;
class OpenRouterClient;
class SecretStore;
class TeamController;
class SpendController;

// Wires the dashboard together: command line, server (the real one, or the embedded fake in
// --demo), client, secret store, settings, controllers and window; and --screenshot, which renders
// a page and exits.
class GuiApp
{
public:
    GuiApp();
    ~GuiApp();

    // Before QApplication exists: --screenshot needs no display, so it picks the offscreen
    // platform itself when none was chosen.
    // So does --scale, which Qt reads as the application starts.
    static void prepareEnvironment(int argc, char *argv[]);
    // --scale's and --size's values; nothing for a malformed one.
    static std::optional<double> parseScale(const QString &text);
    static std::optional<QSize> parseSize(const QString &text);
    int run();

private:
    bool startDemoServer();
    int takeScreenshot(const QString &file, const QString &page);

    QNetworkAccessManager m_network;
    std::unique_ptr<FakeOpenRouter> m_fake;
    DemoData::KeyHistory m_demoHistory;
    QList<ActivityItem> m_demoActivity;
    QHash<QString, QList<ActivityItem>> m_demoKeyActivity;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<JobQueue> m_jobs; // the one worker for every controller's database work
    std::unique_ptr<AuditLogController> m_audit;
    std::unique_ptr<TeamController> m_team;
    std::unique_ptr<SpendController> m_spend;
    std::unique_ptr<ActivitySync> m_activitySync;
    std::unique_ptr<HygieneController> m_hygiene;
    std::unique_ptr<KeyListController> m_keys;
    std::unique_ptr<NotifyController> m_notify;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace orteam
