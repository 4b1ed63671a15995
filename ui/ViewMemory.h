#pragma once

#include <QString>

class QAbstractItemView;
class QMainWindow;
class QWidget;

namespace orteam {

class AppSettings;

// What a person arranged in the window, kept for the next start (per team database, in the
// settings file): the window's geometry and toolbars, every named splitter's sizes, every named
// table's header (column widths, order, sort), and every input marked with remember() (a chosen
// period or range). Found by objectName, so a new table or splitter is remembered without more code.
class ViewMemory
{
public:
    // Marks a chooser (a combo box) whose choice is remembered.
    static void remember(QWidget *chooser);
    // Whether the view's column widths came from the last session: a page then leaves them alone
    // instead of fitting them to their contents.
    static bool hasRestoredWidths(const QAbstractItemView *view);

    static void save(const QMainWindow *window, AppSettings &settings, const QString &database);
    static void restore(QMainWindow *window, const AppSettings &settings, const QString &database);
};

} // namespace orteam
