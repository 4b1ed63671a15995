#include "LifecycleService.h"

#include "AccountKeys.h"
#include "Audit.h"
#include "KeyService.h"
#include "OpenRouterClient.h"
#include "TeamService.h"

#include <QTimer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QString dayText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().date().toString(Qt::ISODate) : u"never"_s;
}

QString scheduleText(const KeyRotation &r)
{
    return u"replaced by %1; disable on %2, revoke on %3"_s.arg(r.newHash.left(16), dayText(r.disableAt), dayText(r.revokeAt));
}

// The member a key is linked to (nullopt: nobody), from the team as the database has it.
Result<std::optional<Member>> ownerOf(const Store &store, const QString &hash)
{
    const Result<QList<Member>> members = store.team().members();
    if (!members)
        return members.error();
    for (const Member &m : *members) {
        if (m.keyHashes.contains(hash))
            return std::optional<Member>(m);
    }
    return std::optional<Member>();
}
} // namespace

// ---- HygieneService -------------------------------------------------------------------------------

Status HygieneService::saveSettings(Store &store, const HygieneSettings &settings)
{
    if (const QString p = settings.problem(); !p.isEmpty())
        return StoreError::invalid(p);
    // Read first without the write lock: `keys hygiene-settings` with no option shows them, and
    // must not wait for a sync or a gateway writing.
    const Result<HygieneSettings> current = store.lifecycle().hygieneSettings();
    if (!current)
        return current.error();
    if (*current == settings)
        return {};
    return store.transaction([&]() -> Status {
        const Result<HygieneSettings> before = store.lifecycle().hygieneSettings();
        if (!before)
            return before.error();
        if (*before == settings)
            return {};
        if (Status s = store.lifecycle().setHygieneSettings(settings); !s)
            return s;
        return store.audit().append(auditEntry(AuditAction::Settings, u"key hygiene"_s, before->summary(), settings.summary()));
    });
}

Result<HygieneService::Assessment> HygieneService::assess(const QList<ApiKey> &keys, const QDateTime &now) const
{
    HygieneInput in;
    in.now = now.toUTC();
    in.keys = keys;
    in.teamKnown = m_store && m_store->isOpen();
    if (in.teamKnown) {
        const Result<QList<Member>> members = m_store->team().members();
        if (!members)
            return members.error();
        in.members = *members;
        const Result<QHash<QString, KeyUseHistory>> use = m_store->lifecycle().keyUse();
        if (!use)
            return use.error();
        in.history = *use;
        const Result<QList<KeyRotation>> rotations = m_store->lifecycle().rotations();
        if (!rotations)
            return rotations.error();
        in.rotations = *rotations;
        const Result<HygieneSettings> settings = m_store->lifecycle().hygieneSettings();
        if (!settings)
            return settings.error();
        in.settings = *settings;
    }
    Assessment a;
    a.keys = assessKeys(in);
    a.settings = in.settings;
    a.teamKnown = in.teamKnown;
    return a;
}

NewKeySpec replacementSpec(const ApiKey &key, const QDateTime &now)
{
    NewKeySpec spec;
    spec.name = key.name;
    spec.limit = key.limit;
    spec.limitReset = key.limit ? key.limitReset : LimitReset::None;
    spec.includeByokInLimit = key.includeByokInLimit;
    // The replacement stays whoever's the old key was, so their guardrails as a person bind it too.
    spec.creatorUserId = key.creatorUserId;
    if (key.expiresAt.isValid() && key.expiresAt > now)
        spec.expiresAt = key.expiresAt;
    return spec;
}

// ---- LifecycleService: rotate -----------------------------------------------------------------

QString LifecycleService::audit(const QString &target, const QString &before, const QString &after)
{
    if (!m_store || !m_store->isOpen())
        return u"no team database is open, so this change is not in the audit log"_s;
    const Status s = m_store->audit().append(auditEntry(AuditAction::Rotate, target, before, after));
    return s ? QString() : u"the audit log could not be written: "_s + s.errorText();
}

void LifecycleService::rotate(const ApiKey &key, const RotateOptions &options, const QDateTime &now, QObject *context,
                              std::function<void(const RotateOutcome &)> done)
{
    RotateOutcome outcome;
    auto failNow = [&](const FlowError &e) {
        outcome.error = e;
        QTimer::singleShot(0, context, [done, outcome] { done(outcome); });
    };
    auto refuse = [&](const QString &why) { failNow(FlowError::database(StoreError::invalid(why))); };
    // A replacement is a new working secret: never for a key whose access should end.
    if (key.disabled)
        return refuse(u"the key %1 is disabled: revoke it rather than make it a working replacement"_s.arg(key.name));
    if (key.expiresAt.isValid() && key.expiresAt <= now)
        return refuse(u"the key %1 has expired: revoke it rather than make it a working replacement"_s.arg(key.name));
    const bool team = m_store && m_store->isOpen();
    HygieneSettings settings;
    if (team) {
        const Result<std::optional<Member>> owner = ownerOf(*m_store, key.hash);
        if (!owner)
            return failNow(FlowError::database(owner.error(), u"cannot read who the key belongs to; nothing was made"_s));
        if (*owner && !(*owner)->active)
            return refuse(u"the key %1 belongs to %2, who is inactive: revoke it rather than rotate it"_s.arg(key.name, (*owner)->name));
        outcome.member = *owner ? (*owner)->name : QString();
        const Result<QList<KeyRotation>> open = m_store->lifecycle().rotations();
        if (!open)
            return failNow(FlowError::database(open.error(), u"cannot read the rotation schedule; nothing was made"_s));
        for (const KeyRotation &r : *open) {
            if (r.oldHash == key.hash)
                return refuse(u"the key %1 is being rotated already (its replacement %2 was made on %3); cancel that schedule "
                              "first"_s.arg(key.name, r.newHash.left(16), dayText(r.rotatedAt)));
        }
        if (options.schedule) {
            const Result<HygieneSettings> s = m_store->lifecycle().hygieneSettings();
            if (!s)
                return failNow(FlowError::database(s.error(), u"cannot read the rotation periods; nothing was made"_s));
            settings = *s;
        }
    } else if (options.schedule) {
        return refuse(u"a rotation with a grace period needs the team database"_s);
    }
    // The team's revoke period, moved later when a longer grace period would leave less than the
    // team's gap between disabling and revoking.
    const int disableDays = options.disableAfterDays.value_or(settings.graceDisableDays);
    const int revokeDays = options.revokeAfterDays.value_or(
        std::max(settings.graceRevokeDays, disableDays + settings.graceRevokeDays - settings.graceDisableDays));
    // Each bound its own sentence: the one broken is the one said.
    constexpr int LongestGraceDays = 3650;
    if (options.schedule) {
        QString wrong;
        if (disableDays < 0)
            wrong = u"the old key cannot be disabled %1 days before the rotation"_s.arg(-disableDays);
        else if (revokeDays > LongestGraceDays)
            wrong = u"the old key would be revoked after %1 days; the longest grace period is %2 days (ten years)"_s.arg(revokeDays).arg(
                LongestGraceDays);
        else if (revokeDays < disableDays)
            wrong = u"the old key cannot be revoked (after %1 days) before it is disabled (after %2 days)"_s.arg(revokeDays).arg(disableDays);
        if (!wrong.isEmpty())
            return failNow(FlowError::database(StoreError::invalid(wrong)));
    }

    auto keys = std::make_shared<KeyService>(m_store, m_client);
    keys->create(replacementSpec(key, now), context,
                 [this, keys, key, options, now, disableDays, revokeDays, outcome, done](const KeyService::Done<json::CreatedKey> &d) mutable {
        if (!d.result.ok()) {
            outcome.error = FlowError::server(d.result.error, u"cannot make the replacement key"_s);
            done(outcome);
            return;
        }
        outcome.created = d.result.value;
        if (!d.auditError.isEmpty())
            outcome.warnings << d.auditError;
        if (!m_store || !m_store->isOpen()) {
            done(outcome);
            return;
        }
        const ApiKey &made = d.result.value.key;
        KeyRotation r;
        r.oldHash = key.hash;
        r.oldName = key.name;
        r.newHash = made.hash;
        r.rotatedAt = now.toUTC();
        if (options.schedule) {
            r.disableAt = r.rotatedAt.addDays(disableDays);
            r.revokeAt = r.rotatedAt.addDays(revokeDays);
        }
        // The link, the schedule and the audit entry together: the new key is never left linked
        // while the old one is unscheduled, or the other way round.
        const Status saved = m_store->transaction([&]() -> Status {
            if (!outcome.member.isEmpty()) {
                if (Status s = TeamService(*m_store).linkKey(outcome.member, made.hash, made.name); !s)
                    return s;
            }
            if (options.schedule) {
                if (Status s = m_store->lifecycle().scheduleRotation(r); !s)
                    return s;
            }
            const QString after = options.schedule ? scheduleText(r) : u"replaced by %1; old key left as it is"_s.arg(made.hash.left(16));
            return m_store->audit().append(auditEntry(AuditAction::Rotate, key.name, u"hash "_s + key.hash.left(16), after));
        });
        if (!saved) {
            outcome.warnings << u"The new key was made, but %1: %2"_s.arg(
                outcome.member.isEmpty() ? u"its rotation could not be recorded"_s
                                         : u"it could not be linked to %1 nor the old key scheduled"_s.arg(outcome.member),
                saved.errorText());
        } else if (options.schedule) {
            outcome.rotation = r;
        }
        done(outcome);
    });
}

Status LifecycleService::cancel(const QString &oldHash, const QString &keyName)
{
    if (!m_store || !m_store->isOpen())
        return StoreError::invalid(u"no team database is open"_s);
    return m_store->transaction([&]() -> Status {
        if (Status s = m_store->lifecycle().setRotationState(oldHash, KeyRotation::State::Cancelled, u"kept by an admin"_s); !s)
            return s;
        return m_store->audit().append(auditEntry(AuditAction::Rotate, keyName, u"hash "_s + oldHash.left(16), u"schedule cancelled; key kept"_s));
    });
}

// ---- LifecycleService: run ----------------------------------------------------------------------

void LifecycleService::run(const std::optional<QList<ApiKey>> &known, const QDateTime &now, bool dryRun, QObject *context,
                           std::function<void(const RunOutcome &)> done)
{
    if (!m_store || !m_store->isOpen()) {
        RunOutcome o;
        o.error = FlowError::database(StoreError::invalid(u"the rotation schedule is in the team database, and none is open"_s));
        QTimer::singleShot(0, context, [done, o] { done(o); });
        return;
    }
    withAccountKeys(
        m_client, known, context,
        [this, now, dryRun, context, done](const QList<ApiKey> &keys) {
            RunOutcome o;
            const Result<QList<KeyRotation>> schedule = m_store->lifecycle().rotations();
            if (!schedule) {
                o.error = FlowError::database(schedule.error(), u"cannot read the rotation schedule; nothing was done"_s);
                done(o);
                return;
            }
            o.planned = lifecycleSteps(*schedule, keys, now);
            if (dryRun || o.planned.isEmpty()) {
                done(o);
                return;
            }
            QHash<QString, ApiKey> byHash;
            for (const ApiKey &k : keys)
                byHash.insert(k.hash, k);
            runSteps(o.planned, byHash, o, context, done);
        },
        [done](const FlowError &e) {
            RunOutcome o;
            o.error = e;
            done(o);
        });
}

void LifecycleService::runSteps(QList<LifecycleStep> steps, QHash<QString, ApiKey> keys, RunOutcome outcome, QObject *context,
                                std::function<void(const RunOutcome &)> done)
{
    if (steps.isEmpty()) {
        done(outcome);
        return;
    }
    const LifecycleStep step = steps.takeFirst();
    const KeyRotation r = step.rotation;
    auto next = [this, steps, keys, context, done](RunOutcome o) { runSteps(steps, keys, std::move(o), context, done); };
    LifecycleRepository *repo = &m_store->lifecycle();
    auto setState = [repo, r](KeyRotation::State state, const QString &note) { return repo->setRotationState(r.oldHash, state, note); };
    auto fail = [step](RunOutcome &o, const QString &why) { o.failed << std::pair{step, why}; };

    switch (step.action) {
    case LifecycleStep::Action::MarkDisabled:
    case LifecycleStep::Action::Cancel: {
        const bool cancel = step.action == LifecycleStep::Action::Cancel;
        if (Status st = setState(cancel ? KeyRotation::State::Cancelled : KeyRotation::State::Disabled, step.why); !st) {
            fail(outcome, u"the schedule could not be updated: "_s + st.errorText());
        } else {
            outcome.done << step;
            if (cancel) {
                if (const QString e = audit(r.oldName, u"hash "_s + r.oldHash.left(16), u"schedule cancelled: "_s + step.why); !e.isEmpty())
                    outcome.warnings << u"%1: %2"_s.arg(r.oldName, e);
            }
        }
        return next(std::move(outcome));
    }
    case LifecycleStep::Action::Forget:
        // Missing from the list: asked for by itself first, since a key the paging skipped
        // (keys made or deleted meanwhile) must not leave the schedule unrevoked.
        m_client.getKey(r.oldHash, context, [setState, fail, step, outcome, next](const ApiResult<ApiKey> &k) mutable {
            if (k.ok()) {
                outcome.warnings << u"%1 (%2) was missing from the key list; the next run looks again"_s.arg(
                    step.rotation.oldName, step.rotation.oldHash.left(16));
            } else if (!k.error.isNotFound()) {
                fail(outcome, k.error.message());
            } else if (Status st = setState(KeyRotation::State::Done, step.why); !st) {
                fail(outcome, u"the schedule could not be updated: "_s + st.errorText());
            } else {
                outcome.done << step;
            }
            next(std::move(outcome));
        });
        return;
    case LifecycleStep::Action::Disable:
    case LifecycleStep::Action::Revoke:
        break;
    }

    // The schedule moves on before the call: if the answer is lost or the write after it would
    // fail, the next run finds the schedule ahead of the key and errs on the safe side (a
    // "disabled" schedule whose key is enabled is left alone; a "done" one is never revoked).
    const bool disable = step.action == LifecycleStep::Action::Disable;
    if (Status st = setState(disable ? KeyRotation::State::Disabled : KeyRotation::State::Done, disable ? step.why : u"revoked"_s); !st) {
        fail(outcome, u"the schedule could not be updated, so nothing was sent: "_s + st.errorText());
        return next(std::move(outcome));
    }
    auto undo = [setState, r](RunOutcome &o) {
        if (Status st = setState(r.state, r.note); !st)
            o.warnings << u"%1 (%2): the schedule could not be set back (%3); the key is left alone from now on"_s.arg(
                r.oldName, r.oldHash.left(16), st.errorText());
    };
    auto gone = [setState](RunOutcome &o, const LifecycleStep &s) {
        if (Status st = setState(KeyRotation::State::Done, u"the old key is gone already"_s); !st)
            o.warnings << u"%1: %2"_s.arg(s.rotation.oldName, st.errorText());
        o.done << s;
    };
    const ApiKey key = keys.value(r.oldHash);
    auto service = std::make_shared<KeyService>(m_store, m_client);
    const QString why = u"rotation: "_s + step.why;
    // Disable and revoke are answered alike: done, gone already, or set back and reported.
    auto answered = [service, step, outcome, next, undo, gone, fail](const auto &d) mutable {
        if (d.result.ok()) {
            outcome.done << step;
            if (!d.auditError.isEmpty())
                outcome.warnings << d.auditError;
        } else if (d.result.error.isNotFound()) {
            gone(outcome, step);
        } else {
            undo(outcome);
            fail(outcome, d.result.error.message());
        }
        next(std::move(outcome));
    };
    if (disable) {
        KeyUpdate update;
        update.disabled = true;
        service->update(key, update, context, answered, why);
        return;
    }
    service->revoke(key, context, answered, why);
}

} // namespace orteam
