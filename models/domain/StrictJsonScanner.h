#pragma once

#include <QByteArrayView>
#include <QString>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace orteam {

// The checking half of a one-pass JSON reader that accepts only what it is sure
// QJsonDocument::fromJson accepts and reads to the same values: strict RFC 8259 JSON. Anything
// else (an error, and also every leniency of Qt's parser, such as "\x" escapes, ".5", a byte
// order mark, lone surrogates in UTF-8, an escaped member name, nesting deeper than 64) is a
// false, and the caller gives the text to Qt's parser instead: so every error and every message
// is Qt's own. Readers (the key list's, the gateway's cost reader) derive from it and read the
// few fields they keep while the rest is checked and skipped.
class StrictJsonScanner
{
public:
    explicit StrictJsonScanner(QByteArrayView text) : m_p(text.data()), m_end(text.data() + text.size()) {}

protected:
    // A string's bytes between its quotes, and whether it needs decoding.
    struct Str
    {
        const char *begin = nullptr;
        qsizetype size = 0;
        enum Kind { Ascii, Utf8, Escaped } kind = Ascii;
        std::string_view view() const { return {begin, size_t(size)}; }
    };

    static constexpr int MaxDepth = 64; // Qt allows 1024; deeper is for the reference to judge

    void space()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }
    bool take(char c)
    {
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word)
    {
        // The first byte first: most tries are a number or a string asked whether it is null.
        if (m_end - m_p < qsizetype(word.size()) || *m_p != word.front() || std::string_view(m_p, word.size()) != word)
            return false;
        m_p += word.size();
        return true;
    }

    // The items of an array or the members of an object, `[` or `{` taken: item() reads each,
    // then a comma goes on and `close` ends the list.
    template<typename Item>
    bool items(char close, Item item)
    {
        space();
        if (take(close))
            return true;
        for (;;) {
            space();
            if (!item())
                return false;
            space();
            if (take(close))
                return true;
            if (!take(','))
                return false;
        }
    }

    // `{` taken; calls member(name) with m_p at the value for each member, name undecoded (a
    // name with an escape gives up: it could spell a field's name).
    template<typename Member>
    bool objectMembers(Member member)
    {
        return items('}', [this, &member] {
            Str name;
            if (!take('"') || !string(&name) || name.kind == Str::Escaped)
                return false;
            space();
            if (!take(':'))
                return false;
            space();
            return member(name.view());
        });
    }

    // `"` taken: scans to the closing quote, checking what Qt checks (well-formed UTF-8) and more
    // (no raw control characters, no noncharacters, only RFC 8259's escapes).
    bool string(Str *s)
    {
        s->begin = m_p;
        s->kind = Str::Ascii;
        while (m_p < m_end) {
            skipPlainAscii();
            if (m_p == m_end)
                break;
            const auto c = uchar(*m_p);
            if (c == '"') {
                s->size = m_p - s->begin;
                ++m_p;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                s->kind = Str::Escaped;
                if (++m_p == m_end)
                    return false;
                const char e = *m_p++;
                if (e == 'u') {
                    if (m_end - m_p < 4 || !hex4(m_p))
                        return false;
                    m_p += 4;
                } else if (!std::strchr("\"\\/bfnrt", e) || e == 0) {
                    return false;
                }
            } else if (c < 0x80) {
                ++m_p;
            } else {
                if (s->kind == Str::Ascii)
                    s->kind = Str::Utf8;
                if (!utf8Char())
                    return false;
            }
        }
        return false;
    }

    // Skips bytes that need no look (0x20 to 0x7f but the quote and the backslash) eight at a
    // time: most of a page is strings (hashes, names, times, member names). Each test finds
    // whether any byte of the eight is such, never which (the loop above looks at that one).
    void skipPlainAscii()
    {
        constexpr quint64 ones = 0x0101010101010101ULL;
        constexpr quint64 highs = 0x8080808080808080ULL;
        const auto anyZero = [](quint64 v) { return (v - ones) & ~v & highs; };
        while (m_end - m_p >= 8) {
            quint64 v;
            std::memcpy(&v, m_p, 8);
            const quint64 special = (v & highs) | ((v - ones * 0x20) & ~v & highs) | anyZero(v ^ (ones * '"'))
                | anyZero(v ^ (ones * '\\'));
            if (special)
                return;
            m_p += 8;
        }
    }

    static int hexDigit(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }
    static bool hex4(const char *p)
    {
        return hexDigit(p[0]) >= 0 && hexDigit(p[1]) >= 0 && hexDigit(p[2]) >= 0 && hexDigit(p[3]) >= 0;
    }

    // One multi-byte UTF-8 character, well-formed by RFC 3629 (no overlong forms, no surrogates,
    // nothing past U+10FFFF) and not a noncharacter.
    bool utf8Char()
    {
        const auto b0 = uchar(*m_p);
        int extra = 0;
        char32_t cp = 0;
        uchar lo = 0x80, hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            extra = 1;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            extra = 2;
            cp = b0 & 0x0F;
            if (b0 == 0xE0)
                lo = 0xA0;
            else if (b0 == 0xED)
                hi = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            extra = 3;
            cp = b0 & 0x07;
            if (b0 == 0xF0)
                lo = 0x90;
            else if (b0 == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (m_end - m_p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            const auto b = uchar(m_p[i]);
            if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
                return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
            return false;
        m_p += extra + 1;
        return true;
    }

    static QString text(const Str &s)
    {
        switch (s.kind) {
        case Str::Ascii:
            return QString::fromLatin1(s.begin, s.size);
        case Str::Utf8:
            return QString::fromUtf8(s.begin, s.size);
        case Str::Escaped:
            break;
        }
        // Qt appends each escape's UTF-16 unit as it stands (a pair of \u escapes makes one
        // character, a lone one stays lone) and each UTF-8 character decoded.
        QString out;
        out.reserve(s.size);
        const char *p = s.begin;
        const char *const end = s.begin + s.size;
        while (p < end) {
            const char *run = p;
            while (p < end && *p != '\\')
                ++p;
            if (p > run)
                out += QString::fromUtf8(run, p - run);
            if (p == end)
                break;
            const char e = p[1];
            p += 2;
            switch (e) {
            case 'b':
                out += QChar(0x8);
                break;
            case 'f':
                out += QChar(0xc);
                break;
            case 'n':
                out += QChar(0xa);
                break;
            case 'r':
                out += QChar(0xd);
                break;
            case 't':
                out += QChar(0x9);
                break;
            case 'u':
                out += QChar(char16_t((hexDigit(p[0]) << 12) | (hexDigit(p[1]) << 8) | (hexDigit(p[2]) << 4) | hexDigit(p[3])));
                p += 4;
                break;
            default: // '"', '\\', '/'
                out += QLatin1Char(e);
                break;
            }
        }
        return out;
    }

    // A number by RFC 8259's grammar, read as Qt reads it: a correctly rounded double (Qt stores
    // whole numbers as qint64 and gives them back as the double nearest them, which is the same
    // double). Gives up where Qt's reading is its own: -0 (Qt 6.4 reads "-0" as 0, "-0.0" as
    // -0.0), overflow and underflow (Qt refuses them), subnormal results.
    bool number(double *out)
    {
        const char *const start = m_p;
        bool nonZeroDigit = false;
        const bool negative = take('-');
        const auto digits = [this, &nonZeroDigit] {
            const char *const from = m_p;
            while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
                nonZeroDigit = nonZeroDigit || *m_p != '0';
                ++m_p;
            }
            return m_p - from;
        };
        if (m_p < m_end && *m_p == '0')
            ++m_p;
        else if (m_p == m_end || *m_p < '1' || *m_p > '9' || digits() == 0)
            return false;
        if (take('.') && digits() == 0)
            return false;
        const bool mantissaNonZero = nonZeroDigit;
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (digits() == 0)
                return false;
        }
        const auto [end, ec] = std::from_chars(start, m_p, *out);
        if (ec != std::errc() || end != m_p || !std::isfinite(*out))
            return false;
        if (*out == 0)
            return !negative && !mantissaNonZero;
        return std::fpclassify(*out) == FP_NORMAL;
    }

    // Any value, checked and dropped (a field this parser does not keep).
    bool skipValue(int depth)
    {
        if (m_p == m_end)
            return false;
        switch (*m_p) {
        case '"': {
            ++m_p;
            Str s;
            return string(&s);
        }
        case '{':
            ++m_p;
            return depth < MaxDepth && objectMembers([this, depth](std::string_view) { return skipValue(depth + 1); });
        case '[':
            ++m_p;
            return depth < MaxDepth && items(']', [this, depth] { return skipValue(depth + 1); });
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default: {
            double d;
            return number(&d);
        }
        }
    }

    const char *m_p;
    const char *const m_end;
};

} // namespace orteam
