#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QClipboard;

namespace orteam {

// Puts a secret on the clipboard and takes it off again after a while, but only if the
// clipboard still holds that secret (the person may have copied something else since).
// The delay runs on a scheduler that tests replace with a fake clock.
class ClipboardGuard final : public QObject
{
    Q_OBJECT

public:
    using Scheduler = std::function<void(int ms, QObject *context, std::function<void()> task)>;
    static constexpr int ClearAfterMs = 30'000;

    explicit ClipboardGuard(QClipboard *clipboard, QObject *parent = nullptr);
    // Replaces QTimer::singleShot, for tests.
    static void setScheduler(Scheduler scheduler);

    void copy(const QString &secret);

Q_SIGNALS:
    void cleared();

private:
    QClipboard *m_clipboard;
    static Scheduler s_scheduler;
};

} // namespace orteam
