#include "TeamPage.h"
#include "Theme.h"

#include "ErrorBanner.h"
#include "GuardrailDialog.h"
#include "MemberLinkDialog.h"
#include "KeyListController.h"
#include "MemberDialog.h"
#include "MessageBox.h"
#include "Money.h"
#include "RosterImportDialog.h"
#include "SearchField.h"
#include "SearchFilterProxyModel.h"
#include "SecretDialog.h"
#include "TableKeys.h"
#include "TeamController.h"
#include "TierEditorDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

namespace orteam {

TeamPage::TeamPage(TeamController *team, KeyListController *keys, ErrorBanner *banner, QWidget *parent)
    : QWidget(parent), m_team(team), m_keys(keys), m_banner(banner)
{
    setObjectName(QStringLiteral("teamPage"));
    auto button = [this](const QString &text, const char *name) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(QLatin1StringView(name));
        return b;
    };
    m_search = new SearchField(this);
    m_search->setObjectName(QStringLiteral("memberSearchEdit"));
    m_search->setPlaceholderText(tr("Search members… (Ctrl+F)"));
    // A placeholder is not a name: a screen reader announces the field by this.
    m_search->setAccessibleName(tr("Search members"));
    m_add = button(tr("Add member…"), "addMemberButton");
    m_edit = button(tr("Edit…"), "editMemberButton");
    m_bulkTier = new QComboBox(this);
    m_bulkTier->setObjectName(QStringLiteral("bulkTierCombo"));
    m_bulkTier->setToolTip(tr("The tier \"Set tier\" gives every selected member"));
    m_setTier = button(tr("Set tier"), "setTierButton");
    m_offboard = button(tr("Offboard…"), "offboardButton");
    m_import = button(tr("Import CSV…"), "importRosterButton");
    m_tiers = button(tr("Tiers…"), "editTiersButton");
    m_apply = button(tr("Apply tiers to OpenRouter…"), "applyTiersButton");
    m_apply->setToolTip(tr("One guardrail per tier (budget, allowed models), each member's keys assigned to it, and each "
                           "member linked to an OpenRouter user bound to it as a person"));
    m_match = button(tr("Match with OpenRouter…"), "matchMembersButton");
    m_match->setToolTip(tr("Link members to the organization's OpenRouter users (by email, or by hand), so guardrails bind "
                           "them across every key of theirs"));
    m_token = button(tr("Gateway token…"), "gatewayTokenButton");
    m_token->setToolTip(tr("A token for orteam-gateway (one shared OpenRouter key, this member's tier and budget)"));

    m_overBudget = new QLabel(this);
    m_overBudget->setObjectName(QStringLiteral("overBudgetLabel"));
    m_overBudget->setWordWrap(true);
    theme::styleBanner(m_overBudget, theme::Banner::Error, QStringLiteral("padding:6px; border-radius:3px;"));
    m_overBudget->hide();
    m_autoEnforce = new QCheckBox(tr("Auto-enforce budgets (disable keys over budget; re-enable when the budget resets, UTC)"), this);
    m_autoEnforce->setObjectName(QStringLiteral("autoEnforceCheck"));
    m_autoEnforce->setChecked(m_team->autoEnforce());

    m_proxy = new SearchFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("memberProxyModel"));
    m_proxy->setSourceModel(m_team->model());
    m_proxy->setSortRole(MemberTableModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("membersTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(MemberTableModel::NameColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    // The name takes the spare width and the other columns their contents' (fitted below, and
    // still the person's to drag), so names never wrap while Status holds half the table. Only
    // a default: ViewMemory puts back the widths a person chose (restored after this page is built).
    m_table->setWordWrap(false);
    m_table->setItemDelegate(new theme::ReadableItemDelegate(m_table));
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(MemberTableModel::NameColumn, QHeaderView::Stretch);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("teamSummaryLabel"));
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("membersEmptyLabel"));
    m_search->showEmptyState(m_empty, m_proxy, m_team->model());

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_search, 1);
    actions->addWidget(m_add);
    actions->addWidget(m_edit);
    actions->addSpacing(12);
    actions->addWidget(m_bulkTier);
    actions->addWidget(m_setTier);
    actions->addWidget(m_offboard);
    actions->addWidget(m_token);
    auto *governance = new QHBoxLayout;
    governance->addWidget(m_import);
    governance->addWidget(m_tiers);
    governance->addWidget(m_match);
    governance->addWidget(m_apply);
    governance->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(actions);
    layout->addLayout(governance);
    layout->addWidget(m_autoEnforce);
    layout->addWidget(m_overBudget);
    layout->addWidget(m_empty);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);

    m_chooseFile = [this] {
        return QFileDialog::getOpenFileName(this, tr("Import roster"),
                                            QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
                                            tr("CSV files (*.csv);;All files (*)"));
    };

    connect(m_search, &QLineEdit::textChanged, m_proxy, &SearchFilterProxyModel::setSearchText);
    // The summary says "N of M" while the search hides some.
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &TeamPage::updateSummary);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &TeamPage::updateSummary);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &TeamPage::updateSummary);
    connect(m_add, &QPushButton::clicked, this, &TeamPage::addMember);
    connect(m_edit, &QPushButton::clicked, this, &TeamPage::editMember);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this] {
        if (!m_readOnly)
            editMember();
    });
    onEnterKey(m_table, [this] {
        if (!m_readOnly)
            editMember();
    });
    connect(m_setTier, &QPushButton::clicked, this, &TeamPage::setTierOfSelection);
    connect(m_offboard, &QPushButton::clicked, this, &TeamPage::offboardSelection);
    connect(m_import, &QPushButton::clicked, this, &TeamPage::importRoster);
    connect(m_tiers, &QPushButton::clicked, this, &TeamPage::editTiers);
    connect(m_apply, &QPushButton::clicked, this, &TeamPage::applyTiers);
    connect(m_match, &QPushButton::clicked, this, &TeamPage::matchMembers);
    connect(m_token, &QPushButton::clicked, this, &TeamPage::createGatewayToken);
    connect(m_autoEnforce, &QCheckBox::toggled, this, [this](bool on) {
        if (const Status s = m_team->setAutoEnforce(on); !s) {
            m_banner->showError(tr("Could not change auto-enforce: %1").arg(s.errorText()));
            QSignalBlocker block(m_autoEnforce);
            m_autoEnforce->setChecked(!on);
            return;
        }
        Q_EMIT status(on ? tr("Auto-enforce is on: keys of members over their budget are disabled until it resets (UTC).")
                         : tr("Auto-enforce is off: members over budget are only flagged."));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TeamPage::updateEnabled);
    connect(m_team, &TeamController::changed, this, [this] {
        const QString keep = m_bulkTier->currentText();
        m_bulkTier->clear();
        for (const Tier &t : m_team->tiers())
            m_bulkTier->addItem(t.name);
        m_bulkTier->setCurrentIndex(std::max(0, m_bulkTier->findText(keep)));
        // The setting is the team's, shared by every dashboard on the database: show it as read.
        const QSignalBlocker block(m_autoEnforce);
        m_autoEnforce->setChecked(m_team->autoEnforce());
        updateSummary();
        updateOverBudget();
        updateEnabled();
    });
    connect(m_team, &TeamController::checkFinished, this, [this](const QList<OverBudget> &, const QStringList &done) {
        updateOverBudget();
        if (!done.isEmpty())
            Q_EMIT status(done.join(QLatin1Char(' ')));
    });
    connect(m_team, &TeamController::problem, m_banner, [this](const QString &message) { m_banner->showError(message); });
    if (!m_team->readError().isEmpty()) // the first read failed before this page was there to hear it
        m_banner->showError(m_team->readError());
    for (const Tier &t : m_team->tiers())
        m_bulkTier->addItem(t.name);
    m_table->resizeColumnsToContents();
    updateSummary();
    updateOverBudget();
    updateEnabled();
}

QStringList TeamPage::selectedNames() const
{
    QStringList names;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        names << index.data(MemberTableModel::NameRole).toString();
    return names;
}

void TeamPage::selectMembers(const QStringList &names)
{
    m_table->clearSelection();
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (names.contains(index.data(MemberTableModel::NameRole).toString()))
            m_table->selectionModel()->select(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

void TeamPage::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    for (QWidget *w : std::initializer_list<QWidget *>{m_add, m_edit, m_bulkTier, m_setTier, m_offboard, m_token, m_import,
                                                       m_tiers, m_match, m_apply, m_autoEnforce})
        w->setVisible(!readOnly);
    updateOverBudget(); // its advice depends on who can act
}

void TeamPage::updateEnabled()
{
    const QStringList names = selectedNames();
    bool anyActive = false;
    for (const QString &n : names) {
        if (const auto m = m_team->member(n))
            anyActive = anyActive || m->active;
    }
    m_edit->setEnabled(names.size() == 1);
    m_setTier->setEnabled(!names.isEmpty() && m_bulkTier->count() > 0);
    m_offboard->setEnabled(anyActive);
    m_token->setEnabled(names.size() == 1 && anyActive);
}

void TeamPage::createGatewayToken()
{
    const QStringList names = selectedNames();
    if (names.size() != 1)
        return;
    const Result<QString> token = m_team->createGatewayToken(names.first());
    if (!token) {
        m_banner->showError(tr("Could not create a gateway token for %1: %2").arg(names.first(), token.errorText()));
        return;
    }
    auto *dialog = new SecretDialog(names.first(), *token, this, SecretDialog::Kind::GatewayToken);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    Q_EMIT status(tr("Gateway token created for %1").arg(names.first()));
}

void TeamPage::updateSummary()
{
    int active = 0;
    double today = 0, week = 0;
    for (const MemberTableModel::Row &r : m_team->model()->rows()) {
        active += r.member.active ? 1 : 0;
        today += r.today;
        week += r.week;
    }
    const int total = int(m_team->model()->rows().size()), shown = m_proxy->rowCount();
    const QString shownText = shown == total ? QString() : tr("%1 shown of ").arg(shown);
    m_summary->setText(shownText
                       + tr("%n member(s), %1 active · %2 today · %3 in the last 7 days (UTC)", nullptr, total)
                             .arg(active)
                             .arg(formatUsd(today), formatUsd(week)));
}

void TeamPage::updateOverBudget()
{
    QStringList lines;
    for (const MemberTableModel::Row &r : m_team->model()->rows()) {
        if (r.overBudget && r.budget)
            lines << tr("%1 (%2 of %3 %4)")
                         .arg(r.member.name, formatUsd(r.inPeriod), formatUsd(r.budget->usd), budgetPeriodCurrent(r.budget->period));
    }
    // What can be done about it, by whom is looking: a lead's read-only view has no switch.
    const QString next = m_team->autoEnforce()
        ? tr(" Auto-enforce disables their keys until their budget resets (UTC), except a key an admin enabled again.")
        : m_readOnly ? tr(" An admin can stop their spend with auto-enforce.")
                     : tr(" Turn on auto-enforce to stop their spend.");
    m_overBudget->setText(lines.isEmpty() ? QString() : tr("Over budget: %1.%2").arg(lines.join(QStringLiteral(", ")), next));
    m_overBudget->setVisible(!lines.isEmpty());
}

void TeamPage::addMember()
{
    auto *dialog = new MemberDialog(m_team->tiers(), m_keys->model()->keys(), m_team->keyOwners(), std::nullopt, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &MemberDialog::submitted, this, [this, dialog] {
        const Member m = dialog->member();
        if (const Status s = m_team->addMember(m); !s) {
            dialog->showError(s.errorText());
            return;
        }
        dialog->accept();
        selectMembers({m.name});
        Q_EMIT status(tr("Added %1.").arg(m.name));
    });
    dialog->open();
}

void TeamPage::editMember()
{
    const QStringList names = selectedNames();
    if (names.size() != 1)
        return;
    const auto existing = m_team->member(names.first());
    if (!existing)
        return;
    auto *dialog = new MemberDialog(m_team->tiers(), m_keys->model()->keys(), m_team->keyOwners(), existing, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &MemberDialog::submitted, this, [this, dialog] {
        const Member m = dialog->member();
        if (const Status s = m_team->editMember(m); !s) {
            dialog->showError(s.errorText());
            return;
        }
        dialog->accept();
        Q_EMIT status(tr("Saved %1.").arg(m.name));
    });
    dialog->open();
}

void TeamPage::setTierOfSelection()
{
    const QStringList names = selectedNames();
    const QString tier = m_bulkTier->currentText();
    if (names.isEmpty() || tier.isEmpty())
        return;
    if (const Status s = m_team->setTier(names, tier); !s) {
        m_banner->showError(tr("Could not set the tier: %1").arg(s.errorText()));
        return;
    }
    selectMembers(names);
    Q_EMIT status(tr("%n member(s) now on the %1 tier. Apply tiers to OpenRouter to enforce it there.", nullptr, int(names.size())).arg(tier));
}

void TeamPage::offboardSelection()
{
    QStringList names;
    int keys = 0;
    for (const QString &n : selectedNames()) {
        const auto m = m_team->member(n);
        if (m && m->active) {
            names << n;
            keys += int(m->keyHashes.size());
        }
    }
    if (names.isEmpty())
        return;
    if (MessageBox::question(this, tr("Offboard"),
                             tr("Offboard %1 and revoke %n key(s)?", nullptr, keys).arg(names.join(QStringLiteral(", "))),
                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                             tr("Anything using those keys stops working at once. Their spend history is kept."))
        != QMessageBox::Yes)
        return;
    m_offboard->setEnabled(false);
    m_team->offboard(names, this, [this](const TeamController::OffboardOutcome &o) {
        updateEnabled();
        if (o.error)
            m_banner->showError(tr("Nobody was offboarded: %1").arg(o.error.message()));
        else if (!o.failed.isEmpty())
            m_banner->showError(o.failed.join(QLatin1Char(' ')) + tr(" Offboard again to retry."));
        if (!o.offboarded.isEmpty())
            Q_EMIT status(tr("Offboarded %1.").arg(o.offboarded.join(QStringLiteral(", "))));
    });
}

void TeamPage::importRoster()
{
    const QString path = m_chooseFile();
    if (path.isEmpty())
        return;
    auto *dialog = new RosterImportDialog(m_team, path, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RosterImportDialog::imported, this, &TeamPage::status);
    dialog->open();
}

void TeamPage::editTiers()
{
    auto *dialog = new TierEditorDialog(m_team, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void TeamPage::matchMembers()
{
    auto *dialog = new MemberLinkDialog(m_team, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &MemberLinkDialog::saved, this, &TeamPage::status);
    dialog->open();
}

void TeamPage::applyTiers()
{
    auto *dialog = new GuardrailDialog(m_team, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &GuardrailDialog::applied, this, &TeamPage::status);
    dialog->open();
}

} // namespace orteam
