#include "ErrorBanner.h"
#include "Theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace orteam {

ErrorBanner::ErrorBanner(QWidget *parent, const QString &name) : QFrame(parent)
{
    setObjectName(name);
    theme::styleBanner(this, theme::Banner::Error, QStringLiteral("border-radius:4px;"));
    m_label = new QLabel(this);
    m_label->setObjectName(name + QStringLiteral("Label"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(name + QStringLiteral("RetryButton"));
    m_close = new QPushButton(tr("Dismiss"), this);
    m_close->setObjectName(name + QStringLiteral("DismissButton"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_retry);
    layout->addWidget(m_close);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT retryRequested();
    });
    connect(m_close, &QPushButton::clicked, this, &QWidget::hide);
    hide();
}

void ErrorBanner::showError(const QString &message)
{
    m_label->setText(message);
    show();
}

QString ErrorBanner::message() const
{
    return m_label->text();
}

} // namespace orteam
