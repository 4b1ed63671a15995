#pragma once

#include "Exit.h"

#include <QByteArray>
#include <QString>
#include <QTextStream>

namespace orteam::cli {

// A run's standard streams: results on stdout; failures and warnings as one line each on stderr,
// prefixed "orteam-cli: "; yes/no answers from stdin. The process's own streams, or strings and
// a scripted stdin for tests that run commands in-process.
class Console
{
public:
    Console(); // stdout, stderr, stdin
    Console(QString *out, QString *err, QByteArray input = {}, bool interactive = false);
    Console(const Console &) = delete;
    Console &operator=(const Console &) = delete;

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    // Text already in UTF-8 straight to stdout, behind what out() holds: no QString and no
    // re-encoding for a large listing. `utf8` must end at a character boundary.
    void writeUtf8(QByteArrayView utf8);

    // Whether a person is at stdin to answer a question; scripts must pass --yes instead.
    bool isInteractive() const;
    // Whether stderr is a terminal, where progress is worth showing.
    bool showsProgress() const;
    // Asks on stderr and reads the answer from stdin: "y" or "yes" is yes; anything else, or
    // nothing, is no.
    bool confirm(const QString &question);
    // One line from stdin without its line end (a secret piped in, never a command-line word that
    // `ps` would show); empty at the end of input.
    QString readLine();

    void error(const QString &message); // "orteam-cli: message"
    void warn(const QString &message);  // "orteam-cli: warning: message"
    // Prints the failure and answers its exit code, so a command can `return fail(...)`.
    int fail(int code, const QString &message);
    int fail(const ApiError &error);
    int fail(const StoreError &error, const QString &doing = {});
    int fail(const FlowError &error);

private:
    QTextStream m_out;
    QTextStream m_err;
    bool m_scripted = false; // the constructor for tests
    QByteArray m_input;
    bool m_interactive = false;
};

} // namespace orteam::cli
