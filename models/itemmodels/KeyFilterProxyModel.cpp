#include "KeyFilterProxyModel.h"

#include "KeyTableModel.h"
#include "SearchText.h"

#include <algorithm>

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
    m_searchLower = foldForSearch(trimmed);
    m_matcher.setPattern(m_searchLower);
    m_couldBeHash = std::all_of(m_searchLower.cbegin(), m_searchLower.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
    // A full invalidate (one layout change) is cheaper than invalidateFilter's removal of rows in
    // hundreds of separate ranges when a keystroke hides most of a large table.
    invalidate();
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
    // Called once per row on every keystroke (100,000 rows must filter in well under 50 ms), so it
    // reads the key directly instead of building QVariants through data().
    Q_UNUSED(sourceParent)
    const auto *model = qobject_cast<const KeyTableModel *>(sourceModel());
    Q_ASSERT_X(model, "KeyFilterProxyModel", "the source must be a KeyTableModel");
    if (!model)
        return true;
    const ApiKey *key = model->keyAt(sourceRow);
    if (!key)
        return false;
    if (m_status && key->status(model->referenceTime()) != *m_status)
        return false;
    return model->rowMatches(sourceRow, m_matcher, m_couldBeHash);
}

} // namespace orteam
