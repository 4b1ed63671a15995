#include "ClipboardGuard.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QPointer>
#include <QTimer>

namespace orteam {

ClipboardGuard::Scheduler ClipboardGuard::s_scheduler;

ClipboardGuard::ClipboardGuard(QClipboard *clipboard, QObject *parent) : QObject(parent), m_clipboard(clipboard) {}

void ClipboardGuard::setScheduler(Scheduler scheduler)
{
    s_scheduler = std::move(scheduler);
}

void ClipboardGuard::copy(const QString &secret)
{
    m_clipboard->setText(secret);
    // Remember only a digest: the guard must not keep its own copy of the secret alive.
    const QByteArray digest = QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256);
    QClipboard *clipboard = m_clipboard;
    QPointer<ClipboardGuard> self(this);
    auto clear = [clipboard, digest, self] {
        if (QCryptographicHash::hash(clipboard->text().toUtf8(), QCryptographicHash::Sha256) == digest) {
            clipboard->clear();
            if (self)
                Q_EMIT self->cleared();
        }
    };
    // The clipboard outlives this dialog's guard, so clearing must not depend on the guard: the
    // timer's context is the clipboard itself.
    if (s_scheduler)
        s_scheduler(ClearAfterMs, clipboard, clear);
    else
        QTimer::singleShot(ClearAfterMs, clipboard, clear);
}

} // namespace orteam
