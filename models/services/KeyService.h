#pragma once

#include "ApiResult.h"
#include "ApiKey.h"
#include "JsonCodec.h"
#include "KeyRequests.h"
#include "Store.h"

#include <QObject>

#include <functional>
#include <optional>

namespace orteam {

class OpenRouterClient;

// Key changes as every front end makes them: the call to OpenRouter, then, once it confirmed,
// the audit entry (one vocabulary: create, disable, enable, limit, rename, revoke). The secret of
// a new key is passed through to the caller and never stored or audited. The change happened at
// OpenRouter even if the audit entry could not be written: the result says so in `auditError`.
class KeyService
{
public:
    // `store` may be null (a management key without a team database): nothing is audited then.
    KeyService(Store *store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    template <typename T>
    struct Done
    {
        ApiResult<T> result;
        QString auditError; // set when OpenRouter confirmed but the audit log was not written
    };

    void create(const NewKeySpec &spec, QObject *context, std::function<void(const Done<json::CreatedKey> &)> done);
    // `before` is the key as it was (for the audit entry and to name the action); `why` (e.g. a
    // rotation's schedule) goes into the audit entry.
    void update(const ApiKey &before, const KeyUpdate &update, QObject *context, std::function<void(const Done<ApiKey> &)> done,
                const QString &why = {});
    // `why` (e.g. "offboarding Ana") goes into the audit entry.
    void revoke(const ApiKey &key, QObject *context, std::function<void(const Done<bool> &)> done, const QString &why = {});

    // The audit entries an update makes, one per thing that changed: a rename (old name → new
    // name), a limit (limit, reset or BYOK), a disable or an enable. A field sent with the value it
    // already had is no change and makes no entry. Without `before` (a key that was not listed,
    // its name empty) every field sent is an entry, with nothing to say it was before.
    static QList<AuditEntry> auditEntriesFor(const ApiKey &before, const KeyUpdate &update, const ApiKey &after,
                                             const QString &why = {});

private:
    QString audit(const QString &action, const QString &target, const QString &before, const QString &after);
    QString audit(const QList<AuditEntry> &entries);
    Store *m_store;
    OpenRouterClient &m_client;
};

} // namespace orteam
