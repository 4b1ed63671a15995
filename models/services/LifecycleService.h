#pragma once

#include "ApiKey.h"
#include "ApiResult.h"
#include "FlowError.h"
#include "Hygiene.h"
#include "JsonCodec.h"
#include "KeyRequests.h"
#include "Store.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

namespace orteam {

class OpenRouterClient;

// Key hygiene as every front end sees it: each key's last use, age, member and tier, and the
// findings of the rules (Hygiene.h) with the team's thresholds. A read that fails is an error:
// no findings are made from part of the data.
class HygieneService
{
public:
    // `store` may be null (a management key without a team database): last use then comes from
    // the key counters alone, and the member rules (orphan, inactive owner) are left out.
    explicit HygieneService(const Store *store) : m_store(store) {}

    struct Assessment
    {
        QList<KeyHygiene> keys; // in the order of the keys given
        HygieneSettings settings;
        bool teamKnown = false;
        QHash<HygieneRule, int> counts() const { return findingCounts(keys); }
    };
    // `keys` must be the account's complete key list.
    Result<Assessment> assess(const QList<ApiKey> &keys, const QDateTime &now) const;

    // The team's thresholds, written with their audit entry (the values before and after) in one
    // transaction, from whichever front end; the same values again change and record nothing.
    // Invalid when settings.problem().
    static Status saveSettings(Store &store, const HygieneSettings &settings);

private:
    const Store *m_store;
};

// The replacement of `key` as a rotation makes it: same name, limit, reset, BYOK setting and
// (when still ahead) expiry.
NewKeySpec replacementSpec(const ApiKey &key, const QDateTime &now);

// Rotation with a grace period, and the schedule carried out. Every key change goes through
// KeyService (so it is audited alike); the schedule's state is written only after OpenRouter
// confirmed the change, so a run that stops half-way is finished by the next run.
class LifecycleService
{
public:
    // `store` may be null only for rotate() without a schedule.
    LifecycleService(Store *store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    struct RotateOptions
    {
        std::optional<int> disableAfterDays; // nullopt: the team's grace period
        std::optional<int> revokeAfterDays;  // nullopt: the team's second period
        bool schedule = true;                // false: the old key is left as it is
    };
    struct RotateOutcome
    {
        FlowError error;                     // nothing was made (the key, the team or settings unreadable, or OpenRouter refused)
        std::optional<json::CreatedKey> created; // the replacement, its secret to show once
        QString member;                      // the member both keys belong to; empty: nobody
        std::optional<KeyRotation> rotation; // the schedule kept for the old key
        QStringList warnings;                // made, but not all of it recorded (link, schedule, audit)
    };
    // Makes the replacement of `key`, links it to the old key's member and schedules the old key.
    // The member and the settings are read before anything is made: a read that fails makes nothing
    // (an unlinked replacement would spend outside every budget).
    void rotate(const ApiKey &key, const RotateOptions &options, const QDateTime &now, QObject *context,
                std::function<void(const RotateOutcome &)> done);

    struct RunOutcome
    {
        FlowError error;                 // the keys or the schedule could not be read: nothing was done
        QList<LifecycleStep> planned;    // what the schedule wanted now (all of it, for a dry run)
        QList<LifecycleStep> done;       // carried out
        QList<std::pair<LifecycleStep, QString>> failed; // step and why; the next run tries again
        QStringList warnings;            // carried out, but the schedule or audit was not written
    };
    // Carries out what the schedule wants at `now`. `keys`: the complete key list as the caller has
    // it (the dashboard after a good refresh); nullopt lists them first. A dry run only plans.
    void run(const std::optional<QList<ApiKey>> &keys, const QDateTime &now, bool dryRun, QObject *context,
             std::function<void(const RunOutcome &)> done);

    // An admin keeps the old key after all: its schedule ends (audited). NotFound without one.
    Status cancel(const QString &oldHash, const QString &keyName);

private:
    void runSteps(QList<LifecycleStep> steps, QHash<QString, ApiKey> keys, RunOutcome outcome, QObject *context,
                  std::function<void(const RunOutcome &)> done);
    QString audit(const QString &target, const QString &before, const QString &after);
    Store *m_store;
    OpenRouterClient &m_client;
};

} // namespace orteam
