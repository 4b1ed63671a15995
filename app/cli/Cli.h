#pragma once

#include "Command.h"
#include "Console.h"
#include "Context.h"

#include <QStringList>

namespace orteam::cli {

// The orteam-cli program: reads the global options, finds the command its words name, and runs it
// (or prints the help, the version, the man page or the completion). main() runs it on the
// process's streams; tests run it in-process on strings.
class Cli
{
public:
    Cli(Console &console, Environment environment);

    // Runs one command line (without the program's name); answers the exit code.
    int run(const QStringList &arguments);
    // The team database to use instead of --db's (tests: one with a fault injector).
    void setStore(Store *store) { m_store = store; }

    const CommandList &commands() const { return m_commands; }

private:
    // Finds the command `words` name and takes its words out of them; prints why not (nullptr).
    Command *find(QStringList &words, int *exit);
    int runCommand(Context &context, QStringList words);

    Console &m_console;
    Environment m_environment;
    CommandList m_commands;
    Store *m_store = nullptr;
};

} // namespace orteam::cli
