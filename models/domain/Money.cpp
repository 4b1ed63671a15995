#include "Money.h"

#include <QLocale>

#include <cmath>

namespace orteam {

QString formatUsd(double amount)
{
    if (!std::isfinite(amount))
        return QStringLiteral("—");
    const double magnitude = std::fabs(amount);
    const int decimals = (magnitude > 0.0 && magnitude < 0.01) ? 4 : 2;
    // Grouped and pointed as the person's locale writes numbers ("$40,065.56" in English), for
    // reading. Machine-readable output (CSV, JSON) never comes through here: it writes plain numbers.
    const QString digits = QLocale().toString(magnitude, 'f', decimals);
    return (amount < 0 ? QStringLiteral("-$") : QStringLiteral("$")) + digits;
}

} // namespace orteam
