#pragma once

#include "Enforcement.h"
#include "StoreResult.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace orteam {

class Database;

// What the team decided and what enforces it: the keys the daily check disabled, team-wide
// settings, the alerts already raised, and orteam-gateway tokens.
class GovernanceRepository
{
public:
    explicit GovernanceRepository(Database &db) : m_db(db) {}

    // The keys the local daily check disabled (so it re-enables those and only those).
    Result<QList<EnforcedKey>> enforcedKeys() const;
    Status setEnforced(const EnforcedKey &key);
    Status forgetEnforced(const QString &keyHash);

    // Team-wide settings shared by everyone on the same database (e.g. auto-enforce). A setting
    // never written reads as `fallback`; a failed read is an error, never the fallback.
    Result<QString> setting(const QString &name, const QString &fallback = {}) const;
    Status setSetting(const QString &name, const QString &value);

    // Records alert ids as raised; returns the ones not raised before (each alert once).
    Result<QStringList> markAlertsSeen(const QStringList &ids);

    // orteam-gateway tokens: the plain token is returned once, only its SHA-256 is kept.
    static QString hashGatewayToken(const QString &token);
    Result<QString> createGatewayToken(const QString &member); // NotFound, or Invalid for an inactive member
    Result<int> revokeGatewayTokens(const QString &member);     // how many
    Result<QHash<QString, QString>> gatewayTokens() const;      // token hash → member
    // The one token's member when that member is active; empty when the token is revoked or its
    // member offboarded. One indexed row: cheap enough to ask before a request is let through.
    Result<QString> activeMemberOfGatewayToken(const QString &tokenHash) const;

private:
    Database &m_db;
};

} // namespace orteam
