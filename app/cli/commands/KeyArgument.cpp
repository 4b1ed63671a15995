#include "KeyArgument.h"

#include "Context.h"
#include "KeyLookup.h"
#include "SyncCall.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

Argument keyArgument()
{
    return Argument{u"KEY"_s, u"The key's hash (or its first 12 or more characters, as keys list shows it), or its exact name."_s, {}};
}

bool isKeyHash(const QString &query)
{
    static const QRegularExpression hashPattern(u"^[0-9a-f]{64}$"_s);
    return hashPattern.match(query).hasMatch();
}

std::optional<ApiKey> findKey(Context &context, const QString &query, int *exit)
{
    if (const int code = context.connect()) {
        *exit = code;
        return std::nullopt;
    }
    OpenRouterClient &client = context.client();
    if (isKeyHash(query)) {
        const auto r = waitFor<ApiKey>([&](auto done) { client.getKey(query, context.callbacks(), done); });
        if (r.ok())
            return r.value;
        *exit = r.error.kind == ApiError::Kind::Http && r.error.httpStatus == 404
                    ? context.console().fail(NotFound, u"no key has the hash %1"_s.arg(query))
                    : context.console().fail(r.error);
        return std::nullopt;
    }
    const auto r = waitFor<ApiKeyList>([&](auto done) { client.listKeys(true, context.callbacks(), done); });
    if (!r.ok()) {
        *exit = context.console().fail(r.error);
        return std::nullopt;
    }
    const KeyLookupResult found = lookupKey(r.value, query);
    if (found.outcome != KeyLookupResult::Outcome::Found) {
        *exit = context.console().fail(NotFound, found.message());
        return std::nullopt;
    }
    return found.key;
}

} // namespace orteam::cli
