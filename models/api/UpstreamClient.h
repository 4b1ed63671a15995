#pragma once

#include "HttpHeaders.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

namespace orteam {

class UpstreamConnection;

// One request to the upstream. Host, Content-Length and Connection are the client's to write.
struct UpstreamRequest
{
    QByteArray method = "POST";
    QByteArray target; // path and query, from its "/"
    // What every request of a caller carries, written once (UpstreamClient::headerLines) and sent
    // before `headers`: not copied, checked and written again for each request.
    QByteArray headerLines;
    HttpHeaders headers;
    QByteArray body;
    int timeoutMs = 300'000; // nothing received or sent for this long: the request fails
};

// The answer to one UpstreamRequest, as it arrives: headReceived() once the status and headers
// are known, readyRead() as body bytes come (de-chunked), finished() once, at the end or at an
// error. The caller deletes it (deleteLater() from finished() is fine); deleting it earlier
// abandons the request and closes its connection.
class UpstreamReply final : public QObject
{
    Q_OBJECT

public:
    enum class Error {
        None,
        ConnectionRefused, // nothing was sent
        HostNotFound,      // nothing was sent
        Timeout,
        Closed,    // the connection ended before the answer did
        Malformed, // an answer that is not HTTP/1.1 as we read it (or a head over 64 KiB)
        Tls,       // the TLS handshake failed (an untrusted certificate, …): nothing was sent
        Network,   // anything else the socket said (a reset, …)
    };

    ~UpstreamReply() override;

    int status() const { return m_status; } // 0 until the head has arrived
    QByteArray header(QByteArrayView lowerCaseName) const;
    QByteArray readAll();
    qint64 bytesAvailable() const { return m_body.size(); }
    bool isFinished() const { return m_finished; }
    Error error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    // While this much is unread, nothing more is read from the upstream (TCP back-pressure).
    void setReadBufferSize(qint64 bytes) { m_readBufferSize = bytes; }

Q_SIGNALS:
    void headReceived();
    void readyRead();
    void finished();

private:
    friend class UpstreamConnection;
    friend class UpstreamClient;
    explicit UpstreamReply(QObject *parent) : QObject(parent) {}

    UpstreamConnection *m_connection = nullptr;
    int m_status = 0;
    QByteArray m_head; // the answer's header lines, each with its CRLF (not the status line)
    QByteArray m_body;     // received, not yet read
    qint64 m_readBufferSize = 0; // 0: no limit
    Error m_error = Error::None;
    QString m_errorString;
    bool m_finished = false;
    bool m_retried = false; // sent again once on a fresh connection (see UpstreamConnection)
    bool m_starting = false; // inside UpstreamClient::send(): finished() must wait for the caller
};

// A small HTTP/1.1 client for one upstream (http or https), for the gateway's request path and
// the management API's GETs (OpenRouterClient):
// a pool of keep-alive connections, each read in large chunks, each answer's head parsed once;
// Content-Length, chunked and until-close bodies. A connection goes back to the pool only after
// a complete answer with nothing after it. A pooled connection that the upstream closed while
// it was idle is retried once on a fresh one, but only if not one byte of the request was
// written to it: a POST that may have reached the upstream is never sent twice.
class UpstreamClient final : public QObject
{
    Q_OBJECT

public:
    explicit UpstreamClient(const QUrl &base, QObject *parent = nullptr);
    ~UpstreamClient() override; // answers under way end without a signal

    UpstreamReply *send(UpstreamRequest request);
    // Headers as request lines ("Name: value\r\n" each), for UpstreamRequest::headerLines; what
    // could write a header of its own, or framing that is the client's to write, is left out.
    static QByteArray headerLines(const HttpHeaders &headers);
    QString basePath() const { return m_basePath; } // the base URL's path, without a trailing '/'
    int idleConnections() const { return int(m_idle.size()); }
    int connectionsOpened() const { return m_opened; }
    void setMaxIdle(int connections) { m_maxIdle = connections; }
    void setIdleTimeout(int ms) { m_idleTimeoutMs = ms; } // a pooled connection older than this is not used

private:
    friend class UpstreamConnection;

    void start(UpstreamReply *reply, UpstreamRequest request, bool fresh);
    void recycle(UpstreamConnection *connection);
    void forget(UpstreamConnection *connection);

    QString m_host;
    quint16 m_port = 0;
    bool m_tls = false;
    QString m_basePath;
    QByteArray m_hostHeader;
    QList<UpstreamConnection *> m_idle; // the most recently used last
    QList<UpstreamConnection *> m_all;
    int m_maxIdle = 256;
    int m_idleTimeoutMs = 30'000;
    int m_opened = 0;
};

} // namespace orteam
