#pragma once

#include "GuardedDialog.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace orteam {

class ConnectionManager;

// Server URL, management key (masked; saved to the OS keychain; the environment wins when set),
// refresh interval, the team database (for the next start), and a "Test connection" that says whether the key is a management key.
class SettingsDialog final : public GuardedDialog
{
    Q_OBJECT

public:
    SettingsDialog(ConnectionManager *connection, QWidget *parent = nullptr);

private:
    void testConnection();
    void save();
    bool readUrl(QUrl *url);

    ConnectionManager *m_connection;
    QLineEdit *m_baseUrl;
    QLineEdit *m_key;
    QSpinBox *m_interval;
    QLineEdit *m_database;
    QPushButton *m_test;
    QLabel *m_result;
    QPushButton *m_save;
};

} // namespace orteam
