#pragma once

#include "KeyRequests.h"
#include "Team.h"

#include <QWidget>

class QComboBox;
class QLineEdit;

namespace orteam {

// A budget as a form edits it: an amount and its period ("a day", "a week", "a month"), side by
// side, read through the one parseBudget rule. The tier editor and the member form both use it,
// so a budget is typed and judged the same everywhere.
class BudgetField final : public QWidget
{
    Q_OBJECT

public:
    // Children are named `name` + "Edit" and `name` + "PeriodCombo" (e.g. "tierLimitEdit").
    // `memberBudget`: a member's own budget, read by parseMemberBudget ("none" refused).
    BudgetField(const QString &name, const QString &placeholder, QWidget *parent = nullptr, bool memberBudget = false);

    // Shows `budget`; none shows `noneText` ("none", or empty for "the tier's").
    void setBudget(const std::optional<Budget> &budget, const QString &noneText);
    // What was typed: an empty amount is no budget.
    BudgetParse budget() const;
    QLineEdit *amountEdit() const { return m_amount; }
    QComboBox *periodCombo() const { return m_period; }

private:
    bool m_memberBudget = false;
    QLineEdit *m_amount;
    QComboBox *m_period;
};

} // namespace orteam
