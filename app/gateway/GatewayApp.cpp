#include "GatewayApp.h"

#include "Gateway.h"
#include "KeychainSecretStore.h"
#include "Store.h"
#include "UrlPolicy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QSocketNotifier>
#include <QTextStream>
#include <QThread>

#include <csignal>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    // Only async-signal-safe work here: one byte down a pipe the event loop watches.
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[1], &byte, 1);
}
} // namespace

int runGateway(const QStringList &arguments)
{
    QCoreApplication::setApplicationName(u"orteam-gateway"_s);
    QTextStream out(stdout), err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"A gateway for a team sharing one OpenRouter key, for every tool it uses (OpenAI chat, completions, "
        "embeddings and Responses; Anthropic Messages): per-member tokens, tier model policy, daily budgets, "
        "attribution, usage recorded in the orteam team database."_s);
    parser.addHelpOption();
    const QCommandLineOption dbOption(u"db"_s, u"The team database: a SQLite file or postgresql://user@host:port/name."_s, u"DB"_s);
    const QCommandLineOption listenOption(u"listen"_s, u"Address to listen on (default 127.0.0.1)."_s, u"ADDRESS"_s, u"127.0.0.1"_s);
    const QCommandLineOption portOption(u"port"_s, u"Port (default 8787; 0 picks a free one)."_s, u"PORT"_s, u"8787"_s);
    const QCommandLineOption upstreamOption(u"upstream"_s, u"OpenRouter's API base URL."_s, u"URL"_s, u"https://openrouter.ai/api/v1"_s);
    const QCommandLineOption appOption(u"app"_s, u"The app name in X-OpenRouter-Title (\"APP:member\")."_s, u"NAME"_s, u"orteam"_s);
    const QCommandLineOption refererOption(u"referer"_s, u"The HTTP-Referer sent upstream."_s, u"URL"_s,
                                           u"https://github.com/orteam/orteam"_s);
    const QCommandLineOption inFlightOption(u"max-in-flight"_s, u"Requests in flight per member (default 4)."_s, u"N"_s, u"4"_s);
    const QCommandLineOption rpmOption(u"requests-per-minute"_s, u"Requests per minute per member (default 0: no limit)."_s,
                                       u"N"_s, u"0"_s);
    const QCommandLineOption connectionsOption(u"max-connections"_s, u"Client connections at once (default 4096)."_s, u"N"_s,
                                               u"4096"_s);
    const QCommandLineOption sharedOption(
        u"shared-budget"_s,
        u"Several gateways share this database: every request first reserves its place in it, so --max-in-flight and the "
        "daily budget hold across all of them (one database write per request)."_s);
    // Default: one per core. On the 2-core machine here, shared with the load generator and the
    // upstream, 2 threads served more requests at 64 connections than 1 in 5 of 7 alternated runs,
    // with a lower p99 under load, and no slower at 1 connection (README, Benchmarks).
    const QCommandLineOption threadsOption(
        u"threads"_s,
        u"Threads serving requests (default: one per core, %1 here; 1 serves all on one thread). With --shared-budget, "
        "always 1."_s.arg(QThread::idealThreadCount()),
        u"N"_s, QString::number(QThread::idealThreadCount()));
    parser.addOptions({dbOption, listenOption, portOption, upstreamOption, appOption, refererOption, inFlightOption, rpmOption,
                       connectionsOption, sharedOption, threadsOption});
    parser.process(arguments);

    Gateway::Settings settings;
    QString error;
    settings.upstream = UrlPolicy::parse(parser.value(upstreamOption), &error);
    if (!error.isEmpty()) {
        err << "orteam-gateway: --upstream: " << error << Qt::endl;
        return 2;
    }
    bool ok = false;
    const uint port = parser.value(portOption).toUInt(&ok);
    if (!ok || port > 65535) {
        err << "orteam-gateway: --port must be a number from 0 to 65535" << Qt::endl;
        return 2;
    }
    settings.maxInFlight = parser.value(inFlightOption).toInt(&ok);
    if (!ok || settings.maxInFlight < 1 || settings.maxInFlight > 1000) {
        err << "orteam-gateway: --max-in-flight must be from 1 to 1000" << Qt::endl;
        return 2;
    }
    settings.requestsPerMinute = parser.value(rpmOption).toInt(&ok);
    if (!ok || settings.requestsPerMinute < 0 || settings.requestsPerMinute > 1'000'000) {
        err << "orteam-gateway: --requests-per-minute must be from 0 (no limit) to 1000000" << Qt::endl;
        return 2;
    }
    settings.threads = parser.value(threadsOption).toInt(&ok);
    if (!ok || settings.threads < 1 || settings.threads > 256) {
        err << "orteam-gateway: --threads must be from 1 to 256" << Qt::endl;
        return 2;
    }
    settings.http.maxConnections = parser.value(connectionsOption).toInt(&ok);
    if (!ok || settings.http.maxConnections < 1 || settings.http.maxConnections > 1'000'000) {
        err << "orteam-gateway: --max-connections must be from 1 to 1000000" << Qt::endl;
        return 2;
    }
    // Each connection is a file descriptor: the soft limit (often 1,024) is raised as far as the
    // hard one allows, so the connection cap, not the kernel, decides who gets in.
    if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    const QHostAddress address(parser.value(listenOption));
    if (address.isNull()) {
        err << "orteam-gateway: --listen must be an IP address" << Qt::endl;
        return 2;
    }
    settings.appName = parser.value(appOption);
    settings.sharedBudget = parser.isSet(sharedOption);
    settings.referer = parser.value(refererOption).toUtf8();

    // The shared inference key: the environment, else the keychain entry the dashboard saves.
    settings.upstreamKey = qEnvironmentVariable("OPENROUTER_API_KEY");
    if (settings.upstreamKey.isEmpty()) {
        KeychainSecretStore keychain(u"orteam"_s);
        keychain.setTimeoutMs(5000);
        QEventLoop loop;
        keychain.read(u"gateway-upstream-key"_s, nullptr, [&](const SecretStore::Result &r) {
            settings.upstreamKey = r.secret;
            loop.quit();
        });
        loop.exec();
    }
    if (settings.upstreamKey.isEmpty()) {
        err << "orteam-gateway: no upstream key: set OPENROUTER_API_KEY to the team's shared OpenRouter key" << Qt::endl;
        return 3;
    }

    std::optional<DbLocation> location;
    if (parser.isSet(dbOption)) {
        location = DbLocation::parse(parser.value(dbOption), &error);
    } else {
        location = DbLocation::ownSqlite();
    }
    Store store;
    const Status opened = location ? store.open(*location) : Status(StoreError::invalid(error));
    if (!opened) {
        err << "orteam-gateway: " << opened.errorText() << Qt::endl;
        return 4;
    }

    QNetworkAccessManager network;
    Gateway gateway(&store, &network, settings);
    QObject::connect(&gateway, &Gateway::problem, &gateway, [&err](const QString &m) { err << "orteam-gateway: " << m << Qt::endl; });
    // Serving without the team (members, tiers, tokens, today's spend) would refuse everyone
    // with a misleading 401, or worse, judge budgets on nothing: it does not start.
    if (!gateway.reload(&error)) {
        err << "orteam-gateway: cannot read the team database: " << error << Qt::endl;
        return 4;
    }
    if (!gateway.listen(address, quint16(port), &error)) {
        err << "orteam-gateway: cannot listen on " << address.toString() << ':' << port << ": " << error << Qt::endl;
        return 5;
    }
    if (!address.isLoopback())
        err << "orteam-gateway: listening beyond this machine without TLS: tokens travel in clear; put a TLS proxy in front"
            << Qt::endl;
    out << "orteam-gateway listening on " << gateway.status().listening << " (team database " << location->display()
        << ", upstream " << settings.upstream.toString() << ", " << gateway.threads()
        << (gateway.threads() == 1 ? " thread)" : " threads)") << Qt::endl;

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &gateway);
        QObject::connect(notifier, &QSocketNotifier::activated, qApp, &QCoreApplication::quit);
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    const int code = QCoreApplication::exec();
    if (!gateway.flush(&error)) {
        err << "orteam-gateway: usage not saved: " << error << Qt::endl;
        return 6;
    }
    return code;
}

} // namespace orteam
