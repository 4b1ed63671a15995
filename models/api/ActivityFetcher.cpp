#include "ActivityFetcher.h"

#include "OpenRouterClient.h"

#include <QPointer>

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
    while (!s->over && s->inFlight < InFlight && s->next < s->keys.size()) {
        const QString hash = s->keys.at(s->next++);
        ++s->inFlight;
        OpenRouterClient::ActivityQuery query;
        query.keyHash = hash;
        s->client->activity(query, s->context, [s, hash](const ApiResult<QList<ActivityItem>> &r) {
            --s->inFlight;
            if (s->over)
                return;
            if (!r.ok() && r.error.httpStatus != 404)
                return finish(s, ApiResult<ActivityData>::failure(r.error));
            s->data.perKey.insert(hash, r.value);
            ++s->finished;
            if (s->progress)
                s->progress(s->finished, int(s->keys.size()));
            if (s->finished == s->keys.size())
                return finish(s, ApiResult<ActivityData>::success(s->data));
            pump(s);
        });
    }
}
} // namespace

void fetchActivity(OpenRouterClient *client, const QStringList &keyHashes, QObject *context,
                   std::function<void(int done, int total)> progress, std::function<void(const ApiResult<ActivityData> &)> done)
{
    auto s = std::make_shared<FetchState>();
    s->client = client;
    s->context = context;
    s->hasContext = context != nullptr;
    s->keys = keyHashes;
    s->progress = std::move(progress);
    s->done = std::move(done);
    client->activity({}, context, [s](const ApiResult<QList<ActivityItem>> &r) {
        if (!r.ok())
            return finish(s, ApiResult<ActivityData>::failure(r.error));
        s->data.account = r.value;
        if (s->keys.isEmpty())
            return finish(s, ApiResult<ActivityData>::success(s->data));
        pump(s);
    });
}

QStringList keysForActivity(const QList<ApiKey> &keys, const QHash<QString, QString> &owners)
{
    QStringList out;
    for (const ApiKey &k : keys) {
        if (k.usage > 0 && owners.contains(k.hash))
            out << k.hash;
    }
    return out;
}

} // namespace orteam
