#include "WorkspaceDialogs.h"

#include "Money.h"
#include "WorkspaceController.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace orteam {

namespace {
QString sentence(const FlowError &error)
{
    QString why = error.message();
    if (!why.endsWith(QLatin1Char('.')))
        why += QLatin1Char('.');
    return why;
}
} // namespace

// ---- New workspace -------------------------------------------------------------------------------

NewWorkspaceDialog::NewWorkspaceDialog(WorkspaceController *workspaces, QWidget *parent)
    : QDialog(parent), m_workspaces(workspaces)
{
    setObjectName(QStringLiteral("newWorkspaceDialog"));
    setWindowTitle(tr("New workspace"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("workspaceNameEdit"));
    m_name->setMaxLength(100);
    m_slug = new QLineEdit(this);
    m_slug->setObjectName(QStringLiteral("workspaceSlugEdit"));
    m_slug->setMaxLength(50);
    m_slug->setToolTip(tr("The short name in OpenRouter's addresses: lowercase letters and digits, joined by hyphens."));
    m_description = new QLineEdit(this);
    m_description->setObjectName(QStringLiteral("workspaceDescriptionEdit"));
    m_description->setMaxLength(500);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("workspaceProblemLabel"));
    m_problem->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Slug:"), m_slug);
    form->addRow(tr("&Description:"), m_description);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("newWorkspaceButtons"));
    m_create = buttons->addButton(tr("Create"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(QStringLiteral("workspaceCreateButton"));
    m_create->setDefault(true);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_create, &QPushButton::clicked, this, &NewWorkspaceDialog::create);
    // The slug follows the name until it is typed in by hand.
    connect(m_name, &QLineEdit::textChanged, this, [this](const QString &name) {
        if (!m_slugEdited)
            m_slug->setText(workspaceSlugFor(name));
        check();
    });
    connect(m_slug, &QLineEdit::textEdited, this, [this] {
        m_slugEdited = true;
        check();
    });
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    check();
}

void NewWorkspaceDialog::check()
{
    QString problem = workspaceNameProblem(m_name->text());
    if (problem.isEmpty() && !isValidWorkspaceSlug(m_slug->text()))
        problem = tr("The slug takes lowercase letters and digits, in runs joined by single hyphens.");
    // Nothing typed yet is no mistake: the button says it, not a red line.
    m_problem->setText(m_name->text().isEmpty() ? QString() : problem);
    // Creating is never repeated by itself (a lost answer may have made it): one click, one call.
    m_create->setEnabled(problem.isEmpty() && !m_creating);
}

void NewWorkspaceDialog::create()
{
    m_creating = true;
    m_create->setEnabled(false);
    for (QLineEdit *edit : {m_name, m_slug, m_description})
        edit->setReadOnly(true);
    m_problem->setText(tr("Creating…"));
    // The call runs on the controller and finishes (audited) even if the dialog is closed first;
    // only what the dialog shows needs the dialog.
    QPointer<NewWorkspaceDialog> self(this);
    m_workspaces->create(m_name->text(), m_slug->text(), m_description->text(), [self](const Workspace &w, const FlowError &e) {
        if (!self)
            return;
        self->m_creating = false;
        for (QLineEdit *edit : {self->m_name, self->m_slug, self->m_description})
            edit->setReadOnly(false);
        if (w.id.isEmpty()) {
            self->m_problem->setText(tr("Not created: %1").arg(sentence(e)));
            self->check();
            return;
        }
        self->m_created = w;
        self->accept();
    });
}

// ---- Budgets -------------------------------------------------------------------------------------

WorkspaceBudgetDialog::WorkspaceBudgetDialog(WorkspaceController *workspaces, const WorkspaceService::Row &row, QWidget *parent)
    : QDialog(parent), m_workspaces(workspaces), m_id(row.workspace.id)
{
    setObjectName(QStringLiteral("workspaceBudgetDialog"));
    setWindowTitle(tr("Budgets of %1").arg(row.workspace.name));
    auto *intro = new QLabel(tr("OpenRouter refuses the workspace's requests once any budget is reached. Periods are UTC; "
                                "weeks start on Monday. A wider period must allow more."),
                             this);
    intro->setObjectName(QStringLiteral("workspaceBudgetIntroLabel"));
    intro->setWordWrap(true);
    auto *grid = new QGridLayout;
    for (WorkspaceInterval i : AllWorkspaceIntervals) {
        const QString name = workspaceIntervalName(i);
        auto *check = new QCheckBox(i == WorkspaceInterval::Lifetime ? tr("&Lifetime") : i == WorkspaceInterval::Monthly ? tr("&Monthly")
                                     : i == WorkspaceInterval::Weekly ? tr("&Weekly") : tr("&Daily"), this);
        check->setObjectName(name + QStringLiteral("BudgetCheck"));
        auto *amount = new QDoubleSpinBox(this);
        amount->setObjectName(name + QStringLiteral("BudgetSpin"));
        amount->setAccessibleName(tr("%1 budget in dollars").arg(name));
        amount->setPrefix(QStringLiteral("$"));
        amount->setDecimals(2);
        amount->setRange(0.01, 1e9);
        amount->setEnabled(false);
        for (const WorkspaceBudget &b : row.budgets) {
            if (b.interval == i) {
                check->setChecked(true);
                amount->setValue(b.limitUsd);
                amount->setEnabled(true);
            }
        }
        connect(check, &QCheckBox::toggled, amount, &QWidget::setEnabled);
        connect(check, &QCheckBox::toggled, this, &WorkspaceBudgetDialog::schedulePreview);
        connect(amount, &QDoubleSpinBox::valueChanged, this, &WorkspaceBudgetDialog::schedulePreview);
        const int r = int(m_enabled.size());
        grid->addWidget(check, r, 0);
        grid->addWidget(amount, r, 1);
        m_enabled << check;
        m_amounts << amount;
    }
    grid->setColumnStretch(2, 1);
    m_whatIfDays = new QComboBox(this);
    m_whatIfDays->setObjectName(QStringLiteral("workspaceWhatIfDaysCombo"));
    m_whatIfDays->setAccessibleName(tr("Days replayed"));
    m_whatIfDays->addItem(tr("the last 30 days"), 30);
    m_whatIfDays->addItem(tr("the last 90 days"), 90);
    connect(m_whatIfDays, &QComboBox::currentIndexChanged, this, &WorkspaceBudgetDialog::schedulePreview);
    auto *whatIfLabel = new QLabel(tr("What if these budgets had been in force over"), this);
    whatIfLabel->setObjectName(QStringLiteral("workspaceWhatIfLabel"));
    whatIfLabel->setBuddy(m_whatIfDays);
    auto *whatIfRow = new QHBoxLayout;
    whatIfRow->addWidget(whatIfLabel);
    whatIfRow->addWidget(m_whatIfDays);
    whatIfRow->addStretch(1);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("workspaceBudgetStatusLabel"));
    m_status->setWordWrap(true);
    m_changes = new QListWidget(this);
    m_changes->setObjectName(QStringLiteral("workspaceBudgetChangesList"));
    m_whatIf = new QPlainTextEdit(this);
    m_whatIf->setObjectName(QStringLiteral("workspaceWhatIfText"));
    m_whatIf->setReadOnly(true);
    m_whatIf->setMaximumHeight(110);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("workspaceBudgetButtons"));
    m_apply = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("workspaceBudgetApplyButton"));
    m_apply->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_apply, &QPushButton::clicked, this, &WorkspaceBudgetDialog::apply);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(grid);
    layout->addLayout(whatIfRow);
    layout->addWidget(m_status);
    layout->addWidget(m_changes, 1);
    layout->addWidget(m_whatIf);
    layout->addWidget(buttons);
    resize(560, 520);
    runPreview();
}

void WorkspaceBudgetDialog::setAmount(WorkspaceInterval interval, std::optional<double> amount)
{
    const int i = int(interval);
    m_enabled.at(i)->setChecked(amount.has_value());
    if (amount)
        m_amounts.at(i)->setValue(*amount);
}

WorkspaceBudgetWish WorkspaceBudgetDialog::wish() const
{
    WorkspaceBudgetWish w;
    for (WorkspaceInterval i : AllWorkspaceIntervals) {
        const int n = int(i);
        w.insert(i, m_enabled.at(n)->isChecked() ? std::optional(m_amounts.at(n)->value()) : std::nullopt);
    }
    return w;
}

void WorkspaceBudgetDialog::schedulePreview()
{
    m_stopped.clear();
    // Typing an amount asks once it settles, not at every digit.
    m_apply->setEnabled(false);
    ++m_generation;
    const int generation = m_generation;
    QTimer::singleShot(250, this, [this, generation] {
        if (generation == m_generation)
            runPreview();
    });
}

void WorkspaceBudgetDialog::runPreview()
{
    m_apply->setEnabled(false);
    m_status->setText(tr("Reading the workspace's budgets from OpenRouter…"));
    const int generation = ++m_generation;
    QPointer<WorkspaceBudgetDialog> self(this);
    m_workspaces->previewBudgets(m_id, wish(), m_whatIfDays->currentData().toInt(),
                                 [self, this, generation](const WorkspaceService::BudgetPreview &p) {
        if (!self || generation != m_generation)
            return;
        m_preview = p;
        m_changes->clear();
        m_whatIf->clear();
        if (p.error) {
            m_status->setText(tr("Could not plan the changes: %1 Nothing was changed.").arg(sentence(p.error)));
            return;
        }
        if (!p.plan.problem.isEmpty()) {
            m_status->setText(p.plan.problem);
            return;
        }
        for (const WorkspaceBudgetChange &c : p.plan.changes)
            m_changes->addItem(c.text());
        // After a stopped apply, what stopped it stays in sight above what is left.
        const QString plan = p.plan.changes.isEmpty() ? tr("OpenRouter already has these budgets: nothing to do.")
                                                      : tr("%n change(s) to apply:", nullptr, int(p.plan.changes.size()));
        m_status->setText(m_stopped.isEmpty() ? plan : m_stopped + QLatin1Char('\n') + plan);
        const WorkspaceReplay &r = p.whatIf;
        QString text = tr("Spent %1 over the last %2 days.").arg(formatUsd(r.spent)).arg(p.whatIfDays);
        if (r.refusedDays.isEmpty()) {
            text += QLatin1Char(' ') + tr("These budgets would have refused none of it.");
        } else {
            QStringList days;
            for (const QDate &d : r.refusedDays)
                days << d.toString(Qt::ISODate);
            text += QLatin1Char(' ')
                + tr("These budgets would have refused %1 on %n day(s): %2.", nullptr, int(r.refusedDays.size()))
                      .arg(formatUsd(r.notSpent), days.join(QStringLiteral(", ")));
        }
        m_whatIf->setPlainText(text);
        m_apply->setEnabled(!p.plan.changes.isEmpty());
    });
}

void WorkspaceBudgetDialog::setInputsEnabled(bool enabled)
{
    for (int i = 0; i < m_enabled.size(); ++i) {
        m_enabled.at(i)->setEnabled(enabled);
        m_amounts.at(i)->setEnabled(enabled && m_enabled.at(i)->isChecked());
    }
    m_whatIfDays->setEnabled(enabled);
}

void WorkspaceBudgetDialog::apply()
{
    m_apply->setEnabled(false);
    // Nothing may be planned beside a running apply: the inputs wait, and any preview asked for
    // before is dropped.
    setInputsEnabled(false);
    ++m_generation;
    m_status->setText(tr("Applying…"));
    const int total = int(m_preview.plan.changes.size());
    QPointer<WorkspaceBudgetDialog> self(this);
    m_workspaces->applyBudgets(m_preview, [self, this, total](int done, const FlowError &error) {
        if (!self)
            return;
        setInputsEnabled(true);
        if (error) {
            // What is left is planned afresh from what OpenRouter holds now.
            m_stopped = tr("Stopped after %1 of %2 change(s): %3").arg(done).arg(total).arg(sentence(error));
            runPreview();
            return;
        }
        Q_EMIT applied(tr("Applied %n budget change(s) to %1.", nullptr, total).arg(m_preview.workspace.name));
        accept();
    });
}

// ---- Members -------------------------------------------------------------------------------------

WorkspaceMembersDialog::WorkspaceMembersDialog(WorkspaceController *workspaces, const WorkspaceService::Row &row, QWidget *parent)
    : QDialog(parent), m_workspaces(workspaces), m_id(row.workspace.id)
{
    setObjectName(QStringLiteral("workspaceMembersDialog"));
    setWindowTitle(tr("Members of %1").arg(row.workspace.name));
    auto *intro = new QLabel(tr("Tick who belongs. Only members linked to their OpenRouter user (Team ▸ Match with "
                                "OpenRouter…) can be added; OpenRouter keeps anyone holding an active key in the workspace."),
                             this);
    intro->setObjectName(QStringLiteral("workspaceMembersIntroLabel"));
    intro->setWordWrap(true);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("workspaceMembersList"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("workspaceMembersStatusLabel"));
    m_status->setWordWrap(true);
    const Result<QList<Member>> team = workspaces->teamMembers();
    if (!team) {
        m_status->setText(tr("Could not read the team: %1").arg(team.errorText()));
    } else {
        for (const Member &m : *team) {
            if (!m.active)
                continue;
            auto *item = new QListWidgetItem(m.isLinked() ? m.name : tr("%1 (not linked to OpenRouter)").arg(m.name), m_list);
            item->setData(Qt::UserRole, m.name);
            item->setFlags(m.isLinked() ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable : Qt::NoItemFlags);
            item->setCheckState(m.isLinked() && row.userIds.contains(m.userId) ? Qt::Checked : Qt::Unchecked);
        }
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("workspaceMembersButtons"));
    m_apply = buttons->addButton(tr("Preview"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("workspaceMembersApplyButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_apply, &QPushButton::clicked, this, [this] { m_previewed ? apply() : runPreview(); });
    // A change of ticks after a preview asks for a new one.
    connect(m_list, &QListWidget::itemChanged, this, [this] {
        ++m_generation;
        m_previewed = false;
        m_apply->setText(tr("Preview"));
        m_apply->setEnabled(true);
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(460, 480);
}

void WorkspaceMembersDialog::runPreview()
{
    QStringList add, remove;
    for (int i = 0; i < m_list->count(); ++i) {
        const QListWidgetItem *item = m_list->item(i);
        if (!(item->flags() & Qt::ItemIsUserCheckable))
            continue;
        (item->checkState() == Qt::Checked ? add : remove) << item->data(Qt::UserRole).toString();
    }
    m_apply->setEnabled(false);
    m_status->setText(tr("Reading the workspace's members from OpenRouter…"));
    const int generation = ++m_generation;
    QPointer<WorkspaceMembersDialog> self(this);
    m_workspaces->previewMembers(m_id, add, remove, [self, this, generation](const WorkspaceService::MemberPreview &p) {
        // A tick changed since this was asked: its answer is of other ticks.
        if (!self || generation != m_generation)
            return;
        m_preview = p;
        if (p.error) {
            m_status->setText(tr("Could not plan the changes: %1 Nothing was changed.").arg(sentence(p.error)));
            m_apply->setEnabled(true);
            return;
        }
        if (p.plan.nothingToDo()) {
            m_status->setText(tr("The workspace already has these members: nothing to do."));
            return;
        }
        QStringList lines;
        if (!p.addNames.isEmpty())
            lines << tr("Add: %1").arg(p.addNames.join(QStringLiteral(", ")));
        if (!p.removeNames.isEmpty())
            lines << tr("Remove: %1").arg(p.removeNames.join(QStringLiteral(", ")));
        m_status->setText(lines.join(QLatin1Char('\n')));
        m_previewed = true;
        m_apply->setText(tr("Apply"));
        m_apply->setEnabled(true);
    });
}

void WorkspaceMembersDialog::apply()
{
    m_apply->setEnabled(false);
    m_list->setEnabled(false); // no tick changes under a running apply
    m_status->setText(tr("Applying…"));
    QPointer<WorkspaceMembersDialog> self(this);
    m_workspaces->applyMembers(m_preview, [self, this](int, const FlowError &error) {
        if (!self)
            return;
        m_list->setEnabled(true);
        if (error) {
            m_status->setText(tr("Stopped: %1 Preview again to see what is left.").arg(sentence(error)));
            m_previewed = false;
            m_apply->setText(tr("Preview"));
            m_apply->setEnabled(true);
            return;
        }
        Q_EMIT applied(tr("%1 has its members.").arg(m_preview.workspace.name));
        accept();
    });
}

} // namespace orteam
