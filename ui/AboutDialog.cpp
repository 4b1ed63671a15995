#include "AboutDialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace orteam {

QString AboutDialog::versionText()
{
    return tr("%1 (revision %2, Qt %3)").arg(QStringLiteral(ORTEAM_VERSION), QStringLiteral(ORTEAM_GIT_REVISION),
                                             QString::fromLatin1(qVersion()));
}

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About orteam"));
    auto *icon = new QLabel(this);
    icon->setObjectName(QStringLiteral("aboutIconLabel"));
    icon->setPixmap(QApplication::windowIcon().pixmap(96, 96));
    auto *text = new QLabel(this);
    text->setObjectName(QStringLiteral("aboutTextLabel"));
    text->setTextFormat(Qt::RichText);
    text->setOpenExternalLinks(true);
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    text->setText(tr("<h2>orteam</h2><p>Version %1</p>"
                     "<p>Run an OpenRouter team: issue and revoke per-person API keys, set tiers and budgets, "
                     "and watch spend per person.</p>"
                     "<p>The management key stays in the environment or the system keychain and is never "
                     "written to disk.</p><p><a href=\"%2\">%2</a></p>")
                      .arg(versionText().toHtmlEscaped(), QStringLiteral("https://github.com/orteam/orteam")));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("aboutButtonBox"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *row = new QHBoxLayout;
    row->addWidget(icon, 0, Qt::AlignTop);
    row->addWidget(text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
    setMinimumWidth(440);
}

} // namespace orteam
