#include "RebuildWhenShown.h"

#include <QEvent>
#include <QWidget>

namespace orteam {

RebuildWhenShown::RebuildWhenShown(QWidget *page, std::function<void()> rebuild)
    : QObject(page), m_page(page), m_rebuild(std::move(rebuild))
{
    page->installEventFilter(this);
}

void RebuildWhenShown::request()
{
    if (m_page->isVisible()) {
        m_stale = false;
        m_rebuild();
    } else {
        m_stale = true;
    }
}

bool RebuildWhenShown::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_page && event->type() == QEvent::Show && m_stale) {
        m_stale = false;
        m_rebuild();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace orteam
