#include "KeyListController.h"

#include "OpenRouterClient.h"

namespace orteam {

KeyListController::KeyListController(OpenRouterClient *client, QObject *parent)
    : QObject(parent), m_client(client)
{
    connect(&m_timer, &QTimer::timeout, this, &KeyListController::refresh);
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
