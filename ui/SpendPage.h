#pragma once

#include "SpendRepository.h"
#include "StoreResult.h"

#include <QMap>
#include <QWidget>

class QComboBox;
class QLabel;

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace orteam {

class RebuildWhenShown;
class SpendController;

// The Spend page: the month to date against the team's monthly budget at a glance, spend per member for today / this week / this month against their budget
// (click a bar to see that member's keys), daily spend over 7 to 365 days (team and the top
// spenders), spend by model and by provider, and when credits and key limits run out at the recent rate. A part
// whose numbers cannot be read is left empty with the reason above the charts, never drawn as $0.
class SpendPage final : public QWidget
{
    Q_OBJECT

public:
    explicit SpendPage(SpendController *spend, QWidget *parent = nullptr);

    QChart *memberChart() const;
    QChart *dailyChart() const;
    QChart *modelChart() const;
    QChart *providerChart() const;
    QChart *workspaceChart() const;
    QChart *burnChart() const;
    // The line at the top: the month to date against the team's monthly budget, its projected end
    // and the crossing day (SpendController::overview(), the Overview's numbers).
    QLabel *monthLine() const { return m_month; }

public Q_SLOTS:
    void rebuild();

Q_SIGNALS:
    void memberClicked(const QString &member);
    void problem(const QString &message);

protected:
    // The charts' colours are the palette's: a new palette (a desktop's dark theme) redraws them.
    void changeEvent(QEvent *event) override;

private:
    enum class Part { Members, Daily, Models, Providers, Workspaces, Burn, Alerts, Month };
    // Records whether `part` could be read (empty `error`: it could) and shows every part that
    // could not.
    void setReadError(Part part, const QString &error);
    void buildMembers();
    void buildDaily();
    void buildModels();
    void buildProviders();
    void buildWorkspaces();
    // A horizontal bar chart of the top eight shares of the spend (by model, by provider) and its table.
    void buildShares(QChartView *view, Part part, const Result<QList<SpendShare>> &read, const QString &column);
    void buildBurn();
    void buildAlerts();
    void buildMonth();

    SpendController *m_spend;
    RebuildWhenShown *m_redraw = nullptr;
    QComboBox *m_period;
    QComboBox *m_range;
    QChartView *m_members;
    QChartView *m_daily;
    QChartView *m_models;
    QChartView *m_providers;
    QChartView *m_workspaces;
    QChartView *m_burn;
    QLabel *m_burnText;
    QLabel *m_alerts;
    QLabel *m_month;
    QLabel *m_error;
    QMap<Part, QString> m_errors;
};

} // namespace orteam
