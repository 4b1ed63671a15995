#pragma once

#include "StoreResult.h"
#include "Team.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace orteam {

class Database;

// Tiers, members and which member each key belongs to. Checks what the database must never hold
// (an unknown tier, a duplicate member, a member name with control characters); the rules of
// what a person may change are the services'.
class TeamRepository
{
public:
    explicit TeamRepository(Database &db) : m_db(db) {}

    // Tiers, in the order people expect (free, basic, pro, enterprise, then by name).
    Result<QList<Tier>> tiers() const;
    Status saveTier(const Tier &tier);               // adds or replaces
    Status deleteTier(const QString &name);          // Conflict while members have it; NotFound
    Status setTierGuardrail(const QString &tier, const QString &guardrailId);

    // Members, by name, with their linked key hashes.
    Result<QList<Member>> members() const;
    Result<Member> member(const QString &name) const; // NotFound when there is none
    // The named members, in that order (a bulk change reads them at once); NotFound for the
    // first name there is no member of.
    Result<QList<Member>> members(const QStringList &names) const;
    Status addMember(const Member &member);           // Conflict when the name exists; Invalid tier/name
    Status updateMember(const Member &member);        // NotFound; Invalid tier
    // Adds or updates each member, in one transaction: all saved, or none (a roster import, a
    // bulk tier change). Linear: the tiers and names are read once, each statement prepared once.
    Status saveMembers(const QList<Member> &members);

    // Links members to OpenRouter users (an empty id unlinks), all or none, judged on the links
    // as they end up (a move or a swap in one call is fine): NotFound for an unknown member,
    // Conflict when a user would be two members'. Kept apart from saveMembers so
    // that a form or a roster that says nothing of the link never drops it.
    Status setUserIds(const QList<std::pair<QString, QString>> &memberToUserId);
    Status setMemberGuardrail(const QString &member, const QString &guardrailId);
    // A member's own guardrail deleted at OpenRouter: whichever member held its id forgets it.
    Status forgetGuardrail(const QString &guardrailId);

    Status linkKey(const QString &memberName, const QString &keyHash); // moves a key linked to another
    Status unlinkKey(const QString &keyHash);
    // Replaces a member's links with exactly `keyHashes`, in one transaction.
    Status setKeys(const QString &memberName, const QStringList &keyHashes);
    Result<QHash<QString, QString>> keyOwners() const; // key hash → member name

private:
    Status checkTier(const QString &tier) const;
    Database &m_db;
};

} // namespace orteam
