#include "Hygiene.h"

#include "Counted.h"
#include "Money.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
// Counters are dollars as doubles; a rise smaller than this is rounding, not use.
constexpr double CounterEpsilon = 1e-9;

QString isoDay(const QDate &day)
{
    return day.toString(Qt::ISODate);
}

QDate mondayOf(const QDate &day)
{
    return day.addDays(1 - day.dayOfWeek());
}

QDate laterOf(const QDate &a, const QDate &b)
{
    if (!a.isValid())
        return b;
    if (!b.isValid())
        return a;
    return std::max(a, b);
}

QDate earlierOf(const QDate &a, const QDate &b)
{
    if (!a.isValid())
        return b;
    if (!b.isValid())
        return a;
    return std::min(a, b);
}

QString daysAgo(qint64 days)
{
    if (days == 0)
        return u"today"_s;
    return counted(days, u"day"_s, u"days"_s) + u" ago"_s;
}
} // namespace

// ---- LastUse -----------------------------------------------------------------------------------

QDate LastUse::latestPossible() const
{
    switch (kind) {
    case Kind::Day:
        return day;
    case Kind::Since:
        return until;
    case Kind::Never:
    case Kind::Unknown:
        break;
    }
    return {};
}

QString LastUse::text() const
{
    switch (kind) {
    case Kind::Day:
        return isoDay(day);
    case Kind::Since:
        return u"between %1 and %2"_s.arg(isoDay(day), isoDay(until));
    case Kind::Never:
        return u"never"_s;
    case Kind::Unknown:
        break;
    }
    return day.isValid() ? u"unknown (none since %1)"_s.arg(isoDay(day)) : u"unknown"_s;
}

QString LastUse::kindId() const
{
    switch (kind) {
    case Kind::Day:
        return u"day"_s;
    case Kind::Since: // some day in a span, as text() words it
        return u"between"_s;
    case Kind::Never:
        return u"never"_s;
    case Kind::Unknown:
        break;
    }
    return u"unknown"_s;
}

LastUse lastUse(const ApiKey &key, const KeyUseHistory &history, const QDateTime &now)
{
    const QDate today = now.toUTC().date();
    const QDate week = mondayOf(today);
    const QDate month(today.year(), today.month(), 1);
    const bool usedToday = key.usageDaily > 0 || key.byokUsageDaily > 0;
    const bool usedThisWeek = usedToday || key.usageWeekly > 0 || key.byokUsageWeekly > 0;
    const bool usedThisMonth = usedThisWeek || key.usageMonthly > 0 || key.byokUsageMonthly > 0;
    const double lifetime = key.usage + key.byokUsage;

    // The latest day a use can be on, from the counters now at zero.
    QDate latest = today;
    if (!usedToday)
        latest = today.addDays(-1);
    if (!usedThisWeek)
        latest = std::min(latest, week.addDays(-1));
    if (!usedThisMonth)
        latest = std::min(latest, month.addDays(-1));

    // Every piece of evidence is a day, or a span holding a use. The last use is on or after each
    // one's first day, and on or before the latest of their last days: nothing later was seen.
    QDate lower, upper;
    auto evidence = [&](const QDate &first, const QDate &last) {
        lower = laterOf(lower, first);
        upper = laterOf(upper, last);
    };
    if (history.activityDay.isValid())
        evidence(history.activityDay, history.activityDay);
    if (history.usedDay.isValid())
        evidence(history.usedFrom.isValid() ? history.usedFrom : history.usedDay, history.usedDay);
    if (usedToday)
        evidence(today, today);
    const bool snapshotted = history.lastDay.isValid();
    const bool rose = snapshotted && lifetime > history.lastUsage + CounterEpsilon;
    if (rose) // since the latest snapshot, maybe later that same day
        evidence(history.lastDay, latest);
    // This week's or month's counter: a use on or after its first day. With snapshots from before
    // that day and no rise since, the snapshots have seen it (dated above); else it may be as late
    // as the counters allow.
    for (const auto &[used, start] : {std::pair{usedThisWeek, week}, std::pair{usedThisMonth, month}}) {
        if (!used)
            continue;
        const bool seenBySnapshots = snapshotted && !rose && history.firstDay <= start && history.usedDay >= start;
        if (!seenBySnapshots)
            evidence(start, snapshotted && !rose ? std::min(latest, history.lastDay) : latest);
    }
    if (lower.isValid()) {
        if (upper <= lower)
            return {LastUse::Kind::Day, lower, {}};
        return {LastUse::Kind::Since, lower, upper};
    }

    if (lifetime <= CounterEpsilon)
        return {LastUse::Kind::Never, {}, {}};

    // Used, but before anything we hold: what is known is the earliest day since which it has
    // not been used (the history's first snapshot, or this month's counter at zero).
    QDate noneSince = history.firstDay;
    if (!usedThisMonth)
        noneSince = earlierOf(noneSince, month);
    return {LastUse::Kind::Unknown, noneSince, {}};
}

// ---- Rotation ----------------------------------------------------------------------------------

QString rotationStateToString(KeyRotation::State state)
{
    switch (state) {
    case KeyRotation::State::Scheduled:
        return u"scheduled"_s;
    case KeyRotation::State::Disabled:
        return u"disabled"_s;
    case KeyRotation::State::Done:
        return u"done"_s;
    case KeyRotation::State::Cancelled:
        return u"cancelled"_s;
    }
    return {};
}

std::optional<KeyRotation::State> rotationStateFromString(const QString &text)
{
    for (auto s : {KeyRotation::State::Scheduled, KeyRotation::State::Disabled, KeyRotation::State::Done,
                   KeyRotation::State::Cancelled}) {
        if (rotationStateToString(s) == text)
            return s;
    }
    return std::nullopt;
}

QString lifecycleActionToString(LifecycleStep::Action action)
{
    switch (action) {
    case LifecycleStep::Action::Disable:
        return u"disable"_s;
    case LifecycleStep::Action::Revoke:
        return u"revoke"_s;
    case LifecycleStep::Action::MarkDisabled:
        return u"mark-disabled"_s;
    case LifecycleStep::Action::Cancel:
        return u"cancel"_s;
    case LifecycleStep::Action::Forget:
        return u"forget"_s;
    }
    return {};
}

QList<LifecycleStep> lifecycleSteps(const QList<KeyRotation> &schedule, const QList<ApiKey> &keys, const QDateTime &now)
{
    QHash<QString, const ApiKey *> byHash;
    for (const ApiKey &k : keys)
        byHash.insert(k.hash, &k);
    QList<LifecycleStep> steps;
    for (const KeyRotation &r : schedule) {
        if (!r.isOpen())
            continue;
        const ApiKey *key = byHash.value(r.oldHash);
        const QString replaced = u"rotated on %1"_s.arg(isoDay(r.rotatedAt.toUTC().date()));
        const bool revokeDue = r.revokeAt.isValid() && now >= r.revokeAt;
        const bool disableDue = r.disableAt.isValid() && now >= r.disableAt;
        if (!revokeDue && !disableDue)
            continue;
        if (!key) {
            // Not in the list: gone, or missed by the paging. The service asks for the key itself
            // before the schedule ends.
            steps << LifecycleStep{LifecycleStep::Action::Forget, r, u"the old key is gone already"_s};
            continue;
        }
        if (!r.newHash.isEmpty() && !byHash.contains(r.newHash)) {
            // The replacement was revoked: the old key is what its member has left.
            steps << LifecycleStep{LifecycleStep::Action::Cancel, r, u"its replacement is gone; left alone"_s};
            continue;
        }
        if (r.state == KeyRotation::State::Disabled) {
            // The schedule disabled it; enabled again means an admin wants it: never touched again.
            if (!key->disabled)
                steps << LifecycleStep{LifecycleStep::Action::Cancel, r, u"re-enabled by an admin after the grace period; left alone"_s};
            else if (revokeDue)
                steps << LifecycleStep{LifecycleStep::Action::Revoke, r, replaced + u"; the second period is over"_s};
            continue;
        }
        // Scheduled: an enabled key is always disabled first (a run that missed the grace period
        // disables it now and revokes it at a later run), so an admin's "enable" is seen first.
        if (!key->disabled)
            steps << LifecycleStep{LifecycleStep::Action::Disable, r, replaced + u"; the grace period is over"_s};
        else if (revokeDue)
            steps << LifecycleStep{LifecycleStep::Action::Revoke, r, replaced + u"; the second period is over"_s};
        else
            steps << LifecycleStep{LifecycleStep::Action::MarkDisabled, r, u"disabled already"_s};
    }
    return steps;
}

// ---- Settings ----------------------------------------------------------------------------------

QList<HygieneSettings::Field> HygieneSettings::fields()
{
    return {
        {u"hygiene.dormant_days"_s, u"Dormant after (days)"_s, &HygieneSettings::dormantDays, 1},
        {u"hygiene.never_used_days"_s, u"Never used after (days)"_s, &HygieneSettings::neverUsedDays, 1},
        {u"hygiene.rotation_days"_s, u"Rotate keys older than (days)"_s, &HygieneSettings::rotationDays, 1},
        {u"hygiene.grace_disable_days"_s, u"Disable a rotated key after (days)"_s, &HygieneSettings::graceDisableDays, 0},
        {u"hygiene.grace_revoke_days"_s, u"Revoke a rotated key after (days)"_s, &HygieneSettings::graceRevokeDays, 0},
    };
}

QString HygieneSettings::optionName(const Field &f)
{
    return f.name.section(u'.', 1).replace(u'_', u'-');
}

QString HygieneSettings::summary() const
{
    QStringList parts;
    for (const Field &f : fields())
        parts << u"%1 %2"_s.arg(optionName(f)).arg(this->*(f.member));
    return parts.join(u", "_s);
}

QString HygieneSettings::problem() const
{
    constexpr int MaxDays = 3650;
    for (const Field &f : fields()) {
        const int v = this->*(f.member);
        if (v < f.minimum || v > MaxDays)
            return u"%1 must be between %2 and %3 days."_s.arg(f.label).arg(f.minimum).arg(MaxDays);
    }
    if (graceRevokeDays < graceDisableDays)
        return u"A rotated key cannot be revoked (after %1 days) before it is disabled (after %2 days)."_s.arg(graceRevokeDays).arg(
            graceDisableDays);
    return {};
}

// ---- Rules -------------------------------------------------------------------------------------

QString severityToString(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return u"info"_s;
    case Severity::Warning:
        return u"warning"_s;
    case Severity::Critical:
        return u"critical"_s;
    }
    return {};
}

std::optional<Severity> severityFromString(const QString &text)
{
    for (auto s : {Severity::Info, Severity::Warning, Severity::Critical}) {
        if (severityToString(s) == text)
            return s;
    }
    return std::nullopt;
}

QList<HygieneRule> allHygieneRules()
{
    return {HygieneRule::InactiveOwner, HygieneRule::Expired,  HygieneRule::ExpiringSoon,
            HygieneRule::Dormant,       HygieneRule::NeverUsed, HygieneRule::RotationDue,
            HygieneRule::Orphan,        HygieneRule::NoLimit,   HygieneRule::DuplicateName};
}

QString hygieneRuleId(HygieneRule rule)
{
    switch (rule) {
    case HygieneRule::InactiveOwner:
        return u"inactive-owner"_s;
    case HygieneRule::Expired:
        return u"expired"_s;
    case HygieneRule::ExpiringSoon:
        return u"expiring"_s;
    case HygieneRule::Dormant:
        return u"dormant"_s;
    case HygieneRule::NeverUsed:
        return u"never-used"_s;
    case HygieneRule::RotationDue:
        return u"rotation-due"_s;
    case HygieneRule::Orphan:
        return u"orphan"_s;
    case HygieneRule::NoLimit:
        return u"no-limit"_s;
    case HygieneRule::DuplicateName:
        return u"duplicate-name"_s;
    }
    return {};
}

std::optional<HygieneRule> hygieneRuleFromId(const QString &id)
{
    for (HygieneRule r : allHygieneRules()) {
        if (hygieneRuleId(r) == id)
            return r;
    }
    return std::nullopt;
}

QString hygieneRuleTitle(HygieneRule rule)
{
    switch (rule) {
    case HygieneRule::InactiveOwner:
        return u"Owner inactive"_s;
    case HygieneRule::Expired:
        return u"Expired"_s;
    case HygieneRule::ExpiringSoon:
        return u"Expiring soon"_s;
    case HygieneRule::Dormant:
        return u"Dormant"_s;
    case HygieneRule::NeverUsed:
        return u"Never used"_s;
    case HygieneRule::RotationDue:
        return u"Due for rotation"_s;
    case HygieneRule::Orphan:
        return u"No member"_s;
    case HygieneRule::NoLimit:
        return u"No credit limit"_s;
    case HygieneRule::DuplicateName:
        return u"Duplicate name"_s;
    }
    return {};
}

QString hygieneRuleDescription(HygieneRule rule, const HygieneSettings &s)
{
    switch (rule) {
    case HygieneRule::InactiveOwner:
        return u"Enabled, but its member is inactive or offboarded."_s;
    case HygieneRule::Expired:
        return u"Past its expiry date and still in the account."_s;
    case HygieneRule::ExpiringSoon:
        return u"Expires within %1 days."_s.arg(HygieneSettings::ExpiringDays);
    case HygieneRule::Dormant:
        return u"Not used for %1 days or more."_s.arg(s.dormantDays);
    case HygieneRule::NeverUsed:
        return u"Never spent anything (credits or BYOK; a free model leaves no trace), and made %1 days ago or more."_s.arg(
            s.neverUsedDays);
    case HygieneRule::RotationDue:
        return u"Older than the team's rotation period (%1 days) and not being rotated."_s.arg(s.rotationDays);
    case HygieneRule::Orphan:
        return u"Linked to no member, so no budget or tier covers it."_s;
    case HygieneRule::NoLimit:
        return u"Enabled without a credit limit."_s;
    case HygieneRule::DuplicateName:
        return u"Another key has the same name."_s;
    }
    return {};
}

Severity hygieneRuleSeverity(HygieneRule rule)
{
    switch (rule) {
    case HygieneRule::InactiveOwner:
        return Severity::Critical;
    case HygieneRule::Expired:
    case HygieneRule::ExpiringSoon:
    case HygieneRule::Dormant:
    case HygieneRule::NeverUsed:
    case HygieneRule::RotationDue:
    case HygieneRule::Orphan:
        return Severity::Warning;
    case HygieneRule::NoLimit:
    case HygieneRule::DuplicateName:
        return Severity::Info;
    }
    return Severity::Info;
}

std::optional<int> dueForRotation(const ApiKey &key, int rotationDays, bool rotating, const QDateTime &now)
{
    const bool live = !key.disabled && !(key.expiresAt.isValid() && key.expiresAt <= now);
    if (!live || rotating || !key.createdAt.isValid())
        return std::nullopt;
    const qint64 age = key.createdAt.toUTC().date().daysTo(now.toUTC().date());
    return age >= rotationDays ? std::optional<int>(int(age)) : std::nullopt;
}

QList<KeyHygiene> assessKeys(const HygieneInput &in)
{
    const QDate today = in.now.toUTC().date();
    const HygieneSettings &s = in.settings;

    QHash<QString, const Member *> ownerOf;
    for (const Member &m : in.members) {
        for (const QString &hash : m.keyHashes)
            ownerOf.insert(hash, &m);
    }
    QHash<QString, const KeyRotation *> rotationOf;
    for (const KeyRotation &r : in.rotations) {
        if (r.isOpen())
            rotationOf.insert(r.oldHash, &r);
    }
    // Names as people compare them: "Alice " and "alice" are the same name in a list.
    // A rotation's old key shares its replacement's name until it is revoked: not a duplicate.
    QHash<QString, int> nameCount;
    auto nameKey = [](const QString &name) { return name.trimmed().toCaseFolded(); };
    for (const ApiKey &k : in.keys) {
        if (!rotationOf.contains(k.hash))
            ++nameCount[nameKey(k.name)];
    }

    QList<KeyHygiene> out;
    out.reserve(in.keys.size());
    for (const ApiKey &k : in.keys) {
        KeyHygiene h;
        h.key = k;
        h.lastUse = lastUse(k, in.history.value(k.hash), in.now);
        h.ageDays = k.createdAt.isValid() ? int(std::max<qint64>(0, k.createdAt.toUTC().date().daysTo(today))) : 0;
        if (const Member *m = ownerOf.value(k.hash)) {
            h.member = m->name;
            h.memberActive = m->active;
            h.tier = m->tier;
        }
        if (const KeyRotation *r = rotationOf.value(k.hash))
            h.rotation = *r;

        auto find = [&](HygieneRule rule, const QString &detail) { h.findings << Finding{rule, k.hash, detail}; };
        const bool expired = k.expiresAt.isValid() && k.expiresAt <= in.now;
        const bool enabled = !k.disabled && !expired;

        if (in.teamKnown && enabled && !h.member.isEmpty() && !h.memberActive)
            find(HygieneRule::InactiveOwner, u"%1 is inactive or offboarded"_s.arg(h.member));
        if (expired)
            find(HygieneRule::Expired, u"expired on %1"_s.arg(isoDay(k.expiresAt.toUTC().date())));
        else if (enabled && k.expiresAt.isValid() && in.now.daysTo(k.expiresAt) < HygieneSettings::ExpiringDays)
            find(HygieneRule::ExpiringSoon, u"expires on %1"_s.arg(isoDay(k.expiresAt.toUTC().date())));

        const LastUse &use = h.lastUse;
        if (use.kind == LastUse::Kind::Never) {
            if (h.ageDays >= s.neverUsedDays)
                find(HygieneRule::NeverUsed, u"no spend ever; made %1"_s.arg(daysAgo(h.ageDays)));
        } else if (use.kind == LastUse::Kind::Day || use.kind == LastUse::Kind::Since) {
            const qint64 idle = use.latestPossible().daysTo(today);
            if (idle >= s.dormantDays)
                find(HygieneRule::Dormant, u"last used %1, %2"_s.arg(use.kind == LastUse::Kind::Day ? isoDay(use.day)
                                                                                                   : u"by "_s + isoDay(use.until),
                                                                  daysAgo(idle)));
        } else if (use.kind == LastUse::Kind::Unknown && use.day.isValid()) {
            // The last use is before the history, which itself reaches back far enough.
            const qint64 idle = use.day.daysTo(today);
            if (idle >= s.dormantDays)
                find(HygieneRule::Dormant, u"no use since %1 (%2); the last use is older than the history"_s.arg(
                                               isoDay(use.day), daysAgo(idle)));
        }

        if (const std::optional<int> age = dueForRotation(k, s.rotationDays, h.rotation.has_value(), in.now))
            find(HygieneRule::RotationDue, u"made %1"_s.arg(daysAgo(*age)));
        if (in.teamKnown && h.member.isEmpty())
            find(HygieneRule::Orphan, u"linked to no member"_s);
        if (enabled && !k.limit)
            find(HygieneRule::NoLimit, u"no credit limit; spent %1"_s.arg(formatUsd(k.usage)));
        if (const int n = nameCount.value(nameKey(k.name)); n > 1 && !h.rotation)
            find(HygieneRule::DuplicateName, u"%1 are named \"%2\""_s.arg(counted(n, u"key"_s, u"keys"_s), k.name.trimmed()));
        out << h;
    }
    return out;
}

QHash<HygieneRule, int> findingCounts(const QList<KeyHygiene> &keys)
{
    QHash<HygieneRule, int> counts;
    for (const KeyHygiene &k : keys) {
        for (const Finding &f : k.findings)
            ++counts[f.rule];
    }
    return counts;
}

std::optional<Severity> worstSeverity(const QList<KeyHygiene> &keys)
{
    std::optional<Severity> worst;
    for (const KeyHygiene &k : keys) {
        for (const Finding &f : k.findings) {
            if (!worst || f.severity() > *worst)
                worst = f.severity();
        }
    }
    return worst;
}

} // namespace orteam
