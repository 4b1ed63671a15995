#include "HygieneController.h"

#include "JobQueue.h"
#include "KeyListController.h"
#include "Money.h"
#include "OpenRouterClient.h"
#include "Store.h"
#include "TeamController.h"
#include "TeamService.h"

#include <QPointer>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

// ---- HygieneTableModel ----------------------------------------------------------------------------

HygieneTableModel::HygieneTableModel(QObject *parent) : QAbstractTableModel(parent) {}

int HygieneTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HygieneTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HygieneTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // Money reads largest first: the first click on its header sorts it descending (QHeaderView
    // asks this role for a section not yet sorted).
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole)
        return (section == SpendColumn) ? QVariant(int(Qt::DescendingOrder)) : QVariant();
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case MemberColumn: return tr("Member");
    case TierColumn: return tr("Tier");
    case LastUsedColumn: return tr("Last used");
    case AgeColumn: return tr("Age");
    case SpendColumn: return tr("Spend");
    case FindingColumn: return m_filter.kind == Filter::Kind::Rotating ? tr("Schedule") : tr("Finding");
    default: return {};
    }
}

const KeyHygiene *HygieneTableModel::keyAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_keys.at(m_rows.at(row)) : nullptr;
}

QString HygieneTableModel::findingText(const KeyHygiene &k) const
{
    if (m_filter.kind == Filter::Kind::Rotating)
        return k.rotation ? KeyListController::scheduleText(*k.rotation) : QString();
    QStringList parts;
    for (const Finding &f : k.findings) {
        if (m_filter.kind == Filter::Kind::Rule && f.rule != m_filter.rule)
            continue;
        parts << (m_filter.kind == Filter::Kind::All ? hygieneRuleTitle(f.rule) + u": "_s + f.detail : f.detail);
    }
    return parts.join(u"; "_s);
}

QVariant HygieneTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyHygiene &k = m_keys.at(m_rows.at(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return k.key.name;
        case MemberColumn: return k.member.isEmpty() ? tr("—") : k.member;
        case TierColumn: return k.tier.isEmpty() ? tr("—") : k.tier;
        case LastUsedColumn: return k.lastUse.text(); // "unknown" when the history cannot tell, never a guess
        case AgeColumn: return tr("%1 d").arg(k.ageDays);
        case SpendColumn: return formatUsd(k.key.usage);
        case FindingColumn: return findingText(k);
        default: return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == NameColumn)
            return k.rotation ? tr("Hash: %1\n%2").arg(k.key.hash, KeyListController::scheduleText(*k.rotation))
                              : tr("Hash: %1").arg(k.key.hash);
        if (index.column() == FindingColumn)
            return findingText(k);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == AgeColumn || index.column() == SpendColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (index.column()) {
        case LastUsedColumn: {
            // Never and unknown sort before every day: they are the least recently used we know of.
            const QDate d = k.lastUse.latestPossible();
            return d.isValid() ? d.toJulianDay() : (k.lastUse.kind == LastUse::Kind::Never ? std::numeric_limits<qint64>::min()
                                                                                            : std::numeric_limits<qint64>::min() + 1);
        }
        case AgeColumn: return k.ageDays;
        case SpendColumn: return k.key.usage;
        default: return data(index, Qt::DisplayRole).toString().toLower();
        }
    case HashRole:
        return k.key.hash;
    case SeverityRole: {
        int worst = -1;
        for (const Finding &f : k.findings) {
            if (m_filter.kind != Filter::Kind::Rule || f.rule == m_filter.rule)
                worst = std::max(worst, int(f.severity()));
        }
        return worst;
    }
    default:
        return {};
    }
}

void HygieneTableModel::setKeys(const QList<KeyHygiene> &keys)
{
    beginResetModel();
    m_keys = keys;
    rebuild();
    endResetModel();
}

void HygieneTableModel::setFilter(const Filter &filter)
{
    beginResetModel();
    m_filter = filter;
    rebuild();
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, FindingColumn, FindingColumn);
}

void HygieneTableModel::clear()
{
    setKeys({});
}

void HygieneTableModel::rebuild()
{
    m_rows.clear();
    for (int i = 0; i < m_keys.size(); ++i) {
        const KeyHygiene &k = m_keys.at(i);
        bool shown = false;
        switch (m_filter.kind) {
        case Filter::Kind::All:
            shown = !k.findings.isEmpty();
            break;
        case Filter::Kind::Rule:
            shown = std::any_of(k.findings.cbegin(), k.findings.cend(), [this](const Finding &f) { return f.rule == m_filter.rule; });
            break;
        case Filter::Kind::Rotating:
            shown = k.rotation.has_value();
            break;
        }
        if (shown)
            m_rows << i;
    }
}

// ---- HygieneController ------------------------------------------------------------------------

HygieneController::HygieneController(KeyListController *keys, OpenRouterClient *client, Store *store, TeamController *team,
                                     JobQueue *jobs, QObject *parent)
    : QObject(parent), m_keys(keys), m_client(client), m_store(store), m_team(team), m_jobs(jobs)
{
    connect(m_keys, &KeyListController::refreshFinished, this, &HygieneController::onKeysRefreshed);
    // A change made from another page (a rotation on the Keys page) shows here at once; a bulk
    // change of many keys is assessed once, after its last confirmation.
    m_assessSoon.setSingleShot(true);
    m_assessSoon.setInterval(0);
    connect(&m_assessSoon, &QTimer::timeout, this, &HygieneController::assess);
    connect(m_keys, &KeyListController::keyChanged, &m_assessSoon, qOverload<>(&QTimer::start));
}

QString HygieneController::BulkOutcome::failureText(const QString &verb, int total) const
{
    if (failed.isEmpty())
        return {};
    QStringList parts;
    for (const auto &[name, why] : failed)
        parts << tr("\"%1\": %2").arg(name, why);
    return tr("Could not %1 %2 of %3: %4").arg(verb).arg(failed.size()).arg(total).arg(parts.join(u"; "_s));
}

int HygieneController::keysWithFindings() const
{
    return int(std::count_if(m_assessment.keys.cbegin(), m_assessment.keys.cend(),
                             [](const KeyHygiene &k) { return !k.findings.isEmpty(); }));
}

int HygieneController::rotatingCount() const
{
    return int(std::count_if(m_assessment.keys.cbegin(), m_assessment.keys.cend(),
                             [](const KeyHygiene &k) { return k.rotation.has_value(); }));
}

std::optional<KeyHygiene> HygieneController::keyHygiene(const QString &hash) const
{
    for (const KeyHygiene &k : m_assessment.keys) {
        if (k.key.hash == hash)
            return k;
    }
    return std::nullopt;
}

void HygieneController::onKeysRefreshed(const ApiError &error)
{
    // Only a good refresh has the whole key list: findings, and above all the schedule's steps,
    // must never be decided from part of it.
    if (error.isError())
        return;
    const quint64 generation = ++m_generation;
    const QList<ApiKey> keys = m_keys->model()->keys();
    const QDateTime now = m_clock();
    if (m_jobs && m_store) {
        // On the worker, after the team controller's snapshot job (queued first), so the last use
        // counts the counters just fetched.
        m_jobs->run<Result<HygieneService::Assessment>>(
            this, [keys, now](Store &store) { return HygieneService(&store).assess(keys, now); },
            [this, generation](const Result<HygieneService::Assessment> &r) { applyAssessment(r, generation, true); });
        return;
    }
    applyAssessment(HygieneService(m_store).assess(keys, now), generation, true);
}

void HygieneController::assess()
{
    // After a change made here (a revoke, a link): the list is still whole, so no refresh is needed.
    if (!m_keys->lastRefresh().isValid() || m_keys->lastError().isError())
        return;
    const quint64 generation = ++m_generation;
    applyAssessment(HygieneService(m_store).assess(m_keys->model()->keys(), m_clock()), generation, false);
}

void HygieneController::applyAssessment(const Result<HygieneService::Assessment> &result, quint64 generation, bool thenRun)
{
    if (generation != m_generation)
        return; // a later assessment is under way or done
    if (!result) {
        // An error state, not an empty list: no finding may look like "all is well".
        m_state = State::Failed;
        m_error = tr("Cannot assess the keys: %1").arg(result.errorText());
        m_assessment = {};
        m_counts.clear();
        m_model.clear();
        Q_EMIT assessed();
        return;
    }
    m_state = State::Ready;
    m_error.clear();
    m_assessment = *result;
    m_counts = m_assessment.counts();
    m_model.setKeys(m_assessment.keys);
    QHash<QString, QString> schedules;
    for (const KeyHygiene &k : m_assessment.keys) {
        if (k.rotation)
            schedules.insert(k.key.hash, KeyListController::scheduleText(*k.rotation));
    }
    m_keys->model()->setSchedules(schedules);
    Q_EMIT assessed();
    if (thenRun)
        runSchedule();
}

void HygieneController::runSchedule()
{
    // The schedule is the team database's, and the read-only view writes nothing.
    if (!m_store || m_readOnly || m_running)
        return;
    m_running = true;
    auto service = std::make_shared<LifecycleService>(m_store, *m_client);
    service->run(m_keys->model()->keys(), m_clock(), false, this, [this, service](const LifecycleService::RunOutcome &o) {
        m_running = false;
        if (o.error) {
            Q_EMIT problem(tr("The rotation schedule was not carried out: %1").arg(o.error.message()));
            return;
        }
        QStringList failures;
        for (const auto &[step, why] : o.failed)
            failures << tr("\"%1\" (%2): %3").arg(step.rotation.oldName, lifecycleActionToString(step.action), why);
        if (!failures.isEmpty())
            Q_EMIT problem(tr("The rotation schedule could not do every step; the next refresh tries again. %1").arg(failures.join(u"; "_s)));
        if (!o.warnings.isEmpty())
            Q_EMIT problem(o.warnings.join(u' '));
        if (o.done.isEmpty())
            return;
        QStringList did;
        bool keysChanged = false;
        for (const LifecycleStep &s : o.done) {
            did << tr("%1 \"%2\"").arg(lifecycleActionToString(s.action), s.rotation.oldName);
            keysChanged = keysChanged || s.action == LifecycleStep::Action::Disable || s.action == LifecycleStep::Action::Revoke;
        }
        Q_EMIT status(tr("Rotation schedule: %1.").arg(did.join(u", "_s)));
        Q_EMIT changed();
        // A key OpenRouter changed is read again (the next run then sees it done, so this ends);
        // a step that only moved the schedule on needs no refresh.
        if (keysChanged)
            m_keys->refresh();
        else
            assess();
    });
}

// ---- Bulk actions -----------------------------------------------------------------------------

void HygieneController::eachKey(const QList<ApiKey> &keys, Step step, QObject *context, BulkDone done,
                                std::shared_ptr<BulkOutcome> outcome)
{
    // One key after another: a bulk change of a whole team should not hit the rate limit, and the
    // outcome says exactly which keys were changed.
    if (!outcome)
        outcome = std::make_shared<BulkOutcome>();
    if (keys.isEmpty()) {
        assess();
        if (context)
            done(*outcome);
        return;
    }
    const ApiKey key = keys.first();
    const QList<ApiKey> rest = keys.mid(1);
    QPointer<QObject> ctx(context);
    step(key, [this, key, rest, step, ctx, done, outcome](const QString &error) {
        if (error.isEmpty())
            outcome->done << key.name;
        else
            outcome->failed << std::pair{key.name, error};
        eachKey(rest, step, ctx, done, outcome);
    });
}

void HygieneController::revoke(const QList<ApiKey> &keys, QObject *context, BulkDone done)
{
    QStringList hashes;
    for (const ApiKey &k : keys)
        hashes << k.hash;
    QPointer<QObject> ctx(context);
    m_keys->revokeKeys(hashes, this, [this, ctx, done](const KeyListController::RevokeOutcome &o) {
        BulkOutcome out;
        for (const ApiKey &k : o.revoked)
            out.done << k.name;
        for (const auto &[k, e] : o.failed)
            out.failed << std::pair{k.name, e.message()};
        assess();
        if (ctx)
            done(out);
    });
}

void HygieneController::disable(const QList<ApiKey> &keys, QObject *context, BulkDone done)
{
    eachKey(keys, [this](const ApiKey &key, std::function<void(const QString &)> next) {
        KeyUpdate update;
        update.disabled = true;
        m_keys->updateKey(key.hash, update, this, [next](const ApiResult<ApiKey> &r) { next(r.ok() ? QString() : r.error.message()); });
    }, context, std::move(done));
}

void HygieneController::setLimit(const QList<ApiKey> &keys, std::optional<double> limit, QObject *context, BulkDone done)
{
    eachKey(keys, [this, limit](const ApiKey &key, std::function<void(const QString &)> next) {
        KeyUpdate update;
        update.limit = limit;
        m_keys->updateKey(key.hash, update, this, [next](const ApiResult<ApiKey> &r) { next(r.ok() ? QString() : r.error.message()); });
    }, context, std::move(done));
}

void HygieneController::rotate(const QList<ApiKey> &keys, const LifecycleService::RotateOptions &options, QObject *context,
                               BulkDone done)
{
    auto outcome = std::make_shared<BulkOutcome>();
    eachKey(keys, [this, options, outcome](const ApiKey &key, std::function<void(const QString &)> next) {
        m_keys->rotateKey(key.hash, options, this, [outcome, next](const LifecycleService::RotateOutcome &o) {
            if (o.created)
                outcome->created << *o.created;
            outcome->warnings << o.warnings;
            next(o.error ? o.error.message() : QString());
        });
    }, context, std::move(done), outcome);
}

HygieneController::BulkOutcome HygieneController::link(const QList<ApiKey> &keys, const QString &member)
{
    BulkOutcome out;
    for (const ApiKey &k : keys) {
        const Status s = m_store ? TeamService(*m_store).linkKey(member, k.hash, k.name)
                                 : Status(StoreError::invalid(tr("no team database is open")));
        if (s)
            out.done << k.name;
        else
            out.failed << std::pair{k.name, s.errorText()};
    }
    if (!out.done.isEmpty()) {
        if (m_team)
            m_team->reload(); // the key table's member column and the Team page follow
        Q_EMIT changed();
    }
    assess();
    return out;
}

HygieneController::BulkOutcome HygieneController::keepOldKeys(const QList<ApiKey> &keys)
{
    BulkOutcome out;
    LifecycleService service(m_store, *m_client);
    for (const ApiKey &k : keys) {
        if (const Status s = service.cancel(k.hash, k.name); s)
            out.done << k.name;
        else
            out.failed << std::pair{k.name, s.errorText()};
    }
    if (!out.done.isEmpty())
        Q_EMIT changed();
    assess();
    return out;
}

Result<QStringList> HygieneController::activeMembers() const
{
    if (!m_store)
        return StoreError::invalid(tr("no team database is open"));
    const Result<QList<Member>> members = m_store->team().members();
    if (!members)
        return members.error();
    QStringList names;
    for (const Member &m : *members) {
        if (m.active)
            names << m.name;
    }
    return names;
}

Result<HygieneSettings> HygieneController::settings() const
{
    if (!m_store)
        return HygieneSettings{}; // the defaults: what the counters-only assessment judges by
    return m_store->lifecycle().hygieneSettings();
}

Status HygieneController::saveSettings(const HygieneSettings &settings)
{
    if (!m_store || m_readOnly)
        return StoreError::invalid(tr("the thresholds are team settings, and no team database can be written"));
    const Status s = HygieneService::saveSettings(*m_store, settings);
    if (s)
        assess();
    return s;
}

} // namespace orteam
