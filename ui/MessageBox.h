#pragma once

#include <QMessageBox>

#include <optional>

namespace orteam {

// Every confirmation goes through here, so a GUI test can answer the next one without a modal
// loop (KeePassXC's MessageBox::setNextAnswer) and read what the person would have been asked.
class MessageBox
{
public:
    static QMessageBox::StandardButton question(QWidget *parent, const QString &title, const QString &text,
                                                QMessageBox::StandardButtons buttons, QMessageBox::StandardButton defaultButton,
                                                const QString &informative = {});
    static void warning(QWidget *parent, const QString &title, const QString &text);

    static void setNextAnswer(QMessageBox::StandardButton answer) { s_nextAnswer = answer; }
    static QString lastText() { return s_lastText; }

private:
    static std::optional<QMessageBox::StandardButton> s_nextAnswer;
    static QString s_lastText;
};

} // namespace orteam
