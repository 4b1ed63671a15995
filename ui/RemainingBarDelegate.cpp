#include "RemainingBarDelegate.h"

#include "KeyTableModel.h"
#include "Theme.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace orteam {

using theme::barFill;
using theme::barTrack;

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
    const theme::Tone tone = used >= 1.0 ? theme::Tone::Over : used >= WarnFraction ? theme::Tone::Warn : theme::Tone::Ok;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    // Both colours come from the row's palette, so the amount reads under its text colour on
    // either part of the bar, light or dark.
    painter->setBrush(barTrack(tone, opt.palette));
    painter->drawRoundedRect(bar, 3, 3);
    // The bar shows what is left: full when nothing is spent, empty at the limit.
    QRect left = bar;
    left.setWidth(int(bar.width() * std::clamp(1.0 - used, 0.0, 1.0)));
    painter->setBrush(barFill(tone, opt.palette));
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
