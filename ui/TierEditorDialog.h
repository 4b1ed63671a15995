#pragma once

#include "Account.h"
#include "Team.h"

#include "GuardedDialog.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace orteam {

class BudgetField;

class TeamController;

// Edits the tiers: each tier's default daily budget, its model allowlist picked from OpenRouter's
// catalogue (with prices per million tokens, filterable) or "every model", and the fallback a
// disallowed request becomes. Saving one tier writes it at once; nothing is half-saved.
class TierEditorDialog final : public GuardedDialog
{
    Q_OBJECT

public:
    TierEditorDialog(TeamController *team, QWidget *parent = nullptr);

    void selectTier(const QString &name);
    QStringList checkedModels() const;

private:
    void tierPicked(int row);
    void loadTier(int row);
    void fillModels(const QList<ModelInfo> &models);
    void applyFilter();
    void updateFallbacks();
    void save();
    void addTier();
    void deleteTier();
    void showMessage(const QString &text, bool error);

    TeamController *m_team;
    QList<ModelInfo> m_models;
    QString m_current; // the tier on the right ("" while a new one is being made)
    int m_shownRow = -1; // its row in the list (-1 while a new one is being made)
    QListWidget *m_tiers;
    QPushButton *m_add;
    QPushButton *m_delete;
    QLineEdit *m_name;
    BudgetField *m_limit;
    QCheckBox *m_unrestricted;
    QLineEdit *m_filter;
    QTableWidget *m_table;
    QComboBox *m_fallback;
    QLabel *m_message;
    QPushButton *m_save;
};

} // namespace orteam
