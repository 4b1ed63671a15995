#include "MemberDialog.h"

#include "BudgetField.h"
#include "Theme.h"

#include "KeyRequests.h"
#include "Money.h"
#include "SearchField.h"
#include "SearchText.h"
#include "Team.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace orteam {

MemberDialog::MemberDialog(const QList<Tier> &tiers, const QList<ApiKey> &keys, const QHash<QString, QString> &keyOwners,
                           const std::optional<Member> &existing, QWidget *parent)
    : GuardedDialog(parent), m_isNew(!existing), m_base(existing.value_or(Member{}))
{
    setObjectName(QStringLiteral("memberDialog"));
    setWindowTitle(m_isNew ? tr("Add member") : tr("Edit %1").arg(m_base.name));

    m_name = new QLineEdit(m_base.name, this);
    m_name->setObjectName(QStringLiteral("memberNameEdit"));
    m_name->setReadOnly(!m_isNew); // the name is the member's identity in usage history
    m_name->setPlaceholderText(tr("e.g. alice"));
    m_email = new QLineEdit(m_base.email, this);
    m_email->setObjectName(QStringLiteral("memberEmailEdit"));
    m_tier = new QComboBox(this);
    m_tier->setObjectName(QStringLiteral("memberTierCombo"));
    m_tier->addItem(tr("(no tier)"), QString());
    for (const Tier &t : tiers) {
        const QString limit = t.budget ? budgetText(*t.budget) : tr("no budget");
        const QString models = t.isUnrestricted() ? tr("every model") : tr("%n model(s)", nullptr, int(t.allowedModels->size()));
        m_tier->addItem(QStringLiteral("%1 — %2, %3").arg(t.name, limit, models), t.name);
    }
    m_tier->setCurrentIndex(std::max(0, m_tier->findData(m_base.tier)));
    m_limit = new BudgetField(QStringLiteral("memberLimit"), tr("empty: the tier's budget"), this, true);
    m_limit->setBudget(m_base.budgetOverride, QString());

    // An account can hold thousands of keys: the picker filters as you type (ticked keys stay in
    // view) and says how many are ticked.
    m_keyFilter = new SearchField(this);
    m_keyFilter->setObjectName(QStringLiteral("memberKeysFilterEdit"));
    m_keyFilter->setPlaceholderText(tr("Filter keys…"));
    m_keyFilter->setAccessibleName(tr("Filter keys")); // a placeholder is not announced as a name
    ignoreForChanges(m_keyFilter); // narrowing the list is not an edit of the member
    m_keyCount = new QLabel(this);
    m_keyCount->setObjectName(QStringLiteral("memberKeysCountLabel"));
    m_keys = new QListWidget(this);
    m_keys->setObjectName(QStringLiteral("memberKeysList"));
    m_keys->setMinimumHeight(140);
    for (const ApiKey &k : keys) {
        const QString owner = keyOwners.value(k.hash);
        QString text = k.label.isEmpty() || k.label == k.name ? k.name : QStringLiteral("%1  (%2)").arg(k.name, k.label);
        if (!owner.isEmpty() && owner != m_base.name)
            text += tr("  — linked to %1").arg(owner);
        auto *item = new QListWidgetItem(text, m_keys);
        item->setData(Qt::UserRole, k.hash);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(m_base.keyHashes.contains(k.hash) ? Qt::Checked : Qt::Unchecked);
        item->setData(Qt::UserRole + 1, foldForSearch(text)); // folded once, not per keystroke
    }
    connect(m_keyFilter, &QLineEdit::textChanged, this, &MemberDialog::filterKeys);
    connect(m_keys, &QListWidget::itemChanged, this, &MemberDialog::updateKeyCount);
    updateKeyCount();

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("memberErrorLabel"));
    m_error->setWordWrap(true);
    theme::styleToneText(m_error, theme::Tone::Over);
    m_error->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("memberButtons"));
    m_save = buttons->button(QDialogButtonBox::Save);
    m_save->setObjectName(QStringLiteral("memberSaveButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &MemberDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Email"), m_email);
    form->addRow(tr("Tier"), m_tier);
    form->addRow(tr("Own budget"), m_limit);
    auto *keysBox = new QVBoxLayout;
    auto *keysHead = new QHBoxLayout;
    keysHead->addWidget(m_keyFilter, 1);
    keysHead->addWidget(m_keyCount);
    keysBox->addLayout(keysHead);
    keysBox->addWidget(m_keys);
    form->addRow(tr("Keys"), keysBox);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
    markClean();
}

void MemberDialog::filterKeys()
{
    const QString folded = foldForSearch(m_keyFilter->text().trimmed());
    for (int i = 0; i < m_keys->count(); ++i) {
        QListWidgetItem *item = m_keys->item(i);
        const bool match = folded.isEmpty() || item->data(Qt::UserRole + 1).toString().contains(folded);
        item->setHidden(!match && item->checkState() != Qt::Checked);
    }
}

void MemberDialog::updateKeyCount()
{
    int ticked = 0;
    for (int i = 0; i < m_keys->count(); ++i)
        ticked += m_keys->item(i)->checkState() == Qt::Checked ? 1 : 0;
    m_keyCount->setText(tr("%1 of %n key(s) selected", nullptr, m_keys->count()).arg(ticked));
}

void MemberDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void MemberDialog::submit()
{
    if (const QString why = memberNameProblem(m_name->text()); !why.isEmpty()) {
        showError(why);
        return;
    }
    const QString email = m_email->text().trimmed();
    if (const QString why = memberEmailProblem(email); !why.isEmpty()) {
        showError(why);
        return;
    }
    const BudgetParse budget = m_limit->budget();
    if (!budget.error.isEmpty()) {
        showError(tr("Own budget: %1").arg(budget.error));
        return;
    }
    m_parsedLimit = budget.budget;
    showError({});
    Q_EMIT submitted();
}

Member MemberDialog::member() const
{
    Member m = m_base;
    m.name = m_name->text().trimmed();
    m.email = m_email->text().trimmed();
    m.tier = m_tier->currentData().toString();
    m.budgetOverride = m_parsedLimit;
    m.keyHashes.clear();
    for (int i = 0; i < m_keys->count(); ++i) {
        if (m_keys->item(i)->checkState() == Qt::Checked)
            m.keyHashes << m_keys->item(i)->data(Qt::UserRole).toString();
    }
    return m;
}

} // namespace orteam
