#include "OpenRouterClient.h"

#include <QIODevice>
#include <QPointer>

#include <cstring>

#include "KeyPager.h"
#include "UpstreamClient.h"
#include "UrlPolicy.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimeZone>
#include <QScopeGuard>
#include <QTimer>

#include <algorithm>
#include <memory>

#include <zlib.h>

Q_LOGGING_CATEGORY(lcApi, "orteam.api", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// A request body readable once, front to back: it cannot be rewound, so Qt cannot resend it.
class OneShotBody final : public QIODevice
{
public:
    explicit OneShotBody(QByteArray data) : m_data(std::move(data)) { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_data.size() - m_pos + QIODevice::bytesAvailable(); }
    bool reset() override { return false; }
    bool seek(qint64) override { return false; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = std::min(maxSize, qint64(m_data.size()) - m_pos);
        if (n <= 0)
            return m_pos >= m_data.size() ? -1 : 0;
        std::memcpy(data, m_data.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_pos = 0;
};
} // namespace

namespace {
// A 4xx or 5xx answer as an error, with the server's Retry-After (seconds) when it gave one.
ApiError httpError(const QByteArray &verb, const QUrl &url, const QString &path, int status, const QByteArray &body,
                   const QByteArray &retryAfterHeader)
{
    ApiError e = ApiError::http(status, body, QString::fromLatin1(verb), url, path);
    bool ok = false;
    const int retryAfter = retryAfterHeader.trimmed().toInt(&ok);
    if (ok && retryAfter >= 0)
        e.retryAfterSeconds = retryAfter;
    return e;
}

// A gzip body inflated, at most `cap` bytes of it: nullopt and `error` said when it is not gzip
// or inflates past the cap (a small body may inflate a thousandfold).
std::optional<QByteArray> gunzip(const QByteArray &body, qint64 cap, QString *error, bool *tooLarge)
{
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) { // 16: gzip's header and trailer, not zlib's
        *error = u"cannot inflate the answer"_s;
        return std::nullopt;
    }
    const auto end = qScopeGuard([&z] { inflateEnd(&z); });
    QByteArray out;
    out.resize(std::min<qint64>(std::max<qint64>(body.size() * 4, 4096), cap + 1));
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.constData()));
    z.avail_in = uInt(body.size());
    qint64 produced = 0;
    for (;;) {
        if (produced == out.size()) {
            if (out.size() > cap) {
                *tooLarge = true;
                return std::nullopt;
            }
            out.resize(std::min<qint64>(out.size() * 2, cap + 1));
        }
        z.next_out = reinterpret_cast<Bytef *>(out.data() + produced);
        z.avail_out = uInt(out.size() - produced);
        const int r = inflate(&z, Z_NO_FLUSH);
        produced = out.size() - z.avail_out;
        if (r == Z_STREAM_END)
            break;
        if (r != Z_OK && !(r == Z_BUF_ERROR && z.avail_out == 0)) {
            *error = u"the answer is marked gzip but does not inflate (%1)"_s.arg(QString::fromLatin1(z.msg ? z.msg : "truncated"));
            return std::nullopt;
        }
    }
    if (produced > cap) {
        *tooLarge = true;
        return std::nullopt;
    }
    out.resize(produced);
    return out;
}

// "/keys/<hash>" and the like: the id is percent-encoded, so a hash or id from a server or a
// person can never add path segments or a query.
QString itemPath(const QString &root, const QString &id, const QString &suffix = {})
{
    return root + u'/' + QString::fromUtf8(QUrl::toPercentEncoding(id)) + suffix;
}
} // namespace

OpenRouterClient::OpenRouterClient(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent), m_network(network), m_settings(defaultSettings())
{
}

OpenRouterClient::~OpenRouterClient()
{
    // Overwrite the key's characters before the memory is released (best effort: QString may
    // share its buffer, in which case detaching makes a copy we then clear instead).
    m_managementKey.fill(QChar(u'\0'));
}

OpenRouterClient::Settings OpenRouterClient::defaultSettings()
{
    Settings s;
    s.baseUrl = UrlPolicy::defaultBaseUrl();
    return s;
}

void OpenRouterClient::setSettings(const Settings &settings)
{
    m_settings = settings;
}

void OpenRouterClient::setManagementKey(const QString &key)
{
    m_managementKey.fill(QChar(u'\0'));
    m_managementKey = key.trimmed();
}

void OpenRouterClient::setActive(int delta)
{
    m_activeCalls += delta;
    Q_EMIT activeCallsChanged(m_activeCalls);
}

void OpenRouterClient::send(const Request &request, QObject *context, std::function<void(const RawReply &)> done)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    auto deliver = [ctx, hasContext, done = std::move(done)](const RawReply &reply) {
        if (hasContext && !ctx)
            return; // the asker is gone (a closed dialog): drop the answer
        done(reply);
    };

    // Refusals happen before anything leaves the machine, but are still delivered later so that
    // every callback runs outside the call, the same way in every case.
    ApiError refusal;
    if (const QString why = UrlPolicy::check(m_settings.baseUrl); !why.isEmpty()) {
        refusal.kind = ApiError::Kind::InsecureUrl;
        refusal.detail = why;
    } else if (m_managementKey.isEmpty()) {
        refusal.kind = ApiError::Kind::NoKey;
    }
    if (refusal.isError()) {
        QTimer::singleShot(0, this, [deliver, refusal] {
            RawReply r;
            r.error = refusal;
            deliver(r);
        });
        return;
    }
    setActive(+1);
    attempt(request, 1, ctx, hasContext, [this, deliver](const RawReply &r) {
        // Active until delivered: an answer parsed on a pool thread counts itself active first
        // (call()), so the busy indicator does not blink off while its keys are still coming.
        deliver(r);
        setActive(-1);
    });
}

void OpenRouterClient::attempt(const Request &request, int attemptNumber, QPointer<QObject> context, bool hasContext,
                               std::function<void(const RawReply &)> done)
{
    QUrl url = m_settings.baseUrl;
    url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) + request.path);
    if (!request.query.isEmpty())
        url.setQuery(request.query);
    if (request.verb == "GET" && !request.body)
        return attemptGet(request, url, attemptNumber, context, hasContext, std::move(done));

    QNetworkRequest req(url);
    // The credential is attached here and in attemptGet(): nowhere else.
    req.setRawHeader("Authorization", "Bearer " + m_managementKey.toUtf8());
    req.setRawHeader("Accept", "application/json");
    req.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("orteam/" ORTEAM_VERSION));
    // Same origin only: a redirect to another host must not carry the key along.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    req.setMaximumRedirectsAllowed(3);

    QByteArray payload;
    if (request.body) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        payload = QJsonDocument(*request.body).toJson(QJsonDocument::Compact);
    }
    QNetworkReply *reply = nullptr;
    if (request.body && !request.idempotent) {
        // Qt's HTTP/1.1 channel silently sends a request again when the server closes the
        // connection before answering, POST included: a lost answer to "create key" would make a
        // second key. A body that can be read only once turns that resend into an error
        // (ContentReSendError), which the create path then resolves by looking for the key.
        req.setHeader(QNetworkRequest::ContentLengthHeader, payload.size());
        req.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
        auto *body = new OneShotBody(payload);
        reply = m_network->sendCustomRequest(req, request.verb, body);
        body->setParent(reply);
    } else {
        reply = request.body ? m_network->sendCustomRequest(req, request.verb, payload)
                             : m_network->sendCustomRequest(req, request.verb);
    }

    struct State
    {
        bool timedOut = false;
        bool tooLarge = false;
        QElapsedTimer clock;
    };
    auto state = std::make_shared<State>();
    state->clock.start();

    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, state] {
        state->timedOut = true;
        reply->abort();
    });
    timer->start(m_settings.timeoutMs);

    const qint64 cap = m_settings.maxResponseBytes;
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, state, cap](qint64 received, qint64 total) {
        if (!state->tooLarge && (received > cap || total > cap)) {
            state->tooLarge = true;
            reply->abort();
        }
    });

    connect(reply, &QNetworkReply::finished, this, [=, this] {
        reply->deleteLater();
        RawReply r;
        r.attempts = attemptNumber;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        ApiError &e = r.error;
        e.host = url.host();
        if (state->timedOut) {
            e.kind = ApiError::Kind::Timeout;
            e.detail = timeoutDetail(attemptNumber);
        } else if (state->tooLarge) {
            e.kind = ApiError::Kind::TooLarge;
            e.detail = tooLargeDetail();
        } else if (r.status == 0) {
            e.kind = reply->error() == QNetworkReply::OperationCanceledError ? ApiError::Kind::Cancelled
                                                                              : ApiError::Kind::Network;
            e.lasting = reply->error() == QNetworkReply::SslHandshakeFailedError;
            e.detail = reply->errorString();
        } else {
            r.body = reply->readAll();
            if (r.status >= 400) {
                e = httpError(request.verb, url, request.path, r.status, r.body, reply->rawHeader("Retry-After"));
            } else if (reply->error() != QNetworkReply::NoError) {
                // 2xx with a transport error: the body was cut off mid-way.
                e.kind = ApiError::Kind::Network;
                e.detail = reply->errorString();
            }
        }
        finishAttempt(request, attemptNumber, context, hasContext, done, r, state->clock.elapsed());
    });
}

void OpenRouterClient::finishAttempt(const Request &request, int attemptNumber, QPointer<QObject> context, bool hasContext,
                                     const std::function<void(const RawReply &)> &done, const RawReply &r, qint64 elapsedMs)
{
    const ApiError &e = r.error;
    qCInfo(lcApi).noquote() << request.verb << request.path << "→" << (r.status ? QString::number(r.status) : e.detail)
                            << u"(%1 ms, attempt %2)"_s.arg(elapsedMs).arg(attemptNumber);

    const bool askerAlive = !hasContext || context;
    if (e.isTransient() && request.idempotent && attemptNumber <= m_settings.maxRetries && askerAlive) {
        const int delay = retryDelayMs(e, attemptNumber);
        qCInfo(lcApi).noquote() << "retrying" << request.verb << request.path << "in" << delay << "ms";
        QTimer::singleShot(delay, this, [=, this] { attempt(request, attemptNumber + 1, context, hasContext, done); });
        return;
    }
    done(r);
}

void OpenRouterClient::attemptGet(const Request &request, const QUrl &url, int attemptNumber, QPointer<QObject> context,
                                  bool hasContext, std::function<void(const RawReply &)> done)
{
    // One client per origin, looked up by the base URL it was last asked for (a hundred pages
    // of keys ask for the same one).
    if (m_getsBase != m_settings.baseUrl || !m_getsClient) {
        const QString origin = url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
                                   .toString();
        UpstreamClient *&client = m_gets[origin];
        if (!client)
            client = new UpstreamClient(QUrl(origin), this);
        m_getsClient = client;
        m_getsBase = m_settings.baseUrl;
    }
    UpstreamRequest up;
    up.method = "GET";
    up.target = url.path(QUrl::FullyEncoded).toUtf8();
    if (url.hasQuery())
        up.target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    // The credential is attached here and in attempt(), for the calls with a body: nowhere else.
    up.headers = {{"Authorization", "Bearer " + m_managementKey.toUtf8()},
                  {"Accept", "application/json"},
                  {"Accept-Encoding", "gzip"},
                  {"User-Agent", "orteam/" ORTEAM_VERSION}};
    // The call's own timer (below) covers the whole call and fires first; the client's, for bytes
    // that stop coming, is only a backstop.
    up.timeoutMs = m_settings.timeoutMs + 5'000;

    // Everything the answer needs, held once: the signal handlers below share it.
    struct State
    {
        Request request;
        QUrl url;
        int attemptNumber;
        QPointer<QObject> context;
        bool hasContext;
        std::function<void(const RawReply &)> done;
        qint64 cap;
        QString timedOut;
        QPointer<UpstreamReply> reply;
        QByteArray body;
        QElapsedTimer clock;
        bool over = false;
    };
    auto state = std::make_shared<State>(State{request, url, attemptNumber, context, hasContext, std::move(done),
                                               m_settings.maxResponseBytes,
                                               timeoutDetail(attemptNumber),
                                               {}, {}, {}, false});
    state->clock.start();
    // Answers once: at the end, at a timeout or when the body grows past the cap (the reply is
    // then deleted, which abandons the request and closes its connection).
    const auto end = [this](const std::shared_ptr<State> &st, RawReply r) {
        if (st->over)
            return;
        st->over = true;
        r.attempts = st->attemptNumber;
        r.error.host = st->url.host();
        if (st->reply)
            st->reply->deleteLater();
        finishAttempt(st->request, st->attemptNumber, st->context, st->hasContext, st->done, r, st->clock.elapsed());
    };
    const auto fail = [end](const std::shared_ptr<State> &st, ApiError::Kind kind, const QString &detail) {
        RawReply r;
        r.error.kind = kind;
        r.error.detail = detail;
        end(st, r);
    };
    const auto tooLarge = [fail, detail = tooLargeDetail()](const std::shared_ptr<State> &st) {
        fail(st, ApiError::Kind::TooLarge, detail);
    };

    UpstreamReply *reply = m_getsClient->send(std::move(up));
    state->reply = reply;
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [state, fail] { fail(state, ApiError::Kind::Timeout, state->timedOut); });
    timer->start(m_settings.timeoutMs);
    connect(reply, &UpstreamReply::headReceived, this, [state, tooLarge] {
        bool known = false;
        const qint64 length = state->reply ? state->reply->header("content-length").toLongLong(&known) : 0;
        if (known && length > state->cap)
            tooLarge(state);
    });
    connect(reply, &UpstreamReply::readyRead, this, [state, tooLarge] {
        if (!state->reply || state->over)
            return;
        state->body += state->reply->readAll();
        if (state->body.size() > state->cap)
            tooLarge(state);
    });
    connect(reply, &UpstreamReply::finished, this, [state, end, tooLarge] {
        if (!state->reply || state->over)
            return;
        UpstreamReply *rep = state->reply;
        state->body += rep->readAll();
        if (state->body.size() > state->cap)
            return tooLarge(state);
        RawReply r;
        r.status = rep->status();
        ApiError &e = r.error;
        if (rep->error() == UpstreamReply::Error::Timeout) {
            e.kind = ApiError::Kind::Timeout;
            e.detail = state->timedOut;
        } else if (rep->error() == UpstreamReply::Error::Malformed) {
            // Reached, and it answered, but not in HTTP as it is read here: no network trouble
            // to wait out, and nothing to try again.
            e.kind = ApiError::Kind::BadResponse;
            e.detail = rep->errorString();
        } else if (r.status == 0) {
            e.kind = ApiError::Kind::Network;
            e.lasting = rep->error() == UpstreamReply::Error::Tls;
            e.detail = rep->errorString();
        } else {
            r.body = std::move(state->body);
            // A body cut off mid-way is a network failure (below), not a gzip one.
            const bool whole = rep->error() == UpstreamReply::Error::None;
            if (whole && rep->header("content-encoding").trimmed().compare("gzip", Qt::CaseInsensitive) == 0) {
                QString problem;
                bool over = false;
                if (std::optional<QByteArray> plain = gunzip(r.body, state->cap, &problem, &over)) {
                    r.body = std::move(*plain);
                } else if (over) {
                    return tooLarge(state);
                } else {
                    e.kind = ApiError::Kind::BadResponse;
                    e.detail = problem;
                    r.body.clear();
                }
            }
            if (e.isError()) {
                // the body could not be read: said above
            } else if (r.status >= 400) {
                e = httpError(state->request.verb, state->url, state->request.path, r.status, r.body, rep->header("retry-after"));
            } else if (!whole) {
                // 2xx with a transport error: the body was cut off mid-way.
                e.kind = ApiError::Kind::Network;
                e.detail = rep->errorString();
            } else if (r.status >= 300) {
                // Not followed: a redirect of the management API means a base URL that points
                // elsewhere, and following it to another host would carry the key along.
                e.kind = ApiError::Kind::BadResponse;
                e.detail = u"HTTP %1, a redirect to %2: check the base URL"_s.arg(r.status).arg(
                    QString::fromUtf8(rep->header("location")).left(200));
            }
        }
        end(state, r);
    });
}

QString OpenRouterClient::timeoutDetail(int attemptNumber) const
{
    // Each attempt has the whole timeout: said with how many there were (a GET that hangs is
    // tried again), so "3 s" after fifteen seconds adds up. Only the last is known to have timed
    // out (the others may have been 503s).
    return u"no answer after %1 s"_s.arg(m_settings.timeoutMs / 1000.0, 0, 'g', 3)
        + (attemptNumber > 1 ? u", the last of %1 attempts"_s.arg(attemptNumber) : QString());
}

QString OpenRouterClient::tooLargeDetail() const
{
    return u"over %1 MB"_s.arg(m_settings.maxResponseBytes / (1024LL * 1024LL));
}

int OpenRouterClient::retryDelayMs(const ApiError &error, int attemptNumber) const
{
    // Capped exponential backoff with "equal jitter": half fixed, half random, so many clients
    // retrying at once spread out instead of arriving together.
    const qint64 exp = qint64(m_settings.retryBaseDelayMs) << std::min(attemptNumber - 1, 16);
    const int capped = int(std::min<qint64>(exp, m_settings.retryMaxDelayMs));
    int delay = capped / 2 + int(QRandomGenerator::global()->bounded(capped / 2 + 1));
    if (error.retryAfterSeconds >= 0)
        delay = std::max(delay, std::min(error.retryAfterSeconds * 1000, m_settings.retryAfterCapMs));
    return delay;
}

template<typename T, typename Parse>
void OpenRouterClient::call(const Request &request, QObject *context, Callback<T> done, Parse parse)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    send(request, context, [this, ctx, hasContext, done = std::move(done), parse, host = m_settings.baseUrl.host()](const RawReply &r) {
        if (r.error.isError()) {
            done(ApiResult<T>::failure(r.error));
            return;
        }
        if (r.body.size() < ParseElsewhereBytes) {
            ApiResult<T> result = parse(r.body);
            result.error.host = host;
            done(result);
            return;
        }
        // A large body (a page of 100 keys is 57 KB) is parsed on a pool thread, so the hundred
        // pages of 10,000 keys are parsed on every core while the next ones arrive here. The
        // answer comes back on this thread through a watcher this client owns: once the client
        // is gone, so is the watcher and its signal (QFuture::then with a context would run on
        // the pool thread before Qt 6.6, and touch a client being destroyed).
        auto promise = std::make_shared<QPromise<ApiResult<T>>>();
        auto *watcher = new QFutureWatcher<ApiResult<T>>(this);
        setActive(+1); // until the parsed answer is delivered
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ctx, hasContext, done, host] {
            watcher->deleteLater();
            const auto idle = qScopeGuard([this] { setActive(-1); }); // after done(), as send() does
            if (hasContext && !ctx)
                return;
            ApiResult<T> result = watcher->future().result();
            result.error.host = host;
            done(result);
        });
        watcher->setFuture(promise->future());
        promise->start();
        QThreadPool::globalInstance()->start([promise, body = r.body, parse] {
            promise->addResult(parse(body));
            promise->finish();
        });
    });
}

template<typename T, typename Parse>
void OpenRouterClient::listAllPages(const QString &path, QObject *context, Callback<QList<T>> done, Parse parse)
{
    // Offset/limit lists (guardrails, assignments, members) are small; read them one page after
    // another until a short page or the reported total.
    struct Acc
    {
        QList<T> items;
    };
    auto acc = std::make_shared<Acc>();
    auto step = std::make_shared<std::function<void(int)>>();
    // Held weakly by itself and strongly by the request in flight: freed when the chain ends or
    // its callback is dropped (a context destroyed), never kept alive by a cycle.
    std::weak_ptr<std::function<void(int)>> weakStep = step;
    *step = [=, this](int offset) {
        const auto self = weakStep.lock();
        if (!self)
            return;
        Request req;
        req.path = path;
        req.query.addQueryItem(u"offset"_s, QString::number(offset));
        req.query.addQueryItem(u"limit"_s, u"100"_s);
        call<Page<T>>(req, context, Callback<Page<T>>([=](const ApiResult<Page<T>> &page) {
            if (!page.ok()) {
                done(ApiResult<QList<T>>::failure(page.error));
                return;
            }
            acc->items += page.value.items;
            const bool more = page.value.items.size() == 100
                && (!page.value.totalCount || acc->items.size() < *page.value.totalCount)
                && offset / 100 < MaxKeyPages;
            if (more) {
                (*self)(offset + 100);
                return;
            }
            done(ApiResult<QList<T>>::success(acc->items));
        }), parse);
    };
    (*step)(0);
}

void OpenRouterClient::listKeys(bool includeDisabled, QObject *context, Callback<ApiKeyList> done)
{
    auto all = std::make_shared<ApiKeyList>();
    streamKeys(
        includeDisabled, context, [all](ApiKeyList &&keys) { all->append(std::move(keys)); },
        [all, done = std::move(done)](const ApiResult<qsizetype> &r) {
            done(r.ok() ? ApiResult<ApiKeyList>::success(std::move(*all)) : ApiResult<ApiKeyList>::failure(r.error));
        });
}

void OpenRouterClient::streamKeys(bool includeDisabled, QObject *context, KeyBatch batch, Callback<qsizetype> done)
{
    auto *pager = new KeyPager(this, includeDisabled, m_settings.maxParallelPages, context, std::move(batch), std::move(done));
    pager->start();
}

void OpenRouterClient::listKeysPage(int offset, bool includeDisabled, QObject *context, Callback<ApiKeyList> done)
{
    Request req;
    req.path = u"/keys"_s;
    req.query.addQueryItem(u"include_disabled"_s, includeDisabled ? u"true"_s : u"false"_s);
    if (offset > 0)
        req.query.addQueryItem(u"offset"_s, QString::number(offset));
    call<ApiKeyList>(req, context, std::move(done), json::parseKeyList);
}

void OpenRouterClient::getKey(const QString &hash, QObject *context, Callback<ApiKey> done)
{
    Request req;
    req.path = itemPath(u"/keys"_s, hash);
    call<ApiKey>(req, context, std::move(done), json::parseKeyEnvelope);
}

void OpenRouterClient::createKey(const NewKeySpec &spec, QObject *context, Callback<json::CreatedKey> done)
{
    Request req;
    req.verb = "POST";
    req.path = u"/keys"_s;
    req.body = json::toJson(spec);
    req.idempotent = false;
    // Never retried: a create whose answer was lost may have made the key. Instead, after such a
    // failure, look for a key of that name created since just before we asked, and say which it is.
    const QDateTime asked = QDateTime::currentDateTimeUtc();
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    call<json::CreatedKey>(req, this, [this, spec, asked, ctx, hasContext, done](const ApiResult<json::CreatedKey> &r) {
        if (hasContext && !ctx)
            return;
        if (r.ok() || !r.error.mayHaveHappened()) {
            done(r);
            return;
        }
        listKeys(true, this, [spec, asked, r, ctx, hasContext, done](const ApiResult<ApiKeyList> &keys) {
            if (hasContext && !ctx)
                return;
            ApiResult<json::CreatedKey> out = r;
            if (!keys.ok()) {
                out.error.outcome = u"Whether the key \"%1\" was created is unknown (the key list could not be read "
                                    "either): refresh before trying again, or you may get two."_s.arg(spec.name);
            } else {
                const ApiKey *made = nullptr;
                for (const ApiKey &k : keys.value) {
                    // Clocks differ a little; two minutes before asking is still "this request".
                    if (k.name == spec.name && k.createdAt.isValid() && k.createdAt >= asked.addSecs(-120))
                        made = &k;
                }
                if (made) {
                    out.error.createdAnywayHash = made->hash;
                    out.error.outcome = u"The key \"%1\" was created anyway (hash %2…), but its secret was lost with the "
                                        "answer and cannot be shown again: revoke it and create a new one."_s
                                            .arg(spec.name, made->hash.left(16));
                } else {
                    out.error.outcome = u"No key named \"%1\" was created: it is safe to try again."_s.arg(spec.name);
                }
            }
            done(out);
        });
    }, json::parseCreatedKey);
}

void OpenRouterClient::updateKey(const QString &hash, const KeyUpdate &update, QObject *context, Callback<ApiKey> done)
{
    Request req;
    req.verb = "PATCH";
    req.path = itemPath(u"/keys"_s, hash);
    req.body = json::toJson(update);
    // A PATCH sets absolute values, so repeating it is harmless.
    call<ApiKey>(req, context, std::move(done), json::parseKeyEnvelope);
}

void OpenRouterClient::deleteKey(const QString &hash, QObject *context, Callback<bool> done)
{
    Request req;
    req.verb = "DELETE";
    req.path = itemPath(u"/keys"_s, hash);
    // Not retried: a retry after a lost 200 would answer 404 and look like a failure.
    req.idempotent = false;
    call<bool>(req, context, std::move(done), json::parseDeleted);
}

void OpenRouterClient::currentKey(QObject *context, Callback<CurrentKeyInfo> done)
{
    Request req;
    req.path = u"/key"_s;
    call<CurrentKeyInfo>(req, context, std::move(done), json::parseCurrentKey);
}

void OpenRouterClient::credits(QObject *context, Callback<Credits> done)
{
    Request req;
    req.path = u"/credits"_s;
    call<Credits>(req, context, std::move(done), json::parseCredits);
}

void OpenRouterClient::activity(const ActivityQuery &query, QObject *context, Callback<QList<ActivityItem>> done)
{
    Request req;
    req.path = u"/activity"_s;
    if (query.date.isValid())
        req.query.addQueryItem(u"date"_s, query.date.toString(Qt::ISODate));
    if (!query.keyHash.isEmpty())
        req.query.addQueryItem(u"api_key_hash"_s, query.keyHash);
    if (!query.userId.isEmpty())
        req.query.addQueryItem(u"user_id"_s, query.userId);
    call<QList<ActivityItem>>(req, context, std::move(done), json::parseActivity);
}

struct OpenRouterClient::AnalyticsParts
{
    AnalyticsQuery query;
    QObject *context = nullptr;
    QList<std::pair<QDateTime, QDateTime>> todo; // ranges still to ask, in order
    AnalyticsResult result;
    Callback<AnalyticsResult> done;
};

void OpenRouterClient::queryAnalytics(const AnalyticsQuery &query, QObject *context, Callback<AnalyticsResult> done)
{
    auto parts = std::make_shared<AnalyticsParts>();
    parts->query = query;
    parts->context = context;
    parts->todo.append({query.start.toUTC(), query.end.toUTC()});
    parts->done = std::move(done);
    analyticsStep(parts);
}

void OpenRouterClient::analyticsStep(const std::shared_ptr<AnalyticsParts> &parts)
{
    if (parts->todo.isEmpty()) {
        parts->done(ApiResult<AnalyticsResult>::success(parts->result));
        return;
    }
    const std::pair<QDateTime, QDateTime> range = parts->todo.takeFirst();
    AnalyticsQuery part = parts->query;
    part.start = range.first;
    part.end = range.second;
    Request req;
    req.verb = "POST";
    req.path = u"/analytics/query"_s;
    req.body = json::toJson(part);
    // A query changes nothing: asking again after a lost answer is harmless.
    req.idempotent = true;
    ++parts->result.calls;
    call<AnalyticsResult>(req, parts->context,
                          Callback<AnalyticsResult>([this, parts, range](const ApiResult<AnalyticsResult> &r) {
                              if (!r.ok())
                                  return parts->done(r);
                              if (r.value.truncated) {
                                  const qint64 days = range.first.date().daysTo(range.second.date());
                                  if (days <= 1) {
                                      ApiError e = ApiError::badResponse(
                                          u"POST /analytics/query: one day (%1) has more than %2 rows"_s.arg(
                                              range.first.date().toString(Qt::ISODate)).arg(parts->query.limit),
                                          m_settings.baseUrl.host());
                                      return parts->done(ApiResult<AnalyticsResult>::failure(e));
                                  }
                                  const QDateTime middle(range.first.date().addDays(days / 2), QTime(0, 0), QTimeZone::utc());
                                  parts->todo.prepend({middle, range.second});
                                  parts->todo.prepend({range.first, middle});
                              } else {
                                  parts->result.rows.append(r.value.rows);
                              }
                              analyticsStep(parts);
                          }),
                          [part](const QByteArray &body) { return json::parseAnalytics(body, part); });
}

void OpenRouterClient::models(QObject *context, Callback<QList<ModelInfo>> done)
{
    Request req;
    req.path = u"/models"_s;
    call<QList<ModelInfo>>(req, context, std::move(done), json::parseModels);
}

void OpenRouterClient::organizationMembers(QObject *context, Callback<QList<OrgMember>> done)
{
    listAllPages<OrgMember>(u"/organization/members"_s, context, std::move(done), json::parseOrgMembers);
}

void OpenRouterClient::listGuardrails(QObject *context, Callback<QList<Guardrail>> done)
{
    listAllPages<Guardrail>(u"/guardrails"_s, context, std::move(done), json::parseGuardrailList);
}

void OpenRouterClient::getGuardrail(const QString &id, QObject *context, Callback<Guardrail> done)
{
    Request req;
    req.path = itemPath(u"/guardrails"_s, id);
    call<Guardrail>(req, context, std::move(done), json::parseGuardrailEnvelope);
}

void OpenRouterClient::createGuardrail(const GuardrailSpec &spec, QObject *context, Callback<Guardrail> done)
{
    Request req;
    req.verb = "POST";
    req.path = u"/guardrails"_s;
    req.body = json::toJson(spec);
    req.idempotent = false;
    call<Guardrail>(req, context, std::move(done), json::parseGuardrailEnvelope);
}

void OpenRouterClient::updateGuardrail(const QString &id, const GuardrailSpec &spec, QObject *context,
                                       Callback<Guardrail> done)
{
    Request req;
    req.verb = "PATCH";
    req.path = itemPath(u"/guardrails"_s, id);
    req.body = json::toJson(spec);
    call<Guardrail>(req, context, std::move(done), json::parseGuardrailEnvelope);
}

void OpenRouterClient::deleteGuardrail(const QString &id, QObject *context, Callback<bool> done)
{
    Request req;
    req.verb = "DELETE";
    req.path = itemPath(u"/guardrails"_s, id);
    req.idempotent = false;
    call<bool>(req, context, std::move(done), json::parseDeleted);
}

void OpenRouterClient::changeAssignments(const QString &id, const QString &what, bool remove, const QStringList &ids,
                                         QObject *context, Callback<qint64> done)
{
    // POST /guardrails/{id}/assignments/keys|members[/remove] with key_hashes or member_user_ids.
    Request req;
    req.verb = "POST";
    req.path = itemPath(u"/guardrails"_s, id, u"/assignments/"_s + what + (remove ? u"/remove"_s : QString()));
    const QLatin1StringView field = what == "keys"_L1 ? "key_hashes"_L1 : "member_user_ids"_L1;
    req.body = QJsonObject{{field, QJsonArray::fromStringList(ids)}};
    const char *count = remove ? "unassigned_count" : "assigned_count";
    call<qint64>(req, context, std::move(done), [count](const QByteArray &b) { return json::parseAssignedCount(b, count); });
}

void OpenRouterClient::assignKeysToGuardrail(const QString &id, const QStringList &keyHashes, QObject *context,
                                             Callback<qint64> done)
{
    changeAssignments(id, u"keys"_s, false, keyHashes, context, std::move(done));
}

void OpenRouterClient::unassignKeysFromGuardrail(const QString &id, const QStringList &keyHashes, QObject *context,
                                                 Callback<qint64> done)
{
    changeAssignments(id, u"keys"_s, true, keyHashes, context, std::move(done));
}

void OpenRouterClient::assignMembersToGuardrail(const QString &id, const QStringList &userIds, QObject *context,
                                                Callback<qint64> done)
{
    changeAssignments(id, u"members"_s, false, userIds, context, std::move(done));
}

void OpenRouterClient::unassignMembersFromGuardrail(const QString &id, const QStringList &userIds, QObject *context,
                                                    Callback<qint64> done)
{
    changeAssignments(id, u"members"_s, true, userIds, context, std::move(done));
}

void OpenRouterClient::listMemberAssignments(QObject *context, Callback<QList<GuardrailMemberAssignment>> done)
{
    listAllPages<GuardrailMemberAssignment>(u"/guardrails/assignments/members"_s, context, std::move(done),
                                            json::parseMemberAssignments);
}

void OpenRouterClient::listKeyAssignments(QObject *context, Callback<QList<GuardrailKeyAssignment>> done)
{
    listAllPages<GuardrailKeyAssignment>(u"/guardrails/assignments/keys"_s, context, std::move(done),
                                         json::parseKeyAssignments);
}

void OpenRouterClient::listWorkspaces(QObject *context, Callback<QList<Workspace>> done)
{
    listAllPages<Workspace>(u"/workspaces"_s, context, std::move(done), json::parseWorkspaceList);
}

void OpenRouterClient::createWorkspace(const Workspace &spec, QObject *context, Callback<Workspace> done)
{
    Request req;
    req.verb = "POST";
    req.path = u"/workspaces"_s;
    QJsonObject body{{"name"_L1, spec.name}, {"slug"_L1, spec.slug}};
    if (!spec.description.isEmpty())
        body.insert("description"_L1, spec.description);
    req.body = body;
    req.idempotent = false;
    call<Workspace>(req, context, std::move(done), json::parseWorkspaceEnvelope);
}

void OpenRouterClient::renameWorkspace(const QString &id, const QString &name, QObject *context, Callback<Workspace> done)
{
    Request req;
    req.verb = "PATCH";
    req.path = itemPath(u"/workspaces"_s, id);
    req.body = QJsonObject{{"name"_L1, name}};
    call<Workspace>(req, context, std::move(done), json::parseWorkspaceEnvelope);
}

void OpenRouterClient::workspaceBudgets(const QString &id, QObject *context, Callback<QList<WorkspaceBudget>> done)
{
    Request req;
    req.path = itemPath(u"/workspaces"_s, id, u"/budgets"_s);
    call<QList<WorkspaceBudget>>(req, context, std::move(done), json::parseWorkspaceBudgets);
}

void OpenRouterClient::setWorkspaceBudget(const QString &id, const WorkspaceBudget &budget, QObject *context,
                                          Callback<WorkspaceBudget> done)
{
    Request req;
    req.verb = "PUT";
    req.path = itemPath(u"/workspaces"_s, id, u"/budgets/"_s + workspaceIntervalName(budget.interval));
    req.body = QJsonObject{{"limit_usd"_L1, budget.limitUsd}};
    call<WorkspaceBudget>(req, context, std::move(done), json::parseWorkspaceBudgetEnvelope);
}

void OpenRouterClient::removeWorkspaceBudget(const QString &id, WorkspaceInterval interval, QObject *context,
                                             Callback<bool> done)
{
    Request req;
    req.verb = "DELETE";
    req.path = itemPath(u"/workspaces"_s, id, u"/budgets/"_s + workspaceIntervalName(interval));
    call<bool>(req, context, std::move(done), json::parseDeleted);
}

void OpenRouterClient::workspaceMembers(const QString &id, QObject *context, Callback<QList<WorkspaceMember>> done)
{
    listAllPages<WorkspaceMember>(itemPath(u"/workspaces"_s, id, u"/members"_s), context, std::move(done),
                                  json::parseWorkspaceMembers);
}

void OpenRouterClient::changeWorkspaceMembers(const QString &id, bool remove, const QStringList &userIds, QObject *context,
                                              Callback<qint64> done)
{
    // POST /workspaces/{id}/members/add|remove with user_ids; the answer counts added_count or removed_count.
    Request req;
    req.verb = "POST";
    req.path = itemPath(u"/workspaces"_s, id, remove ? u"/members/remove"_s : u"/members/add"_s);
    req.body = QJsonObject{{"user_ids"_L1, QJsonArray::fromStringList(userIds)}};
    const char *count = remove ? "removed_count" : "added_count";
    call<qint64>(req, context, std::move(done), [count](const QByteArray &b) { return json::parseAssignedCount(b, count); });
}

} // namespace orteam
