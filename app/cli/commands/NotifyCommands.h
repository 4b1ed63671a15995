#pragma once

#include "Command.h"

namespace orteam::cli {

// Notifications (issue 18): where alerts and reports go, the outbox, and the run cron or the
// systemd timer makes. The rules are NotifyService's; these only read arguments and print.

// notify list: every destination with what it takes and how it is doing.
class NotifyList final : public Command
{
public:
    NotifyList();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify set ID …: a destination created or changed (options not given keep their value).
class NotifySet final : public Command
{
public:
    NotifySet();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify secret ID: the destination's secret read from stdin into the keychain.
class NotifySecret final : public Command
{
public:
    NotifySecret();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify remove ID
class NotifyRemove final : public Command
{
public:
    NotifyRemove();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify test ID: a test message sent now, its answer printed.
class NotifyTest final : public Command
{
public:
    NotifyTest();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify run: alerts decided and queued, scheduled reports queued, the outbox delivered.
class NotifyRun final : public Command
{
public:
    NotifyRun();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify status: each destination's health; exit 9 when one is failing (for monitoring).
class NotifyStatus final : public Command
{
public:
    NotifyStatus();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify outbox: the latest messages and their state.
class NotifyOutbox final : public Command
{
public:
    NotifyOutbox();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify retry ID: a failed or unknown message sent again at the next delivery.
class NotifyRetry final : public Command
{
public:
    NotifyRetry();
    int execute(Context &context, const Arguments &arguments) override;
};

// notify settings: budget thresholds, the team's budgets, the credits warning.
class NotifySettings final : public Command
{
public:
    NotifySettings();
    int execute(Context &context, const Arguments &arguments) override;
};

// Delivers the outbox and prints what happened (notify run and report --send share it): the exit
// code, NotDelivered when a message was not sent.
int deliverOutbox(Context &context);

} // namespace orteam::cli
