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

// Gathers formatted bytes and hands them on in large chunks: one write per 64 KiB instead of one
// per key, and never a whole listing in memory.
class Chunks
{
public:
    explicit Chunks(const Write &write) : m_write(write) { m_bytes.reserve(Size + Size / 4); }
    Chunks(const Chunks &) = delete;
    Chunks &operator=(const Chunks &) = delete;

    QByteArray &bytes() { return m_bytes; }
    // Called after each whole key or line, so a chunk never ends inside a character (a test's
    // console decodes each chunk on its own).
    void itemDone()
    {
        if (m_bytes.size() >= Size)
            flush();
    }
    void flush()
    {
        if (!m_bytes.isEmpty())
            m_write(m_bytes);
        m_bytes.resize(0); // keeps the capacity
    }

private:
    static constexpr qsizetype Size = 64 * 1024;
    const Write &m_write;
    QByteArray m_bytes;
};

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

void table(const ApiKeyList &keys, const QDateTime &now, const Write &write)
{
    // The seed's dashboard script shows name, usage / limit; status, reset and hash make the table
    // useful for the commands that take a KEY. The widths need every row, so the lines are
    // written once all keys are here, as they are aligned.
    QList<QStringList> rows;
    rows.reserve(keys.size() + 1);
    rows << QStringList{u"NAME"_s, u"USAGE / LIMIT"_s, u"RESETS"_s, u"STATUS"_s, u"EXPIRES"_s, u"HASH"_s};
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
    Chunks chunks(write);
    QByteArray &out = chunks.bytes();
    forEachTextColumnsLine(rows, [&](QStringView line) {
        appendUtf8(out, line);
        out += '\n';
        chunks.itemDone();
    });
    const QString summary = u"\nTotal spend: "_s + formatUsd(total) + u" across "_s + counted(keys.size(), u"key"_s, u"keys"_s);
    appendUtf8(out, summary);
    out += '\n';
    chunks.flush();
}

void json(const ApiKeyList &keys, const Write &write)
{
    Chunks chunks(write);
    QByteArray &out = chunks.bytes();
    out += "[\n";
    for (qsizetype i = 0; i < keys.size(); ++i) {
        json::appendIndentedJson(out, keys.at(i));
        out += i + 1 < keys.size() ? ",\n" : "\n";
        chunks.itemDone();
    }
    out += "]\n";
    chunks.flush();
}

void csv(const ApiKeyList &keys, const QDateTime &now, const Write &write)
{
    Chunks chunks(write);
    QByteArray &out = chunks.bytes();
    out += "hash,name,label,status,disabled,limit,limit_remaining,limit_reset,usage,usage_daily,"
           "usage_weekly,usage_monthly,created_at,expires_at\n";
    for (const ApiKey &k : keys) {
        appendUtf8(out, k.hash);
        out += ',';
        appendUtf8(out, csvField(k.name, true));
        out += ',';
        appendUtf8(out, csvField(k.label, true));
        out += ',';
        out += statusText(k.status(now));
        out += k.disabled ? ",true," : ",false,";
        appendCsvNumber(out, k.limit);
        out += ',';
        appendCsvNumber(out, k.limitRemaining);
        out += ',';
        appendUtf8(out, limitResetToString(k.limitReset));
        for (const double v : {k.usage, k.usageDaily, k.usageWeekly, k.usageMonthly}) {
            out += ',';
            appendCsvNumber(out, v);
        }
        out += ',';
        json::appendIsoUtc(out, k.createdAt);
        out += ',';
        json::appendIsoUtc(out, k.expiresAt);
        out += '\n';
        chunks.itemDone();
    }
    chunks.flush();
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
