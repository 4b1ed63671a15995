#include "WorkspaceController.h"

#include "Money.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

void WorkspaceTableModel::setRows(const QList<WorkspaceService::Row> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

QVariant WorkspaceTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const WorkspaceService::Row &r = m_rows.at(index.row());
    if (role == Qt::UserRole)
        return r.workspace.id;
    if (role == Qt::TextAlignmentRole && (index.column() == TodayColumn || index.column() == MonthColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == MembersColumn && !r.memberNames.isEmpty())
        return tr("On the team: %1").arg(r.memberNames.join(u", "_s));
    if (role == Qt::ToolTipRole && index.column() == NameColumn && !r.workspace.description.isEmpty())
        return r.workspace.description;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NameColumn: return r.workspace.name;
    case SlugColumn: return r.workspace.slug;
    case BudgetsColumn: return workspaceBudgetsText(r.budgets);
    case MembersColumn:
        return r.memberNames.isEmpty() ? QString::number(r.userIds.size())
                                       : tr("%1 (%2 on the team)").arg(r.userIds.size()).arg(r.memberNames.size());
    case TodayColumn: return formatUsd(r.spentToday);
    case MonthColumn: return formatUsd(r.spentThisMonth);
    }
    return {};
}

QVariant WorkspaceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Workspace");
    case SlugColumn: return tr("Slug");
    case BudgetsColumn: return tr("Budgets");
    case MembersColumn: return tr("Members");
    case TodayColumn: return tr("Today");
    case MonthColumn: return tr("This month");
    }
    return {};
}

void ChargebackTableModel::setRows(const QList<WorkspaceSpend> &rows)
{
    beginResetModel();
    m_rows = rows;
    m_total = 0;
    for (const WorkspaceSpend &r : rows)
        m_total += r.cost;
    endResetModel();
}

QVariant ChargebackTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const WorkspaceSpend &r = m_rows.at(index.row());
    if (role == Qt::TextAlignmentRole && index.column() != WorkspaceColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return r.cost;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case WorkspaceColumn: return workspaceLabel(r);
    case CostColumn: return formatUsd(r.cost);
    case ShareColumn: return QString(QString::number(m_total > 0 ? 100.0 * r.cost / m_total : 0.0, 'f', 1) + u'%');
    case KeysColumn: return r.keys;
    }
    return {};
}

QVariant ChargebackTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case WorkspaceColumn: return tr("Workspace");
    case CostColumn: return tr("Cost");
    case ShareColumn: return tr("Share");
    case KeysColumn: return tr("Keys that spent");
    }
    return {};
}

WorkspaceController::WorkspaceController(Store *store, OpenRouterClient *client, QObject *parent)
    : QObject(parent), m_store(store), m_client(client), m_service(std::make_shared<WorkspaceService>(*store, *client)),
      m_today([] { return QDateTime::currentDateTimeUtc().date(); })
{
    m_model.setObjectName(u"workspaceTableModel"_s);
    m_chargeback.setObjectName(u"chargebackTableModel"_s);
}

void WorkspaceController::refresh()
{
    if (m_busy)
        return;
    m_busy = true;
    Q_EMIT busyChanged(true);
    auto service = m_service;
    service->list(today(), this, [this, service](const WorkspaceService::Listing &listing) {
        m_busy = false;
        Q_EMIT busyChanged(false);
        if (listing.error) {
            m_listError = listing.error.message();
            Q_EMIT listFailed(m_listError);
            return;
        }
        m_listError.clear();
        m_listWarning = listing.warning;
        m_model.setRows(listing.rows);
        Q_EMIT listed();
    });
}

bool WorkspaceController::loadChargeback(const QDate &from, const QDate &to, QString *error)
{
    const Result<QList<WorkspaceSpend>> rows = m_service->chargeback(from, to);
    if (!rows) {
        *error = rows.error().message;
        return false;
    }
    m_from = from;
    m_to = to;
    m_chargeback.setRows(*rows);
    return true;
}

void WorkspaceController::create(const QString &name, const QString &slug, const QString &description,
                                 std::function<void(const Workspace &, const FlowError &)> done)
{
    auto service = m_service;
    service->create(name, slug, description, this, [service, done](const Workspace &w, const FlowError &e) { done(w, e); });
}

void WorkspaceController::rename(const QString &id, const QString &name, std::function<void(const Workspace &, const FlowError &)> done)
{
    auto service = m_service;
    service->rename(id, name, this, [service, done](const Workspace &w, const FlowError &e) { done(w, e); });
}

void WorkspaceController::previewBudgets(const QString &id, const WorkspaceBudgetWish &wish, int whatIfDays,
                                         std::function<void(const WorkspaceService::BudgetPreview &)> done)
{
    auto service = m_service;
    service->previewBudgets(id, wish, today(), whatIfDays, this,
                            [service, done](const WorkspaceService::BudgetPreview &p) { done(p); });
}

void WorkspaceController::applyBudgets(const WorkspaceService::BudgetPreview &preview, std::function<void(int, const FlowError &)> done)
{
    auto service = m_service;
    service->applyBudgets(preview, this, [service, done](int n, const FlowError &e) { done(n, e); });
}

void WorkspaceController::previewMembers(const QString &id, const QStringList &add, const QStringList &remove,
                                         std::function<void(const WorkspaceService::MemberPreview &)> done)
{
    auto service = m_service;
    service->previewMembers(id, add, remove, this, [service, done](const WorkspaceService::MemberPreview &p) { done(p); });
}

void WorkspaceController::applyMembers(const WorkspaceService::MemberPreview &preview, std::function<void(int, const FlowError &)> done)
{
    auto service = m_service;
    service->applyMembers(preview, this, [service, done](int n, const FlowError &e) { done(n, e); });
}

Result<QList<Member>> WorkspaceController::teamMembers() const
{
    return m_store->team().members();
}

} // namespace orteam
