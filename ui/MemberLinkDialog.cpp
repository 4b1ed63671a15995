#include "MemberLinkDialog.h"

#include "TeamController.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace orteam {

namespace {
enum Column { MemberColumn, EmailColumn, UserColumn, HowColumn, ColumnCount };

QString userText(const OrgMember &u)
{
    const QString name = u.displayName();
    return name.isEmpty() ? u.email : QStringLiteral("%1 <%2>").arg(name, u.email);
}
} // namespace

MemberLinkDialog::MemberLinkDialog(TeamController *team, QWidget *parent) : GuardedDialog(parent), m_team(team)
{
    setObjectName(QStringLiteral("memberLinkDialog"));
    setWindowTitle(tr("Match members with OpenRouter users"));
    m_status = new QLabel(tr("Reading the organization's members from OpenRouter…"), this);
    m_status->setObjectName(QStringLiteral("memberLinkStatusLabel"));
    m_status->setWordWrap(true);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("memberLinkTable"));
    m_table->setHorizontalHeaderLabels({tr("Member"), tr("Email"), tr("OpenRouter user"), tr("How")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(UserColumn, QHeaderView::Stretch);
    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("memberLinkNotesLabel"));
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("memberLinkButtons"));
    m_save = buttons->addButton(tr("Save links"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("memberLinkSaveButton"));
    m_save->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, &MemberLinkDialog::save);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_notes);
    layout->addWidget(buttons);
    resize(760, 460);
    preview();
}

void MemberLinkDialog::preview()
{
    m_team->previewLinks(this, [this](const MemberLinkService::Preview &p) { showPreview(p); });
}

void MemberLinkDialog::showPreview(const MemberLinkService::Preview &p)
{
    if (p.error) {
        QString why = p.error.message();
        if (!why.endsWith(QLatin1Char('.')))
            why += QLatin1Char('.');
        m_status->setText(tr("Could not match the team with OpenRouter: %1 Nothing was changed.").arg(why));
        return;
    }
    m_users.clear();
    for (const OrgMember &u : p.users)
        m_users.insert(u.id, u);
    QList<OrgMember> users = p.users;
    std::sort(users.begin(), users.end(), [](const OrgMember &a, const OrgMember &b) {
        return userText(a).localeAwareCompare(userText(b)) < 0;
    });
    QHash<QString, QString> suggested; // member → user id matched by email
    for (const MemberLink &l : p.plan.toLink)
        suggested.insert(l.member, l.userId);

    const QList<Member> &members = p.members; // the team the matches were made from
    m_table->setRowCount(int(members.size()));
    m_rows.clear();
    for (int row = 0; row < members.size(); ++row) {
        const Member &m = members.at(row);
        auto *pick = new QComboBox(m_table);
        pick->setObjectName(QStringLiteral("memberLinkPick_%1").arg(row));
        pick->setAccessibleName(tr("OpenRouter user of %1").arg(m.name));
        pick->addItem(tr("Not linked"), QString());
        for (const OrgMember &u : std::as_const(users))
            pick->addItem(userText(u), u.id);
        if (m.isLinked() && !m_users.contains(m.userId))
            pick->addItem(tr("%1 (no longer in the organization)").arg(m.userId), m.userId);
        const QString chosen = m.isLinked() ? m.userId : suggested.value(m.name);
        pick->setCurrentIndex(std::max(0, pick->findData(chosen)));
        QString how;
        if (m.isLinked())
            how = m_users.contains(m.userId) ? tr("Linked") : tr("Linked to a user no longer in the organization");
        else if (suggested.contains(m.name))
            how = tr("Same email: will be linked");
        else
            how = m.email.isEmpty() ? tr("No email: link by hand") : tr("No match: link by hand");
        m_table->setItem(row, MemberColumn, new QTableWidgetItem(m.name));
        m_table->setItem(row, EmailColumn, new QTableWidgetItem(m.email));
        m_table->setCellWidget(row, UserColumn, pick);
        m_table->setItem(row, HowColumn, new QTableWidgetItem(how));
        m_rows << Row{m.name, m.userId, pick};
        connect(pick, &QComboBox::currentIndexChanged, this, &MemberLinkDialog::check);
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(UserColumn, QHeaderView::Stretch);

    QStringList notes = p.plan.conflicts;
    for (const OrgMember &u : p.plan.unmatchedUsers)
        notes << tr("%1 is an OpenRouter user of the organization but no member's.").arg(userText(u));
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
    // The suggestions are the dialog's own proposal: closing without saving them loses nothing typed.
    markClean();
    check();
}

QList<MemberLink> MemberLinkDialog::changes() const
{
    QList<MemberLink> out;
    for (const Row &r : m_rows) {
        const QString picked = r.pick->currentData().toString();
        if (picked == r.stored)
            continue;
        const OrgMember u = m_users.value(picked);
        out << MemberLink{r.member, picked, u.email, u.displayName()};
    }
    return out;
}

void MemberLinkDialog::check()
{
    // One OpenRouter user is one member: a second pick of the same user is said, and blocks Save.
    QHash<QString, QString> holder;
    for (const Row &r : std::as_const(m_rows)) {
        const QString picked = r.pick->currentData().toString();
        if (picked.isEmpty())
            continue;
        if (holder.contains(picked)) {
            m_status->setText(tr("%1 and %2 are both given %3: one OpenRouter user can be one member only.")
                                  .arg(holder.value(picked), r.member, r.pick->currentText()));
            m_save->setEnabled(false);
            return;
        }
        holder.insert(picked, r.member);
    }
    const qsizetype n = changes().size();
    m_status->setText(n == 0 ? tr("Every member's link is saved. Linked members are bound as people (across all their keys) "
                                  "when tiers are applied.")
                             : tr("%n link(s) to save. Linked members are bound as people (across all their keys) when "
                                  "tiers are applied.",
                                  nullptr, int(n)));
    m_save->setEnabled(n > 0);
}

void MemberLinkDialog::save()
{
    const QList<MemberLink> links = changes();
    if (const Status s = m_team->saveLinks(links); !s) {
        m_status->setText(tr("Nothing was saved: %1").arg(s.errorText()));
        return;
    }
    markClean();
    Q_EMIT saved(tr("Saved %n link(s) to OpenRouter users. Apply tiers to OpenRouter to bind them as people.", nullptr,
                    int(links.size())));
    accept();
}

} // namespace orteam
