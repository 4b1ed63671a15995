#include "ApiError.h"

#include <QJsonDocument>
#include <QJsonValue>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

bool ApiError::isTransient() const
{
    switch (kind) {
    case Kind::Timeout:
        return true;
    case Kind::Network:
        return !lasting;
    case Kind::Http:
        return httpStatus == 429 || httpStatus == 502 || httpStatus == 503 || httpStatus == 504;
    default:
        return false;
    }
}

ApiError ApiError::http(int status, const QByteArray &body, const QString &host)
{
    ApiError e;
    e.kind = Kind::Http;
    e.httpStatus = status;
    e.code = status;
    e.host = host;
    // OpenRouter's error shape is {"error":{"code","message","metadata"}}; a proxy in between may
    // answer with HTML or nothing, so anything else just leaves the message empty.
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue err = doc.object().value("error"_L1);
    if (err.isObject()) {
        const QJsonObject o = err.toObject();
        if (o.value("code"_L1).isDouble())
            e.code = o.value("code"_L1).toInt();
        e.serverMessage = o.value("message"_L1).toString();
        e.metadata = o.value("metadata"_L1).toObject();
    } else if (err.isString()) {
        e.serverMessage = err.toString();
    }
    return e;
}

ApiError ApiError::http(int status, const QByteArray &body, const QString &verb, const QUrl &url, const QString &path)
{
    ApiError e = http(status, body, url.host());
    e.verb = verb;
    e.path = path;
    // Never the query (an activity date, a page offset) nor credentials in a sentence people paste.
    e.url = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toString();
    return e;
}

ApiError ApiError::badResponse(const QString &detail, const QString &host)
{
    ApiError e;
    e.kind = Kind::BadResponse;
    e.detail = detail;
    e.host = host;
    return e;
}

bool ApiError::mayHaveHappened() const
{
    return kind == Kind::Timeout || kind == Kind::Network || kind == Kind::BadResponse || kind == Kind::TooLarge
        || (kind == Kind::Http && (httpStatus == 500 || httpStatus == 502 || httpStatus == 503 || httpStatus == 504));
}

QString ApiError::message() const
{
    const QString base = baseMessage();
    return outcome.isEmpty() ? base : base + u' ' + outcome;
}

namespace {
// What a request path names: one record (a key, a guardrail) or a list the base URL should have.
struct Endpoint
{
    QString item;       // "key", "guardrail": the path names one of them; empty for a list
    QString collection; // "model list", "key list", …: what a list path holds
};

Endpoint endpointOf(const QString &path)
{
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return {};
    const QString root = parts.first();
    // "/keys/<hash>" and "/guardrails/<id>[/assignments/…]" name one record; "/guardrails/
    // assignments/keys" is the account's list of assignments.
    if (root == "keys"_L1 && parts.size() >= 2)
        return {u"key"_s, {}};
    if (root == "guardrails"_L1 && parts.size() >= 2 && parts.at(1) != "assignments"_L1)
        return {u"guardrail"_s, {}};
    if (root == "models"_L1)
        return {{}, u"model list"_s};
    if (root == "keys"_L1)
        return {{}, u"key list"_s};
    if (root == "key"_L1)
        return {{}, u"management key information"_s};
    if (root == "credits"_L1)
        return {{}, u"credits"_s};
    if (root == "activity"_L1)
        return {{}, u"activity"_s};
    if (root == "guardrails"_L1)
        return {{}, u"guardrail list"_s};
    if (root == "organization"_L1)
        return {{}, u"member list"_s};
    return {{}, u"such endpoint"_s};
}
} // namespace

QString ApiError::baseMessage() const
{
    const QString said = serverMessage.isEmpty() ? QString() : u" OpenRouter said: \""_s + serverMessage + u"\"."_s;
    const QString where = host.isEmpty() ? u"OpenRouter"_s : host;
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::InsecureUrl:
        return detail;
    case Kind::NoKey:
        return u"No management key is set. Put it in OPENROUTER_MGMT_KEY or save it in Settings (it is kept in the system keychain)."_s;
    case Kind::Network:
        return u"Could not reach %1: %2."_s.arg(where, detail);
    case Kind::Timeout:
        return u"%1 did not answer in time (%2). Check the connection and try again."_s.arg(where, detail);
    case Kind::BadResponse:
        return u"%1 sent a response orteam cannot read (%2). Nothing was changed locally."_s.arg(where, detail);
    case Kind::TooLarge:
        return u"%1 sent a response larger than orteam accepts (%2); it was discarded."_s.arg(where, detail);
    case Kind::Cancelled:
        return u"The request was cancelled."_s;
    case Kind::Http:
        break;
    }
    switch (httpStatus) {
    case 400:
        return u"OpenRouter rejected the request as invalid (400)."_s + said;
    case 401:
        return u"OpenRouter did not accept the management key (401): it is missing, wrong or disabled."_s + said;
    case 402:
        return u"Out of credits or over a limit (402)."_s + said;
    case 403:
        // The classic mistake from the seed's error table: an sk-or-v1 API key where a
        // management key is needed. Say so plainly instead of "forbidden".
        if (serverMessage.contains("management key"_L1, Qt::CaseInsensitive)
            || serverMessage.contains("provisioning key"_L1, Qt::CaseInsensitive) || serverMessage.isEmpty()) {
            return u"This is an API key, not a management key (403). API keys call models; managing keys needs a "
                   "management key, created under Settings → Management Keys on openrouter.ai."_s + said;
        }
        return u"OpenRouter does not permit this (403)."_s + said;
    case 404: {
        // A record's own path answering 404 means the record is gone; a list answering 404 means
        // the base URL does not point at OpenRouter's API, and "deleted already" would mislead.
        if (path.isEmpty())
            return u"Not found (404): it may have been deleted already."_s + said;
        const Endpoint e = endpointOf(path);
        if (!e.item.isEmpty())
            return u"This %1 is not at OpenRouter (404): it may have been deleted already."_s.arg(e.item) + said;
        return u"OpenRouter has no %1 at %2 (404); check the base URL in Settings."_s.arg(e.collection, url) + said;
    }
    case 405:
        if (!path.isEmpty())
            return u"%1 does not accept %2 at %3 (405); check the base URL in Settings."_s.arg(where, verb, url) + said;
        return u"OpenRouter does not accept this request (405)."_s + said;
    case 408:
        return u"OpenRouter timed out handling the request (408). Try again."_s + said;
    case 429:
        if (retryAfterSeconds >= 0)
            return u"OpenRouter is rate limiting requests (429); try again in %1 s."_s.arg(retryAfterSeconds) + said;
        return u"OpenRouter is rate limiting requests (429); try again shortly."_s + said;
    default:
        break;
    }
    if (httpStatus >= 500)
        return u"OpenRouter had a server error (%1). Try again later."_s.arg(httpStatus) + said;
    return u"OpenRouter answered with status %1."_s.arg(httpStatus) + said;
}

} // namespace orteam
