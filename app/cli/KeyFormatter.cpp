#include "Counted.h"
#include "KeyFormatter.h"

#include "Report.h"

#include "Csv.h"
#include "JsonCodec.h"
#include "Money.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace orteam::KeyFormatter {

namespace {
QString usageOverLimit(const ApiKey &k)
{
    return formatUsd(k.usage) + u" / "_s + (k.limit ? formatUsd(*k.limit) : u"unlimited"_s);
}
QString number(const std::optional<double> &v)
{
    return v ? QString::number(*v, 'g', 15) : QString();
}
} // namespace

QString table(const ApiKeyList &keys, const QDateTime &now)
{
    // The seed's dashboard script shows name, usage / limit; status, reset and hash make the table
    // useful for the commands that take a KEY.
    QList<QStringList> rows{{u"NAME"_s, u"USAGE / LIMIT"_s, u"RESETS"_s, u"STATUS"_s, u"EXPIRES"_s, u"HASH"_s}};
    double total = 0;
    for (const ApiKey &k : keys) {
        rows << QStringList{k.name,
                            usageOverLimit(k),
                            k.limitReset == LimitReset::None ? u"-"_s : limitResetToString(k.limitReset),
                            keyStatusToString(k.status(now)),
                            k.expiresAt.isValid() ? k.expiresAt.date().toString(Qt::ISODate) : u"-"_s,
                            k.hash.left(16)};
        total += k.usage;
    }
    QString out = columns(rows);
    out += u"\nTotal spend: "_s + formatUsd(total) + u" across "_s + counted(keys.size(), u"key"_s, u"keys"_s) + u"\n"_s;
    return out;
}

QString columns(const QList<QStringList> &rows)
{
    return textColumns(rows);
}

QString json(const ApiKeyList &keys)
{
    QJsonArray array;
    for (const ApiKey &k : keys)
        array.append(json::toJson(k));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
}

QString csv(const ApiKeyList &keys, const QDateTime &now)
{
    QString out = u"hash,name,label,status,disabled,limit,limit_remaining,limit_reset,usage,usage_daily,"
                  "usage_weekly,usage_monthly,created_at,expires_at\n"_s;
    for (const ApiKey &k : keys) {
        const QStringList fields{k.hash,
                                 csvField(k.name, true),
                                 csvField(k.label, true),
                                 keyStatusToString(k.status(now)),
                                 k.disabled ? u"true"_s : u"false"_s,
                                 number(k.limit),
                                 number(k.limitRemaining),
                                 limitResetToString(k.limitReset),
                                 number(k.usage),
                                 number(k.usageDaily),
                                 number(k.usageWeekly),
                                 number(k.usageMonthly),
                                 json::isoUtc(k.createdAt),
                                 json::isoUtc(k.expiresAt)};
        out += fields.join(u',') + u'\n';
    }
    return out;
}

QString details(const ApiKey &k, const QDateTime &now)
{
    const QList<std::pair<QString, QString>> rows{
        {u"Name"_s, k.name},
        {u"Hash"_s, k.hash},
        {u"Key"_s, k.label},
        {u"Status"_s, keyStatusToString(k.status(now))},
        {u"Usage today"_s, formatUsd(k.usageDaily)},
        {u"Usage this week"_s, formatUsd(k.usageWeekly)},
        {u"Usage this month"_s, formatUsd(k.usageMonthly)},
        {u"Usage total"_s, formatUsd(k.usage)},
        {u"Limit"_s, k.limit ? formatUsd(*k.limit) : u"none"_s},
        {u"Remaining"_s, k.limitRemaining ? formatUsd(*k.limitRemaining) : u"-"_s},
        {u"Resets"_s, k.limitReset == LimitReset::None ? u"never"_s : limitResetToString(k.limitReset)},
        {u"BYOK in limit"_s, k.includeByokInLimit ? u"yes"_s : u"no"_s},
        {u"Created"_s, json::isoUtc(k.createdAt)},
        {u"Expires"_s, k.expiresAt.isValid() ? json::isoUtc(k.expiresAt) : u"never"_s},
    };
    QString out;
    for (const auto &[label, value] : rows)
        out += QString(label + u':').leftJustified(18) + value + u'\n';
    return out;
}

} // namespace orteam::KeyFormatter
