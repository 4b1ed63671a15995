#include "KeyFilterProxyModel.h"

#include "KeyTableModel.h"

namespace orteam {

KeyFilterProxyModel::KeyFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(KeyTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void KeyFilterProxyModel::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    invalidateFilter();
}

void KeyFilterProxyModel::setStatusFilter(std::optional<KeyStatus> status)
{
    if (status == m_status)
        return;
    m_status = status;
    invalidateFilter();
}

bool KeyFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_status && idx.data(KeyTableModel::StatusRole).toInt() != int(*m_status))
        return false;
    if (m_search.isEmpty())
        return true;
    return idx.data(KeyTableModel::SearchTextRole).toString().contains(m_search, Qt::CaseInsensitive);
}

} // namespace orteam
