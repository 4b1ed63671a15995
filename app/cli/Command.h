#pragma once

#include "Exit.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace orteam::cli {

class Context;

// An option a command takes: a flag (--yes) or one with a value (--limit USD), whose value may be
// one of fixed choices (--format table|json|csv). The parser, --help, the man page and the bash
// completion all read it from here.
struct Option
{
    QString name;        // without the dashes
    QString valueName;   // "USD"; empty for a flag and for choices
    QStringList choices; // the only values accepted
    QString description;
    bool completesFiles = false; // the completion offers file names for the value

    bool takesValue() const { return !valueName.isEmpty() || !choices.isEmpty(); }
    QString valueText() const { return choices.isEmpty() ? valueName : choices.join(u'|'); } // "USD", "table|json"

    static Option flag(const QString &name, const QString &description) { return {name, {}, {}, description}; }
    static Option value(const QString &name, const QString &valueName, const QString &description)
    {
        return {name, valueName, {}, description};
    }
    static Option choice(const QString &name, const QStringList &choices, const QString &description)
    {
        return {name, {}, choices, description};
    }
};

// A positional argument; every one is required. With choices (report weekly|monthly) it must be
// one of them, and the synopsis shows them instead of the name.
struct Argument
{
    QString name; // "KEY", "USD|none"
    QString description;
    QStringList choices;
    QString synopsisText() const { return choices.isEmpty() ? name : choices.join(u'|'); }
};

// A command line shown as an example, with what it does.
struct Example
{
    QString commandLine;
    QString what;
};

// What a command's declaration made of the words after its name.
class Arguments
{
public:
    QString at(int i) const { return m_positionals.value(i); }
    bool isSet(const QString &option) const { return m_options.contains(option); }
    std::optional<QString> value(const QString &option) const;
    QString value(const QString &option, const QString &fallback) const { return value(option).value_or(fallback); }

private:
    friend class Command;
    QStringList m_positionals;
    QHash<QString, QString> m_options; // a flag holds an empty string
};

// One command of orteam-cli (KeePassXC's cli::Command is the model): the words that name it, what
// it does, the arguments and options it takes, and execute(). Commands declare themselves in
// their constructors; parsing, help, the man page and the completion are made from that.
class Command
{
public:
    // Where --help and the man page list a command.
    enum class Section {
        Account, // keys and the account at OpenRouter (the management key)
        Team,    // the team database, and the team's keys at OpenRouter
    };

    virtual ~Command() = default;
    Command(const Command &) = delete;
    Command &operator=(const Command &) = delete;

    // "keys create": a group's word and the command's, or one word.
    const QStringList &words() const { return m_words; }
    QString name() const { return m_words.join(u' '); }
    QString group() const { return m_words.size() > 1 ? m_words.first() : QString(); }
    QStringList aliases() const { return m_aliases; } // other last words it answers to
    Section section() const { return m_section; }
    // What a team command that also talks to OpenRouter says about the management key (--help and
    // the man page add it to the summary and the description); empty for the others.
    const QString &managementKeyNote() const { return m_managementKeyNote; }
    const QString &summary() const { return m_summary; }         // a sentence or two, for --help
    const QString &description() const { return m_description; } // paragraphs (blank lines) for COMMAND --help and the man page
    const QList<Argument> &arguments() const { return m_arguments; }
    const QList<Option> &options() const { return m_options; }
    const QList<Example> &examples() const { return m_examples; }

    // "keys create NAME [--limit USD] [--reset daily|weekly|monthly] …"
    QString synopsis() const;

    // Reads the words after the command's name: nullopt, with a sentence in *error, when they do
    // not fit the declaration (an unknown option, a missing value or argument, a value not among
    // the choices). Only words starting with "--" are options ("-5" is a value); "--" ends them.
    std::optional<Arguments> parse(const QStringList &words, QString *error) const;

    // Runs the command; answers its exit code, having printed what it has to say.
    virtual int execute(Context &context, const Arguments &arguments) = 0;

protected:
    Command(Section section, const QStringList &words, const QString &summary);

    QStringList m_aliases;
    QString m_managementKeyNote;
    QString m_description;
    QList<Argument> m_arguments;
    QList<Option> m_options;
    QList<Example> m_examples;

private:
    const Option *option(const QString &name) const;
    QString helpHint() const; // "(see orteam-cli keys create --help)"

    Section m_section;
    QStringList m_words;
    QString m_summary;
};

using CommandList = std::vector<std::unique_ptr<Command>>;

// Every command of orteam-cli, in the order --help lists them.
CommandList allCommands();

// Groups of commands: the first words of some commands' words, not all of them ("keys", "keys
// lifecycle"). Whether `words` are a group, and the words that may follow it, in command order
// ("list", "show", … after "keys").
bool isGroup(const CommandList &commands, const QStringList &words);
QStringList nextWords(const CommandList &commands, const QStringList &group);

} // namespace orteam::cli
