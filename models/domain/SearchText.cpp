#include "SearchText.h"

#include <algorithm>

namespace orteam {

QString foldForSearch(QStringView text)
{
    // Most names are plain ASCII: lower-casing is all they need, and a keystroke over 100,000
    // keys must not normalise each of them.
    if (std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; }))
        return text.toString().toLower();
    const QString decomposed = text.toString().normalized(QString::NormalizationForm_KD);
    QString out;
    out.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        switch (c.category()) {
        case QChar::Mark_NonSpacing:
        case QChar::Mark_SpacingCombining:
        case QChar::Mark_Enclosing:
            continue; // the accent of an accented letter, after NFKD split it off
        default:
            out += c;
        }
    }
    return out.toCaseFolded();
}

} // namespace orteam
