#include "Command.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

namespace {
// "a, b or c"
QString oneOf(const QStringList &choices)
{
    if (choices.size() < 2)
        return choices.join(QString());
    return choices.first(choices.size() - 1).join(u", "_s) + u" or "_s + choices.last();
}
} // namespace

std::optional<QString> Arguments::value(const QString &option) const
{
    const auto it = m_options.constFind(option);
    return it == m_options.cend() ? std::nullopt : std::optional(*it);
}

Command::Command(Section section, const QStringList &words, const QString &summary)
    : m_section(section), m_words(words), m_summary(summary)
{
}

QString Command::synopsis() const
{
    QStringList parts{name()};
    for (const Argument &a : m_arguments)
        parts << a.synopsisText();
    for (const Option &o : m_options)
        parts << (o.takesValue() ? u"[--%1 %2]"_s.arg(o.name, o.valueText()) : u"[--%1]"_s.arg(o.name));
    return parts.join(u' ');
}

const Option *Command::option(const QString &name) const
{
    for (const Option &o : m_options) {
        if (o.name == name)
            return &o;
    }
    return nullptr;
}

QString Command::helpHint() const
{
    return u"(see orteam-cli %1 --help)"_s.arg(name());
}

std::optional<Arguments> Command::parse(const QStringList &words, QString *error) const
{
    Arguments parsed;
    bool optionsEnded = false;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &word = words.at(i);
        if (optionsEnded || !word.startsWith(u"--"_s)) {
            parsed.m_positionals << word;
            continue;
        }
        if (word == "--"_L1) {
            optionsEnded = true;
            continue;
        }
        const qsizetype equals = word.indexOf(u'=');
        const QString name = word.mid(2, equals < 0 ? -1 : equals - 2);
        const Option *o = option(name);
        if (!o) {
            *error = u"unknown option --%1 %2"_s.arg(name, helpHint());
            return std::nullopt;
        }
        if (parsed.m_options.contains(name)) {
            *error = u"--%1 is given twice"_s.arg(name);
            return std::nullopt;
        }
        QString value;
        if (!o->takesValue()) {
            if (equals >= 0) {
                *error = u"--%1 takes no value"_s.arg(name);
                return std::nullopt;
            }
        } else if (equals >= 0) {
            value = word.mid(equals + 1);
        } else if (i + 1 < words.size()) {
            value = words.at(++i); // taken as it is, even "-5": the option's own check says what is wrong
        } else {
            *error = u"--%1 needs a value"_s.arg(name);
            return std::nullopt;
        }
        if (!o->choices.isEmpty() && !o->choices.contains(value)) {
            *error = u"--%1 must be %2"_s.arg(name, oneOf(o->choices));
            return std::nullopt;
        }
        parsed.m_options.insert(name, value);
    }
    for (qsizetype i = 0; i < m_arguments.size() && i < parsed.m_positionals.size(); ++i) {
        const Argument &a = m_arguments.at(i);
        if (!a.choices.isEmpty() && !a.choices.contains(parsed.m_positionals.at(i))) {
            *error = u"%1 needs %2, not \"%3\""_s.arg(name(), oneOf(a.choices), parsed.m_positionals.at(i));
            return std::nullopt;
        }
    }
    if (parsed.m_positionals.size() < m_arguments.size()) {
        const Argument &missing = m_arguments.at(parsed.m_positionals.size());
        *error = missing.choices.isEmpty() ? u"missing %1 %2"_s.arg(missing.name, helpHint())
                                           : u"%1 needs %2"_s.arg(name(), oneOf(missing.choices));
        return std::nullopt;
    }
    if (parsed.m_positionals.size() > m_arguments.size()) {
        *error = u"unexpected argument \"%1\" %2"_s.arg(parsed.m_positionals.at(m_arguments.size()), helpHint());
        return std::nullopt;
    }
    return parsed;
}

bool isGroup(const CommandList &commands, const QStringList &words)
{
    return !nextWords(commands, words).isEmpty();
}

QStringList nextWords(const CommandList &commands, const QStringList &group)
{
    QStringList next;
    for (const auto &c : commands) {
        const QStringList &w = c->words();
        if (w.size() > group.size() && w.first(group.size()) == group && !next.contains(w.at(group.size())))
            next << w.at(group.size());
    }
    return next;
}

} // namespace orteam::cli
