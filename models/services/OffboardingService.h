#pragma once

#include "ApiKey.h"
#include "FlowError.h"
#include "Store.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace orteam {

class OpenRouterClient;

// Offboarding: every key of each member is revoked on OpenRouter (one at a time; a key already
// gone, 404, counts as revoked), then the member is marked inactive (history kept). A member
// whose keys could not all be revoked stays active and the outcome names the keys; offboarding
// again finishes the job. Nothing is revoked when the members cannot be read. A member linked to
// an OpenRouter user is then taken off orteam's guardrails as a person.
class OffboardingService
{
public:
    OffboardingService(Store &store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    struct Outcome
    {
        FlowError error;          // the members or the keys could not be read: nothing was done
        QStringList offboarded;   // now inactive
        QStringList failed;       // one sentence per member still active
        QStringList warnings;     // done, but not all of it is in the audit log
        QStringList revokedKeys;  // hashes OpenRouter no longer has
        int revokedCount(const QString &member) const { return revoked.value(member); }
        QHash<QString, int> revoked; // member → keys revoked now
        QHash<QString, int> gone;    // member → keys OpenRouter had no longer (404: revoked before)
        QStringList unchanged;       // offboarded before, no key revoked now: nothing written
    };
    // `keys`: the account's keys as the caller has them (the dashboard); without them they are
    // listed first, so every front end audits each revoked key by its name and settings alike.
    void offboard(const QStringList &names, const std::optional<QList<ApiKey>> &keys, QObject *context,
                  std::function<void(const Outcome &)> done);

private:
    void revokeAndMark(const QList<Member> &members, const QHash<QString, ApiKey> &keys, QObject *context,
                       std::function<void(const Outcome &)> done);
    // Takes offboarded people (user id → member) off orteam's guardrails at OpenRouter; answers
    // the sentences for what could not be done.
    void releaseGuardrails(const QHash<QString, QString> &users, std::function<void(const QStringList &warnings)> done);
    Store &m_store;
    OpenRouterClient &m_client;
};

} // namespace orteam
