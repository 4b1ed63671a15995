#include "TierEditorDialog.h"

#include "BudgetField.h"
#include "Theme.h"

#include "KeyRequests.h"
#include "MessageBox.h"
#include "TeamController.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace orteam {

namespace {
enum ModelColumn { IdColumn, PromptColumn, CompletionColumn, ModelColumnCount };

QString perMillion(const std::optional<double> &perToken)
{
    if (!perToken)
        return QStringLiteral("—");
    const double v = *perToken * 1e6;
    return v == 0 ? QStringLiteral("free") : QStringLiteral("$%1").arg(v, 0, 'f', v < 1 ? 3 : 2);
}
} // namespace

TierEditorDialog::TierEditorDialog(TeamController *team, QWidget *parent) : GuardedDialog(parent), m_team(team)
{
    setObjectName(QStringLiteral("tierEditorDialog"));
    setWindowTitle(tr("Tiers"));

    m_tiers = new QListWidget(this);
    m_tiers->setObjectName(QStringLiteral("tierList"));
    ignoreForChanges(m_tiers); // which tier is picked is not an edit of it
    m_add = new QPushButton(tr("New tier"), this);
    m_add->setObjectName(QStringLiteral("addTierButton"));
    m_delete = new QPushButton(tr("Delete"), this);
    m_delete->setObjectName(QStringLiteral("deleteTierButton"));
    auto *left = new QWidget(this);
    left->setObjectName(QStringLiteral("tierListPane"));
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_tiers, 1);
    auto *leftButtons = new QHBoxLayout;
    leftButtons->addWidget(m_add);
    leftButtons->addWidget(m_delete);
    leftLayout->addLayout(leftButtons);

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("tierNameEdit"));
    m_limit = new BudgetField(QStringLiteral("tierLimit"), tr("USD, or none"), this);
    m_unrestricted = new QCheckBox(tr("Every model (no allowlist)"), this);
    m_unrestricted->setObjectName(QStringLiteral("tierUnrestrictedCheck"));
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("modelFilterEdit"));
    m_filter->setPlaceholderText(tr("Filter models…"));
    m_filter->setClearButtonEnabled(true);
    ignoreForChanges(m_filter); // narrowing the list is not an edit of the tier
    m_table = new QTableWidget(0, ModelColumnCount, this);
    m_table->setObjectName(QStringLiteral("modelTable"));
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Prompt / M tokens"), tr("Completion / M tokens")});
    m_table->horizontalHeader()->setSectionResizeMode(IdColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMinimumHeight(260);
    m_fallback = new QComboBox(this);
    m_fallback->setObjectName(QStringLiteral("tierFallbackCombo"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("tierMessageLabel"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *right = new QWidget(this);
    right->setObjectName(QStringLiteral("tierDetailPane"));
    auto *form = new QFormLayout(right);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Budget"), m_limit);
    form->addRow(tr("Models"), m_unrestricted);
    form->addRow(QString(), m_filter);
    form->addRow(QString(), m_table);
    form->addRow(tr("Fallback"), m_fallback);
    form->addRow(m_message);

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("tierSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({160, 560});

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("tierButtons"));
    m_save = buttons->addButton(tr("Save tier"), QDialogButtonBox::ApplyRole);
    m_save->setObjectName(QStringLiteral("saveTierButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter in a field saves the tier being edited; it never starts a new one or deletes.
    m_save->setDefault(true);
    for (QPushButton *b : {m_add, m_delete})
        b->setAutoDefault(false);
    connect(m_save, &QPushButton::clicked, this, &TierEditorDialog::save);
    connect(m_add, &QPushButton::clicked, this, &TierEditorDialog::addTier);
    connect(m_delete, &QPushButton::clicked, this, &TierEditorDialog::deleteTier);
    connect(m_tiers, &QListWidget::currentRowChanged, this, &TierEditorDialog::tierPicked);
    connect(m_filter, &QLineEdit::textChanged, this, &TierEditorDialog::applyFilter);
    connect(m_unrestricted, &QCheckBox::toggled, this, [this](bool on) {
        m_table->setEnabled(!on);
        m_filter->setEnabled(!on);
        updateFallbacks();
    });
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (item->column() == IdColumn)
            updateFallbacks();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(buttons);
    resize(820, 560);

    for (const Tier &t : m_team->tiers())
        m_tiers->addItem(t.name);
    showMessage(tr("Loading models from OpenRouter…"), false);
    m_team->catalogue()->fetch(this, [this](const QList<ModelInfo> &models, const ApiError &error) {
        const bool edited = hasUnsavedChanges();
        if (error.kind != ApiError::Kind::None)
            showMessage(tr("Could not load the model list (%1). The current allowlists are shown; prices are missing.")
                            .arg(error.message()),
                        true);
        else
            showMessage({}, false);
        fillModels(models);
        loadTier(m_tiers->currentRow());
        if (m_shownRow < 0 && !edited)
            markClean(); // a new tier's blank form, now with the catalogue's models in it
    });
    markClean(); // the empty form: loading the first tier into it loses nothing
    m_tiers->setCurrentRow(0);
}

void TierEditorDialog::tierPicked(int row)
{
    if (row == m_shownRow)
        return;
    // Picking another tier replaces the form: unsaved edits of this one are asked about first,
    // and kept (with this tier still picked) unless they are discarded.
    if (!confirmDiscard()) {
        QSignalBlocker block(m_tiers);
        m_tiers->setCurrentRow(m_shownRow);
        return;
    }
    loadTier(row);
}

void TierEditorDialog::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    theme::styleToneText(m_message, error ? std::optional(theme::Tone::Over) : std::nullopt);
    m_message->setVisible(!text.isEmpty());
}

void TierEditorDialog::fillModels(const QList<ModelInfo> &models)
{
    m_models = models;
    // Models a tier names that the catalogue no longer lists stay visible, so nothing is dropped
    // from an allowlist just because OpenRouter retired or renamed it.
    QStringList known;
    for (const ModelInfo &m : m_models)
        known << m.id;
    for (const Tier &t : m_team->tiers()) {
        for (const QString &id : t.allowedModels.value_or(QStringList())) {
            if (!known.contains(id)) {
                m_models << ModelInfo{id, id, 0, std::nullopt, std::nullopt};
                known << id;
            }
        }
    }
    QSignalBlocker block(m_table);
    m_table->setRowCount(int(m_models.size()));
    for (int row = 0; row < m_models.size(); ++row) {
        const ModelInfo &m = m_models.at(row);
        auto *id = new QTableWidgetItem(m.id);
        id->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        id->setCheckState(Qt::Unchecked);
        id->setToolTip(m.name);
        m_table->setItem(row, IdColumn, id);
        auto *prompt = new QTableWidgetItem(perMillion(m.promptPrice));
        prompt->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, PromptColumn, prompt);
        auto *completion = new QTableWidgetItem(perMillion(m.completionPrice));
        completion->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, CompletionColumn, completion);
    }
    m_table->resizeColumnToContents(PromptColumn);
    m_table->resizeColumnToContents(CompletionColumn);
}

void TierEditorDialog::applyFilter()
{
    const QString text = m_filter->text().trimmed();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QTableWidgetItem *item = m_table->item(row, IdColumn);
        const bool match = text.isEmpty() || item->text().contains(text, Qt::CaseInsensitive)
            || item->toolTip().contains(text, Qt::CaseInsensitive);
        // Ticked models stay in view: what is allowed is never hidden by a filter.
        m_table->setRowHidden(row, !match && item->checkState() != Qt::Checked);
    }
}

void TierEditorDialog::selectTier(const QString &name)
{
    const auto found = m_tiers->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty())
        m_tiers->setCurrentItem(found.first());
}

QStringList TierEditorDialog::checkedModels() const
{
    QStringList out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, IdColumn)->checkState() == Qt::Checked)
            out << m_table->item(row, IdColumn)->text();
    }
    return out;
}

void TierEditorDialog::loadTier(int row)
{
    if (row < 0 || row >= m_tiers->count())
        return;
    const QString name = m_tiers->item(row)->text();
    Tier tier;
    for (const Tier &t : m_team->tiers()) {
        if (t.name == name)
            tier = t;
    }
    m_current = tier.name;
    m_name->setText(tier.name);
    m_name->setReadOnly(true);
    m_limit->setBudget(tier.budget, QStringLiteral("none"));
    m_unrestricted->setChecked(tier.isUnrestricted());
    QSignalBlocker block(m_table);
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QTableWidgetItem *item = m_table->item(r, IdColumn);
        item->setCheckState(tier.allowedModels && tier.allowedModels->contains(item->text()) ? Qt::Checked : Qt::Unchecked);
    }
    block.unblock();
    m_table->setEnabled(!tier.isUnrestricted());
    m_filter->setEnabled(!tier.isUnrestricted());
    updateFallbacks();
    m_fallback->setCurrentIndex(std::max(0, m_fallback->findData(tier.fallbackModel)));
    applyFilter();
    m_delete->setEnabled(true);
    m_shownRow = row;
    markClean();
}

void TierEditorDialog::updateFallbacks()
{
    const QString keep = m_fallback->currentData().toString();
    m_fallback->clear();
    m_fallback->addItem(tr("(none: refuse disallowed models)"), QString());
    if (!m_unrestricted->isChecked()) {
        for (const QString &id : checkedModels())
            m_fallback->addItem(id, id);
    }
    m_fallback->setCurrentIndex(std::max(0, m_fallback->findData(keep)));
}

void TierEditorDialog::addTier()
{
    if (!confirmDiscard())
        return;
    {
        // No tier is picked while the new one is made, so picking any (even the last one) loads it.
        QSignalBlocker blockList(m_tiers);
        m_tiers->setCurrentRow(-1);
    }
    m_shownRow = -1;
    m_current.clear();
    m_name->clear();
    m_name->setReadOnly(false);
    m_name->setFocus();
    m_limit->setBudget(Budget{5.0}, QString());
    m_unrestricted->setChecked(false);
    QSignalBlocker block(m_table);
    for (int r = 0; r < m_table->rowCount(); ++r)
        m_table->item(r, IdColumn)->setCheckState(Qt::Unchecked);
    block.unblock();
    updateFallbacks();
    m_delete->setEnabled(false);
    showMessage(tr("Name the new tier, pick its models, then Save tier."), false);
    markClean();
}

void TierEditorDialog::save()
{
    Tier tier;
    for (const Tier &t : m_team->tiers()) {
        if (t.name == m_current)
            tier = t; // keeps the guardrail id
    }
    tier.name = m_name->text().trimmed();
    // An emptied amount is no budget, as "none" is.
    const BudgetParse budget = m_limit->budget();
    if (!budget.error.isEmpty()) {
        showMessage(tr("Budget: %1").arg(budget.error), true);
        return;
    }
    tier.budget = budget.budget;
    tier.allowedModels = m_unrestricted->isChecked() ? std::nullopt : std::optional<QStringList>(checkedModels());
    tier.fallbackModel = m_fallback->currentData().toString();
    if (const Status s = m_team->saveTier(tier); !s) {
        showMessage(s.errorText(), true);
        return;
    }
    markClean();
    if (m_current.isEmpty()) {
        m_tiers->addItem(tier.name);
        m_current = tier.name;
        selectTier(tier.name);
    }
    showMessage(tr("Saved the %1 tier. Use \"Apply tiers to OpenRouter\" to push it to its guardrail.").arg(tier.name), false);
}

void TierEditorDialog::deleteTier()
{
    if (m_current.isEmpty())
        return;
    if (MessageBox::question(this, tr("Delete tier"), tr("Delete the %1 tier?").arg(m_current),
                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    if (const Status s = m_team->deleteTier(m_current); !s) {
        showMessage(s.errorText(), true);
        return;
    }
    // Gone: nothing of it is left to lose, and whichever tier the list moves to is loaded.
    markClean();
    m_shownRow = -1;
    delete m_tiers->takeItem(m_tiers->currentRow());
    showMessage(tr("Deleted the tier."), false);
}

} // namespace orteam
