#include "OverviewPage.h"

#include "HygieneController.h"
#include "RebuildWhenShown.h"
#include "Money.h"
#include "SpendController.h"

#include <QGridLayout>
#include <algorithm>
#include <cmath>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {

QString dayText(const QDate &day)
{
    return QLocale().toString(day, u"ddd d MMM"_s);
}

QString sentence(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

} // namespace

OverviewTile::OverviewTile(const QString &name, const QString &title, const QString &pageName, const QString &pageTitle, QWidget *parent)
    : QFrame(parent), m_page(pageName), m_title(title)
{
    setObjectName(name + u"Tile"_s);
    // A panel in the palette's own colours: the same tile reads under a light or a dark theme.
    setFrameShape(QFrame::StyledPanel);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setCursor(Qt::PointingHandCursor);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    auto *heading = new QLabel(title, this);
    heading->setObjectName(name + u"TitleLabel"_s);
    QFont headingFont = heading->font();
    headingFont.setBold(true);
    heading->setFont(headingFont);
    m_value = new QLabel(this);
    m_value->setObjectName(name + u"ValueLabel"_s);
    QFont big = m_value->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    m_value->setFont(big);
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(name + u"ProgressBar"_s);
    m_bar->setTextVisible(false);
    m_bar->setMaximumHeight(10);
    m_bar->hide();
    m_detail = new QLabel(this);
    m_detail->setObjectName(name + u"DetailLabel"_s);
    m_detail->setWordWrap(true);
    m_detail->setTextFormat(Qt::RichText);
    m_detail->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    // The labels take no clicks (no selection, no links), so a click anywhere on the tile opens
    // its page: a rich-text label would take the press for its own text control otherwise.
    for (QLabel *label : {heading, m_value, m_detail})
        label->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *open = new QPushButton(pageTitle, this);
    open->setObjectName(name + u"OpenButton"_s);
    open->setFlat(true);
    open->setToolTip(tr("Open the %1 page").arg(pageTitle));
    // Several tiles open the same page: a screen reader says which tile's button this is.
    open->setAccessibleName(tr("%1: open the %2 page").arg(title, pageTitle));
    connect(open, &QPushButton::clicked, this, [this] { Q_EMIT activated(m_page); });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 8);
    layout->addWidget(heading);
    layout->addWidget(m_value);
    layout->addWidget(m_bar);
    layout->addWidget(m_detail, 1);
    layout->addWidget(open, 0, Qt::AlignRight);
}

void OverviewTile::set(const QString &value, const QString &detail)
{
    m_value->setText(value);
    m_detail->setText(detail);
    // A screen reader hears the tile as one sentence: what it is, its number, its detail.
    setAccessibleName(m_title + u": "_s + value);
    setAccessibleDescription(QTextDocumentFragment::fromHtml(detail).toPlainText());
}

QString OverviewTile::value() const
{
    return m_value->text();
}

QString OverviewTile::detail() const
{
    return m_detail->text();
}

void OverviewTile::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        Q_EMIT activated(m_page);
    QFrame::mouseReleaseEvent(event);
}

OverviewPage::OverviewPage(SpendController *spend, HygieneController *hygiene, QWidget *parent)
    : QWidget(parent), m_spend(spend), m_hygiene(hygiene)
{
    setObjectName(u"overviewPage"_s);
    m_asOf = new QLabel(this);
    m_asOf->setObjectName(u"overviewAsOfLabel"_s);
    m_error = new QLabel(this);
    m_error->setObjectName(u"overviewErrorLabel"_s);
    m_error->setWordWrap(true);
    m_error->hide();

    auto *tiles = new QWidget;
    tiles->setObjectName(u"overviewTilesWidget"_s);
    auto *grid = new QGridLayout(tiles);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(10);
    m_month = new OverviewTile(u"overviewMonth"_s, tr("This month"), u"reports"_s, tr("Reports"), tiles);
    m_today = new OverviewTile(u"overviewToday"_s, tr("Today (UTC)"), u"spend"_s, tr("Spend"), tiles);
    m_spenders = new OverviewTile(u"overviewSpenders"_s, tr("Biggest spenders this week"), u"spend"_s, tr("Spend"), tiles);
    m_alerts = new OverviewTile(u"overviewAlerts"_s, tr("Open alerts"), u"spend"_s, tr("Spend"), tiles);
    m_credits = new OverviewTile(u"overviewCredits"_s, tr("Credits"), u"spend"_s, tr("Spend"), tiles);
    m_tiles << m_month << m_today << m_spenders << m_alerts << m_credits;
    if (m_hygiene) {
        m_keys = new OverviewTile(u"overviewKeys"_s, tr("Keys needing attention"), u"hygiene"_s, tr("Hygiene"), tiles);
        m_tiles << m_keys;
    }
    for (int i = 0; i < m_tiles.size(); ++i) {
        grid->addWidget(m_tiles.at(i), i / 3, i % 3);
        connect(m_tiles.at(i), &OverviewTile::activated, this, &OverviewPage::openPage);
    }
    for (int c = 0; c < 3; ++c)
        grid->setColumnStretch(c, 1);
    grid->setRowStretch(2, 1);

    // Scrolls rather than squeezes on a small screen: a tile's sentences stay whole.
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(u"overviewScrollArea"_s);
    scroll->setWidget(tiles);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_asOf);
    layout->addWidget(m_error);
    layout->addWidget(scroll, 1);

    m_redraw = new RebuildWhenShown(this, [this] { reload(); });
    connect(m_spend, &SpendController::changed, m_redraw, &RebuildWhenShown::request);
    if (m_hygiene)
        connect(m_hygiene, &HygieneController::assessed, this, &OverviewPage::showHygiene);
    m_redraw->request();
}

OverviewTile *OverviewPage::tile(const QString &name) const
{
    for (OverviewTile *t : m_tiles) {
        if (t->objectName() == name + u"Tile"_s)
            return t;
    }
    return nullptr;
}

QString OverviewPage::errorText() const
{
    return !m_error->isHidden() ? m_error->text() : QString();
}

void OverviewPage::reload()
{
    if (m_redraw)
        m_redraw->markFresh();
    const Result<Overview> read = m_spend->overview();
    if (!read) {
        // No number is better than a wrong one: every tile says it does not know.
        m_error->setText(tr("Cannot read the overview from the team database: %1").arg(read.errorText()));
        m_error->show();
        m_asOf->clear();
        for (OverviewTile *t : m_tiles) {
            if (t != m_keys) {
                t->bar()->hide();
                t->set(tr("Unknown"), tr("The team database could not be read."));
            }
        }
        showHygiene();
        return;
    }
    m_error->hide();
    m_error->clear();
    showOverview(*read);
    showHygiene();
}

void OverviewPage::showOverview(const Overview &o)
{
    const QLocale locale;
    m_asOf->setText(tr("As of %1 (days are UTC days; today is %2)")
                        .arg(locale.toString(o.now.toLocalTime().time(), QLocale::ShortFormat), dayText(o.today)));
    const QString historyNote = sentence(o.historyNote());
    const QString month = locale.standaloneMonthName(o.today.month());

    // The month: so far, against the budget, and where it ends at this rate.
    QStringList monthLines;
    if (const std::optional<int> percent = o.budgetPercent()) {
        const double share = o.monthToDate / *o.monthBudget;
        monthLines << tr("of the team's %1 budget for %2 (%3%)").arg(formatUsd(*o.monthBudget), month).arg(*percent);
        m_month->bar()->setRange(0, 1000);
        m_month->bar()->setValue(int(std::min(share, 1.0) * 1000));
        m_month->bar()->setAccessibleName(tr("Month to date against the budget"));
        m_month->bar()->show();
    } else {
        monthLines << tr("%1 so far. No monthly budget is set: set one on the Notifications page or with "
                         "<code>orteam-cli notify settings --team-monthly</code>.")
                          .arg(month);
        m_month->bar()->hide();
    }
    if (o.budgetCrossed && o.budgetCrossedOn)
        monthLines << tr("<b>The budget was crossed on %1.</b>").arg(dayText(*o.budgetCrossedOn));
    if (o.projectedMonthEnd) {
        monthLines << tr("Projected month end: <b>%1</b> at %2 a day.").arg(formatUsd(*o.projectedMonthEnd), formatUsd(*o.ratePerDay));
        if (o.monthBudget && !o.budgetCrossed)
            monthLines << (!o.budgetCrossedOn        ? tr("Within budget at this rate.")
                           : *o.budgetCrossedOn == o.today ? tr("<b>Crosses the budget later today</b> at this rate.")
                                                           : tr("Crosses the budget around <b>%1</b>.").arg(dayText(*o.budgetCrossedOn)));
    } else {
        monthLines << tr("%1, so no projection.").arg(historyNote);
    }
    if (const QString unlinked = o.unlinkedText(); !unlinked.isEmpty())
        monthLines << unlinked.toHtmlEscaped() + u' '
                + tr("A person's key counts once linked on the Team page; a gateway's shared key is counted already, "
                     "in its members' usage.");
    m_month->set(formatUsd(o.monthToDate), monthLines.join(u"<br>"_s));

    // Today, and the week against last week to the same point.
    QString week = tr("This week: <b>%1</b>").arg(formatUsd(o.weekToDate));
    if (o.lastWeekToDate)
        week += tr(" (%1 against last week to this point, %2)").arg(Overview::changeText(o.weekToDate, o.lastWeekToDate), formatUsd(*o.lastWeekToDate));
    else
        week += tr(" (last week is not in the history)");
    m_today->set(formatUsd(o.spentToday), week);

    // The five who spent most this week.
    if (o.topSpenders.isEmpty()) {
        m_spenders->set(tr("Nobody yet"), tr("No member has spent anything this week."));
    } else {
        QString table = u"<table cellspacing='0' cellpadding='2'>"_s;
        for (const OverviewSpender &s : o.topSpenders) {
            const QString change = Overview::changeText(s.week, s.lastWeek);
            table += u"<tr><td>%1</td><td align='right'>&nbsp;&nbsp;%2</td><td align='right'>&nbsp;&nbsp;%3</td></tr>"_s.arg(
                s.member.toHtmlEscaped(), formatUsd(s.week), change.isEmpty() ? tr("—") : change);
        }
        table += u"</table>"_s;
        if (!o.topSpenders.first().lastWeek)
            table += tr("<i>No change shown: last week is not in the history.</i>");
        m_spenders->set(o.topSpenders.first().member, table);
    }

    // The alerts that hold now, urgent first.
    const QString keysUnknown = m_readOnly ? tr("The keys' own alerts (limits, expiry, rotation) need the management key.")
                                           : tr("The keys' own alerts (limits, expiry, rotation) are not known until the keys load.");
    if (o.alerts.isEmpty()) {
        m_alerts->set(o.keysKnown ? tr("None") : tr("None in the database"),
                      o.keysKnown ? tr("Every member and key is within its limits.") : keysUnknown);
    } else {
        QStringList lines;
        for (qsizetype i = 0; i < o.alerts.size() && i < 4; ++i) {
            const Alert &a = o.alerts.at(i);
            lines << (a.urgent ? u"<b>%1</b>"_s : u"%1"_s).arg(a.text.toHtmlEscaped());
        }
        if (o.alerts.size() > 4)
            lines << tr("and %1 more").arg(o.alerts.size() - 4);
        if (!o.keysKnown)
            lines << u"<i>%1</i>"_s.arg(keysUnknown);
        if (const QString stale = m_spend->keysStaleText(); o.keysKnown && !stale.isEmpty())
            lines << tr("<i>The keys' alerts from the last list read: %1.</i>").arg(stale.toHtmlEscaped());
        m_alerts->set(tr("%1 open").arg(o.alerts.size()), lines.join(u"<br>"_s));
    }

    // Credits: what is left and when it runs out at this rate.
    m_credits->bar()->hide();
    if (!o.credits) {
        m_credits->set(tr("Unknown"), m_readOnly      ? tr("The account's credits need the management key.")
                                      : o.keysKnown    ? tr("OpenRouter's credits could not be read (see the banner).")
                                                       : tr("Not loaded yet: the credits come with the keys."));
        return;
    }
    QString detail = tr("left of %1 bought.").arg(formatUsd(o.credits->totalCredits));
    if (o.creditsUsedUp())
        detail += u"<br>"_s + tr("<b>Used up</b>: requests fail until credits are added.");
    else if (!o.creditsRatePerDay) // the account's history, every key's: not the team's alone
        detail += u"<br>"_s + tr("Too little of the account's history yet, so no run-out date.");
    else if (o.creditsRunOut)
        detail += u"<br>"_s + (*o.creditsRunOut == o.today ? tr("<b>Run out later today</b> at %1 a day.").arg(formatUsd(*o.creditsRatePerDay))
                                                          : tr("Run out around <b>%1</b> at %2 a day.").arg(dayText(*o.creditsRunOut), formatUsd(*o.creditsRatePerDay)));
    else
        detail += u"<br>"_s + tr("Not running out at this rate.");
    // Last known credits after a failed refresh: shown, with their age.
    if (const QString stale = m_spend->creditsStaleText(); !stale.isEmpty())
        detail += u"<br><i>"_s + stale.toHtmlEscaped() + u"</i>"_s;
    m_credits->set(formatUsd(o.credits->remaining()), detail);
    if (o.credits->totalCredits > 0) {
        m_credits->bar()->setRange(0, 1000);
        m_credits->bar()->setValue(int(std::clamp(o.credits->remaining() / o.credits->totalCredits, 0.0, 1.0) * 1000));
        m_credits->bar()->setAccessibleName(tr("Credits left"));
        m_credits->bar()->show();
    }
}

void OverviewPage::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    // The key checks judge the key list, which a lead without the management key has not got.
    if (m_keys)
        m_keys->setVisible(!readOnly);
    m_redraw->request();
}

void OverviewPage::showHygiene()
{
    if (!m_keys)
        return;
    switch (m_hygiene->state()) {
    case HygieneController::State::Waiting:
        m_keys->set(tr("…"), tr("Checking the keys once they have loaded."));
        return;
    case HygieneController::State::Failed:
        m_keys->set(tr("Unknown"), tr("The keys could not be checked: %1").arg(m_hygiene->error().toHtmlEscaped()));
        return;
    case HygieneController::State::Ready:
        break;
    }
    const int withFindings = m_hygiene->keysWithFindings();
    const int rotating = m_hygiene->rotatingCount();
    QString detail = withFindings == 0 ? tr("No key is dormant, unlimited, expiring or due for rotation.")
                                       : tr("Dormant, unlimited, expiring or due for rotation: see the Hygiene page.");
    if (rotating > 0)
        detail += u"<br>"_s + (rotating == 1 ? tr("1 rotation under way.") : tr("%1 rotations under way.").arg(rotating));
    m_keys->set(withFindings == 0 ? tr("None") : withFindings == 1 ? tr("1 key") : tr("%1 keys").arg(withFindings), detail);
}

} // namespace orteam
