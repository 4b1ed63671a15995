#include "UpstreamClient.h"

#include <QBasicTimer>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QPointer>
#include <QScopeGuard>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>

#include <cerrno>
#include <cstring>
#include <limits>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <sys/socket.h>
#endif

namespace orteam {

namespace {
constexpr qsizetype MaxHead = 64 * 1024;
constexpr qsizetype MaxChunkLine = 4 * 1024;
// Qt reads the kernel's bytes into the socket's buffer; bounded, so an answer nobody reads meets
// TCP back-pressure instead of filling memory.
constexpr qint64 SocketBuffer = 1024 * 1024;
constexpr qsizetype SmallBody = 16 * 1024; // copied into the request's head buffer, sent with it

bool equalsLower(QByteArrayView v, QByteArrayView lower)
{
    return v.size() == lower.size() && qstrnicmp(v.data(), v.size(), lower.data(), lower.size()) == 0;
}

QByteArrayView trim(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v.chop(1);
    return v;
}

std::optional<qint64> parseNumber(QByteArrayView v, int base)
{
    if (v.isEmpty() || v.size() > 15)
        return std::nullopt;
    qint64 n = 0;
    for (char c : v) {
        int d = -1;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        if (d < 0)
            return std::nullopt;
        n = n * base + d;
    }
    return n;
}

void appendHeaderLines(QByteArray &out, const HttpHeaders &headers)
{
    for (const auto &[name, value] : headers) {
        // Whatever reached a header from a client must not be able to write headers of its own.
        if (!isHttpToken(name) || !isSafeHeaderValue(value) || equalsLower(name, "host")
            || equalsLower(name, "content-length") || equalsLower(name, "connection")
            || equalsLower(name, "transfer-encoding"))
            continue;
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
}

// Whether the upstream has said anything (or hung up) on a connection that was idle: a pooled
// connection with either is not used again. One non-blocking peek, so a close that the event
// loop has not yet delivered is seen before a request is written into it.
bool idleConnectionSpoke(QTcpSocket *socket)
{
    if (socket->state() != QAbstractSocket::ConnectedState || socket->bytesAvailable() > 0)
        return true;
    char c;
#ifdef Q_OS_WIN
    const int n = ::recv(SOCKET(socket->socketDescriptor()), &c, 1, MSG_PEEK);
    return n == 0 || (n > 0) || (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK);
#else
    const ssize_t n = ::recv(int(socket->socketDescriptor()), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
#endif
}
} // namespace

// One TCP (or TLS) connection to the upstream, answering one request at a time.
class UpstreamConnection final : public QObject
{
public:
    UpstreamConnection(UpstreamClient *client) : QObject(client), m_client(client)
    {
        if (client->m_tls) {
            auto *tls = new QSslSocket(this);
            m_socket = tls;
            connect(tls, &QSslSocket::encrypted, this, &UpstreamConnection::onConnected);
            // Certificate errors are not ignored: the socket fails, and so does the request.
        } else {
            m_socket = new QTcpSocket(this);
            connect(m_socket, &QTcpSocket::connected, this, &UpstreamConnection::onConnected);
        }
        m_socket->setReadBufferSize(SocketBuffer);
        connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::process);
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
            m_wrote = true;
            m_lastActivity.start();
            // Once all of it is out it can never be sent again (see ended()): a large body is not
            // kept for the rest of the answer, nor while the connection waits in the pool.
            if (m_socket->bytesToWrite() == 0) {
                m_request.body = QByteArray();
                m_request.headers.clear();
            }
        });
        connect(m_socket, &QTcpSocket::errorOccurred, this, [this] { onGone(); });
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { onGone(); });
        ++client->m_opened;
        if (client->m_tls)
            static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(client->m_host, client->m_port);
        else
            m_socket->connectToHost(client->m_host, client->m_port);
    }

    ~UpstreamConnection() override
    {
        // The client is going (or this connection is): an answer under way ends without a word.
        if (m_reply) {
            m_reply->m_connection = nullptr;
            m_reply = nullptr;
        }
        m_socket->disconnect(this);
    }

    void start(UpstreamReply *reply, UpstreamRequest request, bool reused)
    {
        m_reply = reply;
        reply->m_connection = this;
        m_request = std::move(request);
        m_reused = reused;
        m_wrote = false;
        m_received = false;
        m_headDone = false;
        m_framing = Framing::None;
        m_timer.stop();
        if (m_connected)
            writeRequest();
        else
            restartTimer(); // the connect counts against the same deadline
    }

    // The reply went away (deleted) before its end: this connection is mid-answer, not reusable.
    void abandon()
    {
        m_reply = nullptr;
        close();
    }

    // Reading paused for a full reply buffer: the reply was read, read on (later, not from
    // within the caller's readAll()).
    void resume()
    {
        if (m_paused) {
            m_paused = false;
            QMetaObject::invokeMethod(this, &UpstreamConnection::process, Qt::QueuedConnection);
        }
    }

    bool idleAndUsable() const
    {
        return !m_reply && m_connected
               && !m_idleSince.hasExpired() && !idleConnectionSpoke(m_socket);
    }

    void discard() { close(); }

    void parkIdle(int timeoutMs)
    {
        m_idleSince = QDeadlineTimer(timeoutMs);
        m_timer.stop();
    }

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (event->timerId() != m_timer.timerId())
            return QObject::timerEvent(event);
        m_timer.stop();
        const qint64 quiet = m_lastActivity.elapsed();
        if (quiet < m_request.timeoutMs) {
            m_timer.start(int(m_request.timeoutMs - quiet), this);
            return;
        }
        fail(UpstreamReply::Error::Timeout, QStringLiteral("The server sent nothing for %1 ms").arg(m_request.timeoutMs));
    }

private:
    enum class Framing { None, Length, Chunked, UntilClose };
    enum class Chunk { Size, Data, DataEnd, Trailer };

    // The deadline is for silence: each read or write only notes the time, and the one timer
    // (armed once per request, not re-armed per read) looks at it when it fires.
    void restartTimer()
    {
        m_lastActivity.start();
        if (m_reply && m_request.timeoutMs > 0 && !m_timer.isActive())
            m_timer.start(m_request.timeoutMs, this);
    }

    void onConnected()
    {
        m_connected = true;
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); // a request goes out in one segment, now
        if (m_reply)
            writeRequest();
    }

    void writeRequest()
    {
        QByteArray out;
        out.reserve(256 + m_request.headerLines.size() + m_request.body.size());
        out += m_request.method;
        out += ' ';
        out += m_request.target;
        out += " HTTP/1.1\r\nHost: ";
        out += m_client->m_hostHeader;
        out += "\r\n";
        out += m_request.headerLines;
        appendHeaderLines(out, m_request.headers);
        if (!m_request.body.isEmpty() || m_request.method == "POST" || m_request.method == "PUT") {
            out += "Content-Length: ";
            out += QByteArray::number(m_request.body.size());
            out += "\r\n";
        }
        out += "\r\n";
        // A small body goes in the head's buffer: one send, not two. A large one is its own chunk
        // (shared, not copied).
        const bool together = m_request.body.size() <= SmallBody;
        if (together)
            out += m_request.body;
        m_socket->write(out);
        if (!together)
            m_socket->write(m_request.body);
        // Written now rather than at the event loop's next turn: one wake-up less per request,
        // which counts when thousands of idle connections make every turn dear.
        m_socket->flush();
        restartTimer();
    }

    void process()
    {
        while (m_reply) {
            if (m_reply->m_readBufferSize > 0 && m_reply->m_body.size() >= m_reply->m_readBufferSize) {
                m_paused = true; // readAll() resumes
                return;
            }
            const qint64 available = m_socket->bytesAvailable();
            if (available > 0) {
                const qsizetype had = m_in.size();
                m_in.resize(had + available);
                const qint64 got = m_socket->read(m_in.data() + had, available);
                m_in.resize(had + std::max<qint64>(0, got));
                m_received = true;
                m_lastActivity.start();
            }
            const qsizetype before = m_in.size();
            if (!parse())
                return; // finished or failed: the reply is gone from this connection
            if (m_in.size() == before && available <= 0)
                break; // nothing more until more arrives
        }
        if (!m_reply) {
            if (m_socket->bytesAvailable() > 0)
                close(); // the upstream talks on an idle connection: out of step
            return;
        }
        if (m_gone)
            ended(); // every byte before the close is parsed
    }

    // Parses what m_in holds; false once the reply finished (or failed).
    bool parse()
    {
        if (!m_headDone && !parseHead())
            return false;
        if (!m_headDone)
            return true;
        QPointer<UpstreamReply> reply = m_reply;
        const qsizetype had = reply->m_body.size();
        bool complete = false;
        switch (m_framing) {
        case Framing::None: complete = true; break;
        case Framing::UntilClose:
            reply->m_body += m_in;
            m_in.clear();
            break;
        case Framing::Length: {
            const qint64 n = std::min<qint64>(m_left, m_in.size());
            reply->m_body.append(m_in.constData(), n);
            m_in.remove(0, n);
            m_left -= n;
            complete = m_left == 0;
            break;
        }
        case Framing::Chunked:
            if (!parseChunks(&complete))
                return false;
            break;
        }
        if (reply->m_body.size() > had) {
            Q_EMIT reply->readyRead();
            if (!reply || reply != m_reply)
                return false; // deleted, or aborted, from the slot
        }
        if (complete) {
            finish();
            return false;
        }
        return true;
    }

    bool parseHead()
    {
        for (;;) {
            const qsizetype end = m_in.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_in.size() > MaxHead) {
                    fail(UpstreamReply::Error::Malformed, QStringLiteral("The server's answer head is over 64 KiB"));
                    return false;
                }
                return true;
            }
            if (end + 4 > MaxHead) {
                fail(UpstreamReply::Error::Malformed, QStringLiteral("The server's answer head is over 64 KiB"));
                return false;
            }
            const QByteArrayView head = QByteArrayView(m_in).first(end + 2);
            qsizetype at = head.indexOf("\r\n");
            const QByteArrayView statusLine = head.first(at);
            // "HTTP/1.x NNN reason"
            if (statusLine.size() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine[8] != ' '
                || (statusLine.size() > 12 && statusLine[12] != ' ')) {
                fail(UpstreamReply::Error::Malformed, QStringLiteral("The server did not answer in HTTP/1.1"));
                return false;
            }
            const std::optional<qint64> status = parseNumber(statusLine.sliced(9, 3), 10);
            if (!status || *status < 100) {
                fail(UpstreamReply::Error::Malformed, QStringLiteral("The server's status line is malformed"));
                return false;
            }
            if (*status < 200) { // 100 Continue and friends: the real head follows
                m_in.remove(0, end + 4);
                continue;
            }
            const bool http10 = statusLine[7] == '0';
            bool keepAlive = !http10;
            bool chunked = false;
            std::optional<qint64> length;
            at += 2;
            const qsizetype linesAt = at;
            while (at < head.size()) {
                const qsizetype lineEnd = head.indexOf("\r\n", at);
                const QByteArrayView line = head.sliced(at, lineEnd - at);
                at = lineEnd + 2;
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0 || !isHttpToken(line.first(colon))) {
                    fail(UpstreamReply::Error::Malformed, QStringLiteral("The server sent a malformed header line"));
                    return false;
                }
                const QByteArrayView name = line.first(colon);
                const QByteArrayView value = trim(line.sliced(colon + 1));
                if (equalsLower(name, "content-length")) {
                    const std::optional<qint64> n = parseNumber(value, 10);
                    if (!n || (length && *length != *n)) {
                        fail(UpstreamReply::Error::Malformed, QStringLiteral("The server sent a bad Content-Length"));
                        return false;
                    }
                    length = n;
                } else if (equalsLower(name, "transfer-encoding")) {
                    const QByteArray codings = value.toByteArray().toLower();
                    chunked = codings.endsWith("chunked");
                } else if (equalsLower(name, "connection")) {
                    const QByteArray v = value.toByteArray().toLower();
                    if (v.contains("close"))
                        keepAlive = false;
                    else if (v.contains("keep-alive"))
                        keepAlive = true;
                }
            }
            QByteArray headLines = head.sliced(linesAt).toByteArray(); // `head` is m_in's, about to go
            m_in.remove(0, end + 4);
            m_keepAlive = keepAlive;
            m_headDone = true;
            if (m_request.method == "HEAD" || *status == 204 || *status == 304) {
                m_framing = Framing::None;
            } else if (chunked) {
                m_framing = Framing::Chunked;
                m_chunk = Chunk::Size;
            } else if (length) {
                m_framing = *length ? Framing::Length : Framing::None;
                m_left = *length;
            } else {
                m_framing = Framing::UntilClose;
                m_keepAlive = false;
            }
            QPointer<UpstreamReply> reply = m_reply;
            reply->m_status = int(*status);
            // The header lines as they came (checked above), looked up when asked: the gateway
            // asks for one header of the five or so an answer has, and a name and a value made
            // into their own arrays for each cost more than the rest of reading the head.
            reply->m_head = std::move(headLines);
            Q_EMIT reply->headReceived();
            return reply && reply == m_reply;
        }
    }

    // De-chunks what m_in holds into the reply; false on a malformed chunk (failed). What it used
    // is dropped from m_in once, at the end: many small chunks in one read cost no quadratic copy.
    bool parseChunks(bool *complete)
    {
        qsizetype at = 0;
        const auto consumed = qScopeGuard([this, &at] { m_in.remove(0, at); });
        while (!*complete) {
            const QByteArrayView rest = QByteArrayView(m_in).sliced(at);
            switch (m_chunk) {
            case Chunk::Size: {
                const qsizetype lf = rest.indexOf('\n');
                if (lf < 0)
                    return rest.size() > MaxChunkLine ? failChunk() : true;
                QByteArrayView line = rest.first(lf);
                if (const qsizetype semicolon = line.indexOf(';'); semicolon >= 0)
                    line = line.first(semicolon); // chunk extensions: ignored
                const std::optional<qint64> size = parseNumber(trim(line), 16);
                if (!size)
                    return failChunk();
                at += lf + 1;
                m_left = *size;
                m_chunk = *size ? Chunk::Data : Chunk::Trailer;
                break;
            }
            case Chunk::Data: {
                if (rest.isEmpty())
                    return true;
                const qint64 n = std::min<qint64>(m_left, rest.size());
                m_reply->m_body.append(rest.data(), n);
                at += n;
                m_left -= n;
                if (m_left == 0)
                    m_chunk = Chunk::DataEnd;
                break;
            }
            case Chunk::DataEnd:
                if (rest.size() < 2)
                    return rest.isEmpty() || rest[0] == '\r' ? true : failChunk();
                if (rest[0] != '\r' || rest[1] != '\n')
                    return failChunk();
                at += 2;
                m_chunk = Chunk::Size;
                break;
            case Chunk::Trailer: {
                const qsizetype lf = rest.indexOf('\n');
                if (lf < 0)
                    return rest.size() > MaxHead ? failChunk() : true;
                *complete = lf == 0 || (lf == 1 && rest[0] == '\r');
                at += lf + 1;
                break;
            }
            }
        }
        return true;
    }

    bool failChunk()
    {
        fail(UpstreamReply::Error::Malformed, QStringLiteral("The server sent a malformed chunk"));
        return false;
    }

    void finish()
    {
        m_timer.stop();
        UpstreamReply *reply = m_reply;
        reply->m_finished = true;
        reply->m_connection = nullptr;
        m_reply = nullptr;
        // Reused only after a complete answer with nothing after it, and once the request is all
        // written: an upstream may answer before reading a large body (nginx does), and the next
        // request would then go out behind the rest of this one's body, which also stays held.
        if (m_keepAlive && m_in.isEmpty() && m_socket->bytesAvailable() == 0 && m_socket->bytesToWrite() == 0
            && m_socket->state() == QAbstractSocket::ConnectedState)
            m_client->recycle(this);
        else
            close();
        Q_EMIT reply->finished();
    }

    void onGone()
    {
        if (m_gone)
            return;
        m_gone = true;
        if (!m_reply)
            return close(); // idle in the pool, or done
        process(); // what arrived before the end is still the answer's; then ended()
    }

    // The connection closed while m_reply waits, and all it had received is parsed.
    void ended()
    {
        if (m_headDone && m_framing == Framing::UntilClose)
            return finish();
        // A pooled connection the upstream had closed: if not one byte of the request reached
        // it, the upstream cannot have seen it, and it goes again, once, on a fresh connection.
        if (m_reused && !m_wrote && !m_received && !m_reply->m_retried) {
            UpstreamReply *reply = m_reply;
            reply->m_connection = nullptr;
            reply->m_retried = true;
            m_reply = nullptr;
            m_client->start(reply, std::move(m_request), true);
            return close();
        }
        const QAbstractSocket::SocketError e = m_socket->error();
        using E = UpstreamReply::Error;
        const E error = e == QAbstractSocket::ConnectionRefusedError ? E::ConnectionRefused
                        : e == QAbstractSocket::HostNotFoundError    ? E::HostNotFound
                        : e == QAbstractSocket::RemoteHostClosedError || e == QAbstractSocket::UnknownSocketError
                            ? E::Closed
                        // Before the handshake ended, nothing was sent; a TLS error after it (a bad
                        // record mid-answer) may follow a request that went: that is Network.
                        : !m_connected
                                && (e == QAbstractSocket::SslHandshakeFailedError || e == QAbstractSocket::SslInvalidUserDataError
                                    || e == QAbstractSocket::SslInternalError)
                            ? E::Tls
                            : E::Network;
        fail(error, error == E::Closed ? QStringLiteral("The server closed the connection before the answer's end")
                                       : m_socket->errorString());
    }

    void fail(UpstreamReply::Error error, const QString &why)
    {
        UpstreamReply *reply = m_reply;
        if (reply) {
            reply->m_error = error;
            reply->m_errorString = why;
            reply->m_finished = true;
            reply->m_connection = nullptr;
            m_reply = nullptr;
        }
        close();
        if (!reply)
            return;
        if (reply->m_starting) // failed inside send(): its caller has not connected to it yet
            QMetaObject::invokeMethod(reply, &UpstreamReply::finished, Qt::QueuedConnection);
        else
            Q_EMIT reply->finished();
    }

    void close()
    {
        m_timer.stop();
        m_client->forget(this);
        m_socket->disconnect(this);
        m_socket->abort();
        deleteLater();
    }

    UpstreamClient *m_client;
    QTcpSocket *m_socket = nullptr;
    UpstreamReply *m_reply = nullptr;
    UpstreamRequest m_request;
    QByteArray m_in; // received, not yet parsed
    QBasicTimer m_timer;
    QElapsedTimer m_lastActivity;
    QDeadlineTimer m_idleSince;
    Framing m_framing = Framing::None;
    Chunk m_chunk = Chunk::Size;
    qint64 m_left = 0; // Length: of the body; Chunked: of the current chunk
    bool m_connected = false;
    bool m_reused = false;
    bool m_wrote = false;    // some of the request reached the kernel
    bool m_received = false; // some of an answer arrived
    bool m_headDone = false;
    bool m_keepAlive = true;
    bool m_paused = false;
    bool m_gone = false;
};

UpstreamReply::~UpstreamReply()
{
    if (m_connection)
        m_connection->abandon();
}

QByteArray UpstreamReply::header(QByteArrayView lowerCaseName) const
{
    // Each line "name: value\r\n", checked when the head was read: the first with that name.
    const QByteArrayView head(m_head);
    for (qsizetype at = 0; at < head.size();) {
        const qsizetype lineEnd = head.indexOf("\r\n", at);
        const QByteArrayView line = head.sliced(at, lineEnd - at);
        at = lineEnd + 2;
        const qsizetype colon = line.indexOf(':');
        if (equalsLower(line.first(colon), lowerCaseName))
            return trim(line.sliced(colon + 1)).toByteArray();
    }
    return {};
}

QByteArray UpstreamReply::readAll()
{
    QByteArray out = std::move(m_body);
    m_body = QByteArray();
    if (m_connection)
        m_connection->resume();
    return out;
}

UpstreamClient::UpstreamClient(const QUrl &base, QObject *parent) : QObject(parent)
{
    m_tls = base.scheme() == QLatin1String("https");
    m_host = base.host();
    m_port = quint16(base.port(m_tls ? 443 : 80));
    m_basePath = base.path();
    while (m_basePath.endsWith(u'/'))
        m_basePath.chop(1);
    QByteArray host = base.host(QUrl::FullyEncoded).toUtf8();
    if (host.contains(':'))
        host = '[' + host + ']'; // an IPv6 address
    if (base.port() >= 0 && base.port() != (m_tls ? 443 : 80))
        host += ':' + QByteArray::number(base.port());
    m_hostHeader = host;
}

UpstreamClient::~UpstreamClient()
{
    // Children (connections, replies) go with it; none may call back into a caller being destroyed.
    const QList<UpstreamConnection *> all = m_all;
    m_all.clear();
    m_idle.clear();
    qDeleteAll(all);
}

QByteArray UpstreamClient::headerLines(const HttpHeaders &headers)
{
    QByteArray out;
    appendHeaderLines(out, headers);
    return out;
}

UpstreamReply *UpstreamClient::send(UpstreamRequest request)
{
    auto *reply = new UpstreamReply(this);
    reply->m_starting = true;
    start(reply, std::move(request), false);
    reply->m_starting = false;
    return reply;
}

void UpstreamClient::start(UpstreamReply *reply, UpstreamRequest request, bool fresh)
{
    while (!fresh && !m_idle.isEmpty()) {
        UpstreamConnection *c = m_idle.takeLast();
        if (c->idleAndUsable()) {
            c->start(reply, std::move(request), true);
            return;
        }
        c->discard();
    }
    auto *c = new UpstreamConnection(this);
    m_all.append(c);
    c->start(reply, std::move(request), false);
}

void UpstreamClient::recycle(UpstreamConnection *connection)
{
    if (m_idle.size() >= m_maxIdle)
        return connection->discard();
    connection->parkIdle(m_idleTimeoutMs);
    m_idle.append(connection);
}

void UpstreamClient::forget(UpstreamConnection *connection)
{
    m_idle.removeOne(connection);
    m_all.removeOne(connection);
}

} // namespace orteam
