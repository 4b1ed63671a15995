#include "FakeOpenRouter.h"

#include "JsonCodec.h"

#include <QCryptographicHash>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimeZone>
#include <QTimer>
#include <QUuid>

#include <bit>
#include <cmath>
#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
constexpr int PageSize = 100;
const QString ApiPrefix = u"/api/v1"_s;

QString hexOf(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex());
}
} // namespace

FakeOpenRouter::FakeOpenRouter(QObject *parent) : QAbstractHttpServer(parent)
{
    // A fixed-looking management key; tests and the demo read it from managementKey().
    m_managementKey = u"sk-or-v1-mgmt-"_s + hexOf(QCryptographicHash::hash(QUuid::createUuid().toByteArray(),
                                                                          QCryptographicHash::Sha256)).left(48);
    // Every organization has a default workspace: keys made without a workspace_id land there.
    FakeWorkspace fallback;
    fallback.workspace.id = QString(DefaultWorkspaceId);
    fallback.workspace.name = u"Default"_s;
    fallback.workspace.slug = u"default"_s;
    fallback.workspace.createdAt = QDateTime(QDate(2025, 1, 1), QTime(0, 0), QTimeZone::utc());
    m_workspaces << fallback;
}

FakeOpenRouter::~FakeOpenRouter() = default;

quint16 FakeOpenRouter::start(quint16 port)
{
    m_tcp = new QTcpServer(this);
    if (!m_tcp->listen(QHostAddress::LocalHost, port)) {
        delete m_tcp;
        m_tcp = nullptr;
        return 0;
    }
    bind(m_tcp);
    return m_tcp->serverPort();
}

quint16 FakeOpenRouter::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QUrl FakeOpenRouter::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(port()));
}

QDateTime FakeOpenRouter::now() const
{
    return m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
}

ApiKey FakeOpenRouter::addKey(const KeySeed &seed, QString *secret)
{
    // Secrets look like OpenRouter's (sk-or-v1- and 64 hex digits); the hash is SHA-256 of the
    // secret, and the label shows its first and last three hex digits, as the real service does.
    const QByteArray random = QUuid::createUuid().toRfc4122() + QByteArray::number(++m_sequence)
        + QUuid::createUuid().toRfc4122();
    const QString hex = hexOf(QCryptographicHash::hash(random, QCryptographicHash::Sha256));
    const QString plain = u"sk-or-v1-"_s + hex;
    ApiKey k;
    k.hash = hexOf(QCryptographicHash::hash(plain.toUtf8(), QCryptographicHash::Sha256));
    k.name = seed.name;
    k.label = u"sk-or-v1-"_s + hex.left(3) + u"..."_s + hex.right(3);
    k.disabled = seed.disabled;
    k.limit = seed.limit;
    k.limitReset = seed.limitReset;
    k.includeByokInLimit = seed.includeByokInLimit;
    k.usage = seed.usage;
    k.usageDaily = seed.usageDaily;
    k.usageWeekly = seed.usageWeekly;
    k.usageMonthly = seed.usageMonthly;
    k.createdAt = seed.createdAt.isValid() ? seed.createdAt : now();
    k.expiresAt = seed.expiresAt;
    k.creatorUserId = seed.creatorUserId;
    k.workspaceId = seed.workspaceId.isEmpty() ? QString(DefaultWorkspaceId) : seed.workspaceId;
    m_indexByHash.insert(k.hash, int(m_keys.size()));
    m_hashBySecret.insert(plain, k.hash);
    m_keys.append({k, plain});
    if (secret)
        *secret = plain;
    return present(k);
}

ApiKey FakeOpenRouter::addKeyFirst(const KeySeed &seed)
{
    const ApiKey k = addKey(seed);
    m_keys.move(m_keys.size() - 1, 0);
    m_indexByHash.clear();
    for (int j = 0; j < m_keys.size(); ++j)
        m_indexByHash.insert(m_keys.at(j).key.hash, j);
    return k;
}

void FakeOpenRouter::addGeneratedKeys(int count, const QString &namePrefix)
{
    const QDateTime base = now().addDays(-400);
    m_keys.reserve(m_keys.size() + count);
    for (int i = 0; i < count; ++i) {
        KeySeed s;
        s.name = u"%1-%2"_s.arg(namePrefix).arg(i, 5, 10, QLatin1Char('0'));
        s.createdAt = base.addSecs(i * 60);
        if (i % 3 == 0) {
            s.limit = 10.0 + (i % 50);
            s.limitReset = LimitReset::Monthly;
        }
        s.usage = (i % 97) * 0.37;
        s.usageMonthly = s.usage / 3;
        s.usageWeekly = s.usageMonthly / 4;
        s.usageDaily = s.usageWeekly / 7;
        s.disabled = i % 17 == 0;
        addKey(s);
    }
}

void FakeOpenRouter::spendOnEveryKey(double usd)
{
    for (StoredKey &s : m_keys) {
        s.key.usage += usd;
        s.key.usageDaily += usd;
        s.key.usageWeekly += usd;
        s.key.usageMonthly += usd;
    }
}

ApiKeyList FakeOpenRouter::keys() const
{
    ApiKeyList out;
    out.reserve(m_keys.size());
    for (const StoredKey &s : m_keys)
        out << present(s.key);
    return out;
}

std::optional<ApiKey> FakeOpenRouter::key(const QString &hash) const
{
    const int i = m_indexByHash.value(hash, -1);
    if (i < 0)
        return std::nullopt;
    return present(m_keys.at(i).key);
}

ApiKey FakeOpenRouter::present(const ApiKey &key) const
{
    ApiKey k = key;
    if (!k.limit) {
        k.limitRemaining = std::nullopt;
        return k;
    }
    double spent = k.usage;
    switch (k.limitReset) {
    case LimitReset::Daily: spent = k.usageDaily; break;
    case LimitReset::Weekly: spent = k.usageWeekly; break;
    case LimitReset::Monthly: spent = k.usageMonthly; break;
    case LimitReset::None: break;
    }
    k.limitRemaining = std::max(0.0, *k.limit - spent);
    return k;
}

void FakeOpenRouter::setCredits(double totalCredits, double totalUsage)
{
    m_credits = {totalCredits, totalUsage};
}

void FakeOpenRouter::addActivity(const QString &keyHash, const ActivityItem &item)
{
    m_activity.append({keyHash, item});
}

void FakeOpenRouter::setModels(const QList<ModelInfo> &models)
{
    m_models = models;
}

void FakeOpenRouter::setOrganizationMembers(const QList<OrgMember> &members)
{
    m_members = members;
}

int FakeOpenRouter::countRequests(const QByteArray &method, const QString &pathPrefix) const
{
    int n = 0;
    for (const Recorded &r : m_requests)
        n += (r.method == method && r.path.startsWith(pathPrefix)) ? 1 : 0;
    return n;
}

void FakeOpenRouter::failNext(const QByteArray &method, const QString &pathPrefix, const Fault &fault, int times, int skip)
{
    m_faults.append({method, pathPrefix, fault, times, skip});
}

FakeOpenRouter::Fault FakeOpenRouter::errorFault(int status, const QString &message)
{
    Fault f;
    f.status = status;
    f.body = QJsonDocument(QJsonObject{{"error"_L1, QJsonObject{{"code"_L1, status}, {"message"_L1, message}}}})
                 .toJson(QJsonDocument::Compact);
    return f;
}

FakeOpenRouter::Fault FakeOpenRouter::slowFault(int delayMs)
{
    Fault f;
    f.slow = true;
    f.delayMs = delayMs;
    return f;
}

FakeOpenRouter::Reply FakeOpenRouter::error(int status, const QString &message)
{
    return json(status, QJsonObject{{"error"_L1, QJsonObject{{"code"_L1, status}, {"message"_L1, message}}}});
}

FakeOpenRouter::Reply FakeOpenRouter::json(int status, const QJsonObject &body)
{
    Reply r;
    r.status = status;
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

namespace {
QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    default: return "OTHER";
    }
}

void writeReply(QHttpServerResponder &responder, int status, const QByteArray &body,
                const QList<std::pair<QByteArray, QByteArray>> &headers, qint64 advertisedLength = -1)
{
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    const bool typed = std::any_of(headers.cbegin(), headers.cend(), [](const auto &h) { return h.first == "Content-Type"; });
    if (!typed)
        responder.writeHeader("Content-Type", "application/json");
    responder.writeHeader("Content-Length", QByteArray::number(advertisedLength >= 0 ? advertisedLength : body.size()));
    for (const auto &[name, value] : headers)
        responder.writeHeader(name, value);
    responder.writeBody(body);
}
} // namespace

bool FakeOpenRouter::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // The responder writes status line, headers and body separately; without TCP_NODELAY, Nagle's
    // algorithm meets the client's delayed ACK and every answer waits ~40 ms on loopback.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    QString path = request.url().path();
    const QByteArray method = methodName(request.method());
    if (path.startsWith(ApiPrefix))
        path = path.mid(ApiPrefix.size());
    if (path == "/_fake/requests"_L1) { // the test's window on what the fake received; not recorded
        send(request, socket, recordedInference());
        return true;
    }
    if (path.startsWith("/_fake/hooks/"_L1)) { // the demo's webhook receiver; not an OpenRouter request
        m_hookBodies.append({path.mid(13), request.body()});
        send(request, socket, Reply{200, "ok", {{"Content-Type", "text/plain"}}, {}, 0});
        return true;
    }
    m_requests.append({method, path, request.query(), request.body(), request.value("Authorization"),
                       request.value("HTTP-Referer"), request.value("X-OpenRouter-Title"), request.value("x-api-key")});
    if (m_requests.size() > 10'000)
        m_requests.removeFirst();

    for (int i = 0; i < m_faults.size(); ++i) {
        QueuedFault &q = m_faults[i];
        if (q.method != method || !path.startsWith(q.pathPrefix))
            continue;
        if (q.skip > 0) {
            --q.skip;
            break; // this request passes; later ones may not
        }
        const Fault fault = q.fault;
        if (--q.remaining <= 0)
            m_faults.removeAt(i);
        if (fault.slow) {
            Reply late = dispatch(request, path);
            late.delayMs = std::max(late.delayMs, fault.delayMs);
            send(request, socket, late);
            return true;
        }
        if (fault.applyFirst)
            dispatch(request, path); // the change happens; only its answer is lost
        if (fault.hang)
            return true; // keep the connection open and never answer
        if (fault.closeWithoutAnswer) {
            socket->abort();
            return true;
        }
        QPointer<QTcpSocket> guard(socket);
        if (fault.dripMs > 0) {
            // Headers at once, then the body a byte at a time: the server never stalls long
            // enough to look dead, but the whole answer takes ages.
            QByteArray head = "HTTP/1.1 " + QByteArray::number(fault.status) + " OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + QByteArray::number(fault.body.size()) + "\r\n\r\n";
            socket->write(head);
            auto *timer = new QTimer(socket);
            auto sent = std::make_shared<qsizetype>(0);
            connect(timer, &QTimer::timeout, socket, [guard, timer, sent, body = fault.body] {
                if (!guard || *sent >= body.size()) {
                    timer->stop();
                    return;
                }
                guard->write(body.mid(*sent, 1));
                ++*sent;
            });
            timer->start(fault.dripMs);
            return true;
        }
        auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
        auto send = [responder, fault, guard] {
            if (!guard)
                return;
            writeReply(*responder, fault.status, fault.body, fault.headers,
                       fault.truncate ? fault.body.size() + 4096 : -1);
            if (fault.truncate) {
                guard->flush();
                guard->disconnectFromHost();
            }
        };
        if (fault.delayMs > 0)
            QTimer::singleShot(fault.delayMs, socket, send);
        else
            send();
        return true;
    }

    send(request, socket, dispatch(request, path));
    return true;
}

void FakeOpenRouter::send(const QHttpServerRequest &request, QTcpSocket *socket, const Reply &reply)
{
    if (reply.delayMs <= 0) {
        QHttpServerResponder responder = makeResponder(request, socket);
        writeReply(responder, reply.status, reply.body + reply.end, reply.headers);
        return;
    }
    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    if (reply.end.isEmpty()) {
        QTimer::singleShot(reply.delayMs, socket, [responder, reply] {
            writeReply(*responder, reply.status, reply.body, reply.headers);
        });
        return;
    }
    // Chunked, so the first part reaches the client now and the length need not be known yet.
    auto chunk = [](const QByteArray &data) {
        return data.isEmpty() ? QByteArray() : QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
    };
    responder->writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    responder->writeHeader("Transfer-Encoding", "chunked");
    for (const auto &[name, value] : reply.headers)
        responder->writeHeader(name, value);
    responder->writeBody(chunk(reply.body));
    socket->flush();
    const QByteArray end = chunk(reply.end) + "0\r\n\r\n";
    QTimer::singleShot(reply.delayMs, socket, [responder, end] { responder->writeBody(end); });
}

void FakeOpenRouter::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    const Reply r = error(404, u"Not Found"_s);
    writeReply(responder, r.status, r.body, r.headers);
}

FakeOpenRouter::Caller FakeOpenRouter::authenticate(const QHttpServerRequest &request, QString *apiKeyHash) const
{
    const QByteArray header = request.value("Authorization");
    if (header.isEmpty())
        return Caller::None;
    if (!header.startsWith("Bearer "))
        return Caller::Unknown;
    const QString token = QString::fromUtf8(header.mid(7)).trimmed();
    if (!m_managementKey.isEmpty() && token == m_managementKey)
        return Caller::Management;
    if (!m_chatKey.isEmpty() && token == m_chatKey) {
        *apiKeyHash = u"chat-key"_s;
        return Caller::ApiKey;
    }
    const QString hash = m_hashBySecret.value(token);
    if (hash.isEmpty() || !m_indexByHash.contains(hash))
        return Caller::Unknown;
    *apiKeyHash = hash;
    return m_keys.at(m_indexByHash.value(hash)).key.disabled ? Caller::DisabledApiKey : Caller::ApiKey;
}

FakeOpenRouter::Reply FakeOpenRouter::dispatch(const QHttpServerRequest &request, const QString &path)
{
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    const auto m = request.method();
    using M = QHttpServerRequest::Method;

    if (parts == QStringList{u"models"_s} && m == M::Get)
        return models(); // public, like the real endpoint

    const std::optional<Api> api = m == M::Post ? inferenceApiOf(parts) : std::nullopt;
    // /messages refuses in Anthropic's shape, its clients read no other.
    auto refuse = [&api](int status, const QString &message) {
        return api ? apiError(*api, status, message) : error(status, message);
    };
    QString apiKeyHash;
    const Caller caller = authenticate(request, &apiKeyHash);
    if (caller == Caller::None)
        return refuse(401, u"Missing Authentication header"_s);
    if (caller == Caller::Unknown)
        return refuse(401, u"User not found."_s);
    if (caller == Caller::DisabledApiKey)
        return refuse(401, u"User is disabled"_s);

    if (parts == QStringList{u"key"_s} && m == M::Get)
        return currentKey(caller, apiKeyHash);
    if (api) {
        if (caller == Caller::Management)
            return refuse(403, u"Management keys cannot be used for completions"_s);
        return inference(*api, request, apiKeyHash);
    }
    if (parts == QStringList{u"generation"_s} && m == M::Get)
        return generation(request.query());

    static const QStringList managementRoots{u"keys"_s, u"credits"_s, u"activity"_s, u"guardrails"_s,
                                             u"organization"_s, u"analytics"_s, u"workspaces"_s};
    if (parts.isEmpty() || !managementRoots.contains(parts.first()))
        return error(404, u"Not Found"_s);
    if (caller != Caller::Management)
        return error(403, u"Only management keys can perform this operation"_s);

    const QString root = parts.first();
    if (root == "keys"_L1) {
        if (parts.size() == 1 && m == M::Get)
            return listKeys(request.query());
        if (parts.size() == 1 && m == M::Post)
            return createKey(request.body());
        if (parts.size() == 2) {
            const QString hash = parts.at(1);
            if (m == M::Get) {
                const std::optional<ApiKey> k = key(hash);
                return k ? json(200, {{"data"_L1, json::toJson(*k)}}) : error(404, u"API key not found"_s);
            }
            if (m == M::Patch)
                return updateKey(hash, request.body());
            if (m == M::Delete)
                return deleteKey(hash);
        }
        return error(405, u"Method Not Allowed"_s);
    }
    if (root == "credits"_L1 && parts.size() == 1 && m == M::Get)
        return json(200, {{"data"_L1, QJsonObject{{"total_credits"_L1, m_credits.totalCredits},
                                                  {"total_usage"_L1, m_credits.totalUsage}}}});
    if (root == "activity"_L1 && parts.size() == 1 && m == M::Get)
        return activity(request.query());
    if (parts == QStringList{u"analytics"_s, u"query"_s} && m == M::Post) {
        if (m_analyticsRefusal != 0)
            return error(m_analyticsRefusal, m_analyticsRefusal == 403 ? u"Analytics is not available for this account"_s
                                                                      : u"Not Found"_s);
        return analyticsQuery(request.body());
    }
    if (root == "guardrails"_L1)
        return guardrails(request, parts);
    if (root == "workspaces"_L1)
        return workspaces(request, parts);
    if (parts == QStringList{u"organization"_s, u"members"_s} && m == M::Get)
        return organizationMembers(request.query());
    return error(404, u"Not Found"_s);
}

namespace {
// Reads an optional non-negative integer query parameter; false when present but malformed.
bool queryInt(const QUrlQuery &query, const QString &name, int defaultValue, int *out)
{
    *out = defaultValue;
    if (!query.hasQueryItem(name))
        return true;
    bool ok = false;
    const int v = query.queryItemValue(name).toInt(&ok);
    if (!ok || v < 0)
        return false;
    *out = v;
    return true;
}

// Validates the body fields shared by create and update; returns an error message or empty.
QString checkKeyFields(const QJsonObject &o)
{
    if (o.contains("limit"_L1)) {
        const QJsonValue v = o.value("limit"_L1);
        if (!v.isNull() && !v.isDouble())
            return u"limit: Expected number, received %1"_s.arg(v.isString() ? u"string"_s : u"other"_s);
        if (v.isDouble() && (v.toDouble() < 0 || !std::isfinite(v.toDouble())))
            return u"limit: Number must be greater than or equal to 0"_s;
    }
    if (o.contains("limit_reset"_L1)) {
        const QJsonValue v = o.value("limit_reset"_L1);
        const QString s = v.toString();
        if (!v.isNull() && !(v.isString() && (s == "daily"_L1 || s == "weekly"_L1 || s == "monthly"_L1)))
            return u"limit_reset: Invalid enum value. Expected 'daily' | 'weekly' | 'monthly'"_s;
    }
    if (o.contains("include_byok_in_limit"_L1) && !o.value("include_byok_in_limit"_L1).isBool())
        return u"include_byok_in_limit: Expected boolean"_s;
    if (o.contains("disabled"_L1) && !o.value("disabled"_L1).isBool())
        return u"disabled: Expected boolean"_s;
    if (o.contains("name"_L1) && !o.value("name"_L1).isString())
        return u"name: Expected string"_s;
    return {};
}
} // namespace

FakeOpenRouter::Reply FakeOpenRouter::listKeys(const QUrlQuery &query)
{
    int offset = 0;
    if (!queryInt(query, u"offset"_s, 0, &offset))
        return error(400, u"offset: Expected a non-negative integer"_s);
    const QString inc = query.queryItemValue(u"include_disabled"_s);
    if (query.hasQueryItem(u"include_disabled"_s) && inc != "true"_L1 && inc != "false"_L1)
        return error(400, u"include_disabled: Expected 'true' or 'false'"_s);
    const bool includeDisabled = inc == "true"_L1;
    QJsonArray page;
    int seen = 0;
    for (const StoredKey &s : std::as_const(m_keys)) {
        if (!includeDisabled && s.key.disabled)
            continue;
        if (seen++ < offset)
            continue;
        page.append(json::toJson(present(s.key)));
        if (page.size() == PageSize)
            break;
    }
    return json(200, {{"data"_L1, page}});
}

FakeOpenRouter::Reply FakeOpenRouter::createKey(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return error(400, u"Invalid JSON body"_s);
    const QJsonObject o = doc.object();
    if (!o.value("name"_L1).isString() || o.value("name"_L1).toString().isEmpty())
        return error(400, u"name: String must contain at least 1 character(s)"_s);
    if (const QString e = checkKeyFields(o); !e.isEmpty())
        return error(400, e);
    KeySeed seed;
    seed.name = o.value("name"_L1).toString();
    if (o.value("limit"_L1).isDouble())
        seed.limit = o.value("limit"_L1).toDouble();
    seed.limitReset = limitResetFromString(o.value("limit_reset"_L1).toString()).value_or(LimitReset::None);
    seed.includeByokInLimit = o.value("include_byok_in_limit"_L1).toBool();
    // An organization key made for a member by an admin: theirs, so their guardrails bind it.
    seed.creatorUserId = o.value("creator_user_id"_L1).toString();
    if (o.contains("workspace_id"_L1) && !o.value("workspace_id"_L1).isNull()) {
        const int ws = workspaceIndex(o.value("workspace_id"_L1).toString());
        if (ws < 0)
            return error(404, u"Workspace not found"_s);
        seed.workspaceId = m_workspaces.at(ws).workspace.id;
    }
    if (o.contains("expires_at"_L1) && !o.value("expires_at"_L1).isNull()) {
        const QString s = o.value("expires_at"_L1).toString();
        const QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
        // Like the real service: UTC only, and not in the past.
        if (!dt.isValid() || !(s.endsWith(u'Z') || s.endsWith("+00:00"_L1)))
            return error(400, u"expires_at: Must be an ISO 8601 UTC timestamp"_s);
        if (dt <= now())
            return error(400, u"expires_at: Expiration must be in the future"_s);
        seed.expiresAt = dt.toUTC();
    }
    QString secret;
    const ApiKey created = addKey(seed, &secret);
    return json(201, {{"data"_L1, json::toJson(created)}, {"key"_L1, secret}});
}

FakeOpenRouter::Reply FakeOpenRouter::updateKey(const QString &hash, const QByteArray &body)
{
    const int i = m_indexByHash.value(hash, -1);
    if (i < 0)
        return error(404, u"API key not found"_s);
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return error(400, u"Invalid JSON body"_s);
    const QJsonObject o = doc.object();
    if (const QString e = checkKeyFields(o); !e.isEmpty())
        return error(400, e);
    ApiKey &k = m_keys[i].key;
    if (o.contains("name"_L1))
        k.name = o.value("name"_L1).toString();
    if (o.contains("disabled"_L1))
        k.disabled = o.value("disabled"_L1).toBool();
    if (o.contains("limit"_L1))
        k.limit = o.value("limit"_L1).isNull() ? std::nullopt : std::optional<double>(o.value("limit"_L1).toDouble());
    if (o.contains("limit_reset"_L1))
        k.limitReset = limitResetFromString(o.value("limit_reset"_L1).toString()).value_or(LimitReset::None);
    if (o.contains("include_byok_in_limit"_L1))
        k.includeByokInLimit = o.value("include_byok_in_limit"_L1).toBool();
    k.updatedAt = now();
    return json(200, {{"data"_L1, json::toJson(present(k))}});
}

FakeOpenRouter::Reply FakeOpenRouter::deleteKey(const QString &hash)
{
    const int i = m_indexByHash.value(hash, -1);
    if (i < 0)
        return error(404, u"API key not found"_s);
    m_hashBySecret.remove(m_keys.at(i).secret);
    m_keys.removeAt(i);
    m_guardrailOfKey.remove(hash);
    m_indexByHash.clear();
    for (int j = 0; j < m_keys.size(); ++j)
        m_indexByHash.insert(m_keys.at(j).key.hash, j);
    return json(200, {{"deleted"_L1, true}});
}

FakeOpenRouter::Reply FakeOpenRouter::currentKey(Caller caller, const QString &apiKeyHash)
{
    QJsonObject data{{"label"_L1, caller == Caller::Management ? u"sk-or-v1-mgm...key"_s : QString()},
                     {"is_management_key"_L1, caller == Caller::Management},
                     {"is_provisioning_key"_L1, caller == Caller::Management},
                     {"is_free_tier"_L1, false},
                     {"limit"_L1, QJsonValue::Null},
                     {"limit_remaining"_L1, QJsonValue::Null},
                     {"limit_reset"_L1, QJsonValue::Null},
                     {"include_byok_in_limit"_L1, false},
                     {"usage"_L1, 0},
                     {"usage_daily"_L1, 0},
                     {"usage_weekly"_L1, 0},
                     {"usage_monthly"_L1, 0},
                     {"byok_usage"_L1, 0},
                     {"byok_usage_daily"_L1, 0},
                     {"byok_usage_weekly"_L1, 0},
                     {"byok_usage_monthly"_L1, 0},
                     {"rate_limit"_L1, QJsonObject{{"requests"_L1, 1000}, {"interval"_L1, u"1h"_s}}}};
    if (caller == Caller::ApiKey) {
        const ApiKey k = present(m_keys.at(m_indexByHash.value(apiKeyHash)).key);
        const QJsonObject kj = json::toJson(k);
        for (const char *f : {"label", "limit", "limit_remaining", "limit_reset", "usage", "usage_daily",
                              "usage_weekly", "usage_monthly", "expires_at"})
            data.insert(QLatin1StringView(f), kj.value(QLatin1StringView(f)));
    }
    return json(200, {{"data"_L1, data}});
}

namespace {
const QString NoUsageModel = u"test/no-usage"_s;
const QString SlowUsageModel = u"test/slow-usage"_s;
const QString UpstreamErrorModel = u"test/upstream-error"_s;
const QString LeakyErrorModel = u"test/leaky-error"_s;
constexpr int PromptTokens = 12;
constexpr int CompletionTokens = 5;

// One generation's answer, for every API to word in its own shape.
struct Answer
{
    QString id;
    QString model;
    QString text;
    qint64 created = 0;
    std::optional<double> cost; // none: the answer carries no cost (test/no-usage)

    // A stream sends the text in two deltas, so a client has to join them.
    QString head() const { return text.left(5); }
    QString tail() const { return text.mid(5); }
};

// What an API answers: `whole` when not streamed; streamed, `text` up to the last of the text,
// then `end` (the usage and the stream's close), which test/slow-usage holds back.
struct Parts
{
    QJsonObject whole;
    QByteArray text;
    QByteArray end;
};

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray sseData(const QJsonObject &o)
{
    return "data: " + compact(o) + "\n\n";
}

QByteArray sseEvent(const QString &name, const QJsonObject &o)
{
    return "event: " + name.toUtf8() + "\n" + sseData(o);
}

const QByteArray SseDone = "data: [DONE]\n\n";

QJsonObject openAiUsage(const Answer &a)
{
    return {{"prompt_tokens"_L1, PromptTokens},
            {"completion_tokens"_L1, CompletionTokens},
            {"total_tokens"_L1, PromptTokens + CompletionTokens},
            {"cost"_L1, *a.cost}};
}

Parts chatParts(const Answer &a)
{
    Parts p;
    p.whole = {{"id"_L1, a.id},
               {"object"_L1, u"chat.completion"_s},
               {"created"_L1, a.created},
               {"model"_L1, a.model},
               {"provider"_L1, u"Fake"_s},
               {"choices"_L1, QJsonArray{QJsonObject{{"index"_L1, 0},
                                                     {"message"_L1, QJsonObject{{"role"_L1, u"assistant"_s}, {"content"_L1, a.text}}},
                                                     {"finish_reason"_L1, u"stop"_s}}}}};
    if (a.cost)
        p.whole.insert("usage"_L1, openAiUsage(a));
    auto chunk = [&a](const QJsonObject &delta, const QJsonValue &finish, bool withUsage) {
        QJsonObject c{{"id"_L1, a.id}, {"object"_L1, u"chat.completion.chunk"_s}, {"created"_L1, a.created}, {"model"_L1, a.model},
                      {"choices"_L1, QJsonArray{QJsonObject{{"index"_L1, 0}, {"delta"_L1, delta}, {"finish_reason"_L1, finish}}}}};
        if (withUsage)
            c.insert("usage"_L1, openAiUsage(a));
        return sseData(c);
    };
    // As OpenRouter streams: a keep-alive comment, the deltas, a last chunk with the usage.
    p.text = ": OPENROUTER PROCESSING\n\n";
    p.text += chunk({{"role"_L1, u"assistant"_s}, {"content"_L1, a.head()}}, QJsonValue::Null, false);
    p.text += chunk({{"content"_L1, a.tail()}}, QJsonValue::Null, false);
    p.end = chunk({}, u"stop"_s, a.cost.has_value()) + SseDone;
    return p;
}

Parts completionParts(const Answer &a)
{
    auto body = [&a](const QString &text, const QJsonValue &finish) {
        return QJsonObject{{"id"_L1, a.id}, {"object"_L1, u"text_completion"_s}, {"created"_L1, a.created}, {"model"_L1, a.model},
                           {"provider"_L1, u"Fake"_s},
                           {"choices"_L1, QJsonArray{QJsonObject{{"text"_L1, text}, {"index"_L1, 0}, {"logprobs"_L1, QJsonValue::Null},
                                                                 {"finish_reason"_L1, finish}}}}};
    };
    Parts p;
    p.whole = body(a.text, u"stop"_s);
    QJsonObject last = body(QString(), u"stop"_s);
    if (a.cost) {
        p.whole.insert("usage"_L1, openAiUsage(a));
        last.insert("usage"_L1, openAiUsage(a));
    }
    p.text = sseData(body(a.head(), QJsonValue::Null)) + sseData(body(a.tail(), QJsonValue::Null));
    p.end = sseData(last) + SseDone;
    return p;
}

// A deterministic vector per input; its values are exact in float32, so the base64 encoding
// (float32 little-endian, what the openai SDK asks for by default) and the float list agree.
QList<float> embeddingOf(const QByteArray &input)
{
    const QByteArray digest = QCryptographicHash::hash(input, QCryptographicHash::Sha256);
    QList<float> v;
    for (int i = 0; i < 8; ++i)
        v << (float(quint8(digest.at(i))) - 128.0f) / 128.0f;
    return v;
}

Parts embeddingParts(const Answer &a, const QList<QByteArray> &inputs, bool base64)
{
    QJsonArray data;
    for (int i = 0; i < inputs.size(); ++i) {
        const QList<float> v = embeddingOf(inputs.at(i));
        QJsonValue embedding;
        if (base64) {
            QByteArray raw;
            for (const float f : v) {
                const quint32 bits = std::bit_cast<quint32>(f);
                for (int b = 0; b < 4; ++b)
                    raw.append(char((bits >> (8 * b)) & 0xff));
            }
            embedding = QString::fromLatin1(raw.toBase64());
        } else {
            QJsonArray list;
            for (const float f : v)
                list.append(double(f));
            embedding = list;
        }
        data.append(QJsonObject{{"object"_L1, u"embedding"_s}, {"index"_L1, i}, {"embedding"_L1, embedding}});
    }
    Parts p;
    p.whole = {{"object"_L1, u"list"_s}, {"data"_L1, data}, {"model"_L1, a.model}, {"id"_L1, a.id}};
    if (a.cost) {
        const int tokens = PromptTokens * int(inputs.size());
        p.whole.insert("usage"_L1, QJsonObject{{"prompt_tokens"_L1, tokens}, {"total_tokens"_L1, tokens}, {"cost"_L1, *a.cost}});
    }
    return p;
}

QJsonObject outputText(const QString &text)
{
    return {{"type"_L1, u"output_text"_s}, {"text"_L1, text}, {"annotations"_L1, QJsonArray()}, {"logprobs"_L1, QJsonArray()}};
}

// OpenAI's Responses objects, with every field the spec requires (the SDKs read some of them).
Parts responseParts(const Answer &a)
{
    const QString itemId = u"msg_"_s + a.id;
    auto message = [&](bool done) {
        return QJsonObject{{"type"_L1, u"message"_s}, {"id"_L1, itemId}, {"role"_L1, u"assistant"_s},
                           {"status"_L1, done ? u"completed"_s : u"in_progress"_s},
                           {"content"_L1, done ? QJsonArray{outputText(a.text)} : QJsonArray()}};
    };
    auto response = [&](bool done) {
        QJsonObject r{{"id"_L1, a.id}, {"object"_L1, u"response"_s}, {"created_at"_L1, a.created},
                      {"completed_at"_L1, done ? QJsonValue(a.created) : QJsonValue(QJsonValue::Null)},
                      {"model"_L1, a.model}, {"status"_L1, done ? u"completed"_s : u"in_progress"_s},
                      {"error"_L1, QJsonValue::Null}, {"incomplete_details"_L1, QJsonValue::Null},
                      {"instructions"_L1, QJsonValue::Null}, {"metadata"_L1, QJsonObject()},
                      {"frequency_penalty"_L1, QJsonValue::Null}, {"presence_penalty"_L1, QJsonValue::Null},
                      {"temperature"_L1, QJsonValue::Null}, {"top_p"_L1, QJsonValue::Null},
                      {"parallel_tool_calls"_L1, true}, {"tool_choice"_L1, u"auto"_s}, {"tools"_L1, QJsonArray()},
                      {"output"_L1, done ? QJsonArray{message(true)} : QJsonArray()}};
        if (!done)
            r.insert("usage"_L1, QJsonValue::Null);
        else if (a.cost)
            r.insert("usage"_L1, QJsonObject{{"input_tokens"_L1, PromptTokens},
                                             {"input_tokens_details"_L1, QJsonObject{{"cached_tokens"_L1, 0}}},
                                             {"output_tokens"_L1, CompletionTokens},
                                             {"output_tokens_details"_L1, QJsonObject{{"reasoning_tokens"_L1, 0}}},
                                             {"total_tokens"_L1, PromptTokens + CompletionTokens},
                                             {"cost"_L1, *a.cost}});
        return r;
    };
    int sequence = 0;
    auto event = [&sequence](const QString &type, QJsonObject o) {
        o.insert("type"_L1, type);
        o.insert("sequence_number"_L1, sequence++);
        return sseEvent(type, o);
    };
    auto inPart = [&itemId](QJsonObject o) {
        o.insert("item_id"_L1, itemId);
        o.insert("output_index"_L1, 0);
        o.insert("content_index"_L1, 0);
        return o;
    };
    Parts p;
    p.whole = response(true);
    p.text = event(u"response.created"_s, {{"response"_L1, response(false)}});
    p.text += event(u"response.in_progress"_s, {{"response"_L1, response(false)}});
    p.text += event(u"response.output_item.added"_s, {{"output_index"_L1, 0}, {"item"_L1, message(false)}});
    p.text += event(u"response.content_part.added"_s, inPart({{"part"_L1, outputText(QString())}}));
    for (const QString &delta : {a.head(), a.tail()})
        p.text += event(u"response.output_text.delta"_s, inPart({{"delta"_L1, delta}, {"logprobs"_L1, QJsonArray()}}));
    p.text += event(u"response.output_text.done"_s, inPart({{"text"_L1, a.text}, {"logprobs"_L1, QJsonArray()}}));
    p.text += event(u"response.content_part.done"_s, inPart({{"part"_L1, outputText(a.text)}}));
    p.text += event(u"response.output_item.done"_s, {{"output_index"_L1, 0}, {"item"_L1, message(true)}});
    // OpenRouter ends its Responses stream with [DONE] (the spec's sentinel); OpenAI does not.
    p.end = event(u"response.completed"_s, {{"response"_L1, response(true)}}) + SseDone;
    return p;
}

QJsonObject anthropicUsage(int outputTokens, std::optional<double> cost)
{
    QJsonObject u{{"input_tokens"_L1, PromptTokens}, {"output_tokens"_L1, outputTokens},
                  {"cache_creation_input_tokens"_L1, QJsonValue::Null}, {"cache_read_input_tokens"_L1, QJsonValue::Null},
                  {"cache_creation"_L1, QJsonValue::Null}, {"inference_geo"_L1, QJsonValue::Null},
                  {"output_tokens_details"_L1, QJsonValue::Null}, {"server_tool_use"_L1, QJsonValue::Null},
                  {"service_tier"_L1, u"standard"_s}};
    if (cost)
        u.insert("cost"_L1, *cost);
    return u;
}

// Anthropic's Messages; the usage stays even without a cost, as the schema and the SDK need it.
Parts messageParts(const Answer &a)
{
    auto message = [&a](const QJsonArray &content, const QJsonValue &stopReason, const QJsonObject &usage) {
        return QJsonObject{{"id"_L1, a.id}, {"type"_L1, u"message"_s}, {"role"_L1, u"assistant"_s}, {"model"_L1, a.model},
                           {"content"_L1, content}, {"stop_reason"_L1, stopReason}, {"stop_sequence"_L1, QJsonValue::Null},
                           {"stop_details"_L1, QJsonValue::Null}, {"container"_L1, QJsonValue::Null}, {"usage"_L1, usage}};
    };
    auto event = [](const QString &type, QJsonObject o) {
        o.insert("type"_L1, type);
        return sseEvent(type, o);
    };
    Parts p;
    p.whole = message({QJsonObject{{"type"_L1, u"text"_s}, {"text"_L1, a.text}, {"citations"_L1, QJsonValue::Null}}},
                      u"end_turn"_s, anthropicUsage(CompletionTokens, a.cost));
    // The cost comes once, in message_delta: message_start only announces the input tokens.
    p.text = event(u"message_start"_s, {{"message"_L1, message({}, QJsonValue::Null, anthropicUsage(1, std::nullopt))}});
    p.text += event(u"content_block_start"_s,
                    {{"index"_L1, 0}, {"content_block"_L1, QJsonObject{{"type"_L1, u"text"_s}, {"text"_L1, QString()}}}});
    p.text += event(u"ping"_s, {});
    for (const QString &delta : {a.head(), a.tail()})
        p.text += event(u"content_block_delta"_s,
                        {{"index"_L1, 0}, {"delta"_L1, QJsonObject{{"type"_L1, u"text_delta"_s}, {"text"_L1, delta}}}});
    p.text += event(u"content_block_stop"_s, {{"index"_L1, 0}});
    QJsonObject usage = anthropicUsage(CompletionTokens, a.cost);
    usage.remove("cache_creation"_L1);
    usage.remove("inference_geo"_L1);
    usage.remove("service_tier"_L1);
    // Anthropic's stream has no [DONE]: message_stop ends it.
    p.end = event(u"message_delta"_s,
                  {{"delta"_L1, QJsonObject{{"stop_reason"_L1, u"end_turn"_s}, {"stop_sequence"_L1, QJsonValue::Null},
                                            {"stop_details"_L1, QJsonValue::Null}, {"container"_L1, QJsonValue::Null}}},
                   {"usage"_L1, usage}});
    p.end += event(u"message_stop"_s, {});
    return p;
}

// The inputs an embeddings request asks for, one per vector; empty when it names none.
QList<QByteArray> embeddingInputs(const QJsonValue &input)
{
    if (input.isString())
        return input.toString().isEmpty() ? QList<QByteArray>() : QList<QByteArray>{input.toString().toUtf8()};
    const QJsonArray list = input.toArray();
    if (list.isEmpty())
        return {};
    if (list.first().isDouble()) // one input given as token ids
        return {QJsonDocument(list).toJson(QJsonDocument::Compact)};
    QList<QByteArray> out;
    for (const QJsonValue v : list) {
        if (v.isString())
            out << v.toString().toUtf8();
        else if (v.isArray())
            out << QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
        else
            out << QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    }
    return out;
}
} // namespace

std::optional<FakeOpenRouter::Api> FakeOpenRouter::inferenceApiOf(const QStringList &pathParts)
{
    const QString path = pathParts.join(u'/');
    if (path == "chat/completions"_L1)
        return Api::ChatCompletions;
    if (path == "completions"_L1)
        return Api::Completions;
    if (path == "embeddings"_L1)
        return Api::Embeddings;
    if (path == "responses"_L1)
        return Api::Responses;
    if (path == "messages"_L1)
        return Api::Messages;
    return std::nullopt;
}

FakeOpenRouter::Reply FakeOpenRouter::apiError(Api api, int status, const QString &message, const QJsonObject &metadata)
{
    if (api != Api::Messages) {
        QJsonObject e{{"code"_L1, status}, {"message"_L1, message}};
        if (!metadata.isEmpty())
            e.insert("metadata"_L1, metadata);
        return json(status, {{"error"_L1, e}});
    }
    QString type = u"api_error"_s;
    switch (status) {
    case 400: type = u"invalid_request_error"_s; break;
    case 401: type = u"authentication_error"_s; break;
    case 402: type = u"billing_error"_s; break;
    case 403: type = u"permission_error"_s; break;
    case 404: type = u"not_found_error"_s; break;
    case 429: type = u"rate_limit_error"_s; break;
    case 504: case 524: type = u"timeout_error"_s; break;
    case 529: type = u"overloaded_error"_s; break;
    default: break;
    }
    return json(status, {{"type"_L1, u"error"_s},
                         {"error"_L1, QJsonObject{{"type"_L1, type}, {"message"_L1, message}}},
                         {"request_id"_L1, QJsonValue::Null}});
}

double FakeOpenRouter::spentWithin(const ApiKey &k, LimitReset interval)
{
    switch (interval) {
    case LimitReset::Daily: return k.usageDaily;
    case LimitReset::Weekly: return k.usageWeekly;
    case LimitReset::Monthly: return k.usageMonthly;
    case LimitReset::None: break;
    }
    return k.usage;
}

std::optional<FakeOpenRouter::Reply> FakeOpenRouter::guardrailRefusal(Api api, const QString &keyHash, const QString &model) const
{
    const int index = m_indexByHash.value(keyHash, -1);
    if (index < 0)
        return std::nullopt;
    const ApiKey &key = m_keys.at(index).key;
    // What binds this request, as OpenRouter checks it: the key's guardrail (its own spend) and
    // each guardrail its owner is assigned to as a person (their spend across all their keys).
    struct Binding
    {
        const Guardrail *guardrail;
        double spent;
        QString scope;
    };
    QList<Binding> bindings;
    for (const Guardrail &g : m_guardrails) {
        if (m_guardrailOfKey.value(keyHash) == g.id)
            bindings << Binding{&g, spentWithin(key, g.resetInterval), u"api_key"_s};
        if (!key.creatorUserId.isEmpty() && m_memberAssignments.contains({g.id, key.creatorUserId})) {
            double spent = 0;
            for (const StoredKey &other : m_keys) {
                if (other.key.creatorUserId == key.creatorUserId)
                    spent += spentWithin(other.key, g.resetInterval);
            }
            bindings << Binding{&g, spent, u"member"_s};
        }
    }
    for (const Binding &b : bindings) {
        if (b.guardrail->allowedModels && !b.guardrail->allowedModels->contains(model))
            return apiError(api, 403, u"Model %1 is not allowed by guardrail \"%2\""_s.arg(model, b.guardrail->name));
        if (b.guardrail->limitUsd && b.spent >= *b.guardrail->limitUsd)
            return apiError(api, 402, u"Guardrail \"%1\" budget of $%2 reached"_s.arg(b.guardrail->name).arg(*b.guardrail->limitUsd),
                            {{"limit_source"_L1, b.scope}});
    }
    return std::nullopt;
}

FakeOpenRouter::Reply FakeOpenRouter::inference(Api api, const QHttpServerRequest &request, const QString &keyHash)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
    if (!doc.isObject())
        return apiError(api, 400, u"Invalid JSON: "_s + parseError.errorString());
    const QJsonObject in = doc.object();
    const QString model = in.value("model"_L1).toString();
    if (model.isEmpty())
        return apiError(api, 400, u"model: Required"_s);
    const QList<QByteArray> inputs = api == Api::Embeddings ? embeddingInputs(in.value("input"_L1)) : QList<QByteArray>();
    if ((api == Api::ChatCompletions || api == Api::Messages) && !in.value("messages"_L1).isArray())
        return apiError(api, 400, u"messages: Required"_s);
    if (api == Api::Completions && !in.value("prompt"_L1).isString() && !in.value("prompt"_L1).isArray())
        return apiError(api, 400, u"prompt: Required"_s);
    if (api == Api::Embeddings && inputs.isEmpty())
        return apiError(api, 400, u"input: Required"_s);
    if (model == UpstreamErrorModel)
        return apiError(api, 502, u"Provider returned error"_s, {{"provider_name"_L1, u"Fake"_s}});
    if (model == LeakyErrorModel) {
        const QByteArray authorization = request.value("Authorization");
        Reply r = apiError(api, 400, u"Invalid request for key %1"_s.arg(QString::fromUtf8(authorization)));
        r.headers = {{"X-Upstream-Secret", authorization}, {"Set-Cookie", "a=b"}};
        return r;
    }

    if (std::optional<Reply> refused = guardrailRefusal(api, keyHash, model))
        return *refused;

    const bool stream = api != Api::Embeddings && in.value("stream"_L1).toBool();
    // The key pays, as on OpenRouter: its counters (and so its owner's guardrails) see the spend.
    if (const int index = m_indexByHash.value(keyHash, -1); index >= 0 && model != NoUsageModel) {
        ApiKey &k = m_keys[index].key;
        for (double *counter : {&k.usage, &k.usageDaily, &k.usageWeekly, &k.usageMonthly})
            *counter += m_chatCost;
    }
    Generation g;
    g.model = model;
    g.cost = m_chatCost;
    g.api = api;
    g.streamed = stream;
    g.createdAt = now();
    g.user = api == Api::Messages ? in.value("metadata"_L1).toObject().value("user_id"_L1).toString()
                                  : in.value("user"_L1).toString();
    g.referer = QString::fromUtf8(request.value("HTTP-Referer"));
    g.hiddenLookups = model == NoUsageModel ? 1 : 0;
    const QString id = u"gen-%1"_s.arg(++m_generationSerial);
    m_generations.insert(id, g);

    Answer a;
    a.id = id;
    a.model = model;
    a.text = u"Hello from %1."_s.arg(model);
    a.created = g.createdAt.toSecsSinceEpoch();
    if (model != NoUsageModel)
        a.cost = m_chatCost;
    Parts parts;
    switch (api) {
    case Api::ChatCompletions: parts = chatParts(a); break;
    case Api::Completions: parts = completionParts(a); break;
    case Api::Embeddings:
        parts = embeddingParts(a, inputs, in.value("encoding_format"_L1).toString() == "base64"_L1);
        break;
    case Api::Responses: parts = responseParts(a); break;
    case Api::Messages: parts = messageParts(a); break;
    }
    Reply r;
    if (stream) {
        r.body = parts.text;
        r.end = parts.end;
        r.headers = {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
    } else {
        r.body = compact(parts.whole);
    }
    if (model == SlowUsageModel)
        r.delayMs = SlowUsageDelayMs;
    return r;
}

FakeOpenRouter::Reply FakeOpenRouter::generation(const QUrlQuery &query)
{
    const QString id = query.queryItemValue(u"id"_s);
    if (id.isEmpty())
        return error(400, u"id: Required"_s);
    m_generationLookups << id;
    const auto it = m_generations.find(id);
    if (it == m_generations.end())
        return error(404, u"Generation %1 not found"_s.arg(id));
    if (it->hiddenLookups > 0) {
        --it->hiddenLookups;
        return error(404, u"Generation %1 not found"_s.arg(id));
    }
    const Generation &g = *it;
    const QJsonValue null = QJsonValue::Null;
    QJsonObject data{{"id"_L1, id},
                     {"model"_L1, g.model},
                     {"total_cost"_L1, g.cost},
                     {"usage"_L1, g.cost},
                     {"created_at"_L1, g.createdAt.toUTC().toString(Qt::ISODateWithMs)},
                     {"api_type"_L1, g.api == Api::Embeddings ? u"embeddings"_s : u"completions"_s},
                     {"streamed"_L1, g.streamed},
                     {"cancelled"_L1, false},
                     {"is_byok"_L1, false},
                     {"external_user"_L1, g.user.isEmpty() ? null : QJsonValue(g.user)},
                     {"http_referer"_L1, g.referer.isEmpty() ? null : QJsonValue(g.referer)},
                     {"origin"_L1, g.referer},
                     {"data_region"_L1, u"global"_s},
                     {"provider_name"_L1, u"Fake"_s},
                     {"finish_reason"_L1, u"stop"_s},
                     {"native_finish_reason"_L1, u"stop"_s},
                     {"tokens_prompt"_L1, PromptTokens},
                     {"tokens_completion"_L1, g.api == Api::Embeddings ? 0 : CompletionTokens},
                     {"native_tokens_prompt"_L1, PromptTokens},
                     {"native_tokens_completion"_L1, g.api == Api::Embeddings ? 0 : CompletionTokens},
                     {"native_tokens_cached"_L1, 0},
                     {"native_tokens_reasoning"_L1, 0},
                     {"native_tokens_completion_images"_L1, 0},
                     {"num_fetches"_L1, 0},
                     {"num_input_audio_prompt"_L1, 0},
                     {"num_media_completion"_L1, 0},
                     {"num_media_prompt"_L1, 0},
                     {"num_search_results"_L1, 0},
                     {"generation_time"_L1, 0},
                     {"latency"_L1, 0},
                     {"moderation_latency"_L1, null},
                     {"app_id"_L1, null},
                     {"cache_discount"_L1, null},
                     {"preset_id"_L1, null},
                     {"provider_responses"_L1, null},
                     {"request_id"_L1, QString(u"req-"_s + id)},
                     {"router"_L1, null},
                     {"service_tier"_L1, null},
                     {"session_id"_L1, null},
                     {"upstream_id"_L1, null},
                     {"upstream_inference_cost"_L1, null},
                     {"user_agent"_L1, null},
                     {"web_search_engine"_L1, null},
                     {"workspace_id"_L1, null}};
    return json(200, {{"data"_L1, data}});
}

FakeOpenRouter::Reply FakeOpenRouter::recordedInference() const
{
    QJsonArray out;
    for (const Recorded &r : m_requests) {
        if (r.method != "POST" || !inferenceApiOf(r.path.split(u'/', Qt::SkipEmptyParts)))
            continue;
        out.append(QJsonObject{{"path"_L1, r.path},
                               {"authorization"_L1, QString::fromUtf8(r.authorization)},
                               {"api_key"_L1, QString::fromUtf8(r.apiKey)},
                               {"referer"_L1, QString::fromUtf8(r.referer)},
                               {"title"_L1, QString::fromUtf8(r.title)},
                               {"body"_L1, QJsonDocument::fromJson(r.body).object()}});
    }
    return json(200, {{"data"_L1, out}, {"generation_lookups"_L1, QJsonArray::fromStringList(m_generationLookups)}});
}

FakeOpenRouter::Reply FakeOpenRouter::activity(const QUrlQuery &query)
{
    // The last 30 completed UTC days: today is excluded, as on the real service.
    const QDate today = now().toUTC().date();
    const QDate first = today.addDays(-30);
    QDate only;
    if (query.hasQueryItem(u"date"_s)) {
        only = QDate::fromString(query.queryItemValue(u"date"_s), Qt::ISODate);
        if (!only.isValid())
            return error(400, u"date: Expected YYYY-MM-DD"_s);
        if (only < first || only >= today)
            return error(400, u"date: Must be within the last 30 completed UTC days"_s);
    }
    const QString keyFilter = query.queryItemValue(u"api_key_hash"_s);
    // A user's activity is that of the keys they made (creator_user_id).
    const QString userFilter = query.queryItemValue(u"user_id"_s);
    // Rows are per (date, model, endpoint); without a key filter the keys' rows are summed.
    QMap<std::tuple<QDate, QString, QString>, ActivityItem> rows;
    for (const auto &[hash, item] : m_activity) {
        if (item.date < first || item.date >= today || (only.isValid() && item.date != only))
            continue;
        if (!keyFilter.isEmpty() && hash != keyFilter)
            continue;
        if (!userFilter.isEmpty()) {
            const std::optional<ApiKey> k = key(hash);
            if (!k || k->creatorUserId != userFilter)
                continue;
        }
        ActivityItem &row = rows[{item.date, item.model, item.endpointId}];
        if (row.model.isEmpty()) {
            row = item;
            continue;
        }
        row.usage += item.usage;
        row.byokUsageInference += item.byokUsageInference;
        row.requests += item.requests;
        row.promptTokens += item.promptTokens;
        row.completionTokens += item.completionTokens;
        row.reasoningTokens += item.reasoningTokens;
    }
    QJsonArray data;
    for (const ActivityItem &a : std::as_const(rows)) {
        data.append(QJsonObject{{"date"_L1, a.date.toString(Qt::ISODate)},
                                {"model"_L1, a.model},
                                {"model_permaslug"_L1, a.modelPermaslug},
                                {"endpoint_id"_L1, a.endpointId},
                                {"provider_name"_L1, a.providerName},
                                {"usage"_L1, a.usage},
                                {"byok_usage_inference"_L1, a.byokUsageInference},
                                {"requests"_L1, a.requests},
                                {"prompt_tokens"_L1, a.promptTokens},
                                {"completion_tokens"_L1, a.completionTokens},
                                {"reasoning_tokens"_L1, a.reasoningTokens}});
    }
    return json(200, {{"data"_L1, data}});
}

FakeOpenRouter::Reply FakeOpenRouter::analyticsQuery(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return error(400, u"Invalid request parameters"_s);
    const QJsonObject o = doc.object();
    static const QStringList knownMetrics{u"total_cost"_s, u"request_count"_s, u"prompt_tokens"_s, u"completion_tokens"_s};
    static const QStringList knownDimensions{u"model"_s, u"provider"_s, u"api_key_id"_s, u"user"_s};
    QStringList metrics, dimensions;
    for (const QJsonValue v : o.value("metrics"_L1).toArray()) {
        if (!knownMetrics.contains(v.toString()))
            return error(400, u"metrics: unknown metric %1"_s.arg(v.toString()));
        metrics << v.toString();
    }
    if (metrics.isEmpty())
        return error(400, u"metrics: at least one metric is required"_s);
    for (const QJsonValue v : o.value("dimensions"_L1).toArray()) {
        if (!knownDimensions.contains(v.toString()))
            return error(400, u"dimensions: unknown dimension %1"_s.arg(v.toString()));
        dimensions << v.toString();
    }
    if (dimensions.size() > 2)
        return error(400, u"dimensions: at most 2"_s);
    if (o.value("granularity"_L1).toString() != "day"_L1)
        return error(400, u"granularity: this fake knows day only"_s);
    const QJsonObject range = o.value("time_range"_L1).toObject();
    const QDateTime start = QDateTime::fromString(range.value("start"_L1).toString(), Qt::ISODate);
    const QDateTime end = QDateTime::fromString(range.value("end"_L1).toString(), Qt::ISODate);
    if (!start.isValid() || !end.isValid() || end < start)
        return error(400, u"time_range: start and end must be date-times, start first"_s);
    const int limit = o.value("limit"_L1).toInt(1000);
    if (limit < 1)
        return error(400, u"limit: must be positive"_s);
    const QDate first = start.toUTC().date();
    const QDate last = end.toUTC().date(); // exclusive: buckets are whole days starting at start

    struct Sums
    {
        double cost = 0;
        qint64 requests = 0, prompt = 0, completion = 0;
    };
    // (day, first dimension, second dimension) → sums; QMap keeps the answer ordered by day.
    QMap<std::tuple<QDate, QString, QString>, Sums> buckets;
    for (const auto &[hash, item] : m_activity) {
        if (item.date < first || item.date >= last)
            continue;
        QStringList values;
        for (const QString &d : std::as_const(dimensions)) {
            if (d == "model"_L1)
                values << item.model;
            else if (d == "provider"_L1)
                values << item.providerName;
            else if (d == "api_key_id"_L1)
                values << hash;
            else {
                const std::optional<ApiKey> k = key(hash);
                values << (k ? k->creatorUserId : QString());
            }
        }
        Sums &sum = buckets[{item.date, values.value(0), values.value(1)}];
        sum.cost += item.usage;
        sum.requests += item.requests;
        sum.prompt += item.promptTokens;
        sum.completion += item.completionTokens;
    }
    const int cap = std::min(limit, m_analyticsRowCap);
    QJsonArray data;
    for (auto it = buckets.cbegin(); it != buckets.cend() && data.size() < cap; ++it) {
        QJsonObject row;
        row.insert("date__day"_L1, QString(std::get<0>(it.key()).toString(Qt::ISODate) + u"T00:00:00.000Z"_s));
        for (qsizetype i = 0; i < dimensions.size(); ++i) {
            const QString value = i == 0 ? std::get<1>(it.key()) : std::get<2>(it.key());
            // No provider or no creator is OpenRouter's unset bucket: null.
            row.insert(dimensions.at(i), value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value));
        }
        const Sums &sum = it.value();
        for (const QString &m : std::as_const(metrics)) {
            if (m == "total_cost"_L1)
                row.insert(m, sum.cost);
            else if (m == "request_count"_L1)
                row.insert(m, sum.requests);
            else if (m == "prompt_tokens"_L1)
                row.insert(m, sum.prompt);
            else
                row.insert(m, sum.completion);
        }
        data.append(row);
    }
    const bool truncated = buckets.size() > data.size();
    return json(200, {{"data"_L1, QJsonObject{{"data"_L1, data},
                                              {"metadata"_L1, QJsonObject{{"query_time_ms"_L1, 1},
                                                                          {"row_count"_L1, data.size()},
                                                                          {"truncated"_L1, truncated}}}}}});
}

FakeOpenRouter::Reply FakeOpenRouter::models()
{
    QJsonArray data;
    for (const ModelInfo &m : std::as_const(m_models)) {
        data.append(QJsonObject{
            {"id"_L1, m.id},
            {"canonical_slug"_L1, m.id},
            {"name"_L1, m.name},
            {"created"_L1, 1692901234},
            {"context_length"_L1, m.contextLength},
            {"pricing"_L1, QJsonObject{{"prompt"_L1, QString::number(m.promptPrice.value_or(0), 'g', 12)},
                                       {"completion"_L1, QString::number(m.completionPrice.value_or(0), 'g', 12)},
                                       {"request"_L1, u"0"_s},
                                       {"image"_L1, u"0"_s}}},
        });
    }
    return json(200, {{"data"_L1, data}});
}

FakeOpenRouter::Reply FakeOpenRouter::guardrails(const QHttpServerRequest &request, const QStringList &parts)
{
    using M = QHttpServerRequest::Method;
    const auto m = request.method();
    auto findIndex = [this](const QString &id) {
        for (int i = 0; i < m_guardrails.size(); ++i) {
            if (m_guardrails.at(i).id == id)
                return i;
        }
        return -1;
    };
    auto applySpec = [](Guardrail &g, const QJsonObject &o) -> QString {
        if (o.contains("name"_L1)) {
            if (!o.value("name"_L1).isString() || o.value("name"_L1).toString().isEmpty())
                return u"name: String must contain at least 1 character(s)"_s;
            g.name = o.value("name"_L1).toString();
        }
        if (o.contains("description"_L1))
            g.description = o.value("description"_L1).toString();
        if (o.contains("limit_usd"_L1)) {
            const QJsonValue v = o.value("limit_usd"_L1);
            if (!v.isNull() && (!v.isDouble() || v.toDouble() < 0))
                return u"limit_usd: Expected a non-negative number"_s;
            g.limitUsd = v.isNull() ? std::nullopt : std::optional<double>(v.toDouble());
        }
        if (o.contains("reset_interval"_L1)) {
            const QJsonValue v = o.value("reset_interval"_L1);
            const auto r = limitResetFromString(v.toString());
            if (!v.isNull() && (!v.isString() || !r || *r == LimitReset::None))
                return u"reset_interval: Invalid enum value"_s;
            g.resetInterval = r.value_or(LimitReset::None);
        }
        if (o.contains("allowed_models"_L1)) {
            const QJsonValue v = o.value("allowed_models"_L1);
            if (v.isNull()) {
                g.allowedModels = std::nullopt;
            } else if (!v.isArray() || v.toArray().isEmpty()) {
                return u"allowed_models: Array must contain at least 1 element(s)"_s;
            } else {
                QStringList list;
                for (const QJsonValue item : v.toArray())
                    list << item.toString();
                g.allowedModels = list;
            }
        }
        return {};
    };
    auto body = [&request]() { return QJsonDocument::fromJson(request.body()); };

    if (parts.size() == 1 && m == M::Get) {
        int offset = 0, limit = 50;
        if (!queryInt(request.query(), u"offset"_s, 0, &offset) || !queryInt(request.query(), u"limit"_s, 50, &limit)
            || limit < 1 || limit > 100)
            return error(400, u"Invalid pagination parameters"_s);
        QJsonArray data;
        for (int i = offset; i < m_guardrails.size() && data.size() < limit; ++i)
            data.append(json::toJson(m_guardrails.at(i)));
        return json(200, {{"data"_L1, data}, {"total_count"_L1, m_guardrails.size()}});
    }
    if (parts.size() == 1 && m == M::Post) {
        const QJsonDocument doc = body();
        if (!doc.isObject() || !doc.object().contains("name"_L1))
            return error(400, u"name: Required"_s);
        Guardrail g;
        g.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        g.createdAt = now();
        if (const QString e = applySpec(g, doc.object()); !e.isEmpty())
            return error(400, e);
        m_guardrails << g;
        return json(201, {{"data"_L1, json::toJson(g)}});
    }
    if (parts.size() == 3 && parts.at(1) == "assignments"_L1 && parts.at(2) == "keys"_L1 && m == M::Get) {
        QJsonArray data;
        for (auto it = m_guardrailOfKey.cbegin(); it != m_guardrailOfKey.cend(); ++it) {
            const std::optional<ApiKey> k = key(it.key());
            data.append(QJsonObject{{"id"_L1, QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                    {"guardrail_id"_L1, it.value()},
                                    {"key_hash"_L1, it.key()},
                                    {"key_name"_L1, k ? k->name : QString()},
                                    {"key_label"_L1, k ? k->label : QString()},
                                    {"assigned_by"_L1, QJsonValue::Null},
                                    {"created_at"_L1, json::isoUtc(now())}});
        }
        return json(200, {{"data"_L1, data}, {"total_count"_L1, data.size()}});
    }
    if (parts.size() == 3 && parts.at(1) == "assignments"_L1 && parts.at(2) == "members"_L1 && m == M::Get) {
        int offset = 0, limit = 50;
        if (!queryInt(request.query(), u"offset"_s, 0, &offset) || !queryInt(request.query(), u"limit"_s, 50, &limit)
            || limit < 1 || limit > 100)
            return error(400, u"Invalid pagination parameters"_s);
        QJsonArray data;
        for (qsizetype i = offset; i < m_memberAssignments.size() && data.size() < limit; ++i)
            data.append(memberAssignmentJson(m_memberAssignments.at(i)));
        return json(200, {{"data"_L1, data}, {"total_count"_L1, m_memberAssignments.size()}});
    }
    if (parts.size() < 2)
        return error(405, u"Method Not Allowed"_s);
    const int index = findIndex(parts.at(1));
    if (index < 0)
        return error(404, u"Guardrail not found"_s);
    Guardrail &g = m_guardrails[index];
    if (parts.size() == 2) {
        if (m == M::Get)
            return json(200, {{"data"_L1, json::toJson(g)}});
        if (m == M::Patch) {
            const QJsonDocument doc = body();
            if (!doc.isObject())
                return error(400, u"Invalid JSON body"_s);
            Guardrail changed = g;
            if (const QString e = applySpec(changed, doc.object()); !e.isEmpty())
                return error(400, e);
            changed.updatedAt = now();
            g = changed;
            return json(200, {{"data"_L1, json::toJson(g)}});
        }
        if (m == M::Delete) {
            const QString id = g.id;
            m_guardrails.removeAt(index);
            for (auto it = m_guardrailOfKey.begin(); it != m_guardrailOfKey.end();)
                it = it.value() == id ? m_guardrailOfKey.erase(it) : std::next(it);
            m_memberAssignments.removeIf([&id](const std::pair<QString, QString> &a) { return a.first == id; });
            return json(200, {{"deleted"_L1, true}});
        }
    }
    if (parts.size() >= 4 && parts.at(2) == "assignments"_L1 && parts.at(3) == "keys"_L1 && m == M::Post) {
        const bool remove = parts.size() == 5 && parts.at(4) == "remove"_L1;
        const QJsonArray hashes = body().object().value("key_hashes"_L1).toArray();
        if (hashes.isEmpty())
            return error(400, u"key_hashes: Array must contain at least 1 element(s)"_s);
        int n = 0;
        for (const QJsonValue v : hashes) {
            const QString h = v.toString();
            if (!m_indexByHash.contains(h))
                continue;
            if (remove) {
                if (m_guardrailOfKey.value(h) == g.id) {
                    m_guardrailOfKey.remove(h);
                    ++n;
                }
            } else {
                m_guardrailOfKey.insert(h, g.id);
                ++n;
            }
        }
        return json(200, {{remove ? "unassigned_count"_L1 : "assigned_count"_L1, n}});
    }
    if (parts.size() >= 4 && parts.at(2) == "assignments"_L1 && parts.at(3) == "members"_L1 && m == M::Post) {
        const bool remove = parts.size() == 5 && parts.at(4) == "remove"_L1;
        const QJsonArray users = body().object().value("member_user_ids"_L1).toArray();
        if (users.isEmpty())
            return error(400, u"member_user_ids: Array must contain at least 1 element(s)"_s);
        int n = 0;
        for (const QJsonValue v : users) {
            const QString user = v.toString();
            const bool known = std::any_of(m_members.cbegin(), m_members.cend(), [&user](const OrgMember &om) { return om.id == user; });
            if (!known && !remove) // taking off someone who left is nothing to do; binding them is an error
                return error(400, u"User %1 is not a member of this organization"_s.arg(user));
            const std::pair<QString, QString> a{g.id, user};
            if (remove && m_memberAssignments.removeAll(a) > 0) {
                ++n;
            } else if (!remove && !m_memberAssignments.contains(a)) {
                m_memberAssignments << a;
                ++n;
            }
        }
        return json(200, {{remove ? "unassigned_count"_L1 : "assigned_count"_L1, n}});
    }
    if (parts.size() == 4 && parts.at(2) == "assignments"_L1 && parts.at(3) == "members"_L1 && m == M::Get) {
        QJsonArray data;
        for (const auto &a : std::as_const(m_memberAssignments)) {
            if (a.first == g.id)
                data.append(memberAssignmentJson(a));
        }
        return json(200, {{"data"_L1, data}, {"total_count"_L1, data.size()}});
    }
    if (parts.size() == 4 && parts.at(2) == "assignments"_L1 && parts.at(3) == "keys"_L1 && m == M::Get) {
        QJsonArray data;
        for (auto it = m_guardrailOfKey.cbegin(); it != m_guardrailOfKey.cend(); ++it) {
            if (it.value() == g.id)
                data.append(QJsonObject{{"guardrail_id"_L1, g.id}, {"key_hash"_L1, it.key()}});
        }
        return json(200, {{"data"_L1, data}, {"total_count"_L1, data.size()}});
    }
    return error(405, u"Method Not Allowed"_s);
}

QJsonObject FakeOpenRouter::memberAssignmentJson(const std::pair<QString, QString> &assignment) const
{
    // A stable id per pair, so a listing read twice names each assignment alike.
    const QString id = QUuid::createUuidV5(QUuid(), assignment.first + u'/' + assignment.second).toString(QUuid::WithoutBraces);
    return QJsonObject{{"id"_L1, id},
                       {"guardrail_id"_L1, assignment.first},
                       {"user_id"_L1, assignment.second},
                       {"organization_id"_L1, u"org_fake"_s},
                       {"assigned_by"_L1, QJsonValue::Null},
                       {"created_at"_L1, json::isoUtc(now())}};
}

FakeOpenRouter::Reply FakeOpenRouter::organizationMembers(const QUrlQuery &query)
{
    int offset = 0, limit = 50;
    if (!queryInt(query, u"offset"_s, 0, &offset) || !queryInt(query, u"limit"_s, 50, &limit) || limit < 1
        || limit > 100)
        return error(400, u"Invalid pagination parameters"_s);
    QJsonArray data;
    for (int i = offset; i < m_members.size() && data.size() < limit; ++i) {
        const OrgMember &mem = m_members.at(i);
        data.append(QJsonObject{{"id"_L1, mem.id},
                                {"email"_L1, mem.email},
                                {"first_name"_L1, mem.firstName},
                                {"last_name"_L1, mem.lastName},
                                {"role"_L1, mem.role}});
    }
    return json(200, {{"data"_L1, data}, {"total_count"_L1, m_members.size()}});
}

void FakeOpenRouter::addWorkspace(const FakeWorkspace &workspace)
{
    FakeWorkspace w = workspace;
    if (w.workspace.id.isEmpty())
        w.workspace.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!w.workspace.createdAt.isValid())
        w.workspace.createdAt = now();
    m_workspaces << w;
}

int FakeOpenRouter::workspaceIndex(const QString &idOrSlug) const
{
    for (int i = 0; i < m_workspaces.size(); ++i) {
        const Workspace &w = m_workspaces.at(i).workspace;
        if (w.id == idOrSlug || w.slug == idOrSlug)
            return i;
    }
    return -1;
}

FakeOpenRouter::Reply FakeOpenRouter::workspaces(const QHttpServerRequest &request, const QStringList &parts)
{
    using M = QHttpServerRequest::Method;
    const auto m = request.method();
    const QJsonDocument doc = QJsonDocument::fromJson(request.body());
    const QJsonObject body = doc.object();
    auto page = [&request](const auto &items, auto toJsonOne) -> Reply {
        int offset = 0, limit = 50;
        if (!queryInt(request.query(), u"offset"_s, 0, &offset) || !queryInt(request.query(), u"limit"_s, 50, &limit)
            || limit < 1 || limit > 100)
            return error(400, u"Invalid pagination parameters"_s);
        QJsonArray data;
        for (qsizetype i = offset; i < items.size() && data.size() < limit; ++i)
            data.append(toJsonOne(items.at(i)));
        return json(200, {{"data"_L1, data}, {"total_count"_L1, items.size()}});
    };
    // name and slug as the spec constrains them; `required` for a create.
    auto checkNaming = [this](const QJsonObject &o, bool required, int self) -> QString {
        if (required && (!o.contains("name"_L1) || !o.contains("slug"_L1)))
            return u"name and slug: Required"_s;
        if (o.contains("name"_L1)) {
            const QString n = o.value("name"_L1).toString();
            if (!o.value("name"_L1).isString() || n.isEmpty() || n.size() > 100)
                return u"name: String must contain between 1 and 100 character(s)"_s;
        }
        if (o.contains("slug"_L1)) {
            const QString slug = o.value("slug"_L1).toString();
            if (!o.value("slug"_L1).isString() || !isValidWorkspaceSlug(slug))
                return u"slug: Invalid"_s;
            const int other = workspaceIndex(slug);
            if (other >= 0 && other != self)
                return u"slug: A workspace with this slug already exists"_s;
        }
        return {};
    };

    if (parts.size() == 1 && m == M::Get) {
        return page(m_workspaces, [](const FakeWorkspace &w) { return json::toJson(w.workspace); });
    }
    if (parts.size() == 1 && m == M::Post) {
        if (!doc.isObject())
            return error(400, u"Invalid JSON body"_s);
        if (const QString e = checkNaming(body, true, -1); !e.isEmpty())
            return error(400, e);
        FakeWorkspace w;
        w.workspace.name = body.value("name"_L1).toString();
        w.workspace.slug = body.value("slug"_L1).toString();
        w.workspace.description = body.value("description"_L1).toString();
        addWorkspace(w);
        return json(201, {{"data"_L1, json::toJson(m_workspaces.constLast().workspace)}});
    }
    if (parts.size() < 2)
        return error(405, u"Method Not Allowed"_s);
    const int index = workspaceIndex(parts.at(1));
    if (index < 0)
        return error(404, u"Workspace not found"_s);
    FakeWorkspace &w = m_workspaces[index];
    const bool isDefault = w.workspace.id == DefaultWorkspaceId;
    if (parts.size() == 2) {
        if (m == M::Get)
            return json(200, {{"data"_L1, json::toJson(w.workspace)}});
        if (m == M::Patch) {
            if (!doc.isObject())
                return error(400, u"Invalid JSON body"_s);
            if (const QString e = checkNaming(body, false, index); !e.isEmpty())
                return error(400, e);
            if (body.contains("name"_L1))
                w.workspace.name = body.value("name"_L1).toString();
            if (body.contains("slug"_L1))
                w.workspace.slug = body.value("slug"_L1).toString();
            if (body.contains("description"_L1))
                w.workspace.description = body.value("description"_L1).toString();
            return json(200, {{"data"_L1, json::toJson(w.workspace)}});
        }
        return error(405, u"Method Not Allowed"_s);
    }
    const QString id = w.workspace.id;
    if (parts.at(2) == "budgets"_L1) {
        if (parts.size() == 3 && m == M::Get) {
            QJsonArray data;
            for (const WorkspaceBudget &b : std::as_const(w.budgets))
                data.append(json::toJson(b, id));
            return json(200, {{"data"_L1, data}, {"include_byok_in_budgets"_L1, false}});
        }
        if (parts.size() != 4)
            return error(405, u"Method Not Allowed"_s);
        const std::optional<WorkspaceInterval> interval = workspaceIntervalFromString(parts.at(3));
        if (!interval || parts.at(3) != workspaceIntervalName(*interval))
            return error(400, u"interval: Invalid enum value"_s);
        const qsizetype at = std::find_if(w.budgets.cbegin(), w.budgets.cend(),
                                          [&](const WorkspaceBudget &b) { return b.interval == *interval; })
            - w.budgets.cbegin();
        const bool exists = at < w.budgets.size();
        if (m == M::Get)
            return exists ? json(200, {{"data"_L1, json::toJson(w.budgets.at(at), id)}, {"include_byok_in_budgets"_L1, false}})
                          : error(404, u"Budget not found"_s);
        if (m == M::Delete) {
            // As the spec says: deleted, or there was none.
            if (exists)
                w.budgets.removeAt(at);
            return json(200, {{"deleted"_L1, true}});
        }
        if (m == M::Put) {
            const QJsonValue limit = body.value("limit_usd"_L1);
            if (!limit.isDouble() || !(limit.toDouble() > 0))
                return error(400, u"limit_usd: Number must be greater than 0"_s);
            QList<WorkspaceBudget> after = w.budgets;
            if (exists)
                after[at].limitUsd = limit.toDouble();
            else
                after << WorkspaceBudget{*interval, limit.toDouble()};
            // OpenRouter's rule, checked on each call: lifetime > monthly > weekly > daily.
            if (const QString e = workspaceBudgetsProblem(after); !e.isEmpty())
                return error(400, u"Budget limits must strictly decrease as the interval narrows"_s);
            w.budgets = after;
            const WorkspaceBudget saved = exists ? after.at(at) : after.constLast();
            return json(200, {{"data"_L1, json::toJson(saved, id)}, {"include_byok_in_budgets"_L1, false}});
        }
        return error(405, u"Method Not Allowed"_s);
    }
    if (parts.at(2) == "members"_L1) {
        QStringList members = w.members;
        if (isDefault) {
            members.clear();
            for (const OrgMember &o : std::as_const(m_members))
                members << o.id;
        }
        auto memberJson = [&id, this](const QString &userId) {
            QString role = u"member"_s;
            for (const OrgMember &o : std::as_const(m_members)) {
                if (o.id == userId && o.role == "org:admin"_L1)
                    role = u"admin"_s;
            }
            return QJsonObject{{"id"_L1, QUuid::createUuidV5(QUuid(), id + userId).toString(QUuid::WithoutBraces)},
                               {"workspace_id"_L1, id},
                               {"user_id"_L1, userId},
                               {"role"_L1, role},
                               {"created_at"_L1, json::isoUtc(now())}};
        };
        if (parts.size() == 3 && m == M::Get)
            return page(members, memberJson);
        if (parts.size() != 4 || m != M::Post || (parts.at(3) != "add"_L1 && parts.at(3) != "remove"_L1))
            return error(405, u"Method Not Allowed"_s);
        const QJsonArray ids = body.value("user_ids"_L1).toArray();
        if (ids.isEmpty() || ids.size() > 100)
            return error(400, u"user_ids: Array must contain between 1 and 100 element(s)"_s);
        if (isDefault)
            return error(400, u"Everyone in the organization is in the default workspace"_s);
        QStringList userIds;
        for (const QJsonValue v : ids) {
            const QString userId = v.toString();
            if (std::none_of(m_members.cbegin(), m_members.cend(), [&](const OrgMember &o) { return o.id == userId; }))
                return error(400, u"User %1 is not a member of the organization"_s.arg(userId));
            userIds << userId;
        }
        if (parts.at(3) == "add"_L1) {
            QJsonArray added;
            for (const QString &userId : std::as_const(userIds)) {
                if (!w.members.contains(userId))
                    w.members << userId;
                added.append(memberJson(userId));
            }
            return json(200, {{"added_count"_L1, added.size()}, {"data"_L1, added}});
        }
        // Members with active API keys in the workspace cannot be removed.
        for (const QString &userId : std::as_const(userIds)) {
            for (const StoredKey &k : std::as_const(m_keys)) {
                if (k.key.workspaceId == id && k.key.creatorUserId == userId && !k.key.disabled)
                    return error(400, u"User %1 has active API keys in this workspace"_s.arg(userId));
            }
        }
        int removed = 0;
        for (const QString &userId : std::as_const(userIds))
            removed += w.members.removeAll(userId) > 0 ? 1 : 0;
        return json(200, {{"removed_count"_L1, removed}});
    }
    return error(404, u"Not Found"_s);
}

} // namespace orteam
