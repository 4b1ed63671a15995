#include "AppSettings.h"

#include <QCryptographicHash>

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

QString AppSettings::viewGroup(const QString &database)
{
    // A location holds '/' and ':' (QSettings' separators): its hash names the group instead.
    return QStringLiteral("view-")
        + QString::fromLatin1(QCryptographicHash::hash(database.toUtf8(), QCryptographicHash::Sha256).toHex().left(16))
        + QLatin1Char('/');
}

QVariant AppSettings::viewValue(const QString &database, const QString &key) const
{
    return m_settings->value(viewGroup(database) + key);
}

void AppSettings::setViewValue(const QString &database, const QString &key, const QVariant &value)
{
    // The location itself beside its hash, so a person reading the file knows whose view it is.
    m_settings->setValue(viewGroup(database) + QStringLiteral("database"), database);
    m_settings->setValue(viewGroup(database) + key, value);
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
