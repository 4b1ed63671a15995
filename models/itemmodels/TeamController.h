#pragma once

#include "Account.h"
#include "ApiError.h"
#include "Enforcement.h"
#include "Roster.h"
#include "Store.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QDateTime>
#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace orteam {

class AuditLogController;
class KeyListController;
class OpenRouterClient;

// The team as a table: one row per member with tier, daily limit, spend today and this week
// (from every source the store knows), linked keys and status. Reads; never writes.
class MemberTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, EmailColumn, TierColumn, LimitColumn, TodayColumn, WeekColumn, KeysColumn, StatusColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { SortRole = Qt::UserRole + 1, NameRole };

    struct Row
    {
        Member member;
        std::optional<double> dailyLimit;
        double today = 0;
        double week = 0;
        bool overBudget = false;
    };

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRows(const QList<Row> &rows);
    const QList<Row> &rows() const { return m_rows; }
    int rowOf(const QString &name) const;

private:
    QList<Row> m_rows;
};

// Runs the team: members and tiers in the store, their keys on OpenRouter, tiers pushed to
// guardrails, and the local daily budget check after every key refresh. Every change a person
// makes is audited; every network step reports exactly what happened.
class TeamController final : public QObject
{
    Q_OBJECT

public:
    // `audit` may be null (tests); `keys` supplies the live key list and revokes keys.
    TeamController(Store *store, OpenRouterClient *client, KeyListController *keys, AuditLogController *audit,
                   QObject *parent = nullptr);
    ~TeamController() override;

    // Everything the page and the daily check read from the store, in one go.
    struct StoreState
    {
        QList<Tier> tiers;
        QList<Member> members;
        QHash<QString, QString> owners;
        QHash<QString, MemberSpend> today, week;
        QList<EnforcedKey> enforced;
        bool autoEnforce = false;
        QString error;
    };
    static StoreState readState(const Store &store, const QDate &today);

    MemberTableModel *model() { return &m_model; }
    Store *store() const { return m_store; }
    QList<Tier> tiers() const { return m_tiers; }
    QList<Member> members() const;
    std::optional<Member> member(const QString &name) const;
    QHash<QString, QString> keyOwners() const { return m_owners; }

    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    QDate today() const { return m_clock().toUTC().date(); }

    // Store edits. Each returns false with a sentence in *error and changes nothing on failure.
    bool addMember(const Member &member, QString *error);
    bool updateMember(const Member &member, QString *error);
    bool setTier(const QStringList &names, const QString &tier, QString *error); // all or none
    bool setKeys(const QString &name, const QStringList &keyHashes, QString *error); // replaces the links
    bool saveTier(const Tier &tier, QString *error);
    bool deleteTier(const QString &name, QString *error);
    // An orteam-gateway token for the member: returned once (for the dialog), only its hash kept.
    std::optional<QString> createGatewayToken(const QString &member, QString *error);
    static QString validateTier(const Tier &tier, bool isNew, const QList<Tier> &existing);

    // Offboarding: revokes every linked key, then marks the members inactive. A member whose
    // keys could not all be revoked stays active, and the message names the keys; re-running
    // finishes the job (keys gone already count as revoked).
    struct OffboardOutcome
    {
        QStringList offboarded;
        QStringList failed; // one sentence per member that is still active
    };
    void offboard(const QStringList &names, QObject *context, std::function<void(const OffboardOutcome &)> done);

    // Applies an import plan: adds, changes and reactivations in one transaction, then the
    // offboardings (which need OpenRouter). Rejected rows are never imported.
    void importRoster(const RosterPlan &plan, QObject *context, std::function<void(bool ok, const QString &message)> done);

    // Guardrails: plan against what OpenRouter holds now, then apply step by step. A failure
    // stops there; what was done stays done, and planning again picks up the rest.
    void planGuardrails(QObject *context, std::function<void(const GuardrailPlan &plan, const ApiError &error)> done);
    void applyGuardrails(const GuardrailPlan &plan, QObject *context,
                         std::function<void(int stepsDone, const ApiError &error)> done);

    // The model catalogue (GET /models), fetched once and kept.
    void fetchModels(QObject *context, std::function<void(const QList<ModelInfo> &models, const ApiError &error)> done);

    // Local daily check: after every key refresh. Auto-enforce is a team setting in the store.
    bool autoEnforce() const;
    bool setAutoEnforce(bool on, QString *error);
    QList<OverBudget> overBudget() const { return m_lastCheck.overBudget; }
    // The check after a refresh: writes the day's key snapshots and reads the team on a worker
    // thread with its own connection (10,000 keys must not freeze the window), then decides and
    // acts here. checkFinished() says when it is done.
    void runDailyCheck();

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void changed();
    void checkFinished(const QList<orteam::OverBudget> &overBudget, const QStringList &actions);
    void problem(const QString &message);

private:
    void audit(const QString &action, const QString &target, const QString &before, const QString &after);
    void onKeysRefreshed(const ApiError &error);
    void applyState(const StoreState &state);
    // Runs on the worker when the store can be opened twice (a file or a server), else here.
    void startJob(bool writeSnapshots, bool check);
    void onJobDone(const StoreState &state, bool check, quint64 generation);
    void act(const StoreState &state);
    void setKeyDisabled(const EnforcedKey &key, bool disabled);

    Store *m_store;
    OpenRouterClient *m_client;
    KeyListController *m_keys;
    AuditLogController *m_audit;
    MemberTableModel m_model;
    QList<Tier> m_tiers;
    QHash<QString, QString> m_owners;
    QList<ModelInfo> m_models;
    DailyCheckResult m_lastCheck;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };

    QThread m_thread;
    QObject *m_worker = nullptr;              // lives in m_thread
    std::unique_ptr<Store> m_workerStore;     // opened, used and closed in m_thread only
    bool m_jobRunning = false;
    quint64 m_generation = 0; // bumped by every edit here: a job that read before it is stale
    bool m_jobQueued = false, m_queuedWrite = false, m_queuedCheck = false;
};

} // namespace orteam
