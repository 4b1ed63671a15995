#pragma once

#include "ApiKey.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace orteam {

// Thin proxy: sorts on the model's SortRole and filters on a search text and a status.
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
    std::optional<KeyStatus> m_status;
};

} // namespace orteam
