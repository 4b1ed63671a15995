#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "Workspace.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <optional>

class QTcpServer;

namespace orteam {

// A fake of OpenRouter's management and inference APIs: a real HTTP server on 127.0.0.1 that keeps
// state and answers as OpenRouter's spec (tests/prism/openapi.yaml) says (status codes, error
// bodies, 100-per-page key listing, management vs API key authentication, each inference API's
// shapes and event streams). `orteam --demo` runs on it; the tests queue faults per route on it
// to test error handling.
class FakeOpenRouter final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    explicit FakeOpenRouter(QObject *parent = nullptr);
    ~FakeOpenRouter() override;

    // Listens on 127.0.0.1 at the given port (0: any free port) and returns the port, 0 on failure.
    quint16 start(quint16 port = 0);
    quint16 port() const;
    QUrl baseUrl() const; // http://127.0.0.1:PORT/api/v1

    // The one management key this server accepts. API-key secrets of created keys are accepted
    // too, but only where OpenRouter accepts API keys (GET /key); elsewhere they get 403.
    QString managementKey() const { return m_managementKey; }
    void setManagementKey(const QString &key) { m_managementKey = key; }
    // Inference for one key (Authorization: Bearer, as a gateway forwards it): POST
    // /chat/completions, /completions, /embeddings, /responses and /messages (Anthropic), streamed
    // (stream: true) where the API streams. Every answer says "Hello from <model>." and costs
    // `cost` (usage.cost) under a generation id gen-<n> that GET /generation?id= knows afterwards.
    // Test models, on every inference endpoint, for what a gateway must survive:
    //   test/upstream-error  502 in that API's error shape
    //   test/no-usage        the answer carries no cost (no usage at all; /messages keeps the token
    //                        counts its schema requires), and the first GET /generation of its id
    //                        answers 404, as OpenRouter records generations a moment later
    //   test/slow-usage      streamed: the text at once, the usage and the end SlowUsageDelayMs
    //                        later (a client can leave in between); not streamed: all of it later
    //   test/leaky-error     400 that repeats the Authorization received in its message and in an
    //                        X-Upstream-Secret header, plus a Set-Cookie
    void setChatKey(const QString &key) { m_chatKey = key; }
    void setChatCost(double cost) { m_chatCost = cost; }
    static constexpr int SlowUsageDelayMs = 1500;
    // The ids asked for with GET /generation, in order, retries included.
    QList<QString> generationLookups() const { return m_generationLookups; }

    // State, for seeding and for tests to check what the client did.
    struct KeySeed
    {
        QString name;
        std::optional<double> limit;
        LimitReset limitReset = LimitReset::None;
        bool disabled = false;
        bool includeByokInLimit = false;
        double usage = 0, usageDaily = 0, usageWeekly = 0, usageMonthly = 0;
        QDateTime createdAt; // default: now
        QDateTime expiresAt;
        QString creatorUserId;
        QString workspaceId; // empty: the default workspace
    };
    ApiKey addKey(const KeySeed &seed, QString *secret = nullptr);
    // The same, listed first: as an account listed newest first shows a key made while a client
    // pages through it, every later page shifts by one (the last key of a page read is the first
    // of the next).
    ApiKey addKeyFirst(const KeySeed &seed);
    void addGeneratedKeys(int count, const QString &namePrefix = QStringLiteral("generated"));
    ApiKeyList keys() const;
    std::optional<ApiKey> key(const QString &hash) const;
    int keyCount() const { return int(m_keys.size()); }
    // Every key spends `usd` more today (usage, daily, weekly, monthly): a new state to sync.
    void spendOnEveryKey(double usd);

    void setCredits(double totalCredits, double totalUsage);
    // Activity rows are stored per key; GET /activity sums keys unless filtered by api_key_hash
    // (one key) or user_id (the keys that user made: KeySeed::creatorUserId).
    void addActivity(const QString &keyHash, const ActivityItem &item);
    // POST /analytics/query answers from the same activity rows, per UTC day and up to two of the
    // dimensions model, provider, api_key_id (the key's hash) and user (the key's creator), with
    // the metrics total_cost, request_count, prompt_tokens and completion_tokens. An answer holds
    // at most min(limit, the row cap) rows and says truncated when it left some out. A refusal
    // status (403: no analytics for this account, 404: an OpenRouter without the endpoint) answers
    // every analytics call with that error until set back to 0.
    void setAnalyticsRefusal(int status) { m_analyticsRefusal = status; }
    void setAnalyticsRowCap(int rows) { m_analyticsRowCap = rows; }
    void setModels(const QList<ModelInfo> &models);
    void setOrganizationMembers(const QList<OrgMember> &members);
    QList<Guardrail> guardrails() const { return m_guardrails; }
    QHash<QString, QString> guardrailOfKey() const { return m_guardrailOfKey; }
    // (guardrail id, user id): people bound by a guardrail across every key they own (created).
    QList<std::pair<QString, QString>> memberAssignments() const { return m_memberAssignments; }
    // Workspaces: the default one (every key made without a workspace_id is in it, and every
    // organization member belongs to it) and any added or created. Budgets keep OpenRouter's rule
    // (a wider interval allows more); a member cannot be removed while holding a key there.
    static constexpr QLatin1StringView DefaultWorkspaceId{"0df9e665-d932-5740-b2c7-b52af166bc11"};
    struct FakeWorkspace
    {
        Workspace workspace;
        QList<WorkspaceBudget> budgets;
        QStringList members; // user ids (the default workspace: everyone, implicitly)
    };
    void addWorkspace(const FakeWorkspace &workspace);
    QList<FakeWorkspace> workspaces() const { return m_workspaces; }
    void setWorkspaces(const QList<FakeWorkspace> &workspaces) { m_workspaces = workspaces; }

    // The server's idea of "now" (expiry checks, activity window); tests may pin it.
    void setNow(const QDateTime &now) { m_now = now; }
    QDateTime now() const;

    // Every request received, in order (capped at the last 10,000).
    struct Recorded
    {
        QByteArray method;
        QString path; // without the /api/v1 prefix
        QUrlQuery query;
        QByteArray body;
        QByteArray authorization;
        QByteArray referer; // HTTP-Referer
        QByteArray title;   // X-OpenRouter-Title
        QByteArray apiKey;  // x-api-key (Anthropic's header: a gateway must not pass a member's on)
    };
    QList<Recorded> requests() const { return m_requests; }
    // What the demo's notification destinations received (POST /_fake/hooks/NAME, answered 200):
    // the demo's alerts go here, on loopback, never to a real Slack. NAME → body.
    QList<std::pair<QString, QByteArray>> hookBodies() const { return m_hookBodies; }
    int countRequests(const QByteArray &method, const QString &pathPrefix) const;
    void clearRequests() { m_requests.clear(); }

    // A fault answers the next `times` requests whose method and path prefix match, instead of
    // the normal handler. `hang` never answers (for timeouts); a truncated body advertises a
    // longer Content-Length than it sends, then closes the connection.
    struct Fault
    {
        int status = 500;
        QByteArray body = R"({"error":{"code":500,"message":"Internal Server Error"}})";
        QList<std::pair<QByteArray, QByteArray>> headers;
        bool hang = false;
        bool truncate = false;
        bool closeWithoutAnswer = false;
        int delayMs = 0;
        bool applyFirst = false; // do what was asked, then fail the answer (a lost reply)
        int dripMs = 0;          // send the body one byte every dripMs (a slow drip)
        bool slow = false;       // do what was asked and answer as usual, only delayMs late (a slow server)
    };
    // `skip` lets that many matching requests through first (e.g. fail only the second page).
    void failNext(const QByteArray &method, const QString &pathPrefix, const Fault &fault, int times = 1, int skip = 0);
    static Fault errorFault(int status, const QString &message);
    static Fault slowFault(int delayMs);
    void clearFaults() { m_faults.clear(); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Reply
    {
        int status = 200;
        QByteArray body;
        QList<std::pair<QByteArray, QByteArray>> headers;
        // A streamed answer's end (its usage, [DONE]); sent with `body` unless delayMs holds it back.
        QByteArray end;
        int delayMs = 0; // `end` this much after `body`, or, with no `end`, the whole answer
    };
    enum class Api { ChatCompletions, Completions, Embeddings, Responses, Messages };
    struct Generation
    {
        QString model;
        double cost = 0;
        Api api = Api::ChatCompletions;
        bool streamed = false;
        QDateTime createdAt;
        QString user;     // the body's user (metadata.user_id on /messages)
        QString referer;
        int hiddenLookups = 0; // lookups still answered 404 (not recorded yet)
    };
    struct StoredKey
    {
        ApiKey key;
        QString secret;
    };
    enum class Caller { None, Unknown, Management, ApiKey, DisabledApiKey };

    Reply dispatch(const QHttpServerRequest &request, const QString &path);
    Caller authenticate(const QHttpServerRequest &request, QString *apiKeyHash) const;
    static Reply error(int status, const QString &message);
    // An error in the shape the API's clients read: Anthropic's on /messages, OpenRouter's elsewhere.
    static Reply apiError(Api api, int status, const QString &message, const QJsonObject &metadata = {});
    static std::optional<Api> inferenceApiOf(const QStringList &pathParts);
    static Reply json(int status, const QJsonObject &body);
    ApiKey present(const ApiKey &key) const; // with limit_remaining computed

    Reply listKeys(const QUrlQuery &query);
    Reply createKey(const QByteArray &body);
    Reply updateKey(const QString &hash, const QByteArray &body);
    Reply deleteKey(const QString &hash);
    Reply currentKey(Caller caller, const QString &apiKeyHash);
    Reply activity(const QUrlQuery &query);
    Reply analyticsQuery(const QByteArray &body);
    Reply models();
    Reply inference(Api api, const QHttpServerRequest &request, const QString &keyHash);
    // The guardrails that bind a request on `keyHash` (its own, its owner's as a person) refuse a
    // model they do not allow (403) or a budget reached (402, limit_source api_key or member).
    std::optional<Reply> guardrailRefusal(Api api, const QString &keyHash, const QString &model) const;
    static double spentWithin(const ApiKey &key, LimitReset interval);
    QJsonObject memberAssignmentJson(const std::pair<QString, QString> &assignment) const;
    Reply generation(const QUrlQuery &query);
    Reply recordedInference() const; // GET /_fake/requests: what reached the inference endpoints
    void send(const QHttpServerRequest &request, QTcpSocket *socket, const Reply &reply);
    Reply guardrails(const QHttpServerRequest &request, const QStringList &parts);
    Reply organizationMembers(const QUrlQuery &query);
    Reply workspaces(const QHttpServerRequest &request, const QStringList &parts);
    int workspaceIndex(const QString &idOrSlug) const;

    QTcpServer *m_tcp = nullptr;
    QString m_managementKey;
    QString m_chatKey;
    double m_chatCost = 0.0125;
    QList<StoredKey> m_keys;
    QHash<QString, int> m_indexByHash;
    QHash<QString, QString> m_hashBySecret;
    Credits m_credits{100.0, 0.0};
    QList<std::pair<QString, ActivityItem>> m_activity;
    int m_analyticsRefusal = 0;
    int m_analyticsRowCap = 100'000;
    QList<ModelInfo> m_models;
    QList<OrgMember> m_members;
    QList<Guardrail> m_guardrails;
    QHash<QString, QString> m_guardrailOfKey; // key hash → guardrail id (a key holds at most one)
    QList<std::pair<QString, QString>> m_memberAssignments; // (guardrail id, user id)
    QList<FakeWorkspace> m_workspaces;
    QDateTime m_now;
    QList<Recorded> m_requests;
    QList<std::pair<QString, QByteArray>> m_hookBodies;
    struct QueuedFault
    {
        QByteArray method;
        QString pathPrefix;
        Fault fault;
        int remaining;
        int skip;
    };
    QList<QueuedFault> m_faults;
    quint64 m_sequence = 0;
    QHash<QString, Generation> m_generations;
    quint64 m_generationSerial = 0;
    QList<QString> m_generationLookups;
};

} // namespace orteam
