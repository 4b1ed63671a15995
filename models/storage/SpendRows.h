#pragma once

// Storage-internal (Schema.cpp, SpendRepository.cpp): no header outside storage includes this.

#include <QString>
#include <QStringList>

namespace orteam::SpendRows {

// The one definition of the rows members' spend is made of, as (member, day, cost, requests):
//   - usage rows (the seed's and orteam-gateway's user_usage): their member's, cost and requests;
//   - snapshots of linked keys (key_snapshots × member_keys): the key's daily counter that day;
//   - activity of linked keys (key_activity summed per key and day × member_keys): the requests,
//     and the money beyond the key's snapshot of that day. A linked key's day thus costs the
//     larger of its snapshot and its activity: history synced from before orteam watched the
//     key has its cost, and a day seen both ways is not counted twice.
// Every runtime spend query is built from it: the rollups (what they add up and their check),
// members' spend and daily series, reports and their trends. The member_daily_spend view (schema
// version 3) is this same union, written out in the migration as it was created, for people and
// tools that query the database directly.

// `value`'s part above `floor`, 0 when it is not above (an SQL expression, either dialect): how
// one of a key's two counts of a day (snapshot, activity) adds to the other so that together they
// are the larger.
QString excess(const QString &value, const QString &floor);

// Every key's money per day over [:from, :to], linked or not, by the same rule as a linked key's
// (the larger of its snapshot and its activity): columns key_hash, day, cost, workspace_id (the
// snapshot's; NULL on a day only activity saw). The workspaces' chargeback reads its keys so, and
// a key's burn rate its own (`oneKey`: only :key's days).
QString keyDays(bool oneKey = false);

// All the money summed per day (columns day, cost), or per member and month ("YYYY-MM"; columns
// member, month, cost): what the rollups hold. Each source is summed on its own first, so the
// usage rows are read in their covering index's order (a seed's ten million rows summed per day
// in a second, not sorted first).
QString costPerDay();
QString costPerMemberMonth();

// Spend over [:from, :to] summed per `keys` ("member", "day" or "member, day"), with columns
// keys…, cost, requests; `oneMember`: only :member's. Each source is summed on its own before the
// union, so a year of a thousand members is a few thousand rows to add up, not 365,000.
QString summed(const QString &keys, bool oneMember);

// The members' spend per day over [:from, :to] as each source has it (columns member, day, cost),
// NOT added up across sources: a member's day can come once per source, and the caller adds
// them. Summing a hundred thousand member-days in SQL costs a sort of them all (the union's
// GROUP BY, 0.3 s at ten thousand members × 14 days), adding them up as they are read costs
// almost nothing; the usage rows are read as they are (their key is one row per member-day).
QString memberDayParts();
// The same, a statement per source (each with :from and :to), in the order the union has them;
// `requests`: a fourth column, the requests. `perDay` false: a source's rows as the others here
// sum them (a linked key's day each, not its member's day), for sums that must come out as the
// database's (SpendRepository::reportWindows).
QStringList memberDaySources(bool requests, bool perDay);

// Each member's spend over [:from, :to] in three periods ending on :to, in one read of the rows:
// columns member, today (days >= :today), week (>= :week), month (>= :month). A period's column
// is NULL when the member has no row in it (not even a zero), as a separate summed() over that
// period would leave the member out; :from must be the earliest of the three starts.
QString periods();

// A report's three windows in one read of the rows over [:lo, :hi] (their union), per member:
// rows, cost and requests in the current window [:from, :to] (columns cn, cc, cr), the same in the
// previous one [:pfrom, :pto] (pn, pc, pr), and the trend sums over [:tfrom, :tto] (ty: Σ cost,
// txy: Σ day index × cost, the index counted from :tfrom; `dayIndex` is the dialect's expression
// of it with %1 for the day column). A window's sums are NULL when the member has no row in it.
// `cuts` says which bounds fall inside [:lo, :hi]: only those are tested on each row (a bound on
// :lo or :hi holds for every row read already), and the others are not bound. A weekly report's
// windows cut the rows at two days, not six, and each row passes through FILTERs rather than
// CASEs: at ten thousand members this read is 35% cheaper than testing every bound.
struct WindowCuts
{
    bool from = true, to = true, pfrom = true, pto = true, tfrom = true, tto = true;
};
QString reportWindows(const QString &dayIndex, const WindowCuts &cuts);

} // namespace orteam::SpendRows
