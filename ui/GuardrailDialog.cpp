#include "GuardrailDialog.h"

#include "TeamController.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace orteam {

GuardrailDialog::GuardrailDialog(TeamController *team, QWidget *parent) : QDialog(parent), m_team(team)
{
    setObjectName(QStringLiteral("guardrailDialog"));
    setWindowTitle(tr("Apply tiers to OpenRouter"));
    m_status = new QLabel(tr("Reading guardrails from OpenRouter…"), this);
    m_status->setObjectName(QStringLiteral("guardrailStatusLabel"));
    m_status->setWordWrap(true);
    m_steps = new QListWidget(this);
    m_steps->setObjectName(QStringLiteral("guardrailStepsList"));
    m_steps->setWordWrap(true);
    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("guardrailNotesLabel"));
    m_notes->setWordWrap(true);
    m_notes->hide();
    // What if: the stored history replayed against the tiers about to be applied, read from the
    // team database only, so it answers even while OpenRouter is being asked.
    m_whatIfDays = new QComboBox(this);
    m_whatIfDays->setObjectName(QStringLiteral("whatIfDaysCombo"));
    m_whatIfDays->setAccessibleName(tr("Days replayed"));
    m_whatIfDays->addItem(tr("the last 30 days"), 30);
    m_whatIfDays->addItem(tr("the last 90 days"), 90);
    auto *whatIfLabel = new QLabel(tr("What if these tiers and budgets had been in force over"), this);
    whatIfLabel->setObjectName(QStringLiteral("whatIfDaysComboLabel"));
    whatIfLabel->setBuddy(m_whatIfDays);
    m_whatIf = new QPlainTextEdit(this);
    m_whatIf->setObjectName(QStringLiteral("whatIfText"));
    m_whatIf->setReadOnly(true);
    m_whatIf->setMaximumHeight(140);
    connect(m_whatIfDays, &QComboBox::currentIndexChanged, this, &GuardrailDialog::showWhatIf);
    auto *whatIfRow = new QHBoxLayout;
    whatIfRow->addWidget(whatIfLabel);
    whatIfRow->addWidget(m_whatIfDays);
    whatIfRow->addStretch(1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("guardrailButtons"));
    m_apply = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("guardrailApplyButton"));
    m_apply->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_apply, &QPushButton::clicked, this, &GuardrailDialog::apply);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_steps, 1);
    layout->addWidget(m_notes);
    layout->addLayout(whatIfRow);
    layout->addWidget(m_whatIf);
    layout->addWidget(buttons);
    resize(640, 540);
    showWhatIf();
    preview();
}

void GuardrailDialog::showWhatIf()
{
    const Result<WhatIfResult> replay = m_team->whatIf(m_whatIfDays->currentData().toInt());
    m_whatIf->setPlainText(replay ? replay->text() : tr("Could not replay the history: %1").arg(replay.errorText()));
}

void GuardrailDialog::preview()
{
    m_apply->setEnabled(false);
    m_team->planGuardrails(this, [this](const GuardrailPlan &plan, const FlowError &error) {
        m_steps->clear();
        if (error) {
            // The message says what could not be read: OpenRouter's guardrails or keys, or the team.
            QString why = error.message();
            if (!why.endsWith(QLatin1Char('.')))
                why += QLatin1Char('.');
            m_status->setText(tr("Could not plan the changes: %1 Nothing was changed.").arg(why));
            return;
        }
        m_plan = plan;
        for (const GuardrailStep &s : plan.steps)
            m_steps->addItem(s.description);
        m_notes->setText(plan.notes.join(QLatin1Char('\n')));
        m_notes->setVisible(!plan.notes.isEmpty());
        m_status->setText(plan.isEmpty() ? tr("OpenRouter already matches the tiers: nothing to do.")
                                         : tr("%n change(s) will make OpenRouter enforce the tiers:", nullptr, int(plan.steps.size())));
        m_apply->setEnabled(!plan.isEmpty());
    });
}

void GuardrailDialog::apply()
{
    if (m_stale) {
        m_stale = false;
        m_apply->setText(tr("Apply"));
        preview();
        return;
    }
    m_apply->setEnabled(false);
    m_status->setText(tr("Applying…"));
    const int total = int(m_plan.steps.size());
    m_team->applyGuardrails(m_plan, this, [this, total](int done, const FlowError &error) {
        if (error) {
            m_status->setText(tr("Stopped after %1 of %2 change(s): %3 Applying again continues from there.")
                                  .arg(done)
                                  .arg(total)
                                  .arg(error.message()));
            // What is left is planned afresh from what OpenRouter now holds.
            m_stale = true;
            m_apply->setText(tr("Preview the rest"));
            m_apply->setEnabled(true);
            return;
        }
        Q_EMIT applied(tr("Applied %n change(s) to OpenRouter's guardrails.", nullptr, done));
        accept();
    });
}

} // namespace orteam
