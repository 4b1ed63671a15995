#include "RemainingBarDelegate.h"

#include "KeyTableModel.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace orteam {

void RemainingBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant fraction = index.data(KeyTableModel::LimitUsedFractionRole);
    if (!fraction.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const double used = fraction.toDouble();
    const QRect bar = opt.rect.adjusted(4, 4, -4, -4);
    QColor fill(0x2e, 0x9e, 0x4f);
    if (used >= 1.0)
        fill = QColor(0xd0, 0x31, 0x31);
    else if (used >= WarnFraction)
        fill = QColor(0xe8, 0x9a, 0x14);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    // An exhausted limit has no bar left to colour, so the empty track itself turns red.
    painter->setBrush(used >= 1.0 ? QColor(0xf6, 0xc9, 0xc9) : QColor(0xe4, 0xe7, 0xeb));
    painter->drawRoundedRect(bar, 3, 3);
    // The bar shows what is left: full when nothing is spent, empty at the limit.
    QRect left = bar;
    left.setWidth(int(bar.width() * std::clamp(1.0 - used, 0.0, 1.0)));
    painter->setBrush(fill.lighter(135));
    painter->drawRoundedRect(left, 3, 3);
    painter->setPen(opt.palette.color(QPalette::Text));
    painter->drawText(bar.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize RemainingBarDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width() + 24, 110));
    return s;
}

} // namespace orteam
