#include "AuditLog.h"

#include "Csv.h"
#include "JobQueue.h"

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

AuditLogController::AuditLogController(Store *store, JobQueue *jobs, QObject *parent)
    : QObject(parent), m_store(store), m_jobs(jobs)
{
    reload();
}

void AuditLogController::reload()
{
    if (!m_jobs) {
        show(m_store->audit().log());
        return;
    }
    if (m_reading) { // one read at a time; the next one sees every change made meanwhile
        m_readAgain = true;
        return;
    }
    m_reading = true;
    m_jobs->run<Result<QList<AuditEntry>>>(
        this, [](Store &store) { return store.audit().log(); },
        [this](const Result<QList<AuditEntry>> &log) {
            m_reading = false;
            show(log);
            if (m_readAgain) {
                m_readAgain = false;
                reload();
            }
        });
}

void AuditLogController::show(const Result<QList<AuditEntry>> &log)
{
    if (!log) {
        m_lastError = tr("Cannot read the audit log from the database: %1").arg(log.errorText());
        Q_EMIT problem(m_lastError);
        return;
    }
    m_lastError.clear();
    m_model.setEntries(*log);
    Q_EMIT loaded();
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
    // Read here, not on the worker: a person asked for the file and waits for it.
    const Result<QList<AuditEntry>> log = m_store->audit().log(1'000'000);
    if (!log) {
        *error = log.errorText(); // the file is not committed: nothing is written
        return false;
    }
    file.write(toCsv(*log).toUtf8());
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace orteam
