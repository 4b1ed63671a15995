#pragma once

#include "FlowError.h"
#include "Roster.h"
#include "Store.h"
#include "Team.h"

#include <QStringList>

namespace orteam {

// The team's rules, for every front end: members (add, edit, tier, keys), tiers, roster
// imports, gateway tokens and the auto-enforce setting. Each change is validated, saved with its
// audit entry in one transaction (all of it or none of it), and described in the one audit
// vocabulary (Audit.h). Database only: flows that need OpenRouter are OffboardingService's,
// GuardrailService's and DailyCheckService's.
class TeamService
{
public:
    explicit TeamService(Store &store) : m_store(store) {}

    // Adds a member and links the keys it lists (Member::keyHashes), or changes nothing.
    Status addMember(const Member &member);
    // Changes email, tier, own limit and active flag; the tier change is audited on its own line.
    Status updateMember(const Member &member);
    // The member form: details, tier and keys (Member::keyHashes) saved together, or none of them.
    Status editMember(const Member &member);
    // Gives every named member `tier`: all of them, or none.
    Status setTier(const QStringList &names, const QString &tier);
    // Replaces a member's keys with exactly `keyHashes`.
    Status setKeys(const QString &name, const QStringList &keyHashes);
    // An offboarded member active again (rehired, offboarded by mistake), audited. Their revoked
    // keys stay linked, for the spend made through them; new keys are made and linked after.
    // False when they were active already (nothing changed).
    Result<bool> reactivate(const QString &name);
    // Links one more key (moved from whoever had it) to an active member. `keyName` is for the audit log.
    // `previousOwner`, when given, is set to the member the key was taken from (empty: nobody's).
    Status linkKey(const QString &name, const QString &keyHash, const QString &keyName, QString *previousOwner = nullptr);
    // The key's link taken away (its spend, history included, no longer anybody's), audited; a
    // key linked to nobody is an error that names it. `owner`: whose it was.
    Status unlinkKey(const QString &keyHash, const QString &keyName, QString *owner = nullptr);

    // A tier name, budget, allowlist and fallback that make sense (empty: fine).
    static QString validateTier(const Tier &tier, bool isNew, const QList<Tier> &existing);
    Status saveTier(const Tier &tier);
    Status deleteTier(const QString &name);

    // orteam-gateway tokens: the plain token is returned once; only its hash is kept.
    Result<QString> createGatewayToken(const QString &member);
    Result<int> revokeGatewayTokens(const QString &member);

    // Auto-enforce (a team setting in the database): the daily check disables over-budget keys.
    static QString autoEnforceSetting();
    Result<bool> autoEnforce() const;
    Status setAutoEnforce(bool on);

    // Saves a roster import's adds, changes and reactivations in one transaction (with one audit
    // line) and answers the names still to offboard (OffboardingService does that, with OpenRouter).
    struct ImportSaved
    {
        int added = 0;
        int changed = 0;
        QStringList toOffboard;
        QString summary() const;
    };
    Result<ImportSaved> importRoster(const RosterPlan &plan);

private:
    Store &m_store;
};

// One line describing a member for the audit log.
QString memberAuditSummary(const Member &m);

} // namespace orteam
