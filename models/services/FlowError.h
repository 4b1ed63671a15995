#pragma once

#include "ApiError.h"
#include "StoreResult.h"

#include <QString>

namespace orteam {

// Why a flow (a service call that reads or writes the team database and talks to OpenRouter)
// stopped: the server's error or the database's, with what the flow was doing. None: it did not.
struct FlowError
{
    enum class Source { None, Server, Database, Input };
    Source source = Source::None;
    ApiError api;      // Source::Server
    StoreError store;  // Source::Database and Source::Input (Invalid, NotFound, Conflict)
    QString doing;     // "cannot read the members", prefixed to the message

    static FlowError server(const ApiError &e, const QString &doing = {}) { return {Source::Server, e, {}, doing}; }
    static FlowError database(const StoreError &e, const QString &doing = {})
    {
        const bool input = e.kind != StoreError::Kind::Database;
        return {input ? Source::Input : Source::Database, {}, e, doing};
    }
    bool failed() const { return source != Source::None; }
    explicit operator bool() const { return failed(); }
    QString message() const
    {
        const QString what = source == Source::Server ? api.message() : store.message;
        return doing.isEmpty() ? what : doing + u": " + what;
    }
};

} // namespace orteam
