#include "TeamController.h"

#include "GuardrailService.h"
#include "JobQueue.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "OpenRouterClient.h"
#include "TeamService.h"

#include <QPointer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

TeamController::TeamController(Store *store, OpenRouterClient *client, KeyListController *keys, JobQueue *jobs, QObject *parent)
    : QObject(parent),
      m_store(store),
      m_client(client),
      m_keys(keys),
      m_ownJobs(jobs ? nullptr : std::make_unique<JobQueue>(store)),
      m_jobs(jobs ? jobs : m_ownJobs.get()),
      m_catalogue(client)
{
    connect(m_keys, &KeyListController::refreshFinished, this, &TeamController::onKeysRefreshed);
    reload();
}

// Out of line: JobQueue is only declared in the header.
TeamController::~TeamController() = default;

void TeamController::reload()
{
    ++m_generation;
    const Result<TeamState> state = readTeamState(*m_store, today());
    if (!state) {
        m_readError = tr("Cannot read the team from the database: %1").arg(state.errorText());
        Q_EMIT problem(m_readError);
        return;
    }
    applyState(*state);
}

void TeamController::applyState(const TeamState &state)
{
    m_readError.clear();
    m_tiers = state.tiers;
    m_owners = state.owners;
    m_autoEnforce = state.autoEnforce;
    m_keys->model()->setOwners(m_owners);
    QList<MemberTableModel::Row> rows;
    rows.reserve(state.members.size());
    for (const Member &m : state.members) {
        MemberTableModel::Row row;
        row.member = m;
        row.budget = effectiveBudget(m, m_tiers);
        row.today = state.today.value(m.name).cost;
        row.week = state.week.value(m.name).cost;
        if (row.budget) {
            // The daily check's own judgement (Enforcement's dailyCheck): spend in the budget's period.
            const std::optional<double> spent = state.periods.value(m.name).in(row.budget->period);
            row.inPeriod = spent.value_or(0.0);
            row.overBudget = m.active && !withinBudget(spent, row.budget->usd);
        }
        rows << row;
    }
    m_model.setRows(rows);
    Q_EMIT changed();
}

QList<Member> TeamController::members() const
{
    QList<Member> out;
    out.reserve(m_model.rows().size());
    for (const MemberTableModel::Row &r : m_model.rows())
        out << r.member;
    return out;
}

std::optional<Member> TeamController::member(const QString &name) const
{
    const int row = m_model.rowOf(name);
    return row < 0 ? std::nullopt : std::optional<Member>(m_model.rows().at(row).member);
}

// ---- Edits: TeamService, then the table read again -------------------------------------------------

Status TeamController::edited(const Status &status)
{
    if (status)
        reload();
    return status;
}

Status TeamController::addMember(const Member &member)
{
    return edited(TeamService(*m_store).addMember(member));
}

Status TeamController::editMember(const Member &member)
{
    return edited(TeamService(*m_store).editMember(member));
}

Status TeamController::setTier(const QStringList &names, const QString &tier)
{
    return edited(TeamService(*m_store).setTier(names, tier));
}

Status TeamController::setKeys(const QString &name, const QStringList &keyHashes)
{
    return edited(TeamService(*m_store).setKeys(name, keyHashes));
}

Status TeamController::saveTier(const Tier &tier)
{
    return edited(TeamService(*m_store).saveTier(tier));
}

Status TeamController::deleteTier(const QString &name)
{
    return edited(TeamService(*m_store).deleteTier(name));
}

Result<QString> TeamController::createGatewayToken(const QString &member)
{
    return TeamService(*m_store).createGatewayToken(member);
}

Status TeamController::setAutoEnforce(bool on)
{
    const Status s = TeamService(*m_store).setAutoEnforce(on);
    if (s) {
        m_autoEnforce = on;
        runDailyCheck();
    }
    return s;
}

// ---- Flows that talk to OpenRouter -----------------------------------------------------------------
// Each service is made per call and kept alive by its own completion callback: its calls to
// OpenRouter may answer after this controller is gone, and then they still find the service (the
// store and the client outlive every controller).

void TeamController::offboard(const QStringList &names, QObject *context, std::function<void(const OffboardOutcome &)> done)
{
    // The keys as last read, so the audit log names them; without a good read the service lists them.
    const bool keysKnown = m_keys->lastRefresh().isValid() && !m_keys->lastError().isError();
    auto service = std::make_shared<OffboardingService>(*m_store, *m_client);
    QPointer<QObject> ctx(context);
    service->offboard(names, keysKnown ? std::optional(m_keys->model()->keys()) : std::nullopt, this,
                      [this, service, ctx, done](const OffboardOutcome &outcome) {
        for (const QString &hash : outcome.revokedKeys)
            m_keys->model()->removeKey(hash);
        for (const QString &warning : outcome.warnings)
            Q_EMIT problem(warning);
        reload();
        if (ctx)
            done(outcome);
    });
}

void TeamController::importRoster(const RosterPlan &plan, QObject *context, std::function<void(bool, const QString &)> done)
{
    const Result<TeamService::ImportSaved> saved = TeamService(*m_store).importRoster(plan);
    if (!saved) {
        done(false, tr("Nothing was imported: %1").arg(saved.errorText()));
        return;
    }
    reload();
    const QString summary = saved->summary();
    if (saved->toOffboard.isEmpty()) {
        done(true, summary);
        return;
    }
    QPointer<QObject> ctx(context);
    offboard(saved->toOffboard, this, [ctx, done, summary](const OffboardOutcome &o) {
        if (!ctx)
            return;
        QString message = summary + tr(" Offboarded %1.").arg(o.offboarded.size());
        if (o.error)
            message += u' ' + o.error.message();
        if (!o.failed.isEmpty())
            message += u' ' + o.failed.join(u' ');
        done(!o.error && o.failed.isEmpty(), message);
    });
}

Result<WhatIfResult> TeamController::whatIf(int days, const std::optional<QList<Tier>> &tiers) const
{
    return replayTiers(*m_store, QDateTime::currentDateTimeUtc().date(), days, tiers);
}

void TeamController::planGuardrails(QObject *context, std::function<void(const GuardrailPlan &, const FlowError &)> done)
{
    auto service = std::make_shared<GuardrailService>(*m_store, *m_client);
    service->plan(m_keys->model()->keys(), context, [service, done](const GuardrailPlan &plan, const FlowError &error) {
        done(plan, error);
    });
}

void TeamController::applyGuardrails(const GuardrailPlan &plan, QObject *context, std::function<void(int, const FlowError &)> done)
{
    auto service = std::make_shared<GuardrailService>(*m_store, *m_client);
    QPointer<QObject> ctx(context);
    service->apply(plan, this, [this, service, ctx, done](int stepsDone, const FlowError &error, const QStringList &warnings) {
        reload(); // the tiers now hold their guardrail ids
        for (const QString &warning : warnings)
            Q_EMIT problem(warning);
        if (ctx)
            done(stepsDone, error);
    });
}

void TeamController::previewLinks(QObject *context, std::function<void(const MemberLinkService::Preview &)> done)
{
    auto service = std::make_shared<MemberLinkService>(*m_store, *m_client);
    service->preview(context, [service, done](const MemberLinkService::Preview &p) { done(p); });
}

Status TeamController::saveLinks(const QList<MemberLink> &links)
{
    const Status s = MemberLinkService(*m_store, *m_client).apply(links);
    if (s)
        reload();
    return s;
}

// ---- The daily check --------------------------------------------------------------------------------

void TeamController::onKeysRefreshed(const ApiError &error)
{
    if (!error.isError())
        startJob(true, true);
}

void TeamController::runDailyCheck()
{
    startJob(false, true);
}

void TeamController::startJob(bool writeSnapshots, bool check)
{
    if (m_jobRunning) { // one at a time; the next one covers every request made meanwhile
        m_jobQueued = true;
        m_queuedWrite = m_queuedWrite || writeSnapshots;
        m_queuedCheck = m_queuedCheck || check;
        return;
    }
    m_jobRunning = true;
    const quint64 generation = m_generation;
    const ApiKeyList keys = writeSnapshots ? m_keys->model()->keys() : ApiKeyList();
    const QDateTime at = m_clock();
    // The job captures values only: it runs on the worker, and may finish after this is gone.
    m_jobs->run<StateRead>(
        this,
        [writeSnapshots, keys, at](Store &store) {
            const QDate day = at.toUTC().date();
            QString snapshotError;
            if (writeSnapshots) {
                if (const Status s = store.usage().recordKeySnapshots(keys, at); !s)
                    snapshotError = s.errorText();
            }
            return StateRead{readTeamState(store, day), day, snapshotError};
        },
        [this, check, generation](const StateRead &read) { onJobDone(read, check, generation); });
}

void TeamController::onJobDone(const StateRead &read, bool check, quint64 generation)
{
    m_jobRunning = false;
    if (generation != m_generation) {
        // The team was read again here (an edit) while the worker read it: read once more rather
        // than show, or act on, the team as it was. The snapshots are written already.
        m_jobQueued = true;
        m_queuedCheck = m_queuedCheck || check;
    } else if (!read.state) {
        // Fail closed: without the whole team, spend and enforced keys, no key is disabled or
        // enabled again, and the table keeps what it showed.
        m_readError = tr("Cannot read the team from the database: %1").arg(read.state.errorText());
        Q_EMIT problem(check ? tr("Cannot read the team from the database, so the daily budget check changed no key: %1")
                                   .arg(read.state.errorText())
                             : m_readError);
    } else {
        applyState(*read.state);
        if (!read.snapshotError.isEmpty()) {
            // Today's spend would be read without the counters just fetched: too low to judge by.
            Q_EMIT problem(tr("Cannot save today's key usage, so the daily budget check changed no key: %1").arg(read.snapshotError));
        } else if (check) {
            act(*read.state, read.day);
        }
    }
    if (m_jobQueued) {
        m_jobQueued = false;
        const bool write = m_queuedWrite, again = m_queuedCheck;
        m_queuedWrite = m_queuedCheck = false;
        startJob(write, again);
    }
}

void TeamController::act(const TeamState &read, const QDate &day)
{
    if (m_checking) { // two checks at once would both disable the same keys, twice audited
        m_checkAgain = true;
        return;
    }
    TeamState state = read;
    // The check decides from the keys as OpenRouter has them now. Before the first refresh, or
    // after a failed one, the list is empty or stale: a check on it would take every key it
    // disabled for gone and forget it (never to enable it again). Then it only flags.
    const bool keysKnown = m_keys->lastRefresh().isValid() && !m_keys->lastError().isError();
    if (!keysKnown) {
        if (state.autoEnforce && !state.enforced.isEmpty())
            Q_EMIT problem(tr("The daily budget check changed no key: the key list could not be read from OpenRouter."));
        state.autoEnforce = false;
        state.enforced.clear();
    }
    m_checking = true;
    auto service = std::make_shared<DailyCheckService>(*m_store, *m_client);
    service->decideAndApply(state, day, m_keys->model()->keys(), false, this, [this, service](const DailyCheckService::Report &report) {
        m_checking = false;
        if (m_checkAgain) {
            m_checkAgain = false;
            QMetaObject::invokeMethod(this, &TeamController::runDailyCheck, Qt::QueuedConnection);
        }
        m_lastCheck = report.decisions;
        if (report.error)
            Q_EMIT problem(tr("The daily budget check changed no key: %1").arg(report.error.message()));
        const EnforcementOutcome &outcome = report.outcome;
        QStringList actions;
        for (const EnforcementOutcome::Change &c : outcome.changes) {
            if (c.updated)
                m_keys->model()->updateKey(*c.updated);
            if (c.disabled)
                actions << tr("Disabled %1 (%2 is over budget).").arg(c.keyName(), c.key.member);
            else if (c.updated)
                actions << tr("Re-enabled %1 (a new budget period).").arg(c.keyName());
        }
        for (const EnforcementOutcome::Failure &f : outcome.failures)
            Q_EMIT problem(f.disabling ? tr("Could not disable a key of %1 (over budget): %2").arg(f.key.member, f.message)
                                       : tr("Could not re-enable a key of %1: %2").arg(f.key.member, f.message));
        for (const QString &warning : outcome.warnings)
            Q_EMIT problem(warning);
        if (!outcome.changes.isEmpty() || !outcome.failures.isEmpty())
            startJob(false, false); // show what changed; no second check
        Q_EMIT checkFinished(m_lastCheck.overBudget, actions);
    });
}

} // namespace orteam
