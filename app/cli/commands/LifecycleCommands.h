#pragma once

#include "Command.h"

namespace orteam::cli {

// Key hygiene and lifecycle (issue 17): the findings, rotation with a grace period, the schedule
// carried out from cron, and the team's thresholds.

// keys audit: every key judged by the hygiene rules; exit 8 on findings for cron and CI.
class KeysAudit final : public Command
{
public:
    KeysAudit();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys rotate KEY: a replacement made (its secret printed once), the old key scheduled.
class KeysRotate final : public Command
{
public:
    KeysRotate();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys lifecycle run: what the rotation schedule wants done now.
class KeysLifecycleRun final : public Command
{
public:
    KeysLifecycleRun();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys lifecycle cancel KEY: an old key kept after all; its schedule ends.
class KeysLifecycleCancel final : public Command
{
public:
    KeysLifecycleCancel();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys hygiene-settings: the team's thresholds, shown or changed.
class KeysHygieneSettings final : public Command
{
public:
    KeysHygieneSettings();
    int execute(Context &context, const Arguments &arguments) override;
};

} // namespace orteam::cli
