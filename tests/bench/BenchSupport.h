#pragma once

// Running a peer process (the seed's Python, orteam-cli) while this event loop keeps turning (a
// fake server may live in this process), and reading seed_way.py's lines. Medians: Median.h.

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace orteam::bench {

struct ProcessRun
{
    int exitCode = -1;
    QStringList lines; // stdout
    QByteArray err;
    double ms = 0;     // wall time, start to exit
};

// What a run may also do: measure the process's peak RSS (VmHWM, which only grows, read every
// 5 ms while it runs: the last reading is its peak but for what it added in its last 5 ms; the
// largest over the runs is kept in *peakMb), and kill it after a while (0: never).
struct RunOptions
{
    double *peakMb = nullptr;
    int killAfterMs = 0;
};

inline ProcessRun runProcess(const QString &program, const QStringList &args, const QProcessEnvironment &env = {},
                             const RunOptions &options = {})
{
    ProcessRun run;
    QProcess p;
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    QEventLoop loop;
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer poll;
    double peakKb = 0;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        QFile status(QStringLiteral("/proc/%1/status").arg(p.processId()));
        if (!status.open(QIODevice::ReadOnly))
            return;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                peakKb = std::max(peakKb, line.mid(6).trimmed().split(' ').value(0).toDouble());
        }
    });
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForStarted(10'000))
        return run;
    if (options.peakMb)
        poll.start(5);
    if (options.killAfterMs > 0)
        QTimer::singleShot(options.killAfterMs, &p, &QProcess::kill);
    loop.exec();
    run.ms = double(t.nsecsElapsed()) / 1e6;
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    run.err = p.readAllStandardError();
    run.lines = QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    if (run.exitCode != 0)
        std::fprintf(stderr, "%s failed: %s\n", qPrintable(program), run.err.constData());
    if (options.peakMb)
        *options.peakMb = std::max(*options.peakMb, peakKb / 1024.0);
    return run;
}

// orteam-cli's environment as a team lead's cron runs it: no management key, and never a keyring
// (no session bus to find one on).
inline QProcessEnvironment teamLeadEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("OPENROUTER_MGMT_KEY"));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/orteam-bench-bus"));
    return env;
}

// seed_way.py's lines, "NAME MILLISECONDS ANSWER", by name.
inline QHash<QString, QStringList> byName(const QStringList &lines)
{
    QHash<QString, QStringList> out;
    for (const QString &l : lines) {
        const QStringList parts = l.split(u' ');
        out.insert(parts.value(0), parts.mid(1));
    }
    return out;
}

} // namespace orteam::bench
