#include "Gateway.h"

#include "EpollEventDispatcher.h"
#include "JobQueue.h"
#include "Money.h"
#include "SseCost.h"
#include "Store.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpServer>
#include <QThread>
#include <QUrlQuery>
#include <QUuid>

#include <cmath>
#include <utility>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcGateway, "orteam.gateway")

namespace orteam {

namespace {
const QByteArray Json = "application/json";
constexpr qint64 MaxClientBacklog = 4 * 1024 * 1024; // streamed bytes a slow client may leave unread
constexpr int MaxConfirmedTokens = 10'000;

QString overBudget(const QString &member, double spent, const Budget &budget, const QDate &today)
{
    if (budget.period == LimitReset::Daily)
        return u"%1 has spent %2 today (UTC), the whole daily budget of %3; it starts again at 00:00 UTC."_s.arg(
            member, formatUsd(spent), formatUsd(budget.usd));
    return u"%1 has spent %2 %3 (UTC), the whole %4 budget of %5; it starts again on %6 at 00:00 UTC."_s.arg(
        member, formatUsd(spent), budgetPeriodCurrent(budget.period), budgetPeriodAdjective(budget.period), formatUsd(budget.usd),
        nextBudgetReset(budget.period, today).toString(Qt::ISODate));
}

bool isModelsPath(QByteArrayView path) { return path == "/api/v1/models" || path == "/v1/models"; }

QByteArray amount(double usd) { return QByteArray::number(std::max(0.0, usd), 'g', 10); }
} // namespace

// One request on its way: what it needs from the moment it is sent upstream until its cost is
// known, whether or not the client is still there to read the answer.
struct Gateway::Exchange
{
    InferenceApi api;
    QString member;
    QString token;
    QPointer<HttpConnection> client;
    QString reservation; // shared budget: its row in gateway_reservations
    HttpHeaders extra; // downgrade and budget headers for the answer
    bool streaming = false;
    bool settled = false;
    QByteArray buffered;
    UsageReader usage;
};

// What serves requests on one thread (Gateway.h): the first shard is the gateway's own thread's.
struct Gateway::Shard
{
    std::unique_ptr<QThread> thread; // null: the gateway's own thread
    QObject *context = nullptr;      // lives on that thread: what its work calls back runs there
    HttpServer *http = nullptr;
    UpstreamClient *upstream = nullptr;
    Store *store = nullptr; // a connection of this thread's (a QSqlDatabase serves only its own)
    QNetworkAccessManager *network = nullptr;
    std::unique_ptr<Store> ownStore;
    // Who the last head check on this thread let in, for the handler of that same request.
    std::optional<HeadCaller> headCaller;
    // Revocation at the next request: the database's change counter (this connection's: SQLite's
    // data_version is per connection) when every cached token was last confirmed; a token is
    // confirmed again (one indexed row) after anything changed.
    std::optional<qint64> confirmedAt;
    QSet<QString> confirmed;
    // PostgreSQL: tokens confirmed on a request's head (ms since epoch), so the same request's
    // body is not checked a second time.
    QHash<QString, qint64> confirmedOnHead;
    QDateTime lastTokenReload;
    // handle()'s hold on the lock, let go by send() once the request is committed (counted, in
    // flight, open): writing it upstream needs no shared state.
    std::unique_lock<std::recursive_mutex> *decision = nullptr;
};

Gateway::Gateway(Store *store, QNetworkAccessManager *network, const Settings &settings, QObject *parent)
    : QObject(parent), m_store(store), m_network(network), m_settings(settings),
      m_upstream(settings.upstream),
      m_http([this](HttpConnection *c, HttpRequest &&r) { handle(*m_shards.front(), c, std::move(r)); }),
      m_jobs(std::make_unique<JobQueue>(store))
{
    auto own = std::make_unique<Shard>();
    own->context = this;
    own->http = &m_http;
    own->upstream = &m_upstream;
    own->store = m_store;
    own->network = m_network;
    m_shards.push_back(std::move(own));
    m_http.setLimits(m_settings.http);
    // What every request upstream carries, written once: its path per API, and its headers.
    m_upstreamHeaderLines = UpstreamClient::headerLines(
        {{"Authorization", "Bearer " + m_settings.upstreamKey.toUtf8()},
         {"Content-Type", Json},
         {"HTTP-Referer", m_settings.referer},
         // Qt's client said "Mozilla/5.0"; a request without any may meet a bot check.
         {"User-Agent", "orteam-gateway"}});
    for (size_t api = 0; api < m_upstreamTargets.size(); ++api)
        m_upstreamTargets[api] = (m_upstream.basePath() + upstreamPath(InferenceApi(api))).toUtf8();
    m_http.setHeadCheck([this](const HttpRequest &head) { return checkHead(*m_shards.front(), head); });
    m_day = today();
    QString error;
    if (!reload(&error))
        qCWarning(lcGateway).noquote() << "cannot read the team database:" << error;
    const DbLocation location = m_store->location();
    const bool inMemory = location.kind == DbLocation::Kind::Sqlite && location.path.startsWith(u':');
    if (m_settings.threads > 1 && (m_settings.sharedBudget || inMemory))
        qCWarning(lcGateway).noquote() << "served on one thread:" << (inMemory ? "an in-memory database" : "a shared budget")
                                       << "is this thread's alone";
    else if (m_settings.threads > 1 && !startThreads(m_settings.threads, &error))
        qCWarning(lcGateway).noquote() << "served on one thread:" << error;
    m_flushTimer.setInterval(m_settings.flushMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &Gateway::flushSoon);
    m_flushTimer.start();
    m_reloadTimer.setInterval(m_settings.reloadMs);
    connect(&m_reloadTimer, &QTimer::timeout, this, &Gateway::reloadSoon);
    m_reloadTimer.start();
}

Gateway::~Gateway()
{
    // The other threads first, without the lock (each may be waiting for it to finish a request):
    // what they served ends with them, and is given up on below like the rest.
    stopThreads();
    std::lock_guard lock(m_lock);
    // Requests still under way, or still being costed, end with the gateway: each is counted as a
    // request whose cost is unknown (said, never silently dropped), and its place is given back.
    const auto open = m_open.values();
    for (const auto &ex : open) {
        giveUp(ex->member, u"the gateway stopped before its cost was known"_s);
        finishExchange(ex);
    }
    m_lookups = 0;
    QString error;
    if (!flush(&error))
        qCWarning(lcGateway).noquote() << "usage not saved on exit:" << error;
    m_jobs.reset();
}

bool Gateway::startThreads(int count, QString *error)
{
    // The cap on connections holds for the gateway (it bounds the descriptors): each thread takes
    // its share. The cap per address holds per thread: split too, an address's connections (spread
    // by a hash, not evenly) would meet it early and lose idle ones below the cap.
    HttpLimits limits = m_settings.http;
    limits.maxConnections = std::max(1, (limits.maxConnections + count - 1) / count);
    m_http.setLimits(limits);
    const DbLocation location = m_store->location();
    for (int i = 1; i < count; ++i) {
        auto shard = std::make_unique<Shard>();
        Shard *s = shard.get();
        s->thread = std::make_unique<QThread>();
        s->thread->setObjectName(u"gateway-%1"_s.arg(i));
        // The same dispatcher as the gateway's own thread (main.cpp): epoll, unless told otherwise.
        if (!qEnvironmentVariableIsSet("ORTEAM_GATEWAY_QT_DISPATCHER")) {
            if (QAbstractEventDispatcher *dispatcher = createEpollEventDispatcher())
                s->thread->setEventDispatcher(dispatcher);
        }
        s->thread->start();
        s->context = new QObject;
        s->context->moveToThread(s->thread.get());
        m_shards.push_back(std::move(shard));
        Status opened;
        QMetaObject::invokeMethod(s->context, [this, s, &limits, &location, &opened] {
            s->ownStore = std::make_unique<Store>();
            opened = s->ownStore->open(location);
            s->store = s->ownStore.get();
            s->upstream = new UpstreamClient(m_settings.upstream, s->context);
            s->network = new QNetworkAccessManager(s->context);
            s->http = new HttpServer([this, s](HttpConnection *c, HttpRequest &&r) { handle(*s, c, std::move(r)); }, s->context);
            s->http->setLimits(limits);
            s->http->setHeadCheck([this, s](const HttpRequest &head) { return checkHead(*s, head); });
        }, Qt::BlockingQueuedConnection);
        if (!opened) {
            *error = opened.errorText();
            stopThreads();
            m_http.setLimits(m_settings.http);
            return false;
        }
    }
    return true;
}

void Gateway::stopThreads()
{
    while (m_shards.size() > 1) {
        Shard *s = m_shards.back().get();
        // Its objects end on their own thread (sockets, timers and the database connection are
        // that thread's); answers under way there end without a signal.
        QMetaObject::invokeMethod(s->context, [s] {
            qDeleteAll(s->context->children());
            s->ownStore.reset();
        }, Qt::BlockingQueuedConnection);
        s->thread->quit();
        s->thread->wait();
        delete s->context; // its thread has ended: it can go from here
        m_shards.pop_back();
    }
}

bool Gateway::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_shards.size() == 1)
        return m_http.listen(address, port, error);
    // One socket per thread on the same port: the kernel spreads the connections among them. A
    // port shared that way would also be shared with another gateway of this user already on it,
    // which would take part of the connections unseen: first it is bound the ordinary way, which
    // fails while anything holds it.
    if (port != 0) {
        QTcpServer probe;
        if (!probe.listen(address, port)) {
            *error = probe.errorString();
            return false;
        }
    }
    if (!m_http.listen(address, port, error, true))
        return false;
    for (size_t i = 1; i < m_shards.size(); ++i) {
        Shard *s = m_shards[i].get();
        bool listening = false;
        QMetaObject::invokeMethod(s->context, [&] { listening = s->http->listen(address, m_http.port(), error, true); },
                                  Qt::BlockingQueuedConnection);
        if (!listening)
            return false;
    }
    return true;
}

int Gateway::costLookupsPending() const
{
    std::lock_guard lock(m_lock);
    return m_lookups;
}

int Gateway::unsettled() const
{
    std::lock_guard lock(m_lock);
    return int(m_open.size());
}

void Gateway::setClock(std::function<QDateTime()> clock)
{
    std::lock_guard lock(m_lock);
    m_clock = std::move(clock);
}

GatewayStatus Gateway::status() const
{
    std::lock_guard lock(m_lock);
    GatewayStatus s;
    s.updatedAt = m_clock().toUTC();
    s.listening = u"%1:%2"_s.arg(m_http.address().toString()).arg(m_http.port());
    s.requestsToday = m_requestsToday;
    s.refusalsToday = m_refusalsToday;
    s.uncostedToday = m_uncostedToday;
    for (int n : m_inFlight)
        s.inFlight += n;
    return s;
}

// Everything a reload reads, read together: a gateway that had the members but not the tiers
// would refuse (or admit) by a half-read team.
struct Gateway::TeamSnapshot
{
    QString error;
    QDate day;
    QHash<QString, QString> tokens;
    QHash<QString, Member> members;
    QList<Tier> tiers;
    QHash<QString, PeriodSpend> spend;
};

Gateway::TeamSnapshot Gateway::readTeam(Store &store, const QDate &day)
{
    TeamSnapshot s;
    s.day = day;
    const Result<QHash<QString, QString>> tokens = store.governance().gatewayTokens();
    const Result<QList<Member>> members = tokens ? store.team().members() : Result<QList<Member>>(tokens.error());
    const Result<QList<Tier>> tiers = members ? store.team().tiers() : Result<QList<Tier>>(members.error());
    const Result<QHash<QString, PeriodSpend>> spent = tiers ? store.spend().periodSpend(day)
                                                            : Result<QHash<QString, PeriodSpend>>(tiers.error());
    if (!spent) {
        s.error = spent.errorText();
        return s;
    }
    s.tokens = *tokens;
    for (const Member &m : *members)
        s.members.insert(m.name, m);
    s.tiers = *tiers;
    s.spend = *spent;
    return s;
}

bool Gateway::reload(QString *error)
{
    std::lock_guard lock(m_lock);
    return applyTeam(readTeam(*m_store, today()), error);
}

bool Gateway::applyTeam(const TeamSnapshot &s, QString *error)
{
    if (!s.error.isEmpty()) {
        *error = s.error; // what it had stays in force until a reload succeeds
        return false;
    }
    m_tokens = s.tokens;
    m_members = s.members;
    m_tiers = s.tiers;
    if (s.day == m_day)
        m_storedSpend = s.spend; // what this gateway wrote is in it; what it has not is in memory
    return true;
}

void Gateway::reloadSoon()
{
    if (m_reloadQueued)
        return;
    m_reloadQueued = true;
    if (QThread::currentThread() != thread()) {
        // Asked by a request on another thread: the database thread's queue is this thread's.
        QMetaObject::invokeMethod(this, [this] {
            std::lock_guard lock(m_lock);
            m_reloadQueued = false;
            reloadSoon();
        }, Qt::QueuedConnection);
        return;
    }
    const QDate day = today();
    m_jobs->run<TeamSnapshot>(this, [day](Store &store) { return readTeam(store, day); },
                              [this](const TeamSnapshot &s) {
                                  std::lock_guard lock(m_lock);
                                  m_reloadQueued = false;
                                  QString error;
                                  if (!applyTeam(s, &error))
                                      Q_EMIT problem(error);
                              });
}

namespace {
// One write: the usage of each day and the reservations it ends, all or nothing.
Status writeUsage(Store &store, const QMap<QDate, QHash<QString, std::pair<double, qint64>>> &days, const QStringList &releases)
{
    return store.transaction([&]() -> Status {
        for (auto [day, usage] : days.asKeyValueRange()) {
            if (Status s = store.usage().recordUsageBatch(day, usage); !s)
                return s;
        }
        return store.usage().releaseReservations(releases);
    });
}
} // namespace

void Gateway::account(const FlushBatch &batch, bool written)
{
    // Written: it joins what the database has (yesterday's too: it is still this week's and
    // month's). Not: all of it waits for the next write.
    if (!written)
        m_releases += batch.releases;
    for (auto [day, usage] : batch.days.asKeyValueRange()) {
        for (auto [name, u] : usage.asKeyValueRange()) {
            if (written) {
                addStored(name, day, u.first);
            } else {
                auto &kept = m_unflushed[day][name];
                kept.first += u.first;
                kept.second += u.second;
            }
        }
    }
}

void Gateway::flushSoon()
{
    std::lock_guard lock(m_lock);
    // One write at a time: while the database is slow, usage gathers in memory for the next one
    // instead of queueing write after write behind it.
    if (!m_flushing.isEmpty())
        return;
    auto batch = std::make_shared<FlushBatch>();
    batch->days = std::exchange(m_unflushed, {});
    batch->releases = std::exchange(m_releases, {});
    // The status is written when it changed, else every 30 s (the dashboard calls a gateway silent
    // for two minutes stopped): a write every second would also tell every reader "something
    // changed" (SQLite's change counter) and so re-check every token for nothing.
    GatewayStatus now = status();
    const QDateTime at = now.updatedAt;
    now.updatedAt = QDateTime();
    QString shown;
    if (now.toJson() != m_statusShown || !m_statusShownAt.isValid() || m_statusShownAt.secsTo(at) >= 30) {
        m_statusShown = now.toJson();
        m_statusShownAt = at;
        shown = status().toJson();
    }
    if (batch->days.isEmpty() && batch->releases.isEmpty() && shown.isEmpty())
        return;
    m_flushing.append(batch);
    m_jobs->run<Status>(
        this,
        [batch, shown](Store &store) {
            const Status saved = writeUsage(store, batch->days, batch->releases);
            if (saved)
                batch->written = true;
            // The dashboard shows this in its status bar. A read-only or busy database must not
            // stop the gateway serving: the status is a courtesy.
            if (shown.isEmpty())
                return saved;
            if (const Status s = store.governance().setSetting(GatewayStatus::settingName(), shown); !s)
                qCDebug(lcGateway).noquote() << "status not shown:" << s.errorText();
            return saved;
        },
        [this, batch](const Status &saved) {
            std::lock_guard locked(m_lock);
            m_flushing.removeOne(batch);
            account(*batch, saved.ok());
            if (!saved)
                Q_EMIT problem(saved.errorText());
            else if (!m_releases.isEmpty())
                QTimer::singleShot(0, this, &Gateway::flushSoon); // released while this write ran
        });
}

void Gateway::drainJobs()
{
    // Every job queued runs to its end before the queue is gone; their answers are not
    // delivered, so what each write did is read from its batch.
    m_jobs.reset();
    for (const auto &batch : std::as_const(m_flushing))
        account(*batch, batch->written);
    m_flushing.clear();
    m_reloadQueued = false;
    m_jobs = std::make_unique<JobQueue>(m_store);
}

bool Gateway::flush(QString *error)
{
    std::lock_guard lock(m_lock);
    drainJobs();
    if (!m_unflushed.isEmpty() || !m_releases.isEmpty()) {
        const Status saved = writeUsage(*m_store, m_unflushed, m_releases);
        if (!saved) {
            *error = saved.errorText();
            return false; // kept in memory: the next flush tries again
        }
        for (auto [day, usage] : m_unflushed.asKeyValueRange()) {
            for (auto [name, u] : usage.asKeyValueRange())
                addStored(name, day, u.first);
        }
        m_unflushed.clear();
        m_releases.clear();
    }
    if (const Status shown = m_store->governance().setSetting(GatewayStatus::settingName(), status().toJson()); !shown)
        qCDebug(lcGateway).noquote() << "status not shown:" << shown.errorText();
    return true;
}

void Gateway::rollDay()
{
    const QDate day = today();
    if (day == m_day)
        return;
    // Usage is kept per day until written, so nothing recorded before midnight lands on the new day.
    // A new day starts a day's budget; a week's only on Monday, a month's only on the 1st: until the
    // next reload re-reads them, the week and month so far stay counted (never a free window).
    const bool newWeek = budgetPeriodStart(LimitReset::Weekly, day) > m_day;
    const bool newMonth = budgetPeriodStart(LimitReset::Monthly, day) > m_day;
    for (PeriodSpend &p : m_storedSpend) {
        p.today.reset();
        if (newWeek)
            p.week.reset();
        if (newMonth)
            p.month.reset();
    }
    m_day = day;
    m_requestsToday = 0;
    m_refusalsToday = 0;
    m_uncostedToday = 0;
    reloadSoon();
}

double Gateway::spentInPeriod(const QString &member, LimitReset period) const
{
    // What the database had, plus what this gateway recorded in the period and has not written
    // (waiting, or in a write under way): days are kept apart until written, so yesterday's
    // unwritten usage still counts toward this week.
    const QDate from = budgetPeriodStart(period, m_day);
    double spent = m_storedSpend.value(member).in(period).value_or(0.0);
    auto addUnwritten = [&](const QMap<QDate, QHash<QString, std::pair<double, qint64>>> &days) {
        for (auto it = days.lowerBound(from); it != days.cend(); ++it)
            spent += it->value(member).first;
    };
    addUnwritten(m_unflushed);
    for (const auto &batch : m_flushing)
        addUnwritten(batch->days);
    return spent;
}

void Gateway::addStored(const QString &member, const QDate &day, double cost)
{
    // Each period that contains `day`: usage of yesterday written after midnight still counts
    // this week (unless today is Monday) and this month (unless it is the 1st).
    PeriodSpend &p = m_storedSpend[member];
    auto add = [cost](std::optional<double> &period) { period = period.value_or(0.0) + cost; };
    if (day == m_day)
        add(p.today);
    if (day >= budgetPeriodStart(LimitReset::Weekly, m_day) && day <= m_day)
        add(p.week);
    if (day >= budgetPeriodStart(LimitReset::Monthly, m_day) && day <= m_day)
        add(p.month);
}

void Gateway::record(const QString &member, double cost)
{
    auto &u = m_unflushed[today()][member];
    u.first += cost;
    u.second += 1;
    Q_EMIT recorded(member, cost);
}

void Gateway::giveUp(const QString &member, const QString &why)
{
    // The request still counts as one; its cost is unknown, and that is said rather than hidden.
    ++m_uncostedToday;
    record(member, 0.0);
    qCWarning(lcGateway).noquote() << "not charged:" << member << why;
    Q_EMIT uncosted(member, why);
    Q_EMIT problem(u"A request by %1 was served but could not be costed: %2"_s.arg(member, why));
}

HttpHeaders Gateway::budgetHeaders(const Member &member) const
{
    const std::optional<Budget> budget = effectiveBudget(member, m_tiers);
    const LimitReset period = budget ? budget->period : LimitReset::Daily;
    // The reset's text changes once a period: made then, not for every answer.
    const QDate resetDay = nextBudgetReset(period, today());
    auto &[madeFor, resetText] = m_resetHeaders[size_t(period) % m_resetHeaders.size()];
    if (madeFor != resetDay) {
        madeFor = resetDay;
        resetText = QDateTime(resetDay, QTime(0, 0), Qt::UTC).toString(Qt::ISODate).toLatin1();
    }
    return {{"X-Orteam-Budget-Limit", budget ? amount(budget->usd) : QByteArray("none")},
            {"X-Orteam-Budget-Remaining", budget ? amount(budget->usd - spentInPeriod(member.name, period)) : QByteArray("none")},
            {"X-Orteam-Budget-Reset", resetText}};
}

void Gateway::refuse(HttpConnection *connection, InferenceApi api, int status, const QString &message, HttpHeaders headers)
{
    ++m_refusalsToday;
    headers.prepend({"Content-Type", Json});
    connection->respond(status, headers, apiErrorBody(api, status, message));
}

namespace {
struct Route
{
    bool known = false;
    bool models = false;
    InferenceApi api = InferenceApi::ChatCompletions; // also the error shape of a refusal
    bool methodOk = false;
};

Route routeOf(const HttpRequest &request)
{
    Route r;
    const QByteArray path = request.path();
    if (isModelsPath(path)) {
        r.known = r.models = true;
        r.methodOk = request.method == "GET";
    } else if (const std::optional<InferenceApi> api = inferenceApiForPath(path)) {
        r.known = true;
        r.api = *api;
        r.methodOk = request.method == "POST";
    }
    return r;
}
} // namespace

std::optional<HttpAnswer> Gateway::checkHead(Shard &shard, const HttpRequest &head)
{
    std::lock_guard lock(m_lock);
    // Who is calling is known from the head: a stranger's body is never read (nor "100 Continue"
    // sent for it), so nobody without a token can make the gateway hold megabytes.
    shard.headCaller.reset();
    rollDay();
    const Route route = routeOf(head);
    auto answer = [&](int status, const QString &message) {
        if (status != 404 && status != 405) // a wrong address is not a member refused
            ++m_refusalsToday;
        return HttpAnswer{status, {{"Content-Type", Json}}, apiErrorBody(route.api, status, message)};
    };
    if (!route.known)
        return answer(404, u"Not Found"_s);
    if (!route.methodOk)
        return answer(405, u"Method Not Allowed"_s);
    const Caller caller = identify(shard, head, true);
    if (!caller.member)
        return answer(caller.status, caller.message);
    shard.headCaller = HeadCaller{caller.token, caller.member->name};
    return std::nullopt;
}

Gateway::TokenCheck Gateway::tokenStillValid(Shard &shard, const QString &hash, const QString &member, bool head, QString *error)
{
    // Revocation and offboarding count from the next request. SQLite says cheaply whether anyone
    // committed anything since a token was last confirmed; only then is the token's one row read
    // again. PostgreSQL cannot say, so there the row is read on every request.
    const std::optional<qint64> counter = shard.store->database().changeCounter();
    if (counter && counter == shard.confirmedAt) {
        if (shard.confirmed.contains(hash))
            return TokenCheck::Valid;
    } else if (counter) {
        shard.confirmedAt = counter;
        shard.confirmed.clear();
        reloadSoon(); // a tier or a limit may have changed too
    }
    const qint64 now = m_clock().toMSecsSinceEpoch();
    if (!counter && !head) {
        // The body of a request whose head was confirmed a moment ago: that check stands for it.
        const qint64 confirmed = shard.confirmedOnHead.take(hash);
        if (confirmed > 0 && now - confirmed < 1000)
            return TokenCheck::Valid;
    }
    const Result<QString> owner = shard.store->governance().activeMemberOfGatewayToken(hash);
    if (!owner) {
        // Fail closed: a token revoked a moment ago must not work because the check could not run.
        *error = owner.errorText();
        Q_EMIT problem(owner.errorText());
        return TokenCheck::Unreadable;
    }
    if (*owner != member) {
        m_tokens.remove(hash);
        return TokenCheck::Revoked;
    }
    if (counter) {
        if (shard.confirmed.size() >= MaxConfirmedTokens)
            shard.confirmed.clear();
        shard.confirmed.insert(hash);
    } else if (head) {
        if (shard.confirmedOnHead.size() >= MaxConfirmedTokens)
            shard.confirmedOnHead.clear();
        shard.confirmedOnHead.insert(hash, now);
    }
    return TokenCheck::Valid;
}

Gateway::Caller Gateway::identify(Shard &shard, const HttpRequest &request, bool head)
{
    Caller c;
    // Bearer for OpenAI-style clients (and Anthropic's with authToken), x-api-key for Anthropic's
    // SDK and Claude Code with an API key.
    QByteArray credential = request.header("authorization");
    if (!credential.isEmpty())
        credential = credential.size() > 7 && credential.first(7).toLower() == "bearer " ? credential.mid(7).trimmed() : QByteArray();
    else
        credential = request.header("x-api-key").trimmed();
    if (credential.isEmpty()) {
        c.status = 401;
        c.message = request.header("authorization").isEmpty()
            ? u"Missing Authentication header: send your orteam gateway token as a Bearer token (or in x-api-key)"_s
            : u"The Authorization header must be \"Bearer <your orteam gateway token>\""_s;
        return c;
    }
    c.token = QString::fromUtf8(credential);
    const QString hash = GovernanceRepository::hashGatewayToken(c.token);
    QString name = m_tokens.value(hash);
    if (name.isEmpty() && c.token.startsWith(u"orgw-"_s)
        && (!shard.lastTokenReload.isValid() || shard.lastTokenReload.msecsTo(m_clock()) >= 1000
            || shard.store->database().changeCounter() != shard.confirmedAt)) {
        // A token made a moment ago (in the dashboard or the CLI) works at once. Made-up tokens
        // cannot turn into a database load: without a change since the last look, no new token
        // can exist, and otherwise it is looked up at most once a second.
        shard.lastTokenReload = m_clock();
        if (const Result<QString> owner = shard.store->governance().activeMemberOfGatewayToken(hash); owner && !owner->isEmpty()) {
            name = *owner;
            m_tokens.insert(hash, name);
            QString error;
            if (!m_members.contains(name) && !applyTeam(readTeam(*shard.store, today()), &error))
                Q_EMIT problem(error); // a member added just now, too
        } else if (!owner) {
            Q_EMIT problem(owner.errorText());
        }
    }
    const auto member = m_members.constFind(name);
    QString error;
    const TokenCheck check = name.isEmpty() || member == m_members.cend() || !member->active ? TokenCheck::Revoked
                                                                                             : tokenStillValid(shard, hash, name, head, &error);
    if (check == TokenCheck::Unreadable) {
        c.status = 503;
        c.message = u"The team database cannot be read to check the token, so nothing is let through: "_s + error;
        return c;
    }
    if (check == TokenCheck::Revoked) {
        c.status = 401;
        c.message = u"Unknown or revoked gateway token"_s;
        return c;
    }
    c.member = &*member;
    return c;
}

void Gateway::handle(Shard &shard, HttpConnection *connection, HttpRequest &&request)
{
    const Route route = routeOf(request);
    // The body is split before the lock is taken: it reads nothing shared.
    std::optional<RequestBodySplit> split;
    if (route.known && route.methodOk && !route.models)
        split = splitRequestBody(request.body);
    // The whole decision under the lock: the member found stays the one in force, and the budget
    // read, the per-minute window and the place in flight taken are one step for every thread.
    std::unique_lock lock(m_lock);
    auto *const outer = std::exchange(shard.decision, &lock);
    const auto restore = qScopeGuard([&shard, outer] { shard.decision = outer; });
    rollDay();
    if (!route.known || !route.methodOk) // answered by checkHead already; kept for a server without it
        return connection->respond(route.known ? 405 : 404, {{"Content-Type", Json}},
                                   apiErrorBody(route.api, route.known ? 405 : 404, route.known ? u"Method Not Allowed"_s : u"Not Found"_s));
    Caller caller;
    std::optional<HeadCaller> checked = std::exchange(shard.headCaller, std::nullopt);
    if (request.checkedWhole && checked) {
        // Its head was checked a moment ago with its body already here, and nothing ran between
        // (no turn of the event loop): that check is this request's, not to be paid twice. The
        // member is looked up again all the same, the way identify() would find them.
        const auto member = m_members.constFind(checked->member);
        if (member != m_members.cend() && member->active) {
            caller.member = &*member;
            caller.token = std::move(checked->token);
        }
    }
    if (!caller.member)
        caller = identify(shard, request, false);
    if (!caller.member)
        return refuse(connection, route.api, caller.status, caller.message);
    if (route.models)
        return models(shard, connection, *caller.member);
    forward(shard, connection, route.api, std::move(request), std::move(split), *caller.member, caller.token);
}

void Gateway::forward(Shard &shard, HttpConnection *connection, InferenceApi api, HttpRequest &&request,
                      std::optional<RequestBodySplit> split, const Member &member, const QString &token)
{
    HttpHeaders budget = budgetHeaders(member);
    // A body of up to 10 MB is held at most twice at a time: the parsed object goes to the policy
    // as its only reference (so its edits do not copy it), and what goes upstream is mostly the
    // client's own bytes (upstreamRequestBody), made once the parsed object is let go of. Qt's
    // writer, a copy for the policy and the bytes held meanwhile put one 10 MB request at 80 MB.
    // Split strictly, only the members the policy reads are parsed at all (splitRequestBody);
    // a body that cannot be split with certainty is parsed whole. (Split by handle(), unlocked.)
    QJsonObject object;
    if (split) {
        object = std::exchange(split->read, QJsonObject());
    } else {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
        if (!doc.isObject()) {
            // Valid JSON of another kind (an array, a string) has no parse error to quote.
            const QString why = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                : doc.isArray()                               ? u"it is an array"_s
                                                                              : u"it is not an object"_s;
            return refuse(connection, api, 400, u"The body must be a JSON object: "_s + why, budget);
        }
        object = doc.object();
    }
    // 1. The tier's policy, on every field that picks a model.
    PolicyOutcome policy = applyRequestPolicy(api, m_tiers, member, std::move(object));
    if (policy.refusal)
        return refuse(connection, api, policy.refusal, policy.message, budget);
    // 2. The budget, over its period (today, this week or this month).
    const std::optional<Budget> memberBudget = effectiveBudget(member, m_tiers);
    const std::optional<double> limit = memberBudget ? std::optional(memberBudget->usd) : std::nullopt;
    const double spent = memberBudget ? spentInPeriod(member.name, memberBudget->period) : 0.0;
    if (!withinBudget(spent, limit))
        return refuse(connection, api, 402, overBudget(member.name, spent, *memberBudget, today()), budget);
    // 3. Requests per minute, when the team set a limit. Without one nothing is kept, so nothing
    // is looked up or trimmed for each request either.
    std::deque<qint64> *recent = nullptr;
    qint64 now = 0;
    if (m_settings.requestsPerMinute > 0) {
        now = m_clock().toMSecsSinceEpoch();
        recent = &m_recentRequests[member.name];
        while (!recent->empty() && recent->front() <= now - 60'000)
            recent->pop_front();
    }
    if (recent && int(recent->size()) >= m_settings.requestsPerMinute) {
        const qint64 wait = std::max<qint64>(1, (recent->front() + 60'000 - now + 999) / 1000);
        budget.append({"Retry-After", QByteArray::number(wait)});
        return refuse(connection, api, 429,
                      u"%1 has made %2 requests in the last minute (the most allowed); try again in %3 s."_s.arg(member.name)
                          .arg(m_settings.requestsPerMinute)
                          .arg(wait),
                      budget);
    }
    // 4. Requests in flight: what bounds a budget overshoot under concurrency.
    int &inFlight = m_inFlight[member.name];
    if (inFlight >= m_settings.maxInFlight)
        return refuse(connection, api, 429,
                      u"%1 already has %2 requests in flight (the most at once); try again when one ends."_s.arg(member.name)
                          .arg(m_settings.maxInFlight),
                      budget);
    if (recent)
        recent->push_back(now);

    auto ex = std::make_shared<Exchange>();
    ex->api = api;
    ex->member = member.name;
    ex->token = token;
    ex->client = connection;
    if (!policy.downgradedFrom.isEmpty()) {
        ex->extra.append({"X-Orteam-Model-Downgraded-From", headerSafe(policy.downgradedFrom)});
        ex->extra.append({"X-Orteam-Model", headerSafe(policy.body.value("model"_L1).toString())});
    }
    if (!policy.removedModels.isEmpty())
        ex->extra.append({"X-Orteam-Models-Removed", headerSafe(policy.removedModels.join(u','))});
    ex->extra += budget;
    const QByteArray beta = api == InferenceApi::Messages ? request.header("anthropic-beta") : QByteArray();
    QByteArray upstreamBody = split ? upstreamRequestBody(split->others, std::move(policy.body))
                                    : upstreamRequestBody(request.body, std::move(policy.body));
    request.body = QByteArray();
    ++inFlight;
    if (!m_settings.sharedBudget)
        return send(shard, connection, ex, std::move(upstreamBody), beta);

    // 5. A budget shared with other gateways: the database admits the request, counting every
    // gateway's requests in flight and the usage they wrote. Nothing it cannot read is admitted.
    ex->reservation = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QDateTime at = m_clock().toUTC();
    const QDateTime stale = at.addMSecs(-qint64(m_settings.upstreamTimeoutMs) - 60'000);
    m_jobs->run<Result<UsageRepository::Admission>>(
        this,
        [id = ex->reservation, name = member.name, day = today(), memberBudget, max = m_settings.maxInFlight, at, stale](Store &store) {
            return store.usage().reserve(id, name, day, memberBudget, max, at, stale);
        },
        [this, &shard, ex, body = std::move(upstreamBody), beta, memberBudget](const Result<UsageRepository::Admission> &admission) {
            std::lock_guard lock(m_lock);
            using Outcome = UsageRepository::Admission::Outcome;
            const bool admitted = admission && admission->outcome == Outcome::Admitted;
            const bool present = ex->client && ex->client->isOpen();
            if (admitted && present) {
                m_reserved.insert(ex->reservation);
                return send(shard, ex->client, ex, body, beta);
            }
            int &slots = m_inFlight[ex->member];
            slots = std::max(0, slots - 1);
            if (admitted)
                return release(ex->reservation); // the client left while it waited
            if (!present)
                return;
            if (!admission)
                return refuse(ex->client, ex->api, 503,
                              u"The team database could not admit the request, so it was not sent: %1"_s.arg(admission.errorText()),
                              ex->extra);
            if (admission->outcome == Outcome::OverBudget)
                return refuse(ex->client, ex->api, 402, overBudget(ex->member, admission->spent, *memberBudget, today()), ex->extra);
            refuse(ex->client, ex->api, 429,
                   u"%1 already has %2 requests in flight across the team's gateways (the most at once); try again when one ends."_s
                       .arg(ex->member)
                       .arg(admission->inFlight),
                   ex->extra);
        });
}

void Gateway::release(const QString &reservation)
{
    if (reservation.isEmpty())
        return;
    m_reserved.remove(reservation);
    m_releases.append(reservation); // dropped in the same write as the usage it became
    // At once, not at the next tick: until it is gone the member's place stays taken on every
    // gateway, and a member asking one thing after another would meet 429s.
    QTimer::singleShot(0, this, &Gateway::flushSoon);
}

void Gateway::send(Shard &shard, HttpConnection *connection, const std::shared_ptr<Exchange> &ex, QByteArray body,
                   const QByteArray &anthropicBeta)
{
    ++m_requestsToday;
    m_open.insert(ex.get(), ex);
    if (shard.decision) {
        shard.decision->unlock(); // committed: the rest is this thread's own
        shard.decision = nullptr;
    }
    UpstreamRequest upstream;
    upstream.target = m_upstreamTargets[size_t(ex->api)];
    upstream.headerLines = m_upstreamHeaderLines;
    upstream.headers.reserve(3);
    const QByteArray title = headerSafe(m_settings.appName + u':' + ex->member);
    upstream.headers.append({"X-OpenRouter-Title", title});
    upstream.headers.append({"X-Title", title}); // the older name of the same header
    if (!anthropicBeta.isEmpty() && isSafeHeaderValue(anthropicBeta))
        upstream.headers.append({"anthropic-beta", anthropicBeta}); // features Claude Code asks for
    upstream.body = std::move(body);
    upstream.timeoutMs = m_settings.upstreamTimeoutMs;
    UpstreamReply *reply = shard.upstream->send(std::move(upstream));
    // The answer is read to its end even when nobody is left to pass it to (its cost is in its
    // last bytes); while a slow client has a backlog, it is read no faster than the client reads.
    reply->setReadBufferSize(1024 * 1024);
    auto read = [reply, ex] {
        const bool present = ex->client && ex->client->isOpen();
        if (present && ex->client->pendingOutput() > MaxClientBacklog)
            return;
        const QByteArray data = reply->readAll();
        if (!ex->streaming) {
            ex->buffered += data;
            return;
        }
        ex->usage.feed(data);
        if (present)
            ex->client->writeChunk(data);
    };
    connect(connection, &HttpConnection::drained, reply, read);
    connect(connection, &HttpConnection::closed, reply, read);
    // Called back on the reply's thread (the shard's), not the gateway's.
    connect(reply, &UpstreamReply::readyRead, reply, read);
    connect(reply, &UpstreamReply::headReceived, reply, [reply, ex] {
        const QByteArray type = reply->header("content-type");
        // Streaming is what the upstream does, not what the request asked: an answer in events is
        // read as events (and charged from them) whatever the request's "stream" said.
        if (reply->status() != 200 || ex->streaming || !type.startsWith("text/event-stream"))
            return;
        ex->streaming = true;
        if (!ex->client)
            return;
        HttpHeaders headers{{"Content-Type", type}, {"Cache-Control", "no-cache"}};
        headers += ex->extra;
        ex->client->beginStream(200, headers);
    });
    connect(reply, &UpstreamReply::finished, reply, [this, &shard, reply, ex] {
        std::unique_lock lock(m_lock); // the charge, and what it frees, in the same step for every thread
        reply->deleteLater();
        const QByteArray rest = reply->readAll();
        const bool present = ex->client && ex->client->isOpen();
        const bool whole = reply->error() == UpstreamReply::Error::None;
        if (ex->streaming) {
            ex->usage.feed(rest + '\n');
            if (present) {
                ex->client->writeChunk(rest);
                if (whole)
                    ex->client->endStream();
                else
                    ex->client->abortStream(); // cut upstream: the client must not take it for whole
            }
            return settle(shard, ex);
        }
        ex->buffered += rest;
        if (reply->status() == 0) {
            // No HTTP answer at all. Refused, unresolvable or a failed TLS handshake (the request
            // is written only once it is encrypted): nothing was generated. Anything else
            // (a timeout, a connection cut after the request went) may have been generated and
            // billed without a word back: counted as not costed, never as free.
            const UpstreamReply::Error e = reply->error();
            if (e != UpstreamReply::Error::ConnectionRefused && e != UpstreamReply::Error::HostNotFound
                && e != UpstreamReply::Error::Tls)
                giveUp(ex->member, u"OpenRouter gave no answer (%1); it may have billed the request"_s.arg(reply->errorString()));
            if (present)
                refuse(ex->client, ex->api, e == UpstreamReply::Error::Timeout ? 504 : 502,
                       u"OpenRouter could not be reached: %1"_s.arg(reply->errorString()), ex->extra);
            return finishExchange(ex);
        }
        const int status = reply->status();
        const bool ok = status >= 200 && status < 300;
        // An answer cut off part-way is not passed on as if whole; what it cost is still asked for.
        const bool cut = ok && !whole;
        if (ok) {
            ex->usage.readWhole(ex->buffered);
            settle(shard, ex);
        } else {
            finishExchange(ex); // OpenRouter does not bill an error answer
        }
        if (!present)
            return;
        if (cut)
            return refuse(ex->client, ex->api, 502, u"OpenRouter's answer was cut off: %1"_s.arg(reply->errorString()), ex->extra);
        lock.unlock(); // charged: the answer is this thread's to write
        const QByteArray type = reply->header("content-type");
        HttpHeaders headers{{"Content-Type", ok && !type.isEmpty() ? type : Json}};
        headers += ex->extra;
        ex->client->respond(status, headers, ok ? ex->buffered : rewrapError(ex->api, status, ex->buffered, ex->token));
    });
}

void Gateway::finishExchange(const std::shared_ptr<Exchange> &ex)
{
    if (!m_open.remove(ex.get()))
        return;
    int &slots = m_inFlight[ex->member];
    slots = std::max(0, slots - 1);
    // Released with the next write, which carries this request's usage.
    release(ex->reservation);
}

void Gateway::settle(Shard &shard, const std::shared_ptr<Exchange> &ex)
{
    if (ex->settled)
        return;
    ex->settled = true;
    if (ex->usage.cost) {
        record(ex->member, *ex->usage.cost);
        return finishExchange(ex);
    }
    if (ex->usage.invalidCost)
        Q_EMIT problem(u"OpenRouter reported an implausible cost for a request by %1; looking it up instead"_s.arg(ex->member));
    if (ex->usage.generationId.isEmpty()) {
        giveUp(ex->member, u"the answer carried neither a cost nor a generation id"_s);
        return finishExchange(ex);
    }
    // Until its cost is known the request keeps its member's place in flight: the overshoot bound
    // counts it, as it counts a request still being answered.
    ++m_lookups;
    lookUpCost(shard, ex, 0);
}

void Gateway::lookUpCost(Shard &shard, const std::shared_ptr<Exchange> &ex, int attempt)
{
    // OpenRouter records a generation a moment after answering: the first look may find nothing.
    // Looked up on the shard's thread, with its network access; nothing of it outlives the gateway.
    const QList<int> &delays = m_settings.costLookupDelaysMs;
    QTimer::singleShot(delays.value(attempt, 1000), shard.context, [this, &shard, ex, attempt] {
        std::lock_guard lock(m_lock);
        if (!m_open.contains(ex.get()))
            return; // given up already (the gateway is stopping)
        QUrl url = m_settings.upstream;
        url.setPath(url.path() + u"/generation"_s);
        url.setQuery(QUrlQuery{{u"id"_s, ex->usage.generationId}});
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + m_settings.upstreamKey.toUtf8());
        request.setTransferTimeout(30'000);
        QNetworkReply *reply = shard.network->get(request);
        connect(reply, &QNetworkReply::finished, shard.context, [this, &shard, reply, ex, attempt] {
            std::lock_guard locked(m_lock);
            reply->deleteLater();
            if (!m_open.contains(ex.get()))
                return;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonValue cost = QJsonDocument::fromJson(reply->isOpen() ? reply->readAll() : QByteArray())
                                        .object().value("data"_L1).toObject().value("total_cost"_L1);
            if (status == 200) {
                if (const std::optional<double> c = checkedCost(cost)) {
                    --m_lookups;
                    record(ex->member, *c);
                    return finishExchange(ex);
                }
            }
            if (attempt + 1 < m_settings.costLookupDelaysMs.size())
                return lookUpCost(shard, ex, attempt + 1);
            --m_lookups;
            giveUp(ex->member, u"GET /generation?id=%1 did not give a cost after %2 tries (last: %3)"_s.arg(ex->usage.generationId)
                                   .arg(attempt + 1)
                                   .arg(status ? QString::number(status) : reply->errorString()));
            finishExchange(ex);
        });
    });
}

QByteArray Gateway::rewrapError(InferenceApi api, int status, const QByteArray &upstreamBody, const QString &token) const
{
    // Status and message kept; nothing else of the upstream's passes (its headers never do): a
    // provider's error may echo the request, and the request carried the shared key.
    const QJsonObject error = QJsonDocument::fromJson(upstreamBody).object().value("error"_L1).toObject();
    QString message = error.value("message"_L1).toString();
    if (message.isEmpty())
        message = u"OpenRouter answered %1 %2"_s.arg(status).arg(QString::fromLatin1(httpReason(status)));
    message.truncate(2000);
    for (const QString &secret : {m_settings.upstreamKey, token}) {
        if (!secret.isEmpty())
            message.replace(secret, u"[redacted]"_s);
    }
    static const QRegularExpression keyLike(u"(sk-or-|orgw-)[A-Za-z0-9_\\-]+"_s);
    message.replace(keyLike, u"[redacted]"_s);
    QJsonObject metadata;
    const QJsonValue provider = error.value("metadata"_L1).toObject().value("provider_name"_L1);
    if (provider.isString())
        metadata.insert("provider_name"_L1, provider);
    return apiErrorBody(api, status, message, metadata);
}

void Gateway::models(Shard &shard, HttpConnection *connection, const Member &member)
{
    const Tier *tier = findTier(m_tiers, member.tier);
    const HttpHeaders budget = budgetHeaders(member);
    if (!tier)
        return refuse(connection, InferenceApi::ChatCompletions, 403, u"%1 has no known tier, so no model is allowed."_s.arg(member.name),
                      budget);
    auto answer = [connection = QPointer<HttpConnection>(connection), t = *tier, budget](const QJsonArray &all) {
        if (!connection)
            return;
        QJsonArray allowed;
        for (const QJsonValue &m : all) {
            if (t.isUnrestricted() || t.allowedModels->contains(m.toObject().value("id"_L1).toString()))
                allowed.append(m);
        }
        connection->respond(200, HttpHeaders{{"Content-Type", Json}} + budget,
                            QJsonDocument(QJsonObject{{"data"_L1, allowed}}).toJson(QJsonDocument::Compact));
    };
    if (m_modelCacheAt.isValid() && m_modelCacheAt.secsTo(m_clock()) < 300)
        return answer(m_modelCache);
    QUrl url = m_settings.upstream;
    url.setPath(url.path() + u"/models"_s);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_settings.upstreamKey.toUtf8());
    request.setTransferTimeout(30'000);
    QNetworkReply *reply = shard.network->get(request);
    QPointer<HttpConnection> client(connection);
    connect(reply, &QNetworkReply::finished, shard.context, [this, reply, client, answer, budget] {
        std::lock_guard lock(m_lock);
        reply->deleteLater();
        const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonValue data = QJsonDocument::fromJson(body).object().value("data"_L1);
        if (status == 200 && data.isArray()) {
            m_modelCache = data.toArray();
            m_modelCacheAt = m_clock();
            return answer(m_modelCache);
        }
        if (!client)
            return;
        if (status == 0)
            return refuse(client, InferenceApi::ChatCompletions, 502,
                          u"OpenRouter could not be reached: %1"_s.arg(reply->errorString()), budget);
        client->respond(status, HttpHeaders{{"Content-Type", Json}} + budget,
                        rewrapError(InferenceApi::ChatCompletions, status, body, QString()));
    });
}

} // namespace orteam
