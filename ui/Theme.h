#pragma once

#include <QColor>
#include <QList>
#include <QPalette>
#include <QString>
#include <QStyle>
#include <QStyledItemDelegate>

#include <optional>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE
class QLabel;
class QWidget;

namespace orteam::theme {

// Every colour the dashboard draws on its own is chosen here, from the palette it is drawn on:
// a desktop's dark theme (or --dark) must leave banners, bars and charts as readable as the light
// one. Nothing in ui/ names a colour of its own.

// Dark when the window background is: what the text, banners and charts are drawn over.
bool isDark(const QPalette &palette);

// WCAG 2 contrast ratio between two colours (1 to 21); 4.5 is the minimum for body text.
double contrastRatio(const QColor &a, const QColor &b);

// `color` made lighter or darker, away from `against`, until the two reach `ratio` (as far as
// black or white allow): the hue is kept, the reading is guaranteed.
QColor readableOn(const QColor &color, const QColor &against, double ratio = 4.5);

enum class Banner { Error, Warning, Info, Demo };
struct BannerColors
{
    QColor background;
    QColor border;
    QColor text;
};
BannerColors bannerColors(Banner kind, const QPalette &palette);

// Styles `widget` (which must have an objectName) as a banner of `kind`, its labels included,
// and again whenever its palette changes. `box`: extra CSS for padding and corners.
void styleBanner(QWidget *widget, Banner kind, const QString &box = QStringLiteral("border-radius:4px; padding:6px 10px;"));

// How a limit or a result stands: within it, close to it, over it (or failed).
enum class Tone { Ok, Warn, Over };
// Text of that tone on the palette's base (an error line in a dialog, a failing row).
QColor toneText(Tone tone, const QPalette &palette);
// Colours `label`'s text in `tone` (no tone: the palette's own), following palette changes.
void styleToneText(QLabel *label, std::optional<Tone> tone);

// The remaining-bar: the track (what is spent) and the fill (what is left), both readable under
// the palette's text colour.
QColor barTrack(Tone tone, const QPalette &palette);
QColor barFill(Tone tone, const QPalette &palette);

// Chart colours: a status (spent within budget, over it), the neutral grey (budget left, the
// window before), the team's line, and the series after it.
QColor chartStatus(Tone tone, const QPalette &palette);
QColor chartNeutral(const QPalette &palette);
QColor chartMain(const QPalette &palette);
QList<QColor> chartSeries(const QPalette &palette);

// Qt's dark or light chart theme for the palette, on the palette's base, titles and legends in
// its text colour. Overrides series colours: call it before the series are coloured.
void applyChartTheme(QChart *chart, const QPalette &palette);

// Draws a model's own text colours (a status in green or red) at a lightness that reads on the
// view's base, light or dark: the item models choose hues, not the palette they are shown on.
class ReadableItemDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

// A dark palette for the Fusion style (--dark), for desktops where Qt does not follow the
// system's dark theme.
QPalette darkPalette();
// The style --dark runs: Fusion, drawing each check box's edge in the text colour. Fusion edges a
// box in the window colour darkened, which is darkPalette()'s base: an unticked box vanished.
QStyle *darkStyle();

} // namespace orteam::theme
