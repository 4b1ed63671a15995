#include "MemberTableModel.h"

#include "Money.h"

#include <QColor>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

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
            return r.budget ? budgetText(*r.budget) + (m.budgetOverride ? u" (own)"_s : QString()) : u"no limit"_s;
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
        case OpenRouterColumn:
            return m.isLinked() ? u"Linked"_s : u"—"_s;
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case LimitColumn:
            return r.budget ? dailyShare(*r.budget) : 1e300; // a week's $35 sorts beside a day's $5
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
        if (r.overBudget && (index.column() == StatusColumn || index.column() == LimitColumn
                             || (index.column() == TodayColumn && r.budget && r.budget->period == LimitReset::Daily)))
            return QColor(0xc6, 0x28, 0x28);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == LimitColumn || index.column() == TodayColumn
                                          || index.column() == WeekColumn || index.column() == KeysColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == OpenRouterColumn)
        return m.isLinked() ? u"The OpenRouter user %1: once tiers are applied, their guardrail binds them across every key of theirs"_s.arg(m.userId)
                            : u"Not linked to an OpenRouter user: bound per key only (Match with OpenRouter… links by email)"_s;
    if (role == Qt::ToolTipRole && (index.column() == TodayColumn || index.column() == LimitColumn) && r.budget)
        return u"%1 of %2 %3 (UTC)"_s.arg(formatUsd(r.inPeriod), formatUsd(r.budget->usd), budgetPeriodCurrent(r.budget->period));
    return {};
}

QVariant MemberTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // Money reads largest first: the first click on its header sorts it descending (QHeaderView
    // asks this role for a section not yet sorted).
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole)
        return (section == LimitColumn || section == TodayColumn || section == WeekColumn) ? QVariant(int(Qt::DescendingOrder)) : QVariant();
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == KeysColumn)
        return u"Keys linked to them, revoked ones too: what was spent through a key stays theirs"_s;
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList names{u"Name"_s,  u"Email"_s,     u"Tier"_s, u"Budget"_s,
                                   u"Today"_s, u"Last 7 days"_s, u"Keys"_s, u"Status"_s, u"OpenRouter"_s};
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

} // namespace orteam
