#pragma once

#include <QString>

namespace orteam {

// "1 key", "2 keys", "0 keys": a count with its noun in the right number, for text that is not
// translated (the CLI, plans, import errors). The dashboard's own strings use tr("%n …") with the
// English plural forms in resources/translations instead.
inline QString counted(qint64 n, const QString &one, const QString &many)
{
    return QString::number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

} // namespace orteam
