#pragma once

// What the Overview's and the calendar month's GUI tests stand on: a real SQLite file, the fake
// OpenRouter with ann's and ben's keys (limits and credits the Overview's tiles read), and a
// SpendController whose clock is pinned to a Wednesday evening late in November. seed() writes
// their days as key snapshots, as a refresh would; breakTable() fails the reads of a table.
#include "FakeOpenRouter.h"
#include "KeyListController.h"
#include "OpenRouterClient.h"
#include "SpendController.h"
#include "Store.h"

#include <QNetworkAccessManager>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <memory>

namespace orteam::GuiTest {

class SpendFixture
{
protected:
    const QDate m_wednesday{2026, 11, 25};
    QDateTime now() const { return QDateTime(m_wednesday, QTime(21, 0), QTimeZone::utc()); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeOpenRouter> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<KeyListController> m_keys;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SpendController> m_spend;
    ApiKey m_annKey, m_benKey;

    static ApiKey snap(const QString &hash, double daily)
    {
        ApiKey k;
        k.hash = hash;
        k.usageDaily = daily;
        return k;
    }

    // `days` days of spend up to the Wednesday: ann $2 a day, ben $1 (and $9 on the Wednesday).
    void seed(int days)
    {
        using namespace Qt::Literals::StringLiterals;
        QVERIFY(m_store->team().saveMembers({{u"ann"_s, {}, u"basic"_s, std::nullopt, true, {}}, {u"ben"_s, {}, u"pro"_s, std::nullopt, true, {}}}).ok());
        QVERIFY(m_store->team().linkKey(u"ann"_s, m_annKey.hash).ok());
        QVERIFY(m_store->team().linkKey(u"ben"_s, m_benKey.hash).ok());
        for (int d = 0; d < days; ++d) {
            const QDateTime at(m_wednesday.addDays(-d), QTime(20, 0), QTimeZone::utc());
            QVERIFY(m_store->usage().recordKeySnapshots({snap(m_annKey.hash, 2.0), snap(m_benKey.hash, d == 0 ? 9.0 : 1.0)}, at).ok());
        }
    }

    // A table renamed under the running page, by a connection of its own as another program
    // would: every read of it fails from then on.
    void breakTable(const QString &table)
    {
        using namespace Qt::Literals::StringLiterals;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"breaker"_s);
            db.setDatabaseName(m_dir->filePath(u"team.db"_s));
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(u"ALTER TABLE %1 RENAME TO %1_gone"_s.arg(table)));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"breaker"_s);
    }

    // For each test's init() and cleanup() slots.
    void setUp()
    {
        using namespace Qt::Literals::StringLiterals;
        m_dir = std::make_unique<QTemporaryDir>();
        m_fake = std::make_unique<FakeOpenRouter>();
        FakeOpenRouter::KeySeed s;
        s.name = u"ann-key"_s;
        s.limit = 20.0;
        s.usage = 14.0;
        m_annKey = m_fake->addKey(s);
        s.name = u"ben-key"_s;
        s.limit = 100.0;
        s.usage = 10.0;
        m_benKey = m_fake->addKey(s);
        m_fake->setCredits(500, 24);
        QVERIFY(m_fake->start());
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<OpenRouterClient>(m_nam.get());
        OpenRouterClient::Settings settings = OpenRouterClient::defaultSettings();
        settings.baseUrl = m_fake->baseUrl();
        m_client->setSettings(settings);
        m_client->setManagementKey(m_fake->managementKey());
        m_store = std::make_unique<Store>();
        QString error;
        const Status opened = m_store->open(*DbLocation::parse(m_dir->filePath(u"team.db"_s), &error));
        QVERIFY2(opened, qPrintable(opened.errorText()));
        m_keys = std::make_unique<KeyListController>(m_client.get(), m_store.get());
        m_spend = std::make_unique<SpendController>(m_store.get(), m_keys.get());
        m_spend->setClock([this] { return now(); });
    }

    void tearDown()
    {
        m_spend.reset();
        m_keys.reset();
        m_store.reset();
        m_client.reset();
        m_nam.reset();
        m_fake.reset();
        m_dir.reset();
    }
};

} // namespace orteam::GuiTest
