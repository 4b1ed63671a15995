#include "SearchField.h"

#include <QAbstractItemModel>
#include <QKeyEvent>
#include <QLabel>

namespace orteam {

SearchField::SearchField(QWidget *parent) : QLineEdit(parent)
{
    setClearButtonEnabled(true);
}

void SearchField::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape && event->modifiers() == Qt::NoModifier && !text().isEmpty()) {
        clear();
        event->accept();
        return;
    }
    QLineEdit::keyPressEvent(event);
}

void SearchField::showEmptyState(QLabel *label, const QAbstractItemModel *shown, const QAbstractItemModel *all)
{
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignCenter);
    label->hide();
    auto update = [this, label, shown, all] {
        const bool empty = shown->rowCount() == 0 && all->rowCount() > 0;
        label->setVisible(empty);
        if (!empty)
            return;
        label->setText(text().trimmed().isEmpty()
                           ? tr("Nothing matches the filter.")
                           : tr("Nothing matches “%1”. Press Esc in the search to clear it.").arg(text().trimmed()));
    };
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(shown, signal, label, update);
    connect(shown, &QAbstractItemModel::modelReset, label, update);
    connect(shown, &QAbstractItemModel::layoutChanged, label, update);
    connect(all, &QAbstractItemModel::modelReset, label, update);
    connect(this, &QLineEdit::textChanged, label, update);
    update();
}

} // namespace orteam
