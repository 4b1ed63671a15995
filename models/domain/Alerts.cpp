#include "Alerts.h"

#include "Hygiene.h"

#include "Money.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

double usualDailySpend(const DailySeries &previous, const QDate &today)
{
    QList<double> days;
    for (const auto &[day, cost] : denseSeries(previous, today.addDays(-14), today.addDays(-1)))
        days << cost;
    std::sort(days.begin(), days.end());
    const qsizetype n = days.size();
    if (n == 0)
        return 0;
    return n % 2 ? days.at(n / 2) : (days.at(n / 2 - 1) + days.at(n / 2)) / 2.0;
}

QList<Alert> currentAlerts(const AlertInput &input)
{
    QList<Alert> out;
    const QDate today = input.now.toUTC().date();
    const QString day = today.toString(Qt::ISODate);
    for (const Member &m : input.members) {
        if (!m.active)
            continue;
        const double spent = input.spentToday.value(m.name, 0.0);
        if (const auto limit = effectiveDailyLimit(m, input.tiers); limit && *limit > 0 && spent >= 0.8 * *limit) {
            Alert a;
            const bool over = spent >= *limit;
            a.kind = over ? Alert::Kind::Budget100 : Alert::Kind::Budget80;
            a.id = u"%1:%2:%3"_s.arg(over ? u"budget100"_s : u"budget80"_s, m.name, day);
            a.subject = m.name;
            a.urgent = over;
            a.text = over ? u"%1 has spent %2 today, the whole daily budget of %3."_s.arg(m.name, formatUsd(spent), formatUsd(*limit))
                          : u"%1 has spent %2 today, %3% of the daily budget of %4."_s.arg(m.name, formatUsd(spent))
                                .arg(int(spent / *limit * 100))
                                .arg(formatUsd(*limit));
            out << a;
        }
        const double usual = usualDailySpend(input.previousDays.value(m.name), today);
        if (spent > 1.0 && spent > 3.0 * usual) {
            Alert a;
            a.kind = Alert::Kind::Anomaly;
            a.id = u"anomaly:%1:%2"_s.arg(m.name, day);
            a.subject = m.name;
            a.text = usual > 0 ? u"%1 has spent %2 today, %3× their usual %4 a day."_s.arg(m.name, formatUsd(spent))
                                     .arg(spent / usual, 0, 'f', 1)
                                     .arg(formatUsd(usual))
                               : u"%1 has spent %2 today; they usually spend nothing."_s.arg(m.name, formatUsd(spent));
            out << a;
        }
    }
    for (const ApiKey &k : input.keys) {
        if (!k.expiresAt.isValid() || k.disabled || k.expiresAt <= input.now)
            continue;
        const qint64 secondsLeft = input.now.secsTo(k.expiresAt);
        int threshold = 0;
        for (int days : {7, 3, 1}) {
            if (secondsLeft <= qint64(days) * 86400)
                threshold = days;
        }
        if (threshold == 0)
            continue;
        Alert a;
        a.kind = Alert::Kind::Expiry;
        a.id = u"expiry%1:%2"_s.arg(threshold).arg(k.hash);
        a.subject = k.name;
        a.urgent = threshold == 1;
        a.text = u"The key %1 expires %2 (within %3 day%4)."_s.arg(k.name, k.expiresAt.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s))
                     .arg(threshold)
                     .arg(threshold == 1 ? QString() : u"s"_s);
        out << a;
    }
    if (input.rotationDays) {
        for (const ApiKey &k : input.keys) {
            const std::optional<int> age = dueForRotation(k, *input.rotationDays, input.rotatingKeys.contains(k.hash), input.now);
            if (!age)
                continue;
            Alert a;
            a.kind = Alert::Kind::RotationDue;
            a.id = u"rotation:%1"_s.arg(k.hash);
            a.subject = k.name;
            a.text = u"The key %1 is %2 days old, past the team's rotation period of %3 days: rotate it."_s.arg(k.name).arg(*age).arg(
                *input.rotationDays);
            out << a;
        }
    }
    QHash<QString, const Member *> members;
    for (const Member &m : input.members)
        members.insert(m.name, &m);
    for (const ModelUse &use : input.modelUses) {
        const Member *m = members.value(use.member);
        if (!m || !m->active)
            continue;
        const Tier *tier = findTier(input.tiers, m->tier);
        // A member without a known tier has no allowlist to break (the Team page flags the tier).
        if (!tier || tier->isUnrestricted() || tier->allowedModels->contains(use.model))
            continue;
        Alert a;
        a.kind = Alert::Kind::OutsideTier;
        a.id = u"model:%1:%2"_s.arg(use.member, use.model); // the first use is the news, not every day after
        a.subject = use.member;
        const QString requests = use.requests == 1 ? u"1 request"_s : u"%1 requests"_s.arg(use.requests);
        a.text = u"%1 used %2 (%3, %4 since %5), which the %6 tier does not allow."_s.arg(
            use.member, use.model, requests, formatUsd(use.cost), use.firstDay.toString(Qt::ISODate), tier->name);
        out << a;
    }
    std::stable_sort(out.begin(), out.end(), [](const Alert &a, const Alert &b) { return a.urgent && !b.urgent; });
    return out;
}

} // namespace orteam
