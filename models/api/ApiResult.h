#pragma once

#include "ApiError.h"

#include <QList>

#include <optional>

namespace orteam {

// A call's outcome: a value, or an error. Never both, so callers cannot use a half-parsed value.
template<typename T>
struct ApiResult
{
    T value{};
    ApiError error;
    bool ok() const { return !error.isError(); }

    static ApiResult failure(ApiError e)
    {
        ApiResult r;
        r.error = std::move(e);
        return r;
    }
    static ApiResult success(T v)
    {
        ApiResult r;
        r.value = std::move(v);
        return r;
    }
};

// One page of a list that reports its size (guardrails, assignments, organization members).
template<typename T>
struct Page
{
    QList<T> items;
    std::optional<qint64> totalCount;
};

} // namespace orteam
