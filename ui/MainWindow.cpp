#include "MainWindow.h"

#include "AboutDialog.h"
#include "ApiError.h"
#include "ErrorBanner.h"
#include "KeyListController.h"
#include "KeysPage.h"
#include "Money.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

namespace orteam {

MainWindow::MainWindow(KeyListController *keys, const Options &options, QWidget *parent)
    : QMainWindow(parent), m_keys(keys), m_options(options)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(options.demo ? tr("orteam — demo data") : tr("orteam"));
    resize(1280, 780);

    menuBar()->setObjectName(QStringLiteral("mainMenuBar"));
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(QStringLiteral("fileMenu"));
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
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
    auto *refresh = toolBar->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh"));
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, m_keys, &KeyListController::refresh);

    auto *central = new QWidget(this);
    central->setObjectName(QStringLiteral("centralWidget"));
    auto *outer = new QVBoxLayout(central);
    outer->setContentsMargins(8, 8, 8, 4);

    if (options.demo) {
        // Demo data must never be mistaken for a real account's, in a screenshot least of all.
        auto *demo = new QLabel(tr("<b>DEMO</b> — a sample team served by an embedded fake OpenRouter. Nothing here is "
                                   "real and no account is used."),
                                central);
        demo->setObjectName(QStringLiteral("demoBannerLabel"));
        demo->setStyleSheet(QStringLiteral("background:#fff4ce; color:#5c4400; border:1px solid #f0d68a; "
                                           "border-radius:4px; padding:6px 10px;"));
        outer->addWidget(demo);
    }
    m_errorBanner = new ErrorBanner(central);
    outer->addWidget(m_errorBanner);
    connect(m_errorBanner, &ErrorBanner::retryRequested, m_keys, &KeyListController::refresh);

    auto *body = new QHBoxLayout;
    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigationListWidget"));
    m_navigation->setFixedWidth(150);
    m_navigation->setIconSize(QSize(20, 20));
    m_navigation->setSpacing(2);
    m_pages = new QStackedWidget(central);
    m_pages->setObjectName(QStringLiteral("pagesStackedWidget"));
    body->addWidget(m_navigation);
    body->addWidget(m_pages, 1);
    outer->addLayout(body, 1);
    setCentralWidget(central);

    m_keysPage = new KeysPage(m_keys, m_pages);
    m_pages->addWidget(m_keysPage);
    m_navigation->addItem(tr("Keys"));
    m_pageNames << QStringLiteral("keys");
    connect(m_navigation, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(0);

    m_connectionLabel = new QLabel(statusBar());
    m_connectionLabel->setObjectName(QStringLiteral("connectionStatusLabel"));
    m_creditsLabel = new QLabel(statusBar());
    m_creditsLabel->setObjectName(QStringLiteral("creditsStatusLabel"));
    m_refreshLabel = new QLabel(statusBar());
    m_refreshLabel->setObjectName(QStringLiteral("lastRefreshStatusLabel"));
    statusBar()->setObjectName(QStringLiteral("mainStatusBar"));
    statusBar()->addWidget(m_connectionLabel);
    statusBar()->addPermanentWidget(m_creditsLabel);
    statusBar()->addPermanentWidget(m_refreshLabel);
    m_connectionLabel->setText(tr("Connecting to %1…").arg(options.serverLabel));

    connect(m_keys, &KeyListController::refreshStarted, this, [this] { m_refreshLabel->setText(tr("Refreshing…")); });
    connect(m_keys, &KeyListController::refreshFinished, this, &MainWindow::onRefreshFinished);
    connect(m_keys, &KeyListController::creditsChanged, this, &MainWindow::updateCredits);
}

QStringList MainWindow::pageNames() const
{
    return m_pageNames;
}

bool MainWindow::showPage(const QString &name)
{
    const int index = int(m_pageNames.indexOf(name.toLower()));
    if (index < 0)
        return false;
    m_navigation->setCurrentRow(index);
    return true;
}

void MainWindow::onRefreshFinished(const ApiError &error)
{
    if (error.isError()) {
        m_connectionLabel->setText(tr("Not connected to %1").arg(m_options.serverLabel));
        m_errorBanner->showError(error.message());
    } else {
        m_connectionLabel->setText(tr("Connected to %1").arg(m_options.serverLabel));
        m_errorBanner->hide();
    }
    const QDateTime last = m_keys->lastRefresh();
    m_refreshLabel->setText(last.isValid() ? tr("Updated %1").arg(last.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
                                           : tr("Never updated"));
    if (!m_loadedOnce) {
        m_loadedOnce = true;
        Q_EMIT firstLoadFinished();
    }
}

void MainWindow::updateCredits()
{
    const auto credits = m_keys->credits();
    if (!credits)
        return;
    m_creditsLabel->setText(tr("Credits: %1 left of %2").arg(formatUsd(credits->remaining()), formatUsd(credits->totalCredits)));
}

} // namespace orteam
