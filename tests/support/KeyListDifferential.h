#pragma once

// Holds json::parseKeyListFast to the reference parser (QJsonDocument → QJsonObject → parseKey)
// on one body: shared by tst_keylistparser and the fuzz target fuzz_keys_json.
#include "JsonCodec.h"

#include <QString>

#include <bit>
#include <cstdint>

namespace orteam::test {

using namespace Qt::Literals::StringLiterals;

// Strict equality: operator== of ApiKey calls null and empty strings equal, -0.0 and 0.0 equal,
// and two QDateTimes equal at the same instant in different zones; each of those would show in
// some output, so each counts here.
inline QString keyDifference(const ApiKey &a, const ApiKey &b)
{
    const auto str = [](const char *name, const QString &x, const QString &y) -> QString {
        if (x != y || x.isNull() != y.isNull())
            return QString::fromLatin1(name) + u": \"_s" + x + u"\"_s (null " + QString::number(x.isNull()) + u") vs \"_s" + y
                + u"\"_s (null " + QString::number(y.isNull()) + u')';
        return {};
    };
    const auto num = [](const char *name, double x, double y) -> QString {
        if (std::bit_cast<std::uint64_t>(x) != std::bit_cast<std::uint64_t>(y))
            return QString::fromLatin1(name) + u": "_s + QString::number(x, 'g', 17) + u" vs "_s + QString::number(y, 'g', 17);
        return {};
    };
    const auto opt = [&num](const char *name, const std::optional<double> &x, const std::optional<double> &y) -> QString {
        if (x.has_value() != y.has_value())
            return QString::fromLatin1(name) + u": present in one only"_s;
        return x ? num(name, *x, *y) : QString();
    };
    const auto time = [](const char *name, const QDateTime &x, const QDateTime &y) -> QString {
        if (x.isValid() != y.isValid() || x != y || x.timeSpec() != y.timeSpec() || x.offsetFromUtc() != y.offsetFromUtc()
            || x.toString(Qt::ISODateWithMs) != y.toString(Qt::ISODateWithMs))
            return QString::fromLatin1(name) + u": "_s + x.toString(Qt::ISODateWithMs) + u" vs "_s + y.toString(Qt::ISODateWithMs);
        return {};
    };
    const QString diffs[] = {
        str("hash", a.hash, b.hash),
        str("name", a.name, b.name),
        str("label", a.label, b.label),
        a.disabled != b.disabled ? u"disabled"_s : QString(),
        opt("limit", a.limit, b.limit),
        opt("limit_remaining", a.limitRemaining, b.limitRemaining),
        a.limitReset != b.limitReset ? u"limit_reset"_s : QString(),
        a.includeByokInLimit != b.includeByokInLimit ? u"include_byok_in_limit"_s : QString(),
        num("usage", a.usage, b.usage),
        num("usage_daily", a.usageDaily, b.usageDaily),
        num("usage_weekly", a.usageWeekly, b.usageWeekly),
        num("usage_monthly", a.usageMonthly, b.usageMonthly),
        num("byok_usage", a.byokUsage, b.byokUsage),
        num("byok_usage_daily", a.byokUsageDaily, b.byokUsageDaily),
        num("byok_usage_weekly", a.byokUsageWeekly, b.byokUsageWeekly),
        num("byok_usage_monthly", a.byokUsageMonthly, b.byokUsageMonthly),
        time("created_at", a.createdAt, b.createdAt),
        time("updated_at", a.updatedAt, b.updatedAt),
        time("expires_at", a.expiresAt, b.expiresAt),
        str("creator_user_id", a.creatorUserId, b.creatorUserId),
        str("workspace_id", a.workspaceId, b.workspaceId),
    };
    for (const QString &d : diffs) {
        if (!d.isEmpty())
            return d;
    }
    return {};
}

inline QString listDifference(const ApiKeyList &a, const ApiKeyList &b)
{
    if (a.size() != b.size())
        return u"%1 keys vs %2"_s.arg(a.size()).arg(b.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (const QString d = keyDifference(a.at(i), b.at(i)); !d.isEmpty())
            return u"key %1: "_s.arg(i) + d;
    }
    return {};
}

// Empty when the parsers agree on `body`: whatever the fast one reads, the reference reads the
// same, and parseKeyList (fast, else reference) answers exactly as the reference does, its
// error message included.
inline QString keyListDisagreement(const QByteArray &body, bool *fastRead = nullptr)
{
    const ApiResult<ApiKeyList> reference = json::parseKeyListReference(body);
    const std::optional<ApiKeyList> fast = json::parseKeyListFast(body);
    if (fastRead)
        *fastRead = fast.has_value();
    if (fast) {
        if (!reference.ok())
            return u"the fast parser read %1 keys where the reference fails: "_s.arg(fast->size()) + reference.error.detail;
        if (const QString d = listDifference(*fast, reference.value); !d.isEmpty())
            return u"the fast parser read differently: "_s + d;
    }
    const ApiResult<ApiKeyList> used = json::parseKeyList(body);
    if (used.ok() != reference.ok() || used.error.detail != reference.error.detail
        || used.error.kind != reference.error.kind || used.error.message() != reference.error.message())
        return u"parseKeyList: "_s + (used.ok() ? u"ok"_s : used.error.detail) + u" vs the reference's "_s
            + (reference.ok() ? u"ok"_s : reference.error.detail);
    if (used.ok()) {
        if (const QString d = listDifference(used.value, reference.value); !d.isEmpty())
            return u"parseKeyList read differently: "_s + d;
    }
    return {};
}

} // namespace orteam::test
