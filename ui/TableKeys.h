#pragma once

#include <functional>

class QAbstractItemView;

namespace orteam {

// Enter (or Return) on a table's current row does what a double-click does, for whoever uses the
// keyboard. A shortcut on the view alone, so Enter in a dialog or a search box keeps its meaning.
void onEnterKey(QAbstractItemView *view, std::function<void()> action);

} // namespace orteam
