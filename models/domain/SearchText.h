#pragma once

#include <QString>
#include <QStringView>

namespace orteam {

// Text as every search box compares it: compatibility forms unfolded and accents dropped (NFKD,
// then no combining marks), then case-folded. So "zoe" finds "Zoë" and "ZOE", and "munoz" finds
// "Muñoz". Both the search and what it searches go through this.
QString foldForSearch(QStringView text);

} // namespace orteam
