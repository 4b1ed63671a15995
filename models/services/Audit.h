#pragma once

#include "AuditRepository.h"

#include <QString>

namespace orteam {

// The audit log's vocabulary: one word per kind of change, whichever front end made it, so the
// log reads the same from the dashboard, orteam-cli and orteam-gateway (and can be filtered).
namespace AuditAction {
// Keys (OpenRouter confirmed the change)
inline const QString Create = QStringLiteral("create");
inline const QString Revoke = QStringLiteral("revoke");
inline const QString Disable = QStringLiteral("disable");
inline const QString Enable = QStringLiteral("enable");
inline const QString Limit = QStringLiteral("limit");
inline const QString Rename = QStringLiteral("rename");
inline const QString Rotate = QStringLiteral("rotate");
// Team
inline const QString MemberAdd = QStringLiteral("member-add");
inline const QString MemberEdit = QStringLiteral("member-edit");
inline const QString MemberTier = QStringLiteral("tier");   // a member's tier changed
inline const QString Link = QStringLiteral("link");         // a member's keys changed
inline const QString Offboard = QStringLiteral("offboard");
inline const QString UserLink = QStringLiteral("user-link"); // a member linked to (or unlinked from) an OpenRouter user
inline const QString Import = QStringLiteral("import");
inline const QString TierEdit = QStringLiteral("tier-edit"); // a tier's budget, models or fallback
inline const QString Settings = QStringLiteral("settings");  // team settings (key hygiene thresholds, alert settings)
inline const QString Destination = QStringLiteral("destination"); // a notification destination added, changed or removed
inline const QString Workspace = QStringLiteral("workspace"); // a workspace made, renamed, its budgets or members
inline const QString GatewayTokenCreated = QStringLiteral("gateway token created");
inline const QString GatewayTokenRevoked = QStringLiteral("gateway token revoked");
// Enforcement: the daily check, guardrails, auto-enforce
inline const QString Enforcement = QStringLiteral("enforcement");
} // namespace AuditAction

inline AuditEntry auditEntry(const QString &action, const QString &target, const QString &before, const QString &after)
{
    return AuditEntry{0, {}, {}, action, target, before, after};
}

} // namespace orteam
