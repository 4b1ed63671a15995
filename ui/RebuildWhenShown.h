#pragma once

#include <QObject>

#include <functional>

class QWidget;

namespace orteam {

// A page's redraw after its data changed, done now when the page is on screen and at its next
// show when not: a refresh redraws the one page being looked at instead of every page of the
// window, each of which reads the team database (seconds at ten million usage rows).
class RebuildWhenShown final : public QObject
{
public:
    RebuildWhenShown(QWidget *page, std::function<void()> rebuild);
    void request();
    // The page was just redrawn some other way (a period chosen while hidden): nothing to redraw
    // at its next show.
    void markFresh() { m_stale = false; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *m_page;
    std::function<void()> m_rebuild;
    bool m_stale = false;
};

} // namespace orteam
