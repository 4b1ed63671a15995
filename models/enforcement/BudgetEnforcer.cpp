#include "BudgetEnforcer.h"

#include "OpenRouterClient.h"

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

void applyDailyCheck(OpenRouterClient *client, Store *store, const DailyCheckResult &result, QObject *context,
                     const std::function<void(const AuditEntry &)> &audit,
                     const std::function<void(const EnforcementOutcome &)> &done)
{
    QString ignored; // a record that cannot be dropped is dropped by the next check
    for (const QString &hash : result.forget)
        store->forgetEnforced(hash, &ignored);
    auto outcome = std::make_shared<EnforcementOutcome>();
    auto pending = std::make_shared<qsizetype>(result.toDisable.size() + result.toEnable.size());
    if (*pending == 0) {
        done(*outcome);
        return;
    }
    auto apply = [=](const EnforcedKey &k, bool disable) {
        KeyUpdate update;
        update.disabled = disable;
        client->updateKey(k.keyHash, update, context, [=](const ApiResult<ApiKey> &r) {
            QString error;
            if (r.ok() || (!disable && r.error.kind == ApiError::Kind::Http && r.error.httpStatus == 404)) {
                EnforcementOutcome::Change change{k, disable, r.ok() ? std::optional(r.value) : std::nullopt};
                if (disable)
                    store->setEnforced(k, &error);
                else
                    store->forgetEnforced(k.keyHash, &error);
                audit({0, {}, {}, u"enforcement"_s, change.keyName(), disable ? u"enabled"_s : u"disabled (over budget)"_s,
                       disable ? u"disabled: %1 is over the daily budget (re-enabled at the next UTC day)"_s.arg(k.member)
                               : u"enabled: a new UTC day"_s});
                outcome->changes << change;
            } else {
                outcome->failures << EnforcementOutcome::Failure{k, disable, r.error};
            }
            if (--*pending == 0)
                done(*outcome);
        });
    };
    for (const EnforcedKey &k : result.toDisable)
        apply(k, true);
    for (const EnforcedKey &k : result.toEnable)
        apply(k, false);
}

} // namespace orteam
