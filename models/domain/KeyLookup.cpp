#include "KeyLookup.h"

namespace orteam {

namespace {
QString describe(const ApiKey &key)
{
    return QStringLiteral("%1 (%2, %3)").arg(key.name, key.hash.left(12), key.label);
}
} // namespace

QString KeyLookupResult::message() const
{
    QStringList names;
    for (const ApiKey &k : candidates)
        names << describe(k);
    switch (outcome) {
    case Outcome::Found:
        return QStringLiteral("found %1").arg(describe(key));
    case Outcome::Ambiguous:
        return QStringLiteral("\"%1\" matches %2 keys; use a hash: %3")
            .arg(query)
            .arg(candidates.size())
            .arg(names.join(QStringLiteral("; ")));
    case Outcome::NotFound:
        if (names.isEmpty())
            return QStringLiteral("no key has the hash or name \"%1\"").arg(query);
        return QStringLiteral("no key has the hash or name \"%1\"; did you mean: %2")
            .arg(query, names.join(QStringLiteral("; ")));
    }
    return {};
}

KeyLookupResult lookupKey(const ApiKeyList &keys, const QString &query)
{
    KeyLookupResult result;
    result.query = query;
    const QString q = query.trimmed();
    if (q.isEmpty())
        return result;

    // An exact hash is unique by definition and wins over a key that happens to be named like one.
    for (const ApiKey &k : keys) {
        if (k.hash == q) {
            result.outcome = KeyLookupResult::Outcome::Found;
            result.key = k;
            return result;
        }
    }
    ApiKeyList exact;
    for (const ApiKey &k : keys) {
        if (k.name == q)
            exact << k;
    }
    if (exact.size() == 1) {
        result.outcome = KeyLookupResult::Outcome::Found;
        result.key = exact.first();
        return result;
    }
    if (exact.size() > 1) {
        result.outcome = KeyLookupResult::Outcome::Ambiguous;
        result.candidates = exact;
        return result;
    }
    // Nothing exact: offer keys whose name or hash prefix contains the text, but never act on them.
    for (const ApiKey &k : keys) {
        if (k.name.contains(q, Qt::CaseInsensitive) || (q.size() >= 6 && k.hash.startsWith(q)))
            result.candidates << k;
        if (result.candidates.size() >= 5)
            break;
    }
    return result;
}

} // namespace orteam
