#pragma once

#include "Alerts.h"
#include "ApiKey.h"
#include "Overview.h"
#include "Store.h"

#include <optional>

namespace orteam {

// The Overview's reads, for the dashboard and `orteam-cli overview` alike: the team's days, when
// history starts, this week's and last week's spend per member, the month's budget and the alerts
// that hold now. All of them or the first error: an overview from a partial read would show $0
// where the database could not say.
class OverviewService
{
public:
    // `keys`: the account's keys when they are known (their alerts count then); none without a
    // key or before the first load, and the overview says its alerts are the database's only.
    static Result<Overview> read(const Store &store, const std::optional<QList<ApiKey>> &keys, const std::optional<Credits> &credits,
                                 const QDateTime &now);
    // The same with the alerts' input already read (NotifyService::alertInput with the same keys
    // and credits): the dashboard reads it once per refresh for every page that needs it.
    // `alerts` are currentAlerts(input), judged once by the caller too.
    static Result<Overview> read(const Store &store, const AlertInput &input, const QList<Alert> &alerts, bool keysKnown,
                                 const QDateTime &now);
    // The same computation from the month's reads only (the team's days, when history starts, the
    // budget; no alerts): month to date, budget, projected month end and crossing day, for the
    // calendar month report.
    static Result<Overview> month(const Store &store, const QDateTime &now);

private:
    // The reads both need; `firstSpendDay` is left to the caller (read() has it from the alerts').
    static Status readMonth(const Store &store, OverviewInput &in);
};

} // namespace orteam
