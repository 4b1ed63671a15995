#include "NotifyPreview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace orteam::NotifyPreview {

namespace {
const QString Gray = u"#616061"_s;
const QString CodeStyle = u"font-family:monospace; background:#f8f8f8; color:#1d1c1d; border:1px solid #dddddd;"_s;

QString chartImage()
{
    return u"<p><img src=\"%1\" width=\"420\"></p>"_s.arg(QLatin1StringView(ChartUrl));
}

// Inline marks of one line of mrkdwn outside a code block.
QString inlineMarks(QString text)
{
    static const QRegularExpression link(u"<((?:https?|mailto):[^|>]+)\\|([^>]+)>"_s);
    static const QRegularExpression bareLink(u"<((?:https?|mailto):[^>]+)>"_s);
    static const QRegularExpression code(u"`([^`]+)`"_s);
    static const QRegularExpression bold(u"(^|[\\s(])\\*([^*\\n]+)\\*"_s);
    static const QRegularExpression italic(u"(^|[\\s(])_([^_\\n]+)_"_s);
    text.replace(link, u"<a href=\"\\1\">\\2</a>"_s);
    text.replace(bareLink, u"<a href=\"\\1\">\\1</a>"_s);
    text.replace(code, u"<code style=\"%1\">\\1</code>"_s.arg(CodeStyle));
    text.replace(bold, u"\\1<b>\\2</b>"_s);
    text.replace(italic, u"\\1<i>\\2</i>"_s);
    return text.replace(u'\n', u"<br>"_s);
}
} // namespace

QString mrkdwnToHtml(const QString &mrkdwn)
{
    // Fences alternate: even pieces are text, odd ones code (shown as Slack does, in a box).
    const QStringList pieces = mrkdwn.split(u"```"_s);
    QString out;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        if (i % 2 == 1)
            // A one-cell table: the text engine draws a table's border and background, not a pre's.
            out += u"<table border=\"1\" cellspacing=\"0\" cellpadding=\"6\" width=\"100%\" bgcolor=\"#f8f8f8\" "
                   "style=\"border-color:#dddddd; border-style:solid;\"><tr><td><pre style=\"font-family:monospace;\">%1</pre>"
                   "</td></tr></table>"_s.arg(pieces.at(i));
        else
            out += inlineMarks(pieces.at(i));
    }
    return out;
}

QString slackHtml(const QByteArray &payload)
{
    const QJsonObject root = QJsonDocument::fromJson(payload).object();
    // The app's name line, as Slack shows an incoming webhook's post.
    QString out = u"<p><b>orteam</b> <span style=\"background:#e8e8e8; color:%1; font-size:small;\">&nbsp;APP&nbsp;</span></p>"_s
                      .arg(Gray);
    for (const QJsonValue &v : root.value("blocks"_L1).toArray()) {
        const QJsonObject block = v.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "header"_L1) {
            out += u"<p style=\"font-size:large;\"><b>%1</b></p>"_s.arg(block.value("text"_L1).toObject().value("text"_L1).toString().toHtmlEscaped());
        } else if (type == "section"_L1) {
            out += u"<div>%1</div>"_s.arg(mrkdwnToHtml(block.value("text"_L1).toObject().value("text"_L1).toString()));
        } else if (type == "context"_L1) {
            QStringList parts;
            for (const QJsonValue &e : block.value("elements"_L1).toArray())
                parts << mrkdwnToHtml(e.toObject().value("text"_L1).toString());
            out += u"<p style=\"color:%1; font-size:small;\">%2</p>"_s.arg(Gray, parts.join(u"  "_s));
        }
    }
    return out;
}

QString teamsHtml(const QByteArray &payload, bool withChart)
{
    const QJsonObject root = QJsonDocument::fromJson(payload).object();
    const QJsonObject card = root.value("attachments"_L1).toArray().first().toObject().value("content"_L1).toObject();
    QString out = u"<table width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"10\" style=\"border-color:#d1d1d1; border-style:solid;\"><tr><td>"_s;
    for (const QJsonValue &v : card.value("body"_L1).toArray()) {
        const QJsonObject block = v.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "TextBlock"_L1) {
            const QString text = block.value("text"_L1).toString().toHtmlEscaped().replace(u'\n', u"<br>"_s);
            if (block.value("weight"_L1).toString() == "Bolder"_L1) {
                const bool attention = block.value("color"_L1).toString() == "Attention"_L1;
                out += u"<p style=\"font-size:large;%1\"><b>%2</b></p>"_s.arg(attention ? u" color:#c4314b;"_s : QString(), text);
            } else if (block.value("isSubtle"_L1).toBool()) {
                out += u"<p style=\"color:%1; font-size:small;\">%2</p>"_s.arg(Gray, text);
            } else {
                out += u"<p>%1</p>"_s.arg(text);
            }
        } else if (type == "FactSet"_L1) {
            out += u"<table cellpadding=\"2\">"_s;
            for (const QJsonValue &f : block.value("facts"_L1).toArray())
                out += u"<tr><td><b>%1</b></td><td>%2</td></tr>"_s.arg(f.toObject().value("title"_L1).toString().toHtmlEscaped(),
                                                                     f.toObject().value("value"_L1).toString().toHtmlEscaped());
            out += u"</table>"_s;
        } else if (type == "Image"_L1 && withChart) {
            out += chartImage();
        }
    }
    return out + u"</td></tr></table>"_s;
}

QString emailHtml(const QByteArray &message, bool withChart)
{
    const qsizetype headEnd = message.indexOf("\r\n\r\n");
    QString out = u"<table cellpadding=\"2\" style=\"color:%1;\">"_s.arg(Gray);
    // Folded header lines are unfolded first (a long encoded subject spans several).
    QByteArray head = message.left(headEnd);
    head.replace("\r\n ", " ").replace("\r\n\t", " ");
    for (const QByteArray &line : head.split('\n')) {
        const QByteArray l = line.trimmed();
        const qsizetype colon = l.indexOf(':');
        const QByteArray name = l.left(colon);
        // What a mail program shows; the MIME plumbing and the key header it hides.
        if (name == "From" || name == "To" || name == "Subject" || name == "Date") {
            QString value = QString::fromUtf8(l.mid(colon + 1).trimmed());
            static const QRegularExpression encoded(u"=\\?utf-8\\?B\\?([^?]*)\\?=\\s*"_s, QRegularExpression::CaseInsensitiveOption);
            if (value.contains(encoded)) {
                QByteArray decoded;
                for (const auto &match : encoded.globalMatch(value))
                    decoded += QByteArray::fromBase64(match.captured(1).toLatin1());
                value = QString::fromUtf8(decoded);
            }
            out += u"<tr><td align=\"right\">%1:</td><td style=\"color:#1d1c1d;\">%2</td></tr>"_s.arg(QString::fromLatin1(name),
                                                                                                 name == "Subject" ? u"<b>%1</b>"_s.arg(value.toHtmlEscaped()) : value.toHtmlEscaped());
        }
    }
    out += u"</table><hr>"_s;
    // The text part is base64 lines after its own headers, up to the next boundary or the end.
    const qsizetype part = message.indexOf("Content-Type: text/plain");
    const qsizetype start = message.indexOf("\r\n\r\n", part) + 4;
    qsizetype end = message.indexOf("\r\n--", start);
    if (end < 0)
        end = message.size();
    const QString text = QString::fromUtf8(QByteArray::fromBase64(message.mid(start, end - start))).remove(u'\r');
    out += u"<pre style=\"font-family:monospace;\">%1</pre>"_s.arg(text.toHtmlEscaped());
    if (withChart && message.contains("name=\"spend.png\""))
        out += u"<p style=\"color:%1;\">spend.png</p>"_s.arg(Gray) + chartImage();
    return out;
}

QString webhookHtml(const QByteArray &body)
{
    const QByteArray indented = QJsonDocument::fromJson(body).toJson(QJsonDocument::Indented);
    return u"<pre style=\"font-family:monospace;\">%1</pre>"_s.arg(QString::fromUtf8(indented).toHtmlEscaped());
}

QString html(const Destination &d, const NotifyMessage &m, bool withChart)
{
    // A stand-in for the chart: its bytes are not needed for the layout, only that there is one.
    const QByteArray chart = withChart && m.report ? QByteArray("png") : QByteArray();
    switch (d.kind) {
    case Destination::Kind::Slack:
        return slackHtml(slackPayload(m));
    case Destination::Kind::Teams:
        return teamsHtml(teamsPayload(m, chart), !chart.isEmpty());
    case Destination::Kind::Webhook:
        // The chart as the receiver gets it would be pages of base64: the preview leaves it out.
        return webhookHtml(webhookPayload(m, u"3f1c2a9e-preview"_s, {}));
    case Destination::Kind::Email:
        return emailHtml(emailMessage(m, d, u"preview@orteam"_s, m.at, chart), !chart.isEmpty());
    }
    return {};
}

} // namespace orteam::NotifyPreview
