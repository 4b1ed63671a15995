#include "KeyService.h"

#include "Audit.h"
#include "OpenRouterClient.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QString KeyService::audit(const QString &action, const QString &target, const QString &before, const QString &after)
{
    if (!m_store || !m_store->isOpen())
        return u"no team database is open, so this change is not in the audit log"_s;
    const Status s = m_store->audit().append(auditEntry(action, target, before, after));
    return s ? QString() : u"the audit log could not be written: "_s + s.errorText();
}

QString KeyService::actionFor(const ApiKey &, const KeyUpdate &update)
{
    if (update.disabled)
        return *update.disabled ? AuditAction::Disable : AuditAction::Enable;
    if (update.limit || update.limitReset)
        return AuditAction::Limit;
    if (update.name)
        return AuditAction::Rename;
    return u"update"_s;
}

void KeyService::create(const NewKeySpec &spec, QObject *context, std::function<void(const Done<json::CreatedKey> &)> done)
{
    m_client.createKey(spec, context, [this, done](const ApiResult<json::CreatedKey> &r) {
        Done<json::CreatedKey> d{r, {}};
        // The secret stays with the caller: the audit entry names the key and its settings only.
        if (r.ok())
            d.auditError = audit(AuditAction::Create, r.value.key.name, {},
                                 auditSummary(r.value.key) + u", hash "_s + r.value.key.hash.left(16));
        done(d);
    });
}

void KeyService::update(const ApiKey &before, const KeyUpdate &update, QObject *context,
                        std::function<void(const Done<ApiKey> &)> done, const QString &why)
{
    const QString action = actionFor(before, update);
    m_client.updateKey(before.hash, update, context, [this, done, before, action, why](const ApiResult<ApiKey> &r) {
        Done<ApiKey> d{r, {}};
        if (r.ok())
            d.auditError = audit(action, r.value.name, before.name.isEmpty() ? QString() : auditSummary(before),
                                 auditSummary(r.value) + (why.isEmpty() ? QString() : u", "_s + why));
        done(d);
    });
}

void KeyService::revoke(const ApiKey &key, QObject *context, std::function<void(const Done<bool> &)> done, const QString &why)
{
    m_client.deleteKey(key.hash, context, [this, done, key, why](const ApiResult<bool> &r) {
        Done<bool> d{r, {}};
        if (r.ok()) {
            const QString name = key.name.isEmpty() ? key.hash.left(16) : key.name;
            QString before = key.name.isEmpty() ? QString() : auditSummary(key) + u", "_s;
            before += u"hash "_s + key.hash.left(16);
            if (!why.isEmpty())
                before += u", "_s + why;
            d.auditError = audit(AuditAction::Revoke, name, before, u"revoked"_s);
        }
        done(d);
    });
}

} // namespace orteam
