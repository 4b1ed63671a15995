#include "KeyActions.h"

#include "ErrorBanner.h"
#include "KeyDialog.h"
#include "KeyFilterProxyModel.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "KeysPage.h"
#include "MessageBox.h"
#include "Money.h"
#include "RotateKeyDialog.h"
#include "SecretDialog.h"
#include "TableKeys.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QPointer>
#include <QStyle>
#include <QTableView>

namespace orteam {

KeyActions::KeyActions(KeyListController *controller, KeysPage *page, ErrorBanner *banner, QWidget *window)
    : QObject(window), m_controller(controller), m_page(page), m_banner(banner), m_window(window)
{
    auto make = [this](const QString &text, const char *name, QStyle::StandardPixmap icon) {
        auto *a = new QAction(m_window->style()->standardIcon(icon), text, this);
        a->setObjectName(QLatin1StringView(name));
        return a;
    };
    m_new = make(tr("New key…"), "newKeyAction", QStyle::SP_FileDialogNewFolder);
    m_new->setShortcut(QKeySequence::New);
    m_edit = make(tr("Edit…"), "editKeyAction", QStyle::SP_FileDialogDetailedView);
    m_disable = make(tr("Disable"), "disableKeyAction", QStyle::SP_MediaPause);
    m_enable = make(tr("Enable"), "enableKeyAction", QStyle::SP_MediaPlay);
    m_rotate = make(tr("Rotate…"), "rotateKeyAction", QStyle::SP_BrowserReload);
    m_revoke = make(tr("Revoke…"), "revokeKeyAction", QStyle::SP_TrashIcon);
    m_revoke->setShortcut(QKeySequence::Delete);
    m_revoke->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_page->table()->addAction(m_revoke); // Delete works while the table has focus

    connect(m_new, &QAction::triggered, this, &KeyActions::createKey);
    connect(m_edit, &QAction::triggered, this, &KeyActions::editKey);
    connect(m_disable, &QAction::triggered, this, [this] { setDisabled(true); });
    connect(m_enable, &QAction::triggered, this, [this] { setDisabled(false); });
    connect(m_rotate, &QAction::triggered, this, &KeyActions::rotateKey);
    connect(m_revoke, &QAction::triggered, this, &KeyActions::revokeKeys);
    connect(m_page->table()->selectionModel(), &QItemSelectionModel::selectionChanged, this, &KeyActions::updateEnabled);
    connect(m_page->proxy(), &QAbstractItemModel::dataChanged, this, &KeyActions::updateEnabled);
    connect(m_page->proxy(), &QAbstractItemModel::rowsRemoved, this, &KeyActions::updateEnabled);
    connect(m_controller, &KeyListController::changingChanged, this, &KeyActions::updateEnabled);
    connect(m_page->table(), &QAbstractItemView::doubleClicked, this, &KeyActions::editKey);
    onEnterKey(m_page->table(), [this] { editKey(); });
    updateEnabled();
}

QList<QAction *> KeyActions::all() const
{
    return {m_new, m_edit, m_disable, m_enable, m_rotate, m_revoke};
}

void KeyActions::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    for (QAction *a : all())
        a->setVisible(!readOnly);
    updateEnabled();
}

QList<ApiKey> KeyActions::selectedKeys() const
{
    QList<ApiKey> keys;
    const QModelIndexList rows = m_page->table()->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows) {
        const QString hash = index.data(KeyTableModel::HashRole).toString();
        const int row = m_controller->model()->rowOfHash(hash);
        if (const ApiKey *k = m_controller->model()->keyAt(row))
            keys << *k;
    }
    return keys;
}

void KeyActions::updateEnabled()
{
    const QList<ApiKey> keys = selectedKeys();
    // A key whose change is still on its way offers no action until the answer is in, so a
    // double-click cannot send it twice (the controller refuses a second change too).
    bool anyDisabled = false, anyEnabled = false, anyIdle = false;
    for (const ApiKey &k : keys) {
        if (m_controller->isChanging(k.hash))
            continue;
        anyIdle = true;
        (k.disabled ? anyDisabled : anyEnabled) = true;
    }
    const bool one = keys.size() == 1 && anyIdle;
    m_new->setEnabled(!m_readOnly);
    m_edit->setEnabled(!m_readOnly && one);
    m_rotate->setEnabled(!m_readOnly && one);
    m_disable->setEnabled(!m_readOnly && anyEnabled);
    m_enable->setEnabled(!m_readOnly && anyDisabled);
    m_revoke->setEnabled(!m_readOnly && anyIdle);
}

void KeyActions::showSecret(const QString &name, const QString &secret)
{
    SecretDialog::showInTurn(m_window, {{name, secret}});
}

void KeyActions::createKey()
{
    auto *dialog = new KeyDialog(KeyDialog::Mode::Create, [this](const QString &n) { return m_controller->hasKeyNamed(n); },
                                 QDateTime::currentDateTimeUtc(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &KeyDialog::submitted, this, [this, dialog] {
        dialog->setBusy(true);
        const NewKeySpec spec = dialog->spec();
        m_controller->createKey(spec, dialog, [this, dialog](const ApiResult<json::CreatedKey> &r) {
            if (!r.ok()) {
                // After a lost answer the client has looked for the key: the message says whether
                // it exists (then the list shows it, so it can be revoked) or retrying is safe.
                if (!r.error.createdAnywayHash.isEmpty())
                    m_controller->refresh();
                dialog->showError(r.error.message());
                return;
            }
            dialog->accept();
            // The new key is where the person looks next: selected and in view, not somewhere
            // at the bottom of a long table.
            m_page->selectKey(r.value.key.hash);
            Q_EMIT status(tr("Created key \"%1\".").arg(r.value.key.name));
            showSecret(r.value.key.name, r.value.secret);
        });
    });
    dialog->open();
}

void KeyActions::editKey()
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.size() != 1 || m_readOnly || m_controller->isChanging(keys.first().hash))
        return;
    const ApiKey key = keys.first();
    auto *dialog = new KeyDialog(KeyDialog::Mode::Edit, [this](const QString &n) { return m_controller->hasKeyNamed(n); },
                                 QDateTime::currentDateTimeUtc(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setKey(key);
    connect(dialog, &KeyDialog::submitted, this, [this, dialog, key] {
        dialog->setBusy(true);
        m_controller->updateKey(key.hash, dialog->update(), dialog, [this, dialog](const ApiResult<ApiKey> &r) {
            if (!r.ok()) {
                dialog->showError(r.error.message());
                return;
            }
            dialog->accept();
            Q_EMIT status(tr("Saved key \"%1\".").arg(r.value.name));
        });
    });
    dialog->open();
}

void KeyActions::setDisabled(bool disabled)
{
    QList<ApiKey> targets;
    for (const ApiKey &k : selectedKeys()) {
        if (k.disabled != disabled && !m_controller->isChanging(k.hash))
            targets << k;
    }
    for (const ApiKey &k : targets) {
        KeyUpdate update;
        update.disabled = disabled;
        m_controller->updateKey(k.hash, update, this, [this, k, disabled](const ApiResult<ApiKey> &r) {
            if (!r.ok()) {
                m_banner->showError(tr("Could not %1 \"%2\": %3").arg(disabled ? tr("disable") : tr("enable"), k.name,
                                                                      r.error.message()));
                return;
            }
            Q_EMIT status(disabled ? tr("Disabled \"%1\".").arg(k.name) : tr("Enabled \"%1\".").arg(k.name));
            updateEnabled();
        });
    }
}

void KeyActions::rotateKey()
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.size() != 1 || m_readOnly || m_controller->isChanging(keys.first().hash))
        return;
    const ApiKey old = keys.first();
    // The confirmation asks what becomes of the old key: by default the team's grace periods
    // (LifecycleService keeps the schedule, and the dashboard's refresh carries it out).
    auto *confirm = new RotateKeyDialog(keys, m_controller->canSchedule(), m_controller->hygieneSettings(), true, m_window);
    confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirm, &QDialog::accepted, this, [this, confirm, old] {
        const RotateKeyDialog::OldKey choice = confirm->oldKey();
        m_controller->rotateKey(old.hash, confirm->options(), this, [this, old, choice](const KeyListController::RotateOutcome &o) {
            if (!o.created) {
                // After a lost answer the client has looked for the key: the list then shows it.
                if (!o.error.api.createdAnywayHash.isEmpty())
                    m_controller->refresh();
                m_banner->showError(tr("Could not rotate \"%1\": %2").arg(old.name, o.error.message()));
                return;
            }
            // Only once the new secret has been seen is the old key revoked, when that was asked.
            SecretDialog::showInTurn(m_window, {{o.created->key.name, o.created->secret}}, [this, old, o, choice] {
                if (choice != RotateKeyDialog::OldKey::RevokeNow) {
                    Q_EMIT status(o.rotation ? tr("Rotated \"%1\". %2").arg(old.name, KeyListController::scheduleText(*o.rotation))
                                             : tr("Rotated \"%1\"; the old key is still active.").arg(old.name));
                    return;
                }
                m_controller->revokeKeys({old.hash}, this, [this, old](const KeyListController::RevokeOutcome &r) {
                    if (!r.failed.isEmpty())
                        m_banner->showError(tr("The new key was created, but the old key \"%1\" could not be revoked: %2")
                                                .arg(old.name, r.failed.first().second.message()));
                    else
                        Q_EMIT status(tr("Rotated \"%1\" and revoked the old key.").arg(old.name));
                });
            });
        });
    });
    confirm->open();
}

void KeyActions::revokeKeys()
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.isEmpty() || m_readOnly)
        return;
    QStringList lines;
    double spend = 0;
    for (const ApiKey &k : keys) {
        lines << tr("• %1 (%2), spent %3").arg(k.name, k.label, formatUsd(k.usage));
        spend += k.usage;
    }
    const QString question = keys.size() == 1
        ? tr("Revoke the key \"%1\"?").arg(keys.first().name)
        : tr("Revoke %n keys (spent %1 together)?", nullptr, int(keys.size())).arg(formatUsd(spend));
    if (MessageBox::question(m_window, tr("Revoke"), question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                             lines.join(u'\n') + tr("\n\nAnything using these keys stops working. This cannot be undone."))
        != QMessageBox::Yes)
        return;
    QStringList hashes;
    for (const ApiKey &k : keys)
        hashes << k.hash;
    m_revoke->setEnabled(false);
    m_controller->revokeKeys(hashes, this, [this](const KeyListController::RevokeOutcome &o) {
        updateEnabled();
        if (!o.failed.isEmpty()) {
            QStringList failures;
            for (const auto &[key, error] : o.failed)
                failures << tr("\"%1\": %2").arg(key.name, error.message());
            m_banner->showError(tr("%n key(s) could not be revoked and are still active. ", nullptr, int(o.failed.size()))
                                + failures.join(u' '));
        }
        if (!o.revoked.isEmpty())
            Q_EMIT status(tr("Revoked %n key(s).", nullptr, int(o.revoked.size())));
    });
}

} // namespace orteam
