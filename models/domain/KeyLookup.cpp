#include "KeyLookup.h"

#include <algorithm>

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
    // The hash as the CLI prints it (12 or 16 characters) names one key as surely as the whole
    // of it, when no other key shares the prefix or is named so; 12 hex digits are 48 bits, so
    // a prefix that long is never shared by chance. Shorter ones are only offered below.
    static constexpr int ShortestHashPrefix = 12;
    const bool hexPrefix = q.size() >= ShortestHashPrefix
        && std::all_of(q.cbegin(), q.cend(), [](QChar c) { return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'); });
    ApiKeyList exact;
    for (const ApiKey &k : keys) {
        if (k.name == q || (hexPrefix && k.hash.startsWith(q)))
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
