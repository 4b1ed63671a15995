#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "ApiResult.h"
#include "JsonCodec.h"
#include "KeyRequests.h"

#include <QByteArray>
#include <QDate>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <QHash>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace orteam {
class UpstreamClient;
}

Q_DECLARE_LOGGING_CATEGORY(lcApi)

namespace orteam {

// Asynchronous client of OpenRouter's management API. Every call takes a context object and a
// callback; the callback runs on the context's thread, later (never inside the call), exactly
// once, and not at all if the context is destroyed first. This one class owns timeouts, retries,
// redirects, the response size cap and the Authorization header (Nextcloud's one-base-job rule).
class OpenRouterClient final : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QUrl baseUrl;
        int timeoutMs = 30'000;       // whole call, per attempt
        int maxRetries = 3;           // extra attempts for idempotent calls on transient errors
        int retryBaseDelayMs = 500;   // doubled per attempt, with jitter
        int retryMaxDelayMs = 8'000;  // cap for our own backoff
        int retryAfterCapMs = 60'000; // cap for a server's Retry-After
        int maxParallelPages = 6;     // concurrent GET /keys pages (each on a connection of its own)
        qint64 maxResponseBytes = 32ll * 1024 * 1024;
    };

    static constexpr int KeysPageSize = 100; // OpenRouter's fixed page size for GET /keys
    static constexpr qsizetype ParseElsewhereBytes = 32 * 1024; // bodies this large are parsed on a pool thread
    static constexpr int MaxKeyPages = 10'000;

    template<typename T>
    using Callback = std::function<void(const ApiResult<T> &)>;

    explicit OpenRouterClient(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~OpenRouterClient() override;

    static Settings defaultSettings();
    void setSettings(const Settings &settings);
    const Settings &settings() const { return m_settings; }
    QUrl baseUrl() const { return m_settings.baseUrl; }

    // The key is held only in memory; it is never logged (requests are logged without headers).
    void setManagementKey(const QString &key);
    bool hasManagementKey() const { return !m_managementKey.isEmpty(); }
    // Hands the key to another client (a connection test) without it ever passing through a caller.
    void copyManagementKeyTo(OpenRouterClient &other) const { other.m_managementKey = m_managementKey; }

    // Keys.
    void listKeys(bool includeDisabled, QObject *context, Callback<ApiKeyList> done);
    // The same keys, handed over in order as their pages arrive: `batch` gets each key once, a
    // page or more at a time, and then `done` says whether that was all of them (their count)
    // or why not. Keys handed over before a failure are not a listing: orteam-cli formats them
    // while the rest arrive, and prints nothing unless `done` says ok. `batch` is called from
    // inside the listing, before it asks for more pages: it must not destroy this client.
    using KeyBatch = std::function<void(ApiKeyList &&keys)>;
    void streamKeys(bool includeDisabled, QObject *context, KeyBatch batch, Callback<qsizetype> done);
    void listKeysPage(int offset, bool includeDisabled, QObject *context, Callback<ApiKeyList> done);
    void getKey(const QString &hash, QObject *context, Callback<ApiKey> done);
    // Never retried: a lost answer may still have created a key (see API-NOTES).
    void createKey(const NewKeySpec &spec, QObject *context, Callback<json::CreatedKey> done);
    void updateKey(const QString &hash, const KeyUpdate &update, QObject *context, Callback<ApiKey> done);
    void deleteKey(const QString &hash, QObject *context, Callback<bool> done);

    // Account.
    void currentKey(QObject *context, Callback<CurrentKeyInfo> done);
    void credits(QObject *context, Callback<Credits> done);
    struct ActivityQuery
    {
        QDate date;      // one UTC day of the last 30, or invalid for all of them
        QString keyHash; // one key, or empty for the account
        QString userId{}; // one OpenRouter user (every key of theirs), or empty
    };
    void activity(const ActivityQuery &query, QObject *context, Callback<QList<ActivityItem>> done);
    // POST /analytics/query, all of it: the API has no pages, so an answer that says truncated is
    // asked again as two halves of its range (UTC days), until every part fits. `calls` in the
    // result counts them. A single day that still does not fit is an error (its rows would be missing).
    void queryAnalytics(const AnalyticsQuery &query, QObject *context, Callback<AnalyticsResult> done);
    void models(QObject *context, Callback<QList<ModelInfo>> done);
    void organizationMembers(QObject *context, Callback<QList<OrgMember>> done);

    // Guardrails.
    void listGuardrails(QObject *context, Callback<QList<Guardrail>> done);
    void getGuardrail(const QString &id, QObject *context, Callback<Guardrail> done);
    void createGuardrail(const GuardrailSpec &spec, QObject *context, Callback<Guardrail> done);
    void updateGuardrail(const QString &id, const GuardrailSpec &spec, QObject *context, Callback<Guardrail> done);
    void deleteGuardrail(const QString &id, QObject *context, Callback<bool> done);
    void assignKeysToGuardrail(const QString &id, const QStringList &keyHashes, QObject *context, Callback<qint64> done);
    void unassignKeysFromGuardrail(const QString &id, const QStringList &keyHashes, QObject *context,
                                   Callback<qint64> done);
    void listKeyAssignments(QObject *context, Callback<QList<GuardrailKeyAssignment>> done);
    // People (by OpenRouter user id) bound by a guardrail across every key of theirs.
    void assignMembersToGuardrail(const QString &id, const QStringList &userIds, QObject *context, Callback<qint64> done);
    void unassignMembersFromGuardrail(const QString &id, const QStringList &userIds, QObject *context,
                                      Callback<qint64> done);
    void listMemberAssignments(QObject *context, Callback<QList<GuardrailMemberAssignment>> done);

    // Workspaces, each by its id (or slug). Creating is never retried (a lost answer may still
    // have created one); a budget's PUT and DELETE name their interval and are safe to repeat.
    static constexpr int WorkspaceMembersPerCall = 100; // the API's cap on one add or remove
    void listWorkspaces(QObject *context, Callback<QList<Workspace>> done);
    void createWorkspace(const Workspace &spec, QObject *context, Callback<Workspace> done);
    void renameWorkspace(const QString &id, const QString &name, QObject *context, Callback<Workspace> done);
    void workspaceBudgets(const QString &id, QObject *context, Callback<QList<WorkspaceBudget>> done);
    void setWorkspaceBudget(const QString &id, const WorkspaceBudget &budget, QObject *context,
                            Callback<WorkspaceBudget> done);
    void removeWorkspaceBudget(const QString &id, WorkspaceInterval interval, QObject *context, Callback<bool> done);
    void workspaceMembers(const QString &id, QObject *context, Callback<QList<WorkspaceMember>> done);
    // Adds (or, with `remove`, removes) organization members by user id, at most
    // WorkspaceMembersPerCall of them.
    void changeWorkspaceMembers(const QString &id, bool remove, const QStringList &userIds, QObject *context,
                                Callback<qint64> done);

    // The transport, public for the pager and for tests of retry and timeout policy.
    struct Request
    {
        QByteArray verb = "GET";
        QString path; // relative to the base URL, e.g. "/keys/abc"
        QUrlQuery query;
        std::optional<QJsonObject> body;
        bool idempotent = true; // retried on transient errors; false for POST create
    };
    struct RawReply
    {
        int status = 0;
        QByteArray body;
        ApiError error;
        int attempts = 0;
    };
    void send(const Request &request, QObject *context, std::function<void(const RawReply &)> done);

Q_SIGNALS:
    // How many calls are under way, for busy indicators; emitted on every change.
    void activeCallsChanged(int count);

private:
    template<typename T, typename Parse>
    void call(const Request &request, QObject *context, Callback<T> done, Parse parse);
    template<typename T, typename Parse>
    void listAllPages(const QString &path, QObject *context, Callback<QList<T>> done, Parse parse);

    struct AnalyticsParts;
    void analyticsStep(const std::shared_ptr<AnalyticsParts> &parts);
    void changeAssignments(const QString &id, const QString &what, bool remove, const QStringList &ids, QObject *context,
                           Callback<qint64> done);
    void attempt(const Request &request, int attemptNumber, QPointer<QObject> context, bool hasContext,
                 std::function<void(const RawReply &)> done);
    // A GET: through UpstreamClient, on this thread, kept-alive connections of its own.
    void attemptGet(const Request &request, const QUrl &url, int attemptNumber, QPointer<QObject> context, bool hasContext,
                    std::function<void(const RawReply &)> done);
    // What every attempt does with its answer: log it, try again when that is safe, or deliver it.
    void finishAttempt(const Request &request, int attemptNumber, QPointer<QObject> context, bool hasContext,
                       const std::function<void(const RawReply &)> &done, const RawReply &r, qint64 elapsedMs);
    int retryDelayMs(const ApiError &error, int attemptNumber) const;
    // The details of a timed-out attempt and of a body over the cap, the same from both paths.
    QString timeoutDetail(int attemptNumber) const;
    QString tooLargeDetail() const;
    void setActive(int delta);

    QNetworkAccessManager *m_network;
    // GETs (key pages above all: a hundred of them for 10,000 keys) go through this small
    // HTTP/1.1 client rather than QNetworkAccessManager, whose thread hops and copies cost more
    // than the keys' parsing. One per origin, made when first needed and kept (children of this):
    // a changed base URL leaves the calls under way on the old one to finish there.
    QHash<QString, UpstreamClient *> m_gets;
    QUrl m_getsBase;                       // the base URL m_getsClient serves
    UpstreamClient *m_getsClient = nullptr;
    Settings m_settings;
    QString m_managementKey;
    int m_activeCalls = 0;
};

} // namespace orteam
