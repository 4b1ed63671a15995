#include "RosterImportDialog.h"
#include "Theme.h"

#include "MessageBox.h"
#include "TeamController.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStringDecoder>
#include <QTableWidget>
#include <QVBoxLayout>

namespace orteam {

namespace {
constexpr qint64 MaxRosterBytes = 10 * 1024 * 1024;
enum PreviewColumn { LineColumn, ActionColumn, MemberColumn, DetailColumn, PreviewColumnCount };
} // namespace

RosterImportDialog::RosterImportDialog(TeamController *team, const QString &path, QWidget *parent)
    : QDialog(parent), m_team(team), m_path(path)
{
    setObjectName(QStringLiteral("rosterImportDialog"));
    setWindowTitle(tr("Import roster — %1").arg(QFileInfo(path).fileName()));

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("rosterSummaryLabel"));
    m_summary->setWordWrap(true);
    m_offboardMissing = new QCheckBox(tr("The file is the whole team: offboard active members it does not list"), this);
    m_offboardMissing->setObjectName(QStringLiteral("offboardMissingCheck"));
    m_preview = new QTableWidget(0, PreviewColumnCount, this);
    m_preview->setObjectName(QStringLiteral("rosterPreviewTable"));
    m_preview->setHorizontalHeaderLabels({tr("Line"), tr("Action"), tr("Member"), tr("Details")});
    m_preview->horizontalHeader()->setSectionResizeMode(DetailColumn, QHeaderView::Stretch);
    m_preview->verticalHeader()->hide();
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("rosterErrorLabel"));
    m_error->setWordWrap(true);
    theme::styleToneText(m_error, theme::Tone::Over);
    m_error->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("rosterButtons"));
    m_import = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("rosterImportButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_import, &QPushButton::clicked, this, &RosterImportDialog::import);
    connect(m_offboardMissing, &QCheckBox::toggled, this, &RosterImportDialog::replan);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_offboardMissing);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(760, 480);

    QFile file(path);
    if (QFileInfo(path).size() > MaxRosterBytes) {
        m_file.error = tr("%1 is larger than 10 MB; a roster is a list of people.").arg(QFileInfo(path).fileName());
    } else if (!file.open(QIODevice::ReadOnly)) {
        m_file.error = tr("Cannot read %1: %2").arg(path, file.errorString());
    } else {
        const QByteArray bytes = file.readAll();
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = utf8.decode(bytes);
        if (utf8.hasError())
            m_file.error = tr("%1 is not UTF-8 text. Save it from your spreadsheet as \"CSV UTF-8\".").arg(QFileInfo(path).fileName());
        else
            m_file = parseRoster(text, m_team->tiers());
    }
    replan();
}

void RosterImportDialog::replan()
{
    m_preview->setRowCount(0);
    if (!m_file.error.isEmpty()) {
        m_summary->setText(tr("Nothing can be imported from this file."));
        m_error->setText(m_file.error);
        m_error->show();
        m_offboardMissing->setEnabled(false);
        m_import->setEnabled(false);
        return;
    }
    m_plan = planRoster(m_file, m_team->members(), m_offboardMissing->isChecked());
    auto addRow = [this](int line, const QString &action, const QString &member, const QString &detail, const QColor &color) {
        const int row = m_preview->rowCount();
        m_preview->insertRow(row);
        const QStringList cells{line > 0 ? QString::number(line) : QStringLiteral("—"), action, member, detail};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            if (color.isValid())
                item->setForeground(color);
            m_preview->setItem(row, c, item);
        }
    };
    // Rejected rows first: they are what a person has to fix.
    for (const RosterRow &r : m_plan.rejected)
        addRow(r.line, tr("Rejected"), r.name, r.error, theme::toneText(theme::Tone::Over, m_preview->palette()));
    for (const RosterChange &c : m_plan.changes) {
        if (c.kind == RosterChange::Kind::Unchanged)
            continue;
        QString detail = c.differences.join(QStringLiteral(", "));
        if (c.kind == RosterChange::Kind::Add)
            detail = tr("tier %1%2").arg(c.after.tier.isEmpty() ? tr("(none)") : c.after.tier,
                                         c.after.email.isEmpty() ? QString() : QStringLiteral(", ") + c.after.email);
        if (c.kind == RosterChange::Kind::Offboard)
            detail = tr("revokes %n key(s); %1", nullptr, int(c.before.keyHashes.size())).arg(detail.isEmpty() ? tr("marked inactive") : detail);
        addRow(c.line, rosterKindName(c.kind), c.after.name, detail,
               c.kind == RosterChange::Kind::Offboard ? theme::toneText(theme::Tone::Warn, m_preview->palette()) : QColor());
    }
    m_preview->resizeColumnsToContents();
    m_preview->horizontalHeader()->setSectionResizeMode(DetailColumn, QHeaderView::Stretch);
    m_summary->setText(tr("%1 to add, %2 to change, %3 to offboard, %4 unchanged, %5 rejected. Nothing changes until you press Import.")
                           .arg(m_plan.count(RosterChange::Kind::Add))
                           .arg(m_plan.count(RosterChange::Kind::Change) + m_plan.count(RosterChange::Kind::Reactivate))
                           .arg(m_plan.count(RosterChange::Kind::Offboard))
                           .arg(m_plan.count(RosterChange::Kind::Unchanged))
                           .arg(m_plan.rejected.size()));
    m_error->setVisible(!m_plan.rejected.isEmpty());
    m_error->setText(m_plan.rejected.isEmpty()           ? QString()
                     : m_plan.offboardingHeld.isEmpty() ? tr("Rejected rows are skipped; fix them in the file and import again to add them.")
                                                         : tr("Rejected rows are skipped. %1").arg(m_plan.offboardingHeld));
    m_import->setEnabled(m_plan.hasWork());
}

void RosterImportDialog::import()
{
    const int offboards = m_plan.count(RosterChange::Kind::Offboard);
    if (offboards > 0) {
        QStringList names;
        for (const RosterChange &c : m_plan.changes) {
            if (c.kind == RosterChange::Kind::Offboard)
                names << c.before.name;
        }
        if (MessageBox::question(this, tr("Offboard members"),
                                 tr("Offboard %n member(s) and revoke all their keys?", nullptr, offboards),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel, names.join(QStringLiteral(", ")))
            != QMessageBox::Yes)
            return;
    }
    m_import->setEnabled(false);
    m_team->importRoster(m_plan, this, [this](bool ok, const QString &message) {
        if (!ok) {
            m_error->setText(message);
            m_error->show();
            return;
        }
        Q_EMIT imported(message);
        accept();
    });
}

} // namespace orteam
