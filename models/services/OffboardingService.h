#pragma once

#include "FlowError.h"
#include "Store.h"

#include <QObject>
#include <QStringList>

#include <functional>

namespace orteam {

class OpenRouterClient;

// Offboarding: every key of each member is revoked on OpenRouter (one at a time; a key already
// gone, 404, counts as revoked), then the member is marked inactive (history kept). A member
// whose keys could not all be revoked stays active and the outcome names the keys; offboarding
// again finishes the job. Nothing is revoked when the members cannot be read.
class OffboardingService
{
public:
    OffboardingService(Store &store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    struct Outcome
    {
        FlowError error;          // the members could not be read: nothing was done
        QStringList offboarded;   // now inactive
        QStringList failed;       // one sentence per member still active
        QStringList revokedKeys;  // hashes OpenRouter no longer has
        int revokedCount(const QString &member) const { return revoked.value(member); }
        QHash<QString, int> revoked; // member → keys revoked
    };
    // `keyNames` (hash → name) makes messages and the audit log readable; hashes are used otherwise.
    void offboard(const QStringList &names, const QHash<QString, QString> &keyNames, QObject *context,
                  std::function<void(const Outcome &)> done);

private:
    Store &m_store;
    OpenRouterClient &m_client;
};

} // namespace orteam
