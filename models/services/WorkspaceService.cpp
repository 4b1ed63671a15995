#include "WorkspaceService.h"

#include "Audit.h"
#include "Money.h"
#include "OpenRouterClient.h"
#include "Team.h"

#include <algorithm>
#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
void sortBudgets(QList<WorkspaceBudget> &budgets)
{
    std::sort(budgets.begin(), budgets.end(),
              [](const WorkspaceBudget &a, const WorkspaceBudget &b) { return int(a.interval) < int(b.interval); });
}

QString workspaceTarget(const Workspace &w)
{
    return u"workspace %1"_s.arg(w.name);
}

// Runs `step(i, next)` for i = 0..count-1 one after another; `next(error, landed)` goes on, or
// stops everything at the first error. `landed`: the step took effect at OpenRouter though
// something after it failed (its audit line), so it counts as applied. `done(applied, error)` once.
using Next = std::function<void(const FlowError &, bool landed)>;
void runInTurn(int count, std::function<void(int, Next)> step, std::function<void(int, const FlowError &)> done)
{
    // The chain holds itself only through the callback of the step in flight: it ends (and is
    // freed) with the last answer, or when a call's context is destroyed and its answer dropped.
    auto go = std::make_shared<std::function<void(int)>>();
    std::weak_ptr<std::function<void(int)>> weak = go;
    *go = [count, step, done, weak](int i) {
        const auto self = weak.lock();
        if (!self)
            return;
        if (i >= count)
            return done(i, {});
        step(i, [self, i, done](const FlowError &e, bool landed) {
            if (e)
                return done(landed ? i + 1 : i, e);
            (*self)(i + 1);
        });
    };
    (*go)(0);
}
} // namespace

void WorkspaceService::list(const QDate &today, QObject *context, std::function<void(const Listing &)> done)
{
    m_client.listWorkspaces(context, [this, today, context, done](const ApiResult<QList<Workspace>> &all) {
        if (!all.ok())
            return done(Listing{{}, FlowError::server(all.error, u"cannot read the workspaces"_s), {}});
        struct Acc
        {
            QList<Row> rows;
            int waiting = 0;
            FlowError error;
        };
        auto acc = std::make_shared<Acc>();
        for (const Workspace &w : all.value)
            acc->rows << Row{w, {}, {}, {}, 0, 0};
        acc->waiting = int(all.value.size()) * 2;
        auto finish = [this, today, acc, done]() {
            if (--acc->waiting > 0)
                return;
            if (acc->error)
                return done(Listing{{}, acc->error, {}});
            QList<Workspace> seen;
            for (const Row &r : std::as_const(acc->rows))
                seen << r.workspace;
            // The names kept for the chargeback are a convenience: a database that cannot take
            // them (a read-only role) still gets the list, with the reason beside it.
            QString warning;
            if (Status s = m_store.workspaces().saveWorkspaces(seen); !s)
                warning = u"the workspaces' names were not kept for the chargeback: %1"_s.arg(s.errorText());
            const Result<QList<Member>> team = m_store.team().members();
            if (!team)
                return done(Listing{{}, FlowError::database(team.error()), {}});
            const Result<QList<WorkspaceSpend>> month = m_store.workspaces().spendByWorkspace(
                budgetPeriodStart(LimitReset::Monthly, today), today);
            if (!month)
                return done(Listing{{}, FlowError::database(month.error()), {}});
            const Result<QList<WorkspaceSpend>> day = m_store.workspaces().spendByWorkspace(today, today);
            if (!day)
                return done(Listing{{}, FlowError::database(day.error()), {}});
            for (Row &r : acc->rows) {
                for (const Member &m : *team) {
                    if (!m.userId.isEmpty() && r.userIds.contains(m.userId))
                        r.memberNames << m.name;
                }
                for (const WorkspaceSpend &s : *month) {
                    if (s.workspaceId == r.workspace.id)
                        r.spentThisMonth = s.cost;
                }
                for (const WorkspaceSpend &s : *day) {
                    if (s.workspaceId == r.workspace.id)
                        r.spentToday = s.cost;
                }
            }
            done(Listing{acc->rows, {}, warning});
        };
        if (acc->waiting == 0) {
            acc->waiting = 1;
            return finish();
        }
        for (qsizetype i = 0; i < acc->rows.size(); ++i) {
            const QString id = acc->rows.at(i).workspace.id;
            m_client.workspaceBudgets(id, context, [acc, i, finish](const ApiResult<QList<WorkspaceBudget>> &b) {
                if (!b.ok() && !acc->error)
                    acc->error = FlowError::server(b.error, u"cannot read the budgets of %1"_s.arg(acc->rows.at(i).workspace.name));
                else if (b.ok()) {
                    acc->rows[i].budgets = b.value;
                    sortBudgets(acc->rows[i].budgets);
                }
                finish();
            });
            m_client.workspaceMembers(id, context, [acc, i, finish](const ApiResult<QList<WorkspaceMember>> &m) {
                if (!m.ok() && !acc->error)
                    acc->error = FlowError::server(m.error, u"cannot read the members of %1"_s.arg(acc->rows.at(i).workspace.name));
                else if (m.ok()) {
                    for (const WorkspaceMember &wm : m.value)
                        acc->rows[i].userIds << wm.userId;
                }
                finish();
            });
        }
    });
}

void WorkspaceService::find(const QString &text, QObject *context,
                            std::function<void(const Workspace &, const FlowError &)> done)
{
    m_client.listWorkspaces(context, [text, done](const ApiResult<QList<Workspace>> &all) {
        if (!all.ok())
            return done({}, FlowError::server(all.error, u"cannot read the workspaces"_s));
        QList<Workspace> byName;
        for (const Workspace &w : all.value) {
            if (w.id == text || w.slug == text)
                return done(w, {});
            if (w.name.compare(text.trimmed(), Qt::CaseInsensitive) == 0)
                byName << w;
        }
        if (byName.size() == 1)
            return done(byName.first(), {});
        if (byName.size() > 1)
            return done({}, FlowError::database(StoreError::invalid(
                                u"%1 workspaces are named \"%2\": name one by its slug."_s.arg(byName.size()).arg(text))));
        done({}, FlowError::database(StoreError::notFound(u"There is no workspace \"%1\"."_s.arg(text))));
    });
}

void WorkspaceService::create(const QString &name, const QString &slug, const QString &description, QObject *context,
                              std::function<void(const Workspace &, const FlowError &)> done)
{
    Workspace spec;
    spec.name = name.trimmed();
    spec.slug = slug.isEmpty() ? workspaceSlugFor(spec.name) : slug;
    spec.description = description.trimmed();
    if (const QString why = workspaceNameProblem(spec.name); !why.isEmpty())
        return done({}, FlowError::database(StoreError::invalid(why)));
    if (!isValidWorkspaceSlug(spec.slug))
        return done({}, FlowError::database(StoreError::invalid(
                            u"\"%1\" is not a slug OpenRouter takes: lowercase letters and digits, in runs joined by single "
                            "hyphens, at most 50."_s.arg(spec.slug))));
    if (spec.description.size() > 500)
        return done({}, FlowError::database(StoreError::invalid(u"A workspace's description has at most 500 characters."_s)));
    m_client.createWorkspace(spec, context, [this, done](const ApiResult<Workspace> &made) {
        if (!made.ok())
            return done({}, FlowError::server(made.error, u"cannot create the workspace"_s));
        // OpenRouter has it now: a failed write of the name or the audit line is said, the
        // workspace stays (the next list keeps its name).
        Status s = m_store.workspaces().saveWorkspaces({made.value});
        if (s)
            s = m_store.audit().append(auditEntry(AuditAction::Workspace, workspaceTarget(made.value), {},
                                                  u"created (%1)"_s.arg(made.value.slug)));
        done(made.value, s ? FlowError{} : FlowError::database(s.error(), u"the workspace was created, but"_s));
    });
}

void WorkspaceService::rename(const QString &workspace, const QString &name, QObject *context,
                              std::function<void(const Workspace &, const FlowError &)> done)
{
    const QString newName = name.trimmed();
    if (const QString why = workspaceNameProblem(newName); !why.isEmpty())
        return done({}, FlowError::database(StoreError::invalid(why)));
    find(workspace, context, [this, newName, context, done](const Workspace &w, const FlowError &e) {
        if (e)
            return done({}, e);
        if (w.name == newName)
            return done(w, {});
        m_client.renameWorkspace(w.id, newName, context, [this, w, done](const ApiResult<Workspace> &renamed) {
            if (!renamed.ok())
                return done({}, FlowError::server(renamed.error, u"cannot rename the workspace"_s));
            Status s = m_store.workspaces().saveWorkspaces({renamed.value});
            if (s)
                s = m_store.audit().append(auditEntry(AuditAction::Workspace, workspaceTarget(renamed.value),
                                                      u"name %1"_s.arg(w.name), u"name %1"_s.arg(renamed.value.name)));
            done(renamed.value, s ? FlowError{} : FlowError::database(s.error(), u"the workspace was renamed, but"_s));
        });
    });
}

void WorkspaceService::previewBudgets(const QString &workspace, const WorkspaceBudgetWish &wish, const QDate &today,
                                      int whatIfDays, QObject *context, std::function<void(const BudgetPreview &)> done)
{
    find(workspace, context, [this, wish, today, whatIfDays, context, done](const Workspace &w, const FlowError &e) {
        BudgetPreview p;
        p.workspace = w;
        if (e) {
            p.error = e;
            return done(p);
        }
        m_client.workspaceBudgets(w.id, context, [this, p, wish, today, whatIfDays, done](const ApiResult<QList<WorkspaceBudget>> &b) mutable {
            if (!b.ok()) {
                p.error = FlowError::server(b.error, u"cannot read the workspace's budgets"_s);
                return done(p);
            }
            QList<WorkspaceBudget> current = b.value;
            sortBudgets(current);
            p.plan = planWorkspaceBudgets(current, wish);
            p.whatIfDays = whatIfDays;
            if (whatIfDays > 0 && p.plan.problem.isEmpty()) {
                // Back to the start of the month before the window: a period begun before it
                // counts. A lifetime budget never resets: all the history the database holds.
                const QDate from = today.addDays(-(whatIfDays - 1));
                const bool lifetime = std::any_of(p.plan.after.cbegin(), p.plan.after.cend(), [](const WorkspaceBudget &budget) {
                    return budget.interval == WorkspaceInterval::Lifetime;
                });
                const QDate readFrom = lifetime ? QDate(1970, 1, 1) : budgetPeriodStart(LimitReset::Monthly, from).addDays(-7);
                const Result<QHash<QDate, double>> daily = m_store.workspaces().dailySpend(p.workspace.id, readFrom, today);
                if (!daily) {
                    p.error = FlowError::database(daily.error(), u"cannot read the workspace's spend"_s);
                    return done(p);
                }
                p.whatIf = replayWorkspaceBudgets(p.plan.after, from, today, *daily);
            }
            done(p);
        });
    });
}

void WorkspaceService::applyBudgets(const BudgetPreview &preview, QObject *context,
                                    std::function<void(int, const FlowError &)> done)
{
    if (preview.error || !preview.plan.problem.isEmpty())
        return done(0, preview.error ? preview.error : FlowError::database(StoreError::invalid(preview.plan.problem)));
    const Workspace w = preview.workspace;
    const QList<WorkspaceBudgetChange> changes = preview.plan.changes;
    const QList<WorkspaceBudget> before = preview.plan.before;
    // The preview may be old (a dialog left open): the budgets are read again, and a plan made
    // against budgets that changed since is refused rather than sent over someone else's change.
    m_client.workspaceBudgets(w.id, context, [this, w, changes, before, context, done](const ApiResult<QList<WorkspaceBudget>> &now) {
        if (!now.ok())
            return done(0, FlowError::server(now.error, u"cannot read the workspace's budgets again"_s));
        QList<WorkspaceBudget> current = now.value;
        sortBudgets(current);
        if (workspaceBudgetsText(current) != workspaceBudgetsText(before))
            return done(0, FlowError::database(StoreError::conflict(
                               u"the budgets of %1 changed since the preview (now %2): preview again"_s.arg(w.name, workspaceBudgetsText(current)))));
        sendBudgetChanges(w, changes, context, done);
    });
}

void WorkspaceService::sendBudgetChanges(const Workspace &w, const QList<WorkspaceBudgetChange> &changes, QObject *context,
                                         std::function<void(int, const FlowError &)> done)
{
    runInTurn(int(changes.size()),
              [this, w, changes, context](int i, Next next) {
                  const WorkspaceBudgetChange c = changes.at(i);
                  auto audited = [this, w, c, next]() {
                      const Status s = m_store.audit().append(auditEntry(
                          AuditAction::Workspace, workspaceTarget(w),
                          u"%1 budget %2"_s.arg(workspaceIntervalName(c.interval), c.before ? formatUsd(*c.before) : u"none"_s),
                          u"%1 budget %2"_s.arg(workspaceIntervalName(c.interval), c.after ? formatUsd(*c.after) : u"none"_s)));
                      next(s ? FlowError{} : FlowError::database(s.error(), u"OpenRouter changed the %1 budget, but"_s.arg(workspaceIntervalName(c.interval))),
                           true);
                  };
                  if (!c.after) {
                      m_client.removeWorkspaceBudget(w.id, c.interval, context, [c, audited, next](const ApiResult<bool> &r) {
                          // Already gone is what was wanted.
                          if (!r.ok() && !r.error.isNotFound())
                              return next(FlowError::server(r.error, u"cannot remove the %1 budget"_s.arg(workspaceIntervalName(c.interval))),
                                          false);
                          audited();
                      });
                      return;
                  }
                  m_client.setWorkspaceBudget(w.id, WorkspaceBudget{c.interval, *c.after}, context,
                                              [c, audited, next](const ApiResult<WorkspaceBudget> &r) {
                                                  if (!r.ok())
                                                      return next(FlowError::server(
                                                          r.error, u"cannot set the %1 budget"_s.arg(workspaceIntervalName(c.interval))),
                                                                  false);
                                                  audited();
                                              });
              },
              std::move(done));
}

void WorkspaceService::previewMembers(const QString &workspace, const QStringList &add, const QStringList &remove,
                                      QObject *context, std::function<void(const MemberPreview &)> done)
{
    find(workspace, context, [this, add, remove, context, done](const Workspace &w, const FlowError &e) {
        MemberPreview p;
        p.workspace = w;
        if (e) {
            p.error = e;
            return done(p);
        }
        m_client.workspaceMembers(w.id, context, [this, p, add, remove, done](const ApiResult<QList<WorkspaceMember>> &m) mutable {
            if (!m.ok()) {
                p.error = FlowError::server(m.error, u"cannot read the workspace's members"_s);
                return done(p);
            }
            // The team once OpenRouter answered, so the plan is of one moment.
            const Result<QList<Member>> team = m_store.team().members();
            if (!team) {
                p.error = FlowError::database(team.error());
                return done(p);
            }
            QHash<QString, QString> userOf, nameOf;
            QStringList left;
            for (const Member &member : *team) {
                if (!member.active)
                    left << member.name;
                userOf.insert(member.name, member.userId);
                if (!member.userId.isEmpty())
                    nameOf.insert(member.userId, member.name);
            }
            QStringList current;
            for (const WorkspaceMember &wm : m.value) {
                current << wm.userId;
                p.currentNames << nameOf.value(wm.userId, wm.userId);
            }
            p.currentUserIds = current;
            QStringList wanted = current;
            for (const QString &name : add + remove) {
                if (!userOf.contains(name)) {
                    p.error = FlowError::database(StoreError::notFound(u"There is no member named \"%1\"."_s.arg(name)));
                    return done(p);
                }
            }
            for (const QString &name : add) {
                // Someone who left the team is not put into a department (taking them out is fine).
                if (left.contains(name)) {
                    p.error = FlowError::database(StoreError::invalid(u"%1 has left the team."_s.arg(name)));
                    return done(p);
                }
                if (userOf.value(name).isEmpty())
                    p.notLinked << name;
                else if (!wanted.contains(userOf.value(name)))
                    wanted << userOf.value(name);
            }
            for (const QString &name : remove) {
                if (userOf.value(name).isEmpty())
                    p.notLinked << name;
                else
                    wanted.removeAll(userOf.value(name));
            }
            p.plan = planWorkspaceMembers(current, wanted);
            for (const QString &id : std::as_const(p.plan.add))
                p.addNames << nameOf.value(id, id);
            for (const QString &id : std::as_const(p.plan.remove))
                p.removeNames << nameOf.value(id, id);
            done(p);
        });
    });
}

void WorkspaceService::applyMembers(const MemberPreview &preview, QObject *context,
                                    std::function<void(int, const FlowError &)> done)
{
    if (preview.error)
        return done(0, preview.error);
    // Batches of at most 100 (the API's cap), additions first.
    struct Batch
    {
        bool remove = false;
        QStringList ids;
        QStringList names;
    };
    QList<Batch> batches;
    const int per = OpenRouterClient::WorkspaceMembersPerCall;
    for (qsizetype i = 0; i < preview.plan.add.size(); i += per)
        batches << Batch{false, preview.plan.add.mid(i, per), preview.addNames.mid(i, per)};
    for (qsizetype i = 0; i < preview.plan.remove.size(); i += per)
        batches << Batch{true, preview.plan.remove.mid(i, per), preview.removeNames.mid(i, per)};
    const Workspace w = preview.workspace;
    runInTurn(int(batches.size()),
              [this, w, batches, context](int i, Next next) {
                  const Batch b = batches.at(i);
                  auto answered = [this, w, b, next](const ApiResult<qint64> &r) {
                      if (!r.ok())
                          return next(FlowError::server(r.error, b.remove ? u"cannot remove members from the workspace"_s
                                                                          : u"cannot add members to the workspace"_s),
                                      false);
                      const Status s = m_store.transaction([&]() -> Status {
                          for (const QString &name : b.names) {
                              if (Status a = m_store.audit().append(auditEntry(AuditAction::Workspace, workspaceTarget(w),
                                                                               {}, (b.remove ? u"member removed: "_s : u"member added: "_s) + name));
                                  !a)
                                  return a;
                          }
                          return {};
                      });
                      next(s ? FlowError{} : FlowError::database(s.error(), u"OpenRouter changed the members, but"_s), true);
                  };
                  m_client.changeWorkspaceMembers(w.id, b.remove, b.ids, context, answered);
              },
              std::move(done));
}

Result<QList<WorkspaceSpend>> WorkspaceService::chargeback(const QDate &from, const QDate &to) const
{
    return m_store.workspaces().spendByWorkspace(from, to);
}

} // namespace orteam
