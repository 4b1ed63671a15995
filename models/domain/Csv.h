#pragma once

#include <QString>

namespace orteam {

// One CSV field: quoted when it holds a comma, quote or line break. Free text (names, labels,
// audit values) that starts like a spreadsheet formula (=, +, -, @) gets a leading apostrophe, so
// opening the file in a spreadsheet never runs it.
QString csvField(const QString &text, bool freeText);

} // namespace orteam
