#pragma once

#include <QSortFilterProxyModel>

namespace orteam {

// A sort/filter proxy whose search ignores case and accents (foldForSearch) in every column's
// display text. For tables of hundreds or a few thousand rows (members); the keys table, which
// must filter 100,000 rows per keystroke, has its own KeyFilterProxyModel.
class SearchFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit SearchFilterProxyModel(QObject *parent = nullptr);

    void setSearchText(const QString &text);
    QString searchText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QString m_folded;
};

} // namespace orteam
