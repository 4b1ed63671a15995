#include "Gateway.h"

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

#include <memory>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcGateway, "orteam.gateway")

namespace orteam {

namespace {
const QByteArray Json = "application/json";

QByteArray errorBody(int status, const QString &message)
{
    // OpenRouter's error shape, so clients written for it read ours the same way.
    return QJsonDocument(QJsonObject{{"error"_L1, QJsonObject{{"code"_L1, status}, {"message"_L1, message}}}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

Gateway::Gateway(Store *store, QNetworkAccessManager *network, const Settings &settings, QObject *parent)
    : QObject(parent), m_store(store), m_network(network), m_settings(settings),
      m_http([this](HttpConnection *c, const HttpRequest &r) { handle(c, r); })
{
    m_day = today();
    QString error;
    if (!reload(&error))
        qCWarning(lcGateway).noquote() << "cannot read the team database:" << error;
    m_flushTimer.setInterval(m_settings.flushMs);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        QString e;
        if (!flush(&e))
            Q_EMIT problem(e);
    });
    m_flushTimer.start();
    m_reloadTimer.setInterval(m_settings.reloadMs);
    connect(&m_reloadTimer, &QTimer::timeout, this, [this] {
        QString e;
        if (!reload(&e))
            Q_EMIT problem(e);
    });
    m_reloadTimer.start();
}

Gateway::~Gateway()
{
    QString error;
    if (!flush(&error))
        qCWarning(lcGateway).noquote() << "usage not saved on exit:" << error;
}

bool Gateway::listen(const QHostAddress &address, quint16 port, QString *error)
{
    return m_http.listen(address, port, error);
}

GatewayStatus Gateway::status() const
{
    GatewayStatus s;
    s.updatedAt = m_clock().toUTC();
    s.listening = u"%1:%2"_s.arg(m_http.address().toString()).arg(m_http.port());
    s.requestsToday = m_requestsToday;
    s.refusalsToday = m_refusalsToday;
    for (int n : m_inFlight)
        s.inFlight += n;
    return s;
}

bool Gateway::reload(QString *error)
{
    // All of it, or none: a gateway that read the members but not the tiers would refuse (or
    // admit) by a half-read team. What it had stays in force until a reload succeeds.
    const Result<QHash<QString, QString>> tokens = m_store->governance().gatewayTokens();
    if (!tokens) {
        *error = tokens.errorText();
        return false;
    }
    const Result<QList<Member>> members = m_store->team().members();
    if (!members) {
        *error = members.errorText();
        return false;
    }
    const Result<QList<Tier>> tiers = m_store->team().tiers();
    if (!tiers) {
        *error = tiers.errorText();
        return false;
    }
    const QDate day = today();
    const Result<QHash<QString, MemberSpend>> spent = m_store->spend().memberSpend(day, day);
    if (!spent) {
        *error = spent.errorText();
        return false;
    }
    QHash<QString, Member> byName;
    for (const Member &m : *members)
        byName.insert(m.name, m);
    QHash<QString, double> spend;
    for (auto [name, s] : spent->asKeyValueRange())
        spend.insert(name, s.cost);
    m_tokens = *tokens;
    m_members = byName;
    m_tiers = *tiers;
    if (day == m_day)
        m_storedSpend = spend; // what this gateway flushed is in it; what it has not is in m_unflushed
    return true;
}

bool Gateway::flush(QString *error)
{
    if (!m_unflushed.isEmpty()) {
        if (const Status saved = m_store->usage().recordUsageBatch(m_day, m_unflushed); !saved) {
            *error = saved.errorText();
            return false; // kept in memory: the next flush tries again
        }
        for (auto [name, amount] : m_unflushed.asKeyValueRange())
            m_storedSpend[name] += amount.first;
        m_unflushed.clear();
    }
    // The dashboard shows this in its status bar (a team setting: every dashboard sees it). A
    // read-only or busy database must not stop the gateway serving: the status is a courtesy.
    if (const Status shown = m_store->governance().setSetting(GatewayStatus::settingName(), status().toJson()); !shown)
        qCDebug(lcGateway).noquote() << "status not shown:" << shown.errorText();
    return true;
}

void Gateway::rollDay()
{
    const QDate day = today();
    if (day == m_day)
        return;
    QString error;
    if (!flush(&error))
        Q_EMIT problem(error);
    m_day = day;
    m_storedSpend.clear();
    m_requestsToday = 0;
    m_refusalsToday = 0;
    if (!reload(&error))
        Q_EMIT problem(error);
}

double Gateway::spentToday(const QString &member) const
{
    return m_storedSpend.value(member) + m_unflushed.value(member).first;
}

void Gateway::record(const QString &member, double cost)
{
    auto &u = m_unflushed[member];
    u.first += cost;
    u.second += 1;
    Q_EMIT recorded(member, cost);
}

void Gateway::refuse(HttpConnection *connection, int status, const QString &message)
{
    ++m_refusalsToday;
    connection->respond(status, {{"Content-Type", Json}}, errorBody(status, message));
}

void Gateway::handle(HttpConnection *connection, const HttpRequest &request)
{
    rollDay();
    const QByteArray path = request.path();
    const bool isChat = path == "/api/v1/chat/completions";
    const bool isModels = path == "/api/v1/models";
    if (!isChat && !isModels)
        return connection->respond(404, {{"Content-Type", Json}}, errorBody(404, u"Not Found"_s));
    if ((isChat && request.method != "POST") || (isModels && request.method != "GET"))
        return connection->respond(405, {{"Content-Type", Json}}, errorBody(405, u"Method Not Allowed"_s));

    const QByteArray authorization = request.header("authorization");
    if (authorization.isEmpty())
        return refuse(connection, 401, u"Missing Authentication header: send your orteam gateway token as a Bearer token"_s);
    const QString token = QString::fromUtf8(authorization.startsWith("Bearer ") ? authorization.mid(7).trimmed() : QByteArray());
    const QString hash = GovernanceRepository::hashGatewayToken(token);
    if (!m_tokens.contains(hash) && token.startsWith(u"orgw-"_s)
        && (!m_lastTokenReload.isValid() || m_lastTokenReload.msecsTo(m_clock()) >= 1000)) {
        // A token made a moment ago (in the dashboard or the CLI) works at once: read the tokens
        // again, at most once a second, so made-up tokens cannot turn into a database load.
        m_lastTokenReload = m_clock();
        if (const Result<QHash<QString, QString>> fresh = m_store->governance().gatewayTokens()) {
            m_tokens = *fresh;
            QString error;
            if (fresh->contains(hash) && !m_members.contains(fresh->value(hash)) && !reload(&error))
                Q_EMIT problem(error); // a member added just now, too
        } else {
            // The tokens it had stay in force; the one asked about is refused below, and the
            // operator hears why it might have been wrongly refused.
            Q_EMIT problem(fresh.errorText());
        }
    }
    const QString name = m_tokens.value(hash);
    const auto member = m_members.constFind(name);
    if (name.isEmpty() || member == m_members.cend() || !member->active)
        return refuse(connection, 401, u"Unknown or revoked gateway token"_s);
    if (isModels)
        return models(connection, *member);
    chat(connection, request, *member);
}

void Gateway::chat(HttpConnection *connection, const HttpRequest &request, const Member &member)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (!doc.isObject())
        return refuse(connection, 400, u"The body must be a JSON object: "_s + parseError.errorString());
    QJsonObject body = doc.object();
    const QJsonValue modelValue = body.value("model"_L1);
    if (!modelValue.isString() || modelValue.toString().isEmpty())
        return refuse(connection, 400, u"\"model\" must be a model id such as openai/gpt-4o-mini"_s);
    const QString requested = modelValue.toString();

    // 1. The tier's model policy.
    const ModelDecision decision = applyModelPolicy(m_tiers, member.tier, requested);
    if (decision.outcome == ModelDecision::Outcome::Refused)
        return refuse(connection, 403, decision.reason);
    // 2. The daily budget.
    const std::optional<double> limit = effectiveDailyLimit(member, m_tiers);
    const double spent = spentToday(member.name);
    if (!withinDailyBudget(spent, limit))
        return refuse(connection, 402, u"%1 has spent %2 today (UTC), the whole daily budget of %3; it starts again at 00:00 UTC."_s
                                           .arg(member.name, formatUsd(spent), formatUsd(*limit)));
    // 3. Requests in flight: what bounds a budget overshoot under concurrency.
    int &inFlight = m_inFlight[member.name];
    if (inFlight >= m_settings.maxInFlight)
        return refuse(connection, 429, u"%1 already has %2 requests in flight (the most at once); try again when one ends."_s
                                           .arg(member.name)
                                           .arg(m_settings.maxInFlight));

    body.insert("model"_L1, decision.model);
    body.insert("user"_L1, member.name);
    const bool stream = body.value("stream"_L1).toBool();
    QUrl url = m_settings.upstream;
    url.setPath(url.path() + u"/chat/completions"_s);
    QNetworkRequest upstream(url);
    upstream.setRawHeader("Authorization", "Bearer " + m_settings.upstreamKey.toUtf8());
    upstream.setRawHeader("Content-Type", Json);
    upstream.setRawHeader("HTTP-Referer", m_settings.referer);
    const QByteArray title = (m_settings.appName + u':' + member.name).toUtf8();
    upstream.setRawHeader("X-OpenRouter-Title", title);
    upstream.setRawHeader("X-Title", title); // the older name of the same header
    upstream.setTransferTimeout(m_settings.upstreamTimeoutMs);
    HttpHeaders extra;
    if (decision.outcome == ModelDecision::Outcome::Downgraded) {
        extra.append({"X-Orteam-Model-Downgraded-From", requested.toUtf8()});
        extra.append({"X-Orteam-Model", decision.model.toUtf8()});
    }

    ++inFlight;
    ++m_requestsToday;
    QNetworkReply *reply = m_network->post(upstream, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QPointer<HttpConnection> client(connection);
    struct Exchange
    {
        bool streaming = false;
        QByteArray buffered;
        SseCost sse;
    };
    auto ex = std::make_shared<Exchange>();
    // The client hanging up abandons the upstream request (and frees its slot).
    connect(connection, &HttpConnection::closed, reply, &QNetworkReply::abort);
    connect(reply, &QNetworkReply::metaDataChanged, this, [reply, client, ex, stream, extra] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (!stream || status != 200 || ex->streaming || !client)
            return;
        ex->streaming = true;
        HttpHeaders headers{{"Content-Type", reply->rawHeader("Content-Type").isEmpty() ? QByteArray("text/event-stream")
                                                                                         : reply->rawHeader("Content-Type")},
                            {"Cache-Control", "no-cache"}};
        headers += extra;
        client->beginStream(200, headers);
    });
    connect(reply, &QNetworkReply::readyRead, this, [reply, client, ex] {
        const QByteArray data = reply->readAll();
        if (!ex->streaming) {
            ex->buffered += data;
            return;
        }
        ex->sse.feed(data);
        if (client)
            client->writeChunk(data);
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, client, ex, extra, name = member.name] {
        reply->deleteLater();
        int &slots = m_inFlight[name];
        slots = std::max(0, slots - 1);
        const QByteArray rest = reply->isOpen() ? reply->readAll() : QByteArray(); // an aborted reply is closed
        const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (ex->streaming) {
            ex->sse.feed(rest + '\n');
            if (client) {
                client->writeChunk(rest);
                client->endStream();
            }
            record(name, ex->sse.cost.value_or(0.0));
            return;
        }
        ex->buffered += rest;
        if (!statusAttribute.isValid()) {
            // No HTTP answer at all: unreachable, timed out, or the client left (abort).
            const bool timeout = reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError;
            if (client && client->isOpen()) {
                ++m_refusalsToday;
                const int status = timeout ? 504 : 502;
                client->respond(status, {{"Content-Type", Json}},
                                errorBody(status, u"OpenRouter could not be reached: %1"_s.arg(reply->errorString())));
            }
            return;
        }
        const int status = statusAttribute.toInt();
        if (status >= 200 && status < 300)
            record(name, costOf(QJsonDocument::fromJson(ex->buffered).object()).value_or(0.0));
        if (!client)
            return;
        HttpHeaders headers{{"Content-Type", reply->rawHeader("Content-Type").isEmpty() ? Json : reply->rawHeader("Content-Type")}};
        headers += extra;
        client->respond(status, headers, ex->buffered); // the upstream's answer, errors included, as it came
    });
}

void Gateway::models(HttpConnection *connection, const Member &member)
{
    const auto tier = std::find_if(m_tiers.cbegin(), m_tiers.cend(), [&](const Tier &t) { return t.name == member.tier; });
    if (tier == m_tiers.cend())
        return refuse(connection, 403, u"%1 has no known tier, so no model is allowed."_s.arg(member.name));
    auto answer = [connection = QPointer<HttpConnection>(connection), t = *tier](const QJsonArray &all) {
        if (!connection)
            return;
        QJsonArray allowed;
        for (const QJsonValue &m : all) {
            if (t.isUnrestricted() || t.allowedModels->contains(m.toObject().value("id"_L1).toString()))
                allowed.append(m);
        }
        connection->respond(200, {{"Content-Type", Json}},
                            QJsonDocument(QJsonObject{{"data"_L1, allowed}}).toJson(QJsonDocument::Compact));
    };
    if (m_modelCacheAt.isValid() && m_modelCacheAt.secsTo(m_clock()) < 300)
        return answer(m_modelCache);
    QUrl url = m_settings.upstream;
    url.setPath(url.path() + u"/models"_s);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_settings.upstreamKey.toUtf8());
    request.setTransferTimeout(30'000);
    QNetworkReply *reply = m_network->get(request);
    QPointer<HttpConnection> client(connection);
    connect(reply, &QNetworkReply::finished, this, [this, reply, client, answer] {
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
            return client->respond(502, {{"Content-Type", Json}},
                                   errorBody(502, u"OpenRouter could not be reached: %1"_s.arg(reply->errorString())));
        client->respond(status, {{"Content-Type", Json}}, body);
    });
}

} // namespace orteam
