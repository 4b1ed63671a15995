#pragma once

#include "ApiKey.h"
#include "Team.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace orteam {

// ---- When a key was last used ---------------------------------------------------------------

// What the team database has seen of one key's use: its daily counter snapshots (summed up as
// they are written, see UsageRepository) and its per-key activity. Days are UTC.
struct KeyUseHistory
{
    QDate firstDay;          // the first snapshot's day; invalid: the key was never snapshotted
    double firstUsage = 0;   // the lifetime spend (credits and BYOK) at that snapshot
    QDate lastDay;           // the latest snapshot's day
    double lastUsage = 0;    // the lifetime spend then
    QDate usedDay;           // the latest use the snapshots showed: its day (a daily counter above
                             // zero), or the last day of a span (a lifetime counter risen since
                             // the snapshot before); invalid: none
    QDate usedFrom;          // that span's first day; invalid when usedDay is an exact day
    QDate activityDay;       // the latest day GET /activity reported requests for the key

    friend bool operator==(const KeyUseHistory &, const KeyUseHistory &) = default;
};

// When a key was last used, as far as the evidence goes; never a guess.
struct LastUse
{
    enum class Kind {
        Day,     // last used on `day`
        Since,   // last used on some day from `day` to `until` (a counter rose unseen, or this
                 // week's or month's counter shows use), the exact day unknown
        Never,   // never used: its lifetime counter is zero and no activity was ever seen
        Unknown, // used at some time before what the history covers; not used since `day` (when valid)
    };
    Kind kind = Kind::Unknown;
    QDate day;
    QDate until; // Since only

    // The latest day the key can have been used, for sorting and the dormant rule: `day` for Day,
    // `until` for Since; invalid for Never and Unknown.
    QDate latestPossible() const;
    // "2026-11-03", "between 2026-11-23 and 2026-11-28", "never", "unknown",
    // "unknown (none since 2026-09-01)".
    QString text() const;
    // The kind as JSON and CSV name it: "day", "between", "never", "unknown".
    QString kindId() const;
    friend bool operator==(const LastUse &, const LastUse &) = default;
};

// The key's last use from its counters now (`key`, as OpenRouter listed it) and its history.
LastUse lastUse(const ApiKey &key, const KeyUseHistory &history, const QDateTime &now);

// ---- Rotation with a grace period ---------------------------------------------------------------

// An old key being replaced: disabled once the grace period is over, revoked after the second
// period, unless an admin re-enables it (then it is left alone) or cancels the schedule.
struct KeyRotation
{
    enum class State { Scheduled, Disabled, Done, Cancelled };
    QString oldHash;
    QString oldName;
    QString newHash; // the replacement
    QDateTime rotatedAt;
    QDateTime disableAt; // invalid: never disabled by the schedule
    QDateTime revokeAt;  // invalid: never revoked by the schedule
    State state = State::Scheduled;
    QString note; // why it ended ("re-enabled by an admin", "already gone"), for the key's detail

    bool isOpen() const { return state == State::Scheduled || state == State::Disabled; }
    friend bool operator==(const KeyRotation &, const KeyRotation &) = default;
};
QString rotationStateToString(KeyRotation::State state);
std::optional<KeyRotation::State> rotationStateFromString(const QString &text);

// What the schedule wants done now, decided from the complete key list (a partial list decides
// nothing: the caller must not call this with one).
struct LifecycleStep
{
    enum class Action {
        Disable,       // grace period over: disable the old key
        Revoke,        // second period over: revoke it
        MarkDisabled,  // already disabled (by hand): the schedule moves on without a call
        Cancel,        // re-enabled by an admin after the schedule disabled it: left alone for good
        Forget,        // the old key is gone already: the schedule is done
    };
    Action action = Action::Disable;
    KeyRotation rotation;
    QString why; // one sentence, for the audit entry and the dry run

    friend bool operator==(const LifecycleStep &, const LifecycleStep &) = default;
};
QString lifecycleActionToString(LifecycleStep::Action action);

QList<LifecycleStep> lifecycleSteps(const QList<KeyRotation> &schedule, const QList<ApiKey> &keys, const QDateTime &now);

// ---- Findings ----------------------------------------------------------------------------------

// Thresholds, team settings in the database (GovernanceRepository::setting) so every admin,
// dashboard and cron job judges alike.
struct HygieneSettings
{
    int dormantDays = 30;       // no use for this long: dormant
    int neverUsedDays = 30;     // never used though this old
    int rotationDays = 90;      // older than this: due for rotation
    int graceDisableDays = 7;   // a rotated key is disabled this long after its replacement is made
    int graceRevokeDays = 30;   // and revoked this long after
    static constexpr int ExpiringDays = ApiKey::ExpiringSoonDays;

    // Setting names as stored ("hygiene.dormant_days", …) and their bounds (1..3650 days;
    // grace 0..3650: 0 means at the next run).
    struct Field
    {
        QString name;
        QString label;
        int HygieneSettings::*member;
        int minimum;
    };
    static QList<Field> fields();
    static QString optionName(const Field &f); // hygiene.dormant_days → dormant-days (orteam-cli's option)
    // "dormant-days 30, never-used-days 30, …": what the audit log keeps of a change.
    QString summary() const;
    // Empty when every value is in bounds and the revoke period is not shorter than the grace
    // period; else a sentence saying what is wrong.
    QString problem() const;
    friend bool operator==(const HygieneSettings &, const HygieneSettings &) = default;
};

enum class Severity { Info, Warning, Critical };
QString severityToString(Severity severity); // "info", "warning", "critical"
std::optional<Severity> severityFromString(const QString &text);

enum class HygieneRule {
    InactiveOwner, // enabled, but its member is inactive or offboarded
    Expired,       // past its expiry and still in the account
    ExpiringSoon,  // expires within 7 days
    Dormant,       // no use for dormantDays
    NeverUsed,     // never used, older than neverUsedDays
    RotationDue,   // older than rotationDays and not being rotated
    Orphan,        // linked to no member
    NoLimit,       // enabled without a credit limit
    DuplicateName, // another key has the same name
};
QList<HygieneRule> allHygieneRules(); // in the order above: most urgent first
QString hygieneRuleId(HygieneRule rule); // "inactive-owner", … (CLI, JSON, settings)
std::optional<HygieneRule> hygieneRuleFromId(const QString &id);
QString hygieneRuleTitle(HygieneRule rule); // "Owner inactive", …
// The rule in one sentence with the team's thresholds ("No use for 30 days or more.").
QString hygieneRuleDescription(HygieneRule rule, const HygieneSettings &settings);
Severity hygieneRuleSeverity(HygieneRule rule);

struct Finding
{
    HygieneRule rule = HygieneRule::Orphan;
    QString keyHash;
    QString detail; // what about this key breaks the rule ("last used 2026-09-02, 88 days ago")

    Severity severity() const { return hygieneRuleSeverity(rule); }
    friend bool operator==(const Finding &, const Finding &) = default;
};

// One key with what the rules look at, and what they found.
struct KeyHygiene
{
    ApiKey key;
    LastUse lastUse;
    int ageDays = 0; // whole days since it was made
    QString member;  // empty: linked to nobody
    bool memberActive = true;
    QString tier;
    std::optional<KeyRotation> rotation; // the key's open schedule as the old key, if any
    QList<Finding> findings;
};

// Everything the rules need, read by the caller; a caller that could not read one part must not
// call this (no findings on a partial read).
struct HygieneInput
{
    QDateTime now; // UTC
    QList<ApiKey> keys;
    QList<Member> members;
    QHash<QString, KeyUseHistory> history; // key hash → what the database saw
    QList<KeyRotation> rotations;          // open schedules
    HygieneSettings settings;
    bool teamKnown = true; // false without a team database: no member rules (orphan, owner)
};

// The rotation rule, for the finding and the alert alike: an enabled, unexpired key at least
// `rotationDays` old (whole UTC days) whose replacement is not made yet. Answers its age in days
// when due, else nullopt.
std::optional<int> dueForRotation(const ApiKey &key, int rotationDays, bool rotating, const QDateTime &now);

// Every key with its facts and findings, in the order of `input.keys`.
QList<KeyHygiene> assessKeys(const HygieneInput &input);

// How many keys each rule found, and the worst severity found (nullopt: none).
QHash<HygieneRule, int> findingCounts(const QList<KeyHygiene> &keys);
std::optional<Severity> worstSeverity(const QList<KeyHygiene> &keys);

} // namespace orteam
