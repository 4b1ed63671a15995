#pragma once

#include "GuardedDialog.h"
#include "MemberLinkService.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace orteam {

class TeamController;

// "Match with OpenRouter…": reads the organization's users, lists every member with the
// OpenRouter user they are (or would be) linked to, the email matches picked already, and lets a
// person link by hand where emails differ, or unlink. Nothing is saved until Save; a preview that
// could not read the organization offers nothing to save.
class MemberLinkDialog final : public GuardedDialog
{
    Q_OBJECT

public:
    explicit MemberLinkDialog(TeamController *team, QWidget *parent = nullptr);

    // The links Save would write: members whose pick differs from what the database holds.
    QList<MemberLink> changes() const;

Q_SIGNALS:
    void saved(const QString &message);

private:
    void preview();
    void showPreview(const MemberLinkService::Preview &preview);
    void check();
    void save();

    TeamController *m_team;
    QLabel *m_status;
    QTableWidget *m_table;
    QLabel *m_notes;
    QPushButton *m_save;
    struct Row
    {
        QString member;
        QString stored; // the user id the database holds ("" when not linked)
        QComboBox *pick;
    };
    QList<Row> m_rows;
    QHash<QString, OrgMember> m_users;
};

} // namespace orteam
