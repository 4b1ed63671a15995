#pragma once

#include "Team.h"
#include "WhatIf.h"
#include "Report.h"
#include "Spend.h"
#include "StoreResult.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QList>
#include <QString>

namespace orteam {

class Database;

struct MemberSpend
{
    double cost = 0;
    qint64 requests = 0; // requests are known for gateway and seed rows; key counters carry none
};

// The account's spend on one model, or through one provider, over a range of days.
struct SpendShare
{
    QString name; // the model, or the provider (empty: days synced before providers were kept)
    double cost = 0;
    qint64 requests = 0;
};
using ModelSpend = SpendShare;
using ProviderSpend = SpendShare;

// What members spent, read from the rows that make it up (usage rows, linked keys' snapshots and
// activity; one definition of them, SpendRows in the source) and from the rollups the schema's
// triggers keep. Reads only, but for checking and rebuilding the rollups.
class SpendRepository
{
public:
    explicit SpendRepository(Database &db) : m_db(db) {}

    // Where a read of many rows is added up: Auto, in the database for PostgreSQL and in this
    // process for SQLite (see reportWindowsInProcess()); tests ask for each to hold them to the
    // same answers.
    enum class Summing { Auto, InDatabase, InProcess };

    // Each member's spend over [from, to] (UTC days) from every source.
    Result<QHash<QString, MemberSpend>> memberSpend(const QDate &from, const QDate &to, Summing summing = Summing::Auto) const;
    // Each member's spend today, this week (from Monday) and this month (from the 1st): what any
    // member's budget is judged against, whatever its period (Team.h's Budget).
    Result<QHash<QString, PeriodSpend>> periodSpend(const QDate &today, Summing summing = Summing::Auto) const;
    // The same costs (no requests) read mostly from the member-month rollup (ranking a year).
    Result<QHash<QString, double>> memberCost(const QDate &from, const QDate &to) const;
    // The seed's user_usage for one user and day (NotFound when there is no row).
    Result<double> spentOn(const QString &user, const QDate &day) const;
    // The first day the team database holds any spend for (invalid: none yet): how much history
    // a rate can stand on.
    Result<QDate> firstSpendDay() const;
    // Spend per day: the team's (member empty) or one member's; per member; one key's.
    Result<DailySeries> dailySpend(const QDate &from, const QDate &to, const QString &member = {}) const;
    // The whole account's spend per day, what its credits pay for: each day the largest of the
    // account's synced activity, every key's days (SpendRows::keyDays: linked or not, a gateway's
    // shared key included) and the members' spend (usage rows alone, on a seed database). Each
    // falls short of the account where it lacks something, never over it, so the largest is the
    // closest.
    Result<DailySeries> accountDailySpend(const QDate &from, const QDate &to) const;
    // The first day anything of the account's spend was recorded (invalid: nothing yet).
    Result<QDate> firstAccountDay() const;
    // `only`: just these members' (the others' rows are still read, not kept).
    Result<QHash<QString, DailySeries>> dailySpendByMember(const QDate &from, const QDate &to,
                                                           const std::optional<QSet<QString>> &only = std::nullopt) const;
    Result<DailySeries> keyDailySpend(const QString &keyHash, const QDate &from, const QDate &to) const;
    Result<QList<ModelUse>> memberModelUses(const QDate &from, const QDate &to) const;
    // Each member's spend per day and model, from their keys' activity (the what-if replay).
    Result<QList<ModelDay>> memberModelDays(const QDate &from, const QDate &to) const;
    Result<QList<ModelSpend>> spendByModel(const QDate &from, const QDate &to) const;
    // The same spend per provider (the two add up to the same total).
    Result<QList<ProviderSpend>> spendByProvider(const QDate &from, const QDate &to) const;

    // The seed's weekly report: the last 7 days including `today`, by cost descending (then by
    // user); users with spend but no budget are included with a null limit.
    Result<QList<WeeklyReportRow>> weeklyReport(const QDate &today) const;
    Result<QList<WeeklyReportRow>> usageReport(const QDate &from, const QDate &to) const;
    // A report's windows read at once: usageReport() of the current and the previous window, and
    // each member's trend sums over the fitted days (Σ cost, Σ day index × cost, the index counted
    // from trendFrom; members without cost there are left out). One read of the rows of all three.
    struct ReportWindows
    {
        QList<WeeklyReportRow> current;
        QList<WeeklyReportRow> previous;
        QHash<QString, TrendSums> trends;
    };
    Result<ReportWindows> reportWindows(const std::pair<QDate, QDate> &current, const std::pair<QDate, QDate> &previous,
                                        const std::pair<QDate, QDate> &trend, Summing summing = Summing::Auto) const;
    // The weekly or monthly team report ending on `to`; `today` (UTC) tells which days are complete.
    Result<TeamReport> teamReport(ReportPeriod period, const QDate &to,
                                  const QDate &today = QDateTime::currentDateTimeUtc().date()) const;

    // The rollups against the rows they add up: ok(true) when they agree, ok(false) with the
    // first difference in *problem; an error when they could not be read.
    Result<bool> checkRollups(QString *problem) const;
    Status rebuildRollups();

private:
    bool inProcess(Summing summing) const;
    Result<QHash<QString, MemberSpend>> memberSpendInProcess(const QDate &from, const QDate &to) const;
    Result<QHash<QString, PeriodSpend>> periodSpendInProcess(const QDate &today) const;
    Result<ReportWindows> reportWindowsInDatabase(const std::pair<QDate, QDate> &current, const std::pair<QDate, QDate> &previous,
                                                  const std::pair<QDate, QDate> &trend) const;
    Result<ReportWindows> reportWindowsInProcess(const std::pair<QDate, QDate> &current, const std::pair<QDate, QDate> &previous,
                                                 const std::pair<QDate, QDate> &trend) const;
    Result<QList<SpendShare>> spendShares(const QString &sql, const QDate &from, const QDate &to, const QString &what) const;
    Database &m_db;
};

} // namespace orteam
