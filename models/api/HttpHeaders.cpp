#include "HttpHeaders.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace orteam {

namespace {
constexpr std::array<bool, 256> TokenChars = [] {
    std::array<bool, 256> t{};
    for (char c = '0'; c <= '9'; ++c)
        t[uchar(c)] = true;
    for (char c = 'a'; c <= 'z'; ++c)
        t[uchar(c)] = true;
    for (char c = 'A'; c <= 'Z'; ++c)
        t[uchar(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~"))
        t[uchar(c)] = true;
    return t;
}();
} // namespace

bool isSafeHeaderValue(QByteArrayView v)
{
    return std::none_of(v.begin(), v.end(), [](char c) { return (uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7F; });
}

bool isHttpToken(QByteArrayView v)
{
    return !v.isEmpty() && std::all_of(v.begin(), v.end(), [](char c) { return TokenChars[uchar(c)]; });
}

} // namespace orteam
