#pragma once

#include <QByteArray>
#include <QStringView>

namespace orteam::jsontext {

// JSON written as QJsonDocument writes it, byte for byte, without building the document: for
// output of thousands of rows (a key listing, a report of ten thousand members) written as it
// is formatted.

// The longest spelling putNumber writes.
constexpr qsizetype MaxNumberSize = 32;

// QJsonDocument's spelling of a string: the quote, the backslash and control characters escaped
// (\u00xx in lower case), everything else as UTF-8, and a lone surrogate (which has no UTF-8) as
// \udxxx. Writes at d, which has room for 2 + 6 * s.size() bytes (the longest spelling of one
// UTF-16 unit is 6); returns the end.
char *putString(char *d, QStringView s);
// QJsonValue(double)'s spelling: a whole number within +-2^53 is kept as an integer (so -0 is
// "0"), any other finite number in its shortest round-trip form, and NaN or infinity as null.
// Writes at d, which has room for MaxNumberSize bytes; returns the end.
char *putNumber(char *d, double v);

void appendString(QByteArray &out, QStringView s);
void appendNumber(QByteArray &out, double v);
void appendInteger(QByteArray &out, qint64 v); // as QJsonValue(qint64): every digit

} // namespace orteam::jsontext
