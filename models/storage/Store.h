#pragma once

#include "AuditRepository.h"
#include "Database.h"
#include "GovernanceRepository.h"
#include "LifecycleRepository.h"
#include "NotifyRepository.h"
#include "SpendRepository.h"
#include "StoreResult.h"
#include "TeamRepository.h"
#include "UsageRepository.h"
#include "WorkspaceRepository.h"

namespace orteam {

// The team database as the rest of orteam sees it: one connection and a repository per concern.
// It owns them and nothing else; what a flow does with them (in one transaction) is a service's.
class Store
{
public:
    Store() : m_team(m_db), m_usage(m_db), m_spend(m_db), m_governance(m_db), m_audit(m_db), m_lifecycle(m_db), m_notify(m_db), m_workspaces(m_db) {}
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    Status open(const DbLocation &location) { return m_db.open(location); }
    void close() { m_db.close(); }
    bool isOpen() const { return m_db.isOpen(); }
    DbLocation location() const { return m_db.location(); }

    Database &database() { return m_db; }
    const Database &database() const { return m_db; }
    TeamRepository &team() { return m_team; }
    const TeamRepository &team() const { return m_team; }
    UsageRepository &usage() { return m_usage; }
    const UsageRepository &usage() const { return m_usage; }
    SpendRepository &spend() { return m_spend; }
    const SpendRepository &spend() const { return m_spend; }
    GovernanceRepository &governance() { return m_governance; }
    const GovernanceRepository &governance() const { return m_governance; }
    AuditRepository &audit() { return m_audit; }
    const AuditRepository &audit() const { return m_audit; }
    LifecycleRepository &lifecycle() { return m_lifecycle; }
    const LifecycleRepository &lifecycle() const { return m_lifecycle; }
    NotifyRepository &notify() { return m_notify; }
    const NotifyRepository &notify() const { return m_notify; }
    WorkspaceRepository &workspaces() { return m_workspaces; }
    const WorkspaceRepository &workspaces() const { return m_workspaces; }

    // One write transaction across repositories: all of `work` is saved, or none of it.
    Status transaction(const std::function<Status()> &work) { return m_db.transaction(work); }

private:
    Database m_db;
    TeamRepository m_team;
    UsageRepository m_usage;
    SpendRepository m_spend;
    GovernanceRepository m_governance;
    AuditRepository m_audit;
    LifecycleRepository m_lifecycle;
    NotifyRepository m_notify;
    WorkspaceRepository m_workspaces;
};

} // namespace orteam
