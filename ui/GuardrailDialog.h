#pragma once

#include "Enforcement.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace orteam {

class TeamController;

// "Apply tiers to OpenRouter": asks OpenRouter what guardrails and assignments exist, shows the
// changes that would make them match the tiers, and applies them only when confirmed. Applying
// twice is harmless: the second preview says there is nothing to do.
class GuardrailDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit GuardrailDialog(TeamController *team, QWidget *parent = nullptr);
    const GuardrailPlan &plan() const { return m_plan; }

Q_SIGNALS:
    void applied(const QString &message);

private:
    void preview();
    void apply();
    void showWhatIf();

    TeamController *m_team;
    GuardrailPlan m_plan;
    QLabel *m_status;
    QListWidget *m_steps;
    QLabel *m_notes;
    QComboBox *m_whatIfDays;
    QPlainTextEdit *m_whatIf;
    QPushButton *m_apply;
    bool m_stale = false; // a failed apply: the next click previews again
};

} // namespace orteam
