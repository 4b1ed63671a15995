#pragma once

#include <QString>
#include <QStringList>

#include <memory>

class QProgressDialog;

namespace orteam {

// What the dashboard shows while its team database opens slowly: the first open of a database
// written by the seed's scripts checks every page, saves a copy and migrates it, which takes a
// minute at ten million usage rows. The open runs before the main window exists, on the GUI
// thread, so each step the database announces (Database::setProgress) is shown as it starts and
// painted at once; an ordinary open announces nothing and shows nothing.
class OpenProgress final
{
public:
    OpenProgress();
    ~OpenProgress();
    OpenProgress(const OpenProgress &) = delete;
    OpenProgress &operator=(const OpenProgress &) = delete;

    // One step begins: shown (the dialog appears at the first) and painted before the step runs.
    void step(const QString &what);
    // The open is over, done or failed: the dialog goes away.
    void finish();

    QProgressDialog *dialog() const { return m_dialog.get(); } // null until the first step
    QStringList steps() const { return m_steps; }

private:
    std::unique_ptr<QProgressDialog> m_dialog;
    QStringList m_steps;
};

} // namespace orteam
