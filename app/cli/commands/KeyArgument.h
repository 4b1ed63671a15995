#pragma once

#include "ApiKey.h"
#include "Command.h"

#include <QString>

#include <optional>

namespace orteam::cli {

class Context;

// The KEY argument as the commands that take one declare it.
Argument keyArgument();
// Whether a KEY argument is a key's hash (64 lower-case hex digits) rather than a name.
bool isKeyHash(const QString &query);

// The key a person means by a KEY argument: a hash, or a name that matches exactly one key. A name
// matching several keys (or none) is a failure listing the candidates; nothing is ever done to
// "the first match". Connects first (the management key). On failure it is printed and *exit
// holds its code.
std::optional<ApiKey> findKey(Context &context, const QString &query, int *exit);

} // namespace orteam::cli
