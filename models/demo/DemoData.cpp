#include "DemoData.h"

#include "FakeOpenRouter.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTimeZone>

#include <cmath>
#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace orteam::DemoData {

QList<DemoMember> members()
{
    return {
        {u"Alice Martin"_s, u"alice@example.com"_s, u"pro"_s, {u"alice-backend"_s}},
        {u"Bob Chen"_s, u"bob@example.com"_s, u"basic"_s, {u"bob-frontend"_s}},
        {u"Carol Diaz"_s, u"carol@example.com"_s, u"enterprise"_s, {u"carol-ml"_s, u"carol-ml-batch"_s}},
        {u"Dan Okafor"_s, u"dan@example.com"_s, u"pro"_s, {u"dan-data"_s}},
        {u"Eve Novak"_s, u"eve@example.com"_s, u"basic"_s, {u"eve-security"_s}},
        {u"Frank Müller"_s, u"frank@example.com"_s, u"pro"_s, {u"frank-platform"_s, u"frank-ci"_s}},
        {u"Grace Kim"_s, u"grace@example.com"_s, u"enterprise"_s, {u"grace-research"_s}},
        {u"Hiro Tanaka"_s, u"hiro@example.com"_s, u"basic"_s, {u"hiro-mobile"_s}},
        {u"Ines Silva"_s, u"ines@example.com"_s, u"free"_s, {u"ines-design"_s}},
        {u"Jamal Reed"_s, u"jamal@example.com"_s, u"basic"_s, {u"jamal-support"_s}},
        {u"Kate Walsh"_s, u"kate@example.com"_s, u"free"_s, {u"kate-product"_s}},
        {u"Liam O'Brien"_s, u"liam@example.com"_s, u"basic"_s, {u"liam-intern"_s}},
    };
}

QList<DemoMember> formerMembers()
{
    return {{u"Max Weber"_s, u"max@example.com"_s, u"basic"_s, {u"max-contractor"_s}}};
}

QList<HygieneKey> hygieneKeys()
{
    return {
        {u"grace-eval"_s, u"grace"_s, 140, 45, 380, 50},
        {u"dan-etl-legacy"_s, u"dan"_s, 200, 38, 300, 25},
        {u"hiro-prototype"_s, u"hiro"_s, 110, 52, 150, 25},
        {u"ines-experiments"_s, u"ines"_s, 95, -1, 0, 2},
        {u"shared-staging"_s, QString(), 40, 0, 220, 20},
        {u"max-contractor"_s, u"max"_s, 80, 2, 260, 30}, // still in use after Max left
    };
}

QString memberName(const DemoMember &member)
{
    return member.fullName.section(u' ', 0, 0).toLower();
}

void seedStore(Store &store, const QList<ApiKey> &keys, const KeyHistory &history, const QDateTime &now,
               const QList<ActivityItem> &activity, const QHash<QString, QList<ActivityItem>> &perKey)
{
    QHash<QString, QString> hashOfName;
    for (const ApiKey &k : keys)
        hashOfName.insert(k.name, k.hash);
    const QDate today = now.toUTC().date();
    // One snapshot per key and day, as if the dashboard had synced every evening.
    QMap<QDate, QList<ApiKey>> byDay;
    for (const ApiKey &k : keys) {
        const QMap<QDate, double> days = history.value(k.hash);
        double cumulative = k.usage;
        for (auto it = days.cend(); it != days.cbegin();) {
            --it;
            ApiKey snap;
            snap.hash = k.hash;
            snap.workspaceId = k.workspaceId;
            snap.usageDaily = it.value();
            snap.usage = cumulative;
            cumulative -= it.value();
            byDay[it.key()] << snap;
        }
    }
    // One transaction: the demo team is there whole, or (said in the log) not at all.
    const Status seeded = store.transaction([&]() -> Status {
        QList<std::pair<DemoMember, bool>> everyone;
        for (const DemoMember &dm : members())
            everyone << std::pair{dm, true};
        for (const DemoMember &dm : formerMembers())
            everyone << std::pair{dm, false};
        for (const auto &[dm, active] : everyone) {
            const Member m{memberName(dm), dm.email, dm.tier, std::nullopt, active, {}};
            if (Status s = store.team().addMember(m); !s)
                return s;
            for (const QString &keyName : dm.keyNames) {
                if (Status s = store.team().linkKey(m.name, hashOfName.value(keyName)); !s)
                    return s;
            }
        }
        for (const HygieneKey &hk : hygieneKeys()) {
            if (hk.owner.isEmpty() || hk.owner == "max"_L1) // nobody's, or linked with its member above
                continue;
            if (Status s = store.team().linkKey(hk.owner, hashOfName.value(hk.name)); !s)
                return s;
        }
        for (auto it = byDay.cbegin(); it != byDay.cend(); ++it) {
            const QDateTime at = it.key() == today ? now : QDateTime(it.key(), QTime(23, 55), QTimeZone::utc());
            if (Status s = store.usage().recordKeySnapshots(it.value(), at); !s)
                return s;
        }
        if (!activity.isEmpty() || !perKey.isEmpty()) {
            if (Status s = store.usage().recordSync({}, activity, now, perKey); !s)
                return s;
        }
        // A team monthly budget a little above the last 30 days' spend, so the Overview has a
        // month to measure against (and its bar and projection something to show).
        const Result<DailySeries> lastMonth = store.spend().dailySpend(today.addDays(-29), today);
        if (!lastMonth)
            return lastMonth.error();
        double monthSpend = 0;
        for (double cost : *lastMonth)
            monthSpend += cost;
        if (monthSpend > 0) {
            AlertSettings settings;
            settings.teamMonthlyBudget = std::ceil(monthSpend * 1.1 / 50.0) * 50.0;
            if (Status s = store.notify().setAlertSettings(settings); !s)
                return s;
        }
        // Jamal has an own weekly budget just under what he spent this week (Monday to today, as
        // the database counts it): flagged over budget, a budget beyond the day on show.
        const auto spent = store.spend().periodSpend(today);
        if (!spent)
            return spent.error();
        Result<Member> jamal = store.team().member(u"jamal"_s);
        if (!jamal)
            return jamal.error();
        const double jamalWeek = spent->value(u"jamal"_s).week.value_or(0.0);
        jamal->budgetOverride = Budget{std::max(0.01, std::floor(jamalWeek * 90.0) / 100.0), LimitReset::Weekly};
        if (Status s = store.team().updateMember(*jamal); !s)
            return s;
        // Grace's own limit puts today at about 85% (of what the database counts for her today):
        // the "80% of the daily budget" alert, which the Notifications page and its previews show.
        Result<Member> grace = store.team().member(u"grace"_s);
        if (!grace)
            return grace.error();
        const double graceToday = spent->value(u"grace"_s).today.value_or(0.0);
        if (graceToday < 0.5)
            return {};
        grace->budgetOverride = Budget{std::ceil(graceToday / 0.85 * 100.0) / 100.0};
        return store.team().updateMember(*grace);
    });
    if (!seeded)
        qWarning("demo: the sample team was not written: %s", qPrintable(seeded.errorText()));
}

QList<ModelInfo> models()
{
    // Prices are USD per token, as OpenRouter lists them.
    return {
        {u"google/gemma-2-9b-it:free"_s, u"Google: Gemma 2 9B (free)"_s, 8192, 0.0, 0.0},
        {u"meta-llama/llama-3.1-8b-instruct"_s, u"Meta: Llama 3.1 8B Instruct"_s, 131072, 0.00000002, 0.00000005},
        {u"mistralai/mistral-small"_s, u"Mistral: Mistral Small"_s, 32768, 0.0000001, 0.0000003},
        {u"openai/gpt-4o-mini"_s, u"OpenAI: GPT-4o-mini"_s, 128000, 0.00000015, 0.0000006},
        {u"deepseek/deepseek-chat"_s, u"DeepSeek: DeepSeek V3"_s, 163840, 0.00000027, 0.0000011},
        {u"google/gemini-2.5-flash"_s, u"Google: Gemini 2.5 Flash"_s, 1048576, 0.0000003, 0.0000025},
        {u"openai/gpt-4o"_s, u"OpenAI: GPT-4o"_s, 128000, 0.0000025, 0.00001},
        {u"openai/o3"_s, u"OpenAI: o3"_s, 200000, 0.000002, 0.000008},
        {u"anthropic/claude-3.5-sonnet"_s, u"Anthropic: Claude 3.5 Sonnet"_s, 200000, 0.000003, 0.000015},
        {u"anthropic/claude-sonnet-4"_s, u"Anthropic: Claude Sonnet 4"_s, 200000, 0.000003, 0.000015},
    };
}

namespace {

// The models each default tier allows (the seed's lists; enterprise is unrestricted) — what a
// member of that tier would plausibly have used.
QStringList modelsForTier(const QString &tier)
{
    if (tier == "free"_L1)
        return {u"google/gemma-2-9b-it:free"_s};
    if (tier == "basic"_L1)
        return {u"openai/gpt-4o-mini"_s, u"meta-llama/llama-3.1-8b-instruct"_s};
    if (tier == "pro"_L1)
        return {u"openai/gpt-4o-mini"_s, u"openai/gpt-4o"_s, u"anthropic/claude-3.5-sonnet"_s};
    return {u"anthropic/claude-sonnet-4"_s, u"openai/o3"_s, u"google/gemini-2.5-flash"_s, u"deepseek/deepseek-chat"_s,
            u"openai/gpt-4o"_s};
}

QString providerOf(const QString &model)
{
    const QString vendor = model.section(u'/', 0, 0);
    if (vendor == "openai"_L1)
        return u"OpenAI"_s;
    if (vendor == "anthropic"_L1)
        return u"Anthropic"_s;
    if (vendor == "google"_L1)
        return u"Google AI Studio"_s;
    if (vendor == "meta-llama"_L1)
        return u"DeepInfra"_s;
    if (vendor == "deepseek"_L1)
        return u"DeepSeek"_s;
    return u"Mistral"_s;
}

QString endpointIdOf(const QString &model)
{
    const QByteArray h = QCryptographicHash::hash(model.toUtf8(), QCryptographicHash::Md5).toHex();
    return QString::fromLatin1(h.left(8) + '-' + h.mid(8, 4) + '-' + h.mid(12, 4) + '-' + h.mid(16, 4) + '-' + h.mid(20, 12));
}

} // namespace

void seed(FakeOpenRouter &server, const QDateTime &now, KeyHistory *history, QList<ActivityItem> *activity,
          QHash<QString, QList<ActivityItem>> *perKey)
{
    QRandomGenerator rng(20261127); // fixed: the demo team is the same every run
    const QList<ModelInfo> modelList = models();
    server.setModels(modelList);
    auto priceOf = [&](const QString &id) {
        for (const ModelInfo &m : modelList) {
            if (m.id == id)
                return m;
        }
        return ModelInfo{};
    };

    const QDate today = now.toUTC().date();
    const QDate weekStart = today.addDays(1 - today.dayOfWeek()); // Monday
    const QDate monthStart = QDate(today.year(), today.month(), 1);
    // Daily request volume per member: a spread from light to heavy users.
    const QList<double> volume{700, 1900, 1100, 650, 280, 520, 1000, 420, 380, 1400, 180, 320};

    // A key's activity over the 60 days we model: `dailyRequests` on a working day, none in the
    // last `quietDays` days (expired, disabled, or simply no longer used).
    auto activityRows = [&](const QString &keyName, const QStringList &tierModels, double dailyRequests, int quietDays) {
        QList<std::pair<QDate, ActivityItem>> rows;
        for (int d = 60; d >= 0; --d) {
            const QDate day = today.addDays(-d);
            const bool weekend = day.dayOfWeek() >= 6;
            // Carol's batch jobs spike mid-month; everyone else follows the work week.
            // Grace runs an evaluation today, whatever the day and the hour: her spend today is a
            // working day's, so the budget alert she is set up to show (seedStore) is there even
            // when the demo opens on a Sunday just after midnight UTC.
            const bool graceToday = d == 0 && keyName == "grace-research"_L1;
            double requests = dailyRequests * (weekend && !graceToday ? 0.25 : 1.0) * (0.6 + 0.8 * rng.generateDouble());
            if (keyName == "carol-ml-batch"_L1 && day.day() >= 12 && day.day() <= 15)
                requests *= 6;
            if (d == 0 && !graceToday)
                requests *= double(now.time().hour() + 1) / 24.0; // today is not over yet
            if (d < quietDays)
                requests = 0;
            for (const QString &model : tierModels) {
                const double mix = 0.3 + rng.generateDouble();
                const qint64 n = qint64(std::round(requests * mix / tierModels.size()));
                if (n <= 0)
                    continue;
                const ModelInfo price = priceOf(model);
                ActivityItem a;
                a.date = day;
                a.model = model;
                a.modelPermaslug = model + u"-2025"_s;
                a.endpointId = endpointIdOf(model);
                a.providerName = providerOf(model);
                a.requests = n;
                a.promptTokens = n * (600 + rng.bounded(900));
                a.completionTokens = n * (150 + rng.bounded(400));
                a.reasoningTokens = model == "openai/o3"_L1 ? a.completionTokens / 2 : 0;
                a.usage = a.promptTokens * price.promptPrice.value_or(0)
                    + (a.completionTokens + a.reasoningTokens) * price.completionPrice.value_or(0);
                rows.append({day, a});
            }
        }
        return rows;
    };
    double accountUsage = 0;
    // The key's counters from its activity (plus what it spent before), then the key and its
    // activity into the fake and the history.
    auto addKey = [&](FakeOpenRouter::KeySeed s, const QList<std::pair<QDate, ActivityItem>> &rows, double before,
                      const std::function<void(FakeOpenRouter::KeySeed &)> &settle) {
        for (const auto &[day, a] : rows) {
            s.usage += a.usage;
            if (day == today)
                s.usageDaily += a.usage;
            if (day >= weekStart)
                s.usageWeekly += a.usage;
            if (day >= monthStart)
                s.usageMonthly += a.usage;
        }
        s.usage += before;
        accountUsage += s.usage;
        if (settle)
            settle(s);
        const ApiKey key = server.addKey(s);
        for (const auto &[day, a] : rows) {
            server.addActivity(key.hash, a);
            if (history)
                (*history)[key.hash][day] += a.usage;
            if (activity)
                *activity << a;
            if (perKey)
                (*perKey)[key.hash] << a;
        }
    };

    // Two departments as OpenRouter workspaces with pooled budgets (everyone else's keys are in
    // the default one): the ML platform on enterprise models, the product team on pro ones.
    const QString mlWorkspace = u"6f1c9a52-0c8e-4c55-9d7e-1b2a3c4d5e6f"_s;
    const QString productWorkspace = u"7a2d0b63-1d9f-4d66-8e8f-2c3b4d5e6f70"_s;
    server.addWorkspace({Workspace{mlWorkspace, u"ML Platform"_s, u"ml-platform"_s, u"Training and batch inference"_s, {}},
                         {WorkspaceBudget{WorkspaceInterval::Daily, 120}, WorkspaceBudget{WorkspaceInterval::Monthly, 2500}},
                         {}});
    server.addWorkspace({Workspace{productWorkspace, u"Product"_s, u"product"_s, u"The app teams"_s, {}},
                         {WorkspaceBudget{WorkspaceInterval::Monthly, 600}},
                         {}});
    auto workspaceOfTier = [&](const QString &tier) {
        return tier == "enterprise"_L1 ? mlWorkspace : tier == "pro"_L1 ? productWorkspace : QString();
    };
    QList<OrgMember> orgMembers;
    const QList<DemoMember> team = members();
    for (int mi = 0; mi < team.size(); ++mi) {
        const DemoMember &member = team.at(mi);
        const QString userId = u"user_demo%1"_s.arg(mi + 1, 2, 10, QLatin1Char('0'));
        orgMembers << OrgMember{userId, member.email, member.fullName.section(u' ', 0, 0),
                                member.fullName.section(u' ', 1), mi == 0 ? u"org:admin"_s : u"org:member"_s};
        QStringList tierModels = modelsForTier(member.tier);
        // Kate (free tier) has been using a paid model too: something for the tier checks to find.
        if (member.email.startsWith("kate"_L1))
            tierModels << u"meta-llama/llama-3.1-8b-instruct"_s;
        for (int ki = 0; ki < member.keyNames.size(); ++ki) {
            const QString keyName = member.keyNames.at(ki);
            // A second key takes a smaller share of the member's traffic.
            const double share = ki == 0 ? 1.0 : 0.35;
            FakeOpenRouter::KeySeed s;
            s.name = keyName;
            // Made for the member with their user id, so OpenRouter counts it as theirs (their
            // guardrail as a person binds it); the hygiene keys below are the admin's own making.
            s.creatorUserId = userId;
            s.workspaceId = workspaceOfTier(member.tier);
            s.createdAt = QDateTime(today.addDays(-(75 + mi * 9 + ki * 20)), QTime(9, 30), QTimeZone::utc());
            const int quietDays = keyName == "liam-intern"_L1 ? 12 : keyName == "eve-security"_L1 ? 5 : 0;
            const QList<std::pair<QDate, ActivityItem>> rows = activityRows(keyName, tierModels, volume.at(mi) * share, quietDays);
            // Spend from before the 60 days we model (free-tier models cost nothing).
            const double before = member.tier == "free"_L1 ? 0.0 : 20.0 + mi * 6.5;
            // Every state a key can be in, so each part of the UI has something to show.
            addKey(s, rows, before, [&](FakeOpenRouter::KeySeed &seed) {
                if (keyName == "bob-frontend"_L1) { // near the limit (93% of a monthly limit)
                    seed.limitReset = LimitReset::Monthly;
                    seed.limit = std::ceil(seed.usageMonthly / 0.93);
                } else if (keyName == "jamal-support"_L1) { // just over its weekly limit
                    seed.limitReset = LimitReset::Weekly;
                    seed.limit = std::max(1.0, std::floor(seed.usageWeekly * 0.95));
                } else if (keyName == "eve-security"_L1) {
                    seed.disabled = true;
                    seed.limit = 50;
                    seed.limitReset = LimitReset::Monthly;
                } else if (keyName == "hiro-mobile"_L1) { // expiring in three days
                    seed.expiresAt = QDateTime(today.addDays(3), QTime(23, 59, 59), QTimeZone::utc());
                    seed.limit = 75;
                    seed.limitReset = LimitReset::Monthly;
                } else if (keyName == "liam-intern"_L1) { // expired
                    seed.expiresAt = QDateTime(today.addDays(-12), QTime(17, 0), QTimeZone::utc());
                    seed.limit = 100;
                } else if (member.tier == "enterprise"_L1) { // no limit
                    if (keyName == "carol-ml-batch"_L1) {
                        seed.limit = 1000;
                        seed.limitReset = LimitReset::Monthly;
                    }
                } else if (member.tier == "free"_L1) {
                    seed.limit = 2;
                    seed.limitReset = LimitReset::Daily;
                } else {
                    seed.limitReset = LimitReset::Monthly;
                    seed.limit = std::ceil(std::max(25.0, seed.usageMonthly * 1.6) / 25) * 25;
                }
                if (keyName == "frank-ci"_L1)
                    seed.expiresAt = QDateTime(today.addDays(45), QTime(0, 0), QTimeZone::utc());
            });
        }
    }
    // The keys the Hygiene page finds, after everyone else's (the sample above stays as it was).
    auto tierOf = [&](const QString &owner) {
        for (const DemoMember &m : team + formerMembers()) {
            if (memberName(m) == owner)
                return m.tier;
        }
        return u"basic"_s;
    };
    for (const HygieneKey &hk : hygieneKeys()) {
        FakeOpenRouter::KeySeed s;
        s.name = hk.name;
        s.creatorUserId = u"user_demo01"_s;
        s.createdAt = QDateTime(today.addDays(-hk.createdDaysAgo), QTime(11, 0), QTimeZone::utc());
        s.limit = hk.limit;
        s.limitReset = LimitReset::Monthly;
        const QList<std::pair<QDate, ActivityItem>> rows =
            hk.lastUsedDaysAgo < 0 ? QList<std::pair<QDate, ActivityItem>>()
                                   : activityRows(hk.name, modelsForTier(tierOf(hk.owner)), hk.dailyRequests, hk.lastUsedDaysAgo);
        addKey(s, rows, 0, {});
    }
    server.setOrganizationMembers(orgMembers);
    QList<FakeOpenRouter::FakeWorkspace> spaces = server.workspaces();
    for (int mi = 0; mi < team.size(); ++mi) {
        const QString ws = workspaceOfTier(team.at(mi).tier);
        for (FakeOpenRouter::FakeWorkspace &w : spaces) {
            if (!ws.isEmpty() && w.workspace.id == ws)
                w.members << orgMembers.at(mi).id;
        }
    }
    server.setWorkspaces(spaces);
    server.setCredits(std::ceil((accountUsage + 250) / 100) * 100, accountUsage);
}

QList<AuditEntry> auditHistory(const QDateTime &now)
{
    auto at = [&](int daysAgo, int hour) { return QDateTime(now.toUTC().date().addDays(-daysAgo), QTime(hour, 12), QTimeZone::utc()); };
    return {
        {0, at(40, 9), u"alice"_s, u"create"_s, u"frank-ci"_s, {}, u"active, limit $25.00 monthly"_s},
        {0, at(21, 14), u"alice"_s, u"limit"_s, u"carol-ml-batch"_s, u"active, limit $400.00 monthly"_s,
         u"active, limit $1000.00 monthly"_s},
        {0, at(12, 17), u"alice"_s, u"tier"_s, u"liam"_s, u"free"_s, u"basic"_s},
        {0, at(5, 10), u"alice"_s, u"disable"_s, u"eve-security"_s, u"active, limit $50.00 monthly"_s,
         u"disabled, limit $50.00 monthly"_s},
        {0, at(1, 16), u"alice"_s, u"revoke"_s, u"old-staging"_s, u"active, limit $10.00, hash 4be1c0ffee2a9d31"_s, u"revoked"_s},
    };
}

QList<DemoDestination> notifyDestinations(const QUrl &fakeBaseUrl)
{
    DemoDestination slack;
    slack.destination.id = u"team-slack"_s;
    slack.destination.kind = Destination::Kind::Slack;
    slack.destination.name = u"#team-spend (demo)"_s;
    slack.destination.alertKinds = allAlertKinds();
    slack.destination.weeklyReport = true;
    slack.secret.url = fakeBaseUrl.toString() + u"/_fake/hooks/team-slack"_s;

    DemoDestination email;
    email.destination.id = u"lead-email"_s;
    email.destination.kind = Destination::Kind::Email;
    email.destination.name = u"Team lead by email"_s;
    email.destination.enabled = false;
    email.destination.alertKinds = {Alert::Kind::Budget, Alert::Kind::TeamBudget, Alert::Kind::CreditsLow};
    email.destination.weeklyReport = true;
    email.destination.monthlyReport = true;
    email.destination.smtpHost = u"127.0.0.1"_s;
    email.destination.smtpPort = 2525;
    email.destination.security = Destination::Security::None;
    email.destination.from = u"orteam@example.com"_s;
    email.destination.to = {u"lead@example.com"_s};
    return {slack, email};
}

} // namespace orteam::DemoData
