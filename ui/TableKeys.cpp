#include "TableKeys.h"

#include <QAbstractItemView>
#include <QShortcut>

namespace orteam {

void onEnterKey(QAbstractItemView *view, std::function<void()> action)
{
    for (const Qt::Key key : {Qt::Key_Return, Qt::Key_Enter}) {
        auto *shortcut = new QShortcut(QKeySequence(key), view);
        shortcut->setObjectName(key == Qt::Key_Return ? QStringLiteral("returnShortcut") : QStringLiteral("enterShortcut"));
        shortcut->setContext(Qt::WidgetShortcut);
        QObject::connect(shortcut, &QShortcut::activated, view, [view, action] {
            if (view->currentIndex().isValid())
                action();
        });
    }
}

} // namespace orteam
