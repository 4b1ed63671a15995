#include "SpendRows.h"

#include <QList>
#include <QStringList>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace orteam::SpendRows {

QString excess(const QString &value, const QString &floor)
{
    return u"CASE WHEN %1 > %2 THEN %1 - %2 ELSE 0 END"_s.arg(value, floor);
}

namespace {
struct Source
{
    QString from;     // table (and the link it is read through); %1: where a day range goes (see rows())
    QString member;   // column expressions
    QString day;
    QString cost;     // "0": no money in these rows
    QString requests; // "0": no request counts
    bool rowPerMemberDay = false; // at most one row per member and day (its primary key)
};

// A linked key's money on a day is the larger of what its snapshot and its synced activity say:
// the snapshot's daily counter, taken during the day, is a floor (it only grows until midnight);
// GET /activity's sum over the day's models is the whole of a completed day, and a day seen by
// no snapshot has only it (the 29 days before a first sync). Never their sum: both count the
// same requests. As two sources that add up to that larger one: the snapshot counts its counter,
// the activity what it has beyond it.
const QString ActivityBeyondSnapshot = excess(u"ka.usage"_s, u"COALESCE(ks.usage_daily, 0)"_s);

const QList<Source> &sources()
{
    static const QList<Source> all{
        {u"user_usage"_s, u"user_id"_s, u"date"_s, u"COALESCE(total_cost, 0)"_s, u"request_count"_s, true},
        {u"key_snapshots ks JOIN member_keys mk ON mk.key_hash = ks.key_hash"_s, u"mk.member_name"_s, u"ks.day"_s,
         u"ks.usage_daily"_s, u"0"_s},
        // A key's day summed over its models first, so it meets its snapshot once.
        {u"(SELECT key_hash, day, SUM(usage) AS usage, SUM(requests) AS requests FROM key_activity%1 "
         "GROUP BY key_hash, day) AS ka JOIN member_keys mk ON mk.key_hash = ka.key_hash "
         "LEFT JOIN key_snapshots ks ON ks.key_hash = ka.key_hash AND ks.day = ka.day"_s,
         u"mk.member_name"_s, u"ka.day"_s, ActivityBeyondSnapshot, u"ka.requests"_s},
    };
    return all;
}

// The source's FROM: a range of days [lo, hi] (parameter names) is also read inside a summed
// source, so only those days are summed; empty: every day. `oneMember`: only :member's keys are
// summed there too (one member's year is not every key's year grouped first).
QString rows(const Source &s, const QString &lo = {}, const QString &hi = {}, bool oneMember = false)
{
    if (!s.from.contains(u"%1"_s))
        return s.from;
    QStringList where;
    if (!lo.isEmpty())
        where << u"day >= %1 AND day <= %2"_s.arg(lo, hi);
    if (oneMember)
        where << u"key_hash IN (SELECT key_hash FROM member_keys WHERE member_name = :member)"_s;
    return s.from.arg(where.isEmpty() ? QString() : u" WHERE "_s + where.join(u" AND "_s));
}

} // namespace

QString keyDays(bool oneKey)
{
    // The activity's sum plus what the snapshot has beyond it: the larger of the two.
    const QString where = u"day >= :from AND day <= :to"_s + (oneKey ? u" AND key_hash = :key"_s : QString());
    return u"SELECT key_hash, day, SUM(a) + %2 AS cost, MAX(ws) AS workspace_id "
           "FROM (SELECT key_hash, day, usage_daily AS s, 0 AS a, workspace_id AS ws FROM key_snapshots WHERE %1 "
           "UNION ALL SELECT key_hash, day, 0, usage, NULL FROM key_activity WHERE %1) AS kd "
           "GROUP BY key_hash, day"_s.arg(where, excess(u"SUM(s)"_s, u"SUM(a)"_s));
}

namespace {
QString dayRange(const Source &s)
{
    return u"%1 >= :from AND %1 <= :to"_s.arg(s.day);
}

QString sum(const QString &column)
{
    return column == "0"_L1 ? column : u"SUM(%1)"_s.arg(column);
}
} // namespace

namespace {
// Every money source summed per `keys` (`key(s)` gives each key's expression in a source), then
// the sources' sums added per key.
QString costPer(const QStringList &keys, QString (*key)(const Source &, const QString &))
{
    QStringList parts;
    for (const Source &s : sources()) {
        if (s.cost == "0"_L1)
            continue;
        QStringList columns, groups;
        for (const QString &k : keys) {
            columns << key(s, k) + u" AS "_s + k;
            groups << key(s, k);
        }
        parts << u"SELECT %1, SUM(%2) AS cost FROM %3 GROUP BY %4"_s.arg(columns.join(u", "_s), s.cost, rows(s),
                                                                        groups.join(u", "_s));
    }
    return u"SELECT %1, SUM(cost) AS cost FROM (%2) AS a GROUP BY %1"_s.arg(keys.join(u", "_s), parts.join(u" UNION ALL "_s));
}
} // namespace

QString costPerDay()
{
    return costPer({u"day"_s}, [](const Source &s, const QString &) { return s.day; });
}

QString costPerMemberMonth()
{
    return costPer({u"member"_s, u"month"_s}, [](const Source &s, const QString &k) {
        return k == "member"_L1 ? s.member : u"substr(%1, 1, 7)"_s.arg(s.day);
    });
}

QString summed(const QString &keys, bool oneMember)
{
    const QStringList keyList = keys.split(u", "_s);
    QStringList parts;
    for (const Source &s : sources()) {
        QStringList columns, groups;
        for (const QString &key : keyList) {
            const QString &column = key == "member"_L1 ? s.member : s.day;
            columns << column + u" AS "_s + key;
            groups << column;
        }
        parts << u"SELECT %1, %2 AS cost, %3 AS requests FROM %4 WHERE %5%6 GROUP BY %7"_s.arg(
            columns.join(u", "_s), sum(s.cost), sum(s.requests), rows(s, u":from"_s, u":to"_s, oneMember), dayRange(s),
            oneMember ? u" AND %1 = :member"_s.arg(s.member) : QString(), groups.join(u", "_s));
    }
    return u"SELECT %1, SUM(cost) AS cost, SUM(requests) AS requests FROM (%2) AS spend GROUP BY %1"_s.arg(
        keys, parts.join(u" UNION ALL "_s));
}

QStringList memberDaySources(bool requests, bool perDay)
{
    QStringList parts;
    for (const Source &s : sources()) {
        const bool grouped = perDay && !s.rowPerMemberDay;
        const QString columns = u"%1 AS member, %2 AS day, %3 AS cost"_s.arg(s.member, s.day, grouped ? sum(s.cost) : s.cost);
        const QString counted = !requests ? QString() : u", %1 AS requests"_s.arg(grouped ? sum(s.requests) : s.requests);
        parts << u"SELECT %1%2 FROM %3 WHERE %4%5"_s.arg(columns, counted, rows(s, u":from"_s, u":to"_s), dayRange(s),
                                                         grouped ? u" GROUP BY %1, %2"_s.arg(s.member, s.day) : QString());
    }
    return parts;
}

QString memberDayParts()
{
    return memberDaySources(false, true).join(u" UNION ALL "_s);
}

QString periods()
{
    // CASE without ELSE: a row outside the period adds NULL, which SUM skips, so a period without
    // rows sums to NULL rather than 0 (and the rows inside it add up in the order they would alone).
    static const QStringList periods{u"today"_s, u"week"_s, u"month"_s};
    QStringList parts;
    for (const Source &s : sources()) {
        QStringList columns;
        for (const QString &period : periods)
            columns << u"SUM(CASE WHEN %1 >= :%2 THEN %3 END) AS %2"_s.arg(s.day, period, s.cost);
        parts << u"SELECT %1 AS member, %2 FROM %3 WHERE %4 GROUP BY %1"_s.arg(s.member, columns.join(u", "_s),
                                                                               rows(s, u":from"_s, u":to"_s), dayRange(s));
    }
    return u"SELECT member, SUM(today), SUM(week), SUM(month) FROM (%1) AS spend GROUP BY member"_s.arg(
        parts.join(u" UNION ALL "_s));
}

QString reportWindows(const QString &dayIndex, const WindowCuts &cuts)
{
    struct Window
    {
        QString prefix; // c, p, t
        QString from, to; // the bounds' parameters
        bool cutFrom, cutTo;
    };
    const Window windows[] = {{u"c"_s, u":from"_s, u":to"_s, cuts.from, cuts.to},
                              {u"p"_s, u":pfrom"_s, u":pto"_s, cuts.pfrom, cuts.pto},
                              {u"t"_s, u":tfrom"_s, u":tto"_s, cuts.tfrom, cuts.tto}};
    QStringList parts;
    for (const Source &s : sources()) {
        QStringList columns;
        for (const Window &w : windows) {
            QStringList tests;
            if (w.cutFrom)
                tests << u"%1 >= %2"_s.arg(s.day, w.from);
            if (w.cutTo)
                tests << u"%1 <= %2"_s.arg(s.day, w.to);
            // No test: the window is every row read, and its sums are plain ones.
            const QString only = tests.isEmpty() ? QString() : u" FILTER (WHERE %1)"_s.arg(tests.join(u" AND "_s));
            // A source without money or requests sums 0s: 0 for a member with rows in the
            // window, NULL without, as for the others.
            if (w.prefix == "t"_L1) {
                columns << u"SUM(%1)%2 AS ty"_s.arg(s.cost, only)
                        << u"SUM(%1 * %2)%3 AS txy"_s.arg(dayIndex.arg(s.day), s.cost, only);
                continue;
            }
            columns << u"COUNT(*)%1 AS %2n"_s.arg(only, w.prefix) << u"SUM(%1)%2 AS %3c"_s.arg(s.cost, only, w.prefix)
                    << u"SUM(%1)%2 AS %3r"_s.arg(s.requests, only, w.prefix);
        }
        parts << u"SELECT %1 AS member, %2 FROM %3 WHERE %4 >= :lo AND %4 <= :hi GROUP BY %1"_s.arg(
            s.member, columns.join(u", "_s), rows(s, u":lo"_s, u":hi"_s), s.day);
    }
    return u"SELECT member, SUM(cn) AS cn, SUM(cc) AS cc, SUM(cr) AS cr, SUM(pn) AS pn, SUM(pc) AS pc, SUM(pr) AS pr, "
           "SUM(ty) AS ty, SUM(txy) AS txy FROM (%1) AS spend "
           "GROUP BY member"_s.arg(parts.join(u" UNION ALL "_s));
}

} // namespace orteam::SpendRows
