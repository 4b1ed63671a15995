#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace orteam {

// Where the management key is kept between runs: the OS keychain, never a file. Asynchronous,
// because a keychain may have to ask the user to unlock it. Every callback runs later, once.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    struct Result
    {
        bool ok = false;
        bool notFound = false; // read: no secret saved yet (not an error for a first run)
        QString secret;        // read: the secret
        QString error;         // a sentence for a person when !ok
    };
    using Callback = std::function<void(const Result &)>;

    using QObject::QObject;
    ~SecretStore() override = default;

    virtual void read(const QString &name, QObject *context, Callback done) = 0;
    virtual void write(const QString &name, const QString &secret, QObject *context, Callback done) = 0;
    virtual void remove(const QString &name, QObject *context, Callback done) = 0;

    static QString managementKeyName() { return QStringLiteral("management-key"); }
};

// Keeps secrets in memory for the session only: tests, and the demo, which must not touch the
// real keychain. `setAvailable(false)` makes it fail like a machine without a keychain.
class MemorySecretStore final : public SecretStore
{
    Q_OBJECT

public:
    using SecretStore::SecretStore;
    void read(const QString &name, QObject *context, Callback done) override;
    void write(const QString &name, const QString &secret, QObject *context, Callback done) override;
    void remove(const QString &name, QObject *context, Callback done) override;
    void setAvailable(bool available) { m_available = available; }
    QHash<QString, QString> contents() const { return m_secrets; }

private:
    void answer(QObject *context, Callback done, Result result);
    QHash<QString, QString> m_secrets;
    bool m_available = true;
};

} // namespace orteam
