// orteam-gateway's HTTP/1.1 server against hostile clients, on loopback with real sockets: a
// strict head parser (what two parsers could read two ways is refused), the head check before
// "100 Continue" and before any body, bounded buffers (pipelining meets TCP back-pressure),
// deadlines (slowloris, slow body, idle), connection caps that evict idle connections first, no
// CR/LF injection into answers, and drained() for a slow reader.
#include "GatewayTestMain.h"
#include "HttpServer.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include <sys/socket.h>
#include <unistd.h>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestHttpServer : public QObject
{
    Q_OBJECT

    std::unique_ptr<HttpServer> m_server;
    QList<QPointer<HttpConnection>> m_held; // requests the test answers itself
    QList<HttpRequest> m_seen;
    QList<bool> m_bodyAlone; // per request: the handler held the only reference to its body
    bool m_hold = false;
    qsizetype m_maxBuffered = 0; // the most one connection held of what its client sent

    void start(const HttpLimits &limits = {})
    {
        m_server = std::make_unique<HttpServer>([this](HttpConnection *c, HttpRequest &&r) {
            const QByteArray body = std::move(r.body);
            m_bodyAlone << body.isDetached();
            r.body = body;
            m_seen << r;
            if (m_hold)
                m_held << c;
            else
                c->respond(200, {{"Content-Type", "text/plain"}}, "hello " + r.target + ' ' + QByteArray::number(r.body.size()));
        });
        m_server->setLimits(limits);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }

    std::unique_ptr<QTcpSocket> open(const QHostAddress &from = QHostAddress())
    {
        auto s = std::make_unique<QTcpSocket>();
        if (!from.isNull() && !s->bind(from))
            return s;
        s->connectToHost(QHostAddress::LocalHost, m_server->port());
        s->waitForConnected(3000); // the kernel completes the handshake: no event loop needed
        return s;
    }

    qsizetype serverBuffered() const
    {
        qsizetype most = 0;
        for (const HttpConnection *c : m_server->findChildren<HttpConnection *>())
            most = std::max(most, c->bufferedBytes());
        return most;
    }

    // Turns the event loop (the server runs on this thread) until `done`, noting how much the
    // server buffered meanwhile.
    template<typename Done>
    bool spin(Done done, int ms = 3000)
    {
        QElapsedTimer t;
        t.start();
        while (!done()) {
            if (t.elapsed() > ms)
                return false;
            QTest::qWait(1);
            m_maxBuffered = std::max(m_maxBuffered, serverBuffered());
        }
        return true;
    }

    // Reads until the server closes the connection or `answers` whole answers have come.
    QByteArray read(QTcpSocket &s, int answers = 1, int ms = 3000)
    {
        QByteArray got;
        spin([&] {
            got += s.readAll();
            return s.state() == QAbstractSocket::UnconnectedState || countAnswers(got) >= answers;
        }, ms);
        return got + s.readAll();
    }

    QByteArray exchange(const QByteArray &request)
    {
        const std::unique_ptr<QTcpSocket> s = open();
        s->write(request);
        return read(*s);
    }

    static int statusOf(const QByteArray &answer) { return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0; }

    // Whole Content-Length answers (interim 1xx ones included) at the front of `got`.
    static int countAnswers(const QByteArray &got)
    {
        int n = 0;
        qsizetype at = 0;
        while (true) {
            const qsizetype headEnd = got.indexOf("\r\n\r\n", at);
            if (headEnd < 0)
                return n;
            const QByteArray head = got.mid(at, headEnd - at).toLower();
            const qsizetype cl = head.indexOf("\r\ncontent-length: ");
            const qsizetype length = cl < 0 ? 0 : head.mid(cl + 18, head.indexOf("\r\n", cl + 2) - cl - 18).toLongLong();
            if (got.size() < headEnd + 4 + length)
                return n;
            at = headEnd + 4 + length;
            ++n;
        }
    }

    static QByteArray post(const QByteArray &body, const QByteArray &extra = {})
    {
        return "POST /p HTTP/1.1\r\nHost: x\r\n" + extra + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

private Q_SLOTS:
    void aSocketNotifierFollowsItsLastSettingBeforeTheLoopWaits()
    {
        // The epoll dispatcher tells the kernel of notifier changes only before it waits: what
        // counts is the last setting then. Under Qt's own dispatcher the same must hold.
        int fds[2];
        QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
        int readable = 0;
        int writable = 0;
        {
            QSocketNotifier read(fds[0], QSocketNotifier::Read);
            connect(&read, &QSocketNotifier::activated, this, [&readable] { ++readable; });
            QCOMPARE(::write(fds[1], "x", 1), 1);
            read.setEnabled(false);
            read.setEnabled(true); // off and on again in one turn: still watched
            QTRY_VERIFY(readable > 0);
            read.setEnabled(false); // the byte is still there, unread: nothing more is said
            QTest::qWait(20);
            const int quiet = readable;
            QTest::qWait(50);
            QCOMPARE(readable, quiet);
            read.setEnabled(true);
            QTRY_VERIFY(readable > quiet);
            read.setEnabled(false);

            QSocketNotifier write(fds[1], QSocketNotifier::Write);
            connect(&write, &QSocketNotifier::activated, this, [&writable] { ++writable; });
            write.setEnabled(false); // on and off in one turn (as a socket does around a write)
            QTest::qWait(50);
            QCOMPARE(writable, 0);
            write.setEnabled(true);
            QTRY_VERIFY(writable > 0);
            write.setEnabled(false);
        }
        ::close(fds[0]);
        ::close(fds[1]);
        // The same descriptor numbers, reused at once by new sockets: watched afresh.
        QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
        readable = 0;
        {
            QSocketNotifier read(fds[0], QSocketNotifier::Read);
            connect(&read, &QSocketNotifier::activated, this, [&readable, fd = fds[0]] {
                char c;
                if (::read(fd, &c, 1) == 1)
                    ++readable;
            });
            QCOMPARE(::write(fds[1], "y", 1), 1);
            QTRY_COMPARE(readable, 1);
        }
        ::close(fds[0]);
        ::close(fds[1]);
    }

    void init()
    {
        m_held.clear();
        m_seen.clear();
        m_bodyAlone.clear();
        m_hold = false;
        m_maxBuffered = 0;
    }

    void cleanup() { m_server.reset(); }

    void malformedHeadsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        const QByteArray get = "GET / HTTP/1.1\r\nHost: x\r\n";
        QTest::newRow("two Content-Lengths") << post("{}", "Content-Length: 2\r\n") << 400;
        QTest::newRow("Content-Length with a sign") << get + "Content-Length: +2\r\n\r\n{}" << 400;
        QTest::newRow("Content-Length with a space inside") << get + "Content-Length: 1 2\r\n\r\n" << 400;
        QTest::newRow("Content-Length overflowing") << get + "Content-Length: 99999999999999999999\r\n\r\n" << 400;
        QTest::newRow("space before the colon") << get + "Content-Length : 2\r\n\r\n{}" << 400;
        QTest::newRow("space in a header name") << get + "X Bad: 1\r\n\r\n" << 400;
        QTest::newRow("NUL in a header name") << get + QByteArray("X-B\0d: 1\r\n\r\n", 12) << 400;
        QTest::newRow("CR in a value") << get + "X-A: a\rb\r\n\r\n" << 400;
        QTest::newRow("NUL in a value") << get + QByteArray("X-A: a\0b\r\n\r\n", 12) << 400;
        QTest::newRow("obs-fold") << get + "X-A: a\r\n b\r\n\r\n" << 400;
        QTest::newRow("HTTP/1.1 without Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two Hosts") << get + "Host: y\r\n\r\n" << 400;
        QTest::newRow("absolute target") << QByteArray("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("asterisk target") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("method not a token") << QByteArray("GE(T / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("two spaces in the request line") << QByteArray("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << 400;
        QTest::newRow("bare LF after CRLF lines") << get + "X-A: 1\n\r\n" << 400;
        QTest::newRow("chunked upload") << get + "Transfer-Encoding: chunked\r\n\r\n" << 411;
        QTest::newRow("body over maxBody") << get + "Content-Length: 2000000\r\n\r\n" << 413;
        QTest::newRow("head over 64 KiB") << get + "X-Big: " + QByteArray(70'000, 'x') + "\r\n\r\n" << 431;
    }

    void malformedHeadsAreRefused()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const HttpParse p = parseHttpRequest(request, 1024 * 1024);
        QCOMPARE(p.state, HttpParse::State::Error);
        QCOMPARE(p.status, status);

        HttpLimits limits;
        limits.maxBody = 1024 * 1024;
        start(limits);
        QElapsedTimer t;
        t.start();
        const QByteArray answer = exchange(request);
        QCOMPARE(statusOf(answer), status);
        QVERIFY2(answer.contains("\r\nConnection: close\r\n"), answer.constData());
        QVERIFY(m_seen.isEmpty());
        QVERIFY2(t.elapsed() < 2000, "refused at once, not when a deadline passed");
    }

    void wellFormedHeadsAreRead()
    {
        HttpParse p = parseHttpRequest("GET /a?b=1 HTTP/1.0\r\nX-Name:\t  spaced value \t\r\nConnection: Keep-Alive\r\n\r\n", 10);
        QCOMPARE(p.state, HttpParse::State::Done);
        QCOMPARE(p.request.path(), QByteArray("/a"));
        QCOMPARE(p.request.header("x-name"), QByteArray("spaced value")); // names lower-cased, OWS trimmed
        QVERIFY(p.request.keepAlive);
        p = parseHttpRequest("POST / HTTP/1.1\r\nhost: x\r\nconnection: foo, close\r\nEXPECT: 100-Continue\r\nContent-Length: 007\r\n\r\n12", 10);
        QCOMPARE(p.state, HttpParse::State::NeedMore);
        QCOMPARE(p.contentLength, 7);
        QVERIFY(p.expectContinue);
        QVERIFY(!p.request.keepAlive);
        QVERIFY(p.headSize > 0);
        const QByteArray two = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n";
        p = parseHttpRequest(two, 10);
        QCOMPARE(p.state, HttpParse::State::Done);
        QCOMPARE(p.consumed, two.size() / 2);
        // The head's end found in pieces, scanning only what is new, is where it is found at once.
        for (const QByteArray &head : {two, QByteArray("GET / HTTP/1.1\r\nA: b\nc\r\n\r\n"), QByteArray("\r\n\r\n")}) {
            const qsizetype whole = findHttpHeadEnd(head);
            for (int step = 1; step < 6; ++step) {
                qsizetype found = 0;
                qsizetype scanned = 0;
                for (qsizetype size = step; found == 0 && scanned < head.size(); size += step) {
                    const QByteArrayView seen = QByteArrayView(head).first(std::min(size, head.size()));
                    found = findHttpHeadEnd(seen, scanned);
                    scanned = seen.size();
                }
                QCOMPARE(found, whole);
            }
        }
        QVERIFY(isHttpToken("X-Orteam_Model.1"));
        QVERIFY(!isHttpToken(""));
        QVERIFY(!isHttpToken("a b"));
        QVERIFY(!isHttpToken("a:b"));
        QVERIFY(isSafeHeaderValue("text/event-stream; q=\t1 \xc3\xa9"));
        QVERIFY(!isSafeHeaderValue("a\r\nX-Injected: 1"));
        QVERIFY(!isSafeHeaderValue(QByteArrayView("a\0b", 3)));
        QVERIFY(!isSafeHeaderValue("a\x7f"));
    }

    void headCheckRefusesBeforeContinue()
    {
        start();
        QList<HttpRequest> checked;
        m_server->setHeadCheck([&checked](const HttpRequest &head) -> std::optional<HttpAnswer> {
            checked << head;
            if (head.header("authorization").isEmpty())
                return HttpAnswer{401, {{"Content-Type", "application/json"}}, R"({"error":{"code":401}})"};
            return std::nullopt;
        });
        const QByteArray head = "POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n";
        std::unique_ptr<QTcpSocket> s = open();
        s->write(head + "\r\n");
        const QByteArray refused = read(*s);
        QCOMPARE(statusOf(refused), 401); // the answer, not "100 Continue"
        QVERIFY(!refused.contains(" 100 "));
        QVERIFY(refused.endsWith(R"({"error":{"code":401}})"));
        QVERIFY(spin([&] { return s->state() == QAbstractSocket::UnconnectedState; }));
        QVERIFY(m_seen.isEmpty());
        QCOMPARE(checked.size(), 1);
        QVERIFY(checked.first().body.isEmpty());
        QCOMPARE(checked.first().target, QByteArray("/p"));

        // Allowed: then, and only then, "100 Continue", and the body is read.
        s = open();
        s->write(head + "Authorization: Bearer t\r\n\r\n");
        QByteArray got;
        QVERIFY(spin([&] { return (got += s->readAll()).size() >= 25; }));
        QCOMPARE(got, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        QVERIFY(m_seen.isEmpty());
        s->write("hello");
        got = read(*s);
        QCOMPARE(statusOf(got), 200);
        QVERIFY(got.endsWith("hello /p 5"));
        QCOMPARE(m_seen.size(), 1);
        QCOMPARE(m_seen.first().body, QByteArray("hello"));
    }

    void aRefusedBigBodyIsNeverBuffered()
    {
        start();
        m_server->setHeadCheck([](const HttpRequest &) { return std::optional<HttpAnswer>(HttpAnswer{401, {}, "no token"}); });
        const std::unique_ptr<QTcpSocket> s = open();
        QElapsedTimer t;
        t.start();
        s->write(post(QByteArray(10 * 1024 * 1024, 'x')));
        const QByteArray got = read(*s);
        QCOMPARE(statusOf(got), 401);
        QVERIFY(got.endsWith("no token"));
        // The client reads its answer and the end of the connection; nothing of the 10 MB is kept.
        QVERIFY(spin([&] { return m_server->connectionCount() == 0; }, 3000));
        QVERIFY2(t.elapsed() < 2500, QByteArray::number(t.elapsed()).constData());
        QVERIFY(m_seen.isEmpty());
        QVERIFY2(m_maxBuffered <= 192 * 1024, QByteArray::number(m_maxBuffered).constData());
    }

    void aHandedOverBodyIsTheHandlersAlone()
    {
        // The gateway drops a body of up to 10 MB as soon as it has parsed it: that frees the
        // memory only if the server kept no reference of its own (its buffer, its request).
        start();
        const QByteArray large(1024 * 1024, 'b');
        const std::unique_ptr<QTcpSocket> s = open();
        s->write(post(large)); // alone: the body is the connection's buffer, handed over whole
        QCOMPARE(statusOf(read(*s)), 200);
        s->write(post(large) + post("small") + post(large)); // pipelined: sliced from the buffer
        const QByteArray answers = read(*s, 3);
        QCOMPARE(countAnswers(answers), 3);
        QCOMPARE(m_seen.size(), 4);
        QCOMPARE(m_seen.at(0).body, large);
        QCOMPARE(m_seen.at(2).body, "small");
        QCOMPARE(m_seen.at(3).body, large);
        QCOMPARE(m_bodyAlone, QList<bool>({true, true, true, true}));
    }

    void pipelinedRequestsWaitAndMeetBackPressure()
    {
        HttpLimits limits;
        limits.maxBody = 64 * 1024 * 1024;
        start(limits);
        m_hold = true;
        const std::unique_ptr<QTcpSocket> s = open();
        s->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, 64 * 1024);
        const QByteArray big(24 * 1024 * 1024, 'b');
        s->write("GET /one HTTP/1.1\r\nHost: x\r\n\r\n" + post(big) + "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QVERIFY(spin([&] { return !m_held.isEmpty(); }));
        // While /one is being answered, the rest waits in the client and the kernel, not here.
        m_maxBuffered = 0;
        spin([] { return false; }, 300);
        QCOMPARE(m_seen.size(), 1);
        QVERIFY2(m_maxBuffered <= 192 * 1024, QByteArray::number(m_maxBuffered).constData());
        QVERIFY2(s->bytesToWrite() > 8 * 1024 * 1024, QByteArray::number(s->bytesToWrite()).constData());

        QByteArray got;
        for (const QByteArray target : {"/one", "/p", "/three"}) {
            QVERIFY(spin([&] { got += s->readAll(); return !m_held.isEmpty(); }, 10'000));
            QCOMPARE(m_seen.last().target, target);
            QPointer<HttpConnection> c = m_held.takeFirst();
            QVERIFY(c);
            c->respond(200, {}, target + ' ' + QByteArray::number(m_seen.last().body.size()));
        }
        got += read(*s, 3);
        QCOMPARE(countAnswers(got), 3);
        const qsizetype one = got.indexOf("/one 0");
        const qsizetype two = got.indexOf("/p 25165824");
        const qsizetype three = got.indexOf("/three 0");
        QVERIFY2(one > 0 && two > one && three > two, got.constData());
    }

    void slowRequestsGet408_data()
    {
        QTest::addColumn<QByteArray>("atOnce");
        QTest::addColumn<QByteArray>("trickled");
        QTest::addColumn<QByteArray>("late");
        QTest::newRow("slowloris head") << QByteArray() << "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + QByteArray(40, 'a')
                                        << QByteArray("head");
        QTest::newRow("slow body") << QByteArray("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n")
                                   << QByteArray(40, 'x') << QByteArray("body");
    }

    void slowRequestsGet408()
    {
        QFETCH(QByteArray, atOnce);
        QFETCH(QByteArray, trickled);
        QFETCH(QByteArray, late);
        HttpLimits limits;
        limits.headTimeoutMs = 300;
        limits.bodyTimeoutMs = 300;
        start(limits);
        const std::unique_ptr<QTcpSocket> s = open();
        s->write(atOnce);
        QElapsedTimer t;
        t.start();
        QByteArray got;
        // One byte every 50 ms: each keeps the connection busy, none moves the deadline.
        for (qsizetype i = 0; i < trickled.size() && s->state() == QAbstractSocket::ConnectedState; ++i) {
            s->write(trickled.mid(i, 1));
            QTest::qWait(50);
            got += s->readAll();
        }
        got += read(*s);
        QCOMPARE(statusOf(got), 408);
        QVERIFY2(got.contains(QByteArray("request's " + late + " took too long")), got.constData());
        QVERIFY2(t.elapsed() >= 250 && t.elapsed() < 1500, QByteArray::number(t.elapsed()).constData());
        QVERIFY(m_seen.isEmpty());
    }

    void idleConnectionsCloseButAnswersAreNotCut()
    {
        HttpLimits limits;
        limits.idleTimeoutMs = 300;
        limits.headTimeoutMs = 300;
        limits.bodyTimeoutMs = 300;
        start(limits);
        std::unique_ptr<QTcpSocket> s = open();
        s->write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(statusOf(read(*s)), 200);
        QElapsedTimer t;
        t.start();
        QVERIFY(spin([&] { return s->state() == QAbstractSocket::UnconnectedState; }));
        QVERIFY2(t.elapsed() >= 250 && t.elapsed() < 1500, QByteArray::number(t.elapsed()).constData());
        QVERIFY(spin([&] { return m_server->connectionCount() == 0; }));

        // An answer that takes longer than every deadline still goes out whole.
        m_hold = true;
        s = open();
        s->write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(spin([&] { return !m_held.isEmpty(); }));
        QTest::qWait(700);
        QCOMPARE(s->state(), QAbstractSocket::ConnectedState);
        QVERIFY(m_held.first());
        m_held.first()->respond(200, {}, "late");
        const QByteArray got = read(*s);
        QCOMPARE(statusOf(got), 200);
        QVERIFY(got.endsWith("late"));
    }

    void idleConnectionsFromOneAddressAreEvictedForARealRequest()
    {
        start(); // 512 per address
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 2000; ++i) {
            idle.push_back(open());
            QCOMPARE(idle.back()->state(), QAbstractSocket::ConnectedState);
            if (i % 64 == 63)
                QCoreApplication::processEvents(); // accepted as they come, as in a real flood
        }
        QVERIFY(spin([&] { return m_server->connectionCount() == 512; }));
        const QByteArray got = exchange("GET /real HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(statusOf(got), 200);
        QVERIFY(got.endsWith("hello /real 0"));
        QVERIFY(m_server->connectionCount() <= 512);
        // The longest idle went first: the first 1,489 opened are closed (511 idle ones stay,
        // beside the real request's), the last ones are not.
        const int evicted = 2000 - 511;
        auto closed = [&] {
            return std::count_if(idle.begin(), idle.end(), [](const auto &s) { return s->state() == QAbstractSocket::UnconnectedState; });
        };
        QVERIFY(spin([&] { return closed() >= evicted; }));
        for (int i = 0; i < 2000; ++i)
            QCOMPARE(idle[i]->state() == QAbstractSocket::ConnectedState, i >= evicted);
    }

    void busyConnectionsAreNotEvicted()
    {
        HttpLimits limits;
        limits.maxPerAddress = 3;
        limits.maxConnections = 4;
        start(limits);
        m_hold = true;
        std::vector<std::unique_ptr<QTcpSocket>> busy;
        for (int i = 0; i < 2; ++i) {
            busy.push_back(open());
            busy.back()->write("GET /busy HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        busy.push_back(open());
        busy.back()->write("GET /half"); // a request on its way is not idle either
        QVERIFY(spin([&] { return m_held.size() == 2 && m_server->connectionCount() == 3; }));
        std::unique_ptr<QTcpSocket> extra = open();
        QByteArray got = read(*extra);
        QCOMPARE(statusOf(got), 503);
        QVERIFY(got.contains("Retry-After: 1"));
        QVERIFY(spin([&] { return extra->state() == QAbstractSocket::UnconnectedState; }));
        // The cap is per address: another address is served (the fourth connection, held busy).
        std::unique_ptr<QTcpSocket> other = open(QHostAddress(u"127.0.0.2"_s));
        if (other->state() != QAbstractSocket::ConnectedState)
            QSKIP("127.0.0.2 is not on the loopback here");
        other->write("GET /other HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(spin([&] { return m_held.size() == 3 && m_server->connectionCount() == 4; }));
        // The total cap: four in all, none idle, so one from yet another address is refused...
        std::unique_ptr<QTcpSocket> fifth = open(QHostAddress(u"127.0.0.3"_s));
        QCOMPARE(statusOf(read(*fifth)), 503);
        // ...until one of them is idle: answered, the one from 127.0.0.2 makes room.
        m_held.last()->respond(200, {}, "other");
        QCOMPARE(statusOf(read(*other)), 200);
        fifth = open(QHostAddress(u"127.0.0.3"_s));
        fifth->write("GET /fifth HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(spin([&] { return m_held.size() == 4; }));
        QCOMPARE(m_seen.last().target, QByteArray("/fifth"));
        QVERIFY(spin([&] { return other->state() == QAbstractSocket::UnconnectedState; }));
        QCOMPARE(m_server->connectionCount(), 4);
        for (const auto &s : busy)
            QCOMPARE(s->state(), QAbstractSocket::ConnectedState);
    }

    void unsafeHeadersAreDroppedFromAnswers()
    {
        start();
        m_hold = true;
        const std::unique_ptr<QTcpSocket> s = open();
        s->write("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(spin([&] { return m_held.size() == 1; }));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropped from an answer"_s));
        const HttpHeaders headers{{"X-Ok", "fine"},
                                  {"X-Model", "m\r\nX-Injected: 1"},
                                  {"X-Bad Name", "x"},
                                  {"X-Nul", QByteArray("a\0b", 3)},
                                  {"Content-Length", "999"}};
        m_held.takeFirst()->respond(200, headers, "body");
        QVERIFY(spin([&] { return m_held.size() == 1; }));
        m_held.first()->beginStream(200, headers);
        m_held.first()->writeChunk("data");
        m_held.first()->endStream();
        QByteArray got;
        QVERIFY(spin([&] { return (got += s->readAll()).endsWith("0\r\n\r\n"); }));
        QVERIFY2(!got.contains("Injected"), got.constData());
        QVERIFY(!got.contains("X-Model"));
        QVERIFY(!got.contains("Bad Name"));
        QVERIFY(!got.contains("X-Nul"));
        QVERIFY(!got.contains("999"));
        QCOMPARE(got.count("X-Ok: fine\r\n"), 2);
        const qsizetype split = got.indexOf("HTTP/1.1", 1);
        QCOMPARE(got.left(split),
                 QByteArray("HTTP/1.1 200 OK\r\nX-Ok: fine\r\nContent-Length: 4\r\n\r\nbody"));
        QCOMPARE(got.mid(split),
                 QByteArray("HTTP/1.1 200 OK\r\nX-Ok: fine\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n"));
    }

    void drainedFiresWhenASlowReaderCatchesUp()
    {
        start();
        m_hold = true;
        const std::unique_ptr<QTcpSocket> s = open();
        s->setReadBufferSize(1024); // the client stops reading: the kernel's buffers fill, then ours
        s->write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(spin([&] { return m_held.size() == 1; }));
        HttpConnection *c = m_held.first();
        QSignalSpy drained(c, &HttpConnection::drained);
        c->beginStream(200, {{"Content-Type", "text/event-stream"}});
        const QByteArray chunk(256 * 1024, 'e');
        qint64 written = 0;
        while (c->pendingOutput() < HttpConnection::HighWater && written < 256 * 1024 * 1024) {
            c->writeChunk(chunk);
            written += chunk.size();
            QCoreApplication::processEvents();
        }
        QVERIFY(c->pendingOutput() >= HttpConnection::HighWater);
        QCOMPARE(drained.count(), 0);
        s->setReadBufferSize(0);
        qint64 read = 0;
        QVERIFY(spin([&] { read += s->readAll().size(); return drained.count() > 0; }, 10'000));
        QVERIFY(c->pendingOutput() < HttpConnection::HighWater);
        QCOMPARE(drained.count(), 1);
        c->endStream();
        QByteArray tail;
        QVERIFY(spin([&] {
            const QByteArray more = s->readAll();
            read += more.size();
            tail = QByteArray(tail + more).right(5);
            return tail == "0\r\n\r\n";
        }, 10'000));
        QVERIFY(read > written);
    }
};

ORTEAM_GATEWAY_TEST_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
