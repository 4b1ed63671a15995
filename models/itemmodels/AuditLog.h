#pragma once

#include "Store.h"

#include <QAbstractTableModel>

namespace orteam {

// The audit log as a table: newest first. Reads the store; never writes it.
class AuditLogModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, UserColumn, ActionColumn, TargetColumn, BeforeColumn, AfterColumn, ColumnCount };
    Q_ENUM(Column)

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setEntries(const QList<AuditEntry> &entries);
    const QList<AuditEntry> &entries() const { return m_entries; }

private:
    QList<AuditEntry> m_entries;
};

// Records admin actions in the store and keeps the model current; exports CSV.
class AuditLogController final : public QObject
{
    Q_OBJECT

public:
    explicit AuditLogController(Store *store, QObject *parent = nullptr);
    AuditLogModel *model() { return &m_model; }

    void record(const AuditEntry &entry);
    void reload();
    // Writes the whole log as CSV (header: time,user,action,target,before,after).
    bool exportCsv(const QString &path, QString *error) const;
    static QString toCsv(const QList<AuditEntry> &entries);

Q_SIGNALS:
    void recordFailed(const QString &message);

private:
    Store *m_store;
    AuditLogModel m_model;
};

} // namespace orteam
