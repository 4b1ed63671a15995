#pragma once

#include "Notify.h"

#include <QByteArray>
#include <QString>

namespace orteam {

// How a message will look where it arrives, as HTML for a QTextBrowser, drawn from the very body
// that is sent (slackPayload, teamsPayload, emailMessage, webhookPayload), so the preview cannot
// drift from the message. A report's chart is referenced as ChartUrl: the caller adds the image
// to the document as that resource.
namespace NotifyPreview {

inline constexpr const char *ChartUrl = "orteam-chart.png";

QString html(const Destination &d, const NotifyMessage &m, bool withChart);

// Each destination's renderer, from the body it receives.
QString slackHtml(const QByteArray &payload);
QString teamsHtml(const QByteArray &payload, bool withChart);
QString emailHtml(const QByteArray &message, bool withChart);
QString webhookHtml(const QByteArray &body);

// Slack's mrkdwn (already escaped as Slack wants: &amp; &lt; &gt;) as HTML: *bold*, _italic_,
// `code`, ```blocks```, <url|links> and line breaks.
QString mrkdwnToHtml(const QString &mrkdwn);

} // namespace NotifyPreview
} // namespace orteam
