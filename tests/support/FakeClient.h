#pragma once

// The client every service test starts from: OpenRouterClient pointed at a FakeOpenRouter on
// loopback with its management key, no retries (a fault is seen once) and a 5-second timeout.
#include "FakeOpenRouter.h"
#include "OpenRouterClient.h"

#include <QNetworkAccessManager>
#include <QTest>

#include <functional>
#include <optional>

#include <memory>

namespace orteam::test {

inline std::unique_ptr<OpenRouterClient> clientFor(const FakeOpenRouter &fake, QNetworkAccessManager *network)
{
    auto client = std::make_unique<OpenRouterClient>(network);
    OpenRouterClient::Settings s = OpenRouterClient::defaultSettings();
    s.baseUrl = fake.baseUrl();
    s.maxRetries = 0;
    s.timeoutMs = 5000;
    client->setSettings(s);
    client->setManagementKey(fake.managementKey());
    return client;
}

// Starts a service call and waits for its one answer (the event loop runs meanwhile); a call that
// never answers is a bug worth stopping the test for.
template <typename T>
T waitFor(const std::function<void(std::function<void(const T &)>)> &start)
{
    std::optional<T> out;
    start([&](const T &v) { out = v; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 20000))
        qFatal("a service never answered");
    return *out;
}

} // namespace orteam::test
