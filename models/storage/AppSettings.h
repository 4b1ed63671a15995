#pragma once

#include <QSettings>
#include <QUrl>

#include <memory>

namespace orteam {

// The few settings kept on disk (QSettings): where the server is and how often to refresh.
// Deliberately no setter for a key: secrets go to the SecretStore, never here.
class AppSettings
{
public:
    AppSettings();                             // the user's settings file
    explicit AppSettings(const QString &path); // an explicit file (tests)

    QUrl baseUrl() const; // empty: the default
    void setBaseUrl(const QUrl &url);
    int refreshIntervalSeconds() const; // 0: off
    void setRefreshIntervalSeconds(int seconds);
    // The team database (a SQLite path or a postgresql:// URL without a password); empty: the
    // default file. A password never goes here: libpq reads it from ~/.pgpass or PGPASSWORD.
    QString database() const;
    void setDatabase(const QString &location);
    // How the window was left (geometry, splitters, columns, sort, page, ranges), kept apart for
    // each team database: a shared team database and a private one have different tables in
    // view. `database` is the location as DbLocation::display() gives it.
    QVariant viewValue(const QString &database, const QString &key) const;
    void setViewValue(const QString &database, const QString &key, const QVariant &value);
    QString fileName() const;
    void sync();

    static constexpr int DefaultRefreshSeconds = 60;

private:
    static QString viewGroup(const QString &database);
    std::unique_ptr<QSettings> m_settings;
};

} // namespace orteam
