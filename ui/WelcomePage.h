#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace orteam {

class ConnectionManager;

// First run without a management key: paste one (it goes to the keychain), or try the demo.
class WelcomePage final : public QWidget
{
    Q_OBJECT

public:
    WelcomePage(ConnectionManager *connection, QWidget *parent = nullptr);

Q_SIGNALS:
    void demoRequested();
    // Something the person should read after the page is gone (e.g. the key is not saved).
    void notice(const QString &message);

private:
    void saveKey();

    ConnectionManager *m_connection;
    QLineEdit *m_key;
    QPushButton *m_save;
    QPushButton *m_demo;
    QLabel *m_message;
};

} // namespace orteam
