#pragma once

#include "ApiError.h"
#include "ApiKey.h"
#include "Enforcement.h"
#include "FlowError.h"
#include "SpendRepository.h"
#include "Store.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QObject>

#include <functional>
#include <optional>

namespace orteam {

class OpenRouterClient;

// Everything the Team page and the daily budget check read from the database, read in one go
// (on a worker, for the dashboard). A read that failed makes readTeamState answer its error, naming it:
// fail closed, never "nobody spent anything".
struct TeamState
{
    QList<Tier> tiers;
    QList<Member> members;
    QHash<QString, QString> owners; // key hash → member
    QHash<QString, MemberSpend> today, week; // today; the last 7 days (the Team page's columns)
    QHash<QString, PeriodSpend> periods;     // today, this week, this month: what budgets are judged on
    QList<EnforcedKey> enforced;
    bool autoEnforce = false;
};
Result<TeamState> readTeamState(const Store &store, const QDate &today);

// The daily check's input from a complete TeamState and the keys as OpenRouter has them now.
DailyCheckInput dailyCheckInput(const TeamState &state, const QDate &today, const QList<ApiKey> &keys, bool forceEnforce);

// What carrying out a daily check did, key by key.
struct EnforcementOutcome
{
    struct Change
    {
        EnforcedKey key;
        bool disabled = false;         // true: disabled (over budget); false: enabled again (a new day)
        std::optional<ApiKey> updated; // the key as OpenRouter now has it (none: it was gone, 404)
        QString keyName() const { return updated ? updated->name : key.keyHash.left(16); }
    };
    struct Failure
    {
        EnforcedKey key;
        bool disabling = false;
        QString message; // the server's or the database's
    };
    QList<Change> changes;
    QList<Failure> failures;  // keys left as they were
    QStringList warnings;     // changes made whose audit entry could not be written
};

// The daily budget check, carried out: members at or over their daily limit are flagged; with
// auto-enforce their keys are disabled (and remembered), and at the next UTC day the keys it
// disabled, and only those, are enabled again. It reads everything or changes nothing: any read
// that failed (members, tiers, spend, enforced keys, the setting) means no key is disabled or
// re-enabled, and the report's error names what failed.
class DailyCheckService
{
public:
    DailyCheckService(Store &store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    struct Report
    {
        FlowError error;           // set: nothing was read completely, so nothing was changed
        DailyCheckResult decisions;
        EnforcementOutcome outcome;
        bool ok() const { return !error.failed() && outcome.failures.isEmpty(); }
    };

    // The whole check (orteam-cli budgets check): today's key counters are saved, the team read,
    // the decisions made and carried out. `forceEnforce`: enforce even with the setting off.
    void run(const QList<ApiKey> &keys, const QDateTime &now, bool forceEnforce, QObject *context,
             std::function<void(const Report &)> done);

    // The second half, for a caller that read the state itself (the dashboard reads it on a
    // worker): decides from a complete state and carries the decisions out.
    void decideAndApply(const TeamState &state, const QDate &today, const QList<ApiKey> &keys, bool forceEnforce,
                        QObject *context, std::function<void(const Report &)> done);

private:
    void apply(const DailyCheckResult &result, QObject *context, std::function<void(const EnforcementOutcome &)> done);
    Store &m_store;
    OpenRouterClient &m_client;
};

} // namespace orteam
