#include "AuditPage.h"

#include "AuditLog.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

namespace orteam {

AuditPage::AuditPage(AuditLogController *audit, QWidget *parent) : QWidget(parent), m_audit(audit)
{
    setObjectName(QStringLiteral("auditPage"));
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("auditTableView"));
    m_table->setModel(audit->model());
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(AuditLogModel::TimeColumn, 150);
    m_table->setColumnWidth(AuditLogModel::TargetColumn, 160);
    m_table->setColumnWidth(AuditLogModel::BeforeColumn, 300);

    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("exportAuditButton"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("auditStatusLabel"));
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export audit log"),
            QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/orteam-audit.csv"),
            tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            exportTo(path);
    });

    // A log that cannot be read says so here, beside the rows it still shows: an empty or stale
    // table must not pass for "nothing happened".
    auto showReadError = [this](const QString &message) {
        m_status->setText(message);
        m_showsReadError = !message.isEmpty();
    };
    connect(audit, &AuditLogController::problem, this, showReadError);
    connect(audit, &AuditLogController::loaded, this, [this] {
        if (m_showsReadError) {
            m_status->clear();
            m_showsReadError = false;
        }
    });
    showReadError(audit->lastError());

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addLayout(bottom);
}

bool AuditPage::exportTo(const QString &path)
{
    QString error;
    if (!m_audit->exportCsv(path, &error)) {
        m_status->setText(tr("Could not export to %1: %2").arg(path, error));
        m_showsReadError = false;
        return false;
    }
    m_status->setText(tr("Exported %n entries to %1.", nullptr, m_audit->model()->rowCount()).arg(path));
    m_showsReadError = false;
    return true;
}

} // namespace orteam
