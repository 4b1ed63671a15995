#include "SmtpClient.h"

#include <QFile>
#include <QHostInfo>
#include <QRegularExpression>
#include <QSslConfiguration>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// RFC 5321 4.5.2: a line of the message that starts with a dot gets another, so the server does
// not take it for the end of the data.
QByteArray dotStuffed(const QByteArray &message)
{
    QByteArray out;
    out.reserve(message.size() + 64);
    bool lineStart = true;
    for (char c : message) {
        if (lineStart && c == '.')
            out += '.';
        out += c;
        lineStart = c == '\n';
    }
    if (!out.endsWith("\r\n"))
        out += "\r\n";
    return out + ".\r\n";
}

// The greeting name: the host's name if it is a usable domain, else an address literal, which
// every server accepts.
QByteArray heloName()
{
    const QString name = QHostInfo::localHostName();
    static const QRegularExpression ok(u"^[A-Za-z0-9][A-Za-z0-9.-]*$"_s);
    return ok.match(name).hasMatch() ? name.toLatin1() : QByteArrayLiteral("[127.0.0.1]");
}
} // namespace

SmtpClient::SmtpClient(QObject *parent) : QObject(parent)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        // A message handed over whose answer never came may have been delivered: not repeated.
        finish(m_stage == Stage::Body || m_stage == Stage::Quit ? Outcome::Unknown : Outcome::Temporary,
               u"The mail server %1 did not finish within %2 s (%3)."_s.arg(m_settings.host).arg(m_settings.timeoutMs / 1000).arg(stageName()));
    });
}

void SmtpClient::send(const Settings &settings, const QByteArray &from, const QByteArrayList &recipients, const QByteArray &message,
                      Callback done)
{
    m_settings = settings;
    m_from = from;
    m_recipients = recipients;
    m_nextRecipient = 0;
    m_message = message;
    m_done = std::move(done);
    m_buffer.clear();
    m_replyText.clear();
    m_stage = Stage::Greeting;

    m_socket = new QSslSocket(this);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!settings.caFile.isEmpty()) {
        QFile file(settings.caFile);
        if (!file.open(QIODevice::ReadOnly)) {
            QMetaObject::invokeMethod(this, [this] {
                finish(Outcome::Temporary, u"Cannot read the CA certificate %1."_s.arg(m_settings.caFile));
            }, Qt::QueuedConnection);
            return;
        }
        const QList<QSslCertificate> extra = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        tls.addCaCertificates(extra);
    }
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_socket->setSslConfiguration(tls);
    m_socket->setPeerVerifyName(settings.host);
    connect(m_socket, &QSslSocket::readyRead, this, &SmtpClient::onReadyRead);
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors)
            texts << e.errorString();
        finish(Outcome::Temporary, u"The mail server %1's certificate is not trusted: %2"_s.arg(m_settings.host, texts.join(u"; "_s)));
    });
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        if (m_stage == Stage::StartTls) {
            m_stage = Stage::EhloTls;
            command("EHLO " + heloName(), Stage::EhloTls);
        }
    });
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_stage == Stage::Done)
            return;
        if (m_stage == Stage::Quit) { // the message was accepted; a server that hangs up at QUIT is fine
            finish(Outcome::Accepted, {});
            return;
        }
        finish(m_stage == Stage::Body ? Outcome::Unknown : Outcome::Temporary,
               u"The connection to the mail server %1 failed (%2): %3"_s.arg(m_settings.host, stageName(), m_socket->errorString()));
    });
    m_deadline.start(settings.timeoutMs);
    if (settings.security == Security::Tls)
        m_socket->connectToHostEncrypted(settings.host, settings.port);
    else
        m_socket->connectToHost(settings.host, settings.port);
}

void SmtpClient::onReadyRead()
{
    m_buffer += m_socket->readAll();
    if (m_buffer.size() > 1 << 20) {
        finish(Outcome::Temporary, u"The mail server %1 sent an endless reply."_s.arg(m_settings.host));
        return;
    }
    qsizetype eol;
    while (m_stage != Stage::Done && (eol = m_buffer.indexOf("\r\n")) >= 0) {
        const QByteArray line = m_buffer.left(eol);
        m_buffer.remove(0, eol + 2);
        bool ok = false;
        const int code = line.left(3).toInt(&ok);
        if (!ok || line.size() < 3) {
            finish(m_stage == Stage::Body ? Outcome::Unknown : Outcome::Temporary,
                   u"The mail server %1 does not speak SMTP (it said \"%2\")."_s.arg(m_settings.host, QString::fromLatin1(line.left(80))));
            return;
        }
        m_replyText += line.mid(4) + '\n';
        if (line.size() > 3 && line.at(3) == '-')
            continue; // a multi-line reply goes on
        const QByteArray text = m_replyText;
        m_replyText.clear();
        onReply(code, text);
    }
}

void SmtpClient::command(const QByteArray &line, Stage next)
{
    m_stage = next;
    m_socket->write(line + "\r\n");
}

void SmtpClient::onReply(int code, const QByteArray &text)
{
    const auto refused = [&](const QString &what) {
        // 4xx: try again later; 5xx: this will not work as it is.
        finish(code >= 500 ? Outcome::Permanent : Outcome::Temporary,
               u"The mail server %1 refused %2: %3 %4"_s.arg(m_settings.host, what).arg(code).arg(QString::fromUtf8(text.trimmed()).left(200)));
    };
    switch (m_stage) {
    case Stage::Greeting:
        if (code != 220)
            return refused(u"the connection"_s);
        return command("EHLO " + heloName(), Stage::Ehlo);
    case Stage::Ehlo:
    case Stage::EhloTls:
        if (code != 250)
            return refused(u"EHLO"_s);
        return afterEhlo(text);
    case Stage::StartTls:
        if (code != 220)
            return refused(u"STARTTLS"_s);
        // Anything the server sent after its 220 came before encryption: reading it as the
        // encrypted session's first answer is the STARTTLS injection attack.
        if (!m_buffer.isEmpty()) {
            finish(Outcome::Temporary, u"The mail server %1 sent more than its STARTTLS answer; not trusting it."_s.arg(m_settings.host));
            return;
        }
        m_socket->startClientEncryption();
        return;
    case Stage::Auth:
        if (code != 235)
            return refused(u"the user name or password"_s);
        return command("MAIL FROM:<" + m_from + ">", Stage::MailFrom);
    case Stage::MailFrom:
        if (code != 250)
            return refused(u"the sender"_s);
        m_nextRecipient = 0;
        return command("RCPT TO:<" + m_recipients.value(m_nextRecipient++) + ">", Stage::RcptTo);
    case Stage::RcptTo:
        if (code != 250 && code != 251)
            return refused(u"the recipient %1"_s.arg(QString::fromUtf8(m_recipients.value(m_nextRecipient - 1))));
        if (m_nextRecipient < m_recipients.size())
            return command("RCPT TO:<" + m_recipients.value(m_nextRecipient++) + ">", Stage::RcptTo);
        return command("DATA", Stage::Data);
    case Stage::Data:
        if (code != 354)
            return refused(u"the message"_s);
        m_stage = Stage::Body;
        m_socket->write(dotStuffed(m_message));
        return;
    case Stage::Body:
        if (code != 250)
            return refused(u"the message"_s);
        // Accepted: the server has it. QUIT is a courtesy; its answer changes nothing.
        m_stage = Stage::Quit;
        m_socket->write("QUIT\r\n");
        m_socket->flush();
        return finish(Outcome::Accepted, {});
    case Stage::Quit:
    case Stage::Done:
        return;
    }
}

void SmtpClient::afterEhlo(const QByteArray &capabilities)
{
    const QByteArray caps = capabilities.toUpper();
    const bool encrypted = m_socket->isEncrypted();
    if (m_settings.security == Security::StartTls && !encrypted) {
        // Never fall back to plain text: a server (or someone in between) that drops STARTTLS
        // would otherwise get the password.
        if (!caps.contains("STARTTLS")) {
            finish(Outcome::Permanent, u"The mail server %1 does not offer STARTTLS; not sending in plain text."_s.arg(m_settings.host));
            return;
        }
        return command("STARTTLS", Stage::StartTls);
    }
    if (!m_settings.user.isEmpty()) {
        if (!encrypted && m_settings.security != Security::None) {
            finish(Outcome::Permanent, u"Not sending the password to %1 without encryption."_s.arg(m_settings.host));
            return;
        }
        const QByteArray plain = '\0' + m_settings.user.toUtf8() + '\0' + m_settings.password.toUtf8();
        return command("AUTH PLAIN " + plain.toBase64(), Stage::Auth);
    }
    command("MAIL FROM:<" + m_from + ">", Stage::MailFrom);
}

QString SmtpClient::stageName() const
{
    switch (m_stage) {
    case Stage::Greeting:
        return u"connecting"_s;
    case Stage::Ehlo:
    case Stage::EhloTls:
        return u"greeting"_s;
    case Stage::StartTls:
        return u"starting TLS"_s;
    case Stage::Auth:
        return u"logging in"_s;
    case Stage::MailFrom:
    case Stage::RcptTo:
        return u"naming sender and recipients"_s;
    case Stage::Data:
        return u"starting the message"_s;
    case Stage::Body:
        return u"after handing over the message"_s;
    case Stage::Quit:
    case Stage::Done:
        return u"closing"_s;
    }
    return {};
}

void SmtpClient::finish(Outcome outcome, const QString &error)
{
    if (m_stage == Stage::Done && !m_done)
        return;
    const bool quitting = m_stage == Stage::Quit;
    m_stage = Stage::Done;
    m_deadline.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        if (quitting)
            m_socket->disconnectFromHost(); // lets QUIT go out first
        else
            m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    Callback done = std::exchange(m_done, nullptr);
    if (done)
        done(Answer{outcome, error});
}

} // namespace orteam
