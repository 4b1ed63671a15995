#include "AuditLog.h"

#include "Csv.h"

#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

int AuditLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time (UTC)");
    case UserColumn: return tr("By");
    case ActionColumn: return tr("Action");
    case TargetColumn: return tr("Target");
    case BeforeColumn: return tr("Before");
    case AfterColumn: return tr("After");
    default: return {};
    }
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != Qt::DisplayRole)
        return {};
    const AuditEntry &e = m_entries.at(index.row());
    switch (index.column()) {
    case TimeColumn: return e.at.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    case UserColumn: return e.osUser;
    case ActionColumn: return e.action;
    case TargetColumn: return e.target;
    case BeforeColumn: return e.before;
    case AfterColumn: return e.after;
    default: return {};
    }
}

void AuditLogModel::setEntries(const QList<AuditEntry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

AuditLogController::AuditLogController(Store *store, QObject *parent) : QObject(parent), m_store(store)
{
    reload();
}

void AuditLogController::record(const AuditEntry &entry)
{
    QString error;
    if (!m_store->appendAudit(entry, &error)) {
        // The action itself happened; losing its record is worth saying, not worth undoing it.
        Q_EMIT recordFailed(tr("The audit log could not be written: %1").arg(error));
        return;
    }
    reload();
}

void AuditLogController::reload()
{
    m_model.setEntries(m_store->auditLog());
}

QString AuditLogController::toCsv(const QList<AuditEntry> &entries)
{
    auto field = [](const QString &t) { return csvField(t, true); };
    QString out = u"time,user,action,target,before,after\n"_s;
    for (const AuditEntry &e : entries)
        out += QStringList{e.at.toUTC().toString(Qt::ISODate), field(e.osUser), field(e.action), field(e.target),
                           field(e.before), field(e.after)}
                   .join(u',')
            + u'\n';
    return out;
}

bool AuditLogController::exportCsv(const QString &path, QString *error) const
{
    // QSaveFile: a failed export never leaves a half-written file in place of a good one.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    file.write(toCsv(m_store->auditLog(1'000'000)).toUtf8());
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace orteam
