#include "Manual.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli::manual {

namespace {
constexpr int Width = 92; // of the help text

// `text` broken into lines of at most `width` characters (a longer word stands alone).
QStringList wrap(const QString &text, qsizetype width)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : u" "_s) + word;
    }
    if (!line.isEmpty())
        lines << line;
    return lines;
}

// `text` wrapped and indented by `indent`, the first line too.
QString block(const QString &text, qsizetype indent)
{
    QString out;
    for (const QString &line : wrap(text, Width - indent))
        out += QString(indent, u' ') + line + u'\n';
    return out;
}

// Rows of a term and its text, the texts aligned in a column after the longest term.
QString table(const QList<Entry> &rows, qsizetype indent)
{
    qsizetype termWidth = 0;
    for (const Entry &r : rows)
        termWidth = std::max(termWidth, r.name.size());
    const qsizetype textIndent = indent + termWidth + 2;
    QString out;
    for (const Entry &r : rows) {
        const QStringList lines = wrap(r.text, Width - textIndent);
        out += QString(indent, u' ') + r.name.leftJustified(termWidth + 2) + lines.value(0) + u'\n';
        for (qsizetype i = 1; i < lines.size(); ++i)
            out += QString(textIndent, u' ') + lines.at(i) + u'\n';
    }
    return out;
}

QString optionTerm(const Option &o)
{
    return o.takesValue() ? u"--%1 %2"_s.arg(o.name, o.valueText()) : u"--"_s + o.name;
}

// `lead` and the synopsis, "  keys create NAME [--limit USD] …", continued under the first
// argument when it is long, and broken between its parts only, never inside "[--limit USD]".
QString synopsisLines(const Command &command, const QString &lead)
{
    QStringList parts;
    QString part;
    int depth = 0;
    for (const QChar c : command.synopsis()) {
        depth += c == u'[' ? 1 : c == u']' ? -1 : 0;
        if (c == u' ' && depth == 0) {
            parts << part;
            part.clear();
        } else {
            part += c;
        }
    }
    parts << part;
    const QString hang(lead.size() + command.name().size(), u' ');
    QString out;
    QString line = lead + parts.takeFirst(); // the first word: the name continues below
    for (const QString &p : std::as_const(parts)) {
        if (line.size() + 1 + p.size() > Width && line.size() > hang.size()) {
            out += line + u'\n';
            line = hang;
        }
        line += u' ' + p;
    }
    return out + line + u'\n';
}

QString exitCodes()
{
    QList<Entry> rows;
    for (const ExitMeaning &e : exitMeanings())
        rows << Entry{QString::number(e.code), e.meaning};
    return u"Exit codes:\n"_s + table(rows, 2);
}
} // namespace

QStringList about()
{
    return {u"Run an OpenRouter team from the command line: the account's API keys (list, create, disable, "
            "enable, limit, revoke), and the team kept in the team database that the orteam dashboard uses "
            "(members, tiers, budgets, spend, reports)."_s,
            u"The management key is read from the environment variable OPENROUTER_MGMT_KEY, or else from the "
            "system keychain where the orteam dashboard saves it; it is never accepted as an argument, because "
            "command lines are visible to other users of the machine."_s};
}

QStringList teamDatabase()
{
    return {u"Team commands read and write the team database (--db): a SQLite file, by default the one the "
            "dashboard uses, or a PostgreSQL database shared by several admins. Most need no management key and "
            "no network; those that change keys at OpenRouter say so. Key changes made with orteam-cli are "
            "recorded in the team database's audit log, as the dashboard's are."_s,
            u"A database written by the seed's Python scripts (team_usage.db, with user_usage and user_budgets) "
            "opens as it is: orteam saves a copy beside it, migrates it in place keeping every row, and turns its "
            "users into members; the seed's tables stay, so its scripts keep working on the same file."_s};
}

QString keyArgument()
{
    return u"KEY is a key's hash or its exact name. A name that matches several keys, or none, is an error that "
           "lists the candidates with their hashes; nothing is ever done to \"the first match\"."_s;
}

QList<Option> globalOptions()
{
    Option db = Option::value(u"db"_s, u"PATH|URL"_s,
                              u"The team database: a SQLite file (default ~/.local/share/orteam/orteam.db, the "
                              "dashboard's) or postgresql://user@host:port/name (a password in the URL is refused: "
                              "use PGPASSWORD or ~/.pgpass)."_s);
    db.completesFiles = true;
    return {Option::value(u"base-url"_s, u"URL"_s,
                          u"API base URL (default https://openrouter.ai/api/v1, or OPENROUTER_BASE_URL). Plain http "
                          "is accepted only for loopback, and redirects to another host are not followed."_s),
            Option::value(u"timeout"_s, u"SECONDS"_s, u"Give up on an attempt after SECONDS (1 to 3600; default 30). A read that times out or meets a busy server is tried up to 3 more times, after waits that grow (or as long as the server asks, up to a minute)."_s),
            db,
            Option::flag(u"version"_s, u"Print the version and the git revision, and exit."_s),
            Option::flag(u"help"_s, u"Print this help and exit; after a command, the command's help."_s)};
}

QString sectionTitle(Command::Section section)
{
    switch (section) {
    case Command::Section::Account:
        return u"Keys and the account (the management key)"_s;
    case Command::Section::Team:
        break;
    }
    return u"Team commands (the team database)"_s;
}

QList<Entry> environment()
{
    return {{u"OPENROUTER_MGMT_KEY"_s,
             u"The management key (openrouter.ai: Settings, Management Keys). When it is not set, the key the orteam "
             "dashboard saved in the system keychain (Secret Service) is used."_s},
            {u"OPENROUTER_BASE_URL"_s, u"The API base URL, when --base-url is not given."_s},
            {u"PGPASSWORD"_s, u"The password of a postgresql:// team database (or ~/.pgpass), never the URL."_s},
            {u"XDG_DATA_HOME"_s, u"Where the default team database is kept (default ~/.local/share)."_s}};
}

QList<Entry> files()
{
    return {{u"~/.local/share/orteam/orteam.db"_s,
             u"The team database the dashboard and orteam-cli share by default; a new one is created private (0600, "
             "in a 0700 folder), as it holds emails, spend and the audit log."_s},
            {u"NAME.orteam-backup-*"_s, u"The copy of a seed database saved beside it before it was migrated."_s},
            {u"~/.pgpass"_s, u"Passwords of PostgreSQL team databases."_s}};
}

namespace {
QString keyNote(const Command &command)
{
    return command.managementKeyNote().isEmpty() ? QString() : u' ' + command.managementKeyNote();
}
} // namespace

QString summary(const Command &command)
{
    return command.summary() + keyNote(command);
}

QStringList description(const Command &command)
{
    QStringList paragraphs = command.description().split(u"\n\n"_s);
    paragraphs.last() += keyNote(command);
    return paragraphs;
}

QString help(const CommandList &commands)
{
    QString out = u"Usage: orteam-cli [GLOBAL OPTIONS] COMMAND [ARGS]\n"
                  "       orteam-cli COMMAND --help\n\n"_s;
    for (const QString &p : about())
        out += block(p, 0) + u'\n';
    QList<Entry> globals;
    for (const Option &o : globalOptions())
        globals << Entry{optionTerm(o), o.description};
    out += u"Global options (before the command):\n"_s + table(globals, 2);
    for (const Command::Section section : {Command::Section::Account, Command::Section::Team}) {
        out += u'\n' + sectionTitle(section) + u":\n"_s;
        for (const auto &c : commands) {
            if (c->section() == section)
                out += synopsisLines(*c, u"  "_s) + block(summary(*c), 8);
        }
    }
    out += u'\n' + block(teamDatabase().first(), 0) + u'\n' + block(keyArgument(), 0) + u'\n' + exitCodes();
    return out;
}

QString help(const Command &command)
{
    QString out = synopsisLines(command, u"Usage: orteam-cli [GLOBAL OPTIONS] "_s) + u'\n';
    for (const QString &p : description(command))
        out += block(p, 0) + u'\n';
    if (!command.arguments().isEmpty()) {
        QList<Entry> rows;
        for (const Argument &a : command.arguments())
            rows << Entry{a.synopsisText(), a.description};
        out += u"Arguments:\n"_s + table(rows, 2) + u'\n';
    }
    QList<Entry> rows;
    for (const Option &o : command.options())
        rows << Entry{optionTerm(o), o.description};
    rows << Entry{u"--help"_s, u"Print this help and exit."_s};
    out += u"Options:\n"_s + table(rows, 2);
    if (!command.examples().isEmpty()) {
        out += u"\nExamples:\n"_s;
        for (const Example &e : command.examples())
            out += u"  "_s + e.commandLine + u'\n' + block(e.what, 6);
    }
    out += u"\nGlobal options (before the command) and exit codes: orteam-cli --help\n"_s;
    return out;
}

QString groupHelp(const QString &group, const CommandList &commands)
{
    QString out = u"Usage: orteam-cli [GLOBAL OPTIONS] %1 SUBCOMMAND [ARGS]\n"
                  "       orteam-cli %1 SUBCOMMAND --help\n\n"_s.arg(group);
    for (const auto &c : commands) {
        if (c->name().startsWith(group + u' '))
            out += synopsisLines(*c, u"  "_s) + block(summary(*c), 8);
    }
    return out;
}

} // namespace orteam::cli::manual
