#include "Csv.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QString csvField(const QString &text, bool freeText)
{
    QString t = text;
    if (freeText && !t.isEmpty() && QStringView(u"=+-@\t\r").contains(t.front()))
        t.prepend(u'\'');
    if (t.contains(u',') || t.contains(u';') || t.contains(u'"') || t.contains(u'\n') || t.contains(u'\r'))
        return u'"' + t.replace(u"\""_s, u"\"\""_s) + u'"';
    return t;
}

QString csvUndefuse(const QString &field)
{
    if (field.size() >= 2 && field.front() == u'\'' && QStringView(u"=+-@\t\r").contains(field.at(1)))
        return field.mid(1);
    return field;
}

CsvParse parseCsv(QStringView text)
{
    CsvParse out;
    if (text.startsWith(QChar(0xFEFF)))
        text = text.mid(1);
    int line = 1;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        CsvRecord record;
        record.line = line;
        QString field;
        bool quoted = false;
        bool endOfRecord = false;
        while (!endOfRecord) {
            if (i >= n) {
                record.fields << field;
                break;
            }
            const QChar c = text.at(i);
            if (quoted) {
                if (c == u'"') {
                    if (i + 1 < n && text.at(i + 1) == u'"') {
                        field += u'"';
                        i += 2;
                    } else {
                        quoted = false;
                        ++i;
                    }
                } else {
                    if (c == u'\n')
                        ++line;
                    field += c;
                    ++i;
                }
                continue;
            }
            if (c == u'"' && field.isEmpty()) {
                quoted = true;
                ++i;
            } else if (c == u',') {
                record.fields << field;
                field.clear();
                ++i;
            } else if (c == u'\r' || c == u'\n') {
                record.fields << field;
                i += (c == u'\r' && i + 1 < n && text.at(i + 1) == u'\n') ? 2 : 1;
                ++line;
                endOfRecord = true;
            } else {
                field += c;
                ++i;
            }
        }
        if (quoted) {
            out.error = u"Line %1: a quoted field is never closed."_s.arg(record.line);
            return out;
        }
        const bool blank = record.fields.size() == 1 && record.fields.front().trimmed().isEmpty();
        if (!blank)
            out.records << record;
    }
    return out;
}

} // namespace orteam
