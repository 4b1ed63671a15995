#pragma once

#include <QMainWindow>
#include <QStringList>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace orteam {

class ErrorBanner;
class KeyListController;
class KeysPage;
struct ApiError;

// The dashboard's window: navigation on the left, one page at a time on the right, a toolbar,
// and a status bar with connection state, credits remaining and the last refresh time.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    struct Options
    {
        bool demo = false;        // show the demo banner: the data is not real
        QString serverLabel;      // where the data comes from, for the status bar
    };
    MainWindow(KeyListController *keys, const Options &options, QWidget *parent = nullptr);

    // Page names for --page: "keys", …
    QStringList pageNames() const;
    bool showPage(const QString &name);
    KeysPage *keysPage() const { return m_keysPage; }
    ErrorBanner *errorBanner() const { return m_errorBanner; }

Q_SIGNALS:
    // The first refresh has finished (with or without error): the window shows real content.
    void firstLoadFinished();

private:
    void onRefreshFinished(const ApiError &error);
    void updateCredits();

    KeyListController *m_keys;
    Options m_options;
    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    KeysPage *m_keysPage;
    ErrorBanner *m_errorBanner;
    QLabel *m_connectionLabel;
    QLabel *m_creditsLabel;
    QLabel *m_refreshLabel;
    QStringList m_pageNames;
    bool m_loadedOnce = false;
};

} // namespace orteam
