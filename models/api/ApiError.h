#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace orteam {

// The one error type of the client. It keeps what OpenRouter said (status, error.code, message,
// metadata) apart from the sentence a person reads, so the UI and CLI never parse messages.
struct ApiError
{
    enum class Kind {
        None,
        InsecureUrl, // refused before sending: plain http to a non-loopback host, or no URL
        NoKey,       // refused before sending: no management key configured
        Network,     // DNS, refused connection, TLS failure, reset
        Timeout,     // no complete answer within the call's timeout
        Http,        // the server answered with a 4xx/5xx status
        BadResponse, // 2xx, but the body is not the JSON the spec promises
        TooLarge,    // the body exceeded the response size cap
        Cancelled,
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    int code = 0;              // error.code from the body (equals the status on OpenRouter)
    QString serverMessage;     // error.message from the body, verbatim
    QJsonObject metadata;      // error.metadata, when present
    QString detail;            // technical detail: a network error string, a parse path
    int retryAfterSeconds = -1; // from a 429's Retry-After header, -1 when absent
    // A Network failure that is the same every time: the TLS handshake failed (a certificate
    // nobody vouches for, a proxy's interception). Not retried: waiting does not change it.
    bool lasting = false;
    QString host;              // which server, for messages
    // The request that failed, so the sentence fits the endpoint: a 404 on a key's own path means
    // the key is gone, a 404 on a list such as /models means the base URL points somewhere else.
    QString verb;              // "GET", "PATCH", …
    QString path;              // relative to the base URL, without the query: "/models", "/keys/abc"
    QString url;               // the whole URL without its query or credentials, for "no model list at URL"
    // What is known of the request's effect after an ambiguous failure (a create whose answer was
    // lost: was the key made?). message() ends with it.
    QString outcome;
    QString createdAnywayHash; // set when a lost create turned out to have made the key

    bool isError() const { return kind != Kind::None; }
    // The server answered 404: the thing asked about is not there (a key revoked elsewhere).
    bool isNotFound() const { return kind == Kind::Http && httpStatus == 404; }
    // Worth trying again as-is (for GETs): rate limiting, gateway trouble, timeouts, resets.
    bool isTransient() const;
    // One sentence (or two) for a person: what happened and what to do about it.
    QString message() const;
    // Whether a failed create may still have happened on the server (timeout, reset, gateway error).
    bool mayHaveHappened() const;

    QString baseMessage() const; // message() without the outcome
    static ApiError http(int status, const QByteArray &body, const QString &host);
    // `http` for a known request: the same error, worded for what was asked of which endpoint.
    static ApiError http(int status, const QByteArray &body, const QString &verb, const QUrl &url, const QString &path);
    static ApiError badResponse(const QString &detail, const QString &host);
};

} // namespace orteam
