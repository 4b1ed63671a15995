#pragma once

#include <QString>
#include <QUrl>

namespace orteam {

// Where the management key may be sent. It is a bearer credential for the company's AI spend,
// so plain http is refused except to this machine (the tests' fake server and the demo).
namespace UrlPolicy {
QUrl defaultBaseUrl(); // https://openrouter.ai/api/v1
bool isLoopbackHost(const QString &host);
// Empty when the URL is acceptable as an API base URL; otherwise one sentence saying why not.
QString check(const QUrl &baseUrl);
// Parses what a person typed (settings field, --base-url, OPENROUTER_BASE_URL) strictly.
QUrl parse(const QString &text, QString *error);
} // namespace UrlPolicy

} // namespace orteam
