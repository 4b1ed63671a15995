#pragma once

#include "ApiKey.h"

#include <QObject>

class QAction;
class QTableView;
class QWidget;

namespace orteam {

class ErrorBanner;
class KeyListController;
class KeysPage;

// What an admin can do to keys: new, edit (rename, limit, reset), disable, enable, rotate and
// revoke, as actions for the toolbar and the table's context menu. Each acts on the selected
// rows, asks before anything irreversible, and changes the table only once OpenRouter agrees.
class KeyActions final : public QObject
{
    Q_OBJECT

public:
    KeyActions(KeyListController *controller, KeysPage *page, ErrorBanner *banner, QWidget *window);

    QAction *newKeyAction() const { return m_new; }
    QAction *editAction() const { return m_edit; }
    QAction *disableAction() const { return m_disable; }
    QAction *enableAction() const { return m_enable; }
    QAction *rotateAction() const { return m_rotate; }
    QAction *revokeAction() const { return m_revoke; }
    QList<QAction *> all() const;
    // Hidden for a read-only session (no management key); the table still shows.
    void setReadOnly(bool readOnly);

Q_SIGNALS:
    // For the status bar: a short note of what just happened.
    void status(const QString &message);

private:
    QList<ApiKey> selectedKeys() const;
    void updateEnabled();
    void createKey();
    void editKey();
    void setDisabled(bool disabled);
    void rotateKey();
    void revokeKeys();
    void showSecret(const QString &name, const QString &secret);

    KeyListController *m_controller;
    KeysPage *m_page;
    ErrorBanner *m_banner;
    QWidget *m_window;
    QAction *m_new;
    QAction *m_edit;
    QAction *m_disable;
    QAction *m_enable;
    QAction *m_rotate;
    QAction *m_revoke;
    bool m_readOnly = false;
};

} // namespace orteam
