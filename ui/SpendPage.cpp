#include "SpendPage.h"

#include "RebuildWhenShown.h"
#include "Theme.h"

#include "Charts.h"
#include "Money.h"
#include "SpendController.h"
#include "ViewMemory.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QTimeZone>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

namespace orteam {

namespace {
// Low enough for two rows of charts in a 1280x720 screen's window, high enough for axis labels.
constexpr int MinimumChartHeight = 190;

QChartView *makeView(const char *name, const QString &title, QWidget *parent)
{
    QChartView *view = makeChartView(name, title, parent);
    view->setMinimumHeight(MinimumChartHeight);
    return view;
}

// A chart draws the eight biggest; its title says so when there were more (", the 8 biggest of 13").
constexpr qsizetype MostBars = 8;
QString drawnOf(qsizetype drawn, qsizetype all)
{
    return all > drawn ? QObject::tr(", the %1 biggest of %2").arg(drawn).arg(all) : QString();
}

// The member chart's title, with drawnOf() right after its subject, where a narrow chart still
// shows it (the colours' key is what is elided).
QString memberChartTitle(const QString &drawn = {})
{
    return QObject::tr("Spend per member%1 — green spent, red over budget, grey budget left").arg(drawn);
}
} // namespace

SpendPage::SpendPage(SpendController *spend, QWidget *parent) : QWidget(parent), m_spend(spend)
{
    setObjectName(QStringLiteral("spendPage"));
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("spendPeriodCombo"));
    m_period->addItem(tr("Today"), int(SpendController::Period::Today));
    m_period->addItem(tr("This week"), int(SpendController::Period::Week));
    m_period->addItem(tr("This month"), int(SpendController::Period::Month));
    m_period->setCurrentIndex(1);
    m_range = new QComboBox(this);
    m_range->setObjectName(QStringLiteral("spendRangeCombo"));
    ViewMemory::remember(m_period);
    ViewMemory::remember(m_range);
    for (int days : {7, 30, 90, 365})
        m_range->addItem(tr("Last %1 days").arg(days), days);
    m_range->setCurrentIndex(2);
    auto *note = new QLabel(tr("UTC days; history is kept in the team database beyond OpenRouter's 30 days."), this);
    note->setObjectName(QStringLiteral("spendNoteLabel"));

    m_alerts = new QLabel(this);
    m_alerts->setObjectName(QStringLiteral("spendAlertsLabel"));
    m_alerts->setWordWrap(true);
    theme::styleBanner(m_alerts, theme::Banner::Warning, QStringLiteral("padding:6px; border-radius:3px;"));
    m_alerts->hide();
    m_month = new QLabel(this);
    m_month->setObjectName(QStringLiteral("spendMonthLabel"));
    m_month->setWordWrap(true);
    m_month->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("spendErrorLabel"));
    m_error->setWordWrap(true);
    theme::styleBanner(m_error, theme::Banner::Error, QStringLiteral("padding:6px; border-radius:3px;"));
    m_error->hide();

    m_members = makeView("memberSpendChart", memberChartTitle(), this);
    m_members->chart()->legend()->hide(); // the title says it: room for every name
    m_daily = makeView("dailySpendChart", tr("Daily spend"), this);
    m_models = makeView("modelSpendChart", tr("Spend by model"), this);
    m_providers = makeView("providerSpendChart", tr("Spend by provider"), this);
    m_workspaces = makeView("workspaceSpendChart", tr("Spend by workspace (department)"), this);
    m_burn = makeView("burnChart", tr("Budget burn (dashed: forecast at the last 7 days' rate)"), this);
    m_burnText = new QLabel(this);
    m_burnText->setObjectName(QStringLiteral("burnForecastLabel"));
    m_burnText->setWordWrap(true);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Members:"), this));
    controls->addWidget(m_period);
    controls->addSpacing(16);
    controls->addWidget(new QLabel(tr("History:"), this));
    controls->addWidget(m_range);
    controls->addSpacing(16);
    controls->addWidget(note, 1);
    for (QLabel *l : findChildren<QLabel *>()) {
        if (l->objectName().isEmpty())
            l->setObjectName(QStringLiteral("spendControlLabel"));
    }
    auto *grid = new QGridLayout;
    // Three equal columns: members beside the daily series, two columns wide (a date axis needs
    // the width that a bar per member does not); the same spend split three ways (by model, by
    // provider, by workspace); the burn, a time series, as wide as the page.
    grid->addWidget(m_members, 0, 0);
    grid->addWidget(m_daily, 0, 1, 1, 2);
    grid->addWidget(m_models, 1, 0);
    grid->addWidget(m_providers, 1, 1);
    grid->addWidget(m_workspaces, 1, 2);
    auto *burnBox = new QVBoxLayout;
    burnBox->addWidget(m_burn, 1);
    burnBox->addWidget(m_burnText);
    grid->addLayout(burnBox, 2, 0, 1, 3);
    for (int column = 0; column < 3; ++column)
        grid->setColumnStretch(column, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_month);
    layout->addLayout(controls);
    layout->addWidget(m_error);
    layout->addWidget(m_alerts);
    layout->addLayout(grid, 1);

    connect(m_period, &QComboBox::currentIndexChanged, this, &SpendPage::buildMembers);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        buildDaily();
        buildModels();
        buildProviders();
        buildWorkspaces();
    });
    // Redrawn after a refresh when on screen, else when next shown (it is drawn once now, below).
    m_redraw = new RebuildWhenShown(this, [this] { rebuild(); });
    connect(m_spend, &SpendController::changed, m_redraw, &RebuildWhenShown::request);
    rebuild();
}

QChart *SpendPage::memberChart() const { return m_members->chart(); }
QChart *SpendPage::dailyChart() const { return m_daily->chart(); }
QChart *SpendPage::modelChart() const { return m_models->chart(); }
QChart *SpendPage::providerChart() const { return m_providers->chart(); }
QChart *SpendPage::workspaceChart() const { return m_workspaces->chart(); }
QChart *SpendPage::burnChart() const { return m_burn->chart(); }

void SpendPage::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        buildMembers();
        buildDaily();
        buildModels();
        buildProviders();
        buildWorkspaces();
        buildBurn();
        buildMonth();
    }
}

void SpendPage::rebuild()
{
    if (m_redraw)
        m_redraw->markFresh();
    buildMembers();
    buildDaily();
    buildModels();
    buildProviders();
    buildWorkspaces();
    buildBurn();
    buildAlerts();
    buildMonth();
}

void SpendPage::setReadError(Part part, const QString &error)
{
    const bool isNew = !error.isEmpty() && m_errors.value(part) != error;
    if (error.isEmpty())
        m_errors.remove(part);
    else
        m_errors.insert(part, error);
    QStringList reasons;
    for (const QString &e : std::as_const(m_errors)) {
        if (!reasons.contains(e))
            reasons << e;
    }
    m_error->setText(reasons.isEmpty() ? QString()
                                       : tr("Some spend could not be read from the team database, so it is not shown: %1")
                                             .arg(reasons.join(QLatin1Char(' '))));
    m_error->setVisible(!reasons.isEmpty());
    if (isNew)
        Q_EMIT problem(tr("Cannot read the spend from the team database: %1").arg(error));
}

void SpendPage::buildAlerts()
{
    const Result<QList<Alert>> alerts = m_spend->alerts();
    setReadError(Part::Alerts, alerts ? QString() : alerts.errorText());
    QStringList lines;
    for (const Alert &a : alerts.valueOr({}))
        lines << (a.urgent ? QStringLiteral("⚠ ") : QStringLiteral("• ")) + a.text;
    if (lines.size() > 6) {
        const qsizetype more = lines.size() - 5;
        lines = lines.mid(0, 5);
        lines << tr("… and %n more.", nullptr, int(more));
    }
    m_alerts->setText(lines.join(QLatin1Char('\n')));
    m_alerts->setVisible(!lines.isEmpty());
}

void SpendPage::buildMonth()
{
    const Result<Overview> read = m_spend->overview();
    setReadError(Part::Month, read ? QString() : read.errorText());
    if (!read) {
        // Said, never $0: the error strip below has the reason.
        m_month->setText(tr("<b>Month to date:</b> not known, the team database could not be read."));
        theme::styleBanner(m_month, theme::Banner::Error);
        return;
    }
    const Overview &o = *read;
    // The Overview's own sentence (the CLI's too), so the page, `orteam-cli overview` and the
    // calendar month report never disagree on a number or a day.
    QString text = tr("<b>Month to date (%1, UTC):</b> %2")
                       .arg(QLocale().standaloneMonthName(o.today.month()), o.monthText().toHtmlEscaped());
    if (!o.budgetPercent())
        text += tr(". Set the team monthly budget on the Notifications page.");
    m_month->setText(text);
    // Amber once the budget is crossed or the rate crosses it before the month ends.
    const bool over = o.budgetCrossed || (o.budgetPercent() && o.budgetCrossedOn);
    theme::styleBanner(m_month, over ? theme::Banner::Warning : theme::Banner::Info);
}

void SpendPage::buildMembers()
{
    QChart *chart = m_members->chart();
    clearChart(chart, palette());
    const auto period = SpendController::Period(m_period->currentData().toInt());
    const Result<QList<SpendController::MemberBar>> read = m_spend->memberBars(period);
    setReadError(Part::Members, read ? QString() : read.errorText());
    if (!read) {
        setChartTableError(m_members, read.errorText());
        return;
    }
    QList<SpendController::MemberBar> bars = *read;
    // The biggest spenders (the rest are on the Team page), and the title says so.
    const qsizetype everyone = bars.size();
    bars = bars.mid(0, MostBars);
    chart->setTitle(memberChartTitle(drawnOf(bars.size(), everyone)));
    QList<QVariantList> rows;
    for (const SpendController::MemberBar &b : bars)
        rows << QVariantList{b.member, b.spent, b.budget ? QVariant(*b.budget) : QVariant(tr("no daily limit"))};
    setChartTable(m_members, {tr("Member"), tr("Spent"), tr("Budget")}, rows);
    // Stacked: spend within budget, spend over it, and what is left of the budget (light), so
    // each bar's light end marks that member's budget.
    auto *within = new QBarSet(tr("Spent"));
    auto *over = new QBarSet(tr("Over budget"));
    auto *left = new QBarSet(tr("Budget left"));
    within->setColor(theme::chartStatus(theme::Tone::Ok, palette()));
    over->setColor(theme::chartStatus(theme::Tone::Over, palette()));
    left->setColor(theme::chartNeutral(palette()));
    QStringList categories;
    double max = 0;
    // Highest spender on top: horizontal bars draw the first category at the bottom.
    for (auto it = bars.crbegin(); it != bars.crend(); ++it) {
        const double budget = it->budget.value_or(it->spent);
        categories << it->member;
        within->append(std::min(it->spent, budget));
        over->append(std::max(0.0, it->spent - budget));
        left->append(it->budget ? std::max(0.0, budget - it->spent) : 0.0);
        max = std::max({max, it->spent, budget});
    }
    auto *series = new QHorizontalStackedBarSeries;
    series->append(within);
    series->append(over);
    series->append(left);
    chart->addSeries(series);
    auto *y = new QBarCategoryAxis;
    y->append(categories);
    fitCategories(m_members, y, MinimumChartHeight);
    y->setTruncateLabels(false); // names must show beside the bars, not turn into "…"
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    series->setBarWidth(0.7);
    QValueAxis *x = dollarAxis(max);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    const QList<SpendController::MemberBar> shown(bars.crbegin(), bars.crend());
    auto tip = [shown](bool on, int index) {
        if (!on || index < 0 || index >= shown.size()) {
            QToolTip::hideText();
            return;
        }
        const auto &b = shown.at(index);
        QToolTip::showText(QCursor::pos(), b.budget ? tr("%1: %2 of %3").arg(b.member, formatUsd(b.spent), formatUsd(*b.budget))
                                                    : tr("%1: %2 (no daily limit)").arg(b.member, formatUsd(b.spent)));
    };
    for (QBarSet *set : {within, over, left}) {
        connect(set, &QBarSet::hovered, this, tip);
        connect(set, &QBarSet::clicked, this, [this, categories](int index) {
            if (index >= 0 && index < categories.size())
                Q_EMIT memberClicked(categories.at(index));
        });
    }
}

void SpendPage::buildDaily()
{
    QChart *chart = m_daily->chart();
    clearChart(chart, palette());
    const int days = m_range->currentData().toInt();
    const auto teamRead = m_spend->teamDaily(days);
    const auto topRead = m_spend->topMembersDaily(days, 5);
    setReadError(Part::Daily, !teamRead ? teamRead.errorText() : !topRead ? topRead.errorText() : QString());
    if (!teamRead || !topRead) {
        setChartTableError(m_daily, !teamRead ? teamRead.errorText() : topRead.errorText());
        return;
    }
    {
        // One row a day: the team, then each top member's spend that day.
        QStringList headers{tr("Day (UTC)"), tr("Team")};
        QList<QHash<QDate, double>> members;
        for (const auto &[member, memberDays] : *topRead) {
            headers << member;
            QHash<QDate, double> byDay;
            for (const auto &[day, cost] : memberDays)
                byDay.insert(day, cost);
            members << byDay;
        }
        QList<QVariantList> rows;
        for (const auto &[day, cost] : *teamRead) {
            QVariantList row{day, cost};
            for (const QHash<QDate, double> &m : members)
                row << m.value(day);
            rows << row;
        }
        setChartTable(m_daily, headers, rows);
    }
    auto *axisX = new QDateTimeAxis;
    axisX->setFormat(days > 90 ? QStringLiteral("MMM yy") : QStringLiteral("d MMM"));
    axisX->setTickCount(days > 7 ? 7 : days);
    chart->addAxis(axisX, Qt::AlignBottom);
    double max = 0;
    auto addLine = [&](const QString &name, const QList<std::pair<QDate, double>> &points, const QPen &pen) {
        auto *line = new QLineSeries;
        line->setName(name);
        line->setPen(pen);
        for (const auto &[day, cost] : points) {
            line->append(double(dayMsecs(day)), cost);
            max = std::max(max, cost);
        }
        chart->addSeries(line);
        line->attachAxis(axisX);
        connect(line, &QLineSeries::hovered, this, [name](const QPointF &p, bool on) {
            if (on)
                QToolTip::showText(QCursor::pos(), tr("%1, %2: %3")
                                                       .arg(name, QDateTime::fromMSecsSinceEpoch(qint64(p.x()), QTimeZone::utc())
                                                                      .date()
                                                                      .toString(Qt::ISODate),
                                                            formatUsd(p.y())));
        });
        return line;
    };
    const SpendController::Days &team = *teamRead;
    addLine(tr("Team"), team, QPen(theme::chartMain(palette()), 2.5));
    const QList<QColor> colors = theme::chartSeries(palette());
    const auto &top = *topRead;
    for (qsizetype i = 0; i < top.size(); ++i)
        addLine(top.at(i).first, top.at(i).second, QPen(colors.value(i), 1.2));
    if (!team.isEmpty())
        setDayRange(axisX, team.front().first, team.back().first);
    QValueAxis *axisY = dollarAxis(max);
    chart->addAxis(axisY, Qt::AlignLeft);
    for (QAbstractSeries *s : chart->series())
        s->attachAxis(axisY);
}

void SpendPage::buildModels()
{
    buildShares(m_models, Part::Models, m_spend->byModel(m_range->currentData().toInt()), tr("Model"));
}

void SpendPage::buildProviders()
{
    buildShares(m_providers, Part::Providers, m_spend->byProvider(m_range->currentData().toInt()), tr("Provider"));
}

void SpendPage::buildWorkspaces()
{
    buildShares(m_workspaces, Part::Workspaces, m_spend->byWorkspace(m_range->currentData().toInt()), tr("Workspace"));
}

void SpendPage::buildShares(QChartView *view, Part part, const Result<QList<SpendShare>> &read, const QString &column)
{
    QChart *chart = view->chart();
    clearChart(chart, palette());
    setReadError(part, read ? QString() : read.errorText());
    if (!read) {
        setChartTableError(view, read.errorText());
        return;
    }
    QList<SpendShare> shares = *read;
    // The title as made, then with how many of how many are drawn when not all are.
    if (!view->property("wholeTitle").isValid())
        view->setProperty("wholeTitle", chart->title());
    const QString whole = view->property("wholeTitle").toString();
    const qsizetype all = shares.size();
    shares = shares.mid(0, MostBars);
    chart->setTitle(whole + drawnOf(shares.size(), all));
    // Days synced before orteam kept providers have none: named, so the bars add up to the
    // same total as by model.
    for (SpendShare &share : shares) {
        if (share.name.isEmpty())
            share.name = tr("(not recorded)");
    }
    QList<QVariantList> rows;
    for (const SpendShare &m : std::as_const(shares))
        rows << QVariantList{m.name, m.cost, m.requests};
    setChartTable(view, {column, tr("Spend"), tr("Requests")}, rows);
    auto *set = new QBarSet(tr("Spend"));
    set->setColor(theme::chartSeries(palette()).first());
    QStringList categories;
    double max = 0;
    for (auto it = shares.crbegin(); it != shares.crend(); ++it) {
        categories << it->name;
        set->append(it->cost);
        max = std::max(max, it->cost);
    }
    auto *series = new QHorizontalBarSeries;
    series->append(set);
    chart->addSeries(series);
    chart->legend()->hide();
    auto *y = new QBarCategoryAxis;
    y->append(categories);
    fitCategories(view, y, MinimumChartHeight);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    QValueAxis *x = dollarAxis(max);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    const QList<SpendShare> shown(shares.crbegin(), shares.crend());
    connect(set, &QBarSet::hovered, this, [shown](bool on, int index) {
        if (on && index >= 0 && index < shown.size())
            QToolTip::showText(QCursor::pos(), tr("%1: %2 in %3 requests")
                                                   .arg(shown.at(index).name, formatUsd(shown.at(index).cost))
                                                   .arg(shown.at(index).requests));
    });
}

void SpendPage::buildBurn()
{
    QChart *chart = m_burn->chart();
    clearChart(chart, palette());
    const Result<QList<SpendController::Burn>> read = m_spend->burns();
    setReadError(Part::Burn, read ? QString() : read.errorText());
    if (!read) {
        m_burnText->clear();
        setChartTableError(m_burn, read.errorText());
        return;
    }
    const QList<SpendController::Burn> &burns = *read;
    QList<QVariantList> rows;
    for (const SpendController::Burn &b : burns)
        rows << QVariantList{b.what, b.forecast.remaining, b.forecast.ratePerDay,
                             b.forecast.reachedOn ? QVariant(*b.forecast.reachedOn) : QVariant(tr("not at this rate"))};
    setChartTable(m_burn, {tr("Limit"), tr("Left"), tr("Per day"), tr("Runs out")}, rows);
    auto *axisX = new QDateTimeAxis;
    axisX->setFormat(QStringLiteral("d MMM"));
    chart->addAxis(axisX, Qt::AlignBottom);
    QStringList lines;
    double max = 0;
    QDate last = m_spend->today().addDays(7);
    const QList<QColor> colors = QList<QColor>{theme::chartMain(palette())} + theme::chartSeries(palette());
    int drawn = 0;
    int runningOut = 0;
    int usedUpNamed = 0;
    for (const SpendController::Burn &b : burns) {
        const BurnForecast &f = b.forecast;
        if (!f.reachedOn)
            continue;
        ++runningOut;
        // The text names what the legend names, in its order: a limit already used up has no line
        // to draw, so it is said as such rather than listed as if it were on the chart.
        if (f.remaining <= 0) {
            // A few by name; on a large account the rest are counted below, not listed.
            if (usedUpNamed < 3) {
                lines << tr("%1: limit used up (%2 left)").arg(b.what, formatUsd(f.remaining));
                ++usedUpNamed;
            }
            continue;
        }
        if (f.projection.size() < 2 || drawn >= 4)
            continue;
        lines << tr("%1: %2 left, %3/day → runs out around %4").arg(b.what, formatUsd(f.remaining), formatUsd(f.ratePerDay),
                                                                    f.reachedOn->toString(Qt::ISODate));
        auto *line = new QLineSeries;
        line->setName(b.what);
        QPen pen(colors.value(drawn), 2, Qt::DashLine);
        line->setPen(pen);
        for (const auto &[day, remaining] : f.projection) {
            line->append(double(dayMsecs(day)), remaining);
            max = std::max(max, remaining);
        }
        last = std::max(last, f.projection.back().first);
        chart->addSeries(line);
        line->attachAxis(axisX);
        ++drawn;
    }
    setDayRange(axisX, m_spend->today(), last);
    QValueAxis *axisY = dollarAxis(max);
    axisY->setTitleText(tr("left"));
    chart->addAxis(axisY, Qt::AlignLeft);
    for (QAbstractSeries *s : chart->series())
        s->attachAxis(axisY);
    if (runningOut > lines.size())
        lines << tr("and %n more (Show as table lists them all)", nullptr, runningOut - int(lines.size()));
    // "Nothing runs out" only when every limit is known: before the key list loads, or after its
    // refresh failed, the controller says why the limits are unknown instead.
    const QString unknown = m_spend->limitsUnknownReason();
    if (lines.isEmpty())
        lines << (unknown.isEmpty() ? tr("No limit runs out at the current rate.") : unknown);
    else if (!unknown.isEmpty())
        lines << unknown;
    m_burnText->setText(lines.join(QLatin1Char('\n')));
}

} // namespace orteam
