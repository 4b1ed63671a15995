#include "TeamController.h"

#include "BudgetEnforcer.h"

#include "AuditLog.h"
#include "GuardrailSync.h"
#include "KeyTableModel.h"
#include "KeyListController.h"
#include "Money.h"
#include "OpenRouterClient.h"

#include <QColor>
#include <QPointer>
#include <QRegularExpression>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
const QString AutoEnforceSetting = u"auto_enforce"_s;

QString limitText(const std::optional<double> &limit)
{
    return limit ? formatUsd(*limit) : u"none"_s;
}

QString memberSummary(const Member &m)
{
    return u"tier %1, daily limit %2, %3"_s.arg(m.tier.isEmpty() ? u"(none)"_s : m.tier,
                                                m.dailyLimitOverride ? formatUsd(*m.dailyLimitOverride) : u"tier default"_s,
                                                m.active ? u"active"_s : u"inactive"_s);
}

} // namespace

// ---- MemberTableModel ----------------------------------------------------------------------------

int MemberTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MemberTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MemberTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    const Member &m = r.member;
    if (role == NameRole)
        return m.name;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn:
            return m.name;
        case EmailColumn:
            return m.email;
        case TierColumn:
            return m.tier.isEmpty() ? u"—"_s : m.tier;
        case LimitColumn:
            return r.dailyLimit ? formatUsd(*r.dailyLimit) + (m.dailyLimitOverride ? u" (own)"_s : QString()) : u"no limit"_s;
        case TodayColumn:
            return formatUsd(r.today);
        case WeekColumn:
            return formatUsd(r.week);
        case KeysColumn:
            return m.keyHashes.size();
        case StatusColumn:
            if (!m.active)
                return u"Offboarded"_s;
            return r.overBudget ? u"Over budget"_s : u"Active"_s;
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case LimitColumn:
            return r.dailyLimit ? *r.dailyLimit : 1e300;
        case TodayColumn:
            return r.today;
        case WeekColumn:
            return r.week;
        case KeysColumn:
            return m.keyHashes.size();
        default:
            return data(index, Qt::DisplayRole).toString().toLower();
        }
    }
    if (role == Qt::ForegroundRole) {
        if (!m.active)
            return QColor(Qt::gray);
        if (r.overBudget && (index.column() == StatusColumn || index.column() == TodayColumn))
            return QColor(0xc6, 0x28, 0x28);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == LimitColumn || index.column() == TodayColumn
                                          || index.column() == WeekColumn || index.column() == KeysColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == TodayColumn && r.dailyLimit)
        return u"%1 of %2 today (UTC)"_s.arg(formatUsd(r.today), formatUsd(*r.dailyLimit));
    return {};
}

QVariant MemberTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList names{u"Name"_s,  u"Email"_s,     u"Tier"_s, u"Daily limit"_s,
                                   u"Today"_s, u"This week"_s, u"Keys"_s, u"Status"_s};
    return names.value(section);
}

void MemberTableModel::setRows(const QList<Row> &rows)
{
    // Same members in the same order (the usual refresh): update in place so the view keeps its
    // selection; otherwise reset.
    bool same = rows.size() == m_rows.size();
    for (qsizetype i = 0; same && i < rows.size(); ++i)
        same = rows.at(i).member.name == m_rows.at(i).member.name;
    m_rows = rows;
    if (same && !rows.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0), index(int(rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    endResetModel();
}

int MemberTableModel::rowOf(const QString &name) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).member.name == name)
            return int(i);
    }
    return -1;
}

// ---- TeamController ------------------------------------------------------------------------------

TeamController::TeamController(Store *store, OpenRouterClient *client, KeyListController *keys, AuditLogController *audit,
                               QObject *parent)
    : QObject(parent), m_store(store), m_client(client), m_keys(keys), m_audit(audit)
{
    connect(m_keys, &KeyListController::refreshFinished, this, &TeamController::onKeysRefreshed);
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(u"orteam-store"_s);
    m_thread.start();
    reload();
}

TeamController::~TeamController()
{
    // The worker's connection must be closed in its own thread before the thread ends.
    QMetaObject::invokeMethod(m_worker, [this] { m_workerStore.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void TeamController::audit(const QString &action, const QString &target, const QString &before, const QString &after)
{
    if (m_audit)
        m_audit->record({0, {}, {}, action, target, before, after});
}

TeamController::StoreState TeamController::readState(const Store &store, const QDate &today)
{
    StoreState st;
    st.tiers = store.tiers();
    st.members = store.members();
    st.owners = store.keyOwners();
    st.today = store.memberSpend(today, today, &st.error);
    st.week = store.memberSpend(today.addDays(-6), today, &st.error);
    st.enforced = store.enforcedKeys();
    st.autoEnforce = store.setting(u"auto_enforce"_s, u"off"_s) == "on"_L1;
    return st;
}

std::optional<QString> TeamController::createGatewayToken(const QString &member, QString *error)
{
    const std::optional<QString> token = m_store->createGatewayToken(member, error);
    if (token)
        audit(u"gateway token created"_s, member, QString(), QString());
    return token;
}

void TeamController::reload()
{
    ++m_generation;
    applyState(readState(*m_store, today()));
}

void TeamController::applyState(const StoreState &state)
{
    if (!state.error.isEmpty())
        Q_EMIT problem(u"Cannot read the team from the database: %1"_s.arg(state.error));
    m_tiers = state.tiers;
    m_owners = state.owners;
    m_keys->model()->setOwners(m_owners);
    QList<MemberTableModel::Row> rows;
    rows.reserve(state.members.size());
    for (const Member &m : state.members) {
        MemberTableModel::Row row;
        row.member = m;
        row.dailyLimit = effectiveDailyLimit(m, m_tiers);
        row.today = state.today.value(m.name).cost;
        row.week = state.week.value(m.name).cost;
        row.overBudget = m.active && !withinDailyBudget(state.today.contains(m.name) ? std::optional(row.today) : std::nullopt,
                                                        row.dailyLimit);
        rows << row;
    }
    m_model.setRows(rows);
    Q_EMIT changed();
}

QList<Member> TeamController::members() const
{
    QList<Member> out;
    for (const MemberTableModel::Row &r : m_model.rows())
        out << r.member;
    return out;
}

std::optional<Member> TeamController::member(const QString &name) const
{
    const int row = m_model.rowOf(name);
    return row >= 0 ? std::optional(m_model.rows().at(row).member) : std::nullopt;
}

bool TeamController::addMember(const Member &member, QString *error)
{
    if (!m_store->addMember(member, error))
        return false;
    for (const QString &hash : member.keyHashes) {
        if (!m_store->linkKey(member.name.trimmed(), hash, error))
            return false;
    }
    audit(u"member"_s, member.name.trimmed(), QString(), memberSummary(member));
    reload();
    return true;
}

bool TeamController::updateMember(const Member &member, QString *error)
{
    const auto before = m_store->member(member.name);
    if (!m_store->updateMember(member, error))
        return false;
    if (before && (before->tier != member.tier))
        audit(u"tier"_s, member.name, before->tier, member.tier);
    audit(u"member"_s, member.name, before ? memberSummary(*before) : QString(), memberSummary(member));
    reload();
    return true;
}

bool TeamController::setTier(const QStringList &names, const QString &tier, QString *error)
{
    QList<Member> changed;
    QHash<QString, QString> before;
    for (const QString &name : names) {
        auto m = m_store->member(name);
        if (!m) {
            *error = u"There is no member named \"%1\"."_s.arg(name);
            return false;
        }
        if (m->tier == tier)
            continue;
        before.insert(m->name, m->tier);
        m->tier = tier;
        changed << *m;
    }
    if (changed.isEmpty())
        return true;
    if (!m_store->saveMembers(changed, error))
        return false;
    for (const Member &m : changed)
        audit(u"tier"_s, m.name, before.value(m.name), tier);
    reload();
    return true;
}

bool TeamController::setKeys(const QString &name, const QStringList &keyHashes, QString *error)
{
    const auto m = m_store->member(name);
    if (!m) {
        *error = u"There is no member named \"%1\"."_s.arg(name);
        return false;
    }
    for (const QString &hash : m->keyHashes) {
        if (!keyHashes.contains(hash) && !m_store->unlinkKey(hash, error))
            return false;
    }
    for (const QString &hash : keyHashes) {
        if (!m->keyHashes.contains(hash) && !m_store->linkKey(name, hash, error))
            return false;
    }
    if (QSet<QString>(keyHashes.cbegin(), keyHashes.cend()) != QSet<QString>(m->keyHashes.cbegin(), m->keyHashes.cend()))
        audit(u"link"_s, name, u"%1 key(s)"_s.arg(m->keyHashes.size()), u"%1 key(s)"_s.arg(keyHashes.size()));
    reload();
    return true;
}

QString TeamController::validateTier(const Tier &tier, bool isNew, const QList<Tier> &existing)
{
    static const QRegularExpression namePattern(u"^[a-z0-9][a-z0-9_-]{0,39}$"_s);
    if (!namePattern.match(tier.name).hasMatch())
        return u"A tier name is 1-40 lower-case letters, digits, - or _ (e.g. \"research\")."_s;
    if (isNew && std::any_of(existing.cbegin(), existing.cend(), [&](const Tier &t) { return t.name == tier.name; }))
        return u"There is already a tier named \"%1\"."_s.arg(tier.name);
    if (tier.defaultDailyLimit && (!std::isfinite(*tier.defaultDailyLimit) || *tier.defaultDailyLimit < 0))
        return u"The daily limit must be a positive amount, or none."_s;
    if (tier.allowedModels && tier.allowedModels->isEmpty())
        return u"Pick at least one model, or allow every model."_s;
    if (tier.allowedModels && !tier.fallbackModel.isEmpty() && !tier.allowedModels->contains(tier.fallbackModel))
        return u"The fallback model must be one of the allowed models."_s;
    return {};
}

bool TeamController::saveTier(const Tier &tier, QString *error)
{
    Tier before;
    bool existed = false;
    for (const Tier &t : m_tiers) {
        if (t.name == tier.name) {
            before = t;
            existed = true;
        }
    }
    if (const QString problem = validateTier(tier, !existed, m_tiers); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    if (!m_store->saveTier(tier, error))
        return false;
    auto describe = [](const Tier &t) {
        return u"daily %1, %2, fallback %3"_s.arg(limitText(t.defaultDailyLimit),
                                                  t.isUnrestricted() ? u"every model"_s : t.allowedModels->join(u" "_s),
                                                  t.fallbackModel.isEmpty() ? u"none"_s : t.fallbackModel);
    };
    audit(u"tier-edit"_s, tier.name, existed ? describe(before) : QString(), describe(tier));
    reload();
    return true;
}

bool TeamController::deleteTier(const QString &name, QString *error)
{
    if (!m_store->deleteTier(name, error))
        return false;
    audit(u"tier-edit"_s, name, u"exists"_s, u"deleted"_s);
    reload();
    return true;
}

void TeamController::offboard(const QStringList &names, QObject *context, std::function<void(const OffboardOutcome &)> done)
{
    QStringList hashes;
    for (const QString &name : names) {
        if (const auto m = m_store->member(name))
            hashes << m->keyHashes;
    }
    QPointer<QObject> ctx(context);
    m_keys->revokeKeys(hashes, this, [this, names, ctx, done](const KeyListController::RevokeOutcome &r) {
        QHash<QString, QStringList> failedKeys; // member → keys still there
        for (const auto &[key, error] : r.failed)
            failedKeys[m_owners.value(key.hash)] << u"%1 (%2)"_s.arg(key.name, error.message());
        OffboardOutcome outcome;
        for (const QString &name : names) {
            auto m = m_store->member(name);
            if (!m)
                continue;
            if (failedKeys.contains(name)) {
                outcome.failed << u"%1 is still active: %2 could not be revoked."_s.arg(name, failedKeys.value(name).join(u", "_s));
                continue;
            }
            const bool wasActive = m->active;
            m->active = false;
            QString error;
            if (!m_store->updateMember(*m, &error)) {
                outcome.failed << u"%1: keys revoked, but the database refused the change: %2"_s.arg(name, error);
                continue;
            }
            outcome.offboarded << name;
            audit(u"offboard"_s, name, wasActive ? u"active"_s : u"inactive"_s,
                  u"inactive, %1 key(s) revoked"_s.arg(m->keyHashes.size()));
        }
        reload();
        if (ctx)
            done(outcome);
    });
}

void TeamController::importRoster(const RosterPlan &plan, QObject *context, std::function<void(bool, const QString &)> done)
{
    QList<Member> saves;
    QStringList offboards;
    int added = 0, changedCount = 0;
    for (const RosterChange &c : plan.changes) {
        switch (c.kind) {
        case RosterChange::Kind::Add:
            ++added;
            saves << c.after;
            break;
        case RosterChange::Kind::Change:
        case RosterChange::Kind::Reactivate:
            ++changedCount;
            saves << c.after;
            break;
        case RosterChange::Kind::Offboard: {
            // Everything but the active flag now; offboarding itself flips that after the keys go.
            Member m = c.after;
            m.active = true;
            if (m != c.before)
                saves << m;
            offboards << c.before.name;
            break;
        }
        case RosterChange::Kind::Unchanged:
            break;
        }
    }
    QString error;
    if (!saves.isEmpty() && !m_store->saveMembers(saves, &error)) {
        done(false, u"Nothing was imported: %1"_s.arg(error));
        return;
    }
    audit(u"import"_s, u"roster"_s, QString(),
          u"%1 added, %2 changed, %3 to offboard, %4 row(s) rejected"_s.arg(added).arg(changedCount).arg(offboards.size()).arg(plan.rejected.size()));
    reload();
    const QString summary = u"Imported: %1 added, %2 changed."_s.arg(added).arg(changedCount);
    if (offboards.isEmpty()) {
        done(true, summary);
        return;
    }
    QPointer<QObject> ctx(context);
    offboard(offboards, this, [ctx, done, summary](const OffboardOutcome &o) {
        if (!ctx)
            return;
        QString message = summary + u" Offboarded %1."_s.arg(o.offboarded.size());
        if (!o.failed.isEmpty())
            message += u" "_s + o.failed.join(u" "_s);
        done(o.failed.isEmpty(), message);
    });
}

void TeamController::planGuardrails(QObject *context, std::function<void(const GuardrailPlan &, const ApiError &)> done)
{
    QPointer<QObject> ctx(context);
    m_client->listGuardrails(this, [this, ctx, done](const ApiResult<QList<Guardrail>> &g) {
        if (!g.ok()) {
            if (ctx)
                done({}, g.error);
            return;
        }
        m_client->listKeyAssignments(this, [this, ctx, done, guardrails = g.value](const ApiResult<QList<GuardrailKeyAssignment>> &a) {
            if (!ctx)
                return;
            if (!a.ok()) {
                done({}, a.error);
                return;
            }
            reload();
            done(orteam::planGuardrails(m_tiers, members(), m_keys->model()->keys(), guardrails, a.value), ApiError{});
        });
    });
}

void TeamController::applyGuardrails(const GuardrailPlan &plan, QObject *context, std::function<void(int, const ApiError &)> done)
{
    QPointer<QObject> ctx(context);
    applyGuardrailPlan(
        m_client, plan, this,
        [this](const GuardrailStep &step, const QString &id) {
            // Remember the id on the tier, so the next plan finds it even if renamed on the web.
            if (step.kind == GuardrailStep::Kind::Create || step.kind == GuardrailStep::Kind::Update) {
                QString ignored;
                m_store->setTierGuardrail(step.tier, id, &ignored);
            }
            audit(u"enforcement"_s, step.guardrailName, QString(), step.description);
        },
        [this, ctx, done](int stepsDone, const ApiError &error) {
            reload();
            if (ctx)
                done(stepsDone, error);
        });
}

void TeamController::fetchModels(QObject *context, std::function<void(const QList<ModelInfo> &, const ApiError &)> done)
{
    if (!m_models.isEmpty()) {
        done(m_models, ApiError{});
        return;
    }
    QPointer<QObject> ctx(context);
    m_client->models(this, [this, ctx, done](const ApiResult<QList<ModelInfo>> &r) {
        if (r.ok()) {
            m_models = r.value;
            std::sort(m_models.begin(), m_models.end(), [](const ModelInfo &a, const ModelInfo &b) { return a.id < b.id; });
        }
        if (ctx)
            done(m_models, r.error);
    });
}

bool TeamController::autoEnforce() const
{
    return m_store->setting(AutoEnforceSetting, u"off"_s) == "on"_L1;
}


bool TeamController::setAutoEnforce(bool on, QString *error)
{
    if (on == autoEnforce())
        return true;
    if (!m_store->setSetting(AutoEnforceSetting, on ? u"on"_s : u"off"_s, error))
        return false;
    audit(u"enforcement"_s, u"auto-enforce"_s, on ? u"off"_s : u"on"_s, on ? u"on"_s : u"off"_s);
    runDailyCheck();
    return true;
}

void TeamController::onKeysRefreshed(const ApiError &error)
{
    if (error.kind == ApiError::Kind::None)
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
    const DbLocation location = m_store->location();
    auto work = [writeSnapshots, keys, at](Store &store) {
        StoreState state;
        QString error;
        if (writeSnapshots && !store.recordKeySnapshots(keys, at, &error)) {
            state = readState(store, at.toUTC().date());
            state.error = u"cannot save key usage: "_s + error;
            return state;
        }
        return readState(store, at.toUTC().date());
    };
    // An in-memory database exists only on its own connection: then the work stays here.
    if (location.kind == DbLocation::Kind::Sqlite && location.path.startsWith(u':')) {
        const StoreState state = work(*m_store);
        QMetaObject::invokeMethod(this, [this, state, check, generation] { onJobDone(state, check, generation); },
                                  Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(m_worker, [this, location, work, check, generation] {
        StoreState state;
        if (!m_workerStore) {
            m_workerStore = std::make_unique<Store>();
            QString error;
            if (!m_workerStore->open(location, &error)) {
                m_workerStore.reset();
                state.error = error;
            }
        }
        if (m_workerStore)
            state = work(*m_workerStore);
        QMetaObject::invokeMethod(this, [this, state, check, generation] { onJobDone(state, check, generation); },
                                  Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void TeamController::onJobDone(const StoreState &state, bool check, quint64 generation)
{
    m_jobRunning = false;
    if (generation != m_generation) {
        // Someone changed the team while the worker read it: read again rather than show (or
        // act on) the team as it was. The snapshots are written already.
        m_jobQueued = true;
        m_queuedCheck = m_queuedCheck || check;
    } else {
        if (!state.members.isEmpty() || state.error.isEmpty())
            applyState(state);
        else
            Q_EMIT problem(u"Cannot read the team from the database: %1"_s.arg(state.error));
        if (check)
            act(state);
    }
    if (m_jobQueued) {
        m_jobQueued = false;
        const bool write = m_queuedWrite, again = m_queuedCheck;
        m_queuedWrite = m_queuedCheck = false;
        startJob(write, again);
    }
}

void TeamController::act(const StoreState &state)
{
    DailyCheckInput in;
    in.today = today();
    in.tiers = state.tiers;
    in.members = state.members;
    for (auto [name, spend] : state.today.asKeyValueRange())
        in.spentToday.insert(name, spend.cost);
    in.keys = m_keys->model()->keys();
    in.enforced = state.enforced;
    in.autoEnforce = state.autoEnforce;
    m_lastCheck = dailyCheck(in);
    applyDailyCheck(
        m_client, m_store, m_lastCheck, this, [this](const AuditEntry &e) { audit(e.action, e.target, e.before, e.after); },
        [this](const EnforcementOutcome &outcome) {
            QStringList actions;
            for (const EnforcementOutcome::Change &c : outcome.changes) {
                if (c.updated)
                    m_keys->model()->updateKey(*c.updated);
                if (c.disabled)
                    actions << u"Disabled %1 (%2 is over the daily budget)."_s.arg(c.keyName(), c.key.member);
                else if (c.updated)
                    actions << u"Re-enabled %1 (a new UTC day)."_s.arg(c.keyName());
            }
            for (const EnforcementOutcome::Failure &f : outcome.failures)
                Q_EMIT problem(f.disabling ? u"Could not disable a key of %1 (over budget): %2"_s.arg(f.key.member, f.error.message())
                                           : u"Could not re-enable a key of %1: %2"_s.arg(f.key.member, f.error.message()));
            if (!outcome.changes.isEmpty() || !outcome.failures.isEmpty())
                startJob(false, false); // show what changed; no second check
            Q_EMIT checkFinished(m_lastCheck.overBudget, actions);
        });
}

} // namespace orteam
