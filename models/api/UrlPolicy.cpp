#include "UrlPolicy.h"

#include <QHostAddress>

using namespace Qt::Literals::StringLiterals;

namespace orteam::UrlPolicy {

QUrl defaultBaseUrl()
{
    return QUrl(u"https://openrouter.ai/api/v1"_s);
}

bool isLoopbackHost(const QString &host)
{
    if (host.compare("localhost"_L1, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QString check(const QUrl &baseUrl)
{
    if (!baseUrl.isValid() || baseUrl.host().isEmpty())
        return u"\"%1\" is not a valid server URL (expected something like https://openrouter.ai/api/v1)."_s
            .arg(baseUrl.toString());
    const QString scheme = baseUrl.scheme().toLower();
    if (scheme == "https"_L1)
        return {};
    if (scheme == "http"_L1) {
        if (isLoopbackHost(baseUrl.host()))
            return {};
        return u"Refusing to send the management key over plain http to %1; use https (plain http is allowed only "
               "for this machine, e.g. http://127.0.0.1)."_s.arg(baseUrl.host());
    }
    return u"\"%1\" is not an http(s) URL."_s.arg(baseUrl.toString());
}

QUrl parse(const QString &text, QString *error)
{
    // No QUrl::fromUserInput: it guesses http for a bare host, and we only accept what was spelled out.
    const QUrl strict(text.trimmed(), QUrl::StrictMode);
    if (!strict.isValid() || strict.scheme().isEmpty()) {
        *error = u"\"%1\" is not a valid server URL (expected something like https://openrouter.ai/api/v1)."_s.arg(text);
        return {};
    }
    *error = check(strict);
    return error->isEmpty() ? strict : QUrl();
}

} // namespace orteam::UrlPolicy
