#include "HttpServer.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace orteam {

namespace {
constexpr qsizetype MaxHead = 64 * 1024;

QByteArray lower(QByteArray s)
{
    for (char &c : s) {
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    }
    return s;
}
} // namespace

QByteArray httpReason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

QByteArray HttpRequest::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

QByteArray HttpRequest::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

HttpConnection::HttpConnection(QTcpSocket *socket, qint64 maxBody, QObject *parent)
    : QObject(parent), m_socket(socket), m_maxBody(maxBody)
{
    socket->setParent(this);
    // Answers go out as one write, but a streamed answer is many small ones: no Nagle delay.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    // A connection that sends nothing for a minute between requests is closed: idle or
    // half-sent requests must not hold sockets open for ever. One being answered is never cut.
    m_idle.setSingleShot(true);
    m_idle.setInterval(60'000);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (!m_busy)
            m_socket->disconnectFromHost();
    });
    m_idle.start();
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        Q_EMIT closed();
        deleteLater();
    });
}

bool HttpConnection::isOpen() const { return m_socket->state() == QAbstractSocket::ConnectedState; }

QHostAddress HttpConnection::peer() const { return m_socket->peerAddress(); }

void HttpConnection::onReadyRead()
{
    m_idle.start();
    m_buffer += m_socket->readAll();
    if (!m_busy)
        parse();
}

void HttpConnection::fail(int status, const QByteArray &message)
{
    m_busy = true; // nothing more is read from a connection that sent garbage
    const QByteArray body = R"({"error":{"code":)" + QByteArray::number(status) + R"(,"message":")" + message + R"("}})";
    m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReason(status)
                    + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    m_socket->disconnectFromHost();
}

HttpParse parseHttpRequest(QByteArrayView buffer, qint64 maxBody)
{
    HttpParse p;
    auto error = [&p](int status, const char *message) {
        p.state = HttpParse::State::Error;
        p.status = status;
        p.message = message;
        return p;
    };
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd > MaxHead || (headEnd < 0 && buffer.size() > MaxHead))
        return error(431, "Request headers are too large");
    if (headEnd < 0)
        return p; // the rest of the headers is on its way
    HttpRequest &r = p.request;
    const QByteArrayView head = buffer.first(headEnd);
    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = requestLine.lastIndexOf(' ');
    if (sp1 <= 0 || sp2 <= sp1)
        return error(400, "Malformed request line");
    r.method = requestLine.first(sp1).toByteArray();
    r.target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1).toByteArray();
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!version.startsWith("HTTP/1."))
        return error(400, "Only HTTP/1.x is spoken here");
    r.keepAlive = version != "HTTP/1.0";
    qint64 length = 0;
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = head.indexOf("\r\n", start);
        const QByteArrayView line = lineEnd < 0 ? head.sliced(start) : head.sliced(start, lineEnd - start);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return error(400, "Malformed header line");
        QByteArray name = lower(line.first(colon).toByteArray());
        QByteArray value = line.sliced(colon + 1).trimmed().toByteArray();
        if (name == "content-length") {
            bool ok = false;
            length = value.toLongLong(&ok);
            if (!ok || length < 0)
                return error(400, "Bad Content-Length");
        } else if (name == "transfer-encoding") {
            return error(411, "Send the body with a Content-Length");
        } else if (name == "connection") {
            const QByteArray v = lower(value);
            if (v.contains("close"))
                r.keepAlive = false;
            else if (v.contains("keep-alive"))
                r.keepAlive = true;
        } else if (name == "expect" && lower(value) == "100-continue") {
            p.expectContinue = true;
        }
        r.headers.append({std::move(name), std::move(value)});
    }
    if (length > maxBody)
        return error(413, "Request body too large");
    const qsizetype bodyStart = headEnd + 4;
    if (buffer.size() - bodyStart < length)
        return p; // the rest of the body is on its way
    r.body = buffer.sliced(bodyStart, length).toByteArray();
    p.consumed = bodyStart + length;
    p.state = HttpParse::State::Done;
    return p;
}

void HttpConnection::parse()
{
    const HttpParse p = parseHttpRequest(m_buffer, m_maxBody);
    if (p.state == HttpParse::State::Error) {
        fail(p.status, p.message);
        return;
    }
    if (p.state == HttpParse::State::NeedMore) {
        if (p.expectContinue && !m_continued) {
            m_continued = true;
            send("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return;
    }
    m_buffer.remove(0, p.consumed);
    m_busy = true;
    m_continued = false;
    m_closeAfter = !p.request.keepAlive;
    Q_EMIT request(this, p.request);
}

void HttpConnection::respond(int status, const HttpHeaders &headers, const QByteArray &body)
{
    if (!m_busy || m_streaming)
        return;
    QByteArray out;
    out.reserve(160 + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReason(status) + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (m_closeAfter)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
    send(out);
    finishAnswer();
}

void HttpConnection::beginStream(int status, const HttpHeaders &headers)
{
    if (!m_busy || m_streaming)
        return;
    m_streaming = true;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReason(status) + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "Transfer-Encoding: chunked\r\n";
    if (m_closeAfter)
        out += "Connection: close\r\n";
    out += "\r\n";
    send(out);
}

void HttpConnection::writeChunk(const QByteArray &data)
{
    if (!m_streaming || data.isEmpty())
        return;
    send(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
}

void HttpConnection::endStream()
{
    if (!m_streaming)
        return;
    send("0\r\n\r\n");
    m_streaming = false;
    finishAnswer();
}

void HttpConnection::send(const QByteArray &bytes)
{
    if (isOpen()) // the client may have gone while the answer was on its way: nothing to tell
        m_socket->write(bytes);
}

void HttpConnection::finishAnswer()
{
    m_busy = false;
    m_idle.start();
    if (m_closeAfter || !isOpen()) {
        m_socket->disconnectFromHost();
        return;
    }
    if (!m_buffer.isEmpty())
        parse(); // a pipelined request already here
}

HttpServer::HttpServer(Handler handler, QObject *parent) : QObject(parent), m_server(new QTcpServer(this)), m_handler(std::move(handler))
{
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            auto *c = new HttpConnection(socket, m_maxBody, this);
            connect(c, &HttpConnection::request, this, [this](HttpConnection *connection, const HttpRequest &r) { m_handler(connection, r); });
        }
    });
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    m_server->setMaxPendingConnections(1024);
    if (!m_server->listen(address, port)) {
        *error = m_server->errorString();
        return false;
    }
    return true;
}

QHostAddress HttpServer::address() const { return m_server->serverAddress(); }
quint16 HttpServer::port() const { return m_server->serverPort(); }

} // namespace orteam
