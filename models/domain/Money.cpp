#include "Money.h"

#include <QLocale>

#include <cmath>

namespace orteam {

namespace {
// The default locale as a named one. The system locale (the default unless set) asks the system
// for its separators at every number it writes, a third of the cost of a report's table of ten
// thousand members; the named locale of the same name writes the same digits from Qt's own data.
// Not always: the system's numbers can come from elsewhere than its language (LC_NUMERIC beside
// LANG, a separator the person chose), and then the system locale itself is used. Kept per
// thread, and made again whenever the default changes.
const QLocale &numberLocale()
{
    thread_local QLocale seen = QLocale::c();
    thread_local QLocale named = QLocale::c();
    if (const QLocale now; now != seen) {
        seen = now;
        named = QLocale(now.language(), now.script(), now.territory());
        named.setNumberOptions(now.numberOptions());
        for (const double probe : {-1234567.5, 0.25}) {
            if (named.toString(probe, 'f', 2) != now.toString(probe, 'f', 2))
                named = now;
        }
    }
    return named;
}
} // namespace

QString formatUsd(double amount)
{
    if (!std::isfinite(amount))
        return QStringLiteral("—");
    const double magnitude = std::fabs(amount);
    const int decimals = (magnitude > 0.0 && magnitude < 0.01) ? 4 : 2;
    // Grouped and pointed as the person's locale writes numbers ("$40,065.56" in English), for
    // reading. Machine-readable output (CSV, JSON) never comes through here: it writes plain numbers.
    const QString digits = numberLocale().toString(magnitude, 'f', decimals);
    return (amount < 0 ? QStringLiteral("-$") : QStringLiteral("$")) + digits;
}

} // namespace orteam
