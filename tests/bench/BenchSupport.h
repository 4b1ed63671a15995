#pragma once

// Running a peer process (the seed's Python, orteam-cli) while this event loop keeps turning (a
// fake server may live in this process), and reading seed_way.py's lines. Medians: Median.h.

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QProcess>
#include <QStringList>

#include <cstdio>

namespace orteam::bench {

struct ProcessRun
{
    int exitCode = -1;
    QStringList lines; // stdout
    QByteArray err;
    double ms = 0;     // wall time, start to exit
};

inline ProcessRun runProcess(const QString &program, const QStringList &args, const QProcessEnvironment &env = {})
{
    ProcessRun run;
    QProcess p;
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    QEventLoop loop;
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForStarted(10'000))
        return run;
    loop.exec();
    run.ms = double(t.nsecsElapsed()) / 1e6;
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    run.err = p.readAllStandardError();
    run.lines = QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    if (run.exitCode != 0)
        std::fprintf(stderr, "%s failed: %s\n", qPrintable(program), run.err.constData());
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
