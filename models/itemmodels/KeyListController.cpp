#include "KeyListController.h"

#include "Money.h"
#include "OpenRouterClient.h"

#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

KeyListController::KeyListController(OpenRouterClient *client, QObject *parent)
    : QObject(parent), m_client(client)
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
        if (keys.ok())
            m_model.setKeys(keys.value, m_clock());
        // Credits are secondary: the table is useful without them, so their failure is not fatal.
        m_client->credits(this, [this, keysError = keys.error](const ApiResult<Credits> &credits) {
            if (credits.ok()) {
                m_credits = credits.value;
                Q_EMIT creditsChanged();
            }
            m_refreshing = false;
            m_lastError = keysError.isError() ? keysError : ApiError{};
            if (!keysError.isError())
                m_lastRefresh = m_clock();
            Q_EMIT refreshFinished(m_lastError);
        });
    });
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

void KeyListController::createKey(const NewKeySpec &spec, QObject *context,
                                  std::function<void(const ApiResult<json::CreatedKey> &)> done)
{
    m_client->createKey(spec, context, [this, done](const ApiResult<json::CreatedKey> &r) {
        if (r.ok()) {
            m_model.updateKey(r.value.key); // the new row; its secret stays with the caller only
            audit(u"create"_s, r.value.key.name, QString(), auditSummary(r.value.key) + u", hash "_s + r.value.key.hash.left(16));
        }
        done(r);
    });
}

void KeyListController::updateKey(const QString &hash, const KeyUpdate &update, QObject *context,
                                  std::function<void(const ApiResult<ApiKey> &)> done)
{
    const int row = m_model.rowOfHash(hash);
    const std::optional<ApiKey> before = row >= 0 ? std::optional<ApiKey>(*m_model.keyAt(row)) : std::nullopt;
    m_client->updateKey(hash, update, context, [this, done, before, update](const ApiResult<ApiKey> &r) {
        if (r.ok()) {
            m_model.updateKey(r.value);
            const QString action = update.disabled ? (*update.disabled ? u"disable"_s : u"enable"_s)
                : update.limit || update.limitReset ? u"limit"_s
                : update.name ? u"rename"_s : u"update"_s;
            audit(action, r.value.name, before ? auditSummary(*before) : QString(), auditSummary(r.value));
        }
        done(r);
    });
}

void KeyListController::revokeKeys(const QStringList &hashes, QObject *context,
                                   std::function<void(const RevokeOutcome &)> done)
{
    // One DELETE after another: a bulk revoke of a whole team should not hit the rate limit, and
    // the outcome lists exactly which keys are gone.
    auto outcome = std::make_shared<RevokeOutcome>();
    auto queue = std::make_shared<QStringList>(hashes);
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
        m_client->deleteKey(hash, this, [this, outcome, self, key](const ApiResult<bool> &r) {
            // 404 means it is gone already (revoked elsewhere): the row should go too.
            const bool gone = r.ok() || (r.error.kind == ApiError::Kind::Http && r.error.httpStatus == 404);
            if (gone) {
                m_model.removeKey(key.hash);
                outcome->revoked << key;
                audit(u"revoke"_s, key.name, auditSummary(key) + u", hash "_s + key.hash.left(16), u"revoked"_s);
            } else {
                outcome->failed << std::pair{key, r.error};
            }
            (*self)();
        });
    };
    (*step)();
}

NewKeySpec KeyListController::replacementSpec(const ApiKey &key, const QDateTime &now)
{
    NewKeySpec spec;
    spec.name = key.name;
    spec.limit = key.limit;
    spec.limitReset = key.limit ? key.limitReset : LimitReset::None;
    spec.includeByokInLimit = key.includeByokInLimit;
    if (key.expiresAt.isValid() && key.expiresAt > now)
        spec.expiresAt = key.expiresAt;
    return spec;
}

void KeyListController::rotateKey(const QString &hash, QObject *context,
                                  std::function<void(const ApiResult<json::CreatedKey> &)> done)
{
    const int row = m_model.rowOfHash(hash);
    if (row < 0) {
        ApiError e;
        e.kind = ApiError::Kind::Http;
        e.httpStatus = 404;
        e.serverMessage = tr("The key is no longer in the list.");
        QTimer::singleShot(0, this, [done, e] { done(ApiResult<json::CreatedKey>::failure(e)); });
        return;
    }
    createKey(replacementSpec(*m_model.keyAt(row), m_clock()), context, std::move(done));
}

} // namespace orteam
