#include "RotateKeyDialog.h"

#include "Money.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace orteam {

RotateKeyDialog::RotateKeyDialog(const QList<ApiKey> &keys, bool canSchedule, const Result<HygieneSettings> &settings,
                                 bool offerRevokeNow, QWidget *parent)
    : GuardedDialog(parent)
{
    setObjectName(QStringLiteral("rotateKeyDialog"));
    setWindowTitle(tr("Rotate keys"));
    QStringList names;
    for (const ApiKey &k : keys)
        names << tr("%1 (%2)").arg(k.name, formatUsd(k.usage));
    auto *question = new QLabel(keys.size() == 1
                                    ? tr("Create a replacement for \"%1\" with the same limit, reset, expiry and member?").arg(keys.first().name)
                                    : tr("Create replacements for %1 keys with the same limits, resets, expiries and members? %2")
                                          .arg(keys.size())
                                          .arg(names.join(QStringLiteral(", "))),
                                this);
    question->setObjectName(QStringLiteral("rotateQuestionLabel"));
    question->setWordWrap(true);
    auto *note = new QLabel(tr("Each new key is shown once. What happens to the old key:"), this);
    note->setObjectName(QStringLiteral("rotateNoteLabel"));

    const HygieneSettings periods = settings ? *settings : HygieneSettings{};
    m_schedule = new QRadioButton(tr("Disable the old key after"), this);
    m_schedule->setObjectName(QStringLiteral("rotateScheduleRadio"));
    m_disableDays = new QSpinBox(this);
    m_disableDays->setObjectName(QStringLiteral("rotateDisableDaysSpin"));
    m_disableDays->setRange(0, 3650);
    m_disableDays->setValue(periods.graceDisableDays);
    m_revokeDays = new QSpinBox(this);
    m_revokeDays->setObjectName(QStringLiteral("rotateRevokeDaysSpin"));
    m_revokeDays->setRange(0, 3650);
    m_revokeDays->setValue(periods.graceRevokeDays);
    auto *daysThen = new QLabel(tr("days, revoke it after"), this);
    daysThen->setObjectName(QStringLiteral("rotateDaysThenLabel"));
    auto *days = new QLabel(tr("days"), this);
    days->setObjectName(QStringLiteral("rotateDaysLabel"));
    auto *scheduleRow = new QHBoxLayout;
    scheduleRow->addWidget(m_schedule);
    scheduleRow->addWidget(m_disableDays);
    scheduleRow->addWidget(daysThen);
    scheduleRow->addWidget(m_revokeDays);
    scheduleRow->addWidget(days);
    scheduleRow->addStretch(1);

    if (offerRevokeNow) {
        m_revokeNow = new QRadioButton(tr("Revoke the old key once I have seen the new one"), this);
        m_revokeNow->setObjectName(QStringLiteral("rotateRevokeNowRadio"));
    }
    m_leave = new QRadioButton(tr("Leave the old key as it is"), this);
    m_leave->setObjectName(QStringLiteral("rotateLeaveRadio"));

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("rotateProblemLabel"));
    m_problem->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("rotateButtonBox"));
    m_ok = buttons->addButton(tr("Rotate"), QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(QStringLiteral("rotateOkButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("rotateCancelButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &GuardedDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(question);
    layout->addWidget(note);
    layout->addLayout(scheduleRow);
    if (m_revokeNow)
        layout->addWidget(m_revokeNow);
    layout->addWidget(m_leave);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    QString why;
    if (!canSchedule)
        why = tr("No team database is open, so the old key cannot be scheduled.");
    else if (!settings)
        why = tr("The team's rotation periods could not be read (%1); the defaults are shown.").arg(settings.errorText());
    m_schedule->setEnabled(canSchedule);
    m_disableDays->setEnabled(canSchedule);
    m_revokeDays->setEnabled(canSchedule);
    (canSchedule ? m_schedule : (m_revokeNow ? m_revokeNow : m_leave))->setChecked(true);
    m_problem->setProperty("note", why);
    for (QSpinBox *s : {m_disableDays, m_revokeDays})
        connect(s, &QSpinBox::valueChanged, this, &RotateKeyDialog::validate);
    connect(m_schedule, &QRadioButton::toggled, this, &RotateKeyDialog::validate);
    validate();
    // The team's periods and the default choice are "unchanged": Esc asks only after an edit.
    markClean();
}

void RotateKeyDialog::validate()
{
    QString problem;
    if (m_schedule->isChecked() && m_revokeDays->value() < m_disableDays->value())
        problem = tr("The old key cannot be revoked before it is disabled.");
    const QString note = m_problem->property("note").toString();
    m_problem->setText(problem.isEmpty() ? note : problem);
    m_problem->setVisible(!m_problem->text().isEmpty());
    m_ok->setEnabled(problem.isEmpty());
}

RotateKeyDialog::OldKey RotateKeyDialog::oldKey() const
{
    if (m_schedule->isChecked())
        return OldKey::Schedule;
    return m_revokeNow && m_revokeNow->isChecked() ? OldKey::RevokeNow : OldKey::Leave;
}

LifecycleService::RotateOptions RotateKeyDialog::options() const
{
    LifecycleService::RotateOptions o;
    o.schedule = oldKey() == OldKey::Schedule;
    if (o.schedule) {
        o.disableAfterDays = m_disableDays->value();
        o.revokeAfterDays = m_revokeDays->value();
    }
    return o;
}

} // namespace orteam
