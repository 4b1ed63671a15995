#include "GuardrailService.h"

#include "AccountKeys.h"
#include "Audit.h"
#include "GuardrailSync.h"
#include "MemberLink.h"
#include "OpenRouterClient.h"

#include <QPointer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

void GuardrailService::plan(const std::optional<QList<ApiKey>> &keys, QObject *context,
                            std::function<void(const GuardrailPlan &, const FlowError &)> done)
{
    // OpenRouter's side first (keys, guardrails, assignments), then the team as the database has
    // it at that moment; any read that fails means no plan at all, never a plan from half the facts.
    auto finish = [this, context, done](const QList<ApiKey> &liveKeys, const QList<Guardrail> &guardrails,
                               const QList<GuardrailKeyAssignment> &assignments,
                               const QList<GuardrailMemberAssignment> &memberAssignments) {
        const auto tiers = m_store.team().tiers();
        if (!tiers) {
            done({}, FlowError::database(tiers.error()));
            return;
        }
        const auto members = m_store.team().members();
        if (!members) {
            done({}, FlowError::database(members.error()));
            return;
        }
        const bool anyLinked = std::any_of(members->cbegin(), members->cend(), [](const Member &m) { return m.isLinked(); });
        if (!anyLinked) // an account without an organization needs no organization read
            return done(planGuardrails(*tiers, *members, liveKeys, guardrails, assignments, memberAssignments), FlowError{});
        // A link to someone who left the organization cannot take a guardrail (OpenRouter refuses
        // the whole request): such members are bound per key only, and the notes say so.
        m_client.organizationMembers(context, [done, tiers = *tiers, team = *members, liveKeys, guardrails, assignments,
                                               memberAssignments](const ApiResult<QList<OrgMember>> &users) mutable {
            if (!users.ok())
                return done({}, FlowError::server(users.error, u"cannot read the organization's members"_s));
            const QStringList gone = dropLinksOutside(team, users.value);
            GuardrailPlan plan = planGuardrails(tiers, team, liveKeys, guardrails, assignments, memberAssignments);
            if (!gone.isEmpty())
                plan.notes << u"Linked to an OpenRouter user the organization no longer has, so bound per key only "
                              "(Match with OpenRouter to link them again): %1."_s.arg(gone.join(u", "_s));
            done(plan, FlowError{});
        });
    };
    auto withKeys = [this, context, done, finish](const QList<ApiKey> &liveKeys) {
        m_client.listGuardrails(context, [this, context, done, finish, liveKeys](const ApiResult<QList<Guardrail>> &g) {
            if (!g.ok()) {
                done({}, FlowError::server(g.error, u"cannot read OpenRouter's guardrails"_s));
                return;
            }
            m_client.listKeyAssignments(context, [this, context, done, finish, liveKeys, guardrails = g.value](
                                                     const ApiResult<QList<GuardrailKeyAssignment>> &a) {
                if (!a.ok()) {
                    done({}, FlowError::server(a.error, u"cannot read OpenRouter's key assignments"_s));
                    return;
                }
                m_client.listMemberAssignments(context, [done, finish, liveKeys, guardrails, keyAssignments = a.value](
                                                            const ApiResult<QList<GuardrailMemberAssignment>> &m) {
                    if (!m.ok()) {
                        done({}, FlowError::server(m.error, u"cannot read OpenRouter's member assignments"_s));
                        return;
                    }
                    finish(liveKeys, guardrails, keyAssignments, m.value);
                });
            });
        });
    };
    withAccountKeys(m_client, keys, context, withKeys, [done](const FlowError &e) { done({}, e); });
}

void GuardrailService::apply(const GuardrailPlan &plan, QObject *context,
                             std::function<void(int, const FlowError &, const QStringList &)> done)
{
    auto warnings = std::make_shared<QStringList>();
    applyGuardrailPlan(
        &m_client, plan, context,
        [this, warnings](const GuardrailStep &step, const QString &id) {
            const Status s = m_store.transaction([&]() -> Status {
                // The id on the tier (or the member) lets the next plan find it even if renamed on the web.
                const bool made = step.kind == GuardrailStep::Kind::Create || step.kind == GuardrailStep::Kind::Update;
                if (made && !step.tier.isEmpty()) {
                    if (Status w = m_store.team().setTierGuardrail(step.tier, id); !w)
                        return w;
                } else if (made) {
                    if (Status w = m_store.team().setMemberGuardrail(step.member, id); !w)
                        return w;
                } else if (step.kind == GuardrailStep::Kind::Delete) {
                    // By id: a duplicate of the same name deleted leaves the member's real one known.
                    if (Status w = m_store.team().forgetGuardrail(step.guardrailId); !w)
                        return w;
                }
                return m_store.audit().append(auditEntry(AuditAction::Enforcement, step.guardrailName, {}, step.description));
            });
            if (!s)
                *warnings << u"\"%1\" was done at OpenRouter, but not recorded: %2"_s.arg(step.description, s.errorText());
        },
        [done, warnings](int stepsDone, const ApiError &error) {
            done(stepsDone, error.kind == ApiError::Kind::None ? FlowError{} : FlowError::server(error), *warnings);
        });
}

Result<WhatIfResult> replayTiers(const Store &store, const QDate &today, int days, const std::optional<QList<Tier>> &tiers)
{
    WhatIfInput in;
    in.to = today;
    in.from = today.addDays(1 - std::max(1, days));
    const auto members = store.team().members();
    if (!members)
        return members.error();
    in.members = *members;
    if (tiers) {
        in.tiers = *tiers;
    } else {
        const auto stored = store.team().tiers();
        if (!stored)
            return stored.error();
        in.tiers = *stored;
    }
    // From the first day of the month (or week) the window starts in: a budget's period that
    // began before the window counts what was spent in it.
    const QDate lead = std::min(budgetPeriodStart(LimitReset::Monthly, in.from), budgetPeriodStart(LimitReset::Weekly, in.from));
    const auto spend = store.spend().dailySpendByMember(lead, in.to);
    if (!spend)
        return spend.error();
    in.dailySpend = *spend;
    const auto modelDays = store.spend().memberModelDays(lead, in.to); // refused models free budget in the lead-in too
    if (!modelDays)
        return modelDays.error();
    in.modelDays = *modelDays;
    return replayHistory(in);
}

} // namespace orteam
