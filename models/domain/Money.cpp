#include "Money.h"

#include <cmath>

namespace orteam {

QString formatUsd(double amount)
{
    if (!std::isfinite(amount))
        return QStringLiteral("—");
    const double magnitude = std::fabs(amount);
    const int decimals = (magnitude > 0.0 && magnitude < 0.01) ? 4 : 2;
    const QString digits = QString::number(magnitude, 'f', decimals);
    return (amount < 0 ? QStringLiteral("-$") : QStringLiteral("$")) + digits;
}

} // namespace orteam
