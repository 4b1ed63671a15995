#pragma once

#include "Team.h"

#include <QAbstractTableModel>
#include <QList>

#include <optional>

namespace orteam {

// The team as a table: one row per member with tier, daily limit, spend today and this week
// (from every source the team database knows), linked keys and status. Shows rows it is given;
// reads and writes nothing itself.
class MemberTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, EmailColumn, TierColumn, LimitColumn, TodayColumn, WeekColumn, KeysColumn, StatusColumn, OpenRouterColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { SortRole = Qt::UserRole + 1, NameRole };

    struct Row
    {
        Member member;
        std::optional<Budget> budget; // their own, else their tier's
        double today = 0;
        double week = 0;              // the last 7 days
        double inPeriod = 0;          // the budget's current period: today, this week, this month
        bool overBudget = false;
    };

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRows(const QList<Row> &rows);
    const QList<Row> &rows() const { return m_rows; }
    int rowOf(const QString &name) const;

private:
    QList<Row> m_rows;
};

} // namespace orteam
