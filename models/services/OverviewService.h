#pragma once

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
};

} // namespace orteam
