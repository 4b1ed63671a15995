// The Notifications page driven like a person would, offscreen, on a real SQLite file: a
// destination added through the dialog (bad values refused in the dialog, the secret in the
// keychain and never in the database), "Send test" to a real loopback HTTP server that records
// what Slack would receive, removal only after a confirmation, a destination that keeps failing
// named in the window's banner, the team alert settings saved and read back, and a failed read
// shown as an error, never as an empty table.
#include "GuiTest.h"
#include "AppSettings.h"
#include "ConnectionManager.h"
#include "DestinationDialog.h"
#include "ErrorBanner.h"
#include "KeyListController.h"
#include "MainWindow.h"
#include "MessageBox.h"
#include "NotificationsPage.h"
#include "NotifyController.h"
#include "NotifyService.h"
#include "OpenRouterClient.h"
#include "SecretStore.h"
#include "Store.h"
#include "Translations.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QScrollBar>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextBrowser>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
// A webhook receiver on loopback: records each request's body and answers with `status`.
class Receiver : public QObject
{
public:
    int status = 200;
    QList<QByteArray> bodies;

    Receiver()
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    *buffer += socket->readAll();
                    const qsizetype headEnd = buffer->indexOf("\r\n\r\n");
                    if (headEnd < 0)
                        return;
                    qsizetype length = 0;
                    for (const QByteArray &line : buffer->left(headEnd).split('\n')) {
                        if (line.toLower().startsWith("content-length:"))
                            length = line.mid(15).trimmed().toLongLong();
                    }
                    if (buffer->size() < headEnd + 4 + length)
                        return;
                    bodies << buffer->mid(headEnd + 4, length);
                    socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    QString url(const QString &path) const { return u"http://127.0.0.1:%1%2"_s.arg(m_server.serverPort()).arg(path); }

private:
    QTcpServer m_server;
};
} // namespace

class TestNotificationsPage : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<MemorySecretStore> m_secrets;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<KeyListController> m_keys;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<NotifyController> m_notify;
    std::unique_ptr<MainWindow> m_window;

    template<typename T>
    T *find(const char *name, QObject *root = nullptr)
    {
        return GuiTest::find<T>(root ? root : m_window.get(), name);
    }
    NotificationsPage *page() { return m_window->notificationsPage(); }

    DestinationDialog *openAddDialog()
    {
        find<QPushButton>("addDestinationButton")->click();
        return GuiTest::waitFor<DestinationDialog>(m_window.get(), "destinationDialog");
    }
    // Adds a Slack destination through the dialog, its webhook URL `url`.
    void addSlack(const QString &id, const QString &name, const QString &url)
    {
        DestinationDialog *dialog = openAddDialog();
        QVERIFY(dialog);
        find<QLineEdit>("destinationIdLineEdit", dialog)->setText(id);
        find<QLineEdit>("destinationNameLineEdit", dialog)->setText(name);
        find<QLineEdit>("webhookUrlLineEdit", dialog)->setText(url);
        find<QPushButton>("destinationSaveButton", dialog)->click();
        QTRY_VERIFY(!m_window->findChild<DestinationDialog *>(u"destinationDialog"_s));
    }
    void selectDestination(const QString &name)
    {
        QTableView *t = page()->destinationsTable();
        for (int r = 0; r < t->model()->rowCount(); ++r) {
            if (t->model()->index(r, NotificationsPage::NameColumn).data().toString() == name) {
                t->selectRow(r);
                return;
            }
        }
        QFAIL(qPrintable(u"no destination "_s + name));
    }
    QString destinationCell(const QString &name, int column)
    {
        QTableView *t = page()->destinationsTable();
        for (int r = 0; r < t->model()->rowCount(); ++r) {
            if (t->model()->index(r, NotificationsPage::NameColumn).data().toString() == name)
                return t->model()->index(r, column).data().toString();
        }
        return u"<no row>"_s;
    }
    // Every byte the database keeps on disk (the file and its journal).
    QByteArray databaseBytes()
    {
        QByteArray all;
        QDirIterator it(m_dir->path());
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.fileName().contains(u"team.db"_s) && f.open(QIODevice::ReadOnly))
                all += f.readAll();
        }
        return all;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        installTranslations(qApp);
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<Store>();
        QString error;
        const Status opened = m_store->open(*DbLocation::parse(m_dir->filePath(u"team.db"_s), &error));
        QVERIFY2(opened, qPrintable(opened.errorText()));
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<OpenRouterClient>(m_nam.get());
        m_secrets = std::make_unique<MemorySecretStore>();
        m_settings = std::make_unique<AppSettings>(m_dir->filePath(u"orteam.conf"_s));
        m_connection = std::make_unique<ConnectionManager>(m_client.get(), m_secrets.get(), m_settings.get());
        m_keys = std::make_unique<KeyListController>(m_client.get(), m_store.get());
        m_notify = std::make_unique<NotifyController>(m_store.get(), m_secrets.get(), QHash<QString, QString>(), m_nam.get(), nullptr);
        m_notify->setInterval(0); // the test says when to send
        m_notify->setTimeoutMs(5000);
        m_window = std::make_unique<MainWindow>(m_keys.get(), m_connection.get());
        m_window->setNotifications(m_notify.get());
        m_window->show();
        QVERIFY(m_window->showPage(u"notifications"_s));
    }

    void cleanup()
    {
        m_window.reset();
        m_notify.reset();
        m_keys.reset();
        m_connection.reset();
        m_settings.reset();
        m_secrets.reset();
        m_client.reset();
        m_nam.reset();
        m_store.reset();
        m_dir.reset();
    }

    void reachedFromTheGoMenu()
    {
        // Added after the window made its menus, the page still has its Go entry and shortcut,
        // above Find.
        const qsizetype at = m_window->pageNames().indexOf(u"notifications"_s);
        QVERIFY(at >= 0 && at < 9);
        auto *go = m_window->findChild<QAction *>(u"goTo_notifications"_s);
        QVERIFY(go);
        QCOMPARE(go->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + at)));
        const QList<QAction *> menu = m_window->findChild<QMenu *>(u"goMenu"_s)->actions();
        QVERIFY(menu.indexOf(go) >= 0 && menu.indexOf(go) < menu.indexOf(m_window->findChild<QAction *>(u"findAction"_s)));
        QVERIFY(m_window->showPage(u"keys"_s));
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTest::keySequence(m_window.get(), go->shortcut());
        QCOMPARE(m_window->currentPage(), u"notifications"_s);
    }

    void addsThroughTheDialogAndKeepsTheSecretInTheKeychain()
    {
        DestinationDialog *dialog = openAddDialog();
        QVERIFY(dialog);
        auto *problem = find<QLabel>("destinationProblemLabel", dialog);
        auto *save = find<QPushButton>("destinationSaveButton", dialog);
        // The preview is there before anything is typed: the sample alert as Slack shows it.
        QVERIFY(dialog->preview()->toPlainText().contains(u"Jamal is at 80% of their daily budget"_s));
        find<QLineEdit>("destinationIdLineEdit", dialog)->setText(u"Team Slack!"_s);
        find<QLineEdit>("destinationNameLineEdit", dialog)->setText(u"Team Slack"_s);
        save->click();
        QVERIFY(problem->isVisible());
        QVERIFY2(problem->text().contains(u"id"_s), qPrintable(problem->text()));
        find<QLineEdit>("destinationIdLineEdit", dialog)->setText(u"team-slack"_s);
        find<QLineEdit>("webhookUrlLineEdit", dialog)->setText(u"ftp://hooks.example.com/x"_s);
        save->click();
        QVERIFY2(problem->text().contains(u"http(s)"_s), qPrintable(problem->text()));
        QVERIFY(GuiTest::must(m_store->notify().destinations()).isEmpty());
        QCOMPARE(find<QLineEdit>("webhookUrlLineEdit", dialog)->echoMode(), QLineEdit::Password);

        const QString url = u"https://hooks.slack.example/services/T000/B000/SECRETTOKEN42"_s;
        find<QLineEdit>("webhookUrlLineEdit", dialog)->setText(url);
        find<QCheckBox>("weeklyReportCheckBox", dialog)->setChecked(true);
        save->click();
        QTRY_VERIFY(!m_window->findChild<DestinationDialog *>(u"destinationDialog"_s));

        const QList<Destination> saved = GuiTest::must(m_store->notify().destinations());
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved.first().id, u"team-slack"_s);
        QCOMPARE(saved.first().kind, Destination::Kind::Slack);
        QVERIFY(saved.first().weeklyReport);
        QCOMPARE(saved.first().alertKinds, allAlertKinds());
        QVERIFY(m_secrets->contents().value(u"notify/team-slack"_s).contains(url));
        QVERIFY(!databaseBytes().contains("SECRETTOKEN42"));
        QCOMPARE(destinationCell(u"Team Slack"_s, NotificationsPage::KindColumn), u"Slack"_s);
        QCOMPARE(destinationCell(u"Team Slack"_s, NotificationsPage::StatusColumn), u"Nothing sent yet"_s);

        // Edit: the secret is not shown back, and an empty field keeps it.
        selectDestination(u"Team Slack"_s);
        find<QPushButton>("editDestinationButton")->click();
        dialog = GuiTest::waitFor<DestinationDialog>(m_window.get(), "destinationDialog");
        QVERIFY(dialog);
        QVERIFY(find<QLineEdit>("webhookUrlLineEdit", dialog)->text().isEmpty());
        QVERIFY(!find<QLineEdit>("destinationIdLineEdit", dialog)->isEnabled());
        find<QLineEdit>("destinationNameLineEdit", dialog)->setText(u"#spend"_s);
        find<QPushButton>("destinationSaveButton", dialog)->click();
        QTRY_VERIFY(!m_window->findChild<DestinationDialog *>(u"destinationDialog"_s));
        QCOMPARE(GuiTest::must(m_store->notify().destinations()).first().name, u"#spend"_s);
        QVERIFY(m_secrets->contents().value(u"notify/team-slack"_s).contains(url));
        // Both recorded, with what changed and never the secret.
        const QList<AuditEntry> log = GuiTest::must(m_store->audit().log());
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).action, u"destination"_s);
        QCOMPARE(log.at(0).target, u"team-slack"_s);
        QVERIFY2(log.at(0).before.contains(u"\"Team Slack\""_s) && log.at(0).after.contains(u"\"#spend\""_s), qPrintable(log.at(0).after));
        QVERIFY(log.at(1).before.isEmpty());
        for (const AuditEntry &e : log)
            QVERIFY(!QString(e.before + e.after).contains(u"SECRETTOKEN42"_s));

        // A new webhook URL alone sends every alert elsewhere: recorded, without the URL.
        selectDestination(u"#spend"_s);
        find<QPushButton>("editDestinationButton")->click();
        dialog = GuiTest::waitFor<DestinationDialog>(m_window.get(), "destinationDialog");
        QVERIFY(dialog);
        find<QLineEdit>("webhookUrlLineEdit", dialog)->setText(u"https://hooks.slack.example/services/T000/B000/OTHERTOKEN77"_s);
        find<QPushButton>("destinationSaveButton", dialog)->click();
        QTRY_VERIFY(!m_window->findChild<DestinationDialog *>(u"destinationDialog"_s));
        const AuditEntry replaced = GuiTest::must(m_store->audit().log()).first();
        QCOMPARE(replaced.target, u"team-slack"_s);
        QCOMPARE(replaced.after, u"secret replaced (in the keychain)"_s);
        QVERIFY(m_secrets->contents().value(u"notify/team-slack"_s).contains(u"OTHERTOKEN77"_s));
    }

    void emailPreviewAndFields()
    {
        DestinationDialog *dialog = openAddDialog();
        QVERIFY(dialog);
        auto *kind = find<QComboBox>("destinationKindComboBox", dialog);
        kind->setCurrentIndex(kind->findData(int(Destination::Kind::Email)));
        QVERIFY(find<QLineEdit>("smtpHostLineEdit", dialog)->isVisibleTo(dialog));
        QVERIFY(!find<QLineEdit>("webhookUrlLineEdit", dialog)->isVisibleTo(dialog));
        find<QLineEdit>("destinationIdLineEdit", dialog)->setText(u"lead-email"_s);
        find<QLineEdit>("destinationNameLineEdit", dialog)->setText(u"Team lead"_s);
        find<QLineEdit>("smtpHostLineEdit", dialog)->setText(u"smtp.example.com"_s);
        find<QLineEdit>("emailFromLineEdit", dialog)->setText(u"orteam@example.com"_s);
        find<QLineEdit>("emailToLineEdit", dialog)->setText(u"lead@example.com"_s);
        const QString text = dialog->preview()->toPlainText();
        QVERIFY2(text.contains(u"Subject:"_s) && text.contains(u"lead@example.com"_s), qPrintable(text));
        QVERIFY(text.contains(u"Jamal is at 80% of his daily budget"_s));
        GuiTest::snapshot(dialog, "destination-email");
        find<QRadioButton>("previewReportRadioButton", dialog)->setChecked(true);
        QVERIFY(dialog->preview()->toPlainText().contains(u"jamal"_s));
        GuiTest::snapshot(dialog, "notify-email"); // the README's picture of an email
        // A user without a password is refused in the dialog.
        find<QLineEdit>("smtpUserLineEdit", dialog)->setText(u"orteam"_s);
        find<QPushButton>("destinationSaveButton", dialog)->click();
        QVERIFY(find<QLabel>("destinationProblemLabel", dialog)->text().contains(u"password"_s));
        find<QLineEdit>("smtpPasswordLineEdit", dialog)->setText(u"hunter2-smtp"_s);
        find<QPushButton>("destinationSaveButton", dialog)->click();
        QTRY_VERIFY(!m_window->findChild<DestinationDialog *>(u"destinationDialog"_s));
        QVERIFY(m_secrets->contents().value(u"notify/lead-email"_s).contains(u"hunter2-smtp"_s));
        QVERIFY(!databaseBytes().contains("hunter2-smtp"));
    }

    void slackPreviewRendersBlocks()
    {
        DestinationDialog *dialog = openAddDialog();
        QVERIFY(dialog);
        find<QLineEdit>("destinationIdLineEdit", dialog)->setText(u"team-slack"_s);
        find<QLineEdit>("destinationNameLineEdit", dialog)->setText(u"#team-spend"_s);
        find<QLineEdit>("webhookUrlLineEdit", dialog)->setText(u"https://hooks.slack.com/services/T000/B000/XXXX"_s);
        find<QCheckBox>("weeklyReportCheckBox", dialog)->setChecked(true);
        GuiTest::snapshot(dialog, "notify-slack"); // the README's picture of a Slack message
        find<QRadioButton>("previewReportRadioButton", dialog)->setChecked(true);
        const QString html = dialog->preview()->toHtml();
        // The report's table is Slack's code block: monospace.
        QVERIFY(html.contains(u"monospace"_s));
        QVERIFY(dialog->preview()->toPlainText().contains(u"jamal"_s));
        GuiTest::snapshot(dialog, "destination-slack-report");
        auto *kind = find<QComboBox>("destinationKindComboBox", dialog);
        kind->setCurrentIndex(kind->findData(int(Destination::Kind::Teams)));
        QVERIFY(dialog->preview()->toPlainText().contains(u"jamal"_s)); // the card's facts
        GuiTest::snapshot(dialog, "destination-teams-report");
        kind->setCurrentIndex(kind->findData(int(Destination::Kind::Webhook)));
        QVERIFY(find<QLineEdit>("signingKeyLineEdit", dialog)->isVisibleTo(dialog));
        QVERIFY(dialog->preview()->toPlainText().contains(u"\"event\": \"report\""_s));
        find<QPushButton>("generateSigningKeyButton", dialog)->click();
        QVERIFY(find<QLineEdit>("signingKeyLineEdit", dialog)->text().size() >= 40);
        dialog->reject();
    }

    void sendTestPostsSlacksShape()
    {
        Receiver receiver;
        addSlack(u"loop"_s, u"Loopback"_s, receiver.url(u"/services/T1/B1/token"_s));
        selectDestination(u"Loopback"_s);
        find<QPushButton>("sendTestButton")->click();
        auto *answer = find<QLabel>("sendTestAnswerLabel");
        QTRY_VERIFY_WITH_TIMEOUT(answer->text().contains(u"took the test message"_s), 10'000);
        QCOMPARE(receiver.bodies.size(), 1);
        const QJsonObject body = QJsonDocument::fromJson(receiver.bodies.first()).object();
        QVERIFY(body.value("text"_L1).toString().contains(u"orteam test message"_s));
        const QJsonArray blocks = body.value("blocks"_L1).toArray();
        QVERIFY(blocks.size() >= 2);
        QCOMPARE(blocks.first().toObject().value("type"_L1).toString(), u"header"_s);
        QCOMPARE(blocks.at(1).toObject().value("text"_L1).toObject().value("type"_L1).toString(), u"mrkdwn"_s);

        receiver.status = 404;
        find<QPushButton>("sendTestButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!answer->text().startsWith(u"Sending"_s), 10'000);
        QVERIFY2(!answer->text().contains(u"took"_s), qPrintable(answer->text()));
        QVERIFY2(!answer->text().contains(u"token"_s), qPrintable(answer->text())); // the URL is a password
    }

    // A destination whose secret cannot be read here sends nothing and no attempt fails: the page
    // says so, as orteam-cli notify status does, and says it no more once the secret is back.
    void aDestinationWithoutAReadableSecretShowsFailing()
    {
        addSlack(u"team-slack"_s, u"Team Slack"_s, u"https://hooks.example.com/x"_s);
        QTRY_COMPARE(destinationCell(u"Team Slack"_s, NotificationsPage::StatusColumn), u"Nothing sent yet"_s);
        m_secrets->setAvailable(false);
        m_notify->checkSecrets(); // what Refresh (F5) does
        QTRY_VERIFY2(destinationCell(u"Team Slack"_s, NotificationsPage::StatusColumn).startsWith(u"Failing: no secret here"_s),
                     qPrintable(destinationCell(u"Team Slack"_s, NotificationsPage::StatusColumn)));
        // The dashboard's banner names it too, as orteam-cli notify status does.
        QTRY_VERIFY(!m_window->notifyBanner()->isHidden());
        m_secrets->setAvailable(true);
        m_notify->checkSecrets();
        QTRY_COMPARE(destinationCell(u"Team Slack"_s, NotificationsPage::StatusColumn), u"Nothing sent yet"_s);
        QTRY_VERIFY(m_window->notifyBanner()->isHidden());
    }

    void removeAsksFirst()
    {
        addSlack(u"doomed"_s, u"Doomed"_s, u"https://hooks.example.com/x"_s);
        selectDestination(u"Doomed"_s);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        find<QPushButton>("removeDestinationButton")->click();
        QVERIFY(MessageBox::lastText().contains(u"Remove Doomed"_s));
        QCOMPARE(GuiTest::must(m_store->notify().destinations()).size(), 1);
        MessageBox::setNextAnswer(QMessageBox::Yes);
        find<QPushButton>("removeDestinationButton")->click();
        QVERIFY(GuiTest::must(m_store->notify().destinations()).isEmpty());
        QCOMPARE(GuiTest::must(m_store->audit().log()).first().after, u"removed"_s);
        QTRY_VERIFY(!m_secrets->contents().contains(u"notify/doomed"_s));
        QCOMPARE(page()->destinationsTable()->model()->rowCount(), 0);
    }

    void failingDestinationShowsTheBanner()
    {
        Receiver receiver;
        receiver.status = 500;
        addSlack(u"flaky"_s, u"Flaky Slack"_s, receiver.url(u"/hook"_s));
        QVERIFY(m_window->notifyBanner()->isHidden());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        NotifyMessage m = alertMessage(DestinationDialog::sampleAlert(), now);
        QVERIFY(GuiTest::must(m_store->notify().enqueue(u"flaky"_s, m, now, now)));
        m_notify->runNow();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->notifyBanner()->isHidden(), 10'000);
        QVERIFY2(m_window->notifyBanner()->message().contains(u"Flaky Slack"_s), qPrintable(m_window->notifyBanner()->message()));
        QVERIFY(destinationCell(u"Flaky Slack"_s, NotificationsPage::StatusColumn).startsWith(u"Failing since"_s));
        QCOMPARE(receiver.bodies.size(), 1);
        // The outbox shows it, waiting for its next attempt.
        QTableView *outbox = page()->outboxTable();
        QCOMPARE(outbox->model()->rowCount(), 1);
        QCOMPARE(outbox->model()->index(0, NotificationsPage::StateColumn).data().toString(), u"pending"_s);
        QCOMPARE(outbox->model()->index(0, NotificationsPage::AttemptsColumn).data().toString(), u"1"_s);
        outbox->selectRow(0);
        QVERIFY(!find<QPushButton>("sendAgainButton")->isEnabled()); // only failed or unknown ones

        // Its retry, due after the backoff, gets through: the banner goes.
        receiver.status = 200;
        m_notify->setClock([now] { return now.addSecs(3600); });
        m_notify->runNow();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->notifyBanner()->isHidden(), 10'000);
        QCOMPARE(receiver.bodies.size(), 2);
        QCOMPARE(destinationCell(u"Flaky Slack"_s, NotificationsPage::StatusColumn), u"OK"_s);
    }

    void sendAgainRetriesAGivenUpMessage()
    {
        Receiver receiver;
        addSlack(u"again"_s, u"Again"_s, receiver.url(u"/hook"_s));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(GuiTest::must(m_store->notify().enqueue(u"again"_s, alertMessage(DestinationDialog::sampleAlert(), now), now, now)));
        const OutboxItem item = GuiTest::must(m_store->notify().recent(1)).first();
        QVERIFY(GuiTest::must(m_store->notify().claim(item, now.addSecs(60)))); // as a sender would, then gives up
        QVERIFY(GuiTest::must(m_store->notify().markFailed(item.id, 1, u"refused"_s, std::nullopt)));
        page()->reload();
        QTableView *outbox = page()->outboxTable();
        QCOMPARE(outbox->model()->index(0, NotificationsPage::StateColumn).data().toString(), u"failed"_s);
        outbox->selectRow(0);
        auto *again = find<QPushButton>("sendAgainButton");
        QVERIFY(again->isEnabled());
        again->click();
        QTRY_COMPARE_WITH_TIMEOUT(outbox->model()->index(0, NotificationsPage::StateColumn).data().toString(), u"sent"_s, 10'000);
        QCOMPARE(receiver.bodies.size(), 1);
    }

    void everyMessageColumnIsInSightAt1280()
    {
        // A long title (a calendar report's) and a long error at the usual 1280 x 800: the title
        // gives way (elided, whole in its tooltip), and the attempts and the last error stay in
        // the table's view beside the alert settings, with no sideways scrolling.
        addSlack(u"wide"_s, u"Wide"_s, u"https://hooks.slack.com/services/T/B/x"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        NotifyMessage message = alertMessage(DestinationDialog::sampleAlert(), now);
        message.title = u"orteam: Calendar month report, November 2026 to date: 2026-11-01 to 2026-11-29, 29 of 30 days (UTC)"_s;
        QVERIFY(GuiTest::must(m_store->notify().enqueue(u"wide"_s, message, now, now)));
        const OutboxItem item = GuiTest::must(m_store->notify().recent(1)).first();
        QVERIFY(GuiTest::must(m_store->notify().claim(item, now.addSecs(60))));
        QVERIFY(GuiTest::must(m_store->notify().markFailed(item.id, 1, u"Cannot reach hooks.slack.com: connection refused"_s, std::nullopt)));
        // The page as it stands in a 1280-wide window, beside the 150-pixel page list (the
        // window here shows its welcome, having no key).
        NotificationsPage standalone(m_notify.get());
        standalone.resize(1280 - 160, 800 - 140);
        standalone.show();
        QVERIFY(QTest::qWaitForWindowExposed(&standalone));
        standalone.reload();
        QTableView *outbox = standalone.outboxTable();
        QTRY_VERIFY(outbox->model()->rowCount() == 1);
        QCoreApplication::processEvents();
        const int viewport = outbox->viewport()->width();
        for (const int column : {int(NotificationsPage::StateColumn), int(NotificationsPage::AttemptsColumn), int(NotificationsPage::ErrorColumn)}) {
            const int right = outbox->columnViewportPosition(column) + outbox->columnWidth(column);
            QVERIFY2(outbox->columnWidth(column) > 20 && right <= viewport,
                     qPrintable(u"column %1 ends at %2 of %3"_s.arg(column).arg(right).arg(viewport)));
        }
        QVERIFY(!outbox->horizontalScrollBar()->isVisible());
        const QModelIndex title = outbox->model()->index(0, NotificationsPage::TitleColumn);
        QCOMPARE(title.data(Qt::ToolTipRole).toString(), message.title);
    }

    void settingsRoundTrip()
    {
        find<QLineEdit>("alertThresholdsLineEdit")->setText(u"50,80,100"_s);
        find<QLineEdit>("teamDailyBudgetLineEdit")->setText(u"25"_s);
        find<QLineEdit>("teamMonthlyBudgetLineEdit")->setText(u"$500"_s);
        find<QSpinBox>("creditsWarnDaysSpinBox")->setValue(10);
        find<QPushButton>("saveAlertSettingsButton")->click();
        AlertSettings s = GuiTest::must(m_store->notify().alertSettings());
        QCOMPARE(s.budgetThresholds, (QList<int>{50, 80, 100}));
        QCOMPARE(s.teamDailyBudget, std::optional<double>(25));
        QCOMPARE(s.teamMonthlyBudget, std::optional<double>(500));
        QCOMPARE(s.creditsWarnDays, 10);
        const AuditEntry logged = GuiTest::must(m_store->audit().log()).first();
        QCOMPARE(logged.target, u"alerts"_s);
        QCOMPARE(logged.after, u"thresholds 50%, 80%, 100%; team daily budget $25.00; team monthly budget $500.00; "
                               "credits warning under 10 days left"_s);

        find<QLineEdit>("alertThresholdsLineEdit")->setText(u"fifty"_s);
        find<QLineEdit>("teamDailyBudgetLineEdit")->clear();
        find<QPushButton>("saveAlertSettingsButton")->click();
        QVERIFY(!find<QLabel>("alertSettingsAnswerLabel")->text().contains(u"Saved"_s));
        QCOMPARE(GuiTest::must(m_store->notify().alertSettings()).budgetThresholds, (QList<int>{50, 80, 100}));

        // A new page reads what was saved.
        NotificationsPage again(m_notify.get());
        QCOMPARE(find<QLineEdit>("alertThresholdsLineEdit", &again)->text(), u"50,80,100"_s);
        QCOMPARE(find<QLineEdit>("teamMonthlyBudgetLineEdit", &again)->text(), u"500"_s);
    }

    void aFailedReadIsAnErrorNotAnEmptyTable()
    {
        addSlack(u"kept"_s, u"Kept"_s, u"https://hooks.example.com/x"_s);
        {
            QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"breaker"_s);
            other.setDatabaseName(m_dir->filePath(u"team.db"_s));
            QVERIFY(other.open());
            QVERIFY(QSqlQuery(other).exec(u"ALTER TABLE notify_outbox RENAME TO notify_outbox_gone"_s));
            other.close();
        }
        QSqlDatabase::removeDatabase(u"breaker"_s);
        page()->reload();
        auto *problem = find<QLabel>("notifyReadProblemLabel");
        QVERIFY(!problem->isHidden()); // the window shows its welcome page (no key), so "not hidden"
        QVERIFY(problem->text().startsWith(u"Cannot read the notifications"_s));
        QVERIFY(!page()->destinationsTable()->isEnabled());
        QVERIFY(!find<QPushButton>("addDestinationButton")->isEnabled());
    }

    void everyWidgetHasAnObjectName()
    {
        DestinationDialog *dialog = openAddDialog();
        QVERIFY(dialog);
        for (QWidget *root : {static_cast<QWidget *>(page()), static_cast<QWidget *>(dialog)}) {
            for (QWidget *w : root->findChildren<QWidget *>()) {
                if (w->objectName().isEmpty() && !w->inherits("QScrollBar") && !w->inherits("QHeaderView")
                    && !w->inherits("QFocusFrame") && w->parentWidget() && !w->parentWidget()->inherits("QAbstractScrollArea")
                    && !w->parentWidget()->inherits("QAbstractSpinBox") && !w->inherits("QLineEditIconButton")
                    && !w->inherits("QTableCornerButton") && !w->inherits("QComboBoxPrivateContainer")
                    && !w->parentWidget()->inherits("QComboBoxPrivateContainer") && !w->inherits("QCalendarPopup"))
                    QFAIL(qPrintable(u"unnamed widget of class "_s + QString::fromLatin1(w->metaObject()->className()) + u" in "_s
                                     + root->objectName()));
            }
        }
        dialog->reject();
    }
};

QTEST_MAIN(TestNotificationsPage)
#include "tst_notificationspage.moc"
