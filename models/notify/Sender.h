#pragma once

#include "Notify.h"

#include <QNetworkAccessManager>
#include <QObject>

#include <functional>
#include <optional>

namespace orteam {

// Sends one message to one destination, shaped for it: Slack blocks, a Teams adaptive card, a
// signed JSON webhook (X-Orteam-Signature, X-Orteam-Timestamp, Idempotency-Key), or an email.
// Errors name the destination's host, never its URL (a webhook URL is its password).
class NotifySender : public QObject
{
    Q_OBJECT

public:
    struct Answer
    {
        enum class Outcome {
            Delivered,
            Retry,   // not delivered; trying again may work (a timeout, a 5xx, a 429, a refused connection)
            Refused, // not delivered, and will not be as it is (a 4xx, a refused recipient, STARTTLS missing)
            Unknown, // an email handed over whose answer was lost: it may have arrived
        };
        Outcome outcome = Outcome::Retry;
        QString error;
        std::optional<int> retryAfterSeconds; // a 429's or 503's Retry-After
    };
    using Callback = std::function<void(const Answer &)>;

    explicit NotifySender(QNetworkAccessManager &network, QObject *parent = nullptr);
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // `deliveryId` is the message's idempotency key, the same on every attempt. `chartPng` is the
    // report's chart (empty: none).
    void send(const Destination &d, const DestinationSecret &secret, const NotifyMessage &message, const QString &deliveryId,
              const QByteArray &chartPng, Callback done);

private:
    void post(const Destination &d, const QUrl &url, const QByteArray &body, const QList<std::pair<QByteArray, QByteArray>> &headers,
              Callback done);

    QNetworkAccessManager &m_network;
    int m_timeoutMs = 20'000;
};

} // namespace orteam
