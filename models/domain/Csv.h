#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace orteam {

// One CSV field: quoted when it holds a comma, quote, line break or semicolon (a spreadsheet in a
// locale whose list separator is ';' splits an unquoted field there). Free text (names, labels,
// audit values) that starts like a spreadsheet formula (=, +, -, @) gets a leading apostrophe, so
// opening the file in a spreadsheet never runs it.
QString csvField(const QString &text, bool freeText);

// The inverse of the apostrophe csvField adds: "'=x" read back is "=x", so a roster exported by
// us and edited in a spreadsheet imports as it was.
QString csvUndefuse(const QString &field);

// RFC 4180 records: quoted fields with doubled quotes and embedded line breaks, CRLF or LF line
// ends, a UTF-8 byte order mark ignored, blank lines skipped. Each record carries the line it
// starts on, so a problem can be reported per row. An unterminated quote stops reading and is
// reported, not guessed at.
struct CsvRecord
{
    int line = 0;
    QStringList fields;
};
struct CsvParse
{
    QList<CsvRecord> records;
    QString error; // empty when the whole text was read
};
CsvParse parseCsv(QStringView text);

} // namespace orteam
