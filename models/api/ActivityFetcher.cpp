#include "ActivityFetcher.h"

#include "OpenRouterClient.h"

#include <QPointer>
#include <QTimeZone>

#include <memory>

namespace orteam {

namespace {
constexpr int InFlight = 4; // polite to the API, and enough to hide the round trips

struct FetchState
{
    OpenRouterClient *client = nullptr;
    QPointer<QObject> context;
    bool hasContext = false;
    QStringList keys;
    QStringList users; // asked after the keys
    qsizetype next = 0;
    int inFlight = 0;
    int finished = 0;
    bool over = false;
    ActivityData data;
    std::function<void(int, int)> progress;
    std::function<void(const ApiResult<ActivityData> &)> done;
};

void finish(const std::shared_ptr<FetchState> &s, const ApiResult<ActivityData> &result)
{
    s->over = true;
    if (s->hasContext && !s->context)
        return; // whoever asked is gone
    s->done(result);
}

// The callbacks hold the state, the state holds no callback of its own: nothing keeps itself alive.
void pump(const std::shared_ptr<FetchState> &s)
{
    const qsizetype total = s->keys.size() + s->users.size();
    while (!s->over && s->inFlight < InFlight && s->next < total) {
        const bool isKey = s->next < s->keys.size();
        const QString id = isKey ? s->keys.at(s->next) : s->users.at(s->next - s->keys.size());
        ++s->next;
        ++s->inFlight;
        OpenRouterClient::ActivityQuery query;
        (isKey ? query.keyHash : query.userId) = id;
        s->client->activity(query, s->context, [s, id, isKey, total](const ApiResult<QList<ActivityItem>> &r) {
            --s->inFlight;
            if (s->over)
                return;
            if (!r.ok() && r.error.httpStatus != 404)
                return finish(s, ApiResult<ActivityData>::failure(r.error));
            (isKey ? s->data.perKey : s->data.perUser).insert(id, r.value);
            ++s->finished;
            if (s->progress)
                s->progress(s->finished, int(total));
            if (s->finished == total)
                return finish(s, ApiResult<ActivityData>::success(s->data));
            pump(s);
        });
    }
}
} // namespace

void fetchActivity(OpenRouterClient *client, const QStringList &keyHashes, const QStringList &userIds, QObject *context,
                   std::function<void(int done, int total)> progress, std::function<void(const ApiResult<ActivityData> &)> done)
{
    auto s = std::make_shared<FetchState>();
    s->client = client;
    s->context = context;
    s->hasContext = context != nullptr;
    s->keys = keyHashes;
    s->users = userIds;
    s->progress = std::move(progress);
    s->done = std::move(done);
    client->activity({}, context, [s](const ApiResult<QList<ActivityItem>> &r) {
        if (!r.ok())
            return finish(s, ApiResult<ActivityData>::failure(r.error));
        s->data.account = r.value;
        if (s->keys.isEmpty() && s->users.isEmpty())
            return finish(s, ApiResult<ActivityData>::success(s->data));
        pump(s);
    });
}

namespace {
// The metric names of OpenRouter's analytics (GET /analytics/meta) for /activity's fields.
const QString Cost = QStringLiteral("total_cost");
const QString Requests = QStringLiteral("request_count");
const QString Prompt = QStringLiteral("prompt_tokens");
const QString Completion = QStringLiteral("completion_tokens");

ActivityItem itemOf(const AnalyticsRow &row)
{
    ActivityItem a;
    a.date = row.day;
    a.model = row.dimensions.value(QStringLiteral("model"));
    a.providerName = row.dimensions.value(QStringLiteral("provider"));
    a.usage = row.metrics.value(Cost);
    a.requests = qint64(row.metrics.value(Requests));
    a.promptTokens = qint64(row.metrics.value(Prompt));
    a.completionTokens = qint64(row.metrics.value(Completion));
    return a;
}
} // namespace

void fetchActivityByAnalytics(OpenRouterClient *client, const QStringList &keyHashes, const QStringList &userIds,
                              const QDate &today, QObject *context, std::function<void(const ApiResult<ActivityData> &)> done)
{
    // /activity's window: the 30 completed UTC days before today.
    AnalyticsQuery account;
    account.start = QDateTime(today.addDays(-30), QTime(0, 0), QTimeZone::utc());
    account.end = QDateTime(today, QTime(0, 0), QTimeZone::utc());
    // Two dimensions at most per query: the account's rows by model and provider (what the Spend
    // page charts), the keys' by key and model (what /activity?api_key_hash gives per key).
    account.metrics = QStringList{Cost, Requests, Prompt, Completion};
    account.dimensions = QStringList{QStringLiteral("model"), QStringLiteral("provider")};
    AnalyticsQuery perKey = account;
    perKey.metrics = QStringList{Cost, Requests};
    perKey.dimensions = QStringList{QStringLiteral("api_key_id"), QStringLiteral("model")};
    // A thousand keys' month fits one answer; the client splits the range if it does not.
    perKey.limit = 100'000;

    AnalyticsQuery perUser = perKey;
    perUser.dimensions = QStringList{QStringLiteral("user")};

    // Rows of `result` by the value of `dimension`, appended to the entry of an id asked about
    // (every id asked has one, as with /activity: no rows, no activity); other ids' rows dropped.
    auto spread = [](const AnalyticsResult &result, const QString &dimension, QHash<QString, QList<ActivityItem>> *into) {
        for (const AnalyticsRow &row : result.rows) {
            const auto it = into->find(row.dimensions.value(dimension));
            if (it != into->end())
                it->append(itemOf(row));
        }
    };
    auto byUser = [client, userIds, perUser, context, spread, done](ActivityData data) {
        for (const QString &id : userIds)
            data.perUser.insert(id, {});
        if (userIds.isEmpty())
            return done(ApiResult<ActivityData>::success(data));
        client->queryAnalytics(perUser, context, [data, spread, done](const ApiResult<AnalyticsResult> &u) mutable {
            if (!u.ok())
                return done(ApiResult<ActivityData>::failure(u.error));
            spread(u.value, QStringLiteral("user"), &data.perUser);
            done(ApiResult<ActivityData>::success(data));
        });
    };
    client->queryAnalytics(account, context, [client, keyHashes, perKey, context, spread, byUser, done](const ApiResult<AnalyticsResult> &r) {
        if (!r.ok())
            return done(ApiResult<ActivityData>::failure(r.error));
        ActivityData data;
        data.viaAnalytics = true;
        data.account.reserve(r.value.rows.size());
        for (const AnalyticsRow &row : r.value.rows)
            data.account << itemOf(row);
        for (const QString &hash : keyHashes)
            data.perKey.insert(hash, {});
        if (keyHashes.isEmpty())
            return byUser(data);
        client->queryAnalytics(perKey, context, [data, spread, byUser, done](const ApiResult<AnalyticsResult> &k) mutable {
            if (!k.ok())
                return done(ApiResult<ActivityData>::failure(k.error));
            spread(k.value, QStringLiteral("api_key_id"), &data.perKey);
            byUser(data);
        });
    });
}

QStringList keysForActivity(const QList<ApiKey> &keys)
{
    QStringList out;
    for (const ApiKey &k : keys) {
        if (k.usage > 0)
            out << k.hash;
    }
    return out;
}

} // namespace orteam
