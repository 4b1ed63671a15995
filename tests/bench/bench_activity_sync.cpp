// The activity sync of a large account: 1,000 used keys, every one linked to a member, 30 days of
// activity on four models from four providers, served by the fake OpenRouter in this process.
// The same sync twice into two SQLite files: through POST /analytics/query (two queries, whatever
// the number of keys) and through the fallback, GET /activity for the account and then once per
// key, four at a time. Prints each path's HTTP calls and wall time, and checks both stored the same
// spend. Target (issue 16): a handful of analytics calls. Never fails on speed.
#include "FakeClient.h"
#include "FakeOpenRouter.h"
#include "OpenRouterClient.h"
#include "Store.h"
#include "SyncService.h"
#include "TeamService.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int Keys = 1'000;
constexpr int KeysPerMember = 10;
constexpr int Days = 30;

struct Run
{
    int analyticsCalls = 0;
    int activityCalls = 0;
    double readMs = 0;  // the keys' list and the activity
    double writeMs = 0; // one transaction, the same rows either way
    QString error;
};

Run syncOnce(FakeOpenRouter &fake, OpenRouterClient &client, Store &store, bool analyticsRefused)
{
    fake.clearRequests();
    SyncService sync(store, client);
    auto route = std::make_shared<SyncService::ActivityRoute>();
    route->analyticsRefused = analyticsRefused;
    sync.setActivityRoute(route);
    Run run;
    QEventLoop loop;
    QElapsedTimer timer;
    timer.start();
    SyncService::Fetched fetched;
    sync.setToday(fake.now().toUTC().date());
    sync.fetch(std::nullopt, true, &loop, {}, [&](const SyncService::Fetched &f, const FlowError &e) {
        if (e)
            run.error = e.message();
        fetched = f;
        loop.quit();
    });
    loop.exec();
    run.readMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    if (run.error.isEmpty()) {
        if (const auto written = SyncService::write(store, fetched, fake.now()); !written)
            run.error = written.errorText();
    }
    run.writeMs = double(timer.nsecsElapsed()) / 1e6;
    run.analyticsCalls = fake.countRequests("POST", u"/analytics/query"_s);
    run.activityCalls = fake.countRequests("GET", u"/activity"_s);
    return run;
}

// Everything the two syncs stored per provider over the window, to say they agree.
double providerTotal(Store &store, const QDate &today)
{
    const auto read = store.spend().spendByProvider(today.addDays(-Days), today);
    double total = 0;
    for (const ProviderSpend &p : read.valueOr({}))
        total += p.cost;
    return total;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"orteam.*.info=false"_s);
    FakeOpenRouter fake;
    if (fake.start() == 0) {
        std::fprintf(stderr, "the fake server did not start\n");
        return 1;
    }
    QNetworkAccessManager network;
    const std::unique_ptr<OpenRouterClient> client = test::clientFor(fake, &network);

    const QStringList models{u"openai/gpt-4o"_s, u"anthropic/claude-sonnet-4"_s, u"google/gemini-2.5-pro"_s,
                             u"meta-llama/llama-3.3-70b"_s};
    const QStringList providers{u"OpenAI"_s, u"Anthropic"_s, u"Google AI Studio"_s, u"DeepInfra"_s};
    const QDate today = fake.now().toUTC().date();
    QList<QStringList> memberKeys(Keys / KeysPerMember);
    for (int i = 0; i < Keys; ++i) {
        FakeOpenRouter::KeySeed seed;
        seed.name = u"bench-%1"_s.arg(i);
        seed.usage = 1;
        const ApiKey key = fake.addKey(seed);
        memberKeys[i / KeysPerMember] << key.hash;
        for (int d = 1; d <= Days; ++d) {
            ActivityItem a;
            a.date = today.addDays(-d);
            a.model = models.at(i % models.size());
            a.providerName = providers.at(i % providers.size());
            a.endpointId = a.model;
            a.requests = 1 + (i + d) % 7;
            a.usage = 0.001 * double(a.requests);
            fake.addActivity(key.hash, a);
        }
    }

    QTemporaryDir dir;
    Store viaAnalytics, viaActivity;
    QString error;
    for (Store *store : {&viaAnalytics, &viaActivity}) {
        const QString file = dir.filePath(store == &viaAnalytics ? u"analytics.db"_s : u"activity.db"_s);
        if (const Status opened = store->open(*DbLocation::parse(file, &error)); !opened) {
            std::fprintf(stderr, "%s\n", qPrintable(opened.errorText()));
            return 1;
        }
        TeamService team(*store);
        for (qsizetype m = 0; m < memberKeys.size(); ++m) {
            const Member member{u"member-%1"_s.arg(m), u"member%1@example.com"_s.arg(m), u"basic"_s, std::nullopt, true,
                                memberKeys.at(m)};
            if (const auto added = team.addMember(member); !added) {
                std::fprintf(stderr, "%s\n", qPrintable(added.errorText()));
                return 1;
            }
        }
    }

    const Run analytics = syncOnce(fake, *client, viaAnalytics, false);
    const Run activity = syncOnce(fake, *client, viaActivity, true);
    for (const Run *r : {&analytics, &activity}) {
        if (!r->error.isEmpty()) {
            std::fprintf(stderr, "sync failed: %s\n", qPrintable(r->error));
            return 1;
        }
    }
    std::printf("activity sync of %d used keys (%d members), %d days, %d activity rows at the fake:\n", Keys,
                int(memberKeys.size()), Days, Keys * Days);
    // Calls for the activity only; both paths first list the keys (10 pages of GET /keys).
    std::printf("  %-34s %6s %10s %10s\n", "path", "calls", "read", "write");
    for (const auto &[name, r] : {std::pair{"POST /analytics/query", &analytics}, std::pair{"GET /activity fan-out (fallback)", &activity}})
        std::printf("  %-34s %6d %7.0f ms %7.0f ms\n", name, r->analyticsCalls + r->activityCalls, r->readMs, r->writeMs);
    const double a = providerTotal(viaAnalytics, today), b = providerTotal(viaActivity, today);
    std::printf("  spend stored per provider: $%.3f and $%.3f (%s)\n", a, b, qFuzzyCompare(a, b) ? "the same" : "DIFFERENT");
    return 0;
}
