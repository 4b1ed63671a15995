#include "ViewMemory.h"

#include "AppSettings.h"

#include <QComboBox>
#include <QHeaderView>
#include <QMainWindow>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
const char *const RememberProperty = "orteamRemembered";
const char *const RestoredProperty = "orteamWidthsRestored";

// Only widgets with a name can be found again; Qt's own (a combo box's popup list) have none.
template <typename T>
QList<T *> named(const QWidget *root)
{
    QList<T *> out;
    for (T *w : root->findChildren<T *>()) {
        if (!w->objectName().isEmpty())
            out << w;
    }
    return out;
}

QHeaderView *headerOf(QAbstractItemView *view)
{
    if (auto *table = qobject_cast<QTableView *>(view))
        return table->horizontalHeader();
    if (auto *tree = qobject_cast<QTreeView *>(view))
        return tree->header();
    return nullptr;
}
} // namespace

void ViewMemory::remember(QWidget *chooser)
{
    chooser->setProperty(RememberProperty, true);
}

bool ViewMemory::hasRestoredWidths(const QAbstractItemView *view)
{
    return view->property(RestoredProperty).toBool();
}

void ViewMemory::save(const QMainWindow *window, AppSettings &settings, const QString &database)
{
    settings.setViewValue(database, u"window/geometry"_s, window->saveGeometry());
    settings.setViewValue(database, u"window/state"_s, window->saveState());
    for (const QSplitter *s : named<QSplitter>(window))
        settings.setViewValue(database, u"splitter/"_s + s->objectName(), s->saveState());
    for (QAbstractItemView *v : named<QAbstractItemView>(window)) {
        if (const QHeaderView *h = headerOf(v))
            settings.setViewValue(database, u"header/"_s + v->objectName(), h->saveState());
    }
    for (const QComboBox *c : named<QComboBox>(window)) {
        if (c->property(RememberProperty).toBool())
            settings.setViewValue(database, u"choice/"_s + c->objectName(), c->currentText());
    }
}

void ViewMemory::restore(QMainWindow *window, const AppSettings &settings, const QString &database)
{
    // Each piece on its own: a value that no longer fits (a column added since) is skipped, and
    // that piece keeps its default.
    window->restoreGeometry(settings.viewValue(database, u"window/geometry"_s).toByteArray());
    window->restoreState(settings.viewValue(database, u"window/state"_s).toByteArray());
    for (QSplitter *s : named<QSplitter>(window))
        s->restoreState(settings.viewValue(database, u"splitter/"_s + s->objectName()).toByteArray());
    for (QAbstractItemView *v : named<QAbstractItemView>(window)) {
        QHeaderView *h = headerOf(v);
        const QByteArray state = settings.viewValue(database, u"header/"_s + v->objectName()).toByteArray();
        if (!h || state.isEmpty() || !h->restoreState(state))
            continue;
        v->setProperty(RestoredProperty, true);
        // The header shows the old sort; the rows follow only when asked to sort.
        if (auto *table = qobject_cast<QTableView *>(v); table && table->isSortingEnabled())
            table->sortByColumn(h->sortIndicatorSection(), h->sortIndicatorOrder());
        else if (auto *tree = qobject_cast<QTreeView *>(v); tree && tree->isSortingEnabled())
            tree->sortByColumn(h->sortIndicatorSection(), h->sortIndicatorOrder());
    }
    for (QComboBox *c : named<QComboBox>(window)) {
        if (!c->property(RememberProperty).toBool())
            continue;
        // By its text: the choices' order may change between versions, their names hardly.
        const int index = c->findText(settings.viewValue(database, u"choice/"_s + c->objectName()).toString());
        if (index >= 0)
            c->setCurrentIndex(index);
    }
}

} // namespace orteam
