#include "Csv.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QString csvField(const QString &text, bool freeText)
{
    QString t = text;
    if (freeText && !t.isEmpty() && QStringView(u"=+-@\t\r").contains(t.front()))
        t.prepend(u'\'');
    if (t.contains(u',') || t.contains(u'"') || t.contains(u'\n') || t.contains(u'\r'))
        return u'"' + t.replace(u"\""_s, u"\"\""_s) + u'"';
    return t;
}

} // namespace orteam
