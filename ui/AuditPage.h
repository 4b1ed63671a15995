#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace orteam {

class AuditLogController;

// Every admin action, newest first: when, by whom (OS user), what, to which key or member, and
// the state before and after. Exportable as CSV.
class AuditPage final : public QWidget
{
    Q_OBJECT

public:
    explicit AuditPage(AuditLogController *audit, QWidget *parent = nullptr);
    QTableView *table() const { return m_table; }

public Q_SLOTS:
    // Writes the CSV to `path` and says how it went under the table.
    bool exportTo(const QString &path);

private:
    AuditLogController *m_audit;
    QTableView *m_table;
    QPushButton *m_export;
    QLabel *m_status;
    bool m_showsReadError = false; // m_status says the log could not be read
};

} // namespace orteam
