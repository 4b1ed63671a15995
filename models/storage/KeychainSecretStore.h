#pragma once

#include "SecretStore.h"

namespace orteam {

// The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Store on Windows)
// through QtKeychain, with its insecure fallback off: if there is no keychain, saving fails with
// a clear message rather than writing the secret to a file. Each job is bounded by a timeout,
// because a locked keyring can wait forever on an unlock prompt nobody answers.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT

public:
    explicit KeychainSecretStore(QString service, QObject *parent = nullptr);
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void read(const QString &name, QObject *context, Callback done) override;
    void write(const QString &name, const QString &secret, QObject *context, Callback done) override;
    void remove(const QString &name, QObject *context, Callback done) override;

private:
    QString m_service;
    int m_timeoutMs = 15'000;
};

} // namespace orteam
