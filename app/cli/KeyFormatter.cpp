#include "Counted.h"
#include "KeyFormatter.h"

#include "Report.h"

#include "Csv.h"
#include "JsonCodec.h"
#include "Money.h"

#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace orteam::KeyFormatter {

namespace {
// Beside a limit, what counts against it: a weekly limit's $1.00 beside the key's lifetime $89.95
// would read as ninety times over.
QString usageOverLimit(const ApiKey &k)
{
    return formatUsd(k.limit ? k.spentAgainstLimit() : k.usage) + u" / "_s + (k.limit ? formatUsd(*k.limit) : u"unlimited"_s);
}

// A chunk is handed on once it holds this much: one write per 64 KiB instead of one per key.
constexpr qsizetype ChunkSize = 64 * 1024;

// UTF-8 of a QString without the allocation of toUtf8() for the usual all-ASCII text.
void appendUtf8(QByteArray &out, QStringView s)
{
    const char16_t *p = s.utf16();
    const qsizetype n = s.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (p[i] >= 0x80) {
            out += s.toUtf8();
            return;
        }
    }
    const qsizetype start = out.size();
    out.resize(start + n);
    char *d = out.data() + start;
    for (qsizetype i = 0; i < n; ++i)
        d[i] = char(p[i]);
}

void appendCsvNumber(QByteArray &out, const std::optional<double> &v)
{
    if (v)
        out += QByteArray::number(*v, 'g', 15); // the digits QString::number(v, 'g', 15) has
}

const QByteArray &statusText(KeyStatus status)
{
    static const QByteArray texts[] = {keyStatusToString(KeyStatus::Active).toUtf8(),
                                       keyStatusToString(KeyStatus::ExpiringSoon).toUtf8(),
                                       keyStatusToString(KeyStatus::Disabled).toUtf8(),
                                       keyStatusToString(KeyStatus::Expired).toUtf8()};
    return texts[static_cast<int>(status)];
}
} // namespace

QString columns(const QList<QStringList> &rows)
{
    return textColumns(rows);
}

Listing::Listing(Format format, const QDateTime &now) : m_format(format), m_now(now)
{
    switch (format) {
    case Format::Table:
        // The seed's dashboard script shows name, usage / limit; status, reset and hash make the
        // table useful for the commands that take a KEY.
        m_rows << QStringList{u"NAME"_s, u"USAGE / LIMIT"_s, u"RESETS"_s, u"STATUS"_s, u"EXPIRES"_s, u"HASH"_s};
        return;
    case Format::Json:
        m_bytes.reserve(ChunkSize + ChunkSize / 4);
        m_bytes += "[\n";
        return;
    case Format::Csv:
        m_bytes.reserve(ChunkSize + ChunkSize / 4);
        m_bytes += "hash,name,label,status,disabled,limit,limit_remaining,limit_reset,usage,usage_daily,"
                   "usage_weekly,usage_monthly,created_at,expires_at\n";
        return;
    }
}

// After each whole key, so a chunk never ends inside a character (a test's console decodes each
// chunk on its own).
void Listing::keyDone()
{
    ++m_count;
    if (m_bytes.size() < ChunkSize)
        return;
    m_chunks << std::exchange(m_bytes, QByteArray());
    m_bytes.reserve(ChunkSize + ChunkSize / 4);
}

void Listing::add(const ApiKeyList &keys)
{
    switch (m_format) {
    case Format::Table:
        m_rows.reserve(m_rows.size() + keys.size());
        for (const ApiKey &k : keys) {
            m_rows << QStringList{k.name,
                                  usageOverLimit(k),
                                  k.limitReset == LimitReset::None ? u"-"_s : limitResetToString(k.limitReset),
                                  keyStatusToString(k.status(m_now)),
                                  k.expiresAt.isValid() ? k.expiresAt.date().toString(Qt::ISODate) : u"-"_s,
                                  k.hash.left(16)};
            m_total += k.usage;
            ++m_count;
        }
        return;
    case Format::Json:
        for (const ApiKey &k : keys) {
            if (m_count > 0)
                m_bytes += ",\n";
            json::appendIndentedJson(m_bytes, k);
            keyDone();
        }
        return;
    case Format::Csv:
        for (const ApiKey &k : keys) {
            appendUtf8(m_bytes, k.hash);
            m_bytes += ',';
            appendUtf8(m_bytes, csvField(k.name, true));
            m_bytes += ',';
            appendUtf8(m_bytes, csvField(k.label, true));
            m_bytes += ',';
            m_bytes += statusText(k.status(m_now));
            m_bytes += k.disabled ? ",true," : ",false,";
            appendCsvNumber(m_bytes, k.limit);
            m_bytes += ',';
            appendCsvNumber(m_bytes, k.limitRemaining);
            m_bytes += ',';
            appendUtf8(m_bytes, limitResetToString(k.limitReset));
            for (const double v : {k.usage, k.usageDaily, k.usageWeekly, k.usageMonthly}) {
                m_bytes += ',';
                appendCsvNumber(m_bytes, v);
            }
            m_bytes += ',';
            json::appendIsoUtc(m_bytes, k.createdAt);
            m_bytes += ',';
            json::appendIsoUtc(m_bytes, k.expiresAt);
            m_bytes += '\n';
            keyDone();
        }
        return;
    }
}

void Listing::finish(const Write &write)
{
    if (m_format == Format::Table) {
        // The lines are made now, aligned, and handed on a chunk at a time.
        QByteArray out;
        out.reserve(ChunkSize + ChunkSize / 4);
        forEachTextColumnsLine(m_rows, [&](QStringView line) {
            appendUtf8(out, line);
            out += '\n';
            if (out.size() >= ChunkSize) {
                write(out);
                out.resize(0); // keeps the capacity
            }
        });
        const QString summary = u"\nTotal spend: "_s + formatUsd(m_total) + u" across "_s + counted(m_count, u"key"_s, u"keys"_s);
        appendUtf8(out, summary);
        out += '\n';
        write(out);
        return;
    }
    if (m_format == Format::Json)
        m_bytes += m_count > 0 ? "\n]\n" : "]\n";
    for (const QByteArray &chunk : std::as_const(m_chunks))
        write(chunk);
    if (!m_bytes.isEmpty())
        write(m_bytes);
}

void table(const ApiKeyList &keys, const QDateTime &now, const Write &write)
{
    Listing listing(Listing::Format::Table, now);
    listing.add(keys);
    listing.finish(write);
}

void json(const ApiKeyList &keys, const Write &write)
{
    Listing listing(Listing::Format::Json, QDateTime());
    listing.add(keys);
    listing.finish(write);
}

void csv(const ApiKeyList &keys, const QDateTime &now, const Write &write)
{
    Listing listing(Listing::Format::Csv, now);
    listing.add(keys);
    listing.finish(write);
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
