// The Hygiene page driven like a person would, offscreen, against the fake OpenRouter and a real
// SQLite file with a known set of keys: the findings per rule, a bulk revoke (DELETEs and audit
// entries), a rotation from the Keys page whose schedule the dashboard's refresh carries out on
// the right days (and never against an admin who re-enabled the key), and an assessment whose read
// fails showing an error, never an empty list.
#include "GuiTest.h"
#include "Translations.h"
#include "AppSettings.h"
#include "Audit.h"
#include "AuditLog.h"
#include "ConnectionManager.h"
#include "FakeOpenRouter.h"
#include "HygieneController.h"
#include "HygienePage.h"
#include "JobQueue.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "KeysPage.h"
#include "MainWindow.h"
#include "MessageBox.h"
#include "OpenRouterClient.h"
#include "SecretStore.h"
#include "Store.h"
#include "TeamController.h"
#include "TeamService.h"
#include "Theme.h"

#include <QComboBox>

#include <QApplication>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestHygienePage : public QObject
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
    std::unique_ptr<TeamController> m_team;
    std::unique_ptr<HygieneController> m_hygiene;
    std::unique_ptr<MainWindow> m_window;
    QDateTime m_now; // every controller's clock: the test moves it

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
    static void snapshot(QWidget *w, const char *name) { GuiTest::snapshot(w, name); }
    template<typename T>
    static T must(const Result<T> &r)
    {
        return GuiTest::must(r);
    }
    HygienePage *page() { return m_window->hygienePage(); }
    QTableView *table() { return page()->table(); }
    std::optional<ApiKey> fakeKeyNamed(const QString &name) { return GuiTest::fakeKeyNamed(*m_fake, name); }
    bool waitRefresh() { return GuiTest::waitRefresh(*m_keys); }
    // Picks a rule in the list by its title ("Dormant"), or "All findings".
    void chooseRule(const QString &title)
    {
        QListWidget *rules = page()->rules();
        for (int i = 0; i < rules->count(); ++i) {
            if (rules->item(i)->text().startsWith(title + u" ("_s)) {
                rules->setCurrentRow(i);
                return;
            }
        }
        QFAIL(qPrintable(u"no rule "_s + title));
    }
    QString ruleText(const QString &title)
    {
        QListWidget *rules = page()->rules();
        for (int i = 0; i < rules->count(); ++i) {
            if (rules->item(i)->text().startsWith(title + u" ("_s))
                return rules->item(i)->text();
        }
        return {};
    }
    QStringList shownKeys()
    {
        QStringList names;
        for (int r = 0; r < table()->model()->rowCount(); ++r)
            names << table()->model()->index(r, HygieneTableModel::NameColumn).data().toString();
        names.sort();
        return names;
    }
    QString cell(const QString &key, int column)
    {
        const QAbstractItemModel *m = table()->model();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, HygieneTableModel::NameColumn).data().toString() == key)
                return m->index(r, column).data().toString();
        }
        return u"<no row>"_s;
    }
    void selectOnKeysPage(const QString &name)
    {
        QTableView *keys = m_window->keysPage()->table();
        keys->clearSelection();
        for (int r = 0; r < keys->model()->rowCount(); ++r) {
            if (keys->model()->index(r, KeyTableModel::NameColumn).data().toString() == name)
                keys->selectionModel()->select(keys->model()->index(r, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }
    // Rotates `name` from the Keys page with the dialog's default (the team's grace periods).
    ApiKey rotateFromKeysPage(const QString &name)
    {
        const ApiKey old = *fakeKeyNamed(name);
        m_window->showPage(u"keys"_s);
        selectOnKeysPage(name);
        find<QAction>("rotateKeyAction")->trigger();
        auto *dialog = waitFor<QDialog>("rotateKeyDialog");
        if (!dialog)
            qFatal("no rotate dialog");
        snapshot(dialog, "rotate-key");
        if (!find<QRadioButton>("rotateScheduleRadio", dialog)->isChecked())
            qFatal("the schedule is not the default");
        QTest::mouseClick(find<QPushButton>("rotateOkButton", dialog), Qt::LeftButton);
        auto *secret = waitFor<QDialog>("secretDialog");
        if (!secret)
            qFatal("no secret shown");
        QTest::mouseClick(find<QPushButton>("secretDoneButton", secret), Qt::LeftButton);
        return old;
    }
    QList<AuditEntry> revokeEntries()
    {
        QList<AuditEntry> out;
        for (const AuditEntry &e : must(m_store->audit().log(1000))) {
            if (e.action == AuditAction::Revoke)
                out << e;
        }
        return out;
    }

    // The known account: three dormant keys (last used 40 days ago, as the snapshots show), one
    // never used, one linked to nobody, one of an offboarded member, one without a limit, and two
    // healthy ones.
    void seed()
    {
        const QDateTime now = m_now;
        auto key = [&](const QString &name, int ageDays, double usage, double today, std::optional<double> limit) {
            FakeOpenRouter::KeySeed s;
            s.name = name;
            s.createdAt = now.addDays(-ageDays);
            s.usage = usage;
            s.usageDaily = s.usageWeekly = s.usageMonthly = today;
            s.limit = limit;
            s.limitReset = limit ? LimitReset::Monthly : LimitReset::None;
            return m_fake->addKey(s);
        };
        QList<ApiKey> dormant;
        for (const QString &n : {u"dormant-a"_s, u"dormant-b"_s, u"dormant-c"_s})
            dormant << key(n, 60, 5, 0, 10);
        const ApiKey never = key(u"never"_s, 50, 0, 0, 5);
        key(u"orphan"_s, 10, 1, 1, 5);
        const ApiKey former = key(u"gone-member"_s, 10, 2, 1, 5);
        const ApiKey nolimit = key(u"nolimit"_s, 10, 2, 1, std::nullopt);
        const ApiKey healthy = key(u"healthy"_s, 10, 3, 1, 10);
        const ApiKey rotate = key(u"rotate-me"_s, 10, 3, 1, 10);
        // The dashboard synced 40 days ago: the dormant keys were used that day, never since.
        QList<ApiKey> then;
        for (ApiKey k : dormant) {
            k.usageDaily = 1;
            then << k;
        }
        QVERIFY(m_store->usage().recordKeySnapshots(then, now.addDays(-40)).ok());
        QStringList annKeys{never.hash, nolimit.hash, healthy.hash, rotate.hash};
        for (const ApiKey &k : dormant)
            annKeys << k.hash;
        QVERIFY(TeamService(*m_store).addMember({u"ann"_s, u"ann@example.com"_s, u"free"_s, std::nullopt, true, annKeys}).ok());
        QVERIFY(TeamService(*m_store).addMember({u"bob"_s, u"bob@example.com"_s, u"free"_s, std::nullopt, false, {former.hash}}).ok());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        installTranslations(qApp);
    }

    void init()
    {
        m_now = QDateTime::currentDateTimeUtc();
        m_dir = std::make_unique<QTemporaryDir>();
        m_fake = std::make_unique<FakeOpenRouter>();
        m_store = std::make_unique<Store>();
        QString error;
        const Status opened = m_store->open(*DbLocation::parse(m_dir->filePath(u"team.db"_s), &error));
        QVERIFY2(opened, qPrintable(opened.errorText()));
        seed();
        QVERIFY(m_fake->start());
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<OpenRouterClient>(m_nam.get());
        OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
        s.maxRetries = 0;
        m_client->setSettings(s);
        m_secrets = std::make_unique<MemorySecretStore>();
        m_settings = std::make_unique<AppSettings>(m_dir->filePath(u"orteam.conf"_s));
        m_settings->setBaseUrl(m_fake->baseUrl());
        m_connection = std::make_unique<ConnectionManager>(m_client.get(), m_secrets.get(), m_settings.get());
        m_connection->setEnvironment(m_fake->managementKey(), QString());
        m_keys = std::make_unique<KeyListController>(m_client.get(), m_store.get());
        m_keys->setClock([this] { return m_now; });
        m_jobs = std::make_unique<JobQueue>(m_store.get());
        m_audit = std::make_unique<AuditLogController>(m_store.get(), m_jobs.get());
        m_team = std::make_unique<TeamController>(m_store.get(), m_client.get(), m_keys.get(), m_jobs.get());
        m_team->setClock([this] { return m_now; });
        // Reads on this thread (no job queue), so the database's fault injector reaches them.
        m_hygiene = std::make_unique<HygieneController>(m_keys.get(), m_client.get(), m_store.get(), m_team.get());
        m_hygiene->setClock([this] { return m_now; });
        m_window = std::make_unique<MainWindow>(m_keys.get(), m_connection.get(), m_audit.get(), m_team.get(), nullptr,
                                                m_hygiene.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy loaded(m_window.get(), &MainWindow::firstLoadFinished);
        m_connection->start();
        QVERIFY(loaded.wait(10'000));
        QTRY_COMPARE(m_hygiene->state(), HygieneController::State::Ready);
        QVERIFY(m_window->showPage(u"hygiene"_s));
    }

    void cleanup()
    {
        m_window.reset();
        m_hygiene.reset();
        m_team.reset();
        m_keys.reset();
        m_audit.reset();
        m_jobs.reset();
        m_store.reset();
        m_connection.reset();
        m_client.reset();
        m_nam.reset();
        m_settings.reset();
        m_secrets.reset();
        m_fake.reset();
        m_dir.reset();
        QApplication::setPalette(QApplication::style()->standardPalette());
    }

    void everyWidgetHasAnObjectName()
    {
        auto check = [](QWidget *root) {
            for (QWidget *w : root->findChildren<QWidget *>()) {
                if (w->objectName().isEmpty() && !w->inherits("QScrollBar") && !w->inherits("QHeaderView")
                    && !w->inherits("QFocusFrame") && !w->inherits("QSplitterHandle") && w->parentWidget()
                    && !w->parentWidget()->inherits("QAbstractScrollArea") && !w->parentWidget()->inherits("QAbstractSpinBox")
                    && !w->inherits("QLineEditIconButton") && !w->inherits("QTableCornerButton")
                    && !w->inherits("QComboBoxPrivateContainer") && !w->parentWidget()->inherits("QComboBoxPrivateContainer"))
                    QFAIL(qPrintable(u"unnamed widget of class "_s + QString::fromLatin1(w->metaObject()->className())
                                     + u" in "_s + root->objectName()));
            }
            QVERIFY(!root->objectName().isEmpty());
        };
        check(page());
        // The dialogs it opens, too.
        chooseRule(u"Dormant"_s);
        page()->selectKeys({u"dormant-a"_s});
        page()->limitAction()->trigger();
        auto *limit = waitFor<QDialog>("hygieneLimitDialog");
        QVERIFY(limit);
        check(limit);
        limit->reject();
        page()->linkAction()->trigger();
        auto *link = waitFor<QDialog>("hygieneLinkDialog");
        QVERIFY(link);
        check(link);
        link->reject();
        page()->rotateAction()->trigger();
        auto *rotate = waitFor<QDialog>("rotateKeyDialog");
        QVERIFY(rotate);
        check(rotate);
        rotate->reject();
        QTest::mouseClick(find<QPushButton>("hygieneSettingsButton"), Qt::LeftButton);
        auto *settings = waitFor<QDialog>("hygieneSettingsDialog");
        QVERIFY(settings);
        check(settings);
        settings->reject();
    }

    void findingsForAKnownSetOfKeys()
    {
        QCOMPARE(ruleText(u"All findings"_s), u"All findings (7)"_s);
        QCOMPARE(ruleText(u"Dormant"_s), u"Dormant (3)"_s);
        QCOMPARE(ruleText(u"Never used"_s), u"Never used (1)"_s);
        QCOMPARE(ruleText(u"No member"_s), u"No member (1)"_s);
        QCOMPARE(ruleText(u"Owner inactive"_s), u"Owner inactive (1)"_s);
        QCOMPARE(ruleText(u"No credit limit"_s), u"No credit limit (1)"_s);
        QCOMPARE(ruleText(u"Due for rotation"_s), u"Due for rotation (0)"_s);
        QCOMPARE(ruleText(u"Duplicate name"_s), u"Duplicate name (0)"_s);
        QCOMPARE(ruleText(u"Being rotated"_s), u"Being rotated (0)"_s);
        QCOMPARE(shownKeys(), (QStringList{u"dormant-a"_s, u"dormant-b"_s, u"dormant-c"_s, u"gone-member"_s, u"never"_s,
                                           u"nolimit"_s, u"orphan"_s}));

        chooseRule(u"Dormant"_s);
        QCOMPARE(shownKeys(), (QStringList{u"dormant-a"_s, u"dormant-b"_s, u"dormant-c"_s}));
        const QString lastUse = m_now.addDays(-40).date().toString(Qt::ISODate);
        QCOMPARE(cell(u"dormant-a"_s, HygieneTableModel::LastUsedColumn), lastUse); // a real day from the snapshots
        QCOMPARE(cell(u"dormant-a"_s, HygieneTableModel::MemberColumn), u"ann"_s);
        QCOMPARE(cell(u"dormant-a"_s, HygieneTableModel::TierColumn), u"free"_s);
        QCOMPARE(cell(u"dormant-a"_s, HygieneTableModel::AgeColumn), u"60 d"_s);
        QCOMPARE(cell(u"dormant-a"_s, HygieneTableModel::SpendColumn), u"$5.00"_s);
        QVERIFY2(cell(u"dormant-a"_s, HygieneTableModel::FindingColumn).contains(u"40 days ago"_s),
                 qPrintable(cell(u"dormant-a"_s, HygieneTableModel::FindingColumn)));
        // The rule's description is in the panel and the tooltip.
        const QString description = find<QLabel>("hygieneRuleDescriptionLabel")->text();
        QVERIFY2(description.contains(u"30 days"_s), qPrintable(description));
        QVERIFY(page()->rules()->currentItem()->toolTip().contains(u"30 days"_s));

        chooseRule(u"Never used"_s);
        QCOMPARE(shownKeys(), QStringList{u"never"_s});
        QCOMPARE(cell(u"never"_s, HygieneTableModel::LastUsedColumn), u"never"_s);
        chooseRule(u"No member"_s);
        QCOMPARE(shownKeys(), QStringList{u"orphan"_s});
        QCOMPARE(cell(u"orphan"_s, HygieneTableModel::MemberColumn), u"—"_s);
        chooseRule(u"Owner inactive"_s);
        QCOMPARE(shownKeys(), QStringList{u"gone-member"_s});
        snapshot(m_window.get(), "hygiene-known");
    }

    void bulkRevokeOfThreeDormantKeys()
    {
        chooseRule(u"Dormant"_s);
        table()->selectAll();
        QCOMPARE(page()->selectedKeys().size(), 3);
        m_fake->clearRequests();
        const int auditedBefore = int(revokeEntries().size());
        // Cancelled: nothing is sent.
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        page()->revokeAction()->trigger();
        QVERIFY2(MessageBox::lastText().contains(u"Revoke 3 keys? dormant-a ($5.00), dormant-b ($5.00), dormant-c ($5.00)"_s),
                 qPrintable(MessageBox::lastText()));
        QTest::qWait(100);
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys"_s), 0);

        MessageBox::setNextAnswer(QMessageBox::Yes);
        page()->revokeAction()->trigger();
        QTRY_COMPARE(m_fake->countRequests("DELETE", u"/keys"_s), 3);
        for (const QString &n : {u"dormant-a"_s, u"dormant-b"_s, u"dormant-c"_s})
            QVERIFY(!fakeKeyNamed(n));
        QTRY_COMPARE(int(revokeEntries().size()), auditedBefore + 3);
        QStringList targets;
        for (const AuditEntry &e : revokeEntries())
            targets << e.target;
        targets.sort();
        QCOMPARE(targets, (QStringList{u"dormant-a"_s, u"dormant-b"_s, u"dormant-c"_s}));
        QTRY_COMPARE(ruleText(u"Dormant"_s), u"Dormant (0)"_s);
        QVERIFY(find<QLabel>("hygieneResultLabel")->text().contains(u"Revoked dormant-a, dormant-b, dormant-c"_s));
    }

    void bulkActionNamesEachFailingKey()
    {
        chooseRule(u"Dormant"_s);
        table()->selectAll();
        // The second PATCH is refused: the other two are disabled, and the failure names its key.
        m_fake->failNext("PATCH", u"/keys/"_s, FakeOpenRouter::errorFault(500, u"boom"_s), 1, 1);
        MessageBox::setNextAnswer(QMessageBox::Yes);
        page()->disableAction()->trigger();
        QVERIFY(MessageBox::lastText().startsWith(u"Disable 3 keys?"_s));
        QTRY_VERIFY(find<QLabel>("hygieneResultLabel")->text().contains(u"Could not disable 1 of 3"_s));
        const QString result = find<QLabel>("hygieneResultLabel")->text();
        int disabled = 0;
        QString failing;
        for (const QString &n : {u"dormant-a"_s, u"dormant-b"_s, u"dormant-c"_s}) {
            if (fakeKeyNamed(n)->disabled)
                ++disabled;
            else
                failing = n;
        }
        QCOMPARE(disabled, 2);
        QVERIFY2(result.contains(u"\"%1\""_s.arg(failing)), qPrintable(result));

        // A limit on a selection, one PATCH per key.
        table()->selectAll();
        page()->limitAction()->trigger();
        auto *dialog = waitFor<QDialog>("hygieneLimitDialog");
        QVERIFY(dialog);
        QVERIFY(find<QLabel>("hygieneLimitDialogLabel", dialog)->text().contains(u"dormant-b ($5.00)"_s));
        find<QLineEdit>("hygieneLimitEdit", dialog)->setText(u"-3"_s);
        QTest::mouseClick(find<QPushButton>("hygieneLimitDialogOkButton", dialog), Qt::LeftButton);
        QVERIFY(!find<QLabel>("hygieneLimitDialogProblemLabel", dialog)->text().isEmpty()); // refused before anything is sent
        find<QLineEdit>("hygieneLimitEdit", dialog)->setText(u"4"_s);
        QTest::mouseClick(find<QPushButton>("hygieneLimitDialogOkButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(find<QLabel>("hygieneResultLabel")->text().startsWith(u"Set $4.00 on"_s));
        QCOMPARE(*fakeKeyNamed(u"dormant-c"_s)->limit, 4.0);
    }

    void linkAnOrphanToAMember()
    {
        chooseRule(u"No member"_s);
        page()->selectKeys({u"orphan"_s});
        page()->linkAction()->trigger();
        auto *dialog = waitFor<QDialog>("hygieneLinkDialog");
        QVERIFY(dialog);
        auto *combo = find<QComboBox>("hygieneLinkMemberCombo", dialog);
        QCOMPARE(combo->count(), 1); // bob is inactive
        QTest::mouseClick(find<QPushButton>("hygieneLinkDialogOkButton", dialog), Qt::LeftButton);
        QTRY_COMPARE(ruleText(u"No member"_s), u"No member (0)"_s);
        QCOMPARE(must(m_store->team().keyOwners()).value(fakeKeyNamed(u"orphan"_s)->hash), u"ann"_s);
    }

    void rotationSchedulesThenDisablesAndRevokesOnTheRightDays()
    {
        const ApiKey old = rotateFromKeysPage(u"rotate-me"_s);
        const QList<KeyRotation> open = must(m_store->lifecycle().rotations());
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.first().oldHash, old.hash);
        QCOMPARE(open.first().disableAt.date(), m_now.addDays(7).date());
        QCOMPARE(open.first().revokeAt.date(), m_now.addDays(30).date());
        // The replacement is ann's, like the old key.
        ApiKey replacement;
        for (const ApiKey &k : m_fake->keys()) {
            if (k.name == old.name && k.hash != old.hash)
                replacement = k;
        }
        QVERIFY(!replacement.hash.isEmpty());
        QCOMPARE(must(m_store->team().keyOwners()).value(replacement.hash), u"ann"_s);
        // The schedule shows on the key (Keys page) and on the Hygiene page.
        QTRY_VERIFY(m_keys->model()->scheduleOf(old.hash).contains(m_now.addDays(7).date().toString(Qt::ISODate)));
        const int row = m_keys->model()->rowOfHash(old.hash);
        QVERIFY(m_keys->model()->index(row, KeyTableModel::NameColumn).data(Qt::ToolTipRole).toString().contains(u"Being replaced"_s));
        m_window->showPage(u"hygiene"_s);
        chooseRule(u"Being rotated"_s);
        QCOMPARE(shownKeys(), QStringList{u"rotate-me"_s});
        QVERIFY(cell(u"rotate-me"_s, HygieneTableModel::FindingColumn).contains(m_now.addDays(30).date().toString(Qt::ISODate)));

        // A refresh within the grace period changes nothing.
        m_fake->clearRequests();
        QVERIFY(waitRefresh());
        QTest::qWait(200);
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s), 0);

        // Eight days on, the refresh disables it …
        m_now = m_now.addDays(8);
        QVERIFY(waitRefresh());
        QTRY_VERIFY(m_fake->key(old.hash)->disabled);
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys/"_s + old.hash), 1);
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys"_s), 0);
        QTRY_COMPARE(must(m_store->lifecycle().rotations()).value(0).state, KeyRotation::State::Disabled);
        QVERIFY(!m_fake->key(replacement.hash)->disabled);

        // … and 31 days later it is revoked.
        m_now = m_now.addDays(31);
        QVERIFY(waitRefresh());
        QTRY_VERIFY(!m_fake->key(old.hash));
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys/"_s + old.hash), 1);
        QTRY_VERIFY(must(m_store->lifecycle().rotations()).isEmpty());
        QVERIFY(m_fake->key(replacement.hash));
        // Both steps are in the audit log. The schedule moves on before each call, so the revoke's
        // entry is written when its answer arrives, after the key is gone at the fake: waited for.
        auto actions = [&] {
            QStringList out;
            for (const AuditEntry &e : must(m_store->audit().log(1000))) {
                if (e.target == old.name)
                    out << e.action;
            }
            return out;
        };
        QTRY_VERIFY2(actions().contains(AuditAction::Disable) && actions().contains(AuditAction::Revoke),
                     qPrintable(actions().join(u',')));
    }

    void aKeyAnAdminReEnabledIsNeverRevoked()
    {
        const ApiKey old = rotateFromKeysPage(u"rotate-me"_s);
        m_now = m_now.addDays(8);
        QVERIFY(waitRefresh());
        QTRY_VERIFY(m_fake->key(old.hash)->disabled);
        // An admin enables it again: the schedule must leave it alone from now on.
        QSignalSpy updated(m_keys.get(), &KeyListController::keyChanged);
        KeyUpdate enable;
        enable.disabled = false;
        m_keys->updateKey(old.hash, enable, this, [](const ApiResult<ApiKey> &) {});
        QVERIFY(updated.wait());
        QVERIFY(!m_fake->key(old.hash)->disabled);
        m_fake->clearRequests();
        QVERIFY(waitRefresh());
        QTRY_COMPARE(must(m_store->lifecycle().rotations(false)).value(0).state, KeyRotation::State::Cancelled);
        m_now = m_now.addDays(31);
        QVERIFY(waitRefresh());
        QTest::qWait(300);
        QVERIFY(m_fake->key(old.hash));
        QVERIFY(!m_fake->key(old.hash)->disabled);
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys"_s), 0);
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s), 0);
    }

    void keepOldKeyCancelsTheSchedule()
    {
        const ApiKey old = rotateFromKeysPage(u"rotate-me"_s);
        m_window->showPage(u"hygiene"_s);
        chooseRule(u"Being rotated"_s);
        QTRY_COMPARE(shownKeys(), QStringList{u"rotate-me"_s});
        page()->selectKeys({u"rotate-me"_s});
        QVERIFY(page()->keepAction()->isEnabled());
        MessageBox::setNextAnswer(QMessageBox::Yes);
        page()->keepAction()->trigger();
        QCOMPARE(must(m_store->lifecycle().rotations(false)).value(0).state, KeyRotation::State::Cancelled);
        QCOMPARE(shownKeys(), QStringList());
        QVERIFY(m_keys->model()->scheduleOf(old.hash).isEmpty());
        m_now = m_now.addDays(40);
        m_fake->clearRequests();
        QVERIFY(waitRefresh());
        QTest::qWait(200);
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s) + m_fake->countRequests("DELETE", u"/keys"_s), 0);
    }

    void thresholdsAreTeamSettings()
    {
        QTest::mouseClick(find<QPushButton>("hygieneSettingsButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("hygieneSettingsDialog");
        QVERIFY(dialog);
        // A revoke period shorter than the grace period is refused, and nothing is saved.
        find<QSpinBox>("hygieneSetting_hygiene_grace_revoke_days", dialog)->setValue(3);
        QTest::mouseClick(find<QPushButton>("hygieneSettingsSaveButton", dialog), Qt::LeftButton);
        QVERIFY(!find<QLabel>("hygieneSettingsProblemLabel", dialog)->text().isEmpty());
        QCOMPARE(must(m_store->lifecycle().hygieneSettings()).graceRevokeDays, 30);
        find<QSpinBox>("hygieneSetting_hygiene_grace_revoke_days", dialog)->setValue(30);
        find<QSpinBox>("hygieneSetting_hygiene_dormant_days", dialog)->setValue(45);
        QTest::mouseClick(find<QPushButton>("hygieneSettingsSaveButton", dialog), Qt::LeftButton);
        QCOMPARE(must(m_store->lifecycle().hygieneSettings()).dormantDays, 45);
        // Recorded as orteam-cli's change is (the dashboard's used to leave no audit line).
        const AuditEntry logged = must(m_store->audit().log()).first();
        QCOMPARE(logged.action, u"settings"_s);
        QCOMPARE(logged.target, u"key hygiene"_s);
        QVERIFY2(logged.before.startsWith(u"dormant-days 30,"_s) && logged.after.startsWith(u"dormant-days 45,"_s),
                 qPrintable(logged.before + u" → "_s + logged.after));
        // Judged again at once: 40 days idle is no longer dormant.
        QCOMPARE(ruleText(u"Dormant"_s), u"Dormant (0)"_s);
    }

    // The page's small dialogs ask before dropping what was typed, like every editing dialog;
    // untouched, they close at once.
    void smallDialogsAskBeforeDiscarding()
    {
        const HygieneSettings saved = must(m_store->lifecycle().hygieneSettings());
        QTest::mouseClick(find<QPushButton>("hygieneSettingsButton"), Qt::LeftButton);
        auto *settings = waitFor<QDialog>("hygieneSettingsDialog");
        QVERIFY(settings);
        find<QSpinBox>("hygieneSetting_hygiene_dormant_days", settings)->setValue(saved.dormantDays + 5);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(settings, Qt::Key_Escape);
        QVERIFY(MessageBox::lastText().startsWith(u"Discard changes?"_s));
        QVERIFY(settings->isVisible());
        QCOMPARE(find<QSpinBox>("hygieneSetting_hygiene_dormant_days", settings)->value(), saved.dormantDays + 5);
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QTest::mouseClick(find<QPushButton>("hygieneSettingsCancelButton", settings), Qt::LeftButton);
        QTRY_VERIFY(!page()->findChild<QDialog *>(u"hygieneSettingsDialog"_s));
        QCOMPARE(must(m_store->lifecycle().hygieneSettings()).dormantDays, saved.dormantDays); // nothing saved

        chooseRule(u"Dormant"_s);
        page()->selectKeys({u"dormant-a"_s});
        m_fake->clearRequests();
        page()->limitAction()->trigger();
        auto *limit = waitFor<QDialog>("hygieneLimitDialog");
        QVERIFY(limit);
        find<QLineEdit>("hygieneLimitEdit", limit)->setText(u"5"_s);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(limit, Qt::Key_Escape);
        QVERIFY(limit->isVisible());
        QCOMPARE(find<QLineEdit>("hygieneLimitEdit", limit)->text(), u"5"_s);
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QTest::keyClick(limit, Qt::Key_Escape);
        QTRY_VERIFY(!page()->findChild<QDialog *>(u"hygieneLimitDialog"_s));
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys/"_s), 0);

        // Untouched: closed without a question (an answer of Cancel would have kept it open).
        page()->linkAction()->trigger();
        auto *link = waitFor<QDialog>("hygieneLinkDialog");
        QVERIFY(link);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(link, Qt::Key_Escape);
        QTRY_VERIFY(!page()->findChild<QDialog *>(u"hygieneLinkDialog"_s));

        page()->rotateAction()->trigger();
        auto *rotate = waitFor<QDialog>("rotateKeyDialog");
        QVERIFY(rotate);
        find<QRadioButton>("rotateLeaveRadio", rotate)->setChecked(true);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(rotate, Qt::Key_Escape);
        QVERIFY(rotate->isVisible());
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QTest::keyClick(rotate, Qt::Key_Escape);
        QTRY_VERIFY(!page()->findChild<QDialog *>(u"rotateKeyDialog"_s));
        QCOMPARE(m_fake->countRequests("POST", u"/keys"_s), 0);
    }

    void anAssessmentReadFailureShowsAnErrorNotAnEmptyList()
    {
        m_store->database().setFaultInjector([](int, const QString &sql) { return sql.contains(u"key_use"_s); });
        QVERIFY(waitRefresh());
        QTRY_COMPARE(m_hygiene->state(), HygieneController::State::Failed);
        auto *error = find<QLabel>("hygieneErrorLabel");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().startsWith(u"Cannot assess the keys"_s), qPrintable(error->text()));
        QVERIFY(!table()->isVisible());
        QCOMPARE(ruleText(u"Dormant"_s), u"Dormant (—)"_s); // not "0": nobody knows
        QCOMPARE(ruleText(u"All findings"_s), u"All findings (—)"_s);
        QTest::qWait(50); // the layout settles before the picture
        snapshot(m_window.get(), "hygiene-error");
        // Once the database answers again, so do the findings.
        m_store->database().setFaultInjector({});
        QVERIFY(waitRefresh());
        QTRY_COMPARE(m_hygiene->state(), HygieneController::State::Ready);
        QVERIFY(!error->isVisible());
        QCOMPARE(ruleText(u"Dormant"_s), u"Dormant (3)"_s);
    }

    void readableUnderADarkPalette()
    {
        // Colours come from the palette: the model paints no text or background of its own.
        for (int r = 0; r < m_hygiene->model()->rowCount(); ++r) {
            for (int c = 0; c < HygieneTableModel::ColumnCount; ++c) {
                QVERIFY(!m_hygiene->model()->index(r, c).data(Qt::ForegroundRole).isValid());
                QVERIFY(!m_hygiene->model()->index(r, c).data(Qt::BackgroundRole).isValid());
            }
        }
        // The palette --dark gives the app (ui/Theme).
        QApplication::setPalette(theme::darkPalette());
        QApplication::processEvents();
        chooseRule(u"Dormant"_s);
        const QImage shot = m_window->grab().toImage();
        snapshot(m_window.get(), "hygiene-dark");
        // The description panel reads light on dark.
        auto *description = find<QLabel>("hygieneRuleDescriptionLabel");
        const QColor text = description->palette().color(QPalette::WindowText);
        const QColor back = description->palette().color(QPalette::Window);
        QVERIFY(qAbs(text.lightness() - back.lightness()) > 120);
        QVERIFY(!shot.isNull());
    }
};

QTEST_MAIN(TestHygienePage)
#include "tst_hygienepage.moc"
