#include "Exit.h"

#include "ApiError.h"
#include "FlowError.h"
#include "StoreResult.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

QList<ExitMeaning> exitMeanings()
{
    return {
        {Ok, u"success"_s},
        {ServerError, u"OpenRouter answered with an error, or with a response orteam cannot read; or the team "
                      "database failed"_s},
        {UsageError, u"bad command line or value"_s},
        {NotFound, u"no such key, member or tier, or a name that matches several keys"_s},
        {AuthError, u"no management key, or OpenRouter refused it (401/403)"_s},
        {NetworkError, u"network failure or timeout, or a refused base URL"_s},
        {Declined, u"the confirmation was declined"_s},
        {CheckFailed, u"db check found the team database damaged, missing or empty, or a difference in it (and --repair was not given)"_s},
        {FindingsFound, u"keys audit found a finding at least as severe as --fail-on (without --fail-on, findings "
                        "exit 0)"_s},
        {NotDelivered, u"notify: a message was not delivered (notify run, notify test, report --send), or a "
                       "destination is failing (notify status)"_s},
    };
}

Exit exitFor(const ApiError &e)
{
    switch (e.kind) {
    case ApiError::Kind::NoKey:
        return AuthError;
    case ApiError::Kind::InsecureUrl:
    case ApiError::Kind::Network:
    case ApiError::Kind::Timeout:
        return NetworkError;
    case ApiError::Kind::Http:
        if (e.httpStatus == 401 || e.httpStatus == 403)
            return AuthError;
        if (e.httpStatus == 404)
            return NotFound;
        return ServerError;
    default:
        return ServerError;
    }
}

Exit exitFor(const StoreError &e)
{
    switch (e.kind) {
    case StoreError::Kind::NotFound:
        return NotFound;
    case StoreError::Kind::Conflict:
    case StoreError::Kind::Invalid:
        return UsageError; // a value the team database refuses: the command line asked for it
    case StoreError::Kind::Database:
        break;
    }
    return ServerError;
}

Exit exitFor(const FlowError &e)
{
    switch (e.source) {
    case FlowError::Source::None:
        return Ok;
    case FlowError::Source::Server:
        return exitFor(e.api);
    case FlowError::Source::Database:
    case FlowError::Source::Input:
        break;
    }
    return exitFor(e.store);
}

} // namespace orteam::cli
