#pragma once

#include "ApiKey.h"
#include "Team.h"

#include "GuardedDialog.h"
#include <QHash>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace orteam {

class BudgetField;

class SearchField;

// Adds or edits one member: name (fixed once saved), email, tier, an own daily limit (empty:
// the tier's), and which of the account's keys are theirs. A key linked to someone else says so;
// ticking it moves it.
class MemberDialog final : public GuardedDialog
{
    Q_OBJECT

public:
    MemberDialog(const QList<Tier> &tiers, const QList<ApiKey> &keys, const QHash<QString, QString> &keyOwners,
                 const std::optional<Member> &existing, QWidget *parent = nullptr);

    Member member() const; // valid after submitted()
    void showError(const QString &message);

Q_SIGNALS:
    void submitted();

private:
    void submit();
    void filterKeys();
    void updateKeyCount();

    bool m_isNew;
    Member m_base;
    QLineEdit *m_name;
    QLineEdit *m_email;
    QComboBox *m_tier;
    BudgetField *m_limit;
    QListWidget *m_keys;
    SearchField *m_keyFilter;
    QLabel *m_keyCount;
    QLabel *m_error;
    QPushButton *m_save;
    std::optional<Budget> m_parsedLimit;
};

} // namespace orteam
