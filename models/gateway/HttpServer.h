#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class QTcpServer;
class QTcpSocket;

namespace orteam {

// One HTTP/1.1 request: method, target (path and query), lower-case header names, the body.
struct HttpRequest
{
    QByteArray method;
    QByteArray target;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool keepAlive = true;

    QByteArray header(const QByteArray &lowerCaseName) const;
    QByteArray path() const; // the target without its query
};

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One request read from the front of what a client sent: done (with how many bytes it used),
// not all there yet, or malformed (with the status to answer). Pure, so it is fuzzed on its own.
struct HttpParse
{
    enum class State { NeedMore, Done, Error };
    State state = State::NeedMore;
    int status = 0;     // Error: what to answer (400, 411, 413, 431)
    QByteArray message; // Error: why
    HttpRequest request;
    qsizetype consumed = 0;      // Done: the request's bytes
    bool expectContinue = false; // NeedMore: the headers asked for "100 Continue"
};
HttpParse parseHttpRequest(QByteArrayView buffer, qint64 maxBody);

// One client connection. Requests are answered in order, one at a time (a pipelined request
// waits until the previous answer is complete). An answer is either whole (Content-Length) or
// streamed (chunked transfer encoding, for server-sent events).
class HttpConnection final : public QObject
{
    Q_OBJECT

public:
    HttpConnection(QTcpSocket *socket, qint64 maxBody, QObject *parent);

    void respond(int status, const HttpHeaders &headers, const QByteArray &body);
    void beginStream(int status, const HttpHeaders &headers);
    void writeChunk(const QByteArray &data);
    void endStream();
    bool isOpen() const;
    QHostAddress peer() const;

Q_SIGNALS:
    void request(orteam::HttpConnection *connection, const orteam::HttpRequest &request);
    void closed(); // the client went away (an answer under way can be abandoned)

private:
    void onReadyRead();
    void parse();
    void finishAnswer();
    void send(const QByteArray &bytes);
    void fail(int status, const QByteArray &message); // a malformed request: answer and close

    QTcpSocket *m_socket;
    QTimer m_idle;
    qint64 m_maxBody;
    QByteArray m_buffer;
    bool m_busy = false;      // a request is being answered
    bool m_streaming = false;
    bool m_closeAfter = false;
    bool m_continued = false; // "100 Continue" sent for the request being read
};

// A small HTTP/1.1 server on QTcpServer: keep-alive, Content-Length bodies (up to a limit),
// Expect: 100-continue, chunked answers. Enough for an OpenAI-compatible API, and fast: no
// per-request allocation beyond the request itself.
class HttpServer final : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<void(HttpConnection *connection, const HttpRequest &request)>;

    explicit HttpServer(Handler handler, QObject *parent = nullptr);
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    QHostAddress address() const;
    quint16 port() const;
    void setMaxBody(qint64 bytes) { m_maxBody = bytes; }

private:
    QTcpServer *m_server;
    Handler m_handler;
    qint64 m_maxBody = 10 * 1024 * 1024;
};

QByteArray httpReason(int status);

} // namespace orteam
