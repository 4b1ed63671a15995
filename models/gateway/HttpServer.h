#pragma once

#include "HttpHeaders.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>

#include <functional>
#include <optional>

class QTcpServer;
class QTcpSocket;
class TestHttpServer;

namespace orteam {

// One HTTP/1.1 request: method, target (path and query), lower-case header names, the body.
struct HttpRequest
{
    QByteArray method;
    QByteArray target;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool keepAlive = true;
    bool http10 = false; // an HTTP/1.0 client cannot read chunked encoding
    // The head check (HttpServer::setHeadCheck) passed with the whole request already read, and
    // the handler is called right after it, without a turn of the event loop between: what the
    // check found out about this request still holds.
    bool checkedWhole = false;

    QByteArray header(const QByteArray &lowerCaseName) const;
    QByteArray path() const; // the target without its query
};


// One request read from the front of what a client sent: done (with how many bytes it used),
// not all there yet, or malformed (with the status to answer). Pure, so it is fuzzed on its own.
// Strict on purpose: anything two parsers could read two ways (two Content-Lengths, a space
// before the colon, folded or bare-LF lines, controls in a value) is refused, so no proxy in
// front of the gateway can see a different request than it does.
struct HttpParse
{
    enum class State { NeedMore, Done, Error };
    State state = State::NeedMore;
    int status = 0;     // Error: what to answer (400, 411, 413, 431)
    QByteArray message; // Error: why
    HttpRequest request;
    qsizetype consumed = 0;      // Done: the request's bytes
    qsizetype headSize = 0;      // once the head is all there: its bytes, with the blank line after it
    qint64 contentLength = 0;    // once the head is all there: the body's
    bool expectContinue = false; // once the head is all there: it asked for "100 Continue"
};
HttpParse parseHttpRequest(QByteArrayView buffer, qint64 maxBody);

// The size of the head at the front of `buffer`, with its blank line: 0 while it is not all
// there, -1 when a line ends in a bare LF. `from` is how much of the same, grown, buffer an
// earlier call had looked at, so a head that trickles in is scanned once, not once per read.
qsizetype findHttpHeadEnd(QByteArrayView buffer, qsizetype from = 0);


// An answer given without the handler (see HttpServer::setHeadCheck).
struct HttpAnswer
{
    int status = 200;
    HttpHeaders headers;
    QByteArray body;
};

// Called once per request as soon as its head is parsed, BEFORE any body is read and before
// "100 Continue" is sent; request.body is empty. nullopt: go on (read the body, send 100 Continue
// if asked). An answer: it is sent at once, the body is never read, and the connection is closed.
using HeadCheck = std::function<std::optional<HttpAnswer>(const HttpRequest &head)>;

// What one client may cost. A timeout of 0 or less is no deadline.
struct HttpLimits
{
    int maxConnections = 4096; // total
    int maxPerAddress = 512;   // per peer address
    qint64 maxBody = 10 * 1024 * 1024;
    int headTimeoutMs = 10'000; // from the first byte of a request to the end of its head
    int bodyTimeoutMs = 60'000; // from the end of the head to the end of the body
    int idleTimeoutMs = 60'000; // keep-alive with nothing under way
};

class HttpServer;

// One client connection. Requests are answered in order, one at a time: while one is being
// answered nothing more is read from the client (a pipelining client meets TCP back-pressure,
// not a growing buffer), so a connection holds at most one request's head and body. An answer is
// either whole (Content-Length) or streamed (chunked transfer encoding, for server-sent events).
class HttpConnection final : public QObject
{
    Q_OBJECT

public:
    // Above this much unsent output, a streaming writer should wait for drained().
    static constexpr qint64 HighWater = 256 * 1024;

    HttpConnection(QTcpSocket *socket, HttpServer *server);

    void respond(int status, const HttpHeaders &headers, const QByteArray &body);
    void beginStream(int status, const HttpHeaders &headers);
    void writeChunk(const QByteArray &data);
    void endStream();
    // Ends a stream that was cut short upstream by dropping the connection: without the last
    // chunk, the client sees a truncated answer instead of one that looks complete.
    void abortStream();
    bool isOpen() const;
    QHostAddress peer() const;
    qint64 pendingOutput() const; // bytes written but not yet sent

Q_SIGNALS:
    void closed();  // the client went away (an answer under way can be abandoned)
    void drained(); // pendingOutput() fell below HighWater after having reached it

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    friend class HttpServer;
    friend class ::TestHttpServer; // checks bufferedBytes(): the bound is tested, not made API

    enum class Phase {
        Idle,    // nothing of a request received, nothing being answered
        Head,    // a request's head is arriving
        Body,    // its head is parsed, its body is arriving
        Busy,    // it is being answered: nothing is read
        Closing, // answered for the last time; waiting for the socket to close
    };

    void pump();
    bool step();
    void readSome();
    bool startBody(qsizetype headSize);
    void dispatch();
    void finishAnswer();
    void enterIdle();
    void closeWhenSent();
    void startDeadline(int ms);
    void send(const QByteArray &bytes);
    void answerAndClose(int status, const HttpHeaders &headers, const QByteArray &body);
    void fail(int status, const QByteArray &message); // a malformed or late request: answer and close
    void onBytesWritten();
    void shutdownWrite();
    bool evictable() const;
    qsizetype bufferedBytes() const; // what this connection holds of what the client sent

    QTcpSocket *m_socket;
    HttpServer *m_server;
    QHostAddress m_peer; // kept: the socket forgets it once closed
    QBasicTimer m_deadline;
    QByteArray m_buffer;
    HttpRequest m_request; // the head parsed, while its body arrives
    qsizetype m_scanned = 0;
    qsizetype m_headSize = 0;
    qint64 m_bodyLength = 0;
    quint64 m_idleSince = 0; // the server's tick when it last became idle: the oldest is evicted first
    Phase m_phase = Phase::Idle;
    bool m_streaming = false;
    bool m_closeAfter = false;
    bool m_answeringHttp10 = false;
    bool m_rawStream = false; // streaming to an HTTP/1.0 client: plain bytes, ended by closing
    bool m_pumping = false;
    bool m_highWater = false;
    bool m_linger = false; // refused with unread input: half-close and drain, so the client reads the answer
};

// A small HTTP/1.1 server on QTcpServer: keep-alive, Content-Length bodies (up to a limit),
// Expect: 100-continue, chunked answers, deadlines and connection caps. Enough for an
// OpenAI-compatible API, and fast: no per-request allocation beyond the request itself.
class HttpServer final : public QObject
{
    Q_OBJECT

public:
    // The request is the handler's to keep or take apart: it can let go of a large body as soon
    // as it has read it, rather than hold it until it returns.
    using Handler = std::function<void(HttpConnection *connection, HttpRequest &&request)>;

    explicit HttpServer(Handler handler, QObject *parent = nullptr);
    // `sharedPort`: with SO_REUSEPORT, so that servers on other threads listen on the same port
    // and the kernel spreads the connections among them.
    bool listen(const QHostAddress &address, quint16 port, QString *error, bool sharedPort = false);
    QHostAddress address() const;
    quint16 port() const;
    void setMaxBody(qint64 bytes) { m_limits.maxBody = bytes; }
    void setHeadCheck(HeadCheck check) { m_headCheck = std::move(check); }
    void setLimits(const HttpLimits &limits); // open connections use them from their next request
    HttpLimits limits() const { return m_limits; }
    int connectionCount() const { return m_count; }

private:
    friend class HttpConnection;

    void accept(QTcpSocket *socket);
    bool evictIdle(const QHostAddress *from); // nullptr: from any address
    void forget(HttpConnection *connection);

    QTcpServer *m_server;
    Handler m_handler;
    HeadCheck m_headCheck;
    HttpLimits m_limits;
    QHash<QHostAddress, QList<HttpConnection *>> m_byAddress;
    int m_count = 0;
    quint64 m_tick = 0;
};

QByteArray httpReason(int status);

} // namespace orteam
