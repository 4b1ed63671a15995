#include "KeychainSecretStore.h"

#include <qt6keychain/keychain.h>

#include <QPointer>
#include <QTimer>

#include <memory>

namespace orteam {

namespace {
QString explain(QKeychain::Error error, const QString &detail)
{
    switch (error) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        // Which variable serves instead depends on the secret (the management key's, a
        // destination's): its reader says so.
        return KeychainSecretStore::tr("No system keychain is available (%1).").arg(detail);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return KeychainSecretStore::tr("The system keychain refused access (%1).").arg(detail);
    default:
        return KeychainSecretStore::tr("The system keychain failed: %1").arg(detail);
    }
}

// Runs one job with a timeout and answers exactly once.
void runJob(QKeychain::Job *job, int timeoutMs, QObject *context, SecretStore::Callback done,
            std::function<void(SecretStore::Result &)> onSuccess)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    auto answered = std::make_shared<bool>(false);
    auto finish = [ctx, hasContext, done, answered](const SecretStore::Result &r) {
        if (*answered)
            return;
        *answered = true;
        if (!hasContext || ctx)
            done(r);
    };
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    QObject::connect(job, &QKeychain::Job::finished, job, [finish, onSuccess](QKeychain::Job *j) {
        SecretStore::Result r;
        if (j->error() == QKeychain::NoError) {
            r.ok = true;
            onSuccess(r);
        } else if (j->error() == QKeychain::EntryNotFound) {
            r.notFound = true;
        } else {
            r.error = explain(j->error(), j->errorString());
        }
        finish(r);
    });
    QTimer::singleShot(timeoutMs, job, [finish] {
        SecretStore::Result r;
        r.error = KeychainSecretStore::tr("The system keychain did not answer (is it locked?).");
        finish(r);
    });
    job->start();
}
} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent), m_service(std::move(service))
{
}

void KeychainSecretStore::read(const QString &name, QObject *context, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(name);
    runJob(job, m_timeoutMs, context, std::move(done), [job](Result &r) { r.secret = job->textData(); });
}

void KeychainSecretStore::write(const QString &name, const QString &secret, QObject *context, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(name);
    job->setTextData(secret);
    runJob(job, m_timeoutMs, context, std::move(done), [](Result &) {});
}

void KeychainSecretStore::remove(const QString &name, QObject *context, Callback done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(name);
    runJob(job, m_timeoutMs, context, std::move(done), [](Result &) {});
}

} // namespace orteam
