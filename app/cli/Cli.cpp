#include "Cli.h"

#include "Manual.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

namespace {
const QString SeeHelp = u"(see orteam-cli --help)"_s;
} // namespace

Cli::Cli(Console &console, Environment environment)
    : m_console(console), m_environment(std::move(environment)), m_commands(allCommands())
{
}

int Cli::run(const QStringList &arguments)
{
    Context context(m_console, m_environment);
    if (m_store)
        context.setStore(m_store);
    QStringList words = arguments;
    if (words.value(0) == "-h"_L1)
        words[0] = u"--help"_s;
    // Global options come before the command's words.
    const QList<Option> globals = manual::globalOptions();
    while (!words.isEmpty() && words.first().startsWith(u"--"_s)) {
        const QString word = words.takeFirst();
        const qsizetype equals = word.indexOf(u'=');
        const QString name = word.mid(2, equals < 0 ? -1 : equals - 2);
        // Hidden: the build makes the man page and the completion from these.
        if (word == "--generate-man"_L1) {
            m_console.out() << manual::manPage(m_commands);
            return Ok;
        }
        if (word == "--generate-completion"_L1) {
            m_console.out() << manual::bashCompletion(m_commands);
            return Ok;
        }
        if (name == "mgmt-key"_L1 || name == "key"_L1)
            return m_console.fail(UsageError, u"the management key is not accepted on the command line (other users can "
                                              "see it there); set OPENROUTER_MGMT_KEY instead"_s);
        const auto option = std::find_if(globals.cbegin(), globals.cend(), [&](const Option &o) { return o.name == name; });
        if (option == globals.cend() || word == "--"_L1)
            return m_console.fail(UsageError, u"unknown global option %1 %2"_s.arg(word, SeeHelp));
        std::optional<QString> value;
        if (option->takesValue()) {
            if (equals >= 0)
                value = word.mid(equals + 1);
            else if (!words.isEmpty())
                value = words.takeFirst();
            else
                return m_console.fail(UsageError, u"--%1 needs a value (%2)"_s.arg(name, option->valueName));
        }
        if (name == "help"_L1) {
            m_console.out() << manual::help(m_commands);
            return Ok;
        }
        if (name == "version"_L1) {
            m_console.out() << "orteam-cli " ORTEAM_VERSION " (" ORTEAM_GIT_REVISION ")" << Qt::endl;
            return Ok;
        }
        if (name == "base-url"_L1) {
            context.setBaseUrl(*value);
        } else if (name == "timeout"_L1) {
            bool ok = false;
            const int seconds = value->toInt(&ok);
            if (!ok || seconds < 1 || seconds > 3600)
                return m_console.fail(UsageError, u"--timeout needs a whole number of seconds from 1 to 3600"_s);
            context.setTimeoutSeconds(seconds);
        } else if (name == "db"_L1) {
            if (value->trimmed().isEmpty())
                return m_console.fail(UsageError, u"--db needs a file path or a postgresql:// URL"_s);
            context.setDatabase(*value);
        }
    }
    if (words.isEmpty()) {
        m_console.err() << manual::help(m_commands);
        return UsageError;
    }
    if (words.first() == "help"_L1) {
        words.removeFirst();
        if (words.isEmpty()) {
            m_console.out() << manual::help(m_commands);
            return Ok;
        }
        words << u"--help"_s;
    }
    return runCommand(context, words);
}

int Cli::runCommand(Context &context, QStringList words)
{
    // "keys --help", "keys lifecycle --help": the group's commands.
    if (words.size() >= 2 && words.last() == "--help"_L1) {
        const QStringList group = words.first(words.size() - 1);
        if (isGroup(m_commands, group)) {
            m_console.out() << manual::groupHelp(group.join(u' '), m_commands);
            return Ok;
        }
    }
    int exit = Ok;
    Command *command = find(words, &exit);
    if (!command)
        return exit;
    // --help anywhere before a "--" asks for the command's help instead of running it.
    const qsizetype end = words.indexOf(u"--"_s);
    if (words.first(end < 0 ? words.size() : end).contains(u"--help"_s)) {
        m_console.out() << manual::help(*command);
        return Ok;
    }
    QString error;
    const std::optional<Arguments> arguments = command->parse(words, &error);
    if (!arguments)
        return m_console.fail(UsageError, error);
    return command->execute(context, *arguments);
}

Command *Cli::find(QStringList &words, int *exit)
{
    // The command's words are read one at a time ("keys", "lifecycle", "run"): a word that ends a
    // command's words names it; one that starts a group needs the next word.
    QStringList group;
    for (;;) {
        const QString word = words.takeFirst();
        const qsizetype depth = group.size();
        bool inGroup = false;
        for (const auto &c : m_commands) {
            const QStringList &w = c->words();
            if (w.size() <= depth || w.first(depth) != group)
                continue;
            const bool last = w.size() == depth + 1;
            if (last && (w.at(depth) == word || c->aliases().contains(word)))
                return c.get();
            inGroup = inGroup || (!last && w.at(depth) == word);
        }
        if (!inGroup) {
            *exit = depth == 0 ? m_console.fail(UsageError, u"unknown command \"%1\" %2"_s.arg(word, SeeHelp))
                               : m_console.fail(UsageError, u"unknown %1 subcommand \"%2\" (see orteam-cli %1 --help)"_s.arg(
                                                                group.join(u' '), word));
            return nullptr;
        }
        group << word;
        if (words.isEmpty() || words.first().startsWith(u"--"_s)) {
            *exit = m_console.fail(UsageError, u"%1 needs a subcommand: %2"_s.arg(group.join(u' '), nextWords(m_commands, group).join(u", "_s)));
            return nullptr;
        }
    }
}

} // namespace orteam::cli
