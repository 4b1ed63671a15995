#pragma once

#include <QStyledItemDelegate>

namespace orteam {

// Draws "remaining" as a bar of the limit used: green below 80%, amber from 80%, red at 100%,
// so a team lead sees who is about to hit a limit without reading numbers.
class RemainingBarDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    static constexpr double WarnFraction = 0.8;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace orteam
