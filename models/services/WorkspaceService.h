#pragma once

#include "FlowError.h"
#include "Store.h"
#include "Workspace.h"

#include <QDate>
#include <QObject>

#include <functional>

namespace orteam {

class OpenRouterClient;

// OpenRouter workspaces for every front end: the list with each one's budgets and members (the
// team's names beside user ids), create and rename, budgets per interval and members previewed
// then applied (one audit line per change), and the chargeback from the team database. A read
// that fails anywhere is no list and no plan: nothing is changed from half an answer.
class WorkspaceService
{
public:
    WorkspaceService(Store &store, OpenRouterClient &client) : m_store(store), m_client(client) {}

    struct Row
    {
        Workspace workspace;
        QList<WorkspaceBudget> budgets; // narrowest first
        QStringList userIds;             // its members
        QStringList memberNames;         // those of them on the team (linked by user id)
        double spentThisMonth = 0;       // its keys, from the team database
        double spentToday = 0;
    };
    struct Listing
    {
        QList<Row> rows;
        FlowError error;
        QString warning; // the list is whole, but its names could not be kept (said, not failed)
    };
    // Every workspace with its budgets and members (2 reads per workspace); keeps their names
    // for the chargeback.
    void list(const QDate &today, QObject *context, std::function<void(const Listing &)> done);

    void create(const QString &name, const QString &slug, const QString &description, QObject *context,
                std::function<void(const Workspace &, const FlowError &)> done);
    void rename(const QString &workspace, const QString &name, QObject *context,
                std::function<void(const Workspace &, const FlowError &)> done);

    struct BudgetPreview
    {
        Workspace workspace;
        WorkspaceBudgetPlan plan;
        // The plan's budgets replayed over the workspace's last `days` of spend.
        int whatIfDays = 0;
        WorkspaceReplay whatIf;
        FlowError error;
    };
    // `workspace`: its id, slug or name.
    void previewBudgets(const QString &workspace, const WorkspaceBudgetWish &wish, const QDate &today, int whatIfDays,
                        QObject *context, std::function<void(const BudgetPreview &)> done);
    // Sends the plan's changes in its order, each audited once OpenRouter confirmed it; stops at
    // the first refusal (a preview again shows the rest). `applied` counts those done.
    void applyBudgets(const BudgetPreview &preview, QObject *context,
                      std::function<void(int applied, const FlowError &)> done);

    struct MemberPreview
    {
        Workspace workspace;
        WorkspaceMemberPlan plan;     // user ids
        QStringList addNames;         // the team's names for plan.add
        QStringList removeNames;      // for plan.remove (a user id where nobody on the team has it)
        QStringList notLinked;        // asked for, but not linked to an OpenRouter user: left out
        QStringList currentUserIds;   // the members as read for the plan
        QStringList currentNames;     // the same, by the team's names (a user id where nobody has it)
        FlowError error;
    };
    // Team members to add and to remove (by name); the rest stay as they are.
    void previewMembers(const QString &workspace, const QStringList &add, const QStringList &remove, QObject *context,
                        std::function<void(const MemberPreview &)> done);
    void applyMembers(const MemberPreview &preview, QObject *context, std::function<void(int applied, const FlowError &)> done);

    // Spend per workspace over UTC days from..to: the chargeback, from history alone.
    Result<QList<WorkspaceSpend>> chargeback(const QDate &from, const QDate &to) const;

private:
    void sendBudgetChanges(const Workspace &w, const QList<WorkspaceBudgetChange> &changes, QObject *context,
                           std::function<void(int, const FlowError &)> done);
    // The workspaces, and the one `text` names (id, slug, or name ignoring case).
    void find(const QString &text, QObject *context, std::function<void(const Workspace &, const FlowError &)> done);

    Store &m_store;
    OpenRouterClient &m_client;
};

} // namespace orteam
