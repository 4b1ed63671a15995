// The Team page driven like a person would, offscreen, against the fake OpenRouter and a real
// SQLite file: members and spend, the member form, bulk tier assignment, the tier editor's
// allowlist, roster import with its preview, offboarding, guardrails and auto-enforce (which
// changes no key when the team cannot be read), and the same audit entries as orteam-cli writes.
#include "GuiTest.h"
#include "Translations.h"
#include "ActivitySync.h"
#include "AppSettings.h"
#include "Audit.h"
#include "AuditLog.h"
#include "ConnectionManager.h"
#include "DemoData.h"
#include "ErrorBanner.h"
#include "FakeOpenRouter.h"
#include "JobQueue.h"
#include "KeyActions.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "KeysPage.h"
#include "MainWindow.h"
#include "MemberTableModel.h"
#include "NotifyController.h"
#include "MessageBox.h"
#include "Money.h"
#include "OpenRouterClient.h"
#include "SecretStore.h"
#include "Store.h"
#include "SpendController.h"
#include "Csv.h"
#include "ReportsPage.h"
#include "ReportTableModel.h"
#include "SpendPage.h"
#include "TeamController.h"
#include "TeamPage.h"
#include "TeamService.h"
#include "WorkspaceController.h"
#include "WorkspaceDialogs.h"
#include "WorkspacesPage.h"

#include <QAccessible>
#include <QAction>
#include <QBarCategoryAxis>
#include <QChartView>
#include <QBarSet>
#include <QCheckBox>
#include <QChart>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QImage>
#include <QProgressBar>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QLineSeries>
#include <QComboBox>
#include <QDialog>
#include <QApplication>
#include <QSplitter>
#include <QHeaderView>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestTeamPage : public QObject
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
    std::unique_ptr<SpendController> m_spend;
    std::unique_ptr<MainWindow> m_window;

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
    // A read the test relies on: its value, or the test stops with the database's error.
    template<typename T>
    static T must(const Result<T> &r)
    {
        return GuiTest::must(r);
    }
    std::optional<Member> member(const QString &name)
    {
        const Result<Member> m = m_store->team().member(name);
        if (!m && m.error().kind != StoreError::Kind::NotFound)
            qFatal("cannot read member %s: %s", qPrintable(name), qPrintable(m.errorText()));
        return m ? std::optional<Member>(*m) : std::nullopt;
    }
    QList<AuditEntry> auditLog(int limit = 1000) { return must(m_store->audit().log(limit)); }
    // What was audited after the entry `afterId`, oldest first.
    static QList<AuditEntry> auditedSince(const QList<AuditEntry> &log, qint64 afterId)
    {
        QList<AuditEntry> out;
        for (const AuditEntry &e : log) {
            if (e.id > afterId)
                out.prepend(e);
        }
        return out;
    }
    static QStringList describe(const QList<AuditEntry> &entries)
    {
        QStringList out;
        for (const AuditEntry &e : entries)
            out << QStringList{e.action, e.target, e.before, e.after}.join(u" | "_s);
        return out;
    }
    // Runs `sql` on a connection of its own, as another program on the machine would.
    bool tamper(const QStringList &sql)
    {
        bool ok = true;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
            db.setDatabaseName(m_dir->filePath(u"team.db"_s));
            ok = db.open();
            QSqlQuery q(db);
            for (const QString &statement : sql) {
                if (ok && !q.exec(statement)) {
                    qWarning() << statement << q.lastError().text();
                    ok = false;
                }
            }
        }
        QSqlDatabase::removeDatabase(u"tamper"_s);
        return ok;
    }
    TeamPage *page() { return m_window->teamPage(); }
    QTableView *members() { return find<QTableView>("membersTable"); }
    std::optional<ApiKey> fakeKeyNamed(const QString &name) { return GuiTest::fakeKeyNamed(*m_fake, name); }
    bool waitRefresh() { return GuiTest::waitRefresh(*m_keys); }
    QString cell(const QString &member, int column)
    {
        const QAbstractItemModel *m = members()->model();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, MemberTableModel::NameColumn).data().toString() == member)
                return m->index(r, column).data().toString();
        }
        return u"<no row>"_s;
    }
    QStringList previewRows(QTableWidget *t)
    {
        QStringList rows;
        for (int r = 0; r < t->rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < t->columnCount(); ++c)
                cells << t->item(r, c)->text();
            rows << cells.join(u" | "_s);
        }
        return rows;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        installTranslations(qApp); // the plurals users read ("2 keys"), as the app installs them
        QCOMPARE(QCoreApplication::translate("orteam::MemberDialog", "%n model(s)", nullptr, 1), u"1 model"_s);
        QCOMPARE(QCoreApplication::translate("orteam::MemberDialog", "%n model(s)", nullptr, 3), u"3 models"_s);
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_fake = std::make_unique<FakeOpenRouter>();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        DemoData::KeyHistory history;
        QList<ActivityItem> activity;
        DemoData::seed(*m_fake, now, &history, &activity);
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
        m_store = std::make_unique<Store>();
        QString error;
        const Status opened = m_store->open(*DbLocation::parse(m_dir->filePath(u"team.db"_s), &error));
        QVERIFY2(opened, qPrintable(opened.errorText()));
        DemoData::seedStore(*m_store, m_fake->keys(), history, now, activity);
        // As the dashboard is put together: one job queue for every controller.
        m_keys = std::make_unique<KeyListController>(m_client.get(), m_store.get());
        m_jobs = std::make_unique<JobQueue>(m_store.get());
        m_audit = std::make_unique<AuditLogController>(m_store.get(), m_jobs.get());
        m_team = std::make_unique<TeamController>(m_store.get(), m_client.get(), m_keys.get(), m_jobs.get());
        m_spend = std::make_unique<SpendController>(m_store.get(), m_keys.get());
        m_window = std::make_unique<MainWindow>(m_keys.get(), m_connection.get(), m_audit.get(), m_team.get(), m_spend.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy loaded(m_window.get(), &MainWindow::firstLoadFinished);
        m_connection->start();
        QVERIFY(loaded.wait(10'000));
        QVERIFY(m_window->showPage(u"team"_s));
    }

    void cleanup()
    {
        m_window.reset();
        m_spend.reset();
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
    }

    void everyWidgetHasAnObjectName()
    {
        for (QWidget *w : page()->findChildren<QWidget *>()) {
            if (w->objectName().isEmpty() && !w->inherits("QScrollBar") && !w->inherits("QHeaderView")
                && !w->inherits("QFocusFrame") && w->parent() && !w->parentWidget()->inherits("QAbstractScrollArea")
                && !w->objectName().startsWith(u"qt_"_s) && !w->inherits("QLineEditIconButton")
                && QString::fromLatin1(w->metaObject()->className()).startsWith(u"orteam::"_s))
                QFAIL(qPrintable(u"unnamed widget of class "_s + QString::fromLatin1(w->metaObject()->className())));
        }
        QVERIFY(!page()->objectName().isEmpty());
    }

    void membersShowTierLimitAndSpendFromLinkedKeys()
    {
        QCOMPARE(members()->model()->rowCount(), 13); // the twelve, and Max who left (inactive)
        // Alice's spend today is her key's usage today; Carol's is both her keys'.
        const double alice = fakeKeyNamed(u"alice-backend"_s)->usageDaily;
        const double carol = fakeKeyNamed(u"carol-ml"_s)->usageDaily + fakeKeyNamed(u"carol-ml-batch"_s)->usageDaily;
        QCOMPARE(cell(u"alice"_s, MemberTableModel::TodayColumn), formatUsd(alice));
        QCOMPARE(cell(u"carol"_s, MemberTableModel::TodayColumn), formatUsd(carol));
        QCOMPARE(cell(u"carol"_s, MemberTableModel::KeysColumn), u"2"_s);
        QCOMPARE(cell(u"bob"_s, MemberTableModel::LimitColumn), u"$5.00 a day"_s);
        QCOMPARE(cell(u"carol"_s, MemberTableModel::LimitColumn), u"no limit"_s);

        // The key table names each key's member, and the search finds keys by member.
        auto *keyTable = m_window->keysPage()->table();
        const QAbstractItemModel *km = keyTable->model();
        bool found = false;
        for (int r = 0; r < km->rowCount(); ++r) {
            if (km->index(r, KeyTableModel::NameColumn).data().toString() == u"frank-ci"_s) {
                QCOMPARE(km->index(r, KeyTableModel::MemberColumn).data().toString(), u"frank"_s);
                found = true;
            }
        }
        QVERIFY(found);
        m_window->showPage(u"keys"_s);
        auto *search = m_window->keysPage()->findChild<QLineEdit *>(u"keySearchLineEdit"_s);
        QVERIFY(search);
        search->setText(u"carol"_s);
        QTRY_COMPARE(km->rowCount(), 2);
        search->clear();

        find<QLineEdit>("memberSearchEdit")->setText(u"example.com"_s);
        QCOMPARE(members()->model()->rowCount(), 13);
        find<QLineEdit>("memberSearchEdit")->setText(u"gra"_s);
        QCOMPARE(members()->model()->rowCount(), 1);
    }

    void bulkTierAssignment()
    {
        page()->selectMembers({u"bob"_s, u"eve"_s, u"hiro"_s});
        auto *combo = find<QComboBox>("bulkTierCombo");
        combo->setCurrentIndex(combo->findText(u"pro"_s));
        QTest::mouseClick(find<QPushButton>("setTierButton"), Qt::LeftButton);
        for (const QString &name : {u"bob"_s, u"eve"_s, u"hiro"_s})
            QCOMPARE(member(name)->tier, u"pro"_s);
        QCOMPARE(member(u"alice"_s)->tier, u"pro"_s);
        QCOMPARE(member(u"ines"_s)->tier, u"free"_s); // not selected
        QCOMPARE(cell(u"bob"_s, MemberTableModel::TierColumn), u"pro"_s);
        QCOMPARE(cell(u"bob"_s, MemberTableModel::LimitColumn), u"$25.00 a day"_s);
        int tierEntries = 0;
        for (const AuditEntry &e : auditLog())
            tierEntries += e.action == AuditAction::MemberTier && e.after == u"pro"_s ? 1 : 0;
        QCOMPARE(tierEntries, 3);
        QCOMPARE(page()->selectedNames().size(), 3); // the selection survives
    }

    void memberFormValidatesAndLinksKeys()
    {
        QTest::mouseClick(find<QPushButton>("addMemberButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("memberDialog");
        QVERIFY(dialog);
        auto *save = find<QPushButton>("memberSaveButton", dialog);
        auto *error = find<QLabel>("memberErrorLabel", dialog);
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(u"name"_s));
        QTest::keyClicks(find<QLineEdit>("memberNameEdit", dialog), u"zoe"_s);
        QTest::keyClicks(find<QLineEdit>("memberEmailEdit", dialog), u"zoe at example"_s);
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(error->text().contains(u"not an email address"_s));
        find<QLineEdit>("memberEmailEdit", dialog)->setText(u"zoe@example.com"_s);
        find<QLineEdit>("memberLimitEdit", dialog)->setText(u"-4"_s);
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(error->text().startsWith(u"Own budget"_s));
        QVERIFY(!member(u"zoe"_s)); // nothing saved while the form is wrong
        find<QLineEdit>("memberLimitEdit", dialog)->setText(u"none"_s); // not silently the tier's
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY2(error->text().contains(u"needs an amount"_s), qPrintable(error->text()));
        QVERIFY(!member(u"zoe"_s));
        find<QLineEdit>("memberLimitEdit", dialog)->setText(u"12.50"_s);
        auto *period = find<QComboBox>("memberLimitPeriodCombo", dialog);
        period->setCurrentIndex(period->findData(int(LimitReset::Weekly)));
        auto *tier = find<QComboBox>("memberTierCombo", dialog);
        tier->setCurrentIndex(tier->findData(u"basic"_s));
        // Liam's key: the list says whose it is; ticking it moves it to Zoe.
        auto *keys = find<QListWidget>("memberKeysList", dialog);
        QListWidgetItem *liamKey = nullptr;
        for (int i = 0; i < keys->count(); ++i) {
            if (keys->item(i)->text().startsWith(u"liam-intern"_s))
                liamKey = keys->item(i);
        }
        QVERIFY(liamKey);
        QVERIFY(liamKey->text().contains(u"linked to liam"_s));
        liamKey->setCheckState(Qt::Checked);
        snapshot(dialog, "member-dialog");
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"memberDialog"_s));
        const auto zoe = member(u"zoe"_s);
        QVERIFY(zoe);
        QCOMPARE(zoe->tier, u"basic"_s);
        QCOMPARE(zoe->budgetOverride, std::optional(Budget{12.5, LimitReset::Weekly}));
        QCOMPARE(zoe->keyHashes, QStringList{fakeKeyNamed(u"liam-intern"_s)->hash});
        QVERIFY(member(u"liam"_s)->keyHashes.isEmpty());
        QCOMPARE(cell(u"zoe"_s, MemberTableModel::LimitColumn), u"$12.50 a week (own)"_s);

        // Editing: the name is fixed, unticking a key unlinks it.
        page()->selectMembers({u"zoe"_s});
        QTest::mouseClick(find<QPushButton>("editMemberButton"), Qt::LeftButton);
        dialog = waitFor<QDialog>("memberDialog");
        QVERIFY(dialog);
        QVERIFY(find<QLineEdit>("memberNameEdit", dialog)->isReadOnly());
        keys = find<QListWidget>("memberKeysList", dialog);
        for (int i = 0; i < keys->count(); ++i)
            keys->item(i)->setCheckState(Qt::Unchecked);
        QTest::mouseClick(find<QPushButton>("memberSaveButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"memberDialog"_s));
        QVERIFY(member(u"zoe"_s)->keyHashes.isEmpty());
    }

    void tierEditorPicksModelsWithPrices()
    {
        QTest::mouseClick(find<QPushButton>("editTiersButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("tierEditorDialog");
        QVERIFY(dialog);
        // Enter in a field saves the tier; it does not start a new one.
        QVERIFY(find<QPushButton>("saveTierButton", dialog)->isDefault());
        QVERIFY(!find<QPushButton>("addTierButton", dialog)->autoDefault());
        auto *models = find<QTableWidget>("modelTable", dialog);
        QTRY_COMPARE(models->rowCount(), DemoData::models().size() + 0);
        auto rowOf = [&](const QString &id) {
            for (int r = 0; r < models->rowCount(); ++r)
                if (models->item(r, 0)->text() == id)
                    return r;
            return -1;
        };
        // Prices per million tokens, from the catalogue's per-token strings.
        const int mini = rowOf(u"openai/gpt-4o-mini"_s);
        QVERIFY(mini >= 0);
        QCOMPARE(models->item(mini, 1)->text(), u"$0.150"_s);
        QCOMPARE(models->item(mini, 2)->text(), u"$0.600"_s);
        QCOMPARE(models->item(rowOf(u"google/gemma-2-9b-it:free"_s), 1)->text(), u"free"_s);

        auto *tiers = find<QListWidget>("tierList", dialog);
        tiers->setCurrentRow(1); // basic
        QCOMPARE(find<QLineEdit>("tierNameEdit", dialog)->text(), u"basic"_s);
        QCOMPARE(models->item(mini, 0)->checkState(), Qt::Checked);
        const int sonnet = rowOf(u"anthropic/claude-3.5-sonnet"_s);
        QCOMPARE(models->item(sonnet, 0)->checkState(), Qt::Unchecked);

        // The filter hides unticked models that do not match; ticked ones stay in view.
        find<QLineEdit>("modelFilterEdit", dialog)->setText(u"claude"_s);
        QVERIFY(!models->isRowHidden(sonnet));
        QVERIFY(models->isRowHidden(rowOf(u"openai/o3"_s)));
        QVERIFY(!models->isRowHidden(mini));
        models->item(sonnet, 0)->setCheckState(Qt::Checked);
        auto *fallback = find<QComboBox>("tierFallbackCombo", dialog);
        QVERIFY(fallback->findData(u"anthropic/claude-3.5-sonnet"_s) >= 0);
        fallback->setCurrentIndex(fallback->findData(u"openai/gpt-4o-mini"_s));
        find<QLineEdit>("tierLimitEdit", dialog)->setText(u"7.5"_s);
        auto *period = find<QComboBox>("tierLimitPeriodCombo", dialog);
        QCOMPARE(period->currentData().toInt(), int(LimitReset::Daily)); // the tier's, as loaded
        snapshot(dialog, "tier-editor");
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        const Tier basic = must(m_store->team().tiers()).at(1);
        QCOMPARE(basic.name, u"basic"_s);
        QCOMPARE(basic.budget->usd, 7.5);
        QCOMPARE(basic.allowedModels->size(), 3);
        QVERIFY(basic.allowedModels->contains(u"anthropic/claude-3.5-sonnet"_s));
        QCOMPARE(basic.fallbackModel, u"openai/gpt-4o-mini"_s);
        QCOMPARE(cell(u"bob"_s, MemberTableModel::LimitColumn), u"$7.50 a day"_s);
        // A month's budget: saved with its period, shown with it.
        period->setCurrentIndex(period->findData(int(LimitReset::Monthly)));
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QCOMPARE(must(m_store->team().tiers()).at(1).budget, std::optional(Budget{7.5, LimitReset::Monthly}));
        QCOMPARE(cell(u"bob"_s, MemberTableModel::LimitColumn), u"$7.50 a month"_s);

        // Unticking everything is refused with a message; nothing is saved.
        auto *message = find<QLabel>("tierMessageLabel", dialog);
        for (int r = 0; r < models->rowCount(); ++r)
            models->item(r, 0)->setCheckState(Qt::Unchecked);
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QVERIFY(message->text().contains(u"at least one model"_s));
        QCOMPARE(must(m_store->team().tiers()).at(1).allowedModels->size(), 3);

        // A new tier: a bad name and a bad budget are refused, then it is saved. (The unticking
        // above was not saved: starting a new tier asks first.)
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QTest::mouseClick(find<QPushButton>("addTierButton", dialog), Qt::LeftButton);
        QVERIFY(MessageBox::lastText().startsWith(u"Discard changes?"_s));
        find<QLineEdit>("tierNameEdit", dialog)->setText(u"Research Team"_s);
        models->item(rowOf(u"openai/o3"_s), 0)->setCheckState(Qt::Checked);
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QVERIFY(message->text().contains(u"lower-case"_s));
        find<QLineEdit>("tierNameEdit", dialog)->setText(u"research"_s);
        find<QLineEdit>("tierLimitEdit", dialog)->setText(u"lots"_s);
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QVERIFY(message->text().startsWith(u"Budget"_s));
        find<QLineEdit>("tierLimitEdit", dialog)->setText(u"40"_s);
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QCOMPARE(must(m_store->team().tiers()).size(), 5);
        QCOMPARE(must(m_store->team().tiers()).last().allowedModels.value(), QStringList{u"openai/o3"_s});
        QVERIFY(find<QComboBox>("bulkTierCombo")->findText(u"research"_s) >= 0);
        dialog->reject();
    }

    // Picking another tier, or closing, with unsaved edits asks first; Cancel keeps the edits and
    // the tier they belong to.
    void tierEditorAsksBeforeDroppingEdits()
    {
        QTest::mouseClick(find<QPushButton>("editTiersButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("tierEditorDialog");
        QVERIFY(dialog);
        auto *models = find<QTableWidget>("modelTable", dialog);
        QTRY_COMPARE(models->rowCount(), DemoData::models().size() + 0);
        auto *tiers = find<QListWidget>("tierList", dialog);
        tiers->setCurrentRow(1); // basic, nothing edited yet: no question
        auto *name = find<QLineEdit>("tierNameEdit", dialog);
        QCOMPARE(name->text(), u"basic"_s);
        auto *limit = find<QLineEdit>("tierLimitEdit", dialog);
        limit->setText(u"9.99"_s);
        // Filtering the models is no edit; a picked model is.
        find<QLineEdit>("modelFilterEdit", dialog)->setText(u"claude"_s);

        MessageBox::setNextAnswer(QMessageBox::Cancel);
        tiers->setCurrentRow(2);
        QVERIFY(MessageBox::lastText().startsWith(u"Discard changes?"_s));
        QCOMPARE(tiers->currentRow(), 1); // still basic, with the edit
        QCOMPARE(name->text(), u"basic"_s);
        QCOMPARE(limit->text(), u"9.99"_s);
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(dialog->isVisible());
        MessageBox::setNextAnswer(QMessageBox::Discard);
        tiers->setCurrentRow(2);
        QCOMPARE(name->text(), u"pro"_s);
        QCOMPARE(must(m_store->team().tiers()).at(1).budget, defaultTiers().at(1).budget);

        // Saved edits are not asked about.
        limit->setText(u"11"_s);
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QCOMPARE(must(m_store->team().tiers()).at(2).budget->usd, 11.0);
        // "none" saves no budget whatever the period box shows (it always shows one).
        find<QComboBox>("tierLimitPeriodCombo", dialog)->setCurrentIndex(1);
        limit->setText(u"none"_s);
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QVERIFY2(!must(m_store->team().tiers()).at(2).budget, qPrintable(find<QLabel>("tierMessageLabel", dialog)->text()));
        MessageBox::setNextAnswer(QMessageBox::Cancel); // would keep it open, were it asked
        tiers->setCurrentRow(0);
        QCOMPARE(name->text(), must(m_store->team().tiers()).at(0).name);
        QTest::keyClick(dialog, Qt::Key_Escape);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"tierEditorDialog"_s));
    }

    // The member form: its key picker filters (accents aside) and counts what is ticked; closing
    // with unsaved edits asks.
    void memberDialogFiltersKeysAndAsksBeforeDiscarding()
    {
        page()->selectMembers({u"carol"_s});
        QTest::mouseClick(find<QPushButton>("editMemberButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("memberDialog");
        QVERIFY(dialog);
        auto *keys = find<QListWidget>("memberKeysList", dialog);
        auto *count = find<QLabel>("memberKeysCountLabel", dialog);
        QCOMPARE(count->text(), u"2 of %1 keys selected"_s.arg(keys->count()));
        auto *filter = find<QLineEdit>("memberKeysFilterEdit", dialog);
        QTest::keyClicks(filter, u"LÏAM"_s);
        int visible = 0;
        for (int i = 0; i < keys->count(); ++i) {
            if (!keys->item(i)->isHidden()) {
                ++visible;
                QVERIFY2(keys->item(i)->text().startsWith(u"liam"_s) || keys->item(i)->checkState() == Qt::Checked,
                         qPrintable(keys->item(i)->text()));
            }
        }
        QCOMPARE(visible, 3); // liam's key, and carol's two, ticked, never hidden
        // Esc in the filter clears it, and does not close the dialog.
        QTest::keyClick(filter, Qt::Key_Escape);
        QVERIFY(filter->text().isEmpty());
        QVERIFY(dialog->isVisible());
        // Nothing edited yet: the filter is no edit.
        QTest::keyClicks(filter, u"liam"_s);
        MessageBox::setNextAnswer(QMessageBox::Cancel); // would keep it open, were it asked
        dialog->reject();
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"memberDialog"_s));

        QTest::mouseClick(find<QPushButton>("editMemberButton"), Qt::LeftButton);
        dialog = waitFor<QDialog>("memberDialog");
        keys = find<QListWidget>("memberKeysList", dialog);
        for (int i = 0; i < keys->count(); ++i) {
            if (keys->item(i)->text().startsWith(u"liam"_s))
                keys->item(i)->setCheckState(Qt::Checked);
        }
        QCOMPARE(find<QLabel>("memberKeysCountLabel", dialog)->text(), u"3 of %1 keys selected"_s.arg(keys->count()));
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(MessageBox::lastText().startsWith(u"Discard changes?"_s));
        QVERIFY(dialog->isVisible());
        MessageBox::setNextAnswer(QMessageBox::Discard);
        QTest::mouseClick(find<QDialogButtonBox>("memberButtons", dialog)->button(QDialogButtonBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"memberDialog"_s));
        QCOMPARE(member(u"carol"_s)->keyHashes.size(), 2); // nothing saved
    }

    void memberSearchIgnoresAccentsAndSaysNOfM()
    {
        QVERIFY(TeamService(*m_store).addMember({u"Zoë"_s, {}, {}, std::nullopt, true, {}}).ok());
        m_team->reload();
        QTRY_COMPARE(members()->model()->rowCount(), 14);
        auto *search = find<QLineEdit>("memberSearchEdit");
        QTest::keyClicks(search, u"zoe"_s);
        QCOMPARE(members()->model()->rowCount(), 1);
        QCOMPARE(members()->model()->index(0, MemberTableModel::NameColumn).data().toString(), u"Zoë"_s);
        QVERIFY2(find<QLabel>("teamSummaryLabel")->text().startsWith(u"1 shown of 14 members"_s),
                 qPrintable(find<QLabel>("teamSummaryLabel")->text()));
        search->setText(u"nobody here"_s);
        QCOMPARE(members()->model()->rowCount(), 0);
        QVERIFY(find<QLabel>("membersEmptyLabel")->isVisible());
        QTest::keyClick(search, Qt::Key_Escape);
        QCOMPARE(members()->model()->rowCount(), 14);
        QVERIFY(!find<QLabel>("membersEmptyLabel")->isVisible());
        // Money sorts largest first on the first click.
        QHeaderView *header = members()->horizontalHeader();
        const int x = header->sectionViewportPosition(MemberTableModel::WeekColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    }

    // Window size, splitters, columns (width, order, sort), the page and the chosen ranges come
    // back at the next start, for the same team database; another database has its own.
    void remembersTheViewPerDatabase()
    {
        const QString db = m_dir->filePath(u"team.db"_s);
        auto build = [&](const QString &database) {
            m_window = std::make_unique<MainWindow>(m_keys.get(), m_connection.get(), m_audit.get(), m_team.get(), m_spend.get());
            m_window->rememberView(m_settings.get(), database);
            m_window->show();
            return QTest::qWaitForWindowExposed(m_window.get());
        };
        m_window.reset();
        QVERIFY(build(db));
        m_window->resize(1111, 777);
        QHeaderView *header = members()->horizontalHeader();
        header->resizeSection(MemberTableModel::EmailColumn, 321);
        header->moveSection(header->visualIndex(MemberTableModel::StatusColumn), 1);
        members()->sortByColumn(MemberTableModel::TodayColumn, Qt::DescendingOrder);
        auto *range = find<QComboBox>("spendRangeCombo");
        range->setCurrentIndex(range->count() - 1);
        const QString rangeText = range->currentText();
        auto *period = find<QComboBox>("reportPeriodCombo");
        period->setCurrentIndex(period->currentIndex() == 0 ? 1 : 0);
        const QString periodText = period->currentText();
        QVERIFY(m_window->showPage(u"reports"_s));
        QApplication::processEvents();
        auto *splitter = find<QSplitter>("reportSplitter");
        const QList<int> sizes{200, std::max(100, splitter->width() - 200 - splitter->handleWidth())};
        splitter->setSizes(sizes);
        const QList<int> splitterSizes = splitter->sizes();
        QVERIFY(m_window->showPage(u"team"_s));

        m_window.reset(); // the window goes; what it looked like stays
        QVERIFY(build(db));
        QCOMPARE(m_window->size(), QSize(1111, 777));
        QCOMPARE(m_window->currentPage(), u"team"_s);
        header = members()->horizontalHeader();
        QCOMPARE(header->sectionSize(MemberTableModel::EmailColumn), 321);
        QCOMPARE(header->visualIndex(MemberTableModel::StatusColumn), 1);
        QCOMPARE(header->sortIndicatorSection(), int(MemberTableModel::TodayColumn));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        const QAbstractItemModel *m = members()->model();
        for (int r = 1; r < m->rowCount(); ++r) // the rows are sorted too, not only the arrow
            QVERIFY(m->index(r - 1, MemberTableModel::TodayColumn).data(MemberTableModel::SortRole).toDouble()
                    >= m->index(r, MemberTableModel::TodayColumn).data(MemberTableModel::SortRole).toDouble());
        QCOMPARE(find<QComboBox>("spendRangeCombo")->currentText(), rangeText);
        QCOMPARE(find<QComboBox>("reportPeriodCombo")->currentText(), periodText);
        QVERIFY(m_window->showPage(u"reports"_s));
        QApplication::processEvents();
        QCOMPARE(find<QSplitter>("reportSplitter")->sizes(), splitterSizes);

        // Another team database: its own view, the defaults here.
        m_window.reset();
        QVERIFY(build(m_dir->filePath(u"other.db"_s)));
        QVERIFY(m_window->size() != QSize(1111, 777));
        QVERIFY(members()->horizontalHeader()->sectionSize(MemberTableModel::EmailColumn) != 321);
        QCOMPARE(m_window->currentPage(), m_window->pageNames().first());
    }

    void tierEditorWithoutCatalogueKeepsAllowlists()
    {
        m_fake->failNext("GET", u"/models"_s, FakeOpenRouter::errorFault(503, u"Service Unavailable"_s));
        QTest::mouseClick(find<QPushButton>("editTiersButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("tierEditorDialog");
        QVERIFY(dialog);
        auto *message = find<QLabel>("tierMessageLabel", dialog);
        QTRY_VERIFY(message->text().contains(u"Could not load the model list"_s));
        // The models the tiers name are still listed, so saving loses none of them.
        auto *models = find<QTableWidget>("modelTable", dialog);
        QVERIFY(models->rowCount() >= 5);
        find<QListWidget>("tierList", dialog)->setCurrentRow(2); // pro
        QTest::mouseClick(find<QPushButton>("saveTierButton", dialog), Qt::LeftButton);
        QCOMPARE(must(m_store->team().tiers()).at(2).allowedModels, defaultTiers().at(2).allowedModels);
        dialog->reject();
    }

    void rosterImportPreviewsAndWaitsForConfirmation()
    {
        const QString path = m_dir->filePath(u"roster.csv"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name,email,tier,daily_limit\n"
                "zoe,zoe@example.com,basic,\n"    // line 2: new
                "bob,bob@example.com,pro,\n"      // line 3: tier change
                "yann,yann@example,gold,\n"       // line 4: unknown tier (rejected)
                "xena,,basic,-1\n"                // line 5: negative limit (rejected)
                "alice,alice@example.com,pro,\n"  // line 6: unchanged
                "walt,,basic\n");                 // line 7: short row (rejected)
        f.close();
        page()->setFileChooser([path] { return path; });
        QTest::mouseClick(find<QPushButton>("importRosterButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("rosterImportDialog");
        QVERIFY(dialog);
        auto *preview = find<QTableWidget>("rosterPreviewTable", dialog);
        const QStringList rows = previewRows(preview);
        QCOMPARE(rows.size(), 5);
        QVERIFY2(rows.at(0).startsWith(u"4 | Rejected | yann | "_s) && rows.at(0).contains(u"gold"_s), qPrintable(rows.at(0)));
        QVERIFY(rows.at(1).startsWith(u"5 | Rejected | xena | Daily limit"_s));
        QVERIFY(rows.at(2).startsWith(u"7 | Rejected | walt | "_s));
        QCOMPARE(rows.at(3), u"2 | Add | zoe | tier basic, zoe@example.com"_s);
        QCOMPARE(rows.at(4), u"3 | Change | bob | tier basic → pro"_s);
        QVERIFY(find<QLabel>("rosterSummaryLabel", dialog)->text().startsWith(u"1 to add, 1 to change, 0 to offboard, 1 unchanged, 3 rejected"_s));

        // The whole-team switch offboards nobody while rows are rejected (any of them may be a
        // member the file seems to leave out), and says so.
        find<QCheckBox>("offboardMissingCheck", dialog)->setChecked(true);
        QCOMPARE(previewRows(preview).size(), 5);
        QVERIFY(find<QLabel>("rosterSummaryLabel", dialog)->text().contains(u"0 to offboard"_s));
        QVERIFY2(find<QLabel>("rosterErrorLabel", dialog)->text().contains(u"No one missing from the file is offboarded while 3 rows are rejected"_s),
                 qPrintable(find<QLabel>("rosterErrorLabel", dialog)->text()));
        snapshot(dialog, "roster-import");
        QTest::mouseClick(find<QDialogButtonBox>("rosterButtons", dialog)->button(QDialogButtonBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"rosterImportDialog"_s));

        // The same file without its rejected rows: the switch shows who would be offboarded;
        // nothing has changed yet.
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("name,email,tier,daily_limit\n"
                "zoe,zoe@example.com,basic,\n"
                "bob,bob@example.com,pro,\n"
                "alice,alice@example.com,pro,\n");
        f.close();
        QTest::mouseClick(find<QPushButton>("importRosterButton"), Qt::LeftButton);
        dialog = waitFor<QDialog>("rosterImportDialog");
        QVERIFY(dialog);
        preview = find<QTableWidget>("rosterPreviewTable", dialog);
        find<QCheckBox>("offboardMissingCheck", dialog)->setChecked(true);
        QCOMPARE(previewRows(preview).size(), 2 + 10);
        QVERIFY(previewRows(preview).join(u'\n').contains(u"— | Offboard | frank | revokes 2 keys"_s));
        QVERIFY(!member(u"zoe"_s));
        QCOMPARE(member(u"bob"_s)->tier, u"basic"_s);
        // Declining the offboarding confirmation imports nothing at all.
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(find<QPushButton>("rosterImportButton", dialog), Qt::LeftButton);
        QVERIFY(!member(u"zoe"_s));
        QVERIFY(fakeKeyNamed(u"frank-ci"_s));

        find<QCheckBox>("offboardMissingCheck", dialog)->setChecked(false);
        QTest::mouseClick(find<QPushButton>("rosterImportButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"rosterImportDialog"_s));
        QCOMPARE(member(u"zoe"_s)->email, u"zoe@example.com"_s);
        QCOMPARE(member(u"bob"_s)->tier, u"pro"_s);
        QVERIFY(!member(u"yann"_s) && !member(u"xena"_s) && !member(u"walt"_s));
        QVERIFY(member(u"frank"_s)->active);
        QCOMPARE(auditLog().first().action, AuditAction::Import);
    }

    void brokenRosterFileImportsNothing()
    {
        const QString path = m_dir->filePath(u"broken.csv"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name,tier\n\"zoe,basic\n");
        f.close();
        page()->setFileChooser([path] { return path; });
        QTest::mouseClick(find<QPushButton>("importRosterButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("rosterImportDialog");
        QVERIFY(dialog);
        QVERIFY(find<QLabel>("rosterErrorLabel", dialog)->text().contains(u"never closed"_s));
        QVERIFY(!find<QPushButton>("rosterImportButton", dialog)->isEnabled());
        dialog->reject();
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"rosterImportDialog"_s));

        // Not UTF-8 (a spreadsheet's legacy export) is named as such.
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name,tier\nJos\xe9,basic\n");
        f.close();
        QTest::mouseClick(find<QPushButton>("importRosterButton"), Qt::LeftButton);
        QTRY_VERIFY((dialog = m_window->findChild<QDialog *>(u"rosterImportDialog"_s)));
        QVERIFY(find<QLabel>("rosterErrorLabel", dialog)->text().contains(u"not UTF-8"_s));
        dialog->reject();
        QCOMPARE(must(m_store->team().members()).size(), 13);
    }

    void offboardingRevokesEveryKeyOnceConfirmed()
    {
        const ApiKey platform = *fakeKeyNamed(u"frank-platform"_s);
        const ApiKey ci = *fakeKeyNamed(u"frank-ci"_s);
        page()->selectMembers({u"frank"_s});
        MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(find<QPushButton>("offboardButton"), Qt::LeftButton);
        QVERIFY(MessageBox::lastText().contains(u"Offboard frank and revoke 2 keys?"_s));
        QVERIFY(fakeKeyNamed(u"frank-ci"_s));
        QVERIFY(member(u"frank"_s)->active);

        // One revoke fails: Frank stays active and the message names the key.
        m_fake->failNext("DELETE", u"/keys/"_s + ci.hash, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(find<QPushButton>("offboardButton"), Qt::LeftButton);
        auto *banner = m_window->errorBanner();
        QTRY_VERIFY(banner->isVisible());
        QVERIFY2(banner->findChild<QLabel *>()->text().contains(u"frank-ci"_s), qPrintable(banner->findChild<QLabel *>()->text()));
        QVERIFY(!m_fake->key(platform.hash));
        QVERIFY(m_fake->key(ci.hash));
        QVERIFY(member(u"frank"_s)->active);

        // Again: done, and the member shows as offboarded.
        page()->selectMembers({u"frank"_s});
        MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(find<QPushButton>("offboardButton"), Qt::LeftButton);
        QTRY_VERIFY(!member(u"frank"_s)->active);
        QVERIFY(!m_fake->key(ci.hash));
        QCOMPARE(cell(u"frank"_s, MemberTableModel::StatusColumn), u"Offboarded"_s);
        QVERIFY(!find<QPushButton>("offboardButton")->isEnabled());
        QVERIFY(fakeKeyNamed(u"grace-research"_s)); // nobody else's keys
    }

    void guardrailPreviewThenApplyThenNothingToDo()
    {
        QTest::mouseClick(find<QPushButton>("applyTiersButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("guardrailDialog");
        QVERIFY(dialog);
        auto *status = find<QLabel>("guardrailStatusLabel", dialog);
        auto *steps = find<QListWidget>("guardrailStepsList", dialog);
        QTRY_VERIFY(status->text().contains(u"changes will make OpenRouter enforce the tiers"_s));
        // Four tiers with members: four guardrails to create and four groups of keys to assign; Jamal
        // and Grace have daily limits of their own: a guardrail each, and their keys assigned to it.
        QCOMPARE(steps->count(), 12);
        QCOMPARE(steps->item(0)->text(), u"Create guardrail \"orteam tier: free\": $0.50 a day, 1 model."_s);
        QVERIFY(steps->item(3)->text().contains(u"enterprise\": no limit, every model"_s));
        bool jamalWeekly = false;
        for (int i = 0; i < steps->count(); ++i)
            jamalWeekly |= steps->item(i)->text().startsWith(u"Create guardrail \"orteam member: jamal\""_s)
                && steps->item(i)->text().contains(u" a week"_s);
        QVERIFY(jamalWeekly); // his own budget is a week's: so is his guardrail's reset
        // What if: the demo's history replayed against the tiers as they are, from the database.
        auto *whatIf = find<QPlainTextEdit>("whatIfText", dialog);
        QVERIFY2(whatIf->toPlainText().contains(u"(30 days"_s) && whatIf->toPlainText().contains(u"jamal (basic, $"_s),
                 qPrintable(whatIf->toPlainText()));
        const Result<WhatIfResult> expected = m_team->whatIf(90);
        QVERIFY(expected.ok());
        auto *days = find<QComboBox>("whatIfDaysCombo", dialog);
        days->setCurrentIndex(days->findData(90));
        QCOMPARE(whatIf->toPlainText(), expected->text()); // the service's own answer, as it is
        snapshot(dialog, "guardrail-preview");
        QVERIFY(m_fake->guardrails().isEmpty()); // a preview changes nothing
        QTest::mouseClick(find<QPushButton>("guardrailApplyButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"guardrailDialog"_s));
        QCOMPARE(m_fake->guardrails().size(), 6);
        QCOMPARE(m_fake->guardrailOfKey().size(), 18); // every active member's key (Max has left)
        for (const Tier &t : must(m_store->team().tiers()))
            QVERIFY2(!t.guardrailId.isEmpty(), qPrintable(t.name));

        QTest::mouseClick(find<QPushButton>("applyTiersButton"), Qt::LeftButton);
        QTRY_VERIFY((dialog = m_window->findChild<QDialog *>(u"guardrailDialog"_s)));
        QTRY_VERIFY(find<QLabel>("guardrailStatusLabel", dialog)->text().contains(u"nothing to do"_s));
        QVERIFY(!find<QPushButton>("guardrailApplyButton", dialog)->isEnabled());
        dialog->reject();
    }

    // The Workspaces page: the demo's departments with their budgets and this month's spend (the
    // service's numbers), a budget previewed with its what-if and applied at OpenRouter, a member
    // added by ticking them, and the chargeback exported as the same CSV orteam-cli writes.
    void workspacesPageListsEditsAndExports()
    {
        // One member linked to an OpenRouter user, so the members dialog has someone to tick.
        const QList<Member> team = must(m_store->team().members());
        QVERIFY(m_store->team().setUserIds({{team.first().name, u"user_demo01"_s}}).ok());
        QVERIFY(m_window->showPage(u"workspaces"_s));
        WorkspacesPage *page = m_window->workspacesPage();
        WorkspaceController *workspaces = m_window->workspaces();
        QTRY_COMPARE(page->table()->model()->rowCount(), 3);
        const QList<WorkspaceService::Row> rows = workspaces->model()->rows();
        int ml = -1, product = -1;
        for (int i = 0; i < rows.size(); ++i) {
            ml = rows.at(i).workspace.slug == "ml-platform"_L1 ? i : ml;
            product = rows.at(i).workspace.slug == "product"_L1 ? i : product;
        }
        QVERIFY(ml >= 0 && product >= 0);
        QCOMPARE(page->table()->model()->index(ml, WorkspaceTableModel::BudgetsColumn).data().toString(),
                 u"$120.00 a day, $2,500.00 a month"_s);
        // This month's spend, as the service reads it from the keys' snapshots.
        const QDate today = QDateTime::currentDateTimeUtc().date();
        const QList<WorkspaceSpend> month = must(m_store->workspaces().spendByWorkspace(QDate(today.year(), today.month(), 1), today));
        double mlMonth = -1;
        for (const WorkspaceSpend &w : month)
            mlMonth = w.name == "ML Platform"_L1 ? w.cost : mlMonth;
        QVERIFY(mlMonth > 0);
        QCOMPARE(page->table()->model()->index(ml, WorkspaceTableModel::MonthColumn).data().toString(), formatUsd(mlMonth));
        auto *chargeback = page->chargebackTable();
        QCOMPARE(chargeback->model()->rowCount(), int(month.size()));
        QCOMPARE(chargeback->model()->index(0, ChargebackTableModel::CostColumn).data().toString(), formatUsd(month.first().cost));
        snapshot(m_window.get(), "workspaces");

        // Budgets: nothing to do as they are; a weekly one added shows its change and what-if.
        page->table()->selectRow(ml);
        QTest::mouseClick(find<QPushButton>("workspacesBudgetsButton"), Qt::LeftButton);
        auto *dialog = waitFor<WorkspaceBudgetDialog>("workspaceBudgetDialog");
        QVERIFY(dialog);
        auto *status = find<QLabel>("workspaceBudgetStatusLabel", dialog);
        QTRY_VERIFY2(status->text().contains(u"nothing to do"_s), qPrintable(status->text()));
        dialog->setAmount(WorkspaceInterval::Weekly, 500);
        auto *apply = find<QPushButton>("workspaceBudgetApplyButton", dialog);
        QTRY_VERIFY(apply->isEnabled());
        auto *changes = find<QListWidget>("workspaceBudgetChangesList", dialog);
        QCOMPARE(changes->count(), 1);
        QCOMPARE(changes->item(0)->text(), u"weekly: set $500.00"_s);
        QVERIFY(find<QPlainTextEdit>("workspaceWhatIfText", dialog)->toPlainText().startsWith(u"Spent $"_s));
        // An impossible set says why and cannot be applied.
        dialog->setAmount(WorkspaceInterval::Daily, 900);
        QTRY_VERIFY(status->text().contains(u"must be more than the daily"_s));
        QVERIFY(!apply->isEnabled());
        dialog->setAmount(WorkspaceInterval::Daily, 120);
        QTRY_VERIFY(apply->isEnabled());
        snapshot(dialog, "workspace-budgets");
        QTest::mouseClick(apply, Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"workspaceBudgetDialog"_s));
        bool weekly = false;
        for (const FakeOpenRouter::FakeWorkspace &w : m_fake->workspaces()) {
            for (const WorkspaceBudget &b : w.budgets)
                weekly |= w.workspace.slug == "ml-platform"_L1 && b.interval == WorkspaceInterval::Weekly && b.limitUsd == 500;
        }
        QVERIFY(weekly);
        QTRY_COMPARE(page->table()->model()->index(ml, WorkspaceTableModel::BudgetsColumn).data().toString(),
                     u"$120.00 a day, $500.00 a week, $2,500.00 a month"_s);

        // Members: the linked member ticked in a department they are not in, previewed, applied.
        const QString user = u"user_demo01"_s;
        const int home = workspaces->model()->rows().at(ml).userIds.contains(user) ? ml
                         : workspaces->model()->rows().at(product).userIds.contains(user) ? product : -1;
        const int target = home == ml ? product : ml;
        auto openMembers = [&](int row) -> WorkspaceMembersDialog * {
            page->table()->selectRow(row);
            QTest::mouseClick(find<QPushButton>("workspacesMembersButton"), Qt::LeftButton);
            return waitFor<WorkspaceMembersDialog>("workspaceMembersDialog");
        };
        auto linkedItem = [&](WorkspaceMembersDialog *membersDialog) -> QListWidgetItem * {
            QListWidgetItem *linked = nullptr;
            for (int i = 0; i < membersDialog->list()->count(); ++i) {
                QListWidgetItem *item = membersDialog->list()->item(i);
                if (item->data(Qt::UserRole).toString() == team.first().name)
                    linked = item;
                else if (item->flags() & Qt::ItemIsUserCheckable)
                    return nullptr; // only a member linked to OpenRouter can be ticked
            }
            return linked;
        };
        WorkspaceMembersDialog *members = openMembers(target);
        QVERIFY(members);
        QListWidgetItem *linked = linkedItem(members);
        QVERIFY(linked);
        QCOMPARE(linked->checkState(), Qt::Unchecked);
        linked->setCheckState(Qt::Checked);
        auto *go = find<QPushButton>("workspaceMembersApplyButton", members);
        QTest::mouseClick(go, Qt::LeftButton);
        QTRY_COMPARE(find<QLabel>("workspaceMembersStatusLabel", members)->text(), u"Add: %1"_s.arg(team.first().name));
        QTest::mouseClick(go, Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"workspaceMembersDialog"_s));
        const QString targetId = workspaces->model()->rows().at(target).workspace.id;
        for (const FakeOpenRouter::FakeWorkspace &w : m_fake->workspaces()) {
            if (w.workspace.id == targetId)
                QVERIFY(w.members.contains(user));
        }
        // Taking them out of the department where their keys are: OpenRouter refuses, and the
        // dialog says so and stays open.
        QVERIFY(home >= 0); // Alice's keys are in Product, a pro team's department
        {
            QTRY_VERIFY(!workspaces->isBusy());
            members = openMembers(home);
            QVERIFY(members);
            linkedItem(members)->setCheckState(Qt::Unchecked);
            go = find<QPushButton>("workspaceMembersApplyButton", members);
            QTest::mouseClick(go, Qt::LeftButton);
            QTRY_VERIFY(find<QLabel>("workspaceMembersStatusLabel", members)->text().startsWith(u"Remove: "_s));
            QTest::mouseClick(go, Qt::LeftButton);
            QTRY_VERIFY2(find<QLabel>("workspaceMembersStatusLabel", members)->text().contains(u"active API keys"_s),
                         qPrintable(find<QLabel>("workspaceMembersStatusLabel", members)->text()));
            members->reject();
        }

        // The chargeback, exported: the domain's CSV of what the table shows.
        const QString path = m_dir->filePath(u"chargeback.csv"_s);
        page->setSaveChooser([&](const QString &, const QString &suggested, const QString &) {
            return suggested.startsWith(u"chargeback-"_s) ? path : QString();
        });
        QTest::mouseClick(find<QPushButton>("chargebackExportButton"), Qt::LeftButton);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), workspaceChargebackCsv(workspaces->chargebackModel()->rows()));

        // The Reports page exports the same chargeback over its report's window.
        QVERIFY(m_window->showPage(u"reports"_s));
        auto *reports = m_window->findChild<ReportsPage *>();
        const QString reportPath = m_dir->filePath(u"report-chargeback.csv"_s);
        reports->setSaveChooser([&](const QString &, const QString &suggested, const QString &) {
            return suggested.startsWith(u"orteam-chargeback-"_s) ? reportPath : QString();
        });
        QTest::mouseClick(find<QPushButton>("exportChargebackButton"), Qt::LeftButton);
        QFile reportFile(reportPath);
        QVERIFY(reportFile.open(QIODevice::ReadOnly));
        QCOMPARE(reportFile.readAll(),
                 workspaceChargebackCsv(must(m_store->workspaces().spendByWorkspace(reports->report().from, reports->report().to))));
    }

    // Matching with OpenRouter: the demo's members have OpenRouter users with their emails. The
    // dialog picks them, refuses one user for two members, saves what is picked (one member left
    // unlinked by hand), shows who is linked, and Apply tiers then binds the linked as people.
    void matchWithOpenRouterLinksThenApplyBindsPeople()
    {
        QTest::mouseClick(find<QPushButton>("matchMembersButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("memberLinkDialog");
        QVERIFY(dialog);
        auto *status = find<QLabel>("memberLinkStatusLabel", dialog);
        auto *save = find<QPushButton>("memberLinkSaveButton", dialog);
        const QList<Member> members = must(m_store->team().members());
        QTRY_VERIFY(status->text().contains(u"link(s) to save"_s) || status->text().contains(u"links to save"_s));
        auto *table = find<QTableWidget>("memberLinkTable", dialog);
        QCOMPARE(table->rowCount(), members.size());
        auto pickOf = [&](int row) { return qobject_cast<QComboBox *>(table->cellWidget(row, 2)); };
        QVERIFY(pickOf(0) && pickOf(1));
        QVERIFY(!pickOf(0)->currentData().toString().isEmpty()); // matched by email
        // Everyone still in the organization (Max has left it) is matched by their email.
        const int matched = int(std::count_if(members.cbegin(), members.cend(), [](const Member &m) { return m.active && !m.email.isEmpty(); }));
        QTRY_VERIFY2(status->text().startsWith(u"%1 links to save"_s.arg(matched)), qPrintable(status->text() + u" / "_s + QString::number(matched)));
        // One user for two members: said, and Save is off until it is undone.
        const int first = pickOf(1)->currentIndex();
        const QString wouldHaveBeen = pickOf(1)->itemData(first).toString();
        pickOf(1)->setCurrentIndex(pickOf(0)->currentIndex());
        QVERIFY(status->text().contains(u"one member only"_s));
        QVERIFY(!save->isEnabled());
        pickOf(1)->setCurrentIndex(first);
        QVERIFY(save->isEnabled());
        pickOf(1)->setCurrentIndex(0); // the second member stays unlinked, by hand
        const QString unlinked = table->item(1, 0)->text();
        // Row 0 is Alice, the admin who made keys for others: she is linked but bound per key only.
        const QString adminName = table->item(0, 0)->text();
        const QString linkedName = table->item(2, 0)->text();
        const QString linkedUser = pickOf(2)->currentData().toString();
        QVERIFY(!linkedUser.isEmpty());
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"memberLinkDialog"_s));
        QCOMPARE(must(m_store->team().member(linkedName)).userId, linkedUser);
        QVERIFY(!must(m_store->team().member(unlinked)).isLinked());
        // The Team page says who is linked.
        auto *view = find<QTableView>("membersTable");
        QTRY_VERIFY([&] {
            for (int r = 0; r < view->model()->rowCount(); ++r) {
                if (view->model()->index(r, MemberTableModel::NameColumn).data().toString() == linkedName)
                    return view->model()->index(r, MemberTableModel::OpenRouterColumn).data().toString() == u"Linked"_s;
            }
            return false;
        }());

        // Apply tiers binds the linked members as people and says who is bound per key only.
        QTest::mouseClick(find<QPushButton>("applyTiersButton"), Qt::LeftButton);
        auto *apply = waitFor<QDialog>("guardrailDialog");
        QVERIFY(apply);
        auto *steps = find<QListWidget>("guardrailStepsList", apply);
        QTRY_VERIFY(find<QPushButton>("guardrailApplyButton", apply)->isEnabled());
        QStringList texts;
        for (int i = 0; i < steps->count(); ++i)
            texts << steps->item(i)->text();
        QVERIFY2(texts.join(u'\n').contains(u"across all their keys"_s), qPrintable(texts.join(u'\n')));
        const QString notes = find<QLabel>("guardrailNotesLabel", apply)->text();
        QVERIFY2(notes.contains(unlinked), qPrintable(notes));
        QVERIFY2(notes.contains(adminName + u" ("_s) && notes.contains(u"made by them"_s), qPrintable(notes));
        QTest::mouseClick(find<QPushButton>("guardrailApplyButton", apply), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"guardrailDialog"_s));
        const auto people = m_fake->memberAssignments();
        QVERIFY(std::any_of(people.cbegin(), people.cend(), [&](const auto &a) { return a.second == linkedUser; }));
        // The user email matching had picked for the member left unlinked is bound to nothing.
        QVERIFY(!wouldHaveBeen.isEmpty());
        QVERIFY(std::none_of(people.cbegin(), people.cend(), [&](const auto &a) { return a.second == wouldHaveBeen; }));
    }

    void guardrailFailureSaysWhereItStopped()
    {
        m_fake->failNext("GET", u"/guardrails"_s, FakeOpenRouter::errorFault(502, u"Bad Gateway"_s));
        QTest::mouseClick(find<QPushButton>("applyTiersButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("guardrailDialog");
        QVERIFY(dialog);
        QTRY_VERIFY(find<QLabel>("guardrailStatusLabel", dialog)->text().contains(u"Nothing was changed"_s));
        QVERIFY(!find<QPushButton>("guardrailApplyButton", dialog)->isEnabled());
        dialog->reject();
    }

    void spendPageDrawsTheNumbersAndLeadsToKeys()
    {
        QVERIFY(m_window->showPage(u"spend"_s));
        SpendPage *page = m_window->spendPage();
        QVERIFY(page);
        // Per member this week: the chart's bars are the controller's numbers, biggest on top.
        const auto bars = must(m_spend->memberBars(SpendController::Period::Week));
        auto *series = qobject_cast<QHorizontalStackedBarSeries *>(page->memberChart()->series().value(0));
        QVERIFY(series);
        QCOMPARE(series->barSets().size(), 3);
        const int shown = int(std::min<qsizetype>(bars.size(), 8));
        QCOMPARE(series->barSets().at(0)->count(), shown);
        const int top = shown - 1; // horizontal bars: the last category is drawn on top
        const double budget = bars.at(0).budget.value_or(bars.at(0).spent);
        QCOMPARE(series->barSets().at(0)->at(top) + series->barSets().at(1)->at(top), bars.at(0).spent);
        QCOMPARE(series->barSets().at(0)->at(top) + series->barSets().at(2)->at(top) + series->barSets().at(1)->at(top),
                 std::max(budget, bars.at(0).spent));
        auto *axis = qobject_cast<QBarCategoryAxis *>(page->memberChart()->axes(Qt::Vertical).value(0));
        QVERIFY(axis);
        QCOMPARE(axis->categories().at(top), bars.at(0).member);
        // Daily history beyond OpenRouter's 30 days, and the model split, from the store.
        auto *team = qobject_cast<QLineSeries *>(page->dailyChart()->series().value(0));
        QVERIFY(team);
        // It starts where the history does (no $0 days before it), at most 90 days back.
        const QDate first = GuiTest::must(m_store->spend().firstSpendDay());
        const QDate today = QDateTime::currentDateTimeUtc().date();
        QCOMPARE(team->count(), int(std::min<qint64>(90, first.daysTo(today) + 1)));
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(qint64(team->at(0).x()), QTimeZone::utc()).date(), std::max(first, today.addDays(-89)));
        QVERIFY(team->count() > 40);
        double older = 0;
        for (int i = 0; i < team->count() - 30; ++i)
            older += team->at(i).y();
        QVERIFY(older > 0); // spend older than OpenRouter's 30 days is drawn
        QVERIFY(!page->modelChart()->series().isEmpty());
        QVERIFY(!page->burnChart()->series().isEmpty());
        QVERIFY(find<QLabel>("burnForecastLabel")->text().contains(u"runs out around"_s));
        // The range switch redraws from the store.
        find<QComboBox>("spendRangeCombo")->setCurrentIndex(0);
        QCOMPARE(qobject_cast<QLineSeries *>(page->dailyChart()->series().value(0))->count(), 7);

        // Clicking a member's bar shows their keys.
        Q_EMIT series->barSets().at(0)->clicked(top);
        auto *search = m_window->keysPage()->findChild<QLineEdit *>(u"keySearchLineEdit"_s);
        QCOMPARE(search->text(), bars.at(0).member);
        QVERIFY(m_window->keysPage()->isVisible());
    }

    void spendPageSaysWhenItCannotRead()
    {
        QVERIFY(m_window->showPage(u"spend"_s));
        SpendPage *page = m_window->spendPage();
        QVERIFY(!page->memberChart()->series().isEmpty());
        // The gateway's usage rows go away under the running dashboard.
        QVERIFY(tamper({u"ALTER TABLE user_usage RENAME TO user_usage_away"_s}));
        QSignalSpy problem(page, &SpendPage::problem);
        m_spend->refresh();
        QVERIFY(!problem.isEmpty());
        auto *label = find<QLabel>("spendErrorLabel");
        QVERIFY(label->isVisible());
        QVERIFY2(label->text().contains(u"user_usage"_s), qPrintable(label->text()));
        QVERIFY(m_window->errorBanner()->message().contains(u"user_usage"_s));
        // Not drawn as nobody spending anything: the charts it feeds are empty, not flat at $0.
        QVERIFY(page->memberChart()->series().isEmpty());
        QVERIFY(page->dailyChart()->series().isEmpty());

        QVERIFY(tamper({u"ALTER TABLE user_usage_away RENAME TO user_usage"_s}));
        m_spend->refresh();
        QVERIFY(!label->isVisible());
        QVERIFY(!page->memberChart()->series().isEmpty());
        QVERIFY(!page->dailyChart()->series().isEmpty());
    }

    // The burn text never gives the all-clear for limits it does not know: before the key list
    // has loaded it says they are unknown; after a failed refresh it says they are as last read.
    void spendForecastSaysWhenTheLimitsAreUnknown()
    {
        KeyListController fresh(m_client.get(), m_store.get());
        SpendController spend(m_store.get(), &fresh);
        SpendPage unloaded(&spend);
        // On screen: a hidden page is redrawn when next shown, not at each refresh.
        unloaded.show();
        QVERIFY(QTest::qWaitForWindowExposed(&unloaded));
        auto *label = find<QLabel>("burnForecastLabel", &unloaded);
        QVERIFY2(label->text().contains(u"limits are unknown until the key list has loaded"_s), qPrintable(label->text()));
        QVERIFY(!label->text().contains(u"No limit runs out"_s));
        QVERIFY(GuiTest::waitRefresh(fresh));
        QVERIFY2(!label->text().contains(u"unknown"_s), qPrintable(label->text()));

        // A new team database has no history while the keys spend: no rate, so no all-clear.
        Store empty;
        QString error;
        QVERIFY(empty.open(*DbLocation::parse(m_dir->filePath(u"new.db"_s), &error)));
        SpendController newSpend(&empty, &fresh);
        SpendPage newPage(&newSpend);
        const QString text = find<QLabel>("burnForecastLabel", &newPage)->text();
        QVERIFY2(text.contains(u"Not enough history to forecast"_s) && !text.contains(u"No limit runs out"_s), qPrintable(text));

        QVERIFY(m_window->showPage(u"spend"_s));
        auto *burn = find<QLabel>("burnForecastLabel", m_window->spendPage());
        QVERIFY(!burn->text().contains(u"last refresh failed"_s));
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s));
        QVERIFY(waitRefresh());
        QVERIFY2(burn->text().contains(u"Limits as last read. As of "_s) && burn->text().contains(u"the last refresh failed"_s),
                 qPrintable(burn->text()));
        QVERIFY(!burn->text().contains(u"No limit runs out"_s));
        QVERIFY(waitRefresh());
        QVERIFY(!burn->text().contains(u"last refresh failed"_s));
    }

    // Each chart is named by its title and described by its data for a screen reader, and its
    // "Show as table" gives the controller's numbers, the same the chart draws.
    void chartsAreAccessibleAndShowTheirNumbersAsATable()
    {
        QVERIFY(m_window->showPage(u"spend"_s));
        QList<QChartView *> views = m_window->spendPage()->findChildren<QChartView *>();
        QVERIFY(m_window->showPage(u"reports"_s));
        views << m_window->reportsPage()->findChildren<QChartView *>();
        QCOMPARE(views.size(), 8); // six on the Spend page (members, daily, model, provider, workspace, burn), two on Reports
        // The member chart draws the eight biggest of the demo's thirteen, and its title says so.
        const QString memberTitle = m_window->spendPage()->findChild<QChartView *>(u"memberSpendChart"_s)->chart()->title();
        const QRegularExpressionMatch biggest = QRegularExpression(u"the 8 biggest of (\\d+)"_s).match(memberTitle);
        QVERIFY2(biggest.hasMatch() && biggest.captured(1).toInt() > 8, qPrintable(memberTitle));
        for (QChartView *view : views) {
            QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(view);
            QVERIFY(iface);
            QCOMPARE(iface->text(QAccessible::Name), view->chart()->title());
            QVERIFY2(!iface->text(QAccessible::Name).isEmpty(), qPrintable(view->objectName()));
            const QString description = iface->text(QAccessible::Description);
            QVERIFY2(description.contains(u"the highest is $"_s), qPrintable(view->objectName() + u": "_s + description));
            QVERIFY(view->actions().value(0) && view->actions().value(0)->objectName().endsWith(u"TableAction"_s));
        }

        // What a table shows, by its action: every row as its cells' raw values.
        auto tableOf = [this](QChartView *view) {
            view->actions().value(0)->trigger();
            auto *dialog = view->findChild<QDialog *>(u"chartTableDialog"_s);
            QTableView *table = dialog ? dialog->findChild<QTableView *>(u"chartTableView"_s) : nullptr;
            QList<QVariantList> rows;
            if (!table)
                return rows;
            for (int r = 0; r < table->model()->rowCount(); ++r) {
                QVariantList row;
                for (int c = 0; c < table->model()->columnCount(); ++c)
                    row << table->model()->index(r, c).data(Qt::UserRole);
                rows << row;
            }
            dialog->close();
            return rows;
        };
        auto viewNamed = [&](const QString &name) {
            for (QChartView *v : views) {
                if (v->objectName() == name)
                    return v;
            }
            qFatal("no chart %s", qPrintable(name));
            return static_cast<QChartView *>(nullptr);
        };

        const auto bars = must(m_spend->memberBars(SpendController::Period::Week));
        const QList<QVariantList> members = tableOf(viewNamed(u"memberSpendChart"_s));
        QCOMPARE(members.size(), std::min<qsizetype>(bars.size(), 8));
        for (qsizetype i = 0; i < members.size(); ++i) {
            QCOMPARE(members.at(i).at(0).toString(), bars.at(i).member);
            QCOMPARE(members.at(i).at(1).toDouble(), bars.at(i).spent);
            if (bars.at(i).budget)
                QCOMPARE(members.at(i).at(2).toDouble(), *bars.at(i).budget);
        }

        const auto team = must(m_spend->teamDaily(90));
        const auto top = must(m_spend->topMembersDaily(90, 5));
        const QList<QVariantList> daily = tableOf(viewNamed(u"dailySpendChart"_s));
        QCOMPARE(daily.size(), team.size());
        QVERIFY(!top.isEmpty());
        for (qsizetype i = 0; i < daily.size(); ++i) {
            QCOMPARE(daily.at(i).at(0).toDate(), team.at(i).first);
            QCOMPARE(daily.at(i).at(1).toDouble(), team.at(i).second);
            QCOMPARE(daily.at(i).at(2).toDouble(), top.at(0).second.at(i).second);
        }

        const auto models = must(m_spend->byModel(90));
        const QList<QVariantList> byModel = tableOf(viewNamed(u"modelSpendChart"_s));
        QCOMPARE(byModel.size(), std::min<qsizetype>(models.size(), 8));
        QCOMPARE(byModel.at(0).at(0).toString(), models.at(0).name);
        QCOMPARE(byModel.at(0).at(1).toDouble(), models.at(0).cost);

        // By provider, beside by model: the service's numbers, and the same spend split the other way.
        const auto providers = must(m_spend->byProvider(90));
        const QList<QVariantList> byProvider = tableOf(viewNamed(u"providerSpendChart"_s));
        QVERIFY(providers.size() >= 2);
        QCOMPARE(byProvider.size(), std::min<qsizetype>(providers.size(), 8));
        double modelTotal = 0, providerTotal = 0;
        for (const ModelSpend &m : models)
            modelTotal += m.cost;
        for (qsizetype i = 0; i < providers.size(); ++i) {
            providerTotal += providers.at(i).cost;
            if (i >= byProvider.size())
                continue;
            QVERIFY(!providers.at(i).name.isEmpty()); // the demo's activity says who served it
            QCOMPARE(byProvider.at(i).at(0).toString(), providers.at(i).name);
            QCOMPARE(byProvider.at(i).at(1).toDouble(), providers.at(i).cost);
            QCOMPARE(byProvider.at(i).at(2).toLongLong(), providers.at(i).requests);
        }
        QCOMPARE(providerTotal, modelTotal);

        // By workspace: the demo's departments, from the keys' snapshots, as the service reads them.
        const auto departments = must(m_spend->byWorkspace(90));
        const QList<QVariantList> byWorkspace = tableOf(viewNamed(u"workspaceSpendChart"_s));
        QVERIFY(departments.size() >= 3); // ML Platform, Product and the default workspace
        QCOMPARE(byWorkspace.size(), std::min<qsizetype>(departments.size(), 8));
        for (qsizetype i = 0; i < byWorkspace.size(); ++i) {
            QCOMPARE(byWorkspace.at(i).at(0).toString(), departments.at(i).name);
            QCOMPARE(byWorkspace.at(i).at(1).toDouble(), departments.at(i).cost);
        }

        const auto burns = must(m_spend->burns());
        const QList<QVariantList> burn = tableOf(viewNamed(u"burnChart"_s));
        QCOMPARE(burn.size(), burns.size());
        for (qsizetype i = 0; i < burn.size(); ++i) {
            QCOMPARE(burn.at(i).at(0).toString(), burns.at(i).what);
            QCOMPARE(burn.at(i).at(1).toDouble(), burns.at(i).forecast.remaining);
            if (burns.at(i).forecast.reachedOn)
                QCOMPARE(burn.at(i).at(3).toDate(), *burns.at(i).forecast.reachedOn);
        }

        const TeamReport report = must(m_spend->report(ReportPeriod::Weekly));
        const QList<QVariantList> comparison = tableOf(m_window->reportsPage()->comparisonView());
        QCOMPARE(comparison.size(), std::min<qsizetype>(report.rows.size(), 10));
        QCOMPARE(comparison.at(0).at(0).toString(), report.rows.at(0).member);
        QCOMPARE(comparison.at(0).at(1).toDouble(), report.rows.at(0).cost);
        QCOMPARE(comparison.at(0).at(2).toDouble(), report.rows.at(0).previousCost);
        const QList<QVariantList> trend = tableOf(m_window->reportsPage()->trendView());
        const auto history = must(m_spend->teamDaily(14));
        QVERIFY(trend.size() > history.size()); // the days drawn, then the forecast's
        for (qsizetype i = 0; i < history.size(); ++i)
            QCOMPARE(trend.at(i).at(1).toDouble(), history.at(i).second);
    }

    void reportsPageShowsTheReportAndExportsIt()
    {
        QVERIFY(m_window->showPage(u"reports"_s));
        ReportsPage *page = m_window->reportsPage();
        QVERIFY(page);
        const TeamReport expected = must(m_store->spend().teamReport(ReportPeriod::Weekly, QDateTime::currentDateTimeUtc().date()));
        QVERIFY(expected.rows.size() >= 5);
        // The table is the store's report: biggest spender first, the change and forecast beside.
        QTableView *table = find<QTableView>("reportTable");
        QCOMPARE(table->model()->rowCount(), expected.rows.size());
        QCOMPARE(table->model()->index(0, ReportTableModel::MemberColumn).data().toString(), expected.rows.at(0).member);
        QCOMPARE(table->model()->index(0, ReportTableModel::CostColumn).data().toString(), formatUsd(expected.rows.at(0).cost));
        QCOMPARE(table->model()->index(0, ReportTableModel::ChangeColumn).data().toString(),
                 ReportTableModel::changeText(expected.rows.at(0).change));
        QVERIFY(find<QLabel>("reportSummaryLabel")->text().contains(formatUsd(expected.total)));
        // Sorting by a money column sorts by the number, not the text ("$9" < "$10").
        table->sortByColumn(ReportTableModel::ForecastColumn, Qt::AscendingOrder);
        for (int r = 1; r < table->model()->rowCount(); ++r)
            QVERIFY(table->model()->index(r - 1, ReportTableModel::ForecastColumn).data(Qt::UserRole).toDouble()
                    <= table->model()->index(r, ReportTableModel::ForecastColumn).data(Qt::UserRole).toDouble());
        // The comparison chart's bars are the rows' numbers (biggest drawn on top).
        auto *bars = qobject_cast<QHorizontalBarSeries *>(page->comparisonChart()->series().value(0));
        QVERIFY(bars);
        const int shown = int(std::min<qsizetype>(expected.rows.size(), 10));
        QCOMPARE(bars->barSets().at(1)->count(), shown);
        QCOMPARE(bars->barSets().at(1)->at(shown - 1), expected.rows.at(0).cost);
        QCOMPARE(bars->barSets().at(0)->at(shown - 1), expected.rows.at(0).previousCost);
        // The trend: both windows of real days, then the forecast's 7 days joined to the last one.
        QCOMPARE(qobject_cast<QLineSeries *>(page->trendChart()->series().value(0))->count(), 14);
        QCOMPARE(qobject_cast<QLineSeries *>(page->trendChart()->series().value(1))->count(), 8);
        find<QComboBox>("reportPeriodCombo")->setCurrentIndex(1);
        QCOMPARE(page->report().period, ReportPeriod::Monthly);
        QCOMPARE(qobject_cast<QLineSeries *>(page->trendChart()->series().value(0))->count(), 60);
        QVERIFY(page->report().total > expected.total); // the demo's history is longer than a week
        find<QComboBox>("reportPeriodCombo")->setCurrentIndex(0);

        // Exports, each read back.
        QString target;
        QStringList suggested;
        page->setSaveChooser([&](const QString &, const QString &name, const QString &) {
            suggested << name;
            return target;
        });
        target = m_dir->filePath(u"report.csv"_s);
        find<QPushButton>("exportCsvButton")->click();
        QFile csvFile(target);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const CsvParse csv = parseCsv(QString::fromUtf8(csvFile.readAll()));
        QVERIFY(csv.error.isEmpty());
        QCOMPARE(csv.records.size(), expected.rows.size() + 1);
        QCOMPARE(csv.records.at(1).fields.at(0), expected.rows.at(0).member);
        QCOMPARE(csv.records.at(1).fields.at(1).toDouble(), expected.rows.at(0).cost);
        QVERIFY(suggested.last().startsWith(u"orteam-weekly-report-"_s));

        target = m_dir->filePath(u"report.json"_s);
        find<QPushButton>("exportJsonButton")->click();
        QFile jsonFile(target);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(json.value("rows"_L1).toArray().size(), expected.rows.size());
        QCOMPARE(json.value("total"_L1).toDouble(), expected.total);

        target = m_dir->filePath(u"report.pdf"_s);
        find<QPushButton>("exportPdfButton")->click();
        QFile pdfFile(target);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        const QByteArray pdf = pdfFile.readAll();
        QVERIFY(pdf.startsWith("%PDF-"));
        const qsizetype pages = pdf.count("/Type /Page\n") + pdf.count("/Type /Page ") + pdf.count("/Type /Page/")
                                + pdf.count("/Type /Page>");
        QVERIFY2(pages >= 2, qPrintable(u"%1 pages"_s.arg(pages))); // the table, then the charts
        QVERIFY(pdf.count("/Subtype /Image") >= 2);                   // both charts are in it

        target = m_dir->filePath(u"chart.png"_s);
        page->findChild<QMenu *>(u"saveChartMenu"_s)->actions().at(0)->trigger();
        QImage png(target);
        QVERIFY(!png.isNull());
        QVERIFY(png.width() >= 720);
        QSet<QRgb> colours;
        for (int x = 0; x < png.width(); x += 7)
            colours.insert(png.pixel(x, png.height() / 3));
        QVERIFY(colours.size() > 3); // a drawn chart, not a blank image

        // A place that cannot be written: a clear message, and the earlier file is untouched.
        target = m_dir->filePath(u"report.csv/inside-a-file.json"_s);
        QSignalSpy problem(page, &ReportsPage::problem);
        find<QPushButton>("exportJsonButton")->click();
        QCOMPARE(problem.size(), 1);
        QVERIFY(find<QLabel>("errorBannerLabel")->text().contains(u"Cannot write"_s));
        QVERIFY(QFileInfo(m_dir->filePath(u"report.csv"_s)).isFile());
        QCOMPARE(QFileInfo(m_dir->filePath(u"report.csv"_s)).size(), csvFile.size());
        // Cancelling the file dialog does nothing.
        target.clear();
        QSignalSpy status(page, &ReportsPage::status);
        find<QPushButton>("exportPdfButton")->click();
        QCOMPARE(status.size(), 0);
        snapshot(page, "reports");
    }

    void activitySyncFillsRequestsAndFlagsModelsOutsideTheTier()
    {
        // The store starts with key counters only: no requests per member, no per-key models.
        const QDate today = QDateTime::currentDateTimeUtc().date();
        QCOMPARE(must(m_store->spend().teamReport(ReportPeriod::Weekly, today)).rows.at(0).requests, 0);
        QVERIFY(must(m_store->spend().memberModelUses(today.addDays(-7), today)).isEmpty());
        ActivitySync sync(m_store.get(), m_client.get(), m_keys.get(), m_jobs.get());
        m_window->setActivitySync(&sync);
        // An OpenRouter without analytics (404): the per-key /activity fan-out, with its progress.
        m_fake->setAnalyticsRefusal(404);

        // A failing per-key read: nothing is written, and the window says why.
        m_fake->failNext("GET", u"/activity"_s, FakeOpenRouter::errorFault(502, u"upstream down"_s), 1, 3);
        QSignalSpy finished(&sync, &ActivitySync::finished);
        QSignalSpy progress(&sync, &ActivitySync::progress);
        sync.syncNow();
        QVERIFY(finished.wait(10'000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(find<QLabel>("errorBannerLabel")->text().contains(u"nothing was saved"_s));
        QVERIFY(must(m_store->spend().memberModelUses(today.addDays(-30), today)).isEmpty());
        QVERIFY(!sync.lastSync().isValid());

        // Then from the Keys menu: the account and each used key (4 at a time).
        m_fake->clearRequests();
        progress.clear();
        QAction *action = find<QAction>("syncActivityAction");
        action->trigger();
        QVERIFY(find<QProgressBar>("syncProgressBar")->isVisible());
        QVERIFY(!action->isEnabled());
        QVERIFY(finished.wait(10'000));
        QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(finished.at(1).at(1).toString()));
        QVERIFY(action->isEnabled());
        QVERIFY(!find<QProgressBar>("syncProgressBar")->isVisible());
        QSet<QString> asked;
        for (const FakeOpenRouter::Recorded &r : m_fake->requests()) {
            if (r.path == "/activity"_L1 && r.query.hasQueryItem(u"api_key_hash"_s))
                asked.insert(r.query.queryItemValue(u"api_key_hash"_s));
        }
        // Every used key, linked or not (a key linked to nobody is still its workspace's spend).
        QSet<QString> used;
        for (const ApiKey &k : m_fake->keys()) {
            if (k.usage > 0)
                used.insert(k.hash);
        }
        QCOMPARE(asked, used);
        QVERIFY(asked.size() >= 12); // every member has a used key
        QCOMPARE(progress.last().at(0).toInt(), asked.size());
        QCOMPARE(progress.last().at(1).toInt(), asked.size());
        QVERIFY(sync.lastSync().isValid());
        // The refusal is remembered for the session: this sync did not ask analytics again.
        QCOMPARE(m_fake->countRequests("POST", u"/analytics/query"_s), 0);

        // Requests per member now reach the report (yesterday and before: activity has no today).
        const TeamReport report = must(m_store->spend().teamReport(ReportPeriod::Weekly, today));
        QVERIFY(report.rows.at(0).requests > 0);
        // Kate (free tier) used a paid model: one alert, raised once.
        const QList<Alert> alerts = must(m_spend->alerts());
        const auto kate = std::find_if(alerts.cbegin(), alerts.cend(), [](const Alert &a) {
            return a.kind == Alert::Kind::OutsideTier && a.subject == u"kate"_s;
        });
        QVERIFY(kate != alerts.cend());
        QVERIFY2(kate->text.contains(u"meta-llama/llama-3.1-8b-instruct"_s) && kate->text.contains(u"free tier"_s),
                 qPrintable(kate->text));
        for (const Alert &a : alerts)
            QVERIFY2(a.kind != Alert::Kind::OutsideTier || a.subject == u"kate"_s, qPrintable(a.text)); // nobody else strays
        QList<Alert> fresh = must(m_spend->takeNewAlerts());
        QVERIFY(std::any_of(fresh.cbegin(), fresh.cend(), [](const Alert &a) { return a.kind == Alert::Kind::OutsideTier; }));
        fresh = must(m_spend->takeNewAlerts());
        QVERIFY(std::none_of(fresh.cbegin(), fresh.cend(), [](const Alert &a) { return a.kind == Alert::Kind::OutsideTier; }));

        // Syncing again changes nothing (same rows), and is not due again within the hour.
        auto keyActivity = [this] {
            // A second connection to the same file, as another dashboard would read it.
            QSqlDatabase peek = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
            peek.setDatabaseName(m_dir->filePath(u"team.db"_s));
            peek.open();
            QString out;
            {
                QSqlQuery q(peek);
                q.exec(u"SELECT COUNT(*), SUM(requests), SUM(usage) FROM key_activity"_s);
                if (q.next())
                    out = u"%1 rows, %2 requests, %3 usd"_s.arg(q.value(0).toLongLong()).arg(q.value(1).toLongLong()).arg(q.value(2).toDouble());
            }
            peek.close();
            peek = QSqlDatabase();
            QSqlDatabase::removeDatabase(u"peek"_s);
            return out;
        };
        const QString before = keyActivity();
        QVERIFY(!before.startsWith(u"0 rows"_s));
        sync.syncNow();
        QVERIFY(finished.wait(10'000));
        QCOMPARE(keyActivity(), before);
        m_fake->clearRequests();
        sync.syncIfDue();
        QTest::qWait(100);
        QCOMPARE(m_fake->countRequests("GET", u"/activity"_s), 0);
    }

    void readOnlyViewWithoutAKeyShowsSpendAndReports()
    {
        // A team lead: the same team database, no management key anywhere.
        MemorySecretStore noSecrets;
        AppSettings settings(m_dir->filePath(u"lead.conf"_s));
        settings.setBaseUrl(m_fake->baseUrl());
        ConnectionManager connection(m_client.get(), &noSecrets, &settings);
        connection.setEnvironment(QString(), QString());
        MainWindow lead(m_keys.get(), &connection, m_audit.get(), m_team.get(), m_spend.get());
        // A destination with a message due: the lead's dashboard must neither send nor queue.
        Destination hook;
        hook.id = u"leads"_s;
        hook.name = u"Leads"_s;
        hook.alertKinds = allAlertKinds();
        QVERIFY(m_store->notify().saveDestination(hook));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(GuiTest::must(m_store->notify().enqueue(u"leads"_s, testMessage(hook, now), now, now)));
        NotifyController notify(m_store.get(), &noSecrets, {}, m_nam.get(), nullptr);
        lead.setNotifications(&notify);
        lead.show();
        QVERIFY(QTest::qWaitForWindowExposed(&lead));
        QSignalSpy loaded(&lead, &MainWindow::firstLoadFinished);
        connection.start();
        QVERIFY(loaded.wait(10'000) || loaded.size() == 1);
        QVERIFY(lead.isReadOnlyView());
        QVERIFY(!lead.isShowingWelcome());
        auto *banner = lead.findChild<QLabel *>(u"readOnlyBannerLabel"_s);
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(u"Read-only"_s));
        // It opens on the Overview; spend and reports from the database; no key action
        // anywhere, the keys page left out.
        QCOMPARE(lead.currentPage(), u"overview"_s);
        QVERIFY(lead.showPage(u"spend"_s));
        QVERIFY(lead.spendPage()->isVisible());
        QVERIFY(!lead.spendPage()->memberChart()->series().isEmpty());
        QVERIFY(lead.showPage(u"reports"_s));
        QVERIFY(lead.reportsPage()->findChild<QTableView *>(u"reportTable"_s)->model()->rowCount() >= 5);
        for (QAction *a : lead.keyActions()->all())
            QVERIFY2(!a->isVisible(), qPrintable(a->objectName()));
        // Nor a Keys menu of nothing but Refresh (which stays on the toolbar).
        QVERIFY(!lead.findChild<QMenu *>(u"keysMenu"_s)->menuAction()->isVisible());
        auto *nav = lead.findChild<QListWidget *>(u"navigationListWidget"_s);
        QVERIFY(nav);
        QVERIFY(nav->item(int(lead.pageNames().indexOf(u"keys"_s)))->isHidden());
        // Nor offered in the Go menu, nor reached by its shortcut.
        auto *goKeys = lead.findChild<QAction *>(u"goTo_keys"_s);
        QVERIFY(goKeys && !goKeys->isVisible());
        QVERIFY(lead.findChild<QAction *>(u"goTo_spend"_s)->isVisible());
        QVERIFY(lead.showPage(u"team"_s));
        for (const char *name : {"addMemberButton", "editMemberButton", "setTierButton", "offboardButton", "importRosterButton",
                                 "editTiersButton", "applyTiersButton", "autoEnforceCheck"})
            QVERIFY2(!lead.teamPage()->findChild<QWidget *>(QLatin1StringView(name))->isVisible(), name);
        QCOMPARE(lead.teamPage()->table()->model()->rowCount(), 13);
        // Refresh re-reads the database and never calls OpenRouter without a key.
        m_fake->clearRequests();
        lead.findChild<QAction *>(u"refreshAction"_s)->trigger();
        QTest::qWait(100);
        QVERIFY(m_fake->requests().isEmpty());
        QVERIFY(!lead.errorBanner()->isVisible());
        // Notifications are the admins': the page is left out, and nothing is sent or tried.
        QVERIFY(notify.isReadOnly());
        QVERIFY(nav->item(nav->count() - 1)->isHidden());
        notify.runNow();
        QTest::qWait(100);
        const OutboxItem waiting = GuiTest::must(m_store->notify().recent(1)).first();
        QCOMPARE(waiting.state, OutboxItem::State::Pending);
        QCOMPARE(waiting.attempts, 0);
    }

    void gatewayTokenFromTheTeamPageAndItsStatusAndTraffic()
    {
        // A token for one selected member: shown once in the secret dialog, only its hash stored.
        page()->selectMembers({u"alice"_s});
        find<QPushButton>("gatewayTokenButton")->click();
        auto *dialog = waitFor<QDialog>("secretDialog");
        QVERIFY(dialog);
        const QString token = dialog->findChild<QLineEdit *>(u"secretLineEdit"_s)->text();
        QVERIFY(token.startsWith(u"orgw-"_s));
        QVERIFY(dialog->windowTitle().contains(u"Gateway token"_s));
        const QHash<QString, QString> tokens = must(m_store->governance().gatewayTokens());
        QCOMPARE(tokens.value(GovernanceRepository::hashGatewayToken(token)), u"alice"_s);
        for (const QString &hash : tokens.keys())
            QVERIFY(hash != token); // never the token itself
        QCOMPARE(auditLog(1).value(0).action, AuditAction::GatewayTokenCreated);
        MessageBox::setNextAnswer(QMessageBox::Discard); // not copied: closing asks
        dialog->reject();

        // The gateway's status, as it writes it into the team database every second.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto status = [&](const QDateTime &at) {
            return GatewayStatus{u"127.0.0.1:8787"_s, 12, 2, 1, 3, at}.toJson();
        };
        QVERIFY(m_store->governance().setSetting(GatewayStatus::settingName(), status(now)));
        // Gateway traffic is a member's usage like a key's: it reaches the Spend page.
        const auto barOf = [this](const QString &member) {
            for (const auto &b : must(m_spend->memberBars(SpendController::Period::Today))) {
                if (b.member == member)
                    return b.spent;
            }
            return 0.0;
        };
        const double before = barOf(u"alice"_s);
        QVERIFY(m_store->usage().recordUsageBatch(now.date(), {{u"alice"_s, {7.5, 3}}}));
        m_spend->refresh();
        QCOMPARE(barOf(u"alice"_s), before + 7.5);
        auto *label = find<QLabel>("gatewayStatusLabel");
        QVERIFY(label->isVisible());
        QVERIFY2(label->text().contains(u"Gateway 127.0.0.1:8787: 12 requests today, 2 refused, 3 not costed"_s), qPrintable(label->text()));
        QVERIFY(m_store->governance().setSetting(GatewayStatus::settingName(), status(now.addSecs(-600))));
        m_spend->refresh();
        QCOMPARE(label->text(), u"Gateway stopped"_s);
    }

    void autoEnforceDisablesKeysOfMembersOverBudget()
    {
        FakeOpenRouter::KeySeed s;
        s.name = u"sam-laptop"_s;
        s.usageDaily = 3.0;
        s.usage = 3.0;
        const ApiKey sam = m_fake->addKey(s);
        QVERIFY(m_team->addMember({u"sam"_s, {}, u"free"_s, std::nullopt, true, {sam.hash}}));
        QVERIFY(waitRefresh());
        auto *flag = find<QLabel>("overBudgetLabel");
        QTRY_VERIFY(flag->text().contains(u"sam ($3.00 of $0.50 today)"_s));
        QCOMPARE(cell(u"sam"_s, MemberTableModel::StatusColumn), u"Over budget"_s);
        QVERIFY(!m_fake->key(sam.hash)->disabled); // flagged only
        // The advice is for who can act: the switch for an admin, an admin for a read-only lead.
        QVERIFY2(flag->text().endsWith(u"Turn on auto-enforce to stop their spend."_s), qPrintable(flag->text()));
        page()->setReadOnly(true);
        QVERIFY2(flag->text().endsWith(u"An admin can stop their spend with auto-enforce."_s), qPrintable(flag->text()));
        page()->setReadOnly(false);

        QSignalSpy checked(m_team.get(), &TeamController::checkFinished);
        find<QCheckBox>("autoEnforceCheck")->setChecked(true);
        QTRY_VERIFY(m_fake->key(sam.hash)->disabled);
        QTRY_VERIFY(!checked.isEmpty());
        // Only keys of members the check flagged (Sam, and Jamal whose own limit the demo set low).
        QStringList enforced;
        for (const EnforcedKey &k : must(m_store->governance().enforcedKeys())) {
            QVERIFY2(flag->text().contains(k.member + u" ("_s), qPrintable(k.member));
            enforced << k.keyHash;
        }
        QVERIFY(enforced.contains(sam.hash));
        QCOMPARE(must(m_store->governance().setting(TeamService::autoEnforceSetting())), u"on"_s);
        QVERIFY(!m_fake->key(fakeKeyNamed(u"grace-research"_s)->hash)->disabled);
        // Eve's key was disabled by an admin: enforcement never touches it.
        QVERIFY(fakeKeyNamed(u"eve-security"_s)->disabled);
        QVERIFY(!must(m_store->governance().enforcedKeys()).isEmpty());
        for (const EnforcedKey &k : must(m_store->governance().enforcedKeys()))
            QVERIFY(k.member != u"eve"_s);
    }

    void autoEnforceWithAFailedReadChangesNoKey_data()
    {
        QTest::addColumn<QString>("table");
        // One row per read the daily check stands on: the members' keys (and with them their
        // spend), the gateway's usage rows, the tiers, the keys it disabled, the setting.
        for (const char *table : {"member_keys", "user_usage", "tiers", "enforced_keys", "team_settings"})
            QTest::newRow(table) << QString::fromLatin1(table);
    }

    void autoEnforceWithAFailedReadChangesNoKey()
    {
        QFETCH(QString, table);
        // Sam is over the free tier's $0.50 today: a check that works disables his key. Una's key
        // was disabled by the check yesterday: a check that works enables it again.
        FakeOpenRouter::KeySeed seed;
        seed.name = u"sam-laptop"_s;
        seed.usageDaily = 3.0;
        seed.usage = 3.0;
        const ApiKey sam = m_fake->addKey(seed);
        seed = {};
        seed.name = u"una-laptop"_s;
        seed.disabled = true;
        const ApiKey una = m_fake->addKey(seed);
        QVERIFY(m_team->addMember({u"sam"_s, {}, u"free"_s, std::nullopt, true, {sam.hash}}));
        QVERIFY(m_team->addMember({u"una"_s, {}, u"pro"_s, std::nullopt, true, {una.hash}}));
        QVERIFY(m_store->governance().setEnforced({una.hash, u"una"_s, QDateTime::currentDateTimeUtc().date().addDays(-1)}));
        // Turned on by another dashboard on the same database: this one checks at its next refresh.
        QVERIFY(m_store->governance().setSetting(TeamService::autoEnforceSetting(), u"on"_s));
        const qint64 lastAudit = auditLog(1).value(0).id;

        // The table goes away under the running dashboard (a damaged or half-migrated database):
        // every read that names it fails. (SQLite points the views and triggers at the new name,
        // so putting it back below works for the dashboard's open connections too.)
        QVERIFY(tamper({u"ALTER TABLE %1 RENAME TO %1_away"_s.arg(table)}));
        m_fake->clearRequests();
        QSignalSpy problem(m_team.get(), &TeamController::problem);
        QSignalSpy checked(m_team.get(), &TeamController::checkFinished);
        QVERIFY(waitRefresh());
        auto saidNoKey = [&problem] {
            for (const QList<QVariant> &args : std::as_const(problem)) {
                if (args.at(0).toString().contains(u"changed no key"_s))
                    return args.at(0).toString();
            }
            return QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!saidNoKey().isEmpty(), 10'000);
        QTest::qWait(300); // time for any PATCH a wrong decision would have sent
        QVERIFY2(saidNoKey().contains(table), qPrintable(saidNoKey())); // it names what failed
        QVERIFY(checked.isEmpty());
        QCOMPARE(m_fake->countRequests("PATCH", u"/keys"_s), 0);
        QVERIFY(!m_fake->key(sam.hash)->disabled);
        QVERIFY(m_fake->key(una.hash)->disabled);
        for (const AuditEntry &e : auditedSince(auditLog(), lastAudit))
            QVERIFY2(e.action != AuditAction::Enforcement, qPrintable(e.target));
        // The dashboard says so where a person looks.
        QVERIFY(m_window->errorBanner()->isVisible());
        QVERIFY2(m_window->errorBanner()->message().contains(u"changed no key"_s), qPrintable(m_window->errorBanner()->message()));

        // With the table back, the same refresh does both: the setup above was sound, and it was
        // the failed read that held the check back.
        QVERIFY(tamper({u"ALTER TABLE %1_away RENAME TO %1"_s.arg(table)}));
        QVERIFY(waitRefresh());
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->key(sam.hash)->disabled, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_fake->key(una.hash)->disabled, 10'000);
        QTRY_VERIFY(!checked.isEmpty());
    }

    void dashboardEditsAuditAsTheCliDoes()
    {
        const Member zoe{u"zoe"_s, u"zoe@example.com"_s, u"basic"_s, Budget{12.5, LimitReset::Weekly}, true, {}};

        // Added with the Team page's form …
        qint64 last = auditLog(1).value(0).id;
        QTest::mouseClick(find<QPushButton>("addMemberButton"), Qt::LeftButton);
        auto *dialog = waitFor<QDialog>("memberDialog");
        QVERIFY(dialog);
        find<QLineEdit>("memberNameEdit", dialog)->setText(zoe.name);
        find<QLineEdit>("memberEmailEdit", dialog)->setText(zoe.email);
        find<QLineEdit>("memberLimitEdit", dialog)->setText(u"12.50"_s);
        auto *period = find<QComboBox>("memberLimitPeriodCombo", dialog);
        period->setCurrentIndex(period->findData(int(LimitReset::Weekly)));
        auto *tier = find<QComboBox>("memberTierCombo", dialog);
        tier->setCurrentIndex(tier->findData(zoe.tier));
        QTest::mouseClick(find<QPushButton>("memberSaveButton", dialog), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QDialog *>(u"memberDialog"_s));
        QVERIFY(member(zoe.name) == zoe);
        const QList<AuditEntry> added = auditedSince(auditLog(), last);
        // … then moved to another tier with the bulk switch.
        last = auditLog(1).value(0).id;
        page()->selectMembers({zoe.name});
        auto *bulk = find<QComboBox>("bulkTierCombo");
        bulk->setCurrentIndex(bulk->findText(u"pro"_s));
        QTest::mouseClick(find<QPushButton>("setTierButton"), Qt::LeftButton);
        const QList<AuditEntry> tiered = auditedSince(auditLog(), last);

        // The same two changes made by the real orteam-cli, on a database of its own.
        const QString cliDb = m_dir->filePath(u"cli.db"_s);
        auto cli = [&](const QStringList &args) {
            QProcess p;
            p.start(QStringLiteral(ORTEAM_CLI_PATH), QStringList{u"--db"_s, cliDb} + args);
            if (!p.waitForFinished(30'000) || p.exitCode() != 0)
                qWarning("orteam-cli %s: %s", qPrintable(args.join(u' ')), p.readAllStandardError().constData());
            return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        };
        QVERIFY(cli({u"tiers"_s, u"list"_s})); // creates the database
        Store store;
        QString error;
        const Status opened = store.open(*DbLocation::parse(cliDb, &error));
        QVERIFY2(opened, qPrintable(opened.errorText()));
        const qint64 cliStart = must(store.audit().log(1)).value(0).id;
        QVERIFY(cli({u"members"_s, u"add"_s, zoe.name, u"--email"_s, zoe.email, u"--tier"_s, zoe.tier, u"--daily-limit"_s, u"12.50"_s, u"--period"_s, u"weekly"_s}));
        const QList<AuditEntry> cliAdded = auditedSince(must(store.audit().log()), cliStart);
        const qint64 cliBeforeTier = must(store.audit().log(1)).value(0).id;
        QVERIFY(cli({u"members"_s, u"set-tier"_s, zoe.name, u"pro"_s}));
        const QList<AuditEntry> cliTiered = auditedSince(must(store.audit().log()), cliBeforeTier);

        QCOMPARE(describe(added), describe(cliAdded));
        QCOMPARE(describe(tiered), describe(cliTiered));
        QCOMPARE(added.size(), 1);
        QCOMPARE(added.value(0).action, AuditAction::MemberAdd);
        QCOMPARE(added.value(0).target, zoe.name);
        QCOMPARE(tiered.size(), 1);
        QCOMPARE(tiered.value(0).action, AuditAction::MemberTier);
        QCOMPARE(tiered.value(0).before, u"basic"_s);
        QCOMPARE(tiered.value(0).after, u"pro"_s);
        QCOMPARE(added.value(0).osUser, cliAdded.value(0).osUser);
    }
};

QTEST_MAIN(TestTeamPage)
#include "tst_teampage.moc"
