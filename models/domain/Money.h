#pragma once

#include <QString>

namespace orteam {

// Money is USD as OpenRouter reports it (a double). Tiny amounts are common with cheap models, so
// anything under a cent keeps four decimals instead of rounding to "$0.00". Thousands are grouped
// as the default QLocale groups them; for people to read, never for files other programs read.
QString formatUsd(double amount);

} // namespace orteam
