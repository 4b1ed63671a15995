#pragma once

#include "WorkspaceService.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace orteam {

class WorkspaceController;

// A new workspace: its name, the slug made from it (editable) and a description.
class NewWorkspaceDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit NewWorkspaceDialog(WorkspaceController *workspaces, QWidget *parent = nullptr);
    Workspace created() const { return m_created; }

private:
    void check();
    void create();

    WorkspaceController *m_workspaces;
    QLineEdit *m_name;
    QLineEdit *m_slug;
    QLineEdit *m_description;
    QLabel *m_problem;
    QPushButton *m_create;
    bool m_slugEdited = false;
    bool m_creating = false;
    Workspace m_created;
};

// A workspace's budgets: an amount per interval (unchecked: none), previewed (the changes, and what
// they would have refused over the last 30 or 90 days) and applied only when confirmed.
class WorkspaceBudgetDialog final : public QDialog
{
    Q_OBJECT

public:
    WorkspaceBudgetDialog(WorkspaceController *workspaces, const WorkspaceService::Row &row, QWidget *parent = nullptr);
    const WorkspaceService::BudgetPreview &preview() const { return m_preview; }
    void setAmount(WorkspaceInterval interval, std::optional<double> amount); // for tests and the keyboard alike

Q_SIGNALS:
    void applied(const QString &message);

private:
    WorkspaceBudgetWish wish() const;
    void schedulePreview();
    void runPreview();
    void apply();
    void setInputsEnabled(bool enabled);

    WorkspaceController *m_workspaces;
    QString m_id;
    QList<QCheckBox *> m_enabled;
    QList<QDoubleSpinBox *> m_amounts;
    QComboBox *m_whatIfDays;
    QLabel *m_status;
    QListWidget *m_changes;
    QPlainTextEdit *m_whatIf;
    QPushButton *m_apply;
    WorkspaceService::BudgetPreview m_preview;
    QString m_stopped; // why the last apply stopped, until the budgets are edited
    int m_generation = 0; // a preview answered after a newer one was asked for is dropped
};

// Who is in a workspace: the team's members linked to OpenRouter users, ticked when in it.
class WorkspaceMembersDialog final : public QDialog
{
    Q_OBJECT

public:
    WorkspaceMembersDialog(WorkspaceController *workspaces, const WorkspaceService::Row &row, QWidget *parent = nullptr);
    QListWidget *list() const { return m_list; }

Q_SIGNALS:
    void applied(const QString &message);

private:
    void runPreview();
    void apply();

    WorkspaceController *m_workspaces;
    QString m_id;
    QListWidget *m_list;
    QLabel *m_status;
    QPushButton *m_apply;
    WorkspaceService::MemberPreview m_preview;
    bool m_previewed = false;
    int m_generation = 0; // a preview answered after the ticks changed is dropped
};

} // namespace orteam
