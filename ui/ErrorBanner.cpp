#include "ErrorBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace orteam {

ErrorBanner::ErrorBanner(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("errorBanner"));
    setStyleSheet(QStringLiteral("#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }"
                                 "#errorBanner QLabel { color: #8a1c1c; }"));
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("errorBannerLabel"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(QStringLiteral("errorBannerRetryButton"));
    m_close = new QPushButton(tr("Dismiss"), this);
    m_close->setObjectName(QStringLiteral("errorBannerDismissButton"));
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
