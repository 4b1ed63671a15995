#pragma once

#include "Overview.h"
#include "StoreResult.h"

#include <QFrame>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;

namespace orteam {

class HygieneController;
class RebuildWhenShown;
class SpendController;

// One tile of the Overview: a title, the number that answers it, a line or two of detail, and a
// button that opens the page with the rest (a click anywhere on the tile does the same).
class OverviewTile final : public QFrame
{
    Q_OBJECT

public:
    OverviewTile(const QString &name, const QString &title, const QString &pageName, const QString &pageTitle, QWidget *parent);
    void set(const QString &value, const QString &detail);
    QString value() const;
    QString detail() const;
    QString pageName() const { return m_page; }
    QProgressBar *bar() const { return m_bar; }

Q_SIGNALS:
    void activated(const QString &pageName);

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    QString m_page;
    QString m_title;
    QLabel *m_value;
    QLabel *m_detail;
    QProgressBar *m_bar;
};

// The page a team lead opens every morning: the month so far against the team's monthly budget
// and where it ends at this rate, today and this week, the biggest spenders of the week with
// their change, the open alerts, the credits and when they run out, the keys needing attention.
// Every number comes from SpendController::overview() (OverviewService): when that read fails the
// page says so and shows no number, and where history is too short for a trend it says so.
class OverviewPage final : public QWidget
{
    Q_OBJECT

public:
    OverviewPage(SpendController *spend, HygieneController *hygiene, QWidget *parent = nullptr);
    OverviewTile *tile(const QString &name) const;
    QString errorText() const;
    // The read-only view (no management key): no key checks, and the unknowns say why.
    void setReadOnly(bool readOnly);

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void openPage(const QString &pageName);

private:
    void showOverview(const Overview &o);
    void showHygiene();

    SpendController *m_spend;
    HygieneController *m_hygiene;
    QLabel *m_error;
    QLabel *m_asOf;
    QList<OverviewTile *> m_tiles;
    OverviewTile *m_month;
    OverviewTile *m_today;
    OverviewTile *m_spenders;
    OverviewTile *m_alerts;
    OverviewTile *m_credits;
    OverviewTile *m_keys = nullptr;
    // reload() now if the page is on screen, else when it is next shown: the alerts behind it
    // are computed on this thread, and nobody reads a page that is not showing.
    RebuildWhenShown *m_redraw = nullptr;
    bool m_readOnly = false;
};

} // namespace orteam
