#include "WorkspacesPage.h"

#include "Money.h"
#include "ReportExport.h"
#include "Theme.h"
#include "WorkspaceController.h"
#include "WorkspaceDialogs.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

namespace orteam {

namespace {
QTableView *makeTable(const QString &name, QAbstractItemModel *model, QWidget *parent)
{
    auto *t = new QTableView(parent);
    t->setModel(model);
    t->setObjectName(name);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->setAlternatingRowColors(true);
    t->setItemDelegate(new theme::ReadableItemDelegate(t));
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    // The name takes what is left; the figures keep to their width.
    t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    return t;
}

QPushButton *makeButton(const QString &text, const QString &name, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}
} // namespace

WorkspacesPage::WorkspacesPage(WorkspaceController *workspaces, QWidget *parent) : QWidget(parent), m_workspaces(workspaces)
{
    setObjectName(QStringLiteral("workspacesPage"));
    auto *title = new QLabel(tr("<b>Workspaces</b> — departments with their own keys, people and budgets, enforced by OpenRouter"), this);
    title->setObjectName(QStringLiteral("workspacesTitleLabel"));
    title->setWordWrap(true);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("workspacesStateLabel"));
    m_state->setWordWrap(true);
    m_table = makeTable(QStringLiteral("workspacesTable"), workspaces->model(), this);
    m_refresh = makeButton(tr("&Refresh"), QStringLiteral("workspacesRefreshButton"), this);
    m_new = makeButton(tr("&New workspace…"), QStringLiteral("workspacesNewButton"), this);
    m_rename = makeButton(tr("Re&name…"), QStringLiteral("workspacesRenameButton"), this);
    m_budgets = makeButton(tr("&Budgets…"), QStringLiteral("workspacesBudgetsButton"), this);
    m_members = makeButton(tr("&Members…"), QStringLiteral("workspacesMembersButton"), this);
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_refresh, m_new, m_rename, m_budgets, m_members})
        buttons->addWidget(b);
    buttons->addStretch(1);

    auto *chargeback = new QGroupBox(tr("Spend per workspace (chargeback)"), this);
    chargeback->setObjectName(QStringLiteral("chargebackGroup"));
    m_month = new QComboBox(chargeback);
    m_month->setObjectName(QStringLiteral("chargebackMonthCombo"));
    m_month->setAccessibleName(tr("Month"));
    const QDate thisMonth(workspaces->today().year(), workspaces->today().month(), 1);
    for (int back = 0; back < 13; ++back) {
        const QDate m = thisMonth.addMonths(-back);
        const QString name = QLocale().toString(m, QStringLiteral("MMMM yyyy"));
        m_month->addItem(back == 0 ? tr("%1 (to date)").arg(name) : name, m);
    }
    auto *monthLabel = new QLabel(tr("Mon&th:"), chargeback);
    monthLabel->setObjectName(QStringLiteral("chargebackMonthLabel"));
    monthLabel->setBuddy(m_month);
    m_export = makeButton(tr("Export CSV…"), QStringLiteral("chargebackExportButton"), chargeback);
    m_chargebackTable = makeTable(QStringLiteral("chargebackTable"), workspaces->chargebackModel(), chargeback);
    m_chargebackTotal = new QLabel(chargeback);
    m_chargebackTotal->setObjectName(QStringLiteral("chargebackTotalLabel"));
    m_chargebackTotal->setWordWrap(true);
    auto *monthRow = new QHBoxLayout;
    monthRow->addWidget(monthLabel);
    monthRow->addWidget(m_month);
    monthRow->addStretch(1);
    monthRow->addWidget(m_export);
    auto *chargebackLayout = new QVBoxLayout(chargeback);
    chargebackLayout->addLayout(monthRow);
    chargebackLayout->addWidget(m_chargebackTable, 1);
    chargebackLayout->addWidget(m_chargebackTotal);

    m_manage = new QWidget(this);
    m_manage->setObjectName(QStringLiteral("workspacesManageWidget"));
    auto *manage = new QVBoxLayout(m_manage);
    manage->setContentsMargins(0, 0, 0, 0);
    manage->addLayout(buttons);
    manage->addWidget(m_state);
    manage->addWidget(m_table, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_manage, 1);
    layout->addWidget(chargeback, 1);

    connect(m_refresh, &QPushButton::clicked, this, &WorkspacesPage::refresh);
    connect(m_new, &QPushButton::clicked, this, &WorkspacesPage::newWorkspace);
    connect(m_rename, &QPushButton::clicked, this, &WorkspacesPage::renameSelected);
    connect(m_budgets, &QPushButton::clicked, this, &WorkspacesPage::editBudgets);
    connect(m_members, &QPushButton::clicked, this, &WorkspacesPage::editMembers);
    connect(m_table, &QTableView::doubleClicked, this, &WorkspacesPage::editBudgets);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &WorkspacesPage::updateButtons);
    connect(m_month, &QComboBox::currentIndexChanged, this, &WorkspacesPage::loadChargeback);
    connect(m_export, &QPushButton::clicked, this, &WorkspacesPage::exportChargeback);
    connect(workspaces, &WorkspaceController::busyChanged, this, [this](bool busy) {
        if (busy) {
            m_state->setText(tr("Reading the workspaces from OpenRouter…"));
            const int row = selectedRow();
            m_selectedId = row >= 0 ? m_workspaces->model()->rows().at(row).workspace.id : QString();
        }
        m_refresh->setEnabled(!busy);
        updateButtons();
    });
    connect(workspaces, &WorkspaceController::listed, this, [this] {
        const int n = m_workspaces->model()->rowCount();
        QString text = tr("%n workspace(s). Spend is what their keys spent, from the team database.", nullptr, n);
        if (!m_workspaces->listWarning().isEmpty())
            text += QLatin1Char(' ') + m_workspaces->listWarning();
        m_state->setText(text);
        // The workspace that was selected stays selected across the refresh.
        int keep = 0;
        for (int i = 0; i < n; ++i) {
            if (m_workspaces->model()->rows().at(i).workspace.id == m_selectedId)
                keep = i;
        }
        if (n > 0)
            m_table->selectRow(keep);
        updateButtons();
        loadChargeback(); // the list keeps the workspaces' names for it
    });
    // A failed read keeps the table it had and says so: never an empty list for an unread one.
    connect(workspaces, &WorkspaceController::listFailed, this, [this](const QString &message) {
        m_state->setText(tr("Could not read the workspaces: %1").arg(message));
        updateButtons();
    });
    m_chooseSave = [this](const QString &caption, const QString &suggested, const QString &filter) {
        const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        return QFileDialog::getSaveFileName(this, caption, folder + QLatin1Char('/') + suggested, filter);
    };
    updateButtons();
    loadChargeback();
}

void WorkspacesPage::refresh()
{
    if (m_readOnly)
        return;
    m_listedOnce = true;
    m_workspaces->refresh();
}

void WorkspacesPage::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    m_manage->setVisible(!readOnly);
}

void WorkspacesPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_listedOnce && !m_readOnly)
        refresh();
}

void WorkspacesPage::setMonth(const QDate &month)
{
    const int i = m_month->findData(QDate(month.year(), month.month(), 1));
    if (i >= 0)
        m_month->setCurrentIndex(i);
}

int WorkspacesPage::selectedRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void WorkspacesPage::updateButtons()
{
    const bool one = selectedRow() >= 0 && !m_workspaces->isBusy();
    m_rename->setEnabled(one);
    m_budgets->setEnabled(one);
    m_members->setEnabled(one);
}

void WorkspacesPage::loadChargeback()
{
    const QDate month = m_month->currentData().toDate();
    const QDate today = m_workspaces->today();
    const QDate to = std::min(month.addMonths(1).addDays(-1), today);
    QString error;
    if (!m_workspaces->loadChargeback(month, to, &error)) {
        m_chargebackTotal->setText(tr("Could not read the spend per workspace: %1").arg(error));
        m_export->setEnabled(false);
        return;
    }
    const ChargebackTableModel *model = m_workspaces->chargebackModel();
    m_chargebackTotal->setText(model->rows().isEmpty()
                                   ? tr("No spend recorded from %1 to %2.").arg(month.toString(Qt::ISODate), to.toString(Qt::ISODate))
                                   : tr("Total %1 from %2 to %3 (UTC).")
                                         .arg(formatUsd(model->total()), month.toString(Qt::ISODate), to.toString(Qt::ISODate)));
    m_export->setEnabled(!model->rows().isEmpty());
}

void WorkspacesPage::exportChargeback()
{
    const QDate from = m_workspaces->chargebackFrom();
    const QString suggested = QStringLiteral("chargeback-%1.csv").arg(from.toString(QStringLiteral("yyyy-MM")));
    const QString path = m_chooseSave(tr("Export the chargeback"), suggested, tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveFileAtomically(path, workspaceChargebackCsv(m_workspaces->chargebackModel()->rows()), &error)) {
        Q_EMIT problem(tr("Could not export the chargeback: %1").arg(error));
        return;
    }
    Q_EMIT status(tr("Chargeback saved to %1").arg(path));
}

// Every dialog opens window-modal and non-blocking: the page goes on answering (and the tests
// drive the dialog) while it is open.
void WorkspacesPage::newWorkspace()
{
    auto *dialog = new NewWorkspaceDialog(m_workspaces, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        Q_EMIT status(tr("Created the workspace %1.").arg(dialog->created().name));
        refresh();
    });
    dialog->open();
}

void WorkspacesPage::renameSelected()
{
    const int row = selectedRow();
    if (row < 0)
        return;
    const Workspace w = m_workspaces->model()->rows().at(row).workspace;
    auto *input = new QInputDialog(this);
    input->setAttribute(Qt::WA_DeleteOnClose);
    input->setObjectName(QStringLiteral("renameWorkspaceDialog"));
    input->setWindowTitle(tr("Rename workspace"));
    input->setLabelText(tr("New name for %1:").arg(w.name));
    input->setTextValue(w.name);
    connect(input, &QInputDialog::textValueSelected, this, [this, w](const QString &name) {
        if (name.trimmed() == w.name)
            return;
        m_workspaces->rename(w.id, name, [this](const Workspace &renamed, const FlowError &e) {
            if (renamed.id.isEmpty()) {
                Q_EMIT problem(tr("Could not rename the workspace: %1").arg(e.message()));
                return;
            }
            if (e)
                Q_EMIT problem(e.message());
            Q_EMIT status(tr("The workspace is now named %1.").arg(renamed.name));
            refresh();
        });
    });
    input->open();
}

void WorkspacesPage::editBudgets()
{
    const int row = selectedRow();
    if (row < 0)
        return;
    auto *dialog = new WorkspaceBudgetDialog(m_workspaces, m_workspaces->model()->rows().at(row), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &WorkspaceBudgetDialog::applied, this, &WorkspacesPage::status);
    connect(dialog, &QDialog::accepted, this, &WorkspacesPage::refresh);
    dialog->open();
}

void WorkspacesPage::editMembers()
{
    const int row = selectedRow();
    if (row < 0)
        return;
    auto *dialog = new WorkspaceMembersDialog(m_workspaces, m_workspaces->model()->rows().at(row), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &WorkspaceMembersDialog::applied, this, &WorkspacesPage::status);
    connect(dialog, &QDialog::accepted, this, &WorkspacesPage::refresh);
    dialog->open();
}

} // namespace orteam
