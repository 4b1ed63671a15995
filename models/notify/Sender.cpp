#include "Sender.h"

#include "SmtpClient.h"

#include <QDateTime>
#include <QMetaEnum>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// What went wrong on the way, in words and without the URL (QNetworkReply::errorString() quotes
// it, and a webhook's URL is its secret); the enum's name for the rarer ones.
QString transportErrorText(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("the connection was refused");
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("it closed the connection");
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("no such host");
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("the TLS handshake failed (its certificate is not trusted here?)");
    default:
        return QString::fromLatin1(QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(error));
    }
}
} // namespace

NotifySender::NotifySender(QNetworkAccessManager &network, QObject *parent) : QObject(parent), m_network(network) {}

void NotifySender::send(const Destination &d, const DestinationSecret &secret, const NotifyMessage &message,
                        const QString &deliveryId, const QByteArray &chartPng, Callback done)
{
    if (const QString problem = secret.problemFor(d); !problem.isEmpty()) {
        QMetaObject::invokeMethod(this, [done, problem] { done(Answer{Answer::Outcome::Refused, problem, {}}); },
                                  Qt::QueuedConnection);
        return;
    }
    switch (d.kind) {
    case Destination::Kind::Slack:
        post(d, QUrl(secret.url), slackPayload(message), {}, std::move(done));
        return;
    case Destination::Kind::Teams: {
        QByteArray body = teamsPayload(message, chartPng);
        // Teams refuses a message over about 28 KB: the chart goes rather than the whole report.
        if (body.size() > 27'000 && !chartPng.isEmpty())
            body = teamsPayload(message, {});
        post(d, QUrl(secret.url), body, {}, std::move(done));
        return;
    }
    case Destination::Kind::Webhook: {
        const QByteArray body = webhookPayload(message, deliveryId, chartPng);
        const qint64 timestamp = QDateTime::currentSecsSinceEpoch();
        post(d, QUrl(secret.url), body,
             {{"X-Orteam-Timestamp", QByteArray::number(timestamp)},
              {"X-Orteam-Signature", webhookSignature(secret.signingKey.toUtf8(), timestamp, body)},
              {"X-Orteam-Event", message.event.toUtf8()},
              {"Idempotency-Key", deliveryId.toLatin1()}},
             std::move(done));
        return;
    }
    case Destination::Kind::Email: {
        auto *smtp = new SmtpClient(this);
        SmtpClient::Settings s;
        s.host = d.smtpHost;
        s.port = quint16(d.smtpPort);
        s.security = d.security == Destination::Security::Tls        ? SmtpClient::Security::Tls
                     : d.security == Destination::Security::StartTls ? SmtpClient::Security::StartTls
                                                                     : SmtpClient::Security::None;
        s.user = d.smtpUser;
        s.password = secret.password;
        s.caFile = d.caFile;
        s.timeoutMs = m_timeoutMs;
        const QString domain = d.from.section(u'@', 1);
        const QString messageId = deliveryId + u'@' + (domain.isEmpty() ? u"orteam.invalid"_s : domain);
        QByteArrayList rcpts;
        for (const QString &a : d.to)
            rcpts << a.toUtf8();
        smtp->send(s, d.from.toUtf8(), rcpts, emailMessage(message, d, messageId, QDateTime::currentDateTimeUtc(), chartPng),
                   [smtp, done](const SmtpClient::Answer &a) {
                       smtp->deleteLater();
                       Answer out;
                       out.error = a.error;
                       switch (a.outcome) {
                       case SmtpClient::Outcome::Accepted:
                           out.outcome = Answer::Outcome::Delivered;
                           break;
                       case SmtpClient::Outcome::Temporary:
                           out.outcome = Answer::Outcome::Retry;
                           break;
                       case SmtpClient::Outcome::Permanent:
                           out.outcome = Answer::Outcome::Refused;
                           break;
                       case SmtpClient::Outcome::Unknown:
                           out.outcome = Answer::Outcome::Unknown;
                           break;
                       }
                       done(out);
                   });
        return;
    }
    }
}

void NotifySender::post(const Destination &d, const QUrl &url, const QByteArray &body,
                        const QList<std::pair<QByteArray, QByteArray>> &headers, Callback done)
{
    // Only the generic webhook carries an idempotency key; a Slack or Teams post whose answer is
    // lost after the body went out may have been shown, and is not posted again.
    const bool idempotent = d.kind == Destination::Kind::Webhook;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json; charset=utf-8"_s);
    request.setRawHeader("User-Agent", "orteam-notify");
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    request.setTransferTimeout(m_timeoutMs);
    // A redirect could carry the body elsewhere; a webhook that moved is a setting to fix.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network.post(request, body);
    // One deadline for the whole exchange (a transfer timeout alone never ends a reply that
    // trickles in): a sender's lease on the outbox row outlasts it.
    QTimer::singleShot(m_timeoutMs, reply, [reply] { reply->abort(); });
    auto uploaded = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::uploadProgress, reply, [uploaded](qint64 sent, qint64 total) {
        if (total > 0 && sent >= total)
            *uploaded = true;
    });
    const QString host = url.host();
    // What must never be echoed into an error (a receiver may quote the request): the path and
    // query carry the webhook's token (Slack's path, Teams workflows' sig=…), encoded or not.
    QStringList secretParts;
    for (const QString &part : {url.path(), url.path(QUrl::FullyEncoded), url.query(), url.query(QUrl::FullyEncoded)}) {
        if (part.size() > 3)
            secretParts << part;
    }
    connect(reply, &QNetworkReply::finished, this, [reply, host, secretParts, uploaded, idempotent, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        Answer a;
        if (status >= 200 && status < 300) {
            a.outcome = Answer::Outcome::Delivered;
            done(a);
            return;
        }
        // Say what happened without the URL: QNetworkReply's own text quotes it, token and all.
        if (status == 0) {
            const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
                                  || reply->error() == QNetworkReply::TimeoutError;
            a.outcome = *uploaded && !idempotent ? Answer::Outcome::Unknown : Answer::Outcome::Retry;
            a.error = timedOut ? u"%1 did not answer in time."_s.arg(host)
                               : u"Cannot reach %1: %2."_s.arg(host, transportErrorText(reply->error()));
            done(a);
            return;
        }
        QString excerpt = QString::fromUtf8(reply->read(200)).simplified();
        for (const QString &part : secretParts)
            excerpt.replace(part, u"…"_s);
        a.error = u"%1 answered HTTP %2%3"_s.arg(host).arg(status).arg(excerpt.isEmpty() ? QString() : u": "_s + excerpt);
        const bool transient = status == 408 || status == 429 || status >= 500;
        a.outcome = transient ? Answer::Outcome::Retry : Answer::Outcome::Refused;
        bool ok = false;
        const int after = reply->rawHeader("Retry-After").toInt(&ok);
        if (ok && after > 0)
            a.retryAfterSeconds = std::min(after, 6 * 3600);
        done(a);
    });
}

} // namespace orteam
