#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace orteam {

// A non-modal strip above the content for errors: the server's message and a Retry button.
// A modal box would block the window for something the admin may want to read while working.
class ErrorBanner final : public QFrame
{
    Q_OBJECT

public:
    // `name` is the banner's objectName and its children's prefix ("errorBanner": the refresh's;
    // another banner, such as the failing notifications', has its own so tests tell them apart).
    explicit ErrorBanner(QWidget *parent = nullptr, const QString &name = QStringLiteral("errorBanner"));
    void showError(const QString &message);
    QString message() const;

Q_SIGNALS:
    void retryRequested();

private:
    QLabel *m_label;
    QPushButton *m_retry;
    QPushButton *m_close;
};

} // namespace orteam
