#pragma once

#include "Enforcement.h"

#include <QDialog>

class QLabel;
class QListWidget;
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

    TeamController *m_team;
    GuardrailPlan m_plan;
    QLabel *m_status;
    QListWidget *m_steps;
    QLabel *m_notes;
    QPushButton *m_apply;
    bool m_stale = false; // a failed apply: the next click previews again
};

} // namespace orteam
