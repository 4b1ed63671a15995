#include "SpendRepository.h"

#include "Database.h"
#include "Schema.h"
#include "SpendRows.h"
#include "Sql.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QString iso(const QDate &day)
{
    return day.toString(Qt::ISODate);
}

QDate dayOf(const QVariant &v)
{
    return QDate::fromString(v.toString(), Qt::ISODate);
}

// The rows of an executed (day, cost) statement as a series.
Result<DailySeries> seriesOf(Sql &q)
{
    DailySeries out;
    while (q.next())
        out.insert(dayOf(q.value(0)), q.value(1).toDouble());
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

// A statement over SpendRows::summed: binds the range (and the member).
Sql &bindRange(Sql &q, const QDate &from, const QDate &to)
{
    return q.bind(u":from"_s, iso(from)).bind(u":to"_s, iso(to));
}
} // namespace

namespace {
// The members named by rows read one at a time (Sql::scan), each given a place in the order first
// read, so what is kept per member can sit in a vector beside it. Usage rows come a day at a time,
// each day's members in the same order: the member after the last row's is nearly always this
// row's, so most rows find theirs without hashing (which would cost more than the rest of the
// row). Not a QHash: Qt 6.4 hashes bytes several times slower than the standard library.
class MemberIndex
{
public:
    // The place of `name`; `added` is set when it is new (the next place, size() - 1).
    qsizetype place(QByteArrayView utf8, bool *added)
    {
        const std::string_view name(utf8.data(), size_t(utf8.size()));
        *added = false;
        if (m_guess < size() && view(m_guess) == name)
            return m_guess++;
        if (const auto it = m_at.find(name); it != m_at.end()) {
            m_guess = it->second + 1;
            return it->second;
        }
        m_names.push_back(utf8.toByteArray());
        // Viewed where the vector keeps it: a QByteArray's bytes stay put when the vector moves it.
        m_at.emplace(view(size() - 1), size() - 1);
        *added = true;
        m_guess = size();
        return size() - 1;
    }
    // The place of a name already read, or -1.
    qsizetype find(QByteArrayView utf8) const
    {
        const auto it = m_at.find(std::string_view(utf8.data(), size_t(utf8.size())));
        return it == m_at.end() ? -1 : it->second;
    }
    QString name(qsizetype at) const { return QString::fromUtf8(m_names[size_t(at)]); }
    qsizetype size() const { return qsizetype(m_names.size()); }

private:
    std::string_view view(qsizetype at) const { return {m_names[size_t(at)].constData(), size_t(m_names[size_t(at)].size())}; }

    std::vector<QByteArray> m_names;
    std::unordered_map<std::string_view, qsizetype> m_at;
    qsizetype m_guess = 0;
};

// What each member's rows add up to, read source by source (SpendRows::memberDaySources): each
// source's rows summed on their own, then the sources added in turn, as the database adds up a
// union of per-source sums. `Sums` has add().
template<typename Sums>
class PerMemberSums
{
public:
    // The sums of the member's rows of `source`, to add a row to.
    Sums &of(QByteArrayView member, int source)
    {
        bool added = false;
        const qsizetype at = m_index.place(member, &added);
        return ofPlace(at, added, source);
    }
    qsizetype find(QByteArrayView member) const { return m_index.find(member); }
    qsizetype size() const { return m_index.size(); }
    QString name(qsizetype at) const { return m_index.name(at); }
    Sums total(qsizetype at) const
    {
        Sums sum = m_entries[size_t(at)].total;
        sum.add(m_entries[size_t(at)].part);
        return sum;
    }

private:
    struct Entry
    {
        Sums total, part; // `part`: the rows of `source` not yet added to `total`
        int source = -1;
    };
    Sums &ofPlace(qsizetype at, bool added, int source)
    {
        if (added)
            m_entries.emplace_back();
        Entry &e = m_entries[size_t(at)];
        if (e.source != source) {
            e.total.add(e.part);
            e.part = Sums{};
            e.source = source;
        }
        return e.part;
    }

    MemberIndex m_index;
    std::vector<Entry> m_entries; // at their places in m_index
};

// Every source's rows over [from, to] (SpendRows::memberDaySources: member, day, cost and, with
// `requests`, requests), each handed to `add` with its member's sums of that source.
template<typename Sums, typename Add>
Status readSources(const Database &db, PerMemberSums<Sums> &sums, const QDate &from, const QDate &to, bool requests,
                   const QString &what, Add add)
{
    const QStringList sources = SpendRows::memberDaySources(requests, false);
    for (int source = 0; source < sources.size(); ++source) {
        Sql q(db, sources[source], what);
        if (Status read = bindRange(q, from, to).scan([&](const SqlRow &row) { add(sums.of(row.text(0), source), row); }); !read)
            return read;
    }
    return {};
}

// What a row's day tells (which windows it is in, its date), worked out again only when the day
// changes: the usage rows come a day at a time, so a day's text is read once, not at every row.
template<typename T>
class PerDay
{
public:
    template<typename Work>
    const T &of(QByteArrayView text, Work work)
    {
        const std::string_view day(text.data(), size_t(text.size()));
        if (!m_known || day != m_day) {
            m_day = day;
            m_value = work(day);
            m_known = true;
        }
        return m_value;
    }

private:
    std::string m_day;
    T m_value{};
    bool m_known = false;
};
} // namespace

bool SpendRepository::inProcess(Summing summing) const
{
    return summing == Summing::InProcess || (summing == Summing::Auto && !m_db.isPostgres());
}

Result<QHash<QString, MemberSpend>> SpendRepository::memberSpendInProcess(const QDate &from, const QDate &to) const
{
    struct Sums
    {
        MemberSpend spend;
        void add(const Sums &o)
        {
            spend.cost += o.spend.cost;
            spend.requests += o.spend.requests;
        }
    };
    PerMemberSums<Sums> sums;
    const Status read = readSources(m_db, sums, from, to, true, u"Cannot read the members' spend"_s, [](Sums &m, const SqlRow &row) {
        m.spend.cost += row.real(2);
        m.spend.requests += row.integer(3);
    });
    if (!read)
        return read.error();
    QHash<QString, MemberSpend> out;
    out.reserve(sums.size());
    for (qsizetype at = 0; at < sums.size(); ++at)
        out.insert(sums.name(at), sums.total(at).spend);
    return out;
}

Result<QHash<QString, MemberSpend>> SpendRepository::memberSpend(const QDate &from, const QDate &to, Summing summing) const
{
    if (inProcess(summing))
        return memberSpendInProcess(from, to);
    Sql q(m_db, SpendRows::summed(u"member"_s, false), u"Cannot read the members' spend"_s);
    if (Status s = bindRange(q, from, to).exec(); !s)
        return s.error();
    QHash<QString, MemberSpend> out;
    while (q.next())
        out.insert(q.value(0).toString(), MemberSpend{q.value(1).toDouble(), q.value(2).toLongLong()});
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

Result<QHash<QString, PeriodSpend>> SpendRepository::periodSpendInProcess(const QDate &today) const
{
    // As SpendRows::periods() sums them (see reportWindowsInProcess()): a period is set when a row
    // with money is in it, and each source's sums are added in turn.
    const QDate week = budgetPeriodStart(LimitReset::Weekly, today);
    const QDate month = budgetPeriodStart(LimitReset::Monthly, today);
    const std::array<QByteArray, 3> starts{iso(today).toLatin1(), iso(week).toLatin1(), iso(month).toLatin1()};
    struct Sums
    {
        std::array<double, 3> cost{};
        std::array<bool, 3> set{};
        void add(const Sums &o)
        {
            for (size_t p = 0; p < 3; ++p) {
                if (o.set[p]) {
                    cost[p] += o.cost[p];
                    set[p] = true;
                }
            }
        }
    };
    PerMemberSums<Sums> sums;
    PerDay<std::array<bool, 3>> periodsOf; // which periods a day is in
    const Status read = readSources(m_db, sums, std::min(week, month), today, false, u"Cannot read the members' spend"_s,
                                    [&](Sums &m, const SqlRow &row) {
        if (row.isNull(2))
            return;
        const std::array<bool, 3> &in = periodsOf.of(row.text(1), [&](std::string_view day) {
            std::array<bool, 3> periods{};
            for (size_t p = 0; p < 3; ++p)
                periods[p] = day >= std::string_view(starts[p].constData(), size_t(starts[p].size()));
            return periods;
        });
        const double cost = row.real(2);
        for (size_t p = 0; p < 3; ++p) {
            if (in[p]) {
                m.cost[p] += cost;
                m.set[p] = true;
            }
        }
    });
    if (!read)
        return read.error();
    QHash<QString, PeriodSpend> out;
    out.reserve(sums.size());
    for (qsizetype at = 0; at < sums.size(); ++at) {
        const Sums m = sums.total(at);
        const auto period = [&m](size_t p) { return m.set[p] ? std::optional(m.cost[p]) : std::nullopt; };
        out.insert(sums.name(at), PeriodSpend{period(0), period(1), period(2)});
    }
    return out;
}

Result<QHash<QString, PeriodSpend>> SpendRepository::periodSpend(const QDate &today, Summing summing) const
{
    // One read of the rows from the earlier of Monday and the 1st (a week can begin in the month
    // before), each period summed beside the others: the gateway pays this on every reload, and
    // three reads of overlapping ranges cost three times the month's rows.
    if (inProcess(summing))
        return periodSpendInProcess(today);
    const QDate week = budgetPeriodStart(LimitReset::Weekly, today);
    const QDate month = budgetPeriodStart(LimitReset::Monthly, today);
    Sql q(m_db, SpendRows::periods(), u"Cannot read the members' spend"_s);
    bindRange(q, std::min(week, month), today)
        .bind(u":today"_s, iso(budgetPeriodStart(LimitReset::Daily, today)))
        .bind(u":week"_s, iso(week))
        .bind(u":month"_s, iso(month));
    if (Status s = q.exec(); !s)
        return s.error();
    // A NULL period: no row of the member in it, so no spend there (unset, not a spend of 0).
    QHash<QString, PeriodSpend> out;
    while (q.next())
        out.insert(q.value(0).toString(), PeriodSpend{sqlvalue::optionalMoney(q.value(1)), sqlvalue::optionalMoney(q.value(2)),
                                                      sqlvalue::optionalMoney(q.value(3))});
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

Result<QHash<QString, double>> SpendRepository::memberCost(const QDate &from, const QDate &to) const
{
    // Months from the member-month rollup, the rest from the rows. A month the range covers only
    // in part is read whichever way touches fewer days that hold rows: the days it covers, or the
    // whole month from the rollup less the days outside the range. A month to date is then the
    // rollup less nothing (no row is dated after today), and the 90 days from the 3rd of a month
    // read two days of rows, not twenty-eight.
    QHash<QString, double> out;
    if (from > to)
        return out;
    Sql bounds(m_db, u"SELECT MIN(day), MAX(day) FROM spend_day"_s, u"Cannot read when the spend history starts"_s);
    if (Status s = bounds.exec(); !s)
        return s.error();
    if (const Result<bool> row = bounds.fetch(); !row)
        return row.error();
    const QDate first = dayOf(bounds.value(0)), last = dayOf(bounds.value(1));
    // Days of [a, b] that can hold rows: what reading them costs.
    const auto held = [&](const QDate &a, const QDate &b) -> qint64 {
        if (!first.isValid())
            return 0;
        const QDate lo = std::max(a, first), hi = std::min(b, last);
        return lo <= hi ? lo.daysTo(hi) + 1 : 0;
    };
    struct Rows
    {
        QDate from, to;
        double sign; // added, or taken from a month the rollup gave whole
    };
    QList<Rows> rows;
    QDate rolledFrom, rolledTo; // the months read from the rollup: always consecutive
    for (QDate month(from.year(), from.month(), 1); month <= to; month = month.addMonths(1)) {
        const QDate monthEnd = month.addMonths(1).addDays(-1);
        const QDate a = std::max(month, from), b = std::min(monthEnd, to);
        const qint64 inside = held(a, b);
        const qint64 outside = held(month, a.addDays(-1)) + held(b.addDays(1), monthEnd);
        const bool whole = a == month && b == monthEnd;
        if (!whole && inside <= outside) {
            rows.append({a, b, 1.0});
            continue;
        }
        rolledFrom = rolledFrom.isValid() ? rolledFrom : month;
        rolledTo = month;
        if (month < a)
            rows.append({month, a.addDays(-1), -1.0});
        if (b < monthEnd)
            rows.append({b.addDays(1), monthEnd, -1.0});
    }
    if (rolledFrom.isValid()) {
        Sql q(m_db, u"SELECT member, SUM(cost) FROM spend_member_month WHERE month >= :from AND month <= :to GROUP BY member"_s,
              u"Cannot read the members' monthly spend"_s);
        if (Status s = q.bind(u":from"_s, rolledFrom.toString(u"yyyy-MM"_s)).bind(u":to"_s, rolledTo.toString(u"yyyy-MM"_s)).exec(); !s)
            return s.error();
        while (q.next())
            out[q.value(0).toString()] += q.value(1).toDouble();
        if (const Status read = q.finished(); !read)
            return read.error();
    }
    for (const Rows &part : std::as_const(rows)) {
        if (held(part.from, part.to) == 0)
            continue; // no row can be there
        const Result<QHash<QString, MemberSpend>> spend = memberSpend(part.from, part.to);
        if (!spend)
            return spend.error();
        for (auto [member, memberSpend] : spend->asKeyValueRange())
            out[member] += part.sign * memberSpend.cost;
    }
    // Links moved away leave a member's months at (nearly) zero, and a month less its days outside
    // the range can leave a rounding's worth: no spend, so not listed.
    out.removeIf([](QHash<QString, double>::iterator it) { return sqlvalue::cleanMoney(it.value()) == 0; });
    return out;
}

Result<double> SpendRepository::spentOn(const QString &user, const QDate &day) const
{
    Sql q(m_db, u"SELECT total_cost FROM user_usage WHERE user_id = :user AND date = :day"_s,
          u"Cannot read the usage of %1"_s.arg(user));
    if (Status s = q.bind(u":user"_s, user).bind(u":day"_s, iso(day)).exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    if (!*row)
        return StoreError::notFound(u"No usage is recorded for %1 on %2."_s.arg(user, iso(day)));
    return q.value(0).toDouble();
}

Result<QDate> SpendRepository::firstSpendDay() const
{
    Sql q(m_db, u"SELECT MIN(day) FROM spend_day"_s, u"Cannot read when the spend history starts"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row && !q.value(0).isNull() ? QDate::fromString(q.value(0).toString(), Qt::ISODate) : QDate();
}

Result<DailySeries> SpendRepository::accountDailySpend(const QDate &from, const QDate &to) const
{
    Sql q(m_db,
          u"SELECT day, MAX(cost) FROM ("
          "SELECT day, SUM(usage) AS cost FROM model_activity WHERE day >= :from AND day <= :to GROUP BY day "
          "UNION ALL SELECT day, SUM(cost) FROM (%1) AS k GROUP BY day "
          "UNION ALL SELECT day, cost FROM spend_day WHERE day >= :from AND day <= :to) AS a GROUP BY day"_s.arg(SpendRows::keyDays()),
          u"Cannot read the account's daily spend"_s);
    if (Status s = bindRange(q, from, to).exec(); !s)
        return s.error();
    return seriesOf(q);
}

Result<QDate> SpendRepository::firstAccountDay() const
{
    // Each from the start of an index on its day.
    Sql q(m_db, u"SELECT MIN(d) FROM (SELECT MIN(day) AS d FROM spend_day UNION ALL SELECT MIN(day) FROM model_activity "
                "UNION ALL SELECT MIN(day) FROM key_snapshots UNION ALL SELECT MIN(day) FROM key_activity) AS f"_s,
          u"Cannot read when the account's history starts"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row && !q.value(0).isNull() ? dayOf(q.value(0)) : QDate();
}

Result<DailySeries> SpendRepository::dailySpend(const QDate &from, const QDate &to, const QString &member) const
{
    // The team's days: one rollup row each; a member's: their rows, summed per day.
    Sql q(m_db, member.isEmpty() ? u"SELECT day, cost FROM spend_day WHERE day >= :from AND day <= :to"_s
                                 : SpendRows::summed(u"day"_s, true),
          member.isEmpty() ? u"Cannot read the team's daily spend"_s : u"Cannot read the daily spend of %1"_s.arg(member));
    bindRange(q, from, to);
    if (!member.isEmpty())
        q.bind(u":member"_s, member);
    if (Status s = q.exec(); !s)
        return s.error();
    DailySeries out;
    while (q.next())
        out.insert(dayOf(q.value(0)), sqlvalue::cleanMoney(q.value(1).toDouble()));
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

Result<QHash<QString, DailySeries>> SpendRepository::dailySpendByMember(const QDate &from, const QDate &to,
                                                                        const std::optional<QSet<QString>> &only) const
{
    Sql q(m_db, SpendRows::memberDayParts(), u"Cannot read the members' daily spend"_s);
    bindRange(q, from, to);
    MemberIndex index;
    struct Days
    {
        bool wanted = false;
        DailySeries days;
    };
    std::vector<Days> members; // at their places in `index`
    PerDay<QDate> dates;
    const Status read = q.scan([&](const SqlRow &row) {
        bool added = false;
        const qsizetype at = index.place(row.text(0), &added);
        if (added)
            members.push_back(Days{!only || only->contains(index.name(at)), {}});
        Days &m = members[size_t(at)];
        if (!m.wanted)
            return;
        const QDate &day = dates.of(row.text(1), [](std::string_view d) {
            return QDate::fromString(QLatin1StringView(d.data(), qsizetype(d.size())), Qt::ISODate);
        });
        m.days[day] += row.real(2);
    });
    if (!read)
        return read.error();
    QHash<QString, DailySeries> out;
    out.reserve(index.size());
    for (qsizetype at = 0; at < index.size(); ++at) {
        if (members[size_t(at)].wanted)
            out.insert(index.name(at), std::move(members[size_t(at)].days));
    }
    return out;
}

Result<DailySeries> SpendRepository::keyDailySpend(const QString &keyHash, const QDate &from, const QDate &to) const
{
    // By the members' rule (the larger of snapshot and activity), so a key's burn rate is not
    // low for days synced from before orteam watched it.
    Sql q(m_db, u"SELECT day, cost FROM (%1) AS k"_s.arg(SpendRows::keyDays(true)), u"Cannot read the key's daily spend"_s);
    if (Status s = bindRange(q, from, to).bind(u":key"_s, keyHash).exec(); !s)
        return s.error();
    return seriesOf(q);
}

Result<QList<ModelUse>> SpendRepository::memberModelUses(const QDate &from, const QDate &to) const
{
    // The days folded per member and model (one read of the rows, in member-model-day order).
    const Result<QList<ModelDay>> days = memberModelDays(from, to);
    if (!days)
        return days.error();
    QList<ModelUse> out;
    QHash<std::pair<QString, QString>, qsizetype> index;
    for (const ModelDay &d : *days) {
        if (d.requests <= 0)
            continue;
        const auto key = std::pair(d.member, d.model);
        const auto it = index.constFind(key);
        if (it == index.cend()) {
            index.insert(key, out.size());
            out << ModelUse{d.member, d.model, d.day, d.cost, d.requests};
            continue;
        }
        ModelUse &u = out[*it];
        u.firstDay = std::min(u.firstDay, d.day);
        u.cost += d.cost;
        u.requests += d.requests;
    }
    std::sort(out.begin(), out.end(), [](const ModelUse &a, const ModelUse &b) {
        return a.member != b.member ? a.member < b.member : a.model < b.model;
    });
    return out;
}

Result<QList<ModelDay>> SpendRepository::memberModelDays(const QDate &from, const QDate &to) const
{
    Sql q(m_db,
          u"SELECT mk.member_name, ka.day, ka.model, SUM(ka.usage), SUM(ka.requests) FROM key_activity ka "
          "JOIN member_keys mk ON mk.key_hash = ka.key_hash WHERE ka.day >= :from AND ka.day <= :to "
          "GROUP BY mk.member_name, ka.day, ka.model ORDER BY mk.member_name, ka.day, ka.model"_s,
          u"Cannot read the members' spend per model"_s);
    if (Status s = bindRange(q, from, to).exec(); !s)
        return s.error();
    QList<ModelDay> out;
    while (q.next())
        out << ModelDay{q.value(0).toString(), dayOf(q.value(1)), q.value(2).toString(), q.value(3).toDouble(),
                        q.value(4).toLongLong()};
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

Result<QList<SpendShare>> SpendRepository::spendShares(const QString &sql, const QDate &from, const QDate &to,
                                                      const QString &what) const
{
    Sql q(m_db, sql, what);
    if (Status s = bindRange(q, from, to).exec(); !s)
        return s.error();
    QList<SpendShare> out;
    while (q.next())
        out << SpendShare{q.value(0).toString(), q.value(1).toDouble(), q.value(2).toLongLong()};
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

Result<QList<ModelSpend>> SpendRepository::spendByModel(const QDate &from, const QDate &to) const
{
    return spendShares(u"SELECT model, SUM(usage), SUM(requests) FROM model_activity WHERE day >= :from AND day <= :to "
                       "GROUP BY model ORDER BY SUM(usage) DESC, model"_s,
                       from, to, u"Cannot read the spend per model"_s);
}

Result<QList<ProviderSpend>> SpendRepository::spendByProvider(const QDate &from, const QDate &to) const
{
    return spendShares(u"SELECT provider, SUM(usage), SUM(requests) FROM provider_activity WHERE day >= :from AND day <= :to "
                       "GROUP BY provider ORDER BY SUM(usage) DESC, provider"_s,
                       from, to, u"Cannot read the spend per provider"_s);
}

Result<QList<WeeklyReportRow>> SpendRepository::weeklyReport(const QDate &today) const
{
    return usageReport(today.addDays(-6), today);
}

namespace {
// The seed's daily_limit column from a member's override and their tier's (columns `at` … at+3:
// the override, the tier's, the member's period, the tier's): the member's budget when it is a
// daily one (a weekly or monthly budget is not a daily limit, and dividing it would state a limit
// nobody set).
template<typename Row> // Sql or SqlRow
std::optional<double> dailyLimitOf(const Row &q, int at)
{
    const bool own = !q.value(at).isNull();
    if (q.value(own ? at + 2 : at + 3).toString() == "daily"_L1)
        return sqlvalue::optionalMoney(q.value(own ? at : at + 1));
    return std::nullopt;
}

// The member's budget whatever its period, from the same LimitColumns: what the report shows
// beside the seed's daily limit, so a weekly budget does not read as none.
template<typename Row>
std::optional<Budget> budgetOf(const Row &q, int at)
{
    const bool own = !q.value(at).isNull();
    const std::optional<double> usd = sqlvalue::optionalMoney(q.value(own ? at : at + 1));
    const std::optional<LimitReset> period = limitResetFromString(q.value(own ? at + 2 : at + 3).toString());
    if (!usd || !period || *period == LimitReset::None)
        return std::nullopt;
    return Budget{*usd, *period};
}

double round4(double usd)
{
    return std::round(usd * 10000.0) / 10000.0;
}

const QString LimitsJoin = u"LEFT JOIN members m ON m.name = u.member LEFT JOIN tiers t ON t.name = m.tier"_s;
const QString LimitColumns = u"m.daily_limit_override, t.default_daily_limit, m.budget_period, t.budget_period"_s;
} // namespace

Result<QList<WeeklyReportRow>> SpendRepository::usageReport(const QDate &from, const QDate &to) const
{
    Sql q(m_db,
          u"SELECT u.member, u.cost, u.requests, %1 FROM (%2) AS u %3 ORDER BY u.cost DESC, u.member"_s.arg(
              LimitColumns, SpendRows::summed(u"member"_s, false), LimitsJoin),
          u"Cannot read the usage report"_s);
    if (Status s = bindRange(q, from, to).exec(); !s)
        return s.error();
    QList<WeeklyReportRow> out;
    while (q.next()) {
        WeeklyReportRow row;
        row.user = q.value(0).toString();
        row.weeklyCost = round4(q.value(1).toDouble());
        row.requests = q.value(2).toLongLong();
        row.dailyLimit = dailyLimitOf(q, 3);
        row.budget = budgetOf(q, 3);
        out << row;
    }
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

namespace {
// usageReport()'s order, which the reports keep for members of equal cost.
void sortReportRows(SpendRepository::ReportWindows &out)
{
    for (QList<WeeklyReportRow> *rows : {&out.current, &out.previous})
        std::sort(rows->begin(), rows->end(), [](const WeeklyReportRow &a, const WeeklyReportRow &b) {
            return a.weeklyCost != b.weeklyCost ? a.weeklyCost > b.weeklyCost : a.user < b.user;
        });
}

// A member's rows in one window of a report, counted as SpendRows::reportWindows() counts them.
struct WindowSums
{
    qint64 rows = 0;
    double cost = 0;
    qint64 requests = 0;
};

// A member's windows as far as the rows read so far go (see reportWindowsInProcess()).
struct MemberWindows
{
    WindowSums current, previous;
    double sumY = 0, sumXY = 0;
    bool trended = false; // a row with money in the trend window: the member has trend sums

    void add(const MemberWindows &part)
    {
        for (const auto &[to, from] : {std::pair(&current, &part.current), std::pair(&previous, &part.previous)}) {
            to->rows += from->rows;
            to->cost += from->cost;
            to->requests += from->requests;
        }
        sumY += part.sumY;
        sumXY += part.sumXY;
        trended = trended || part.trended;
    }
};

// "YYYY-MM-DD" as a Julian day number, as SQLite's julianday() reads a day; nullopt otherwise.
std::optional<qint64> julianDayOf(QByteArrayView text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    int parts[3] = {0, 0, 0};
    const int at[3][2] = {{0, 4}, {5, 7}, {8, 10}};
    for (int p = 0; p < 3; ++p) {
        for (int i = at[p][0]; i < at[p][1]; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return std::nullopt;
            parts[p] = parts[p] * 10 + (text[i] - '0');
        }
    }
    const QDate day(parts[0], parts[1], parts[2]);
    return day.isValid() ? std::optional(day.toJulianDay()) : std::nullopt;
}
} // namespace

Result<SpendRepository::ReportWindows> SpendRepository::reportWindows(const std::pair<QDate, QDate> &current,
                                                                      const std::pair<QDate, QDate> &previous,
                                                                      const std::pair<QDate, QDate> &trend,
                                                                      Summing summing) const
{
    return inProcess(summing) ? reportWindowsInProcess(current, previous, trend) : reportWindowsInDatabase(current, previous, trend);
}

// SQLite runs a query in its own bytecode, a few instructions per column per row: summing a
// week's 140,000 member-days into six windowed sums costs it 100 ms, and sorting them by member
// more, while reading them (Sql::scan, straight from sqlite3_step) and adding them up here costs
// a fifth of that. PostgreSQL sums where the rows are (reportWindowsInDatabase()): sending it
// all over a socket would cost more. Both count the same rows the same way, each source's rows
// first and then the sources in turn: tst_store holds them to the same answers. To the last bit
// they may differ: SQLite 3.43 and later add with compensation, and nothing orders one member's
// rows within a source (a plan that changes with the tables' statistics); rounded to the tenth of
// a cent the reports show, they agree.
Result<SpendRepository::ReportWindows> SpendRepository::reportWindowsInProcess(const std::pair<QDate, QDate> &current,
                                                                               const std::pair<QDate, QDate> &previous,
                                                                               const std::pair<QDate, QDate> &trend) const
{
    const QDate lo = std::min({current.first, previous.first, trend.first});
    const QDate hi = std::max({current.second, previous.second, trend.second});
    const auto text = [](const QDate &day) { return iso(day).toLatin1(); };
    // Days compare as text, as the database compares them (ISO days sort as the days do).
    const QByteArray from = text(current.first), to = text(current.second), pfrom = text(previous.first),
                     pto = text(previous.second), tfrom = text(trend.first), tto = text(trend.second);
    const auto within = [](std::string_view day, const QByteArray &first, const QByteArray &last) {
        return day >= std::string_view(first.constData(), size_t(first.size()))
               && day <= std::string_view(last.constData(), size_t(last.size()));
    };
    const qint64 trendStart = trend.first.toJulianDay();

    PerMemberSums<MemberWindows> sums;
    // Which windows a day is in, and its index in the trend.
    struct DayPlace
    {
        bool current = false, previous = false, trend = false;
        std::optional<qint64> index;
    };
    PerDay<DayPlace> places;
    const Status read = readSources(m_db, sums, lo, hi, true, u"Cannot read the report"_s, [&](MemberWindows &m, const SqlRow &row) {
        const DayPlace &place = places.of(row.text(1), [&](std::string_view day) {
            const std::optional<qint64> number = julianDayOf(QByteArrayView(day.data(), qsizetype(day.size())));
            return DayPlace{within(day, from, to), within(day, pfrom, pto), within(day, tfrom, tto),
                            number ? std::optional(*number - trendStart) : std::nullopt};
        });
        const bool costed = !row.isNull(2);
        const double cost = row.real(2);
        const qint64 requests = row.integer(3);
        for (const auto &[in, window] : {std::pair(place.current, &m.current), std::pair(place.previous, &m.previous)}) {
            if (in) {
                ++window->rows;
                window->cost += cost;
                window->requests += requests;
            }
        }
        if (place.trend && costed) {
            m.sumY += cost;
            if (place.index)
                m.sumXY += double(*place.index) * cost;
            m.trended = true;
        }
    });
    if (!read)
        return read.error();

    // Each member's limits, as LimitsJoin gives them beside their rows.
    Sql limits(m_db, u"SELECT m.name, %1 FROM members m LEFT JOIN tiers t ON t.name = m.tier"_s.arg(LimitColumns),
               u"Cannot read the members' budgets"_s);
    std::vector<std::pair<std::optional<double>, std::optional<Budget>>> limitOf(size_t(sums.size()));
    const Status limitsRead = limits.scan([&](const SqlRow &row) {
        if (const qsizetype at = sums.find(row.text(0)); at >= 0)
            limitOf[size_t(at)] = {dailyLimitOf(row, 1), budgetOf(row, 1)};
    });
    if (!limitsRead)
        return limitsRead.error();
    ReportWindows out;
    out.trends.reserve(sums.size());
    for (qsizetype at = 0; at < sums.size(); ++at) {
        const MemberWindows m = sums.total(at);
        const QString member = sums.name(at);
        const auto &[limit, budget] = limitOf[size_t(at)];
        // A member is in a window when a row of theirs is, even one of $0 and no requests.
        for (const auto &[window, rows] : {std::pair(&m.current, &out.current), std::pair(&m.previous, &out.previous)}) {
            if (window->rows > 0)
                *rows << WeeklyReportRow{member, round4(window->cost), window->requests, limit, budget};
        }
        if (m.trended)
            out.trends.insert(member, TrendSums{m.sumY, m.sumXY});
    }
    sortReportRows(out);
    return out;
}

Result<SpendRepository::ReportWindows> SpendRepository::reportWindowsInDatabase(const std::pair<QDate, QDate> &current,
                                                                                const std::pair<QDate, QDate> &previous,
                                                                                const std::pair<QDate, QDate> &trend) const
{
    // Read once over the windows' union (a week's report: 14 days, not 7 + 7 + 14), each window
    // told apart per row; the rows within a window are summed in the order they would be alone.
    const QString index = m_db.isPostgres() ? u"(CAST(%1 AS DATE) - CAST(:tfrom AS DATE))"_s
                                            : u"(julianday(%1) - julianday(:tfrom))"_s;
    const QDate lo = std::min({current.first, previous.first, trend.first});
    const QDate hi = std::max({current.second, previous.second, trend.second});
    // Only a bound inside [lo, hi] is tested on each row (and bound).
    const SpendRows::WindowCuts cuts{current.first > lo, current.second < hi, previous.first > lo,
                                     previous.second < hi, trend.first > lo, trend.second < hi};
    Sql q(m_db,
          u"SELECT u.*, %1 FROM (%2) AS u %3"_s.arg(LimitColumns, SpendRows::reportWindows(index, cuts), LimitsJoin),
          u"Cannot read the report"_s);
    q.bind(u":lo"_s, iso(lo)).bind(u":hi"_s, iso(hi)).bind(u":tfrom"_s, iso(trend.first));
    for (const auto &[cut, name, day] : {std::tuple(cuts.from, u":from"_s, current.first), std::tuple(cuts.to, u":to"_s, current.second),
                                         std::tuple(cuts.pfrom, u":pfrom"_s, previous.first),
                                         std::tuple(cuts.pto, u":pto"_s, previous.second), std::tuple(cuts.tto, u":tto"_s, trend.second)}) {
        if (cut)
            q.bind(name, iso(day));
    }
    if (Status s = q.exec(); !s)
        return s.error();
    ReportWindows out;
    while (q.next()) {
        const QString member = q.value(0).toString();
        const std::optional<double> limit = dailyLimitOf(q, 9);
        const std::optional<Budget> budget = budgetOf(q, 9);
        // A member is in a window when a row of theirs is, even one of $0 and no requests.
        for (const auto &[at, rows] : {std::pair(1, &out.current), std::pair(4, &out.previous)}) {
            if (q.value(at).toLongLong() > 0)
                *rows << WeeklyReportRow{member, round4(q.value(at + 1).toDouble()), q.value(at + 2).toLongLong(), limit, budget};
        }
        if (!q.value(7).isNull() || !q.value(8).isNull())
            out.trends.insert(member, TrendSums{q.value(7).toDouble(), q.value(8).toDouble()});
    }
    if (const Status read = q.finished(); !read)
        return read.error();
    sortReportRows(out);
    return out;
}

Result<TeamReport> SpendRepository::teamReport(ReportPeriod period, const QDate &to, const QDate &today) const
{
    const int days = reportDays(period);
    const QDate from = to.addDays(1 - days);
    // Days before the team's history began are not quiet ones: no change against them, no trend.
    const Result<QDate> first = firstSpendDay();
    if (!first)
        return first.error();
    const Result<ReportWindows> read = reportWindows({from, to}, {from.addDays(-days), from.addDays(-1)},
                                                     trendWindow(period, to, today.addDays(-1), *first));
    if (!read)
        return read.error();
    return buildTeamReport(period, to, read->current, read->previous, read->trends, today.addDays(-1), *first);
}

Result<bool> SpendRepository::checkRollups(QString *problem) const
{
    // Each rollup row against the sources' sum; a row missing on one side counts as zero (taking
    // away every row of a day leaves the rollup's row at zero, not gone). Money is summed in a
    // different order on each side, hence the small tolerance.
    const QStringList checks{
        u"SELECT COALESCE(r.day, s.day), r.cost, s.cost FROM spend_day r FULL OUTER JOIN (%1) s ON s.day = r.day "
        "WHERE abs(COALESCE(r.cost, 0) - COALESCE(s.cost, 0)) > 0.000001 LIMIT 1"_s.arg(SpendRows::costPerDay()),
        u"SELECT COALESCE(r.member, s.member) || ' ' || COALESCE(r.month, s.month), r.cost, s.cost FROM spend_member_month r "
        "FULL OUTER JOIN (%1) s ON s.member = r.member AND s.month = r.month "
        "WHERE abs(COALESCE(r.cost, 0) - COALESCE(s.cost, 0)) > 0.000001 LIMIT 1"_s.arg(SpendRows::costPerMemberMonth()),
    };
    for (const QString &sql : checks) {
        Sql q(m_db, sql, u"Cannot check the spend rollups"_s);
        if (Status s = q.exec(); !s) {
            if (problem)
                *problem = s.errorText();
            return s.error();
        }
        const Result<bool> row = q.fetch();
        if (!row) {
            if (problem)
                *problem = row.errorText();
            return row.error();
        }
        if (*row) {
            if (problem)
                *problem = u"%1: the rollup says %2, the usage rows and linked keys say %3"_s.arg(
                q.value(0).toString(), q.value(1).isNull() ? u"nothing"_s : QString::number(q.value(1).toDouble()),
                    q.value(2).isNull() ? u"nothing"_s : QString::number(q.value(2).toDouble()));
            return false;
        }
    }
    return true;
}

Status SpendRepository::rebuildRollups()
{
    return m_db.transaction([&] { return Schema::fillRollups(m_db); });
}

} // namespace orteam
