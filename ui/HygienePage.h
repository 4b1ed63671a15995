#pragma once

#include "ApiKey.h"
#include "HygieneController.h"

#include <QWidget>

class QAction;
class QLabel;
class QListWidget;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace orteam {


// The Hygiene page: on the left each rule with how many keys it found ("All findings" first, then
// the keys being rotated), its severity as an icon and its description; on the right the keys the
// chosen rule found, with bulk actions on a selection (revoke, disable, set a limit, rotate, link
// to a member, keep an old key). Every action is confirmed with the keys and their spend, and its
// outcome names each key that failed. The thresholds are edited here too (team settings).
class HygienePage final : public QWidget
{
    Q_OBJECT

public:
    explicit HygienePage(HygieneController *controller, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QListWidget *rules() const { return m_rules; }
    // The read-only view: the findings show, nothing can be changed.
    void setReadOnly(bool readOnly);
    // Selects the keys named (for tests and links from elsewhere).
    void selectKeys(const QStringList &names);
    QList<ApiKey> selectedKeys() const;

    QAction *revokeAction() const { return m_revoke; }
    QAction *disableAction() const { return m_disable; }
    QAction *limitAction() const { return m_limit; }
    QAction *rotateAction() const { return m_rotate; }
    QAction *linkAction() const { return m_link; }
    QAction *keepAction() const { return m_keep; }

Q_SIGNALS:
    void status(const QString &message);
    void problem(const QString &message);

private:
    void updateRules();
    void updateState();
    void updateEnabled();
    void onRuleChanged();
    bool confirm(const QString &title, const QString &verb, const QList<ApiKey> &keys, const QString &informative);
    // Says what was done ("Revoked %1." with the keys' names) and names each key that failed.
    void report(const QString &verb, int total, const QString &doneTemplate, const HygieneController::BulkOutcome &outcome);
    void revokeSelected();
    void disableSelected();
    void limitSelected();
    void rotateSelected();
    void linkSelected();
    void keepSelected();
    void editSettings();

    HygieneController *m_controller;
    QLabel *m_summary;
    QLabel *m_teamNote;
    QListWidget *m_rules;
    QLabel *m_description;
    QLabel *m_error;
    QLabel *m_result;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QAction *m_revoke;
    QAction *m_disable;
    QAction *m_limit;
    QAction *m_rotate;
    QAction *m_link;
    QAction *m_keep;
    QList<QToolButton *> m_buttons;
    QPushButton *m_settings;
    bool m_readOnly = false;
};

} // namespace orteam
