#include "SecretStore.h"

#include <QPointer>
#include <QTimer>

namespace orteam {

void MemorySecretStore::answer(QObject *context, Callback done, Result result)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    QTimer::singleShot(0, this, [ctx, hasContext, done = std::move(done), result] {
        if (!hasContext || ctx)
            done(result);
    });
}

void MemorySecretStore::read(const QString &name, QObject *context, Callback done)
{
    Result r;
    if (!m_available) {
        r.error = tr("No system keychain is available.");
    } else if (!m_secrets.contains(name)) {
        r.notFound = true;
    } else {
        r.ok = true;
        r.secret = m_secrets.value(name);
    }
    answer(context, std::move(done), r);
}

void MemorySecretStore::write(const QString &name, const QString &secret, QObject *context, Callback done)
{
    Result r;
    if (!m_available) {
        r.error = tr("No system keychain is available.");
    } else {
        m_secrets.insert(name, secret);
        r.ok = true;
    }
    answer(context, std::move(done), r);
}

void MemorySecretStore::remove(const QString &name, QObject *context, Callback done)
{
    Result r;
    r.ok = m_available;
    if (m_available)
        m_secrets.remove(name);
    else
        r.error = tr("No system keychain is available.");
    answer(context, std::move(done), r);
}

} // namespace orteam
