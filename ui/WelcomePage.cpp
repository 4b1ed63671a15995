#include "WelcomePage.h"

#include "ConnectionManager.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace orteam {

WelcomePage::WelcomePage(ConnectionManager *connection, QWidget *parent) : QWidget(parent), m_connection(connection)
{
    setObjectName(QStringLiteral("welcomePage"));
    auto *icon = new QLabel(this);
    icon->setObjectName(QStringLiteral("welcomeIconLabel"));
    icon->setPixmap(QApplication::windowIcon().pixmap(96, 96));
    icon->setAlignment(Qt::AlignCenter);
    auto *title = new QLabel(tr("<h1>Welcome to orteam</h1>"), this);
    title->setObjectName(QStringLiteral("welcomeTitleLabel"));
    title->setAlignment(Qt::AlignCenter);
    auto *text = new QLabel(tr("orteam manages your team's OpenRouter keys with a <b>management key</b> "
                               "(openrouter.ai → Settings → Management Keys). An ordinary API key cannot do this.<br>"
                               "The key is kept in your system keychain, never in a file."),
                            this);
    text->setObjectName(QStringLiteral("welcomeTextLabel"));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);

    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("welcomeKeyLineEdit"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("Paste your management key (sk-or-v1-…)"));
    m_save = new QPushButton(tr("Save and connect"), this);
    m_save->setObjectName(QStringLiteral("welcomeSaveButton"));
    m_save->setDefault(true);
    m_save->setEnabled(false);
    m_demo = new QPushButton(tr("Try the demo instead"), this);
    m_demo->setObjectName(QStringLiteral("welcomeDemoButton"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("welcomeMessageLabel"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);

    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_save);
    auto *column = new QVBoxLayout;
    column->addStretch(1);
    column->addWidget(icon);
    column->addWidget(title);
    column->addWidget(text);
    column->addSpacing(12);
    column->addLayout(keyRow);
    column->addWidget(m_message);
    column->addSpacing(12);
    column->addWidget(m_demo, 0, Qt::AlignCenter);
    column->addStretch(2);
    auto *outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 3);
    outer->addStretch(1);

    connect(m_key, &QLineEdit::textChanged, this, [this](const QString &t) { m_save->setEnabled(!t.trimmed().isEmpty()); });
    connect(m_key, &QLineEdit::returnPressed, this, &WelcomePage::saveKey);
    connect(m_save, &QPushButton::clicked, this, &WelcomePage::saveKey);
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
}

void WelcomePage::saveKey()
{
    if (m_key->text().trimmed().isEmpty())
        return;
    m_save->setEnabled(false);
    ConnectionManager::SaveRequest request;
    request.baseUrl = m_connection->baseUrl();
    request.newKey = m_key->text();
    request.refreshIntervalSeconds = m_connection->refreshIntervalSeconds();
    m_key->clear();
    m_connection->save(request, this, [this](const QString &warning) {
        // The window switches away on ready(); a warning (no keychain) is worth a line here anyway.
        m_message->setText(warning);
        if (!warning.isEmpty())
            Q_EMIT notice(warning);
    });
}

} // namespace orteam
