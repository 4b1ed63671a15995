#include "GuiApp.h"

#include "AppSettings.h"
#include "AuditLog.h"
#include "Translations.h"
#include "Store.h"
#include "ConnectionManager.h"
#include "DemoData.h"
#include "FakeOpenRouter.h"
#include "HygieneController.h"
#include "JobQueue.h"
#include "KeyListController.h"
#include "KeychainSecretStore.h"
#include "MainWindow.h"
#include "WorkspaceController.h"
#include "NotifyController.h"
#include "OpenProgress.h"
#include "OpenRouterClient.h"
#include "ActivitySync.h"
#include "SpendController.h"
#include "Theme.h"
#include "TeamController.h"
#include "UrlPolicy.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QIcon>
#include <QPixmap>
#include <QProcess>
#include <QRegularExpression>
#include <QStatusBar>
#include <QStyle>
#include <QTextStream>
#include <QTimer>

#include <cstring>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

GuiApp::GuiApp() = default;

GuiApp::~GuiApp()
{
    // The window refers to the controllers, the controllers to the job queue, the store and the
    // client: tear down in reverse. The queue finishes the job under way before it goes.
    m_window.reset();
    m_notify.reset();
    m_activitySync.reset();
    m_hygiene.reset();
    m_spend.reset();
    m_team.reset();
    m_keys.reset();
    m_audit.reset();
    m_jobs.reset();
    m_store.reset();
    m_connection.reset();
    m_client.reset();
    m_fake.reset();
}

void GuiApp::prepareEnvironment(int argc, char *argv[])
{
    bool screenshot = false; // or only text to print (--help, --version): no display needed either
    for (int i = 1; i < argc; ++i) {
        screenshot = screenshot || std::strcmp(argv[i], "--screenshot") == 0 || std::strncmp(argv[i], "--screenshot=", 13) == 0
            || std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--version") == 0
            || std::strcmp(argv[i], "-v") == 0;
        // Qt reads the scale once, when the application starts: too late for the parser.
        // run() checks the value again and refuses a bad one.
        const char *scale = nullptr;
        if (std::strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
            scale = argv[i + 1];
        else if (std::strncmp(argv[i], "--scale=", 8) == 0)
            scale = argv[i] + 8;
        if (scale && parseScale(QString::fromLocal8Bit(scale)))
            qputenv("QT_SCALE_FACTOR", scale);
    }
    if (screenshot && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

std::optional<double> GuiApp::parseScale(const QString &text)
{
    bool ok = false;
    const double scale = text.toDouble(&ok);
    if (!ok || !(scale >= 0.5 && scale <= 4.0)) // so written that NaN is refused too
        return std::nullopt;
    return scale;
}

std::optional<QSize> GuiApp::parseSize(const QString &text)
{
    static const QRegularExpression form(QStringLiteral("^(\\d{3,5})x(\\d{3,5})$"));
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    return QSize(m.captured(1).toInt(), m.captured(2).toInt());
}

bool GuiApp::startDemoServer()
{
    m_fake = std::make_unique<FakeOpenRouter>();
    DemoData::seed(*m_fake, QDateTime::currentDateTimeUtc(), &m_demoHistory, &m_demoActivity, &m_demoKeyActivity);
    if (m_fake->start() == 0) {
        m_fake.reset();
        return false;
    }
    return true;
}

int GuiApp::run()
{
    QApplication::setApplicationName(u"orteam"_s);
    QApplication::setOrganizationName(u"orteam"_s);
    QApplication::setApplicationVersion(QStringLiteral(ORTEAM_VERSION " (" ORTEAM_GIT_REVISION ")"));
    QApplication::setApplicationDisplayName(u"orteam"_s);
    QApplication::setDesktopFileName(u"io.github.orteam.orteam"_s);
    installTranslations(qApp);
    QIcon icon;
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(u":/icons/orteam-%1.png"_s.arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"orteam: run an OpenRouter team — keys, tiers, budgets and spend."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(u"demo"_s, u"Run against an embedded fake OpenRouter with a sample team."_s);
    const QCommandLineOption baseUrlOption(u"base-url"_s, u"API base URL (default https://openrouter.ai/api/v1)."_s, u"URL"_s);
    const QCommandLineOption screenshotOption(u"screenshot"_s, u"Render the window to FILE (PNG) once loaded, then exit."_s,
                                              u"FILE"_s);
    const QCommandLineOption pageOption(u"page"_s, u"Open this page first (overview, keys, hygiene, team, workspaces, spend, reports, audit, notifications)."_s, u"NAME"_s);
    const QCommandLineOption dbOption(u"db"_s, u"Team database: a SQLite file or postgresql://user@host:port/name."_s, u"PATH|URL"_s);
    const QCommandLineOption darkOption(u"dark"_s, u"Use a dark palette (Fusion style), where the desktop's dark theme does not reach Qt."_s);
    const QCommandLineOption sizeOption(u"size"_s, u"Open the window at this size in logical pixels, e.g. 1280x650."_s, u"WxH"_s);
    const QCommandLineOption scaleOption(u"scale"_s, u"Scale the interface by F (0.5 to 4), as a high-density screen would, e.g. 2."_s,
                                         u"F"_s);
    parser.addOptions({demoOption, baseUrlOption, screenshotOption, pageOption, dbOption, darkOption, sizeOption, scaleOption});
    parser.process(*qApp);
    QTextStream err(stderr);

    if (parser.isSet(scaleOption) && !parseScale(parser.value(scaleOption))) {
        err << "orteam: --scale wants a number from 0.5 to 4, not \"" << parser.value(scaleOption) << "\"" << Qt::endl;
        return 2;
    }
    std::optional<QSize> size;
    if (parser.isSet(sizeOption)) {
        size = parseSize(parser.value(sizeOption));
        if (!size) {
            err << "orteam: --size wants WIDTHxHEIGHT, e.g. 1280x650, not \"" << parser.value(sizeOption) << "\"" << Qt::endl;
            return 2;
        }
    }
    if (parser.isSet(darkOption)) {
        // Fusion draws every control from the palette; the platform's style may not.
        QApplication::setStyle(theme::darkStyle());
        QApplication::setPalette(theme::darkPalette());
    }

    QString baseUrlText = qEnvironmentVariable("OPENROUTER_BASE_URL");
    if (parser.isSet(baseUrlOption)) {
        baseUrlText = parser.value(baseUrlOption);
        QString error;
        UrlPolicy::parse(baseUrlText, &error);
        if (!error.isEmpty()) {
            err << "orteam: " << error << Qt::endl;
            return 2;
        }
    }

    const bool demo = parser.isSet(demoOption);
    m_client = std::make_unique<OpenRouterClient>(&m_network);
    // The demo must not read or write the real keychain or settings: it gets throwaway ones.
    m_secrets = demo ? std::unique_ptr<SecretStore>(std::make_unique<MemorySecretStore>())
                     : std::unique_ptr<SecretStore>(std::make_unique<KeychainSecretStore>(u"orteam"_s));
    m_settings = std::make_unique<AppSettings>();
    m_connection = std::make_unique<ConnectionManager>(m_client.get(), m_secrets.get(), m_settings.get());

    // The team database. The demo keeps its own in memory, so it never touches real history.
    QString dbProblem;
    std::optional<DbLocation> location;
    if (demo) {
        location = DbLocation{};
        location->path = u":memory:"_s;
    } else if (parser.isSet(dbOption)) {
        location = DbLocation::parse(parser.value(dbOption), &dbProblem);
        if (!location) {
            err << "orteam: " << dbProblem << Qt::endl;
            return 2;
        }
    } else if (!m_settings->database().isEmpty()) {
        // Chosen in Settings; a bad saved value is reported in the window, not fatal.
        location = DbLocation::parse(m_settings->database(), &dbProblem);
    } else {
        location = DbLocation::ownSqlite();
    }
    if (demo && !startDemoServer()) {
        err << "orteam: cannot start the demo server on 127.0.0.1" << Qt::endl;
        return 1;
    }
    m_store = std::make_unique<Store>();
    bool storeOpen = false;
    QString backupNote;
    QString openedNote; // a new database made where none was, or in an emptied file
    if (location) {
        // A seed database's first open takes a minute at a large team's size: each step is said
        // on stderr (as orteam-cli does) and in a dialog, so the start never looks hung.
        OpenProgress opening;
        m_store->database().setProgress([&opening, &err](const QString &what) {
            err << "orteam: " << what << Qt::endl;
            opening.step(what);
        });
        const Status opened = m_store->open(*location);
        m_store->database().setProgress({});
        opening.finish();
        storeOpen = opened.ok();
        if (!opened)
            dbProblem = opened.errorText();
        else
            openedNote = m_store->database().openedNote(location->display());
        if (opened && !m_store->database().backupPath().isEmpty())
            backupNote = QApplication::translate("GuiApp", "Migrated a database written by the seed scripts; the original is saved as %1")
                             .arg(m_store->database().backupPath());
    }
    if (storeOpen && demo) {
        // The demo's history is a picture, not a record: a part that cannot be written leaves
        // the sample thinner, which the demo can live with.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const AuditEntry &e : DemoData::auditHistory(now)) {
            if (const Status s = m_store->audit().append(e); !s)
                err << "orteam: demo audit history: " << s.errorText() << Qt::endl;
        }
        DemoData::seedStore(*m_store, m_fake->keys(), m_demoHistory, now, m_demoActivity, m_demoKeyActivity);
        for (const DemoData::DemoDestination &dd : DemoData::notifyDestinations(m_fake->baseUrl())) {
            if (const Status s = m_store->notify().saveDestination(dd.destination); !s)
                err << "orteam: demo destination: " << s.errorText() << Qt::endl;
            m_secrets->write(dd.destination.secretName(), dd.secret.toJson(), m_secrets.get(), [](const SecretStore::Result &) {});
        }
    }
    // Keys work without a database; their changes are audited when there is one.
    m_keys = std::make_unique<KeyListController>(m_client.get(), storeOpen ? m_store.get() : nullptr);
    if (storeOpen) {
        m_jobs = std::make_unique<JobQueue>(m_store.get());
        m_audit = std::make_unique<AuditLogController>(m_store.get(), m_jobs.get());
        m_team = std::make_unique<TeamController>(m_store.get(), m_client.get(), m_keys.get(), m_jobs.get());
        m_spend = std::make_unique<SpendController>(m_store.get(), m_keys.get());
        // The Spend page reads what the team controller has just written.
        QObject::connect(m_team.get(), &TeamController::changed, m_spend.get(), &SpendController::refresh);
        m_activitySync = std::make_unique<ActivitySync>(m_store.get(), m_client.get(), m_keys.get(), m_jobs.get());
        QObject::connect(m_activitySync.get(), &ActivitySync::finished, m_spend.get(), [this](bool ok) {
            if (ok)
                m_spend->refresh();
        });
    }
    // Key hygiene with or without a team database (without one: counters-only findings).
    m_hygiene = std::make_unique<HygieneController>(m_keys.get(), m_client.get(), storeOpen ? m_store.get() : nullptr, m_team.get(),
                                                    m_jobs.get());
    m_window = std::make_unique<MainWindow>(m_keys.get(), m_connection.get(), m_audit.get(), m_team.get(), m_spend.get(),
                                            m_hygiene.get());
    if (m_activitySync)
        m_window->setActivitySync(m_activitySync.get());
    if (storeOpen) {
        // Alerts and reports leave from here too (and from `orteam-cli notify run`). The demo
        // reads no ORTEAM_NOTIFY_SECRET_* variable: one set for real use must never carry the
        // sample team's alerts to a real channel.
        m_notify = std::make_unique<NotifyController>(m_store.get(), m_secrets.get(),
                                                      demo ? QHash<QString, QString>() : NotifySecrets::processEnvironment(),
                                                      &m_network, m_spend.get());
        m_window->setNotifications(m_notify.get());
    }
    if (!openedNote.isEmpty() && !demo) {
        err << "orteam: " << openedNote << Qt::endl;
        // An emptied file may be a team's lost history: in view until the window closes. A new
        // file where none was is the first start's usual case, said where it does not alarm.
        if (m_store->database().wasEmptyFile())
            m_window->showDatabaseProblem(openedNote);
        else
            m_window->statusBar()->showMessage(openedNote);
    }
    if (!backupNote.isEmpty()) {
        // Where the untouched original went is worth keeping in view until something replaces it.
        err << "orteam: " << backupNote << Qt::endl;
        m_window->statusBar()->showMessage(backupNote);
    }
    if (!m_audit) {
        // In the window for as long as it is open, and on stderr: a --page or --screenshot the
        // database would have served fails for this reason, not an unknown page.
        const QString problem = dbProblem + u" Keys still work; the team, spend and the audit log are off until the database opens."_s;
        m_window->showDatabaseProblem(problem);
        err << "orteam: " << problem << Qt::endl;
    }
    // The demo from the welcome page runs as its own process: its sample team lives in its own
    // in-memory database and can never mix with this installation's real one.
    QObject::connect(m_window.get(), &MainWindow::demoRequested, m_window.get(), [] {
        if (!QProcess::startDetached(QCoreApplication::applicationFilePath(), {u"--demo"_s}))
            QTextStream(stderr) << "orteam: cannot start the demo" << Qt::endl;
    });

    // The view as it was left with this database; never for a screenshot, which must look the
    // same on every machine (the README's pictures come from it).
    if (!parser.isSet(screenshotOption))
        m_window->rememberView(m_settings.get(), location ? location->display() : m_settings->database());

    const QString page = parser.value(pageOption);
    if (!page.isEmpty() && !m_window->showPage(page)) {
        err << "orteam: unknown page \"" << page << "\"; pages: " << m_window->pageNames().join(u", "_s) << Qt::endl;
        return 2;
    }
    if (size)
        m_window->resize(*size); // never below the window's minimum: what does not fit shows as such
    m_window->show();

    if (demo) {
        m_connection->useDemo(m_fake->baseUrl(), m_fake->managementKey());
    } else {
        QString key = qEnvironmentVariable("OPENROUTER_MGMT_KEY");
        m_connection->setEnvironment(key, baseUrlText);
        key.fill(u'\0');
        m_connection->start();
    }

    if (parser.isSet(screenshotOption))
        return takeScreenshot(parser.value(screenshotOption), page);
    return QApplication::exec();
}

int GuiApp::takeScreenshot(const QString &file, const QString &page)
{
    // Wait for the first load, whatever its outcome, so the picture shows data, the error, or
    // the welcome page.
    QEventLoop loop;
    bool loaded = false;
    QObject::connect(m_window.get(), &MainWindow::firstLoadFinished, &loop, [&] {
        loaded = true;
        loop.quit();
    });
    QTimer::singleShot(20'000, &loop, &QEventLoop::quit);
    loop.exec();
    QTextStream err(stderr);
    if (!loaded) {
        err << "orteam: no data after 20 s; no screenshot taken" << Qt::endl;
        return 1;
    }
    // An activity sync started by that load is part of the picture too (its progress bar is
    // not): wait for it, as a person looking at the window would.
    if (m_activitySync && m_activitySync->isRunning()) {
        QEventLoop syncLoop;
        QObject::connect(m_activitySync.get(), &ActivitySync::finished, &syncLoop, &QEventLoop::quit);
        QTimer::singleShot(20'000, &syncLoop, &QEventLoop::quit);
        syncLoop.exec();
    }
    // So are the alerts the load raised, delivered (on loopback in the demo) by then.
    QApplication::processEvents();
    if (m_notify) {
        QEventLoop sendLoop;
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &sendLoop, [&] {
            if (!m_notify->isDelivering())
                sendLoop.quit();
        });
        poll.start(50);
        QTimer::singleShot(10'000, &sendLoop, &QEventLoop::quit);
        sendLoop.exec();
    }
    // Once loaded, the view may be read-only: a page it leaves out is not pictured (it would show
    // controls nobody in that view has), the one the window shows is, and that is said.
    if (!page.isEmpty() && !m_window->showListedPage(page))
        err << "orteam: the " << page << " page is not part of this view; pictured instead: " << m_window->currentPage() << Qt::endl;
    QApplication::processEvents();
    // A page that asks OpenRouter when first shown (Workspaces) is pictured with its answer.
    if (WorkspaceController *workspaces = m_window->workspaces(); workspaces && workspaces->isBusy()) {
        QEventLoop listLoop;
        QObject::connect(workspaces, &WorkspaceController::busyChanged, &listLoop, &QEventLoop::quit);
        QTimer::singleShot(10'000, &listLoop, &QEventLoop::quit);
        listLoop.exec();
        QApplication::processEvents();
    }
    const QPixmap pixmap = m_window->grab();
    if (!pixmap.save(file, "PNG")) {
        err << "orteam: cannot write " << file << Qt::endl;
        return 1;
    }
    return 0;
}

} // namespace orteam
