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

QString KeyService::audit(const QList<AuditEntry> &entries)
{
    if (entries.isEmpty())
        return {};
    if (!m_store || !m_store->isOpen())
        return u"no team database is open, so this change is not in the audit log"_s;
    // All of one edit's entries or none: a log with the rename but not the limit change of the
    // same Save would misstate what was done.
    const Status s = m_store->transaction([&]() -> Status {
        for (const AuditEntry &e : entries) {
            if (Status written = m_store->audit().append(e); !written)
                return written;
        }
        return {};
    });
    return s ? QString() : u"the audit log could not be written: "_s + s.errorText();
}

QList<AuditEntry> KeyService::auditEntriesFor(const ApiKey &before, const KeyUpdate &update, const ApiKey &after,
                                              const QString &why)
{
    const bool known = !before.name.isEmpty();
    const QString reason = why.isEmpty() ? QString() : u", "_s + why;
    const QString target = after.name.isEmpty() ? before.name : after.name;
    const QString state = known ? auditSummary(before) : QString();
    QList<AuditEntry> entries;
    // The rename first, so the entries after it name the key as it is now.
    if (update.name && (!known || *update.name != before.name))
        entries << auditEntry(AuditAction::Rename, target, known ? before.name : QString(), *update.name + reason);
    const bool limitChanged = (update.limit && (!known || *update.limit != before.limit))
        || (update.limitReset && (!known || *update.limitReset != before.limitReset))
        || (update.includeByokInLimit && (!known || *update.includeByokInLimit != before.includeByokInLimit));
    if (limitChanged)
        entries << auditEntry(AuditAction::Limit, target, state, auditSummary(after) + reason);
    if (update.disabled && (!known || *update.disabled != before.disabled))
        entries << auditEntry(*update.disabled ? AuditAction::Disable : AuditAction::Enable, target, state,
                              auditSummary(after) + reason);
    return entries;
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
    m_client.updateKey(before.hash, update, context, [this, done, before, update, why](const ApiResult<ApiKey> &r) {
        Done<ApiKey> d{r, {}};
        if (r.ok())
            d.auditError = audit(auditEntriesFor(before, update, r.value, why));
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
