#include "BudgetField.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>

namespace orteam {

BudgetField::BudgetField(const QString &name, const QString &placeholder, QWidget *parent, bool memberBudget)
    : QWidget(parent), m_memberBudget(memberBudget)
{
    setObjectName(name + QStringLiteral("Field"));
    m_amount = new QLineEdit(this);
    m_amount->setObjectName(name + QStringLiteral("Edit"));
    m_amount->setPlaceholderText(placeholder);
    m_period = new QComboBox(this);
    m_period->setObjectName(name + QStringLiteral("PeriodCombo"));
    m_period->setAccessibleName(tr("Budget period"));
    // OpenRouter's reset intervals: 00:00 UTC, Monday-to-Sunday weeks, calendar months.
    m_period->addItem(tr("a day"), int(LimitReset::Daily));
    m_period->addItem(tr("a week"), int(LimitReset::Weekly));
    m_period->addItem(tr("a month"), int(LimitReset::Monthly));
    m_period->setToolTip(tr("Resets at 00:00 UTC; a week starts on Monday, a month on the 1st"));
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_amount, 1);
    row->addWidget(m_period);
    setFocusProxy(m_amount);
}

void BudgetField::setBudget(const std::optional<Budget> &budget, const QString &noneText)
{
    m_amount->setText(budget ? QString::number(budget->usd, 'f', 2) : noneText);
    m_period->setCurrentIndex(std::max(0, m_period->findData(int(budget ? budget->period : LimitReset::Daily))));
}

BudgetParse BudgetField::budget() const
{
    if (m_amount->text().trimmed().isEmpty())
        return {};
    if (m_memberBudget)
        return parseMemberBudget(m_amount->text(), budgetPeriodAdjective(LimitReset(m_period->currentData().toInt())));
    return parseBudget(m_amount->text(), LimitReset(m_period->currentData().toInt()));
}

} // namespace orteam
