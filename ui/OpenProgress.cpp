#include "OpenProgress.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QProgressDialog>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

OpenProgress::OpenProgress() = default;
OpenProgress::~OpenProgress() = default;

void OpenProgress::step(const QString &what)
{
    m_steps << what;
    if (!m_dialog) {
        // No Cancel: a migration stopped half-way is rolled back and would run again at the next
        // start, so the only honest choice is to let it finish. No range: the steps' lengths
        // differ by orders of magnitude, so a bar would lie about the time left.
        m_dialog = std::make_unique<QProgressDialog>();
        m_dialog->setObjectName(u"openProgress"_s);
        m_dialog->setWindowTitle(QCoreApplication::translate("OpenProgress", "Opening the team database"));
        m_dialog->setCancelButton(nullptr);
        m_dialog->setRange(0, 0);
        m_dialog->setMinimumDuration(0);
        m_dialog->setMinimumWidth(420);
        m_dialog->setAutoClose(false);
        m_dialog->setAutoReset(false);
    }
    m_dialog->setLabelText(QCoreApplication::translate("OpenProgress", "First open of this database: %1.\n"
                                                                       "This happens once; it can take a minute on a large team's history.")
                               .arg(what));
    m_dialog->show();
    // The step about to run holds the thread until it ends: paint now or never. User input waits,
    // so nothing can act on a database that is not open yet.
    QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
}

void OpenProgress::finish()
{
    m_dialog.reset();
}

} // namespace orteam
