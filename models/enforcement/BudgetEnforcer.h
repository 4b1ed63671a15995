#pragma once

#include "ApiError.h"
#include "ApiKey.h"
#include "Enforcement.h"
#include "Store.h"

#include <QList>

#include <functional>
#include <optional>

class QObject;

namespace orteam {

class OpenRouterClient;

// What carrying out a daily check did, key by key.
struct EnforcementOutcome
{
    struct Change
    {
        EnforcedKey key;
        bool disabled = false;         // true: disabled (over budget); false: enabled again (a new day)
        std::optional<ApiKey> updated; // the key as OpenRouter now has it (none: it was gone, 404)
        QString keyName() const { return updated ? updated->name : key.keyHash.left(16); }
    };
    struct Failure
    {
        EnforcedKey key;
        bool disabling = false;
        ApiError error;
    };
    QList<Change> changes;
    QList<Failure> failures;
};

// Carries out a daily check's decisions: forgets the records it says to drop, disables the keys of
// members over budget (and remembers them, so they and only they come back), enables the keys it
// disabled on an earlier UTC day (one deleted since, a 404, is just forgotten), and records every
// change with `audit`. A failed call changes nothing for its key; the next check tries again.
// `done` is called once, after every call returned (at once when there is nothing to do).
void applyDailyCheck(OpenRouterClient *client, Store *store, const DailyCheckResult &result, QObject *context,
                     const std::function<void(const AuditEntry &)> &audit,
                     const std::function<void(const EnforcementOutcome &)> &done);

} // namespace orteam
