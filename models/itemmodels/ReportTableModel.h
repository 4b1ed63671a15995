#pragma once

#include "Report.h"

#include <QAbstractTableModel>

namespace orteam {

// The team report as a table: member, cost, requests, daily limit, the window before, the
// change and the forecast. Qt::UserRole holds each cell's number (sorting by money, not text).
class ReportTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { MemberColumn, CostColumn, RequestsColumn, LimitColumn, PreviousColumn, ChangeColumn, ForecastColumn, ColumnCount };

    explicit ReportTableModel(QObject *parent = nullptr);
    void setReport(const TeamReport &report);
    const TeamReport &report() const { return m_report; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "+25%", "-100%", or "new" when nothing was spent before (no ratio to give).
    static QString changeText(const std::optional<double> &change);

private:
    TeamReport m_report;
};

} // namespace orteam
