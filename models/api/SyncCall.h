#pragma once

#include "ApiResult.h"

#include <QEventLoop>

#include <functional>

namespace orteam {

// Runs one asynchronous client call to completion in a local event loop. For the CLI only: a
// GUI must never block its event loop this way.
template<typename T>
ApiResult<T> waitFor(const std::function<void(std::function<void(const ApiResult<T> &)>)> &start)
{
    QEventLoop loop;
    ApiResult<T> out;
    bool done = false;
    start([&](const ApiResult<T> &r) {
        out = r;
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    return out;
}

} // namespace orteam
