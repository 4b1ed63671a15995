#pragma once

#include "Command.h"

#include <QList>
#include <QString>

namespace orteam::cli {

// orteam-cli's manual: what the program says about itself besides its commands (what it is, its
// global options, environment and files), and the three forms made from that and from the
// commands' own declarations, so none of them can drift from what the parser accepts: --help,
// the man page and the bash completion.
namespace manual {

struct Entry
{
    QString name;
    QString text;
};

QStringList about();                 // paragraphs: what orteam-cli is, where the key comes from
QStringList teamDatabase();          // paragraphs: --db, the seed's database
QString keyArgument();               // what KEY means
QList<Option> globalOptions();       // the options before the command
QString sectionTitle(Command::Section section);
QList<Entry> environment();
QList<Entry> files();

// A command's summary, and its description's paragraphs, as the manual shows them: a team command
// that talks to OpenRouter says that it needs the management key.
QString summary(const Command &command);
QStringList description(const Command &command);

// orteam-cli --help: the usage, the global options, every command's synopsis and summary, the
// exit codes.
QString help(const CommandList &commands);
// orteam-cli COMMAND --help: its synopsis, description, arguments, options and examples.
QString help(const Command &command);
// orteam-cli GROUP --help (keys, members, keys lifecycle, …): the group's commands.
QString groupHelp(const QString &group, const CommandList &commands);

// orteam-cli --generate-man: the man page, orteam-cli(1), in roff.
QString manPage(const CommandList &commands);
// orteam-cli --generate-completion: the bash completion script.
QString bashCompletion(const CommandList &commands);

} // namespace manual
} // namespace orteam::cli
