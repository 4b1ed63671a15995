#pragma once

#include <QDate>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace orteam {

class WorkspaceController;

// The Workspaces page: OpenRouter's workspaces (a department's keys, people and pooled budgets)
// with their budgets, members and this month's spend; New, Rename, Budgets… and Members… (each
// previewed and confirmed, as in orteam-cli workspaces); and the chargeback: spend per workspace
// for a calendar month from the team database, exportable as CSV.
class WorkspacesPage final : public QWidget
{
    Q_OBJECT

public:
    explicit WorkspacesPage(WorkspaceController *workspaces, QWidget *parent = nullptr);

    using SaveChooser = std::function<QString(const QString &title, const QString &suggestedName, const QString &filter)>;
    void setSaveChooser(SaveChooser chooser) { m_chooseSave = std::move(chooser); }
    QTableView *table() const { return m_table; }
    QTableView *chargebackTable() const { return m_chargebackTable; }
    // The chargeback's month (its 1st); the current month shows to date.
    void setMonth(const QDate &month);
    // Without a management key (a lead's read-only view): the chargeback only.
    void setReadOnly(bool readOnly);

protected:
    // OpenRouter is asked when the page is first shown, not at every start.
    void showEvent(QShowEvent *event) override;

public Q_SLOTS:
    void refresh();
    void exportChargeback();
    void newWorkspace();
    void renameSelected();
    void editBudgets();
    void editMembers();

Q_SIGNALS:
    void status(const QString &message);
    void problem(const QString &message);

private:
    int selectedRow() const;
    void updateButtons();
    void loadChargeback();

    WorkspaceController *m_workspaces;
    QLabel *m_state;
    QTableView *m_table;
    QPushButton *m_refresh;
    QPushButton *m_new;
    QPushButton *m_rename;
    QPushButton *m_budgets;
    QPushButton *m_members;
    QComboBox *m_month;
    QTableView *m_chargebackTable;
    QLabel *m_chargebackTotal;
    QPushButton *m_export;
    SaveChooser m_chooseSave;
    QWidget *m_manage = nullptr; // the list and its buttons
    bool m_readOnly = false;
    bool m_listedOnce = false;
    QString m_selectedId; // kept across a refresh
};

} // namespace orteam
