#pragma once

#include "Command.h"

namespace orteam::cli {

// sync: OpenRouter's key counters and activity copied into the team database (SyncService).
class Sync final : public Command
{
public:
    Sync();
    int execute(Context &context, const Arguments &arguments) override;
};

// budgets check: the daily budget check, for cron (DailyCheckService).
class BudgetsCheck final : public Command
{
public:
    BudgetsCheck();
    int execute(Context &context, const Arguments &arguments) override;
};

// report weekly|monthly: the team report, as a table, JSON or CSV.
class ReportCommand final : public Command
{
public:
    ReportCommand();
    int execute(Context &context, const Arguments &arguments) override;
};

// overview: the Overview page's numbers (OverviewService), as text or JSON.
class OverviewCommand final : public Command
{
public:
    OverviewCommand();
    int execute(Context &context, const Arguments &arguments) override;
};

// db check: the spend rollups checked against the rows they add up, and rebuilt on request.
// audit [--limit N] [--target T] [--format table|json]: the audit log, newest first.
class AuditLog final : public Command
{
public:
    AuditLog();
    int execute(Context &context, const Arguments &arguments) override;
};

class DbCheck final : public Command
{
public:
    DbCheck();
    int execute(Context &context, const Arguments &arguments) override;
};

} // namespace orteam::cli
