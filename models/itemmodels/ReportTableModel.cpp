#include "ReportTableModel.h"

#include "Money.h"

#include <QBrush>
#include <QColor>

namespace orteam {

ReportTableModel::ReportTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void ReportTableModel::setReport(const TeamReport &report)
{
    beginResetModel();
    m_report = report;
    endResetModel();
}

int ReportTableModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_report.rows.size()); }

int ReportTableModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString ReportTableModel::changeText(const std::optional<double> &change)
{
    if (!change)
        return tr("new");
    return formatChange(*change);
}

QVariant ReportTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_report.rows.size())
        return {};
    const TeamReportRow &r = m_report.rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case MemberColumn: return r.member;
        case CostColumn: return formatUsd(r.cost);
        case RequestsColumn: return r.requests;
        case LimitColumn: return r.budget ? budgetText(*r.budget) : tr("none");
        case PreviousColumn: return formatUsd(r.previousCost);
        // No change is claimed where the history does not cover the window before (see
        // TeamReport::historyFrom): the summary says from when it does.
        case ChangeColumn:
            return (r.cost == 0 && r.previousCost == 0) || m_report.historyFrom.isValid() ? QStringLiteral("–") : changeText(r.change);
        case ForecastColumn: return formatUsd(r.forecast);
        }
    } else if (role == Qt::UserRole) {
        switch (index.column()) {
        case MemberColumn: return r.member;
        case CostColumn: return r.cost;
        case RequestsColumn: return r.requests;
        case LimitColumn: return r.budget ? dailyShare(*r.budget) : -1.0; // sorted by what a day may cost
        case PreviousColumn: return r.previousCost;
        case ChangeColumn: // "new" sorts as the biggest rise; no comparison at all, as none
            return m_report.historyFrom.isValid() ? 0.0 : r.change ? *r.change : 1e12;
        case ForecastColumn: return r.forecast;
        }
    } else if (role == Qt::TextAlignmentRole) {
        return index.column() == MemberColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ForegroundRole && index.column() == ChangeColumn && r.change) {
        // Spending more is what a lead looks for: rises in red, falls in green.
        if (*r.change >= 0.5)
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (*r.change <= -0.25)
            return QBrush(QColor(0x2e, 0x7d, 0x32));
    }
    return {};
}

QVariant ReportTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // Money reads largest first: the first click on its header sorts it descending (QHeaderView
    // asks this role for a section not yet sorted).
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole)
        return (section != MemberColumn) ? QVariant(int(Qt::DescendingOrder)) : QVariant();
    const bool weekly = m_report.period == ReportPeriod::Weekly;
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        switch (section) {
        case RequestsColumn: return tr("Requests where they are known: OpenRouter's activity per key and gateway usage");
        case PreviousColumn:
            if (m_report.calendar)
                return tr("%1: the month before, to the same day for a month to date").arg(reportBeforeText(m_report));
            return weekly ? tr("The 7 days before this window") : tr("The 30 days before this window");
        case ForecastColumn:
            if (m_report.calendar)
                return tr("The next calendar month, on a straight-line trend through this month and the one before");
            return weekly ? tr("The next 7 days, on a straight-line trend through the last 14")
                          : tr("The next 30 days, on a straight-line trend through the last 60");
        }
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case MemberColumn: return tr("Member");
    case CostColumn: return weekly ? tr("Weekly cost") : tr("Monthly cost");
    case RequestsColumn: return tr("Requests");
    case LimitColumn: return tr("Budget");
    case PreviousColumn: return tr("Before");
    case ChangeColumn: return tr("Change");
    case ForecastColumn: return tr("Forecast");
    }
    return {};
}

} // namespace orteam
