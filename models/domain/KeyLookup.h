#pragma once

#include "ApiKey.h"

#include <QStringList>

namespace orteam {

// Resolves what a person typed (a key hash, the first 12 or more characters of one, or a key's
// name) to exactly one key. Revoking the wrong key is the worst mistake this tool can make, so
// an ambiguous name or prefix never picks one.
struct KeyLookupResult
{
    enum class Outcome { Found, NotFound, Ambiguous };
    Outcome outcome = Outcome::NotFound;
    ApiKey key;              // set when Found
    ApiKeyList candidates;   // the keys that matched (Ambiguous) or names that came close (NotFound)
    QString message() const; // one line for a person, naming the candidates
    QString query;
};

KeyLookupResult lookupKey(const ApiKeyList &keys, const QString &query);

} // namespace orteam
