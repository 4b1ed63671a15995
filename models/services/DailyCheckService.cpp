#include "DailyCheckService.h"

#include "Audit.h"
#include "OpenRouterClient.h"
#include "TeamService.h"

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

Result<TeamState> readTeamState(const Store &store, const QDate &today)
{
    // Each repository read names itself on failure ("Cannot read the tiers: no such table: tiers"),
    // which tells an admin what to fix where "the check failed" would not: passed on as it is.
    TeamState st;
    const auto tiers = store.team().tiers();
    if (!tiers)
        return tiers.error();
    st.tiers = *tiers;
    const auto members = store.team().members();
    if (!members)
        return members.error();
    st.members = *members;
    const auto owners = store.team().keyOwners();
    if (!owners)
        return owners.error();
    st.owners = *owners;
    const auto spentToday = store.spend().memberSpend(today, today);
    if (!spentToday)
        return spentToday.error();
    st.today = *spentToday;
    const auto week = store.spend().memberSpend(today.addDays(-6), today);
    if (!week)
        return week.error();
    st.week = *week;
    const auto periods = store.spend().periodSpend(today);
    if (!periods)
        return periods.error();
    st.periods = *periods;
    const auto enforced = store.governance().enforcedKeys();
    if (!enforced)
        return enforced.error();
    st.enforced = *enforced;
    const auto setting = store.governance().setting(TeamService::autoEnforceSetting(), u"off"_s);
    if (!setting)
        return setting.error();
    st.autoEnforce = *setting == "on"_L1;
    return st;
}

DailyCheckInput dailyCheckInput(const TeamState &state, const QDate &today, const QList<ApiKey> &keys, bool forceEnforce)
{
    DailyCheckInput in;
    in.today = today;
    in.members = state.members;
    in.tiers = state.tiers;
    in.spent = state.periods;
    in.keys = keys;
    in.enforced = state.enforced;
    in.autoEnforce = forceEnforce || state.autoEnforce;
    return in;
}

void DailyCheckService::run(const QList<ApiKey> &keys, const QDateTime &now, bool forceEnforce, QObject *context,
                            std::function<void(const Report &)> done)
{
    const QDate today = now.toUTC().date();
    // Today's counters first (what the dashboard stores on every refresh), so the spend read
    // below includes them.
    if (const Status s = m_store.usage().recordKeySnapshots(keys, now); !s) {
        Report r;
        r.error = FlowError::database(s.error(), u"cannot save today's key usage, so nothing was checked or changed"_s);
        done(r);
        return;
    }
    const Result<TeamState> state = readTeamState(m_store, today);
    if (!state) {
        Report r;
        r.error = FlowError::database(state.error(), u"the daily check changed nothing"_s);
        done(r);
        return;
    }
    decideAndApply(*state, today, keys, forceEnforce, context, std::move(done));
}

void DailyCheckService::decideAndApply(const TeamState &state, const QDate &today, const QList<ApiKey> &keys,
                                       bool forceEnforce, QObject *context, std::function<void(const Report &)> done)
{
    auto report = std::make_shared<Report>();
    report->decisions = dailyCheck(dailyCheckInput(state, today, keys, forceEnforce));
    apply(report->decisions, context, [report, done](const EnforcementOutcome &outcome) {
        report->outcome = outcome;
        done(*report);
    });
}

void DailyCheckService::apply(const DailyCheckResult &result, QObject *context, std::function<void(const EnforcementOutcome &)> done)
{
    auto outcome = std::make_shared<EnforcementOutcome>();
    for (const QString &hash : result.forget) {
        // A record that cannot be dropped now is dropped by the next check: it changes no key.
        if (const Status s = m_store.governance().forgetEnforced(hash); !s)
            outcome->warnings << u"cannot forget a key the daily check no longer manages (the next check tries again): "_s
                                     + s.errorText();
    }
    auto pending = std::make_shared<qsizetype>(result.toDisable.size() + result.toEnable.size());
    if (*pending == 0) {
        done(*outcome);
        return;
    }
    auto finishOne = [outcome, pending, done] {
        if (--*pending == 0)
            done(*outcome);
    };
    QHash<QString, LimitReset> periods; // member → the period of the budget they are over
    for (const OverBudget &o : result.overBudget)
        periods.insert(o.member, o.period);
    auto auditChange = [this, outcome, periods](const EnforcementOutcome::Change &change) {
        const EnforcedKey &k = change.key;
        const LimitReset period = periods.value(k.member, LimitReset::Daily);
        const Status s = m_store.audit().append(auditEntry(
            AuditAction::Enforcement, change.keyName(), change.disabled ? u"enabled"_s : u"disabled (over budget)"_s,
            change.disabled ? u"disabled: %1 is over the %2 budget (re-enabled when the %3 ends, UTC)"_s.arg(
                                  k.member, budgetPeriodAdjective(period), budgetPeriodNoun(period))
                            : u"enabled: a new budget period"_s));
        if (!s)
            outcome->warnings << u"%1 was %2, but the audit log could not be written: %3"_s.arg(
                change.keyName(), change.disabled ? u"disabled"_s : u"re-enabled"_s, s.errorText());
    };
    auto applyOne = [this, outcome, finishOne, auditChange, context](const EnforcedKey &k, bool disable) {
        if (disable) {
            // Remembered before it is disabled: a key the check disabled but forgot would never be
            // enabled again. If it cannot be remembered, it is not disabled.
            if (const Status s = m_store.governance().setEnforced(k); !s) {
                outcome->failures << EnforcementOutcome::Failure{k, true, u"not disabled: the database could not record it: "_s
                                                                              + s.errorText()};
                finishOne();
                return;
            }
        }
        KeyUpdate update;
        update.disabled = disable;
        m_client.updateKey(k.keyHash, update, context, [this, outcome, finishOne, auditChange, k, disable](const ApiResult<ApiKey> &r) {
            const bool gone = r.error.isNotFound();
            if (r.ok() || (!disable && gone)) {
                EnforcementOutcome::Change change{k, disable, r.ok() ? std::optional(r.value) : std::nullopt};
                outcome->changes << change;
                // Enabled again: forget it. If that fails, the next check sees an enabled key it
                // remembers disabling and forgets it then; no key changes because of it.
                if (!disable) {
                    if (const Status s = m_store.governance().forgetEnforced(k.keyHash); !s)
                        outcome->warnings << u"%1 was re-enabled, but the database still lists it as disabled by the check: %2"_s.arg(
                            change.keyName(), s.errorText());
                }
                auditChange(change);
            } else {
                if (disable) { // it stays enabled: nothing to re-enable tomorrow
                    if (const Status s = m_store.governance().forgetEnforced(k.keyHash); !s)
                        outcome->warnings << u"cannot forget a key the daily check did not disable (the next check does): "_s
                                                 + s.errorText();
                }
                outcome->failures << EnforcementOutcome::Failure{k, disable, r.error.message()};
            }
            finishOne();
        });
    };
    for (const EnforcedKey &k : result.toDisable)
        applyOne(k, true);
    for (const EnforcedKey &k : result.toEnable)
        applyOne(k, false);
}

} // namespace orteam
