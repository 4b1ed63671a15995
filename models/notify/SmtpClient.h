#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QObject>
#include <QPointer>
#include <QSslSocket>
#include <QString>
#include <QTimer>

#include <functional>

namespace orteam {

// One message to one SMTP server (RFC 5321): plain, STARTTLS (RFC 3207) or TLS from the start,
// AUTH PLAIN when a user is given, and the certificate checked against the system's CAs and an
// optional extra one (a company relay's own). The whole exchange has one deadline. The answer says whether
// the message was certainly accepted, certainly not (and whether trying again may help), or
// unknown: the connection broke after the message was handed over, so it may have arrived.
class SmtpClient : public QObject
{
    Q_OBJECT

public:
    enum class Security { StartTls, Tls, None };
    struct Settings
    {
        QString host;
        quint16 port = 587;
        Security security = Security::StartTls;
        QString user; // empty: no AUTH
        QString password;
        QString caFile;
        int timeoutMs = 30'000; // the whole exchange, not each step: a sender's lease outlasts it
    };
    enum class Outcome { Accepted, Temporary, Permanent, Unknown };
    struct Answer
    {
        Outcome outcome = Outcome::Temporary;
        QString error; // for a person; never the password
    };
    using Callback = std::function<void(const Answer &)>;

    explicit SmtpClient(QObject *parent = nullptr);

    // `message` is the whole RFC 5322 message with CRLF line ends; dot-stuffing is done here.
    void send(const Settings &settings, const QByteArray &from, const QByteArrayList &recipients, const QByteArray &message,
              Callback done);

private:
    enum class Stage { Greeting, Ehlo, StartTls, EhloTls, Auth, MailFrom, RcptTo, Data, Body, Quit, Done };
    void onReadyRead();
    void onReply(int code, const QByteArray &text);
    void command(const QByteArray &line, Stage next);
    void finish(Outcome outcome, const QString &error);
    void afterEhlo(const QByteArray &capabilities);
    QString stageName() const;

    QSslSocket *m_socket = nullptr;
    QTimer m_deadline;
    Settings m_settings;
    QByteArray m_from;
    QByteArrayList m_recipients;
    int m_nextRecipient = 0;
    QByteArray m_message;
    Callback m_done;
    Stage m_stage = Stage::Done;
    QByteArray m_buffer;
    QByteArray m_replyText;
};

} // namespace orteam
