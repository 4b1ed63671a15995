#include "Notify.h"

#include "Money.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>
#include <QCryptographicHash>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

// ---- Destination ---------------------------------------------------------------------------------

namespace {
struct KindName
{
    Destination::Kind kind;
    const char16_t *id;
    const char16_t *title;
};
constexpr KindName DestinationKinds[] = {
    {Destination::Kind::Slack, u"slack", u"Slack"},
    {Destination::Kind::Teams, u"teams", u"Microsoft Teams"},
    {Destination::Kind::Webhook, u"webhook", u"Webhook (signed JSON)"},
    {Destination::Kind::Email, u"email", u"Email (SMTP)"},
};

struct SecurityName
{
    Destination::Security security;
    const char16_t *id;
};
constexpr SecurityName Securities[] = {
    {Destination::Security::StartTls, u"starttls"},
    {Destination::Security::Tls, u"tls"},
    {Destination::Security::None, u"none"},
};

QTimeZone zoneOf(const QString &id)
{
    return id.isEmpty() || id == "UTC"_L1 ? QTimeZone::utc() : QTimeZone(id.toUtf8());
}

// Where a secret may travel unencrypted: this machine only (a local relay, a test receiver).
bool isLoopback(const QString &host)
{
    return host == "localhost"_L1 || host.startsWith("127."_L1) || host == "::1"_L1 || host == "[::1]"_L1;
}

bool plausibleAddress(const QString &address)
{
    static const QRegularExpression re(u"^[^@\\s<>,;\"]+@[^@\\s<>,;\"]+$"_s);
    return re.match(address).hasMatch();
}
} // namespace

QString destinationKindId(Destination::Kind kind)
{
    for (const KindName &k : DestinationKinds) {
        if (k.kind == kind)
            return QString::fromUtf16(k.id);
    }
    return {};
}

std::optional<Destination::Kind> destinationKindFromId(const QString &id)
{
    for (const KindName &k : DestinationKinds) {
        if (id == QStringView(k.id))
            return k.kind;
    }
    return std::nullopt;
}

QString destinationKindTitle(Destination::Kind kind)
{
    for (const KindName &k : DestinationKinds) {
        if (k.kind == kind)
            return QString::fromUtf16(k.title);
    }
    return {};
}

QString securityId(Destination::Security security)
{
    for (const SecurityName &s : Securities) {
        if (s.security == security)
            return QString::fromUtf16(s.id);
    }
    return {};
}

std::optional<Destination::Security> securityFromId(const QString &id)
{
    for (const SecurityName &s : Securities) {
        if (id == QStringView(s.id))
            return s.security;
    }
    return std::nullopt;
}

bool Destination::takes(const Alert &alert, const QString &memberTier) const
{
    if (!enabled || !alertKinds.contains(alert.kind))
        return false;
    // A route for some tiers hears about their members; what concerns the whole team (its budget,
    // the credits, a key nobody owns) goes to every route that takes the kind.
    return tiers.isEmpty() || alert.member.isEmpty() || tiers.contains(memberTier);
}

std::optional<QDateTime> Destination::quietUntil(const QDateTime &at) const
{
    if (!quietFrom || !quietTo || *quietFrom == *quietTo)
        return std::nullopt;
    const QTimeZone zone = zoneOf(timeZone);
    if (!zone.isValid())
        return std::nullopt; // problem() refuses it; a stored bad zone must not hold messages forever
    const QDateTime local = at.toTimeZone(zone);
    const QTime t = local.time();
    QDate endDay = local.date();
    if (*quietFrom < *quietTo) { // 12:00–14:00
        if (t < *quietFrom || t >= *quietTo)
            return std::nullopt;
    } else { // 22:00–07:00, across midnight
        if (t < *quietFrom && t >= *quietTo)
            return std::nullopt;
        if (t >= *quietFrom)
            endDay = endDay.addDays(1);
    }
    return QDateTime(endDay, *quietTo, zone).toUTC();
}

QString Destination::problem() const
{
    static const QRegularExpression idPattern(u"^[a-z0-9][a-z0-9-]{0,39}$"_s);
    if (!idPattern.match(id).hasMatch())
        return u"A destination's id is 1 to 40 lower-case letters, digits and dashes, starting with a letter or digit (\"%1\" is not)."_s
            .arg(id);
    if (name.trimmed().isEmpty())
        return u"Give the destination a name."_s;
    if (bool(quietFrom) != bool(quietTo))
        return u"Quiet hours need a start and an end."_s;
    // Held for no time at all, or for the whole day: either way not what was meant.
    if (quietFrom && *quietFrom == *quietTo)
        return u"Quiet hours that start and end at %1 are no hours; give an end after the start, or none."_s.arg(
            quietFrom->toString(u"HH:mm"_s));
    if (!zoneOf(timeZone).isValid())
        return u"\"%1\" is not a time zone (e.g. UTC, Europe/Berlin, America/New_York)."_s.arg(timeZone);
    if (kind == Kind::Email) {
        if (smtpHost.trimmed().isEmpty())
            return u"Name the SMTP server."_s;
        if (smtpPort < 1 || smtpPort > 65535)
            return u"The SMTP port must be between 1 and 65535."_s;
        if (!plausibleAddress(from))
            return u"\"%1\" is not an email address to send from."_s.arg(from);
        if (to.isEmpty())
            return u"Name at least one recipient."_s;
        for (const QString &a : to) {
            if (!plausibleAddress(a))
                return u"\"%1\" is not an email address."_s.arg(a);
        }
        // CR or LF in any header value would let it add headers of its own.
        for (const QString &v : {smtpHost, smtpUser, from, to.join(u',')}) {
            if (v.contains(u'\r') || v.contains(u'\n'))
                return u"Line breaks are not allowed in the email settings."_s;
        }
    }
    return {};
}

QByteArray destinationConfigJson(const Destination &d)
{
    QJsonArray kinds;
    for (Alert::Kind k : d.alertKinds)
        kinds.append(alertKindId(k));
    QJsonObject o{{"alerts"_L1, kinds},
                  {"weekly_report"_L1, d.weeklyReport},
                  {"monthly_report"_L1, d.monthlyReport},
                  {"tiers"_L1, QJsonArray::fromStringList(d.tiers)},
                  {"time_zone"_L1, d.timeZone}};
    if (d.quietFrom && d.quietTo) {
        o.insert("quiet_from"_L1, d.quietFrom->toString(u"HH:mm"_s));
        o.insert("quiet_to"_L1, d.quietTo->toString(u"HH:mm"_s));
    }
    if (d.kind == Destination::Kind::Email) {
        o.insert("smtp_host"_L1, d.smtpHost);
        o.insert("smtp_port"_L1, d.smtpPort);
        o.insert("security"_L1, securityId(d.security));
        o.insert("smtp_user"_L1, d.smtpUser);
        o.insert("from"_L1, d.from);
        o.insert("to"_L1, QJsonArray::fromStringList(d.to));
        o.insert("ca_file"_L1, d.caFile);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString destinationTakesText(const Destination &d)
{
    QStringList parts;
    if (d.alertKinds.size() == allAlertKinds().size()) {
        parts << u"all alerts"_s;
    } else {
        for (Alert::Kind k : allAlertKinds()) {
            if (d.alertKinds.contains(k))
                parts << alertKindId(k);
        }
    }
    if (d.weeklyReport)
        parts << u"weekly report"_s;
    if (d.monthlyReport)
        parts << u"monthly report"_s;
    QString out = parts.isEmpty() ? u"nothing"_s : parts.join(u", "_s);
    if (!d.tiers.isEmpty()) {
        QStringList tiers = d.tiers;
        tiers.sort();
        out += u" (tiers: "_s + tiers.join(u", "_s) + u')';
    }
    if (d.quietFrom && d.quietTo)
        out += u" (quiet %1-%2 %3)"_s.arg(d.quietFrom->toString(u"HH:mm"_s), d.quietTo->toString(u"HH:mm"_s), d.timeZone);
    return out;
}

QString destinationAuditText(const Destination &d)
{
    QString text = u"%1 \"%2\", %3, takes %4"_s.arg(destinationKindId(d.kind), d.name, d.enabled ? u"enabled"_s : u"disabled"_s,
                                                   destinationTakesText(d));
    if (d.kind == Destination::Kind::Email) {
        QStringList to = d.to;
        to.sort();
        text += u", email via %1:%2 (%3), %4, from %5 to %6"_s.arg(d.smtpHost).arg(d.smtpPort).arg(securityId(d.security),
                                                                  d.smtpUser.isEmpty() ? u"no login"_s : u"login "_s + d.smtpUser,
                                                                  d.from, to.join(u", "_s));
        if (!d.caFile.isEmpty())
            text += u", trusting "_s + d.caFile;
    }
    return text;
}

bool readDestinationConfig(const QByteArray &json, Destination &d, QString *problem)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        *problem = u"The settings of destination %1 are not readable."_s.arg(d.id);
        return false;
    }
    const QJsonObject o = doc.object();
    d.alertKinds.clear();
    for (const QJsonValue &v : o.value("alerts"_L1).toArray()) {
        // A kind a newer orteam added is skipped here, not an error: this one cannot raise it.
        if (const auto k = alertKindFromId(v.toString()); k && !d.alertKinds.contains(*k))
            d.alertKinds << *k;
    }
    d.weeklyReport = o.value("weekly_report"_L1).toBool();
    d.monthlyReport = o.value("monthly_report"_L1).toBool();
    d.tiers.clear();
    for (const QJsonValue &v : o.value("tiers"_L1).toArray())
        d.tiers << v.toString();
    d.timeZone = o.value("time_zone"_L1).toString(u"UTC"_s);
    d.quietFrom.reset();
    d.quietTo.reset();
    if (o.contains("quiet_from"_L1)) {
        const QTime from = QTime::fromString(o.value("quiet_from"_L1).toString(), u"HH:mm"_s);
        const QTime to = QTime::fromString(o.value("quiet_to"_L1).toString(), u"HH:mm"_s);
        if (!from.isValid() || !to.isValid()) {
            *problem = u"The quiet hours of destination %1 are not readable."_s.arg(d.id);
            return false;
        }
        d.quietFrom = from;
        d.quietTo = to;
    }
    if (d.kind == Destination::Kind::Email) {
        d.smtpHost = o.value("smtp_host"_L1).toString();
        d.smtpPort = o.value("smtp_port"_L1).toInt(587);
        const auto security = securityFromId(o.value("security"_L1).toString());
        if (!security) {
            *problem = u"Destination %1 has no known email security setting."_s.arg(d.id);
            return false;
        }
        d.security = *security;
        d.smtpUser = o.value("smtp_user"_L1).toString();
        d.from = o.value("from"_L1).toString();
        d.to.clear();
        for (const QJsonValue &v : o.value("to"_L1).toArray())
            d.to << v.toString();
        d.caFile = o.value("ca_file"_L1).toString();
    }
    return true;
}

// ---- Secret --------------------------------------------------------------------------------------

QString DestinationSecret::toJson() const
{
    QJsonObject o;
    if (!url.isEmpty())
        o.insert("url"_L1, url);
    if (!signingKey.isEmpty())
        o.insert("signing_key"_L1, signingKey);
    if (!password.isEmpty())
        o.insert("password"_L1, password);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<DestinationSecret> DestinationSecret::fromJson(const QString &text)
{
    const QString trimmed = text.trimmed();
    DestinationSecret s;
    if (trimmed.startsWith("https://"_L1) || trimmed.startsWith("http://"_L1)) {
        s.url = trimmed;
        return s;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    s.url = o.value("url"_L1).toString();
    s.signingKey = o.value("signing_key"_L1).toString();
    s.password = o.value("password"_L1).toString();
    return s;
}

QString DestinationSecret::problemFor(const Destination &d) const
{
    switch (d.kind) {
    case Destination::Kind::Slack:
    case Destination::Kind::Teams:
    case Destination::Kind::Webhook: {
        const QUrl u(url);
        if (url.isEmpty())
            return u"No webhook URL is saved for %1."_s.arg(d.name);
        if (!u.isValid() || (u.scheme() != "https"_L1 && u.scheme() != "http"_L1) || u.host().isEmpty())
            return u"The webhook URL saved for %1 is not an http(s) URL."_s.arg(d.name);
        // The URL is the password: in plain http anyone on the way could post as us.
        if (u.scheme() == "http"_L1 && !isLoopback(u.host()))
            return u"The webhook URL of %1 must be https (plain http only to this machine)."_s.arg(d.name);
        if (d.kind == Destination::Kind::Webhook && signingKey.size() < 16)
            return u"The signing key of %1 must be at least 16 characters."_s.arg(d.name);
        return {};
    }
    case Destination::Kind::Email:
        if (!d.smtpUser.isEmpty() && password.isEmpty())
            return u"No SMTP password is saved for %1."_s.arg(d.name);
        if (!d.smtpUser.isEmpty() && d.security == Destination::Security::None && !isLoopback(d.smtpHost))
            return u"%1 logs in without encryption: choose STARTTLS or TLS (no encryption only to a relay on this machine)."_s.arg(d.name);
        return {};
    }
    return {};
}

// ---- Messages ------------------------------------------------------------------------------------

QByteArray NotifyMessage::toJson() const
{
    QJsonObject o{{"key"_L1, key},
                  {"event"_L1, event},
                  {"title"_L1, title},
                  {"text"_L1, text},
                  {"urgent"_L1, urgent},
                  {"at"_L1, at.toUTC().toString(Qt::ISODate)}};
    if (report)
        o.insert("report"_L1, QJsonDocument::fromJson(reportJson(*report)).object());
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<NotifyMessage> NotifyMessage::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    NotifyMessage m;
    m.key = o.value("key"_L1).toString();
    m.event = o.value("event"_L1).toString();
    m.title = o.value("title"_L1).toString();
    m.text = o.value("text"_L1).toString();
    m.urgent = o.value("urgent"_L1).toBool();
    m.at = QDateTime::fromString(o.value("at"_L1).toString(), Qt::ISODate).toUTC();
    if (o.contains("report"_L1)) {
        m.report = reportFromJson(QJsonDocument(o.value("report"_L1).toObject()).toJson(QJsonDocument::Compact));
        if (!m.report)
            return std::nullopt;
    }
    if (m.key.isEmpty() || m.title.isEmpty())
        return std::nullopt;
    return m;
}

NotifyMessage alertMessage(const Alert &alert, const QDateTime &at)
{
    NotifyMessage m;
    m.key = alert.id;
    m.event = alertKindId(alert.kind);
    m.urgent = alert.urgent;
    m.at = at.toUTC();
    m.text = alert.text;
    switch (alert.kind) {
    case Alert::Kind::Budget:
        m.title = alert.percent >= 100
                      ? u"%1 is over their %2 budget"_s.arg(alert.subject, budgetPeriodAdjective(alert.period))
                      : u"%1 is at %2% of their %3 budget"_s.arg(alert.subject).arg(alert.percent).arg(budgetPeriodAdjective(alert.period));
        break;
    case Alert::Kind::TeamBudget:
        m.title = alert.percent >= 100 ? u"The team is over its budget"_s
                                       : u"The team is at %1% of its budget"_s.arg(alert.percent);
        break;
    case Alert::Kind::Anomaly:
        m.title = u"Unusual spend by %1"_s.arg(alert.subject);
        break;
    case Alert::Kind::OutsideTier:
        m.title = u"%1 used a model outside their tier"_s.arg(alert.subject);
        break;
    case Alert::Kind::Expiry:
        m.title = u"Key %1 expires soon"_s.arg(alert.subject);
        break;
    case Alert::Kind::RotationDue:
        m.title = u"Key %1 is due for rotation"_s.arg(alert.subject);
        break;
    case Alert::Kind::CreditsLow:
        m.title = u"Credits are running out"_s;
        break;
    case Alert::Kind::Hygiene:
        m.title = u"Key %1 needs attention"_s.arg(alert.subject);
        break;
    }
    return m;
}

NotifyMessage reportMessage(const TeamReport &report, const QDateTime &at)
{
    NotifyMessage m;
    m.key = u"report:%1:%2"_s.arg(reportPeriodName(report.period), report.to.toString(Qt::ISODate));
    m.event = u"report"_s;
    m.title = u"orteam: "_s + reportTitle(report);
    m.text = reportSummary(report);
    m.at = at.toUTC();
    m.report = report;
    return m;
}

NotifyMessage testMessage(const Destination &d, const QDateTime &at)
{
    NotifyMessage m;
    m.key = u"test:%1:%2"_s.arg(d.id, at.toUTC().toString(Qt::ISODateWithMs));
    m.event = u"test"_s;
    m.title = u"orteam test message"_s;
    m.text = u"This is a test from orteam to the destination \"%1\". Alerts and reports sent here will look like this."_s.arg(d.name);
    m.at = at.toUTC();
    return m;
}

QString reportText(const TeamReport &report)
{
    if (report.rows.isEmpty())
        return reportSummary(report);
    return textColumns(reportTable(report)) + u'\n' + reportSummary(report);
}

QString reportTextChart(const TeamReport &report, int rows)
{
    const qsizetype n = std::min<qsizetype>(rows, report.rows.size());
    double top = 0;
    qsizetype nameWidth = 0;
    for (qsizetype i = 0; i < n; ++i) {
        top = std::max(top, report.rows.at(i).cost);
        nameWidth = std::max(nameWidth, report.rows.at(i).member.size());
    }
    QString out;
    constexpr int Width = 24;
    for (qsizetype i = 0; i < n; ++i) {
        const TeamReportRow &r = report.rows.at(i);
        const int cells = top > 0 ? int(std::lround(r.cost / top * Width)) : 0;
        out += r.member.leftJustified(nameWidth + 1) + QString(cells, u'\u2588') + QString(Width - cells, u' ') + u' '
               + formatUsd(r.cost) + u'\n';
    }
    if (report.rows.size() > n)
        out += u"… and %1 more\n"_s.arg(report.rows.size() - n);
    return out;
}

// ---- Slack ---------------------------------------------------------------------------------------

namespace {
// Slack's mrkdwn reads &, < and > as markup (links, mentions): a member named "<!channel>" must not
// ping a whole channel.
QString slackEscape(QString s)
{
    return s.replace(u'&', "&amp;"_L1).replace(u'<', "&lt;"_L1).replace(u'>', "&gt;"_L1);
}

// Slack refuses a section over 3,000 characters and a header over 150: cut with a mark, never
// leave the whole message to be refused.
QString cut(const QString &s, qsizetype max)
{
    return s.size() <= max ? s : s.left(max - 1) + u'…';
}

QString footer(const NotifyMessage &m)
{
    return u"orteam · %1"_s.arg(m.at.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s));
}

QJsonObject mrkdwnSection(const QString &text)
{
    return {{"type"_L1, "section"_L1}, {"text"_L1, QJsonObject{{"type"_L1, "mrkdwn"_L1}, {"text"_L1, text}}}};
}
} // namespace

QByteArray slackPayload(const NotifyMessage &m)
{
    QJsonArray blocks;
    const QString title = (m.urgent ? u"\U0001F6A8 "_s : QString()) + m.title;
    blocks.append(QJsonObject{{"type"_L1, "header"_L1},
                              {"text"_L1, QJsonObject{{"type"_L1, "plain_text"_L1}, {"text"_L1, cut(title, 150)}, {"emoji"_L1, true}}}});
    blocks.append(mrkdwnSection(cut(slackEscape(m.text), 3000)));
    if (m.report && !m.report->rows.isEmpty()) {
        const QString fence = u"```"_s;
        blocks.append(mrkdwnSection(cut(fence + slackEscape(textColumns(reportTable(*m.report))) , 2996) + fence));
        blocks.append(mrkdwnSection(cut(fence + slackEscape(reportTextChart(*m.report)), 2996) + fence));
    }
    blocks.append(QJsonObject{{"type"_L1, "context"_L1},
                              {"elements"_L1, QJsonArray{QJsonObject{{"type"_L1, "mrkdwn"_L1}, {"text"_L1, footer(m)}}}}});
    // "text" is what a phone's notification shows; the blocks are what the channel shows.
    const QJsonObject root{{"text"_L1, cut(slackEscape(m.title + u": "_s + m.text), 3000)}, {"blocks"_L1, blocks}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

// ---- Teams ---------------------------------------------------------------------------------------

namespace {
// Teams renders a subset of Markdown in text blocks: a name like "[click](https://…)" must show
// as written, not as a link. A zero-width space between "]" and "(" breaks the link syntax and
// shows nothing (Teams' backslash escapes are not reliable across clients).
QString teamsEscape(QString s)
{
    return s.replace(u"]("_s, u"]\u200B("_s);
}
} // namespace

QByteArray teamsPayload(const NotifyMessage &m, const QByteArray &chartPng)
{
    QJsonArray body;
    body.append(QJsonObject{{"type"_L1, "TextBlock"_L1},
                            {"text"_L1, teamsEscape(m.title)},
                            {"weight"_L1, "Bolder"_L1},
                            {"size"_L1, "Medium"_L1},
                            {"wrap"_L1, true},
                            {"color"_L1, m.urgent ? "Attention"_L1 : "Default"_L1}});
    body.append(QJsonObject{{"type"_L1, "TextBlock"_L1}, {"text"_L1, teamsEscape(m.text)}, {"wrap"_L1, true}});
    if (m.report && !m.report->rows.isEmpty()) {
        // A FactSet per member reads well on a phone, where a wide monospace table does not.
        QJsonArray facts;
        for (const TeamReportRow &r : std::as_const(m.report->rows).mid(0, 25))
            facts.append(QJsonObject{{"title"_L1, r.member},
                                     {"value"_L1, u"%1 (%2)"_s.arg(formatUsd(r.cost), r.change ? formatChange(*r.change) : u"new"_s)}});
        body.append(QJsonObject{{"type"_L1, "FactSet"_L1}, {"facts"_L1, facts}});
        if (!chartPng.isEmpty())
            body.append(QJsonObject{{"type"_L1, "Image"_L1},
                                    {"url"_L1, QString(u"data:image/png;base64,"_s + QString::fromLatin1(chartPng.toBase64()))},
                                    {"altText"_L1, u"Spend per member"_s}});
    }
    body.append(QJsonObject{{"type"_L1, "TextBlock"_L1}, {"text"_L1, footer(m)}, {"isSubtle"_L1, true}, {"size"_L1, "Small"_L1}});
    const QJsonObject card{{"$schema"_L1, "http://adaptivecards.io/schemas/adaptive-card.json"_L1},
                           {"type"_L1, "AdaptiveCard"_L1},
                           {"version"_L1, "1.4"_L1},
                           {"body"_L1, body},
                           {"msteams"_L1, QJsonObject{{"width"_L1, "Full"_L1}}}};
    const QJsonObject root{{"type"_L1, "message"_L1},
                           {"attachments"_L1, QJsonArray{QJsonObject{{"contentType"_L1, "application/vnd.microsoft.card.adaptive"_L1},
                                                                     {"contentUrl"_L1, QJsonValue::Null},
                                                                     {"content"_L1, card}}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

// ---- Generic webhook -----------------------------------------------------------------------------

QByteArray webhookPayload(const NotifyMessage &m, const QString &deliveryId, const QByteArray &chartPng)
{
    QJsonObject o{{"id"_L1, deliveryId},
                  {"key"_L1, m.key},
                  {"event"_L1, m.event},
                  {"title"_L1, m.title},
                  {"text"_L1, m.text},
                  {"urgent"_L1, m.urgent},
                  {"at"_L1, m.at.toUTC().toString(Qt::ISODate)}};
    if (m.report) {
        QJsonObject report = QJsonDocument::fromJson(reportJson(*m.report)).object();
        if (!chartPng.isEmpty())
            report.insert("chart_png_base64"_L1, QString::fromLatin1(chartPng.toBase64()));
        o.insert("report"_L1, report);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray webhookSignature(const QByteArray &key, qint64 timestamp, const QByteArray &body)
{
    const QByteArray signedText = QByteArray::number(timestamp) + '.' + body;
    return "sha256=" + QMessageAuthenticationCode::hash(signedText, key, QCryptographicHash::Sha256).toHex();
}

// ---- Email ---------------------------------------------------------------------------------------

namespace {
// RFC 2047: a header with anything but printable ASCII goes as UTF-8 base64 encoded words, each
// under 76 characters and cut between characters, never inside one.
QByteArray encodeHeader(const QString &value)
{
    bool ascii = true;
    for (QChar c : value) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            ascii = false;
    }
    if (ascii)
        return value.toLatin1();
    QByteArray out;
    QString chunk;
    const auto flush = [&] {
        if (chunk.isEmpty())
            return;
        if (!out.isEmpty())
            out += "\r\n ";
        out += "=?UTF-8?B?" + chunk.toUtf8().toBase64() + "?=";
        chunk.clear();
    };
    for (qsizetype i = 0; i < value.size(); ++i) {
        QString ch(value.at(i));
        if (value.at(i).isHighSurrogate() && i + 1 < value.size())
            ch += value.at(++i);
        if ((chunk + ch).toUtf8().size() > 45)
            flush();
        chunk += ch;
    }
    flush();
    return out;
}

QByteArray base64Lines(const QByteArray &data)
{
    const QByteArray b = data.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < b.size(); i += 76)
        out += b.mid(i, 76) + "\r\n";
    return out;
}

QByteArray mailbox(const QString &address)
{
    return address.toUtf8();
}
} // namespace

QByteArray emailMessage(const NotifyMessage &m, const Destination &d, const QString &messageId, const QDateTime &date,
                        const QByteArray &chartPng)
{
    QString text = m.text + u"\n"_s;
    if (m.report)
        text = reportTitle(*m.report) + u"\n\n"_s + reportText(*m.report) + u"\n"_s;
    text += u"\n-- \n"_s + footer(m) + u"\n"_s;
    text.replace(u"\n"_s, u"\r\n"_s);

    QByteArray head;
    head += "From: orteam <" + mailbox(d.from) + ">\r\n";
    QByteArrayList to;
    for (const QString &a : d.to)
        to << mailbox(a);
    head += "To: " + to.join(", ") + "\r\n";
    head += "Subject: " + encodeHeader((m.urgent ? u"[urgent] "_s : QString()) + m.title) + "\r\n";
    head += "Date: " + QLocale::c().toString(date.toUTC(), u"ddd, dd MMM yyyy HH:mm:ss '+0000'"_s).toLatin1() + "\r\n";
    head += "Message-ID: <" + messageId.toLatin1() + ">\r\n";
    head += "X-Orteam-Key: " + encodeHeader(m.key) + "\r\n";
    head += "MIME-Version: 1.0\r\n";
    const QByteArray textPart = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                                + base64Lines(text.toUtf8());
    if (chartPng.isEmpty())
        return head + textPart;
    const QByteArray boundary = "=_orteam_" + QCryptographicHash::hash(messageId.toUtf8(), QCryptographicHash::Sha1).toHex();
    QByteArray body = head + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
    body += "This is a MIME message.\r\n--" + boundary + "\r\n" + textPart;
    body += "--" + boundary + "\r\n";
    body += "Content-Type: image/png; name=\"spend.png\"\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Disposition: inline; filename=\"spend.png\"\r\n\r\n"
            + base64Lines(chartPng);
    body += "--" + boundary + "--\r\n";
    return body;
}

// ---- Outbox --------------------------------------------------------------------------------------

namespace {
struct StateName
{
    OutboxItem::State state;
    const char16_t *id;
};
constexpr StateName States[] = {
    {OutboxItem::State::Pending, u"pending"}, {OutboxItem::State::Sending, u"sending"}, {OutboxItem::State::Sent, u"sent"},
    {OutboxItem::State::Failed, u"failed"},   {OutboxItem::State::Unknown, u"unknown"},
};
} // namespace

QString outboxStateId(OutboxItem::State s)
{
    for (const StateName &n : States) {
        if (n.state == s)
            return QString::fromUtf16(n.id);
    }
    return {};
}

std::optional<OutboxItem::State> outboxStateFromId(const QString &id)
{
    for (const StateName &n : States) {
        if (id == QStringView(n.id))
            return n.state;
    }
    return std::nullopt;
}

QDateTime nextAttemptAfter(int attempts, const QDateTime &failedAt)
{
    const int exponent = std::clamp(attempts - 1, 0, 20);
    const qint64 seconds = std::min<qint64>(qint64(30) << exponent, 3600);
    return failedAt.addSecs(seconds);
}

bool resendAfterInterruption(Destination::Kind kind)
{
    return kind == Destination::Kind::Webhook;
}

} // namespace orteam
