#pragma once

#include "WorkspaceService.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QObject>

#include <functional>
#include <memory>

namespace orteam {

class OpenRouterClient;

// The workspaces as the Workspaces page shows them: one row each, with its budgets, members and
// this month's spend (WorkspaceService::Row).
class WorkspaceTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, SlugColumn, BudgetsColumn, MembersColumn, TodayColumn, MonthColumn, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setRows(const QList<WorkspaceService::Row> &rows);
    const QList<WorkspaceService::Row> &rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<WorkspaceService::Row> m_rows;
};

// The chargeback: spend per workspace over a range of days, from the team database.
class ChargebackTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { WorkspaceColumn, CostColumn, ShareColumn, KeysColumn, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setRows(const QList<WorkspaceSpend> &rows);
    const QList<WorkspaceSpend> &rows() const { return m_rows; }
    double total() const { return m_total; }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<WorkspaceSpend> m_rows;
    double m_total = 0;
};

// The Workspaces page's adapter over WorkspaceService: the same rules as orteam-cli workspaces.
// A failed list keeps the table as it was and says why (never an empty table for a failed read).
class WorkspaceController final : public QObject
{
    Q_OBJECT

public:
    WorkspaceController(Store *store, OpenRouterClient *client, QObject *parent = nullptr);

    WorkspaceTableModel *model() { return &m_model; }
    ChargebackTableModel *chargebackModel() { return &m_chargeback; }
    void setClock(std::function<QDate()> today) { m_today = std::move(today); }
    QDate today() const { return m_today(); }
    bool isBusy() const { return m_busy; }
    QString listError() const { return m_listError; }
    QString listWarning() const { return m_listWarning; }

    // Reads the workspaces again (network); `listed` or `listFailed` when answered.
    void refresh();
    // The chargeback of UTC days from..to (the team database only); false with `error` when the
    // read failed (the table keeps what it showed).
    bool loadChargeback(const QDate &from, const QDate &to, QString *error);
    QDate chargebackFrom() const { return m_from; }
    QDate chargebackTo() const { return m_to; }

    void create(const QString &name, const QString &slug, const QString &description,
                std::function<void(const Workspace &, const FlowError &)> done);
    void rename(const QString &id, const QString &name, std::function<void(const Workspace &, const FlowError &)> done);
    void previewBudgets(const QString &id, const WorkspaceBudgetWish &wish, int whatIfDays,
                        std::function<void(const WorkspaceService::BudgetPreview &)> done);
    void applyBudgets(const WorkspaceService::BudgetPreview &preview, std::function<void(int, const FlowError &)> done);
    void previewMembers(const QString &id, const QStringList &add, const QStringList &remove,
                        std::function<void(const WorkspaceService::MemberPreview &)> done);
    void applyMembers(const WorkspaceService::MemberPreview &preview, std::function<void(int, const FlowError &)> done);
    // The team's members, for picking who belongs (name, and whether linked to an OpenRouter user).
    Result<QList<Member>> teamMembers() const;

Q_SIGNALS:
    void listed();
    void listFailed(const QString &message);
    void busyChanged(bool busy);

private:
    Store *m_store;
    OpenRouterClient *m_client;
    std::shared_ptr<WorkspaceService> m_service;
    WorkspaceTableModel m_model;
    ChargebackTableModel m_chargeback;
    std::function<QDate()> m_today;
    QDate m_from;
    QDate m_to;
    bool m_busy = false;
    QString m_listError;
    QString m_listWarning;
};

} // namespace orteam
