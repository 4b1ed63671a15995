// The OpenRouter client against the fake server on loopback: every call, paging, each error
// status, malformed and mistyped bodies, timeouts, retries, and the plain-http refusal.
#include "DemoData.h"
#include "FakeOpenRouter.h"
#include "OpenRouterClient.h"
#include "SyncCall.h"
#include "UrlPolicy.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QScopeGuard>
#include <QSet>
#include <QProcess>
#include <QSslServer>
#include <QSslKey>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

#include <zlib.h>
#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeOpenRouter> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<OpenRouterClient> m_client;

    OpenRouterClient::Settings fastSettings() const
    {
        OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
        s.baseUrl = m_fake->baseUrl();
        s.timeoutMs = 5000;
        s.retryBaseDelayMs = 10;
        s.retryMaxDelayMs = 40;
        return s;
    }

    template<typename T, typename Start>
    ApiResult<T> run(Start start)
    {
        return waitFor<T>([&](std::function<void(const ApiResult<T> &)> done) { start(done); });
    }

    // A server's TLS configuration with a certificate for 127.0.0.1 made here by openssl, valid a
    // day and vouched for by nobody (see tlsErrorsAreFatal); none if openssl failed.
    static std::optional<QSslConfiguration> selfSignedServer(const QTemporaryDir &dir)
    {
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"1"_s,
                                     u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s,
                                     u"-keyout"_s, dir.filePath(u"key.pem"_s), u"-out"_s, dir.filePath(u"cert.pem"_s)});
        QFile certFile(dir.filePath(u"cert.pem"_s)), keyFile(dir.filePath(u"key.pem"_s));
        if (!openssl.waitForFinished(30'000) || openssl.exitCode() != 0 || !certFile.open(QIODevice::ReadOnly)
            || !keyFile.open(QIODevice::ReadOnly))
            return std::nullopt;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(QSslCertificate(certFile.readAll()));
        config.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
        return config;
    }

    ApiResult<ApiKeyList> listAll(bool includeDisabled = true)
    {
        return run<ApiKeyList>([&](auto done) { m_client->listKeys(includeDisabled, nullptr, done); });
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeOpenRouter>();
        QVERIFY(m_fake->start() != 0);
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<OpenRouterClient>(m_nam.get());
        m_client->setSettings(fastSettings());
        m_client->setManagementKey(m_fake->managementKey());
    }
    void cleanup()
    {
        m_client.reset();
        m_nam.reset();
        m_fake.reset();
    }

    void listSmallAccountInOneRequest()
    {
        m_fake->addGeneratedKeys(3);
        const auto r = listAll();
        QVERIFY2(r.ok(), qPrintable(r.error.message()));
        QCOMPARE(r.value.size(), 3);
        QCOMPARE(m_fake->countRequests("GET", u"/keys"_s), 1);
        QCOMPARE(m_fake->requests().first().query.queryItemValue(u"include_disabled"_s), u"true"_s);
        QCOMPARE(m_fake->requests().first().authorization, "Bearer " + m_fake->managementKey().toUtf8());
    }

    void listThousandKeysAcrossPages()
    {
        m_fake->addGeneratedKeys(1000);
        const auto r = listAll();
        QVERIFY2(r.ok(), qPrintable(r.error.message()));
        QCOMPARE(r.value.size(), 1000);
        // Same order as the server's, no duplicates, nothing missing.
        const ApiKeyList expected = m_fake->keys();
        QSet<QString> hashes;
        for (int i = 0; i < r.value.size(); ++i) {
            QCOMPARE(r.value.at(i).hash, expected.at(i).hash);
            hashes.insert(r.value.at(i).hash);
        }
        QCOMPARE(hashes.size(), 1000);
        // Pages 0…1000 (the empty page ends it), plus at most one window of speculative pages.
        const int requests = m_fake->countRequests("GET", u"/keys"_s);
        QVERIFY2(requests >= 11 && requests <= 11 + fastSettings().maxParallelPages, qPrintable(QString::number(requests)));
        QSet<QString> offsets;
        for (const auto &rec : m_fake->requests())
            offsets.insert(rec.query.queryItemValue(u"offset"_s));
        for (int o = 100; o <= 1000; o += 100)
            QVERIFY(offsets.contains(QString::number(o)));
    }

    void listExactMultipleOfPageSize()
    {
        m_fake->addGeneratedKeys(200);
        const auto r = listAll();
        QVERIFY(r.ok());
        QCOMPARE(r.value.size(), 200);
    }

    void listWithoutDisabled()
    {
        m_fake->addGeneratedKeys(250); // every 17th is disabled: 0, 17, …, 238 → 15 keys
        const auto r = listAll(false);
        QVERIFY(r.ok());
        QCOMPARE(r.value.size(), 235);
        for (const ApiKey &k : r.value)
            QVERIFY(!k.disabled);
    }

    void listFailsWholeWhenOnePageFails()
    {
        m_fake->addGeneratedKeys(450);
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"boom"_s), 1, 2);
        const auto r = listAll();
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 500);
        QVERIFY(r.value.isEmpty()); // never a partial list presented as the whole
    }

    void streamHandsKeysOverInOrderWhileTheRestArrive()
    {
        m_fake->addGeneratedKeys(1000);
        const ApiKeyList expected = m_fake->keys();
        QList<ApiKeyList> batches;
        QList<int> requestsAtBatch; // how many pages had been asked for when each batch came
        const auto r = run<qsizetype>([&](auto done) {
            m_client->streamKeys(
                true, nullptr,
                [&](ApiKeyList &&keys) {
                    batches << std::move(keys);
                    requestsAtBatch << m_fake->countRequests("GET", u"/keys"_s);
                },
                done);
        });
        QVERIFY2(r.ok(), qPrintable(r.error.message()));
        QCOMPARE(r.value, 1000);
        // The first page alone, handed over before any other page was asked for; then more than
        // one batch: keys arrive while the rest are fetched.
        QVERIFY(batches.size() > 1);
        QCOMPARE(batches.first().size(), 100);
        QCOMPARE(requestsAtBatch.first(), 1);
        QVERIFY2(requestsAtBatch.at(1) < m_fake->countRequests("GET", u"/keys"_s),
                 qPrintable(u"the second batch came after all %1 pages were asked for"_s.arg(requestsAtBatch.at(1))));
        ApiKeyList all;
        for (const ApiKeyList &b : std::as_const(batches))
            all += b;
        QCOMPARE(all.size(), 1000);
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(all.at(i).hash, expected.at(i).hash);
    }

    void aKeyShiftedAcrossPagesIsListedOnce()
    {
        // A key made once the first page is read, listed first: every later page shifts by one,
        // so the first page's last key comes again at the top of the second.
        m_fake->addGeneratedKeys(1000);
        const ApiKeyList expected = m_fake->keys();
        FakeOpenRouter::KeySeed meanwhile;
        meanwhile.name = u"made-meanwhile"_s;
        ApiKeyList all;
        const auto r = run<qsizetype>([&](auto done) {
            m_client->streamKeys(
                true, nullptr,
                [&](ApiKeyList &&keys) {
                    if (all.isEmpty())
                        m_fake->addKeyFirst(meanwhile);
                    all += keys;
                },
                done);
        });
        QVERIFY2(r.ok(), qPrintable(r.error.message()));
        QCOMPARE(r.value, 1000);
        QCOMPARE(all.size(), 1000);
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(all.at(i).hash, expected.at(i).hash);
        QCOMPARE(m_fake->keyCount(), 1001);
    }

    void streamFailsWholeWhenALaterPageFails()
    {
        m_fake->addGeneratedKeys(450);
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"boom"_s), 1, 3);
        qsizetype handedOver = 0;
        const auto r = run<qsizetype>([&](auto done) {
            m_client->streamKeys(true, nullptr, [&](ApiKeyList &&keys) { handedOver += keys.size(); }, done);
        });
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 500);
        // Keys may have come before the failure (all of them, when the page that fails is one
        // past the end); the answer still says the listing failed.
        QVERIFY(handedOver >= 100 && handedOver <= 450);
    }

    void getCreateUpdateDelete()
    {
        NewKeySpec spec;
        spec.name = u"alice-backend"_s;
        spec.limit = 25;
        spec.limitReset = LimitReset::Monthly;
        spec.expiresAt = QDateTime::currentDateTimeUtc().addDays(30);
        spec.includeByokInLimit = true;
        const auto created = run<json::CreatedKey>([&](auto done) { m_client->createKey(spec, nullptr, done); });
        QVERIFY2(created.ok(), qPrintable(created.error.message()));
        QVERIFY(created.value.secret.startsWith(u"sk-or-v1-"_s));
        const QString hash = created.value.key.hash;
        QCOMPARE(created.value.key.name, u"alice-backend"_s);
        QCOMPARE(*created.value.key.limit, 25.0);
        QCOMPARE(created.value.key.limitReset, LimitReset::Monthly);
        QVERIFY(created.value.key.includeByokInLimit);
        QCOMPARE(created.value.key.expiresAt.date(), spec.expiresAt.date());
        const QJsonObject sent = QJsonDocument::fromJson(m_fake->requests().last().body).object();
        QCOMPARE(sent.value("name"_L1).toString(), u"alice-backend"_s);
        QCOMPARE(sent.value("limit_reset"_L1).toString(), u"monthly"_s);

        const auto got = run<ApiKey>([&](auto done) { m_client->getKey(hash, nullptr, done); });
        QVERIFY(got.ok());
        QCOMPARE(got.value.name, u"alice-backend"_s);
        QCOMPARE(*got.value.limitRemaining, 25.0);

        KeyUpdate update;
        update.disabled = true;
        update.limit = 40.0;
        update.name = u"alice-renamed"_s;
        const auto updated = run<ApiKey>([&](auto done) { m_client->updateKey(hash, update, nullptr, done); });
        QVERIFY(updated.ok());
        QVERIFY(updated.value.disabled);
        QCOMPARE(*updated.value.limit, 40.0);
        QCOMPARE(m_fake->key(hash)->name, u"alice-renamed"_s);

        KeyUpdate noLimit;
        noLimit.limit = std::optional<double>();
        noLimit.limitReset = LimitReset::None;
        const auto unlimited = run<ApiKey>([&](auto done) { m_client->updateKey(hash, noLimit, nullptr, done); });
        QVERIFY(unlimited.ok());
        QVERIFY(!unlimited.value.limit);
        QVERIFY(!m_fake->key(hash)->limit);

        const auto deleted = run<bool>([&](auto done) { m_client->deleteKey(hash, nullptr, done); });
        QVERIFY(deleted.ok());
        QVERIFY(!m_fake->key(hash));

        const auto again = run<bool>([&](auto done) { m_client->deleteKey(hash, nullptr, done); });
        QVERIFY(!again.ok());
        QCOMPARE(again.error.httpStatus, 404);
        QCOMPARE(m_fake->countRequests("DELETE", u"/keys/"_s), 2); // a 404 is not retried
    }

    void idsCannotEscapeTheirPath()
    {
        // A hash is percent-encoded into its path segment: "../credits" is an unknown key, not
        // a request for another endpoint.
        m_fake->setCredits(10, 1);
        const auto r = run<ApiKey>([&](auto done) { m_client->getKey(u"../credits"_s, nullptr, done); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 404);
        QCOMPARE(m_fake->countRequests("GET", u"/credits"_s), 0);
        const auto q = run<bool>([&](auto done) { m_client->deleteKey(u"abc?offset=1"_s, nullptr, done); });
        QCOMPARE(q.error.httpStatus, 404);
        QVERIFY(m_fake->requests().last().query.isEmpty());
    }

    void createRejectedByServer()
    {
        NewKeySpec spec;
        spec.name = u"past"_s;
        spec.expiresAt = QDateTime::currentDateTimeUtc().addDays(-1); // the server refuses, we report
        const auto r = run<json::CreatedKey>([&](auto done) { m_client->createKey(spec, nullptr, done); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 400);
        QVERIFY(r.error.message().contains(u"expires_at"_s));
        QCOMPARE(m_fake->keyCount(), 0);
    }

    void accountCalls()
    {
        DemoData::seed(*m_fake, QDateTime::currentDateTimeUtc());
        const auto who = run<CurrentKeyInfo>([&](auto done) { m_client->currentKey(nullptr, done); });
        QVERIFY(who.ok());
        QVERIFY(who.value.isManagementKey);

        const auto credits = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QVERIFY(credits.ok());
        QVERIFY(credits.value.totalCredits > credits.value.totalUsage);
        QVERIFY(credits.value.totalUsage > 0);

        const auto models = run<QList<ModelInfo>>([&](auto done) { m_client->models(nullptr, done); });
        QVERIFY(models.ok());
        QCOMPARE(models.value.size(), DemoData::models().size());

        const auto all = run<QList<ActivityItem>>([&](auto done) { m_client->activity({}, nullptr, done); });
        QVERIFY(all.ok());
        const QDate today = QDateTime::currentDateTimeUtc().date();
        QSet<QDate> days;
        for (const ActivityItem &a : all.value) {
            QVERIFY(a.date < today && a.date >= today.addDays(-30)); // only the last 30 completed days
            days.insert(a.date);
        }
        QCOMPARE(days.size(), 30);

        const ApiKeyList keys = m_fake->keys();
        const auto aliceIt = std::find_if(keys.cbegin(), keys.cend(), [](const ApiKey &k) { return k.name == "alice-backend"_L1; });
        QVERIFY(aliceIt != keys.cend());
        const ApiKey alice = *aliceIt;
        const QDate yesterday = today.addDays(-1);
        const auto one = run<QList<ActivityItem>>(
            [&](auto done) { m_client->activity({yesterday, alice.hash}, nullptr, done); });
        QVERIFY(one.ok());
        for (const ActivityItem &a : one.value)
            QCOMPARE(a.date, yesterday);
        const auto rec = m_fake->requests().last();
        QCOMPARE(rec.query.queryItemValue(u"api_key_hash"_s), alice.hash);
        QCOMPARE(rec.query.queryItemValue(u"date"_s), yesterday.toString(Qt::ISODate));

        const auto members = run<QList<OrgMember>>([&](auto done) { m_client->organizationMembers(nullptr, done); });
        QVERIFY(members.ok());
        QCOMPARE(members.value.size(), DemoData::members().size());
    }

    void organizationMembersPage()
    {
        QList<OrgMember> many;
        for (int i = 0; i < 150; ++i)
            many << OrgMember{u"user_%1"_s.arg(i), u"u%1@example.com"_s.arg(i), u"U"_s, u"%1"_s.arg(i), u"org:member"_s};
        m_fake->setOrganizationMembers(many);
        const auto r = run<QList<OrgMember>>([&](auto done) { m_client->organizationMembers(nullptr, done); });
        QVERIFY(r.ok());
        QCOMPARE(r.value.size(), 150);
        QCOMPARE(r.value.last().id, u"user_149"_s);
        QCOMPARE(m_fake->countRequests("GET", u"/organization/members"_s), 2);
    }

    void guardrails()
    {
        m_fake->addGeneratedKeys(3);
        const ApiKeyList keys = m_fake->keys();
        GuardrailSpec spec;
        spec.name = u"orteam tier: basic"_s;
        spec.limitUsd = 5;
        spec.resetInterval = LimitReset::Daily;
        spec.allowedModels = QStringList{u"openai/gpt-4o-mini"_s};
        const auto created = run<Guardrail>([&](auto done) { m_client->createGuardrail(spec, nullptr, done); });
        QVERIFY2(created.ok(), qPrintable(created.error.message()));
        QCOMPARE(created.value.allowedModels, QStringList{u"openai/gpt-4o-mini"_s});
        QCOMPARE(created.value.resetInterval, LimitReset::Daily);
        const QString id = created.value.id;

        GuardrailSpec change;
        change.allowedModels = QStringList{u"openai/gpt-4o-mini"_s, u"meta-llama/llama-3.1-8b-instruct"_s};
        change.limitUsd = 7.5;
        const auto updated = run<Guardrail>([&](auto done) { m_client->updateGuardrail(id, change, nullptr, done); });
        QVERIFY(updated.ok());
        QCOMPARE(updated.value.allowedModels->size(), 2); // PATCH replaces the whole array
        QCOMPARE(*updated.value.limitUsd, 7.5);

        const auto assigned = run<qint64>([&](auto done) {
            m_client->assignKeysToGuardrail(id, {keys.at(0).hash, keys.at(1).hash}, nullptr, done);
        });
        QVERIFY(assigned.ok());
        QCOMPARE(assigned.value, 2);
        const auto assignments = run<QList<GuardrailKeyAssignment>>([&](auto done) { m_client->listKeyAssignments(nullptr, done); });
        QVERIFY(assignments.ok());
        QCOMPARE(assignments.value.size(), 2);
        const auto removed = run<qint64>([&](auto done) { m_client->unassignKeysFromGuardrail(id, {keys.at(0).hash}, nullptr, done); });
        QVERIFY(removed.ok());
        QCOMPARE(removed.value, 1);
        QCOMPARE(m_fake->guardrailOfKey().size(), 1);

        const auto listed = run<QList<Guardrail>>([&](auto done) { m_client->listGuardrails(nullptr, done); });
        QVERIFY(listed.ok());
        QCOMPARE(listed.value.size(), 1);
        const auto got = run<Guardrail>([&](auto done) { m_client->getGuardrail(id, nullptr, done); });
        QVERIFY(got.ok());
        QCOMPARE(got.value.name, u"orteam tier: basic"_s);
        const auto deleted = run<bool>([&](auto done) { m_client->deleteGuardrail(id, nullptr, done); });
        QVERIFY(deleted.ok());
        QVERIFY(m_fake->guardrails().isEmpty());
        QVERIFY(m_fake->guardrailOfKey().isEmpty());
    }

    void errorWordingFitsTheEndpoint_data()
    {
        QTest::addColumn<QString>("call");
        QTest::addColumn<int>("status"); // a fault's status; 0: the fake's own answer (a key that is not there)
        // %1 in `expected` stands for the fake's base URL, known only once it listens.
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("notExpected");
        QTest::newRow("GET /models 404") << u"models"_s << 404 << u"no model list at %1/models (404); check the base URL"_s << u"deleted"_s;
        QTest::newRow("GET /keys 404") << u"listKeys"_s << 404 << u"no key list at %1/keys (404)"_s << u"deleted"_s;
        QTest::newRow("GET /activity 404 without its query") << u"activity"_s << 404 << u"no activity at %1/activity (404)"_s << u"?"_s;
        QTest::newRow("GET /keys/x gone") << u"getKey"_s << 0 << u"This key is not at OpenRouter (404)"_s << u"base URL"_s;
        QTest::newRow("DELETE /keys/x gone") << u"deleteKey"_s << 0 << u"may have been deleted already"_s << u"base URL"_s;
        QTest::newRow("GET /models 405") << u"models"_s << 405 << u"does not accept GET at %1/models (405)"_s << u"deleted"_s;
        // Statuses whose meaning does not depend on the endpoint keep their wording.
        QTest::newRow("GET /models 401") << u"models"_s << 401 << u"did not accept the management key (401)"_s << u"base URL"_s;
        QTest::newRow("GET /models 500") << u"models"_s << 500 << u"server error (500)"_s << u"base URL"_s;
    }
    void errorWordingFitsTheEndpoint()
    {
        QFETCH(QString, call);
        QFETCH(int, status);
        QFETCH(QString, expected);
        QFETCH(QString, notExpected);
        const QString base = m_fake->baseUrl().toString();
        if (status) {
            const QString path = call == "models"_L1 ? u"/models"_s : call == "listKeys"_L1 ? u"/keys"_s : u"/activity"_s;
            m_fake->failNext("GET", path, FakeOpenRouter::errorFault(status, u"Not here"_s), 10);
        }
        ApiError error;
        if (call == "models"_L1)
            error = run<QList<ModelInfo>>([&](auto done) { m_client->models(nullptr, done); }).error;
        else if (call == "listKeys"_L1)
            error = listAll().error;
        else if (call == "activity"_L1)
            error = run<QList<ActivityItem>>([&](auto done) {
                        m_client->activity({QDate::currentDate().addDays(-1), {}}, nullptr, done);
                    }).error;
        else if (call == "getKey"_L1)
            error = run<ApiKey>([&](auto done) { m_client->getKey(u"no-such-key"_s, nullptr, done); }).error;
        else
            error = run<bool>([&](auto done) { m_client->deleteKey(u"no-such-key"_s, nullptr, done); }).error;
        QCOMPARE(error.kind, ApiError::Kind::Http);
        QCOMPARE(error.httpStatus, status ? status : 404);
        const QString message = error.message();
        QVERIFY2(message.contains(expected.contains("%1"_L1) ? expected.arg(base) : expected), qPrintable(message));
        QVERIFY2(!message.contains(notExpected), qPrintable(message));
    }

    void errorStatuses_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("expectedAttempts");
        QTest::addColumn<QString>("inMessage");
        QTest::newRow("400") << 400 << u"offset: bad"_s << 1 << u"invalid (400)"_s;
        QTest::newRow("401") << 401 << u"User not found."_s << 1 << u"did not accept"_s;
        QTest::newRow("402") << 402 << u"Insufficient credits"_s << 1 << u"Out of credits"_s;
        QTest::newRow("403") << 403 << u"Only management keys can perform this operation"_s << 1 << u"not a management key"_s;
        QTest::newRow("404") << 404 << u"Not Found"_s << 1 << u"no credits at"_s;
        QTest::newRow("429") << 429 << u"Rate limit exceeded"_s << 4 << u"rate limiting"_s;
        QTest::newRow("500") << 500 << u"Internal Server Error"_s << 1 << u"server error (500)"_s;
        QTest::newRow("502") << 502 << u"Bad Gateway"_s << 4 << u"server error (502)"_s;
        QTest::newRow("503") << 503 << u"Service Unavailable"_s << 4 << u"server error (503)"_s;
    }
    void errorStatuses()
    {
        QFETCH(int, status);
        QFETCH(QString, message);
        QFETCH(int, expectedAttempts);
        QFETCH(QString, inMessage);
        m_fake->failNext("GET", u"/credits"_s, FakeOpenRouter::errorFault(status, message), 10);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, ApiError::Kind::Http);
        QCOMPARE(r.error.httpStatus, status);
        QCOMPARE(r.error.serverMessage, message);
        QVERIFY2(r.error.message().contains(inMessage), qPrintable(r.error.message()));
        // Transient statuses are retried (maxRetries = 3), the rest fail at once.
        QCOMPARE(m_fake->countRequests("GET", u"/credits"_s), expectedAttempts);
    }

    void retryRecoversAndHonoursRetryAfter()
    {
        FakeOpenRouter::Fault f = FakeOpenRouter::errorFault(429, u"slow down"_s);
        f.headers = {{"Retry-After", "1"}};
        m_fake->failNext("GET", u"/credits"_s, f, 1);
        QElapsedTimer clock;
        clock.start();
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QVERIFY2(r.ok(), qPrintable(r.error.message()));
        QVERIFY(clock.elapsed() >= 950); // waited the server's second, not our 10 ms backoff
        QCOMPARE(m_fake->countRequests("GET", u"/credits"_s), 2);
    }

    void createIsNeverRetried()
    {
        m_fake->failNext("POST", u"/keys"_s, FakeOpenRouter::errorFault(502, u"Bad Gateway"_s), 5);
        NewKeySpec spec;
        spec.name = u"once"_s;
        const auto r = run<json::CreatedKey>([&](auto done) { m_client->createKey(spec, nullptr, done); });
        QVERIFY(!r.ok());
        QCOMPARE(m_fake->countRequests("POST", u"/keys"_s), 1);
        // Nothing was made, and the client checked: retrying is safe, and it says so.
        QVERIFY2(r.error.message().endsWith(u"No key named \"once\" was created: it is safe to try again."_s),
                 qPrintable(r.error.message()));
        QVERIFY(r.error.createdAnywayHash.isEmpty());
    }

    void lostCreateAnswerIsFoundNotRepeated_data()
    {
        QTest::addColumn<int>("faultKind"); // 0 connection reset, 1 timeout, 2 gateway error
        QTest::newRow("reset") << 0;
        QTest::newRow("timeout") << 1;
        QTest::newRow("502") << 2;
    }
    void lostCreateAnswerIsFoundNotRepeated()
    {
        QFETCH(int, faultKind);
        // An older key with the same name must not be mistaken for the new one.
        FakeOpenRouter::KeySeed old;
        old.name = u"alice-laptop"_s;
        old.createdAt = QDateTime::currentDateTimeUtc().addDays(-30);
        m_fake->addKey(old);
        FakeOpenRouter::Fault fault = FakeOpenRouter::errorFault(502, u"Bad Gateway"_s);
        fault.closeWithoutAnswer = faultKind == 0;
        fault.hang = faultKind == 1;
        fault.applyFirst = true; // the key is made; the answer never arrives
        m_fake->failNext("POST", u"/keys"_s, fault);
        OpenRouterClient::Settings s = fastSettings();
        s.timeoutMs = 500;
        m_client->setSettings(s);
        NewKeySpec spec;
        spec.name = u"alice-laptop"_s;
        const int before = m_fake->keyCount();
        const auto r = run<json::CreatedKey>([&](auto done) { m_client->createKey(spec, nullptr, done); });
        QCOMPARE(m_fake->countRequests("POST", u"/keys"_s), 1); // never sent twice
        QVERIFY(!r.ok());
        QCOMPARE(m_fake->keyCount(), before + 1);
        QVERIFY(!r.error.createdAnywayHash.isEmpty());
        QVERIFY(m_fake->key(r.error.createdAnywayHash));
        QVERIFY(m_fake->key(r.error.createdAnywayHash)->createdAt > old.createdAt.addDays(1));
        QVERIFY2(r.error.message().contains(u"was created anyway"_s) && r.error.message().contains(u"revoke it"_s),
                 qPrintable(r.error.message()));
    }

    void lostCreateWithUnreadableListSaysUnknown()
    {
        m_fake->failNext("POST", u"/keys"_s, FakeOpenRouter::errorFault(503, u"Service Unavailable"_s));
        m_fake->failNext("GET", u"/keys"_s, FakeOpenRouter::errorFault(500, u"Internal Server Error"_s), 10);
        NewKeySpec spec;
        spec.name = u"bob"_s;
        const auto r = run<json::CreatedKey>([&](auto done) { m_client->createKey(spec, nullptr, done); });
        QVERIFY(!r.ok());
        QVERIFY2(r.error.message().contains(u"is unknown"_s), qPrintable(r.error.message()));
    }

    void apiKeyInsteadOfManagementKey()
    {
        QString secret;
        FakeOpenRouter::KeySeed seed;
        seed.name = u"just an api key"_s;
        m_fake->addKey(seed, &secret);
        m_client->setManagementKey(secret);
        const auto who = run<CurrentKeyInfo>([&](auto done) { m_client->currentKey(nullptr, done); });
        QVERIFY(who.ok());
        QVERIFY(!who.value.isManagementKey);
        const auto r = listAll();
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 403);
        QVERIFY(r.error.message().contains(u"API key, not a management key"_s));
    }

    void missingKeyIsRefusedBeforeSending()
    {
        m_client->setManagementKey(QString());
        const auto r = listAll();
        QCOMPARE(r.error.kind, ApiError::Kind::NoKey);
        QVERIFY(r.error.message().contains(u"OPENROUTER_MGMT_KEY"_s));
        QCOMPARE(m_fake->requests().size(), 0);
    }

    void plainHttpIsRefused()
    {
        OpenRouterClient::Settings s = fastSettings();
        s.baseUrl = QUrl(u"http://openrouter.example.com/api/v1"_s);
        m_client->setSettings(s);
        const auto r = listAll();
        QCOMPARE(r.error.kind, ApiError::Kind::InsecureUrl);
        QVERIFY(r.error.message().contains(u"plain http"_s));
        QVERIFY(r.error.message().contains(u"openrouter.example.com"_s));
    }

    void urlPolicy_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("https") << u"https://openrouter.ai/api/v1"_s << true;
        QTest::newRow("http loopback v4") << u"http://127.0.0.1:8080/api/v1"_s << true;
        QTest::newRow("http loopback 127/8") << u"http://127.1.2.3/api/v1"_s << true;
        QTest::newRow("http localhost") << u"http://localhost:4010"_s << true;
        QTest::newRow("http loopback v6") << u"http://[::1]:4010"_s << true;
        QTest::newRow("http remote") << u"http://openrouter.ai/api/v1"_s << false;
        QTest::newRow("http private range") << u"http://192.168.1.10/api/v1"_s << false;
        QTest::newRow("ftp") << u"ftp://openrouter.ai"_s << false;
        QTest::newRow("no scheme") << u"openrouter.ai/api/v1"_s << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("junk") << u"http://"_s << false;
    }
    void urlPolicy()
    {
        QFETCH(QString, url);
        QFETCH(bool, accepted);
        QString error;
        const QUrl parsed = UrlPolicy::parse(url, &error);
        QCOMPARE(error.isEmpty(), accepted);
        QCOMPARE(parsed.isValid(), accepted);
    }

    // GETs ask for gzip (a 10,000-key listing is 5.7 MB plain), and read it inflated; a body
    // that inflates past the size cap is refused as too large, one that does not inflate is an
    // answer that cannot be read.
    void gzipAnswersAreInflatedWithinTheCap()
    {
        const auto gzip = [](const QByteArray &plain) {
            z_stream z{};
            deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
            QByteArray out(int(deflateBound(&z, uLong(plain.size()))) + 32, Qt::Uninitialized);
            z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.constData()));
            z.avail_in = uInt(plain.size());
            z.next_out = reinterpret_cast<Bytef *>(out.data());
            z.avail_out = uInt(out.size());
            deflate(&z, Z_FINISH);
            out.resize(qsizetype(z.total_out));
            deflateEnd(&z);
            return out;
        };
        FakeOpenRouter::Fault packed;
        packed.status = 200;
        packed.headers = {{"Content-Encoding", "gzip"}};
        packed.body = gzip(R"({"data":{"total_credits":120.5,"total_usage":20.25}})");
        m_fake->failNext("GET", u"/credits"_s, packed);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QVERIFY2(r.ok(), qPrintable(r.error.message()));
        QCOMPARE(r.value.totalCredits, 120.5);
        QCOMPARE(r.value.totalUsage, 20.25);

        OpenRouterClient::Settings s = fastSettings();
        s.maxResponseBytes = 64 * 1024;
        s.maxRetries = 0;
        m_client->setSettings(s);
        FakeOpenRouter::Fault bomb = packed;
        bomb.body = gzip(QByteArray(8 * 1024 * 1024, ' ')); // 8 KB that inflate to 8 MB
        QVERIFY(bomb.body.size() < 64 * 1024);
        m_fake->failNext("GET", u"/credits"_s, bomb);
        const auto big = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(big.error.kind, ApiError::Kind::TooLarge);

        FakeOpenRouter::Fault broken = packed;
        broken.body = "not gzip at all";
        m_fake->failNext("GET", u"/credits"_s, broken);
        const auto bad = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(bad.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(bad.error.detail.contains(u"gzip"_s), qPrintable(bad.error.detail));
    }

    // A server that ignores the offset answers the first page again and again: the listing
    // stops at the second page that says so, not after ten thousand of them.
    void aServerThatIgnoresTheOffsetIsCaughtAtOnce()
    {
        m_fake->addGeneratedKeys(250);
        QJsonArray first;
        for (const ApiKey &k : m_fake->keys().mid(0, 100))
            first.append(json::toJson(k));
        FakeOpenRouter::Fault same;
        same.status = 200;
        same.body = QJsonDocument(QJsonObject{{"data"_L1, first}}).toJson(QJsonDocument::Compact);
        m_fake->failNext("GET", u"/keys"_s, same, 10'000, 1); // every page after the first
        const auto r = listAll();
        QCOMPARE(r.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(r.error.detail.contains(u"first page again"_s), qPrintable(r.error.detail));
        QVERIFY(m_fake->countRequests("GET", u"/keys"_s) < 20);
    }

    // Credits without their figures are an answer that cannot be read, never $0.00 (an account
    // that would seem to have run out) nor a negative balance.
    void creditsMustHaveTheirFigures_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("inDetail");
        QTest::newRow("empty") << QByteArray(R"({"data":{}})") << u"$.data.total_credits"_s;
        QTest::newRow("no usage") << QByteArray(R"({"data":{"total_credits":100}})") << u"$.data.total_usage"_s;
        QTest::newRow("null") << QByteArray(R"({"data":{"total_credits":null,"total_usage":1}})") << u"$.data.total_credits"_s;
        QTest::newRow("negative") << QByteArray(R"({"data":{"total_credits":-5,"total_usage":1}})") << u"below 0"_s;
    }
    void creditsMustHaveTheirFigures()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, inDetail);
        FakeOpenRouter::Fault f;
        f.status = 200;
        f.body = body;
        m_fake->failNext("GET", u"/credits"_s, f);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(r.error.detail.contains(inDetail), qPrintable(r.error.detail));
    }

    void malformedAndMistypedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("inDetail");
        QTest::newRow("invalid json") << QByteArray("{\"data\": [") << u"invalid JSON"_s;
        QTest::newRow("html") << QByteArray("<html>hi</html>") << u"invalid JSON"_s;
        QTest::newRow("wrong type") << QByteArray(R"({"data":[{"hash":"abc","name":"x","usage":"12"}]})") << u"$.data[0].usage"_s;
        QTest::newRow("data null") << QByteArray(R"({"data":null})") << u"$.data"_s;
    }
    void malformedAndMistypedBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, inDetail);
        FakeOpenRouter::Fault f;
        f.status = 200;
        f.body = body;
        m_fake->failNext("GET", u"/keys"_s, f);
        const auto r = listAll();
        QCOMPARE(r.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(r.error.detail.contains(inDetail), qPrintable(r.error.detail));
        QVERIFY(r.error.message().contains(u"cannot read"_s));
    }

    void timeout()
    {
        OpenRouterClient::Settings s = fastSettings();
        s.timeoutMs = 300;
        s.maxRetries = 1;
        m_client->setSettings(s);
        FakeOpenRouter::Fault hang;
        hang.hang = true;
        m_fake->failNext("GET", u"/credits"_s, hang, 2);
        QElapsedTimer clock;
        clock.start();
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::Timeout);
        QVERIFY(r.error.message().contains(u"did not answer in time"_s));
        // Each attempt had the whole timeout: the message says how many there were.
        QVERIFY2(r.error.message().contains(u"no answer after 0.3 s, the last of 2 attempts"_s), qPrintable(r.error.message()));
        QCOMPARE(m_fake->countRequests("GET", u"/credits"_s), 2); // a timed-out GET is retried once
        QVERIFY(clock.elapsed() < 3000);
    }

    void connectionReset()
    {
        OpenRouterClient::Settings s = fastSettings();
        s.maxRetries = 0;
        m_client->setSettings(s);
        FakeOpenRouter::Fault reset;
        reset.closeWithoutAnswer = true;
        // Qt itself re-sends once when a kept-alive connection closes before answering.
        m_fake->failNext("GET", u"/credits"_s, reset, 5);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::Network);
        QVERIFY(r.error.message().startsWith(u"Could not reach"_s));
    }

    void truncatedBody()
    {
        OpenRouterClient::Settings s = fastSettings();
        s.maxRetries = 0;
        m_client->setSettings(s);
        FakeOpenRouter::Fault cut;
        cut.status = 200;
        cut.body = R"({"data":{"total_credits":10,)";
        cut.truncate = true;
        m_fake->failNext("GET", u"/credits"_s, cut);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QVERIFY(!r.ok());
        QVERIFY(r.error.kind == ApiError::Kind::Network || r.error.kind == ApiError::Kind::BadResponse);
    }

    void responseSizeIsCapped()
    {
        m_fake->addGeneratedKeys(100);
        OpenRouterClient::Settings s = fastSettings();
        s.maxResponseBytes = 4096;
        m_client->setSettings(s);
        const auto r = listAll();
        QCOMPARE(r.error.kind, ApiError::Kind::TooLarge);
    }

    void fiftyMegabyteBodyIsRefusedEarly()
    {
        // The default cap, a body far over it: the download stops at the cap, not at 50 MB.
        FakeOpenRouter::Fault fault;
        fault.status = 200;
        fault.body = QByteArray(50 * 1024 * 1024, ' ');
        fault.body.replace(0, 10, "{\"data\":[ ");
        m_fake->failNext("GET", u"/credits"_s, fault);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::TooLarge);
        QVERIFY(r.error.message().contains(u"larger than orteam accepts"_s));
    }

    void slowDripTimesOut()
    {
        // Bytes keep arriving, just never the whole answer: the call's timeout covers the whole
        // call, not the gap between bytes.
        FakeOpenRouter::Fault fault;
        fault.status = 200;
        fault.body = R"({"data":{"total_credits":100,"total_usage":5}})";
        fault.dripMs = 40;
        m_fake->failNext("GET", u"/credits"_s, fault, 10);
        OpenRouterClient::Settings s = fastSettings();
        s.timeoutMs = 600;
        s.maxRetries = 1;
        m_client->setSettings(s);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::Timeout);
        QVERIFY(r.error.message().contains(u"did not answer in time"_s));
    }

    // A redirect of the management API is not followed (the key would go along to wherever it
    // points): the call fails, saying where it pointed, and nothing is asked of that place.
    void redirectsAreNotFollowed()
    {
        OpenRouterClient::Settings s = fastSettings();
        s.maxRetries = 0;
        m_client->setSettings(s);
        FakeOpenRouter::Fault moved;
        moved.status = 302;
        moved.body = "{}";
        moved.headers = {{"Location", "https://elsewhere.example/api/v1/credits"}};
        m_fake->failNext("GET", u"/credits"_s, moved);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(r.error.detail.contains(u"redirect to https://elsewhere.example/api/v1/credits"_s), qPrintable(r.error.detail));
        QCOMPARE(m_fake->countRequests("GET", u"/credits"_s), 1);
    }

    // Calls under way on one base URL still answer after the base URL changed (each origin has
    // its own connections), and the next call goes to the new one.
    void changingTheBaseUrlLeavesCallsUnderWayToFinish()
    {
        FakeOpenRouter other;
        QVERIFY(other.start() != 0);
        m_fake->failNext("GET", u"/credits"_s, FakeOpenRouter::slowFault(200));
        std::optional<ApiResult<Credits>> first;
        m_client->credits(nullptr, [&](const ApiResult<Credits> &r) { first = r; });
        OpenRouterClient::Settings s = m_client->settings();
        s.baseUrl = other.baseUrl();
        m_client->setSettings(s);
        m_client->setManagementKey(other.managementKey());
        QTRY_VERIFY(first.has_value());
        QVERIFY2(first->ok(), qPrintable(first->error.message()));
        const auto second = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QVERIFY2(second.ok(), qPrintable(second.error.message()));
        QCOMPARE(other.countRequests("GET", u"/credits"_s), 1);
    }

    // A server that answers, but not in HTTP as orteam reads it (a bad Content-Length): the
    // answer cannot be read, said as such, and not asked again as if the network had failed.
    void anAnswerThatIsNotHttpIsABadResponseNotRetried()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        int connections = 0;
        connect(&server, &QTcpServer::newConnection, &server, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                ++connections;
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write("HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n{}");
                });
            }
        });
        OpenRouterClient::Settings s = fastSettings();
        s.baseUrl = QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(server.serverPort()));
        m_client->setSettings(s);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(r.error.detail.contains(u"Content-Length"_s), qPrintable(r.error.detail));
        QCOMPARE(connections, 1);
    }

    void tlsErrorsAreFatal()
    {
        // A server whose certificate nobody vouches for (self-signed, made here with openssl): the
        // call fails with a certificate error, and the key is never sent to it. Not tried again:
        // the same certificate fails the same way, and four attempts only keep a person waiting.
        QTemporaryDir dir;
        const std::optional<QSslConfiguration> config = selfSignedServer(dir);
        QVERIFY2(config, "openssl could not make a certificate");
        QSslServer server;
        server.setSslConfiguration(*config);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QByteArray received;
        int handshakes = 0;
        connect(&server, &QSslServer::startedEncryptionHandshake, &server, [&] { ++handshakes; });
        connect(&server, &QSslServer::pendingConnectionAvailable, &server, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, socket, [&, socket] { received += socket->readAll(); });
        });
        OpenRouterClient::Settings s = fastSettings();
        s.baseUrl = QUrl(u"https://127.0.0.1:%1/api/v1"_s.arg(server.serverPort()));
        s.maxRetries = 3;
        m_client->setSettings(s);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::Network);
        QVERIFY(!r.error.isTransient());
        QCOMPARE(handshakes, 1);
        QVERIFY2(r.error.message().contains(u"certificate"_s, Qt::CaseInsensitive), qPrintable(r.error.message()));
        QVERIFY(!received.contains("Authorization"));
        QVERIFY(!received.contains(m_fake->managementKey().toUtf8()));
    }

    void aTlsErrorAfterTheHandshakeIsANetworkError()
    {
        // A TLS failure once the handshake is done (a record that does not decrypt, mid-answer)
        // follows a request that went out: a network failure like a reset, tried again for a
        // GET, and to the gateway one that may have been billed. Only a failed handshake is
        // "nothing sent". A trusted certificate (added to the default configuration here), and a
        // proxy between that passes the handshake and then spoils the answer.
        QTemporaryDir dir;
        const std::optional<QSslConfiguration> config = selfSignedServer(dir);
        QVERIFY2(config, "openssl could not make a certificate");
        const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = before;
        trusting.addCaCertificate(config->localCertificate());
        QSslConfiguration::setDefaultConfiguration(trusting);
        const auto restore = qScopeGuard([&] { QSslConfiguration::setDefaultConfiguration(before); });
        QSslServer server;
        server.setSslConfiguration(*config);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        int requests = 0;
        bool spoil = false; // set once a request has arrived whole: what the proxy passes back is spoiled
        connect(&server, &QSslServer::pendingConnectionAvailable, &server, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                    if (!socket->readAll().contains("\r\n\r\n"))
                        return;
                    ++requests;
                    spoil = true;
                    socket->write("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"data\":{\"total_credits\":1,\"total_usage\":0}}");
                });
            }
        });
        QTcpServer proxy;
        QVERIFY(proxy.listen(QHostAddress::LocalHost));
        connect(&proxy, &QTcpServer::newConnection, &proxy, [&] {
            while (QTcpSocket *client = proxy.nextPendingConnection()) {
                spoil = false;
                auto *upstream = new QTcpSocket(client);
                upstream->connectToHost(QHostAddress::LocalHost, server.serverPort());
                connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
                connect(upstream, &QTcpSocket::readyRead, client, [&, client, upstream] {
                    const QByteArray bytes = upstream->readAll();
                    // An application-data record of the right shape whose contents do not decrypt.
                    client->write(spoil ? QByteArray("\x17\x03\x03\x00\x20", 5) + QByteArray(32, '\x5a') : bytes);
                });
            }
        });
        OpenRouterClient::Settings s = fastSettings();
        s.baseUrl = QUrl(u"https://127.0.0.1:%1/api/v1"_s.arg(proxy.serverPort()));
        s.maxRetries = 1;
        m_client->setSettings(s);
        const auto r = run<Credits>([&](auto done) { m_client->credits(nullptr, done); });
        QCOMPARE(r.error.kind, ApiError::Kind::Network);
        QVERIFY2(!r.error.lasting && r.error.isTransient(), qPrintable(r.error.message()));
        QCOMPARE(requests, 2); // it went, and a GET went again
    }

    void activeUntilTheParsedAnswerArrives()
    {
        // The dashboard's busy indicator follows activeCallsChanged: a listing whose pages are
        // parsed on a pool thread stays active until its keys are delivered, and the count never
        // touches 0 in between (the indicator would blink off while the keys are still coming).
        m_fake->addGeneratedKeys(600);
        bool answered = false, idleEarly = false;
        QList<int> counts;
        connect(m_client.get(), &OpenRouterClient::activeCallsChanged, this, [&](int count) {
            counts << count;
            idleEarly = idleEarly || (count == 0 && !answered);
        });
        const ApiResult<ApiKeyList> keys = run<ApiKeyList>([&](auto done) {
            m_client->listKeys(true, nullptr, [&, done](const ApiResult<ApiKeyList> &r) {
                answered = true;
                done(r);
            });
        });
        QVERIFY(keys.ok());
        QVERIFY(keys.value.size() >= 600);
        QVERIFY(counts.size() > 2);
        QVERIFY(!idleEarly);
        QTRY_COMPARE(counts.last(), 0);
        // A small answer (parsed on this thread) likewise.
        counts.clear();
        answered = false;
        QVERIFY(run<Credits>([&](auto done) {
                    m_client->credits(nullptr, [&, done](const ApiResult<Credits> &r) {
                        answered = true;
                        done(r);
                    });
                }).ok());
        QVERIFY(!idleEarly);
        QCOMPARE(counts, (QList<int>{1, 0}));
    }

    // Pages of 100 keys (57 KB) are parsed on a pool thread. A client destroyed at any moment of
    // a listing (a dashboard closed mid-refresh) answers nothing afterwards and frees nothing
    // twice (the sanitizers' build runs this too), whatever the parse was doing.
    void aClientDestroyedMidParseAnswersNothing()
    {
        m_fake->addGeneratedKeys(600);
        for (int delayMs = 0; delayMs <= 40; delayMs += 4) {
            auto client = std::make_unique<OpenRouterClient>(m_nam.get());
            client->setSettings(fastSettings());
            client->setManagementKey(m_fake->managementKey());
            bool answered = false;
            client->listKeys(true, nullptr, [&](const ApiResult<ApiKeyList> &) { answered = true; });
            QTest::qWait(delayMs);
            const bool before = answered;
            client.reset();
            QTest::qWait(60);
            QCOMPARE(answered, before);
        }
        // And one left alone answers every key.
        const auto all = listAll();
        QVERIFY2(all.ok(), qPrintable(all.error.message()));
        QCOMPARE(all.value.size(), 600);
    }

    void callbacksAreNeverSynchronousAndRespectContext()
    {
        m_client->setManagementKey(QString());
        bool called = false;
        m_client->credits(nullptr, [&](const ApiResult<Credits> &) { called = true; });
        QVERIFY(!called); // even a refusal arrives later, like every other answer
        QTRY_VERIFY(called);

        m_client->setManagementKey(m_fake->managementKey());
        bool calledAfterDeath = false;
        auto *context = new QObject;
        m_client->credits(context, [&](const ApiResult<Credits> &) { calledAfterDeath = true; });
        delete context;
        QTest::qWait(300);
        QVERIFY(!calledAfterDeath);
        QCOMPARE(m_fake->countRequests("GET", u"/credits"_s), 1);
    }
};

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
