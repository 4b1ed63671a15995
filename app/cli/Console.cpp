#include "Console.h"

#include "ApiError.h"
#include "FlowError.h"
#include "StoreResult.h"

#include <QFileDevice>
#include <QIODevice>

#include <cstdio>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

Console::Console() : m_out(stdout), m_err(stderr) {}

Console::Console(QString *out, QString *err, QByteArray input, bool interactive)
    : m_out(out, QIODevice::WriteOnly), m_err(err, QIODevice::WriteOnly), m_scripted(true), m_input(std::move(input)),
      m_interactive(interactive)
{
}

void Console::writeUtf8(QByteArrayView utf8)
{
    QIODevice *device = m_out.device();
    if (!device) {
        m_out << QString::fromUtf8(utf8); // a test's string
        return;
    }
    m_out.flush();
    device->write(utf8.data(), utf8.size());
    // On to the pipe now, chunk by chunk: QTextStream::flush() would not push the file's own
    // buffer when its text buffer is empty.
    if (auto *file = qobject_cast<QFileDevice *>(device))
        file->flush();
}

bool Console::isInteractive() const
{
    return m_scripted ? m_interactive : ::isatty(STDIN_FILENO) != 0;
}

bool Console::showsProgress() const
{
    return !m_scripted && ::isatty(STDERR_FILENO) != 0;
}

bool Console::confirm(const QString &question)
{
    m_err << question << " [y/N] " << Qt::flush;
    const QString answer = readLine().trimmed().toLower();
    return answer == "y"_L1 || answer == "yes"_L1;
}

QString Console::readLine()
{
    if (m_scripted) {
        const qsizetype end = m_input.indexOf('\n');
        const qsizetype length = end < 0 ? m_input.size() : end;
        const QString line = QString::fromUtf8(m_input.first(length));
        m_input.remove(0, end < 0 ? length : length + 1);
        return line;
    }
    QByteArray line;
    char buffer[4096] = {};
    while (std::fgets(buffer, sizeof buffer, stdin)) {
        line += buffer;
        if (line.endsWith('\n'))
            break;
    }
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

void Console::error(const QString &message)
{
    m_out.flush(); // what was printed before the failure comes first in a shared terminal
    m_err << "orteam-cli: " << message << Qt::endl;
}

void Console::warn(const QString &message)
{
    error(u"warning: "_s + message);
}

int Console::fail(int code, const QString &message)
{
    error(message);
    return code;
}

int Console::fail(const ApiError &e)
{
    return fail(exitFor(e), e.message());
}

int Console::fail(const StoreError &e, const QString &doing)
{
    return fail(exitFor(e), doing.isEmpty() ? e.message : doing + u": "_s + e.message);
}

int Console::fail(const FlowError &e)
{
    return fail(exitFor(e), e.message());
}

} // namespace orteam::cli
