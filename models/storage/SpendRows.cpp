#include "SpendRows.h"

#include <QList>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace orteam::SpendRows {

namespace {
struct Source
{
    QString from;     // table (and the link it is read through)
    QString member;   // column expressions
    QString day;
    QString cost;     // "0": no money in these rows
    QString requests; // "0": no request counts
};

const QList<Source> &sources()
{
    static const QList<Source> all{
        {u"user_usage"_s, u"user_id"_s, u"date"_s, u"COALESCE(total_cost, 0)"_s, u"request_count"_s},
        {u"key_snapshots ks JOIN member_keys mk ON mk.key_hash = ks.key_hash"_s, u"mk.member_name"_s, u"ks.day"_s,
         u"ks.usage_daily"_s, u"0"_s},
        {u"key_activity ka JOIN member_keys mk ON mk.key_hash = ka.key_hash"_s, u"mk.member_name"_s, u"ka.day"_s, u"0"_s,
         u"ka.requests"_s},
    };
    return all;
}

QString dayRange(const Source &s)
{
    return u"%1 >= :from AND %1 <= :to"_s.arg(s.day);
}

QString sum(const QString &column)
{
    return column == "0"_L1 ? column : u"SUM(%1)"_s.arg(column);
}
} // namespace

QString costRows(bool ranged)
{
    QStringList parts;
    for (const Source &s : sources()) {
        if (s.cost == "0"_L1)
            continue;
        parts << u"SELECT %1 AS member, %2 AS day, %3 AS cost FROM %4%5"_s.arg(
            s.member, s.day, s.cost, s.from, ranged ? u" WHERE "_s + dayRange(s) : QString());
    }
    return parts.join(u" UNION ALL "_s);
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
            columns.join(u", "_s), sum(s.cost), sum(s.requests), s.from, dayRange(s),
            oneMember ? u" AND %1 = :member"_s.arg(s.member) : QString(), groups.join(u", "_s));
    }
    return u"SELECT %1, SUM(cost) AS cost, SUM(requests) AS requests FROM (%2) AS spend GROUP BY %1"_s.arg(
        keys, parts.join(u" UNION ALL "_s));
}

} // namespace orteam::SpendRows
