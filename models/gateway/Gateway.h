#pragma once

#include "GatewayStatus.h"
#include "HttpServer.h"
#include "Team.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace orteam {

class Store;

// orteam-gateway: an OpenAI-compatible front for one shared OpenRouter key. Each member calls
// it with their own gateway token; per request, in this order: who is calling (401), the tier's
// model policy (allowed; else the tier's fallback, said in X-Orteam-Model-Downgraded-From; else
// 403), the daily budget (402), the member's requests in flight (429), then the request goes
// upstream with the shared key, HTTP-Referer, X-OpenRouter-Title "<app>:<member>" and
// "user": member. The answer (or the upstream's error) is passed through unchanged; usage.cost
// (the last SSE chunk when streaming) is added to the member's daily usage in the team database.
//
// Budgets under concurrency: a request is admitted while the member's spend today (the
// database's, plus what this gateway recorded since) is under their daily limit, so the spend
// can end above the limit by at most the cost of the requests already in flight when it was
// crossed; at most `maxInFlight` per member are, so the overshoot is bounded by maxInFlight
// times the dearest request.
class Gateway final : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QUrl upstream = QUrl(QStringLiteral("https://openrouter.ai/api/v1"));
        QString upstreamKey;                // the shared inference key
        QString appName = QStringLiteral("orteam");
        QByteArray referer = "https://github.com/orteam/orteam";
        int maxInFlight = 4;               // per member
        int flushMs = 1000;                // usage reaches the database at least this often
        int reloadMs = 10'000;             // members, tiers, tokens and spend re-read this often
        int upstreamTimeoutMs = 300'000;   // a long completion may take minutes
    };

    Gateway(Store *store, QNetworkAccessManager *network, const Settings &settings, QObject *parent = nullptr);
    ~Gateway() override; // flushes what is still in memory

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_http.port(); }
    GatewayStatus status() const; // what it also writes for the dashboards (updatedAt: now)
    bool reload(QString *error); // re-reads the database now
    bool flush(QString *error);  // writes recorded usage now
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

Q_SIGNALS:
    void recorded(const QString &member, double cost);
    void problem(const QString &message);

private:
    void handle(HttpConnection *connection, const HttpRequest &request);
    void chat(HttpConnection *connection, const HttpRequest &request, const Member &member);
    void models(HttpConnection *connection, const Member &member);
    void refuse(HttpConnection *connection, int status, const QString &message);
    void record(const QString &member, double cost);
    double spentToday(const QString &member) const;
    QDate today() const { return m_clock().toUTC().date(); }
    void rollDay();

    Store *m_store;
    QNetworkAccessManager *m_network;
    Settings m_settings;
    HttpServer m_http;
    QTimer m_flushTimer;
    QTimer m_reloadTimer;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };

    QHash<QString, QString> m_tokens; // SHA-256 of the token → member
    QHash<QString, Member> m_members;
    QList<Tier> m_tiers;
    QDate m_day;
    QHash<QString, double> m_storedSpend;                    // today, as the database had it
    QHash<QString, std::pair<double, qint64>> m_unflushed;   // recorded here, not yet written
    QHash<QString, int> m_inFlight;
    qint64 m_requestsToday = 0;
    qint64 m_refusalsToday = 0;
    QJsonArray m_modelCache;
    QDateTime m_modelCacheAt;
    QDateTime m_lastTokenReload;
};

} // namespace orteam
