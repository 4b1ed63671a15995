#pragma once

#include "GatewayStatus.h"
#include "HttpServer.h"
#include "InferenceApi.h"
#include "Team.h"
#include "UpstreamClient.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class QNetworkAccessManager;

namespace orteam {

class JobQueue;
class Store;

// orteam-gateway: a front for one shared OpenRouter key that speaks every API a team's tools call
// (chat and legacy completions, embeddings, OpenAI Responses, Anthropic Messages; models). Each
// member calls it with their own gateway token; per request, in this order: who is calling (401,
// checked on the request's head, before its body is read), the tier's policy on every field that
// picks a model (InferenceApi.h: allowed; else the tier's fallback, said in
// X-Orteam-Model-Downgraded-From; else 403), the daily budget (402), the requests-per-minute limit
// (429 with Retry-After), the member's requests in flight (429). Then the request goes upstream
// with the shared key, HTTP-Referer, X-OpenRouter-Title "<app>:<member>" and the member in the
// API's user field. Refusals and upstream errors come in the API's own error shape; upstream
// errors are re-wrapped (status and message kept, nothing else of theirs passed on).
//
// Charging: the cost is read from the answer as it passes (usage.cost; the Messages stream's
// message_delta; the Responses stream's response.completed), whether or not the client is still
// there: a client that hangs up does not stop the gateway reading the answer to its end. An
// answer without a plausible cost is looked up by its generation id (GET /generation, retried
// with backoff); what still cannot be costed is counted and said. Usage reaches the database on
// the gateway's own database thread, never on the thread that serves requests.
//
// Budgets under concurrency: a request is admitted while the member's spend in their budget's
// period (today, this week or this month: the database's, plus what this gateway recorded since)
// is under their budget, so the spend
// can end above the limit by at most the cost of the requests already in flight when it was
// crossed; at most `maxInFlight` per member are, so the overshoot is bounded by maxInFlight
// times the dearest request (per gateway: several gateways on one database each add theirs).
//
// Threads (Settings::threads > 1): requests are served by that many threads, each with its own
// listening socket on the same port (SO_REUSEPORT: the kernel spreads the connections), its own
// HTTP server, upstream pool, database connection and network access; what decides and what is
// charged (members, tiers, spend, usage not yet written, requests in flight, per-minute windows)
// is one state behind one lock, taken for each decision and each charge, so every rule above
// holds across the threads exactly as on one. Flushes and reloads stay on the gateway's thread.
class Gateway final : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QUrl upstream = QUrl(QStringLiteral("https://openrouter.ai/api/v1"));
        QString upstreamKey;                // the shared inference key
        QString appName = QStringLiteral("orteam");
        QByteArray referer = "https://github.com/orteam/orteam";
        int maxInFlight = 4;               // per member
        int requestsPerMinute = 0;         // per member; 0: no limit
        int flushMs = 1000;                // usage reaches the database at least this often
        int reloadMs = 10'000;             // members, tiers and spend re-read at least this often
        int upstreamTimeoutMs = 300'000;   // a long completion may take minutes
        // Several gateways on one database: each request first reserves its place in the database
        // (UsageRepository::reserve), so maxInFlight and the budget hold across all of them.
        bool sharedBudget = false;
        // Threads serving requests; 1: all on the gateway's own thread. A shared budget or an
        // in-memory database is served on one (their admission and connection are this thread's).
        int threads = 1;
        // When an answer carried no cost: GET /generation after each of these delays, then give up.
        QList<int> costLookupDelaysMs = {250, 1000, 3000, 10'000, 30'000};
        HttpLimits http;
    };

    Gateway(Store *store, QNetworkAccessManager *network, const Settings &settings, QObject *parent = nullptr);
    ~Gateway() override; // writes what is still in memory

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_http.port(); }
    int threads() const { return int(m_shards.size()); }
    GatewayStatus status() const; // what it also writes for the dashboards (updatedAt: now)
    bool reload(QString *error); // re-reads the team now, on this thread
    // Writes all recorded usage now (waiting for writes under way on the database thread): for
    // shutdown and tests. Serving flushes on its own, off this thread.
    bool flush(QString *error);
    int costLookupsPending() const;
    int unsettled() const; // requests sent whose cost is not yet known
    void setClock(std::function<QDateTime()> clock); // before serving: read by every thread

Q_SIGNALS:
    void recorded(const QString &member, double cost);
    void uncosted(const QString &member, const QString &why); // served, but its cost is unknown
    void problem(const QString &message);

private:
    struct Exchange;
    struct TeamSnapshot;
    struct Shard;
    using Usage = QHash<QString, std::pair<double, qint64>>; // member → cost, requests
    struct FlushBatch
    {
        QMap<QDate, Usage> days;
        QStringList releases; // shared budget: reservations ended, dropped with the usage they became
        std::atomic<bool> written = false; // set on the database thread once committed
    };
    struct Caller
    {
        const Member *member = nullptr;
        QString token;
        int status = 0; // a refusal: 401, or 503 when the database cannot say
        QString message;
    };

    // Who the last head check let in, for the handler of that same request (checkedWhole).
    struct HeadCaller
    {
        QString token;
        QString member;
    };
    std::optional<HttpAnswer> checkHead(Shard &shard, const HttpRequest &head);
    Caller identify(Shard &shard, const HttpRequest &request, bool head);
    void handle(Shard &shard, HttpConnection *connection, HttpRequest &&request);
    void forward(Shard &shard, HttpConnection *connection, InferenceApi api, HttpRequest &&request,
                 std::optional<RequestBodySplit> split, const Member &member, const QString &token);
    void send(Shard &shard, HttpConnection *connection, const std::shared_ptr<Exchange> &ex, QByteArray body,
              const QByteArray &anthropicBeta);
    void release(const QString &reservation);
    void models(Shard &shard, HttpConnection *connection, const Member &member);
    void refuse(HttpConnection *connection, InferenceApi api, int status, const QString &message, HttpHeaders headers = {});
    HttpHeaders budgetHeaders(const Member &member) const;
    void settle(Shard &shard, const std::shared_ptr<Exchange> &ex);
    void lookUpCost(Shard &shard, const std::shared_ptr<Exchange> &ex, int attempt);
    void finishExchange(const std::shared_ptr<Exchange> &ex); // its cost is known (or given up): its place is free
    void record(const QString &member, double cost);
    void giveUp(const QString &member, const QString &why);
    QByteArray rewrapError(InferenceApi api, int status, const QByteArray &upstreamBody, const QString &token) const;
    double spentInPeriod(const QString &member, LimitReset period) const;
    void addStored(const QString &member, const QDate &day, double cost); // written: counts in each period holding `day`
    QDate today() const { return m_clock().toUTC().date(); }
    void rollDay();
    void flushSoon();
    void account(const FlushBatch &batch, bool written); // a write's outcome, into what is held
    static TeamSnapshot readTeam(Store &store, const QDate &day);
    bool applyTeam(const TeamSnapshot &snapshot, QString *error);
    void reloadSoon();
    enum class TokenCheck { Valid, Revoked, Unreadable };
    TokenCheck tokenStillValid(Shard &shard, const QString &hash, const QString &member, bool head, QString *error);
    void drainJobs();
    bool startThreads(int count, QString *error);
    void stopThreads();

    Store *m_store;
    QNetworkAccessManager *m_network;
    Settings m_settings;
    // Chat and the other APIs go through our own client (a keep-alive pool, chunks read whole);
    // the rare lookups (models, generations) through m_network.
    UpstreamClient m_upstream;
    QByteArray m_upstreamHeaderLines;                 // what every request upstream carries
    std::array<QByteArray, InferenceApiCount> m_upstreamTargets; // per InferenceApi: its path upstream
    HttpServer m_http;
    std::unique_ptr<JobQueue> m_jobs; // the database thread: flushes and reloads
    QTimer m_flushTimer;
    QTimer m_reloadTimer;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };

    QHash<QString, QString> m_tokens; // SHA-256 of the token → member
    QHash<QString, Member> m_members;
    QList<Tier> m_tiers;
    QDate m_day;
    QHash<QString, PeriodSpend> m_storedSpend;     // today, this week, this month, as the database had it
    QMap<QDate, Usage> m_unflushed;                // recorded here, not yet handed to a write
    QList<std::shared_ptr<FlushBatch>> m_flushing; // handed to the database thread
    QHash<QString, int> m_inFlight;
    // Requests sent and not yet charged (answers under way, costs being looked up): each holds its
    // member's place in flight until then, and the gateway's end gives up on each, out loud.
    QHash<const Exchange *, std::shared_ptr<Exchange>> m_open;
    QString m_statusShown;    // the last status written, without its time
    QDateTime m_statusShownAt;
    QStringList m_releases;   // shared budget: reservations to drop with the next write
    QSet<QString> m_reserved; // shared budget: reservations held by requests under way
    QHash<QString, std::deque<qint64>> m_recentRequests; // per member, ms since epoch, last minute
    qint64 m_requestsToday = 0;
    qint64 m_refusalsToday = 0;
    qint64 m_uncostedToday = 0;
    int m_lookups = 0;
    bool m_reloadQueued = false;
    mutable std::array<std::pair<QDate, QByteArray>, 4> m_resetHeaders; // per LimitReset: its next reset, as sent
    QJsonArray m_modelCache;
    QDateTime m_modelCacheAt;
    // What serves requests, per thread: the first is this thread's (m_http, m_upstream, m_store,
    // m_network); with Settings::threads > 1 the others each run a thread of their own. Everything
    // above is shared under m_lock, taken at each entry (a request's head, its handling, its
    // answer's end, a cost looked up, a timer, a write's outcome). Recursive: on one thread a
    // handler refuses, a charge emits `recorded`, and a slot may ask status().
    std::vector<std::unique_ptr<Shard>> m_shards;
    mutable std::recursive_mutex m_lock;
};

} // namespace orteam
