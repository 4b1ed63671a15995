#include "KeyListController.h"

#include "LifecycleService.h"

#include "Money.h"
#include "OpenRouterClient.h"

#include <QPointer>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

KeyListController::KeyListController(OpenRouterClient *client, Store *store, QObject *parent)
    : QObject(parent), m_client(client), m_store(store), m_service(store, *client), m_audited(store != nullptr)
{
    connect(&m_timer, &QTimer::timeout, this, &KeyListController::refresh);
    connect(m_client, &OpenRouterClient::activeCallsChanged, this, [this](int count) {
        const bool was = m_busyCalls > 0;
        m_busyCalls = count;
        if (was != (count > 0))
            Q_EMIT busyChanged(count > 0);
    });
}

void KeyListController::setRefreshInterval(int seconds)
{
    if (seconds <= 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(seconds * 1000);
}

void KeyListController::refresh()
{
    if (m_refreshing)
        return; // one at a time: a slow server must not pile up listings
    m_refreshing = true;
    Q_EMIT refreshStarted();
    // Disabled keys are part of the team's picture (and can be enabled again), so always list them.
    m_client->listKeys(true, this, [this](const ApiResult<ApiKeyList> &keys) {
        if (keys.ok()) {
            // The moment of the rows, taken before they are shown: a view that updates on the
            // rows' arrival already sees them as loaded (the credits are read after them).
            m_lastRefresh = m_clock();
            // Fresh rows are not "the last refresh failed" while the credits are still asked for.
            m_lastError = ApiError{};
            m_model.setKeys(keys.value, m_lastRefresh);
        }
        // Credits are secondary: the table is useful without them, so their failure is not fatal.
        m_client->credits(this, [this, keysError = keys.error](const ApiResult<Credits> &credits) {
            if (credits.ok()) {
                m_credits = credits.value;
                m_creditsAsOf = m_clock();
            }
            // Emitted on failure too: the last known figure is then shown as stale, never as current.
            m_creditsError = credits.error;
            Q_EMIT creditsChanged();
            m_refreshing = false;
            m_lastError = keysError.isError() ? keysError : ApiError{};
            Q_EMIT refreshFinished(m_lastError);
        });
    });
}

QString KeyListController::asOfText(const QDateTime &asOf, const QDateTime &now)
{
    const qint64 minutes = std::max<qint64>(0, asOf.secsTo(now) / 60);
    QString age;
    if (minutes < 1)
        age = tr("just now");
    else if (minutes < 120)
        age = tr("%n min ago", nullptr, int(minutes));
    else if (minutes < 48 * 60)
        age = tr("%n h ago", nullptr, int(minutes / 60));
    else
        age = tr("%n day(s) ago", nullptr, int(minutes / (24 * 60)));
    // The time of day as the person's clock shows it; a day old or more also says which day.
    const QDateTime local = asOf.toLocalTime();
    const QString when = minutes < 24 * 60 ? local.toString(QStringLiteral("HH:mm"))
                                           : local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return tr("As of %1 (%2)").arg(when, age);
}

QString KeyListController::staleText() const
{
    if (!isStale())
        return {};
    return tr("%1 — the last refresh failed").arg(asOfText(m_lastRefresh, m_clock()));
}

QString KeyListController::creditsStaleText() const
{
    if (!m_credits || !m_creditsError.isError())
        return {};
    return tr("%1 — the last refresh failed").arg(asOfText(m_creditsAsOf, m_clock()));
}

} // namespace orteam

namespace orteam {

bool KeyListController::hasKeyNamed(const QString &name) const
{
    const QString trimmed = name.trimmed();
    for (const ApiKey &k : m_model.keys()) {
        if (k.name == trimmed)
            return true;
    }
    return false;
}

bool KeyListController::beginChange(const QStringList &hashes)
{
    for (const QString &h : hashes) {
        if (m_changing.contains(h))
            return false;
    }
    for (const QString &h : hashes)
        m_changing.insert(h);
    Q_EMIT changingChanged();
    return true;
}

void KeyListController::endChange(const QString &hash)
{
    if (m_changing.remove(hash))
        Q_EMIT changingChanged();
}

ApiError KeyListController::alreadyChanging()
{
    ApiError e;
    e.kind = ApiError::Kind::Cancelled;
    e.outcome = tr("Another change to this key is still on its way; nothing was sent.");
    return e;
}

void KeyListController::confirmed(const QString &auditError)
{
    // Without a team database the window already says the audit log is off: no need to repeat it
    // for every key change.
    if (!auditError.isEmpty() && m_audited)
        Q_EMIT auditFailed(tr("The change was made, but %1").arg(auditError));
    Q_EMIT keyChanged();
}

void KeyListController::createKey(const NewKeySpec &spec, QObject *context,
                                  std::function<void(const ApiResult<json::CreatedKey> &)> done)
{
    // The service answers this controller, so the table and the audit log follow OpenRouter even
    // when the dialog that asked has closed meanwhile.
    QPointer<QObject> ctx(context);
    m_service.create(spec, this, [this, ctx, done](const KeyService::Done<json::CreatedKey> &d) {
        if (d.result.ok()) {
            m_model.updateKey(d.result.value.key); // the new row; its secret stays with the caller only
            confirmed(d.auditError);
        }
        if (ctx)
            done(d.result);
    });
}

void KeyListController::updateKey(const QString &hash, const KeyUpdate &update, QObject *context,
                                  std::function<void(const ApiResult<ApiKey> &)> done)
{
    const int row = m_model.rowOfHash(hash);
    ApiKey before;
    if (row >= 0)
        before = *m_model.keyAt(row);
    else
        before.hash = hash; // not listed: the audit entry has no "before"
    QPointer<QObject> ctx(context);
    if (!beginChange({hash})) {
        QTimer::singleShot(0, this, [ctx, done] {
            if (ctx)
                done(ApiResult<ApiKey>::failure(alreadyChanging()));
        });
        return;
    }
    m_service.update(before, update, this, [this, ctx, done, hash](const KeyService::Done<ApiKey> &d) {
        endChange(hash);
        if (d.result.ok()) {
            m_model.updateKey(d.result.value);
            confirmed(d.auditError);
        }
        if (ctx)
            done(d.result);
    });
}

void KeyListController::revokeKeys(const QStringList &hashes, QObject *context,
                                   std::function<void(const RevokeOutcome &)> done)
{
    // One DELETE after another: a bulk revoke of a whole team should not hit the rate limit, and
    // the outcome lists exactly which keys are gone.
    auto outcome = std::make_shared<RevokeOutcome>();
    auto queue = std::make_shared<QStringList>();
    for (const QString &hash : hashes) {
        // A key with another change on its way is left out, and said to be.
        if (m_changing.contains(hash)) {
            const int row = m_model.rowOfHash(hash);
            ApiKey key = row >= 0 ? *m_model.keyAt(row) : ApiKey{};
            key.hash = hash;
            if (key.name.isEmpty())
                key.name = hash;
            outcome->failed << std::pair{key, alreadyChanging()};
        } else {
            *queue << hash;
        }
    }
    if (!queue->isEmpty())
        (void)beginChange(*queue);
    auto step = std::make_shared<std::function<void()>>();
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    // The step holds itself only weakly; each pending DELETE's callback holds it strongly. So it
    // lives exactly as long as a request is in flight, and is freed even if that callback is
    // dropped (the controller going away mid-revoke) instead of keeping itself alive forever.
    std::weak_ptr<std::function<void()>> weakStep = step;
    *step = [this, outcome, queue, weakStep, done, ctx, hasContext] {
        const auto self = weakStep.lock();
        if (!self)
            return;
        if (queue->isEmpty()) {
            if (!hasContext || ctx)
                done(*outcome);
            return;
        }
        const QString hash = queue->takeFirst();
        const int row = m_model.rowOfHash(hash);
        ApiKey key;
        if (row >= 0) {
            key = *m_model.keyAt(row);
        } else {
            key.hash = hash; // not listed (yet): name it by its hash in messages
            key.name = hash;
        }
        m_service.revoke(key, this, [this, outcome, self, key](const KeyService::Done<bool> &d) {
            endChange(key.hash);
            // 404 means it is gone already (revoked elsewhere): the row should go too.
            const bool gone = d.result.ok() || (d.result.error.kind == ApiError::Kind::Http && d.result.error.httpStatus == 404);
            if (gone) {
                m_model.removeKey(key.hash);
                outcome->revoked << key;
                confirmed(d.auditError);
            } else {
                outcome->failed << std::pair{key, d.result.error};
            }
            (*self)();
        });
    };
    (*step)();
}

void KeyListController::rotateKey(const QString &hash, const RotateOptions &options, QObject *context,
                                  std::function<void(const RotateOutcome &)> done)
{
    const int row = m_model.rowOfHash(hash);
    if (row < 0) {
        ApiError e;
        e.kind = ApiError::Kind::Http;
        e.httpStatus = 404;
        e.serverMessage = tr("The key is no longer in the list.");
        RotateOutcome o;
        o.error = FlowError::server(e, tr("cannot rotate the key"));
        QTimer::singleShot(0, this, [done, o] { done(o); });
        return;
    }
    RotateOptions effective = options;
    if (!m_store)
        effective.schedule = false; // the schedule lives in the team database
    // The service answers this controller, so the table follows OpenRouter even when the window
    // that asked has closed meanwhile.
    QPointer<QObject> ctx(context);
    if (!beginChange({hash})) {
        RotateOutcome o;
        o.error = FlowError::server(alreadyChanging(), tr("cannot rotate the key"));
        QTimer::singleShot(0, this, [ctx, done, o] {
            if (ctx)
                done(o);
        });
        return;
    }
    auto service = std::make_shared<LifecycleService>(m_store, *m_client);
    service->rotate(*m_model.keyAt(row), effective, m_clock(), this, [this, service, ctx, done, hash](const RotateOutcome &o) {
        endChange(hash);
        if (o.created) {
            m_model.updateKey(o.created->key); // the new row; its secret stays with the caller only
            if (m_audited) {
                for (const QString &w : o.warnings)
                    Q_EMIT auditFailed(w);
            }
            Q_EMIT keyChanged();
        }
        if (ctx)
            done(o);
    });
}

Result<HygieneSettings> KeyListController::hygieneSettings() const
{
    if (!m_store)
        return HygieneSettings{};
    return m_store->lifecycle().hygieneSettings();
}

QString KeyListController::scheduleText(const KeyRotation &r)
{
    auto day = [](const QDateTime &t) { return t.toUTC().date().toString(Qt::ISODate); };
    const QString revoke = r.revokeAt.isValid() ? tr("revoked on %1").arg(day(r.revokeAt)) : tr("never revoked by the schedule");
    if (r.state == KeyRotation::State::Disabled)
        return tr("Being replaced: disabled by its rotation, %1").arg(revoke);
    const QString disable = r.disableAt.isValid() ? tr("disabled on %1").arg(day(r.disableAt)) : tr("never disabled by the schedule");
    return tr("Being replaced: %1, %2").arg(disable, revoke);
}

} // namespace orteam
