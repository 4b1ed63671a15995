#pragma once

#include "ApiKey.h"

#include <QSortFilterProxyModel>
#include <QStringMatcher>

#include <optional>

namespace orteam {

// Thin proxy over a KeyTableModel: sorts on its SortRole and filters on a search text and a status.
class KeyFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit KeyFilterProxyModel(QObject *parent = nullptr);

    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }
    // nullopt shows every status.
    void setStatusFilter(std::optional<KeyStatus> status);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
    QString m_searchLower;
    QStringMatcher m_matcher; // prepared once per keystroke, used for every row
    bool m_couldBeHash = false;
    std::optional<KeyStatus> m_status;
};

} // namespace orteam
