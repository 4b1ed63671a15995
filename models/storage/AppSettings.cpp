#include "AppSettings.h"

namespace orteam {

AppSettings::AppSettings() : m_settings(std::make_unique<QSettings>()) {}

AppSettings::AppSettings(const QString &path) : m_settings(std::make_unique<QSettings>(path, QSettings::IniFormat)) {}

QUrl AppSettings::baseUrl() const
{
    return QUrl(m_settings->value(QStringLiteral("server/baseUrl")).toString());
}

void AppSettings::setBaseUrl(const QUrl &url)
{
    if (url.isEmpty())
        m_settings->remove(QStringLiteral("server/baseUrl"));
    else
        m_settings->setValue(QStringLiteral("server/baseUrl"), url.toString());
}

int AppSettings::refreshIntervalSeconds() const
{
    bool ok = false;
    const int v = m_settings->value(QStringLiteral("ui/refreshIntervalSeconds"), DefaultRefreshSeconds).toInt(&ok);
    // A hand-edited file with nonsense falls back to the default rather than hammering the API.
    return (ok && v >= 0 && v <= 24 * 3600) ? v : DefaultRefreshSeconds;
}

void AppSettings::setRefreshIntervalSeconds(int seconds)
{
    m_settings->setValue(QStringLiteral("ui/refreshIntervalSeconds"), seconds);
}

QString AppSettings::database() const
{
    return m_settings->value(QStringLiteral("storage/database")).toString();
}

void AppSettings::setDatabase(const QString &location)
{
    if (location.isEmpty())
        m_settings->remove(QStringLiteral("storage/database"));
    else
        m_settings->setValue(QStringLiteral("storage/database"), location);
}

QString AppSettings::fileName() const
{
    return m_settings->fileName();
}

void AppSettings::sync()
{
    m_settings->sync();
}

} // namespace orteam
