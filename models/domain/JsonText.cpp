#include "JsonText.h"

#include <QLocale>

#include <charconv>
#include <cmath>
#include <cstring>

namespace orteam::jsontext {

// QJsonDocument's spelling of a string: the quote, the backslash and control characters escaped
// (\u00xx in lower case), everything else as UTF-8, and a lone surrogate (which has no UTF-8) as
// \udxxx.
// Writes at d, which has room for 2 + 6 * s.size() bytes (the longest spelling of one UTF-16 unit
// is 6); returns the end.
char *putString(char *d, QStringView s)
{
    static constexpr char hex[] = "0123456789abcdef";
    *d++ = '"';
    const char16_t *p = s.utf16();
    const char16_t *const end = p + s.size();
    while (p != end) {
        const char16_t u = *p++;
        if (u >= 0x20 && u < 0x80 && u != '"' && u != '\\') {
            *d++ = char(u);
        } else if (u < 0x80) {
            *d++ = '\\';
            switch (u) {
            case '"': *d++ = '"'; break;
            case '\\': *d++ = '\\'; break;
            case '\b': *d++ = 'b'; break;
            case '\f': *d++ = 'f'; break;
            case '\n': *d++ = 'n'; break;
            case '\r': *d++ = 'r'; break;
            case '\t': *d++ = 't'; break;
            default:
                *d++ = 'u';
                *d++ = '0';
                *d++ = '0';
                *d++ = hex[u >> 4];
                *d++ = hex[u & 0xf];
            }
        } else if (u < 0x800) {
            *d++ = char(0xc0 | (u >> 6));
            *d++ = char(0x80 | (u & 0x3f));
        } else if (!QChar::isSurrogate(u)) {
            *d++ = char(0xe0 | (u >> 12));
            *d++ = char(0x80 | ((u >> 6) & 0x3f));
            *d++ = char(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && p != end && QChar::isLowSurrogate(*p)) {
            const char32_t c = QChar::surrogateToUcs4(u, *p++);
            *d++ = char(0xf0 | (c >> 18));
            *d++ = char(0x80 | ((c >> 12) & 0x3f));
            *d++ = char(0x80 | ((c >> 6) & 0x3f));
            *d++ = char(0x80 | (c & 0x3f));
        } else {
            *d++ = '\\';
            *d++ = 'u';
            *d++ = hex[u >> 12];
            *d++ = hex[(u >> 8) & 0xf];
            *d++ = hex[(u >> 4) & 0xf];
            *d++ = hex[u & 0xf];
        }
    }
    *d++ = '"';
    return d;
}

// QJsonValue(double)'s spelling: a whole number within +-2^53 is kept as an integer (so -0 is
// "0"), any other finite number in its shortest round-trip form, and NaN or infinity as null.
// Writes at d, which has room for MaxNumberSize bytes; returns the end.
char *putNumber(char *d, double v)
{
    constexpr double exactIntegers = 9007199254740992.0; // 2^53
    if (!std::isfinite(v)) {
        std::memcpy(d, "null", 4);
        return d + 4;
    }
    if (std::fabs(v) <= exactIntegers && std::trunc(v) == v)
        return std::to_chars(d, d + MaxNumberSize, static_cast<qint64>(v)).ptr;
    if (std::fabs(v) < exactIntegers) {
        // The shortest round trip, fixed or exponent form by length: Qt's choice too.
        return std::to_chars(d, d + MaxNumberSize, v).ptr;
    }
    // Beyond 2^53 Qt pads the shortest digits with zeros where to_chars writes every digit
    // ("1e+300" and the like: far shorter than the room).
    const QByteArray text = QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
    const qsizetype n = std::min(text.size(), MaxNumberSize);
    std::memcpy(d, text.constData(), size_t(n));
    return d + n;
}

void appendString(QByteArray &out, QStringView s)
{
    const qsizetype start = out.size();
    out.resize(start + 2 + 6 * s.size());
    out.resize(putString(out.data() + start, s) - out.constData());
}

void appendNumber(QByteArray &out, double v)
{
    const qsizetype start = out.size();
    out.resize(start + MaxNumberSize);
    out.resize(putNumber(out.data() + start, v) - out.constData());
}

void appendInteger(QByteArray &out, qint64 v)
{
    const qsizetype start = out.size();
    out.resize(start + 24);
    out.resize(std::to_chars(out.data() + start, out.data() + start + 24, v).ptr - out.constData());
}

} // namespace orteam::jsontext
