#pragma once

#include "Store.h"

#include <QAbstractTableModel>

namespace orteam {

class JobQueue;

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

// Shows the audit log (the services write it) and exports it as CSV. The log is read on the
// dashboard's JobQueue when there is one; a read that fails keeps the rows shown and says why,
// never an empty table that would read as "nothing happened".
class AuditLogController final : public QObject
{
    Q_OBJECT

public:
    // `jobs` null: the log is read at once, here (tests).
    explicit AuditLogController(Store *store, JobQueue *jobs = nullptr, QObject *parent = nullptr);
    AuditLogModel *model() { return &m_model; }
    QString lastError() const { return m_lastError; }

    // Writes the whole log as CSV (header: time,user,action,target,before,after).
    bool exportCsv(const QString &path, QString *error) const;
    static QString toCsv(const QList<AuditEntry> &entries);

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void loaded();
    void problem(const QString &message);

private:
    void show(const Result<QList<AuditEntry>> &log);

    Store *m_store;
    JobQueue *m_jobs;
    AuditLogModel m_model;
    QString m_lastError;
    bool m_reading = false, m_readAgain = false;
};

} // namespace orteam
