#include "Theme.h"

#include <QAbstractAxis>
#include <QChart>
#include <QEvent>
#include <QLabel>
#include <QLegend>
#include <QPainter>
#include <QPointer>
#include <QProxyStyle>
#include <QStyleFactory>
#include <QStyleOption>
#include <QTimer>
#include <QWidget>

#include <cmath>
#include <functional>

namespace orteam::theme {

namespace {

double channel(double c)
{
    c /= 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &c)
{
    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue());
}

// The palette a widget's own colours are chosen for: its parent's, since a style sheet set on the
// widget rewrites the widget's palette with the very colours chosen here.
QPalette surroundings(const QWidget *widget)
{
    return widget->parentWidget() ? widget->parentWidget()->palette() : widget->palette();
}

// Re-applies a widget's colours when its palette may have changed. Queued: an application-wide
// change reaches widgets in no particular order, the parent's palette perhaps after the child.
class PaletteFollower final : public QObject
{
public:
    PaletteFollower(QWidget *widget, std::function<QString(const QPalette &)> sheet)
        : QObject(widget), m_widget(widget), m_sheet(std::move(sheet))
    {
        setObjectName(QStringLiteral("paletteFollower"));
        // The parent too: a palette from above reaches a styled widget (whose palette the sheet
        // set) as a change of its parent's only.
        widget->installEventFilter(this);
        if (QWidget *parent = widget->parentWidget())
            parent->installEventFilter(this);
        apply();
    }

    void setSheet(std::function<QString(const QPalette &)> sheet)
    {
        m_sheet = std::move(sheet);
        apply();
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        const QEvent::Type t = event->type();
        if ((watched == m_widget || watched == m_widget->parentWidget()) && (t == QEvent::PaletteChange || t == QEvent::ApplicationPaletteChange || t == QEvent::ParentChange))
            QTimer::singleShot(0, this, [this] { apply(); });
        return false;
    }

private:
    void apply()
    {
        // Setting the same sheet again would change the palette again: an endless round.
        const QString sheet = m_sheet(surroundings(m_widget));
        if (m_widget->styleSheet() != sheet)
            m_widget->setStyleSheet(sheet);
    }

    QWidget *m_widget;
    std::function<QString(const QPalette &)> m_sheet;
};

void follow(QWidget *widget, std::function<QString(const QPalette &)> sheet)
{
    // (Not findChild: without Q_OBJECT the follower would match any child object.)
    for (QObject *child : widget->children()) {
        if (auto *existing = dynamic_cast<PaletteFollower *>(child)) {
            existing->setSheet(std::move(sheet));
            return;
        }
    }
    new PaletteFollower(widget, std::move(sheet));
}

QColor pick(const QPalette &palette, const char *light, const char *dark)
{
    return QColor(QLatin1StringView(isDark(palette) ? dark : light));
}

} // namespace

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor readableOn(const QColor &color, const QColor &against, double ratio)
{
    QColor c = color.toHsl();
    const bool lighten = luminance(against) < 0.18;
    for (int step = 0; step < 40 && contrastRatio(c, against) < ratio; ++step) {
        const int l = c.lightness();
        if ((lighten && l >= 255) || (!lighten && l <= 0))
            break;
        c.setHsl(c.hslHue(), c.hslSaturation(), std::clamp(l + (lighten ? 8 : -8), 0, 255));
    }
    return c.toRgb();
}

BannerColors bannerColors(Banner kind, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (kind) {
    case Banner::Error:
        return dark ? BannerColors{QColor(0x4a, 0x1f, 0x1f), QColor(0x8a, 0x3a, 0x3a), QColor(0xff, 0xd7, 0xd3)}
                    : BannerColors{QColor(0xfd, 0xec, 0xea), QColor(0xf5, 0xc2, 0xc0), QColor(0x8a, 0x1c, 0x1c)};
    case Banner::Warning:
        return dark ? BannerColors{QColor(0x47, 0x33, 0x12), QColor(0x80, 0x5e, 0x22), QColor(0xff, 0xe3, 0xb8)}
                    : BannerColors{QColor(0xff, 0xf4, 0xe5), QColor(0xf3, 0xd1, 0x9e), QColor(0x66, 0x3c, 0x00)};
    case Banner::Info:
        return dark ? BannerColors{QColor(0x1b, 0x2d, 0x4a), QColor(0x3a, 0x58, 0x86), QColor(0xd8, 0xe6, 0xff)}
                    : BannerColors{QColor(0xe8, 0xf0, 0xfe), QColor(0xb6, 0xcd, 0xf5), QColor(0x1a, 0x3e, 0x72)};
    case Banner::Demo:
        return dark ? BannerColors{QColor(0x3d, 0x35, 0x12), QColor(0x75, 0x64, 0x24), QColor(0xff, 0xf0, 0xb8)}
                    : BannerColors{QColor(0xff, 0xf4, 0xce), QColor(0xf0, 0xd6, 0x8a), QColor(0x5c, 0x44, 0x00)};
    }
    return {};
}

void styleBanner(QWidget *widget, Banner kind, const QString &box)
{
    Q_ASSERT(!widget->objectName().isEmpty()); // the sheet's selector: never the children's frames
    follow(widget, [name = widget->objectName(), kind, box](const QPalette &palette) {
        const BannerColors c = bannerColors(kind, palette);
        return QStringLiteral("#%1 { background:%2; border:1px solid %3; color:%4; %5 } #%1 QLabel { color:%4; }")
            .arg(name, c.background.name(), c.border.name(), c.text.name(), box);
    });
}

QColor toneText(Tone tone, const QPalette &palette)
{
    QColor hue;
    switch (tone) {
    case Tone::Ok: hue = QColor(0x1d, 0x7a, 0x35); break;
    case Tone::Warn: hue = QColor(0x9a, 0x5b, 0x00); break;
    case Tone::Over: hue = QColor(0xb3, 0x26, 0x1e); break;
    }
    return readableOn(hue, palette.color(QPalette::Base));
}

void styleToneText(QLabel *label, std::optional<Tone> tone)
{
    follow(label, [tone](const QPalette &palette) {
        return tone ? QStringLiteral("color:%1;").arg(toneText(*tone, palette).name()) : QString();
    });
}

QColor barTrack(Tone tone, const QPalette &palette)
{
    // An exhausted limit has no bar left to colour, so the empty track itself turns red.
    const QColor track = tone == Tone::Over ? pick(palette, "#f6c9c9", "#5c2626") : pick(palette, "#e4e7eb", "#3b4048");
    return readableOn(track, palette.color(QPalette::Text));
}

QColor barFill(Tone tone, const QPalette &palette)
{
    QColor fill;
    switch (tone) {
    case Tone::Ok: fill = pick(palette, "#6fcf8a", "#236b3a"); break;
    case Tone::Warn: fill = pick(palette, "#f3bd5c", "#7a5210"); break;
    case Tone::Over: fill = pick(palette, "#ec7b7b", "#7d2424"); break;
    }
    return readableOn(fill, palette.color(QPalette::Text));
}

QColor chartStatus(Tone tone, const QPalette &palette)
{
    switch (tone) {
    case Tone::Ok: return pick(palette, "#2e7d32", "#66bb6a");
    case Tone::Warn: return pick(palette, "#fb8c00", "#ffb74d");
    case Tone::Over: return pick(palette, "#c62828", "#ef5350");
    }
    return {};
}

QColor chartNeutral(const QPalette &palette)
{
    return pick(palette, "#dde3ea", "#505a66");
}

QColor chartMain(const QPalette &palette)
{
    return pick(palette, "#1f3a5f", "#9ecbff");
}

QList<QColor> chartSeries(const QPalette &palette)
{
    if (isDark(palette))
        return {QColor(0x64, 0xb5, 0xf6), QColor(0x81, 0xc7, 0x84), QColor(0xff, 0xb7, 0x4d), QColor(0xce, 0x93, 0xd8),
                QColor(0x4d, 0xb6, 0xac), QColor(0xef, 0x9a, 0x9a)};
    return {QColor(0x1e, 0x88, 0xe5), QColor(0x43, 0xa0, 0x47), QColor(0xfb, 0x8c, 0x00), QColor(0x8e, 0x24, 0xaa),
            QColor(0x00, 0x89, 0x7b), QColor(0xc6, 0x28, 0x28)};
}

void applyChartTheme(QChart *chart, const QPalette &palette)
{
    chart->setTheme(isDark(palette) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    const QColor text = palette.color(QPalette::Text);
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setBackgroundPen(QPen(palette.color(QPalette::Mid)));
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
    }
}

void ReadableItemDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (!index.data(Qt::ForegroundRole).isValid())
        return;
    const QColor row = option->palette.color(option->features & QStyleOptionViewItem::Alternate ? QPalette::AlternateBase : QPalette::Base);
    // Above 4.5: the thin strokes of small text are drawn partly blended with the row.
    option->palette.setColor(QPalette::Text, readableOn(option->palette.color(QPalette::Text), row, 5.5));
}

namespace {
class ReadableChecksStyle final : public QProxyStyle
{
public:
    using QProxyStyle::QProxyStyle;
    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter, const QWidget *widget) const override
    {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        if (element != PE_IndicatorCheckBox || !isDark(option->palette))
            return;
        // Over Fusion's own edge, on the box's rectangle: the same 1 px, now readable.
        QColor edge = option->palette.color(option->state & State_Enabled ? QPalette::Active : QPalette::Disabled, QPalette::Text);
        edge.setAlphaF(0.6f);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(edge);
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(option->rect.adjusted(0, 0, -1, -1));
        painter->restore();
    }
};
} // namespace

QStyle *darkStyle()
{
    return new ReadableChecksStyle(QStyleFactory::create(QStringLiteral("Fusion")));
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x32, 0x33, 0x36);
    const QColor base(0x24, 0x25, 0x28);
    const QColor text(0xe8, 0xe8, 0xe8);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x2c, 0x2d, 0x30));
    p.setColor(QPalette::ToolTipBase, QColor(0x40, 0x41, 0x44));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x3a, 0x3b, 0x3f));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4b, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x40, 0x41, 0x45));
    p.setColor(QPalette::Mid, QColor(0x2a, 0x2b, 0x2e));
    p.setColor(QPalette::Dark, QColor(0x1c, 0x1d, 0x1f));
    p.setColor(QPalette::Shadow, QColor(0x10, 0x10, 0x10));
    p.setColor(QPalette::Link, QColor(0x7a, 0xb7, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xc0, 0x9a, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    p.setColor(QPalette::HighlightedText, Qt::white);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x50));
    return p;
}

} // namespace orteam::theme
