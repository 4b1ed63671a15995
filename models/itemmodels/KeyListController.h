#pragma once

#include "Account.h"
#include "ApiError.h"
#include "KeyTableModel.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <functional>

namespace orteam {

class OpenRouterClient;

// Keeps the key table and the account's credits in step with OpenRouter: refresh on demand and on
// an interval, one refresh at a time. Views bind to model() and the signals; they never talk to
// the network themselves.
class KeyListController final : public QObject
{
    Q_OBJECT

public:
    explicit KeyListController(OpenRouterClient *client, QObject *parent = nullptr);

    KeyTableModel *model() { return &m_model; }
    bool isRefreshing() const { return m_refreshing; }
    QDateTime lastRefresh() const { return m_lastRefresh; }
    std::optional<Credits> credits() const { return m_credits; }
    ApiError lastError() const { return m_lastError; }

    // 0 turns periodic refresh off.
    void setRefreshInterval(int seconds);
    // Where "now" comes from (expiry status); tests pin it.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void refreshStarted();
    // Emitted after every refresh; `error` is None on success (the table then holds fresh data).
    void refreshFinished(const orteam::ApiError &error);
    void creditsChanged();

private:
    OpenRouterClient *m_client;
    KeyTableModel m_model;
    QTimer m_timer;
    bool m_refreshing = false;
    QDateTime m_lastRefresh;
    std::optional<Credits> m_credits;
    ApiError m_lastError;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace orteam
