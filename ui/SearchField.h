#pragma once

#include <QLineEdit>

class QAbstractItemModel;
class QLabel;

namespace orteam {

// A page's (or a dialog's) search box. The window's Find (Ctrl+F) focuses the current page's one;
// Esc clears it, and only when it is already empty does Esc go on to whatever it means around it
// (closing a dialog). showEmptyState() says when nothing matches, so an empty table is never read
// as "there is no data".
class SearchField final : public QLineEdit
{
    Q_OBJECT

public:
    explicit SearchField(QWidget *parent = nullptr);

    // `label` shows what matched nothing while `shown` (the filtered view's model) is empty and
    // `all` (the model under it) is not; it is hidden otherwise.
    void showEmptyState(QLabel *label, const QAbstractItemModel *shown, const QAbstractItemModel *all);

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace orteam
