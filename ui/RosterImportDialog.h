#pragma once

#include "Roster.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace orteam {

class TeamController;

// Imports a roster CSV: reads the file, shows what would happen to each member (add, change,
// offboard) and every rejected row with its line and reason, and changes nothing until Import
// is pressed (offboardings are confirmed once more, as they revoke keys).
class RosterImportDialog final : public QDialog
{
    Q_OBJECT

public:
    RosterImportDialog(TeamController *team, const QString &path, QWidget *parent = nullptr);

    const RosterPlan &plan() const { return m_plan; }

Q_SIGNALS:
    void imported(const QString &message);

private:
    void replan();
    void import();

    TeamController *m_team;
    QString m_path;
    RosterFile m_file;
    RosterPlan m_plan;
    QLabel *m_summary;
    QCheckBox *m_offboardMissing;
    QTableWidget *m_preview;
    QLabel *m_error;
    QPushButton *m_import;
};

} // namespace orteam
