#include "HttpServer.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QTimerEvent>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace orteam {

namespace {
// 64 KiB of request line and headers, and the blank line that ends them.
constexpr qsizetype HeadLimit = 64 * 1024 + 4;
// What the socket holds for us at most. While a request is answered nothing is read, so a
// pipelining client fills this, then the kernel's buffers, then waits: TCP back-pressure.
constexpr qint64 ReadChunk = 64 * 1024;
// A refused client may still be sending its body. It gets this long to read the answer before
// the socket is dropped; dropping it with unread input would send a RST that can erase the answer.
constexpr int LingerMs = 2000;


QByteArrayView trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

bool equalsLower(QByteArrayView v, std::string_view lower)
{
    return v.size() == qsizetype(lower.size()) && qstrnicmp(v.data(), v.size(), lower.data(), lower.size()) == 0;
}

std::optional<qint64> parseLength(QByteArrayView v)
{
    if (v.isEmpty())
        return std::nullopt;
    qint64 n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const int digit = c - '0';
        if (n > (std::numeric_limits<qint64>::max() - digit) / 10)
            return std::nullopt;
        n = n * 10 + digit;
    }
    return n;
}

void appendNumber(QByteArray &out, qint64 n, int base = 10)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, n, base).ptr;
    out.append(digits, end - digits);
}

// Framing is the server's: a caller's Content-Length or Transfer-Encoding could contradict the
// one it writes, and two framings in one answer are how responses get split.
bool isFraming(QByteArrayView name)
{
    return equalsLower(name, "content-length") || equalsLower(name, "transfer-encoding") || equalsLower(name, "connection");
}

void appendHead(QByteArray &out, int status, const HttpHeaders &headers)
{
    if (status < 200 || status > 599) {
        // Only a pass-through can bring one (an upstream's odd status); a 1xx here would tell the
        // client a second head follows.
        qWarning("orteam HTTP: status %d is not a final answer, sent as 502", status);
        status = 502;
    }
    out += "HTTP/1.1 ";
    appendNumber(out, status);
    out += ' ';
    out += httpReason(status);
    out += "\r\n";
    for (const auto &[name, value] : headers) {
        if (!isHttpToken(name) || !isSafeHeaderValue(value)) {
            // Whatever the caller copied into a header (an upstream's, a user's) must not be able
            // to end the line and write headers, or a second answer, of its own.
            static std::atomic_bool warned = false;
            if (!warned.exchange(true))
                qWarning("orteam HTTP: header %s dropped from an answer: a control character or a bad name",
                         name.toPercentEncoding().constData());
            continue;
        }
        if (isFraming(name))
            continue;
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
}

QByteArray errorBody(int status, const QByteArray &message)
{
    QByteArray body = R"({"error":{"code":)";
    appendNumber(body, status);
    body += R"(,"message":")";
    body += message;
    body += R"("}})";
    return body;
}

// Everything about the head but finding its end; `head` ends with its blank line.
bool parseHead(QByteArrayView head, qint64 maxBody, HttpParse &p)
{
    auto error = [&p](int status, const char *message) {
        p.state = HttpParse::State::Error;
        p.status = status;
        p.message = message;
        return false;
    };
    if (head.size() > HeadLimit)
        return error(431, "Request headers are too large");
    const QByteArrayView lines = head.first(head.size() - 2); // each line with its CRLF
    qsizetype at = 0;
    auto nextLine = [&lines, &at]() -> std::optional<QByteArrayView> {
        const void *lf = std::memchr(lines.data() + at, '\n', size_t(lines.size() - at));
        const qsizetype end = lf ? static_cast<const char *>(lf) - lines.data() : at;
        if (end == at || lines[end - 1] != '\r')
            return std::nullopt;
        const QByteArrayView line = lines.sliced(at, end - 1 - at);
        at = end + 1;
        return line;
    };

    HttpRequest &r = p.request;
    const std::optional<QByteArrayView> requestLine = nextLine();
    if (!requestLine)
        return error(400, "Lines must end in CRLF");
    const qsizetype sp1 = requestLine->indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine->indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0)
        return error(400, "Malformed request line");
    const QByteArrayView method = requestLine->first(sp1);
    const QByteArrayView target = requestLine->sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine->sliced(sp2 + 1);
    if (!isHttpToken(method))
        return error(400, "The method must be a token");
    if (target.isEmpty() || target.front() != '/'
        || std::any_of(target.begin(), target.end(), [](char c) { return uchar(c) <= 0x20 || uchar(c) >= 0x7F; }))
        return error(400, "The target must be a path");
    if (version.size() != 8 || !version.startsWith("HTTP/1.") || version[7] < '0' || version[7] > '9')
        return error(400, "Only HTTP/1.x is spoken here");
    const bool http10 = version[7] == '0';
    r.method = method.toByteArray();
    r.target = target.toByteArray();
    r.keepAlive = !http10;
    r.http10 = http10;

    std::optional<qint64> length;
    bool host = false;
    while (at < lines.size()) {
        const std::optional<QByteArrayView> line = nextLine();
        if (!line)
            return error(400, "Lines must end in CRLF");
        if (line->startsWith(' ') || line->startsWith('\t'))
            return error(400, "Folded header lines are not accepted");
        const qsizetype colon = line->indexOf(':');
        if (colon <= 0)
            return error(400, "Malformed header line");
        const QByteArrayView name = line->first(colon);
        if (!isHttpToken(name))
            return error(400, "A header name must be a token, with no space before its colon");
        const QByteArrayView value = trimOws(line->sliced(colon + 1));
        if (!isSafeHeaderValue(value))
            return error(400, "A header value holds a control character");
        if (equalsLower(name, "content-length")) {
            if (length)
                return error(400, "Only one Content-Length");
            length = parseLength(value);
            if (!length)
                return error(400, "Bad Content-Length");
        } else if (equalsLower(name, "transfer-encoding")) {
            return error(411, "Send the body with a Content-Length");
        } else if (equalsLower(name, "host")) {
            if (host)
                return error(400, "Only one Host");
            host = true;
        } else if (equalsLower(name, "connection")) {
            for (qsizetype start = 0; start <= value.size();) {
                const qsizetype comma = value.indexOf(',', start);
                const qsizetype end = comma < 0 ? value.size() : comma;
                const QByteArrayView option = trimOws(value.sliced(start, end - start));
                if (equalsLower(option, "close"))
                    r.keepAlive = false;
                else if (equalsLower(option, "keep-alive"))
                    r.keepAlive = true;
                start = end + 1;
            }
        } else if (equalsLower(name, "expect")) {
            // An HTTP/1.0 client cannot read a 100 (RFC 9110, 10.1.1).
            p.expectContinue = !http10 && equalsLower(value, "100-continue");
        }
        r.headers.append({name.toByteArray().toLower(), value.toByteArray()});
    }
    // Before the Host check: a body that is too large is the more useful thing to hear.
    if (length.value_or(0) > maxBody)
        return error(413, "Request body too large");
    if (!http10 && !host)
        return error(400, "HTTP/1.1 requires a Host header");
    p.headSize = head.size();
    p.contentLength = length.value_or(0);
    return true;
}
} // namespace

QByteArray httpReason(int status)
{
    switch (status) {
    case 100: return QByteArrayLiteral("Continue");
    case 200: return QByteArrayLiteral("OK");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 402: return QByteArrayLiteral("Payment Required");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 408: return QByteArrayLiteral("Request Timeout");
    case 411: return QByteArrayLiteral("Length Required");
    case 413: return QByteArrayLiteral("Payload Too Large");
    case 429: return QByteArrayLiteral("Too Many Requests");
    case 431: return QByteArrayLiteral("Request Header Fields Too Large");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 504: return QByteArrayLiteral("Gateway Timeout");
    default: return QByteArrayLiteral("Status");
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

qsizetype findHttpHeadEnd(QByteArrayView buffer, qsizetype from)
{
    const char *data = buffer.data();
    for (qsizetype i = qBound(qsizetype(0), from, buffer.size()); i < buffer.size();) {
        const void *found = std::memchr(data + i, '\n', size_t(buffer.size() - i));
        if (!found)
            return 0;
        const qsizetype lf = static_cast<const char *>(found) - data;
        // A bare LF is a line end to some parsers and not to others: refused, not guessed at.
        if (lf == 0 || data[lf - 1] != '\r')
            return -1;
        if (lf >= 3 && data[lf - 2] == '\n' && data[lf - 3] == '\r')
            return lf + 1;
        i = lf + 1;
    }
    return 0;
}

HttpParse parseHttpRequest(QByteArrayView buffer, qint64 maxBody)
{
    HttpParse p;
    const qsizetype end = findHttpHeadEnd(buffer);
    if (end < 0) {
        p.state = HttpParse::State::Error;
        p.status = 400;
        p.message = "Lines must end in CRLF";
        return p;
    }
    if (end == 0) {
        if (buffer.size() >= HeadLimit) {
            p.state = HttpParse::State::Error;
            p.status = 431;
            p.message = "Request headers are too large";
        }
        return p; // the rest of the head is on its way
    }
    if (!parseHead(buffer.first(end), maxBody, p))
        return p;
    if (buffer.size() - end < p.contentLength)
        return p; // the rest of the body is on its way
    p.request.body = buffer.sliced(end, p.contentLength).toByteArray();
    p.consumed = end + p.contentLength;
    p.state = HttpParse::State::Done;
    return p;
}

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server), m_socket(socket), m_server(server), m_peer(socket->peerAddress())
{
    socket->setParent(this);
    // Answers go out as one write, but a streamed answer is many small ones: no Nagle delay.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setReadBufferSize(ReadChunk);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::pump);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        m_deadline.stop();
        m_server->forget(this);
        Q_EMIT closed();
        deleteLater();
    });
    enterIdle();
}

bool HttpConnection::isOpen() const { return m_socket->state() == QAbstractSocket::ConnectedState; }

QHostAddress HttpConnection::peer() const { return m_peer; }

qint64 HttpConnection::pendingOutput() const { return m_socket->bytesToWrite(); }

qsizetype HttpConnection::bufferedBytes() const { return m_buffer.size() + m_socket->bytesAvailable(); }

bool HttpConnection::evictable() const
{
    if (m_phase == Phase::Closing)
        return m_socket->bytesToWrite() == 0;
    return m_phase == Phase::Idle && m_buffer.isEmpty() && m_socket->bytesAvailable() == 0 && m_socket->bytesToWrite() == 0;
}

void HttpConnection::startDeadline(int ms)
{
    if (ms > 0)
        m_deadline.start(ms, Qt::CoarseTimer, this);
    else
        m_deadline.stop();
}

void HttpConnection::enterIdle()
{
    m_phase = Phase::Idle;
    m_idleSince = ++m_server->m_tick;
    startDeadline(m_server->m_limits.idleTimeoutMs);
}

void HttpConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_deadline.timerId())
        return QObject::timerEvent(event);
    m_deadline.stop();
    switch (m_phase) {
    case Phase::Idle: closeWhenSent(); break;
    case Phase::Head: fail(408, "The request's head took too long"); break;
    case Phase::Body: fail(408, "The request's body took too long"); break;
    case Phase::Busy: break; // an answer under way is the handler's to end
    case Phase::Closing: m_socket->abort(); break;
    }
}

void HttpConnection::pump()
{
    if (m_phase == Phase::Closing) {
        m_socket->skip(m_socket->bytesAvailable()); // read only so the client can finish sending
        return;
    }
    if (m_pumping)
        return; // the loop below picks it up
    m_pumping = true;
    // Answers the client does not read would pile up in our write buffer: no new request is
    // started until they have drained (drained() pumps again).
    while (isOpen() && !(m_phase == Phase::Idle && m_highWater)) {
        readSome();
        if (!step())
            break;
    }
    m_pumping = false;
}

void HttpConnection::readSome()
{
    qint64 want = 0;
    switch (m_phase) {
    case Phase::Idle:
    case Phase::Head: want = HeadLimit - m_buffer.size(); break;
    case Phase::Body: want = m_headSize + m_bodyLength - m_buffer.size(); break;
    case Phase::Busy:
    case Phase::Closing: return;
    }
    const qint64 n = std::min(want, m_socket->bytesAvailable());
    if (n <= 0)
        return;
    const qsizetype had = m_buffer.size();
    m_buffer.resize(had + n);
    const qint64 got = m_socket->read(m_buffer.data() + had, n);
    m_buffer.resize(had + std::max<qint64>(got, 0));
}

bool HttpConnection::step()
{
    switch (m_phase) {
    case Phase::Idle:
        if (m_buffer.isEmpty())
            return false;
        m_phase = Phase::Head;
        [[fallthrough]];
    case Phase::Head: {
        const qsizetype end = findHttpHeadEnd(m_buffer, m_scanned);
        if (end < 0) {
            fail(400, "Lines must end in CRLF");
            return false;
        }
        if (end > 0)
            return startBody(end);
        // The head's deadline runs from its first byte, and only while it is awaited: a head
        // that came whole never needed one (a timer started and stopped per request, for nothing).
        if (m_scanned == 0)
            startDeadline(m_server->m_limits.headTimeoutMs);
        m_scanned = m_buffer.size();
        if (m_buffer.size() >= HeadLimit)
            fail(431, "Request headers are too large");
        return false;
    }
    case Phase::Body:
        if (m_buffer.size() < m_headSize + m_bodyLength)
            return false;
        dispatch();
        return true;
    case Phase::Busy:
    case Phase::Closing: return false;
    }
    return false;
}

bool HttpConnection::startBody(qsizetype headSize)
{
    HttpParse p;
    if (!parseHead(QByteArrayView(m_buffer).first(headSize), m_server->m_limits.maxBody, p)) {
        fail(p.status, p.message);
        return false;
    }
    m_request = std::move(p.request);
    m_headSize = headSize;
    m_bodyLength = p.contentLength;
    m_scanned = 0;
    // Before a byte of the body is read or invited: a refused client costs no more than its head.
    if (m_server->m_headCheck) {
        if (const std::optional<HttpAnswer> answer = m_server->m_headCheck(m_request)) {
            answerAndClose(answer->status, answer->headers, answer->body);
            return false;
        }
    }
    // All of it here already: the handler follows from this same pump (step() dispatches next).
    m_request.checkedWhole = m_server->m_headCheck && m_buffer.size() >= headSize + m_bodyLength;
    m_phase = Phase::Body;
    // Room for the whole request at once (its length was checked against maxBody): growing by
    // doubling would leave up to twice the body's size allocated while it arrives.
    if (m_buffer.capacity() < headSize + m_bodyLength)
        m_buffer.reserve(headSize + m_bodyLength);
    if (m_buffer.size() >= headSize + m_bodyLength)
        m_deadline.stop(); // nothing to wait for: dispatched from this same pump
    else
        startDeadline(m_server->m_limits.bodyTimeoutMs);
    if (p.expectContinue && m_buffer.size() - headSize < m_bodyLength)
        send(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    return true;
}

void HttpConnection::dispatch()
{
    const qsizetype total = m_headSize + m_bodyLength;
    if (m_bodyLength == 0) {
        m_buffer.remove(0, total); // keeps its capacity for the next request
    } else if (m_buffer.size() == total) {
        // The common case, nothing pipelined behind it: the body is the buffer, less its head
        // (dropping the front of a QByteArray moves a pointer, not the bytes).
        m_request.body = std::move(m_buffer);
        m_request.body.remove(0, m_headSize);
        m_buffer = QByteArray();
    } else {
        m_request.body = m_buffer.sliced(m_headSize, m_bodyLength);
        m_buffer.remove(0, total);
        if (m_buffer.capacity() > 4 * ReadChunk)
            m_buffer.squeeze(); // a large body's room is not kept for a small pipelined request
    }
    m_phase = Phase::Busy;
    m_deadline.stop();
    m_closeAfter = !m_request.keepAlive;
    m_answeringHttp10 = m_request.http10;
    m_server->m_handler(this, std::exchange(m_request, HttpRequest()));
}

void HttpConnection::send(const QByteArray &bytes)
{
    if (!isOpen()) // the client may have gone while the answer was on its way: nothing to tell
        return;
    m_socket->write(bytes);
    if (!m_highWater && m_socket->bytesToWrite() >= HighWater)
        m_highWater = true;
}

void HttpConnection::onBytesWritten()
{
    const qint64 pending = m_socket->bytesToWrite();
    if (m_phase == Phase::Closing) {
        if (m_linger && pending == 0)
            shutdownWrite();
        else
            startDeadline(m_linger ? LingerMs : m_server->m_limits.idleTimeoutMs); // still moving
    }
    if (m_highWater && pending < HighWater) {
        m_highWater = false;
        Q_EMIT drained();
        if (m_phase == Phase::Idle)
            pump();
    }
}

void HttpConnection::shutdownWrite()
{
    // Half-close: the client reads the answer and its end, while what it still sends is read
    // and dropped until it closes too (or LingerMs passes).
#ifdef Q_OS_WIN
    ::shutdown(SOCKET(m_socket->socketDescriptor()), SD_SEND);
#else
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
#endif
}

void HttpConnection::closeWhenSent()
{
    m_phase = Phase::Closing;
    m_buffer = QByteArray();
    startDeadline(m_server->m_limits.idleTimeoutMs); // a client that never reads the rest is dropped
    m_socket->disconnectFromHost();
}

void HttpConnection::answerAndClose(int status, const HttpHeaders &headers, const QByteArray &body)
{
    QByteArray out;
    out.reserve(160 + body.size());
    appendHead(out, status, headers);
    out += "Connection: close\r\nContent-Length: ";
    appendNumber(out, body.size());
    out += "\r\n\r\n";
    out += body;
    m_phase = Phase::Closing;
    m_linger = true;
    m_buffer = QByteArray();
    m_request = HttpRequest();
    send(out);
    m_socket->flush();
    startDeadline(LingerMs);
    if (m_socket->bytesToWrite() == 0)
        shutdownWrite();
    m_socket->skip(m_socket->bytesAvailable());
}

void HttpConnection::fail(int status, const QByteArray &message)
{
    answerAndClose(status, {{"Content-Type", "application/json"}}, errorBody(status, message));
}

void HttpConnection::respond(int status, const HttpHeaders &headers, const QByteArray &body)
{
    if (m_phase != Phase::Busy || m_streaming)
        return;
    QByteArray out;
    out.reserve(160 + body.size());
    appendHead(out, status, headers);
    out += "Content-Length: ";
    appendNumber(out, body.size());
    out += m_closeAfter ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n";
    out += body;
    send(out);
    finishAnswer();
    // Out now, not at the event loop's next turn: one wake-up less per request, which counts
    // when thousands of idle connections make every turn dear. Last, once the state is settled:
    // a client gone meanwhile is said (disconnected) from inside this call.
    m_socket->flush();
}

void HttpConnection::beginStream(int status, const HttpHeaders &headers)
{
    if (m_phase != Phase::Busy || m_streaming)
        return;
    m_streaming = true;
    // HTTP/1.0 has no chunked encoding (RFC 9112 forbids sending it): the stream goes as plain
    // bytes and its end is the connection's end.
    m_rawStream = m_answeringHttp10;
    if (m_rawStream)
        m_closeAfter = true;
    QByteArray out;
    out.reserve(160);
    appendHead(out, status, headers);
    if (!m_rawStream)
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
    if (m_rawStream)
        return send(data);
    QByteArray out;
    out.reserve(data.size() + 20);
    appendNumber(out, data.size(), 16);
    out += "\r\n";
    out += data;
    out += "\r\n";
    send(out);
}

void HttpConnection::abortStream()
{
    if (!m_streaming)
        return;
    m_streaming = false;
    m_closeAfter = true;
    m_socket->disconnectFromHost(); // what was sent still goes out; the last chunk never does
}

void HttpConnection::endStream()
{
    if (!m_streaming)
        return;
    if (!m_rawStream)
        send(QByteArrayLiteral("0\r\n\r\n"));
    m_streaming = false;
    finishAnswer();
}

void HttpConnection::finishAnswer()
{
    if (m_closeAfter || !isOpen()) {
        closeWhenSent();
        return;
    }
    enterIdle();
    // A pipelined request may already be here, or in the socket (unread while busy, and no new
    // readyRead will come for it). Not pumped from here: the handler is still on the stack.
    if (!m_pumping && (!m_buffer.isEmpty() || m_socket->bytesAvailable() > 0))
        QMetaObject::invokeMethod(this, &HttpConnection::pump, Qt::QueuedConnection);
}

HttpServer::HttpServer(Handler handler, QObject *parent) : QObject(parent), m_server(new QTcpServer(this)), m_handler(std::move(handler))
{
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection())
            accept(socket);
    });
}

void HttpServer::setLimits(const HttpLimits &limits)
{
    m_limits = limits;
    m_limits.maxConnections = std::max(1, limits.maxConnections);
    m_limits.maxPerAddress = std::max(1, limits.maxPerAddress);
    m_limits.maxBody = std::max<qint64>(0, limits.maxBody);
}

void HttpServer::accept(QTcpSocket *socket)
{
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->deleteLater(); // gone before it was taken: it would never say disconnected
        return;
    }
    const QHostAddress from = socket->peerAddress();
    const auto mine = m_byAddress.constFind(from);
    // Idle connections are the cheap way to hold a server: when full, the longest idle one
    // makes room, so a real request is served; only when all are at work is it refused.
    const bool room = (mine == m_byAddress.cend() || mine->size() < m_limits.maxPerAddress || evictIdle(&from))
                      && (m_count < m_limits.maxConnections || evictIdle(nullptr));
    if (!room) {
        static const QByteArray busy = [] {
            const QByteArray body = errorBody(503, "The gateway is busy: every connection is at work; try again");
            QByteArray out;
            appendHead(out, 503, {{"Content-Type", "application/json"}, {"Retry-After", "1"}});
            out += "Connection: close\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
            return out;
        }();
        socket->setParent(this);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(LingerMs, socket, &QTcpSocket::abort); // one that never reads is not kept
        socket->write(busy);
        socket->disconnectFromHost();
        return;
    }
    auto *c = new HttpConnection(socket, this);
    m_byAddress[from].append(c);
    ++m_count;
}

bool HttpServer::evictIdle(const QHostAddress *from)
{
    HttpConnection *oldest = nullptr;
    auto consider = [&oldest](const QList<HttpConnection *> &among) {
        for (HttpConnection *c : among) {
            if (c->evictable() && (!oldest || c->m_idleSince < oldest->m_idleSince))
                oldest = c;
        }
    };
    if (from)
        consider(m_byAddress.value(*from));
    else
        for (const QList<HttpConnection *> &among : std::as_const(m_byAddress))
            consider(among);
    if (!oldest)
        return false;
    forget(oldest);
    oldest->m_socket->abort();
    return true;
}

void HttpServer::forget(HttpConnection *connection)
{
    const auto it = m_byAddress.find(connection->m_peer);
    if (it == m_byAddress.end() || !it->removeOne(connection))
        return; // already forgotten (evicted, then said disconnected)
    --m_count;
    if (it->isEmpty())
        m_byAddress.erase(it);
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error, bool sharedPort)
{
    m_server->setMaxPendingConnections(1024);
    // Qt's default backlog (50) would let a burst of connections be dropped by the kernel
    // before the eviction above ever sees them.
    m_server->setListenBacklogSize(1024);
    if (sharedPort) {
#ifdef Q_OS_WIN
        *error = QStringLiteral("a port shared by threads needs SO_REUSEPORT");
        return false;
#else
        // QTcpServer cannot set SO_REUSEPORT before it binds: the socket is made here, then handed over.
        sockaddr_storage storage{};
        socklen_t length = 0;
        const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
        if (v6) {
            auto *a = reinterpret_cast<sockaddr_in6 *>(&storage);
            a->sin6_family = AF_INET6;
            a->sin6_port = htons(port);
            const Q_IPV6ADDR ip = address.toIPv6Address();
            std::memcpy(&a->sin6_addr, ip.c, sizeof ip.c);
            length = sizeof *a;
        } else {
            auto *a = reinterpret_cast<sockaddr_in *>(&storage);
            a->sin_family = AF_INET;
            a->sin_port = htons(port);
            a->sin_addr.s_addr = htonl(address.toIPv4Address());
            length = sizeof *a;
        }
        const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int on = 1;
        if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0
            || ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0
            || ::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 || ::listen(fd, 1024) != 0
            || !m_server->setSocketDescriptor(fd)) {
            *error = QString::fromLocal8Bit(std::strerror(errno));
            if (fd >= 0)
                ::close(fd);
            return false;
        }
        return true;
#endif
    }
    if (!m_server->listen(address, port)) {
        *error = m_server->errorString();
        return false;
    }
    return true;
}

QHostAddress HttpServer::address() const { return m_server->serverAddress(); }
quint16 HttpServer::port() const { return m_server->serverPort(); }

} // namespace orteam
