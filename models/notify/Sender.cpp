#include "Sender.h"

#include "SmtpClient.h"

#include <QDateTime>
#include <QMetaEnum>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

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
    case Destination::Kind::Teams:
        post(d, QUrl(secret.url), teamsPayload(message, chartPng), {}, std::move(done));
        return;
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

void NotifySender::post(const Destination &, const QUrl &url, const QByteArray &body,
                        const QList<std::pair<QByteArray, QByteArray>> &headers, Callback done)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json; charset=utf-8"_s);
    request.setRawHeader("User-Agent", "orteam-notify");
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    request.setTransferTimeout(m_timeoutMs);
    // A redirect could carry the body elsewhere; a webhook that moved is a setting to fix.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network.post(request, body);
    const QString host = url.host();
    const QString path = url.path();
    connect(reply, &QNetworkReply::finished, this, [reply, host, path, done] {
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
            a.outcome = Answer::Outcome::Retry;
            a.error = timedOut ? u"%1 did not answer in time."_s.arg(host)
                               : u"Cannot reach %1: %2."_s.arg(host, QString::fromLatin1(QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(reply->error())));
            done(a);
            return;
        }
        QString excerpt = QString::fromUtf8(reply->read(200)).simplified();
        if (path.size() > 1)
            excerpt.replace(path, u"…"_s); // a receiver that echoes the request must not put its token in our log
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
