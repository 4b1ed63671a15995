#pragma once

#include "ApiKey.h"
#include "Hygiene.h"
#include "JsonCodec.h"
#include "LifecycleService.h"
#include "StoreResult.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace orteam {

class JobQueue;
class KeyListController;
class OpenRouterClient;
class Store;
class TeamController;

// The keys one hygiene rule found (or every key with a finding, or every key being rotated), as a
// table: name, member, tier, last use, age, spend and what the rule found. Raw values for sorting
// are kept apart from the text (SortRole), as in KeyTableModel.
class HygieneTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, MemberColumn, TierColumn, LastUsedColumn, AgeColumn, SpendColumn, FindingColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { SortRole = Qt::UserRole + 1, HashRole, SeverityRole };

    // Which keys are shown: those with any finding, those one rule found, or those being rotated.
    struct Filter
    {
        enum class Kind { All, Rule, Rotating };
        Kind kind = Kind::All;
        HygieneRule rule = HygieneRule::Dormant;
        friend bool operator==(const Filter &, const Filter &) = default;
    };

    explicit HygieneTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setKeys(const QList<KeyHygiene> &keys);
    void setFilter(const Filter &filter);
    Filter filter() const { return m_filter; }
    // Empties the table (an assessment that failed shows no stale findings).
    void clear();
    const KeyHygiene *keyAt(int row) const;

private:
    void rebuild();
    QString findingText(const KeyHygiene &k) const;

    QList<KeyHygiene> m_keys;
    QList<int> m_rows; // indexes into m_keys shown under the filter
    Filter m_filter;
};

// Key hygiene in the dashboard. After every good key refresh (only then is the key list whole) it
// assesses the keys with the team database (HygieneService, on the shared job queue), then carries
// out the rotation schedule (LifecycleService::run) and refreshes the keys when that changed one.
// Bulk actions on a selection go through the controllers and services that own each change, so
// they are audited as everywhere else, and each reports every failure by the key's name. Views
// never talk to the network.
class HygieneController final : public QObject
{
    Q_OBJECT

public:
    // `store` null: no team database (counters-only findings, no schedule, no links). `team` and
    // `jobs` may be null too (then members come from the store, and reads run here).
    HygieneController(KeyListController *keys, OpenRouterClient *client, Store *store, TeamController *team = nullptr,
                      JobQueue *jobs = nullptr, QObject *parent = nullptr);

    HygieneTableModel *model() { return &m_model; }

    enum class State { Waiting, Ready, Failed };
    State state() const { return m_state; }
    // Why the last assessment failed (State::Failed).
    QString error() const { return m_error; }
    // The last good assessment (empty until one succeeded).
    const HygieneService::Assessment &assessment() const { return m_assessment; }
    QHash<HygieneRule, int> counts() const { return m_counts; }
    int keysWithFindings() const;
    int rotatingCount() const;
    bool teamKnown() const { return m_store != nullptr; }
    std::optional<KeyHygiene> keyHygiene(const QString &hash) const;

    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    QDateTime now() const { return m_clock(); }
    // The read-only view (no management key): nothing is written, the schedule is not run.
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    bool isReadOnly() const { return m_readOnly; }

    // The outcome of a bulk action: the keys done, and each failure with the key's name.
    struct BulkOutcome
    {
        QStringList done;                             // key names
        QList<std::pair<QString, QString>> failed;    // key name, why
        QStringList warnings;                         // done, but not all of it recorded
        QList<json::CreatedKey> created;              // rotations: each new key, its secret to show once
        // "Could not revoke 2 of 3 keys: "a": …; "b": …" (empty when nothing failed).
        QString failureText(const QString &verb, int total) const;
    };
    using BulkDone = std::function<void(const BulkOutcome &)>;
    void revoke(const QList<ApiKey> &keys, QObject *context, BulkDone done);
    void disable(const QList<ApiKey> &keys, QObject *context, BulkDone done);
    void setLimit(const QList<ApiKey> &keys, std::optional<double> limit, QObject *context, BulkDone done);
    void rotate(const QList<ApiKey> &keys, const LifecycleService::RotateOptions &options, QObject *context, BulkDone done);
    // Links each key to `member` (TeamService, audited); database only, so answered at once.
    BulkOutcome link(const QList<ApiKey> &keys, const QString &member);
    // "Keep old key": each key's rotation schedule ends (LifecycleService::cancel, audited).
    BulkOutcome keepOldKeys(const QList<ApiKey> &keys);
    // Active members a key can be linked to; an error when the team cannot be read.
    Result<QStringList> activeMembers() const;

    Result<HygieneSettings> settings() const;
    Status saveSettings(const HygieneSettings &settings);

public Q_SLOTS:
    // Assesses the keys as the key list has them now (after a change that needs no refresh).
    void assess();

Q_SIGNALS:
    // The state, counts or table changed.
    void assessed();
    // Something the schedule or an action wrote to the team database (for the audit page).
    void changed();
    // The schedule did something, for the status bar.
    void status(const QString &message);
    // The schedule or an action could not do all of it.
    void problem(const QString &message);

private:
    void onKeysRefreshed(const ApiError &error);
    void applyAssessment(const Result<HygieneService::Assessment> &result, quint64 generation, bool thenRun);
    void runSchedule();
    using Step = std::function<void(const ApiKey &key, std::function<void(const QString &error)> next)>;
    void eachKey(const QList<ApiKey> &keys, Step step, QObject *context, BulkDone done, std::shared_ptr<BulkOutcome> outcome = {});

    KeyListController *m_keys;
    OpenRouterClient *m_client;
    Store *m_store;
    TeamController *m_team;
    JobQueue *m_jobs;
    HygieneTableModel m_model;
    State m_state = State::Waiting;
    QString m_error;
    HygieneService::Assessment m_assessment;
    QHash<HygieneRule, int> m_counts;
    quint64 m_generation = 0;
    bool m_readOnly = false;
    QTimer m_assessSoon;
    bool m_running = false;  // a schedule run is under way: a second one would repeat its calls
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace orteam
