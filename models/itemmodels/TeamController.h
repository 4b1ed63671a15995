#pragma once

#include "DailyCheckService.h"
#include "Enforcement.h"
#include "FlowError.h"
#include "MemberTableModel.h"
#include "ModelCatalogue.h"
#include "MemberLinkService.h"
#include "OffboardingService.h"
#include "Roster.h"
#include "Store.h"
#include "WhatIf.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace orteam {

class JobQueue;
class KeyListController;
class OpenRouterClient;

// The Team page's adapter over the services: it shows the team (MemberTableModel) as the
// database has it and hands every change to the service that owns its rules (TeamService for
// members, tiers, tokens and auto-enforce; OffboardingService; GuardrailService;
// DailyCheckService), which validate, save, audit and talk to OpenRouter exactly as they do for
// orteam-cli. After every key refresh the team is read on the shared JobQueue (10,000 keys must
// not freeze the window) and the daily check decided here; a read that failed changes no key.
class TeamController final : public QObject
{
    Q_OBJECT

public:
    // `jobs` is the dashboard's one worker, shared with the other controllers; null: the
    // controller makes one of its own (a test, a benchmark).
    TeamController(Store *store, OpenRouterClient *client, KeyListController *keys, JobQueue *jobs = nullptr,
                   QObject *parent = nullptr);
    ~TeamController() override;

    MemberTableModel *model() { return &m_model; }
    ModelCatalogue *catalogue() { return &m_catalogue; }
    Store *store() const { return m_store; }
    OpenRouterClient *client() const { return m_client; }
    // The team as last read.
    QList<Tier> tiers() const { return m_tiers; }
    QList<Member> members() const;
    std::optional<Member> member(const QString &name) const;
    QHash<QString, QString> keyOwners() const { return m_owners; }
    // Why the last read of the team failed (then the table shows the read before); empty when it
    // succeeded. For a page made after the failure was signalled.
    QString readError() const { return m_readError; }

    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    QDate today() const { return m_clock().toUTC().date(); }

    // Team edits (TeamService): each is validated, saved with its audit entry in one transaction,
    // and changes nothing when it fails; the table is read again at once.
    Status addMember(const Member &member);
    // The member form's save: details, tier and keys together, or nothing.
    Status editMember(const Member &member);
    Status setTier(const QStringList &names, const QString &tier); // all or none
    Status setKeys(const QString &name, const QStringList &keyHashes);
    Status saveTier(const Tier &tier);
    Status deleteTier(const QString &name);
    // An orteam-gateway token for the member: returned once (for the dialog), only its hash kept.
    Result<QString> createGatewayToken(const QString &member);

    // Offboarding (OffboardingService): every linked key revoked, then the members marked
    // inactive. A member whose keys could not all be revoked stays active, and the outcome names
    // the keys; offboarding again finishes the job. Revoked keys leave the key table.
    using OffboardOutcome = OffboardingService::Outcome;
    void offboard(const QStringList &names, QObject *context, std::function<void(const OffboardOutcome &)> done);

    // A roster import: adds, changes and reactivations in one transaction (TeamService), then the
    // offboardings. Rejected rows are never imported.
    void importRoster(const RosterPlan &plan, QObject *context, std::function<void(bool ok, const QString &message)> done);

    // Guardrails (GuardrailService), planned against the keys the dashboard already lists. A
    // failure stops there; what was done stays done, and planning again picks up the rest.
    // What if the tiers (as saved, or `tiers` while one is being edited) had been in force over
    // the last `days` UTC days: the team database's history replayed (replayTiers).
    Result<WhatIfResult> whatIf(int days, const std::optional<QList<Tier>> &tiers = std::nullopt) const;
    void planGuardrails(QObject *context, std::function<void(const GuardrailPlan &plan, const FlowError &error)> done);
    void applyGuardrails(const GuardrailPlan &plan, QObject *context, std::function<void(int stepsDone, const FlowError &error)> done);

    // Members as OpenRouter users (MemberLinkService): the organization matched to the team by
    // email, and the links a person chose saved (an empty user id unlinks), then the team re-read.
    void previewLinks(QObject *context, std::function<void(const MemberLinkService::Preview &preview)> done);
    Status saveLinks(const QList<MemberLink> &links);

    // The daily check. Auto-enforce is a team setting in the database; autoEnforce() is its value
    // as last read.
    bool autoEnforce() const { return m_autoEnforce; }
    Status setAutoEnforce(bool on);
    QList<OverBudget> overBudget() const { return m_lastCheck.overBudget; }
    // Reads the team on the worker, then decides and acts here; checkFinished() says when it is
    // done, problem() why it changed nothing.
    void runDailyCheck();

public Q_SLOTS:
    // Reads the team at once (after an edit, or the read-only view's Refresh). On failure the
    // table keeps what it showed and problem() says why.
    void reload();

Q_SIGNALS:
    void changed();
    void checkFinished(const QList<orteam::OverBudget> &overBudget, const QStringList &actions);
    void problem(const QString &message);

private:
    // What a worker job read: the team, and whether today's key counters could be saved first.
    struct StateRead
    {
        Result<TeamState> state;
        QDate day;
        QString snapshotError;
    };

    Status edited(const Status &status);
    void onKeysRefreshed(const ApiError &error);
    void applyState(const TeamState &state);
    void startJob(bool writeSnapshots, bool check);
    void onJobDone(const StateRead &read, bool check, quint64 generation);
    void act(const TeamState &state, const QDate &day);

    Store *m_store;
    OpenRouterClient *m_client;
    KeyListController *m_keys;
    std::unique_ptr<JobQueue> m_ownJobs;
    JobQueue *m_jobs;
    MemberTableModel m_model;
    ModelCatalogue m_catalogue;
    QList<Tier> m_tiers;
    QHash<QString, QString> m_owners;
    bool m_autoEnforce = false;
    QString m_readError;
    DailyCheckResult m_lastCheck;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };

    bool m_jobRunning = false;
    bool m_checking = false;      // a check's PATCHes are under way: a second check waits for them
    bool m_checkAgain = false;
    quint64 m_generation = 0; // bumped by every read here: a job that read before it is stale
    bool m_jobQueued = false, m_queuedWrite = false, m_queuedCheck = false;
};

} // namespace orteam
