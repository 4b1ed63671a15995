#include "SecretDialog.h"
#include "Theme.h"

#include "ClipboardGuard.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace orteam {

SecretDialog::SecretDialog(const QString &keyName, const QString &secret, QWidget *parent, Kind kind)
    : GuardedDialog(parent), m_clipboard(new ClipboardGuard(QApplication::clipboard(), this))
{
    setObjectName(QStringLiteral("secretDialog"));
    const bool token = kind == Kind::GatewayToken;
    setWindowTitle(token ? tr("Gateway token: %1").arg(keyName) : tr("New key: %1").arg(keyName));

    auto *warning = new QLabel(token ? tr("<b>Copy this token now.</b> This is the only time it is shown: orteam keeps only "
                                          "its hash. %1 uses it with any OpenAI-compatible client pointed at orteam-gateway.")
                                           .arg(keyName.toHtmlEscaped())
                                     : tr("<b>Copy this key now.</b> This is the only time it is shown: OpenRouter does not "
                                          "show it again and orteam does not keep it. Hand it to its owner through a safe "
                                          "channel."),
                               this);
    warning->setObjectName(QStringLiteral("secretWarningLabel"));
    warning->setWordWrap(true);
    theme::styleBanner(warning, theme::Banner::Warning, QStringLiteral("border-radius:4px; padding:8px;"));

    m_secret = new QLineEdit(secret, this);
    m_secret->setObjectName(QStringLiteral("secretLineEdit"));
    m_secret->setReadOnly(true);
    m_secret->setFont(QFont(QStringLiteral("monospace")));
    m_secret->setMinimumWidth(560);
    m_secret->selectAll();
    // Every copy goes through the guard (cleared after 30 s, and counted as copied): Ctrl+C is
    // routed to it, and the context menu, whose Copy would bypass it, is off.
    m_secret->setContextMenuPolicy(Qt::NoContextMenu);
    m_secret->installEventFilter(this);

    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setObjectName(QStringLiteral("copySecretButton"));
    m_copied = new QLabel(this);
    m_copied->setObjectName(QStringLiteral("secretCopiedLabel"));
    connect(m_copy, &QPushButton::clicked, this, &SecretDialog::copy);
    connect(m_clipboard, &ClipboardGuard::cleared, this, [this] { m_copied->setText(tr("Clipboard cleared.")); });

    auto *buttons = new QDialogButtonBox(this);
    buttons->setObjectName(QStringLiteral("secretButtonBox"));
    QPushButton *done = buttons->addButton(tr("I have stored it"), QDialogButtonBox::AcceptRole);
    done->setObjectName(QStringLiteral("secretDoneButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

    auto *row = new QHBoxLayout;
    row->addWidget(m_secret, 1);
    row->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(warning);
    layout->addLayout(row);
    layout->addWidget(m_copied);
    layout->addWidget(buttons);
}

void SecretDialog::copy()
{
    m_clipboard->copy(m_secret->text());
    m_wasCopied = true;
    m_copied->setText(tr("Copied. The clipboard is cleared in 30 seconds."));
}

bool SecretDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_secret && (event->type() == QEvent::KeyPress || event->type() == QEvent::ShortcutOverride)) {
        if (static_cast<QKeyEvent *>(event)->matches(QKeySequence::Copy)) {
            if (event->type() == QEvent::KeyPress)
                copy();
            event->accept();
            return event->type() == QEvent::KeyPress;
        }
    }
    return GuardedDialog::eventFilter(watched, event);
}

QString SecretDialog::closeQuestion() const
{
    if (m_wasCopied)
        return {};
    return tr("The secret has not been copied. Once this window is closed it can never be shown again: OpenRouter does "
              "not show it twice. Close it anyway?");
}

SecretDialog::~SecretDialog()
{
    wipe();
}

void SecretDialog::wipe()
{
    // Overwrite before clearing, so the characters do not linger in the widget's buffer.
    QString text = m_secret->text();
    m_secret->setText(QString(text.size(), u'•'));
    m_secret->clear();
    text.fill(u'\0');
}

void SecretDialog::done(int result)
{
    wipe();
    QDialog::done(result);
}

void SecretDialog::showInTurn(QWidget *parent, const QList<std::pair<QString, QString>> &namesAndSecrets,
                              std::function<void()> finished)
{
    if (namesAndSecrets.isEmpty()) {
        if (finished)
            finished();
        return;
    }
    const auto &[name, secret] = namesAndSecrets.first();
    auto *dialog = new SecretDialog(name, secret, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QList<std::pair<QString, QString>> rest = namesAndSecrets.mid(1);
    connect(dialog, &QDialog::finished, parent, [parent, rest, finished] { showInTurn(parent, rest, finished); });
    dialog->open();
}

} // namespace orteam
