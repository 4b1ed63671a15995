#pragma once

#include "ApiKey.h"
#include "Hygiene.h"
#include "LifecycleService.h"
#include "GuardedDialog.h"
#include "StoreResult.h"

class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace orteam {

// The rotate confirmation: which keys get a replacement, and what happens to the old ones —
// "disable after [7] days, revoke after [30] days" (the team's grace periods, kept in the team
// database and carried out by the dashboard's refresh and `orteam-cli keys lifecycle run`),
// revoke once the new secret has been seen, or leave them as they are. Changed periods or choice
// are asked about before Esc or Cancel drops them.
class RotateKeyDialog final : public GuardedDialog
{
    Q_OBJECT

public:
    enum class OldKey { Schedule, RevokeNow, Leave };
    // `settings`: the team's periods (their read error is shown, and the defaults offered);
    // `canSchedule` false without a team database. `offerRevokeNow`: the Keys page's single key.
    RotateKeyDialog(const QList<ApiKey> &keys, bool canSchedule, const Result<HygieneSettings> &settings, bool offerRevokeNow,
                    QWidget *parent = nullptr);

    OldKey oldKey() const;
    LifecycleService::RotateOptions options() const;

private:
    void validate();

    QRadioButton *m_schedule;
    QRadioButton *m_revokeNow = nullptr;
    QRadioButton *m_leave;
    QSpinBox *m_disableDays;
    QSpinBox *m_revokeDays;
    QLabel *m_problem;
    QPushButton *m_ok;
};

} // namespace orteam
