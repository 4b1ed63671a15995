#pragma once

#include "Account.h"
#include "ApiError.h"
#include "ApiResult.h"
#include "JsonCodec.h"
#include "KeyRequests.h"
#include "KeyService.h"
#include "KeyTableModel.h"
#include "LifecycleService.h"

#include <QDateTime>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace orteam {

class OpenRouterClient;
class Store;

// Keeps the key table and the account's credits in step with OpenRouter: refresh on demand and on
// an interval, one refresh at a time. Key changes go through KeyService, so the dashboard writes
// the same audit entries as orteam-cli. Views bind to model() and the signals; they never talk to
// the network themselves.
class KeyListController final : public QObject
{
    Q_OBJECT

public:
    // `store` is the team database the key changes are audited in; null when none is open.
    explicit KeyListController(OpenRouterClient *client, Store *store = nullptr, QObject *parent = nullptr);

    KeyTableModel *model() { return &m_model; }
    bool isRefreshing() const { return m_refreshing; }
    QDateTime lastRefresh() const { return m_lastRefresh; }
    std::optional<Credits> credits() const { return m_credits; }
    ApiError lastError() const { return m_lastError; }
    // Whether the table holds an answer from OpenRouter. Before the first listing came back (or
    // while every one so far failed) an empty table means "unknown", never "no keys".
    bool hasLoaded() const { return m_lastRefresh.isValid(); }
    // What the table shows is older than the last attempt: the last refresh failed.
    bool isStale() const { return hasLoaded() && m_lastError.isError(); }
    // "As of 06:31 (4 min ago) — the last refresh failed" while isStale(), else empty. The age
    // follows now(), so a view that asks again as time passes shows it growing.
    QString staleText() const;
    // The credits' own moment: they are read after the keys and can fail on their own.
    QDateTime creditsAsOf() const { return m_creditsAsOf; }
    ApiError creditsError() const { return m_creditsError; }
    // As staleText(), for the credits.
    QString creditsStaleText() const;
    // "As of 06:31 (4 min ago)": local time of day and age, for any last-known value.
    static QString asOfText(const QDateTime &asOf, const QDateTime &now);

    // 0 turns periodic refresh off.
    void setRefreshInterval(int seconds);
    // Where "now" comes from (expiry status); tests pin it.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    // Key actions. The table changes only after OpenRouter confirms (and keyChanged() follows);
    // on failure nothing changes and the callback carries the error.
    void createKey(const NewKeySpec &spec, QObject *context, std::function<void(const ApiResult<json::CreatedKey> &)> done);
    void updateKey(const QString &hash, const KeyUpdate &update, QObject *context,
                   std::function<void(const ApiResult<ApiKey> &)> done);
    struct RevokeOutcome
    {
        QList<ApiKey> revoked;
        QList<std::pair<ApiKey, ApiError>> failed;
    };
    void revokeKeys(const QStringList &hashes, QObject *context, std::function<void(const RevokeOutcome &)> done);
    // Creates a replacement with the old key's name, limit, reset, BYOK setting and (future)
    // expiry, linked to the old key's member, and schedules the old key as `options` say
    // (LifecycleService: the one place rotation's rules live, shared with orteam-cli). Without a
    // team database there is no schedule: the old key is left as it is.
    using RotateOptions = LifecycleService::RotateOptions;
    using RotateOutcome = LifecycleService::RotateOutcome;
    void rotateKey(const QString &hash, const RotateOptions &options, QObject *context,
                   std::function<void(const RotateOutcome &)> done);
    // The team's grace periods (the rotate confirmation's defaults); the defaults without a team
    // database, an error when it cannot be read.
    Result<HygieneSettings> hygieneSettings() const;
    // What a rotation's schedule will do to the old key, for its tooltip and status text.
    static QString scheduleText(const KeyRotation &rotation);
    // Whether rotateKey can schedule the old key (a team database is open).
    bool canSchedule() const { return m_store != nullptr; }
    QDateTime now() const { return m_clock(); }

    bool hasKeyNamed(const QString &name) const;
    // A key with a change on its way to OpenRouter (update, revoke, rotate). Another change to it
    // is refused until the answer is in: a double-click must not send the PATCH twice, and two
    // answers racing would leave the table showing whichever came last.
    bool isChanging(const QString &hash) const { return m_changing.contains(hash); }
    bool isBusy() const { return m_busyCalls > 0; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void refreshStarted();
    // Emitted after every refresh; `error` is None on success (the table then holds fresh data).
    void refreshFinished(const orteam::ApiError &error);
    void creditsChanged();
    // True while any call to OpenRouter is under way (for a busy indicator).
    void busyChanged(bool busy);
    // A change OpenRouter confirmed (create, update, revoke), and its audit entry written.
    void keyChanged();
    // OpenRouter made the change, but its audit entry could not be written.
    void auditFailed(const QString &message);
    // A key started or finished having a change under way (isChanging()).
    void changingChanged();

private:
    OpenRouterClient *m_client;
    KeyTableModel m_model;
    QTimer m_timer;
    bool m_refreshing = false;
    QDateTime m_lastRefresh;
    std::optional<Credits> m_credits;
    QDateTime m_creditsAsOf;
    ApiError m_creditsError;
    int m_busyCalls = 0;
    Store *m_store; // may be null: keys work without a team database
    KeyService m_service;
    bool m_audited; // a team database is open: an audit entry that is not written is worth saying
    void confirmed(const QString &auditError);
    // Marks `hashes` as having a change under way, or refuses (false) when one of them already has.
    bool beginChange(const QStringList &hashes);
    void endChange(const QString &hash);
    static ApiError alreadyChanging();
    QSet<QString> m_changing;
    ApiError m_lastError;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace orteam
