#pragma once

#include "Alerts.h"
#include "Report.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTime>

#include <optional>

namespace orteam {

// Where alerts and reports go. What a destination is and which alerts it takes are team settings
// in the database (every dashboard and cron run on it sees the same); what would let anyone post
// to it (a webhook URL with its token, the signing key, the SMTP password) is its secret, kept in
// the system keychain under secretName(), never in the database or a log.
struct Destination
{
    enum class Kind { Slack, Teams, Webhook, Email };
    enum class Security { StartTls, Tls, None }; // email: STARTTLS on 587, TLS on 465, or plain (a local relay)

    QString id; // [a-z0-9-], 1..40: the keychain entry's and orteam-cli's name for it
    Kind kind = Kind::Slack;
    QString name; // for a person
    bool enabled = true;

    // Routing: the alert kinds it takes ("budget", "expiry", … see alertKindId), whether it takes
    // the scheduled weekly and monthly reports, the tiers whose members it is about (empty:
    // everyone; team-wide alerts always pass), and quiet hours in its time zone, during which
    // messages wait (they are sent when the quiet hours end, not dropped).
    QList<Alert::Kind> alertKinds;
    bool weeklyReport = false;
    bool monthlyReport = false;
    QStringList tiers;
    std::optional<QTime> quietFrom, quietTo;
    QString timeZone = QStringLiteral("UTC");

    // Email only.
    QString smtpHost;
    int smtpPort = 587;
    Security security = Security::StartTls;
    QString smtpUser; // empty: no authentication
    QString from;
    QStringList to;
    QString caFile; // a CA certificate (PEM) to trust besides the system's: a company relay's own

    QString secretName() const { return QStringLiteral("notify/") + id; }
    bool takes(const Alert &alert, const QString &memberTier) const;
    // Whether `at` falls in the quiet hours, and when they end (UTC) if so.
    std::optional<QDateTime> quietUntil(const QDateTime &at) const;
    // Empty when the destination can be saved; else a sentence naming the first problem.
    QString problem() const;
    friend bool operator==(const Destination &, const Destination &) = default;
};

QString destinationKindId(Destination::Kind kind); // "slack", "teams", "webhook", "email"
std::optional<Destination::Kind> destinationKindFromId(const QString &id);
QString destinationKindTitle(Destination::Kind kind); // "Slack", "Microsoft Teams", …
QString securityId(Destination::Security security);   // "starttls", "tls", "none"
std::optional<Destination::Security> securityFromId(const QString &id);

// The routing and email settings as one JSON object (the database's `config` column), and back.
QByteArray destinationConfigJson(const Destination &d);
bool readDestinationConfig(const QByteArray &json, Destination &d, QString *problem);
// What a destination takes, in plain words and a fixed order (alert kinds as listed by
// allAlertKinds, tiers sorted): "all alerts, weekly report (tiers: free, pro) (quiet 22:00-07:00 UTC)".
QString destinationTakesText(const Destination &d);
// What the audit log keeps of a destination, in words: its kind, name, whether it is on, what
// it takes and its email settings (never its secret, which is not in a Destination). Two
// destinations with the same text are the same as saved: the order alerts or tiers were given
// in is no change.
QString destinationAuditText(const Destination &d);

// A destination's secret, as kept in the keychain: one JSON object.
struct DestinationSecret
{
    QString url;        // Slack, Teams, webhook: where to POST (its token is in the URL)
    QString signingKey; // webhook: the HMAC-SHA256 key of X-Orteam-Signature
    QString password;   // email: the SMTP password
    QString toJson() const;
    // Also takes a bare URL (what a person pastes into ORTEAM_NOTIFY_SECRET_<ID>).
    static std::optional<DestinationSecret> fromJson(const QString &text);
    // Empty when `d` can be sent with this secret; else what is missing.
    QString problemFor(const Destination &d) const;
};

// What is sent, before it is shaped for a destination: an alert or a report. Kept in the outbox as
// JSON so the text sent after a crash is the text decided before it.
struct NotifyMessage
{
    QString key;   // the alert id, or "report:weekly:2026-11-30": one message per key per destination
    QString event; // an alert kind id, "report" or "test"
    QString title;
    QString text;
    bool urgent = false;
    QDateTime at; // when it was raised (UTC)
    std::optional<TeamReport> report;

    QByteArray toJson() const;
    static std::optional<NotifyMessage> fromJson(const QByteArray &json);
};

NotifyMessage alertMessage(const Alert &alert, const QDateTime &at);
NotifyMessage reportMessage(const TeamReport &report, const QDateTime &at);
NotifyMessage testMessage(const Destination &d, const QDateTime &at);
// A report's rows as text: the seed's columns, aligned (email, Slack's code block).
QString reportText(const TeamReport &report);
// Horizontal bars drawn with block characters, for where no image can go (Slack's incoming
// webhooks take no file): the top `rows` spenders.
QString reportTextChart(const TeamReport &report, int rows = 10);

// The bodies a destination receives. `chartPng` is the report's chart (may be empty).
QByteArray slackPayload(const NotifyMessage &m);
QByteArray teamsPayload(const NotifyMessage &m, const QByteArray &chartPng);
// The generic webhook's body: {"id", "event", "title", "text", "urgent", "at", "report"?}, the id
// being the delivery's idempotency key (the same on every retry of one message).
QByteArray webhookPayload(const NotifyMessage &m, const QString &deliveryId, const QByteArray &chartPng);
// X-Orteam-Signature: "sha256=" + hex(HMAC-SHA256(key, timestamp + "." + body)), where timestamp
// is X-Orteam-Timestamp (Unix seconds): a receiver recomputes it and refuses old timestamps.
QByteArray webhookSignature(const QByteArray &key, qint64 timestamp, const QByteArray &body);
// An RFC 5322 message (CRLF lines, UTF-8, quoted-printable text, the chart as a PNG attachment).
QByteArray emailMessage(const NotifyMessage &m, const Destination &d, const QString &messageId, const QDateTime &date,
                        const QByteArray &chartPng);

// ---- The outbox ---------------------------------------------------------------------------------

// One message for one destination, from the moment it is decided until it is sent (or given up).
struct OutboxItem
{
    enum class State {
        Pending, // waiting for its time (next attempt, end of quiet hours)
        Sending, // claimed by a sender until leaseUntil
        Sent,
        Failed,  // given up: a permanent refusal, or too many attempts
        Unknown, // its sender stopped mid-send; not repeated, so it is never sent twice
    };
    qint64 id = 0;
    QString deliveryId; // a UUID: the idempotency key of every attempt
    QString destinationId;
    QString key;
    NotifyMessage message;
    State state = State::Pending;
    int attempts = 0;
    QDateTime createdAt, nextAt, leaseUntil, sentAt;
    QString lastError;
};
QString outboxStateId(OutboxItem::State s); // "pending", "sending", "sent", "failed", "unknown"
std::optional<OutboxItem::State> outboxStateFromId(const QString &id);

// The retry policy: after attempt N failed, wait 30 s × 2^(N-1), at most an hour; give up after
// MaxAttempts (about a day and a half of tries).
inline constexpr int MaxDeliveryAttempts = 12;
QDateTime nextAttemptAfter(int attempts, const QDateTime &failedAt);

// A send that was cut off (the sender crashed after claiming it): only a generic webhook is sent
// again, with the same idempotency key for its receiver to drop the copy; Slack, Teams and email
// have no such key, so theirs is marked Unknown rather than risk a second message.
bool resendAfterInterruption(Destination::Kind kind);

// How one destination is doing, from its outbox.
struct DestinationHealth
{
    QString destinationId;
    int pending = 0, sent = 0, failed = 0, unknown = 0;
    QDateTime lastSent;
    QDateTime failingSince; // the first of the failed attempts after its last success; invalid: not failing
    QString lastError;
    bool failing() const { return failingSince.isValid(); }
};

// Whether a destination is failing, for every front end (the page, the dashboard's banner,
// orteam-cli notify status): enabled, and its last attempts failed or its secret cannot be read
// here (its messages then wait unsent, with no attempt to fail). A disabled one sends nothing by
// choice and is not failing.
inline bool destinationFailing(const Destination &d, const DestinationHealth &h, bool secretUnreadable)
{
    return d.enabled && (secretUnreadable || h.failing());
}

} // namespace orteam
