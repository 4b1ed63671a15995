#include "HygienePage.h"

#include "HygieneController.h"
#include "KeyRequests.h"
#include "KeysPage.h"
#include "MessageBox.h"
#include "Money.h"
#include "GuardedDialog.h"
#include "RotateKeyDialog.h"
#include "SecretDialog.h"
#include "ViewMemory.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace orteam {

namespace {
// What a rule-list row selects.
enum ItemRole { KindRole = Qt::UserRole + 1, RuleRole };

// "key-a ($1.20), key-b ($0.00)": what each confirmation lists, so nobody revokes a key that
// spends without seeing it.
QString keyListText(const QList<ApiKey> &keys)
{
    QStringList parts;
    for (const ApiKey &k : keys)
        parts << QStringLiteral("%1 (%2)").arg(k.name, formatUsd(k.usage));
    return parts.join(QStringLiteral(", "));
}

QString keysCounted(qsizetype n)
{
    return n == 1 ? HygienePage::tr("1 key") : HygienePage::tr("%1 keys").arg(n);
}

// The page's small dialogs ask "discard changes?" like every editing dialog; they are built
// here rather than in a class of their own, so the form is marked clean once it is filled.
class SmallDialog final : public GuardedDialog
{
public:
    using GuardedDialog::GuardedDialog;
    using GuardedDialog::markClean;
};

// A small confirmation with one input: the keys listed, the input, OK and Cancel.
QDialog *inputDialog(QWidget *parent, const char *name, const QString &title, const QString &text, QWidget **input,
                     QWidget *made, QLabel **problem)
{
    auto *dialog = new SmallDialog(parent);
    dialog->setObjectName(QLatin1StringView(name));
    dialog->setWindowTitle(title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto *label = new QLabel(text, dialog);
    label->setObjectName(QLatin1StringView(name) + QStringLiteral("Label"));
    label->setWordWrap(true);
    made->setParent(dialog);
    *input = made;
    *problem = new QLabel(dialog);
    (*problem)->setObjectName(QLatin1StringView(name) + QStringLiteral("ProblemLabel"));
    (*problem)->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->setObjectName(QLatin1StringView(name) + QStringLiteral("ButtonBox"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QLatin1StringView(name) + QStringLiteral("OkButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QLatin1StringView(name) + QStringLiteral("CancelButton"));
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(label);
    layout->addWidget(made);
    layout->addWidget(*problem);
    layout->addWidget(buttons);
    dialog->markClean(); // the input as the caller filled it
    return dialog;
}
} // namespace

HygienePage::HygienePage(HygieneController *controller, QWidget *parent) : QWidget(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("hygienePage"));

    m_summary = new QLabel(tr("Waiting for the key list…"), this);
    m_summary->setObjectName(QStringLiteral("hygieneSummaryLabel"));
    m_teamNote = new QLabel(tr("No team database: last use comes from the key counters alone, and the member rules "
                               "(orphan, owner inactive) are left out."),
                            this);
    m_teamNote->setObjectName(QStringLiteral("hygieneTeamNoteLabel"));
    m_teamNote->setWordWrap(true);
    m_teamNote->setVisible(!controller->teamKnown());
    m_settings = new QPushButton(style()->standardIcon(QStyle::SP_FileDialogDetailedView), tr("Thresholds…"), this);
    m_settings->setObjectName(QStringLiteral("hygieneSettingsButton"));
    m_settings->setToolTip(tr("The team's thresholds: dormant, never used, rotation period and the grace periods"));
    m_settings->setEnabled(controller->teamKnown());

    m_rules = new QListWidget(this);
    m_rules->setObjectName(QStringLiteral("hygieneRuleList"));
    m_rules->setIconSize(QSize(16, 16));
    m_description = new QLabel(this);
    m_description->setObjectName(QStringLiteral("hygieneRuleDescriptionLabel"));
    m_description->setWordWrap(true);
    m_description->setFrameShape(QFrame::StyledPanel);
    m_description->setMargin(6);
    m_description->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_description->setMinimumHeight(64);
    auto *left = new QWidget(this);
    left->setObjectName(QStringLiteral("hygieneRulePanel"));
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_rules, 1);
    leftLayout->addWidget(m_description);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("hygieneErrorLabel"));
    m_error->setWordWrap(true);
    m_error->setFrameShape(QFrame::StyledPanel);
    m_error->setMargin(8);
    // In the table's place while it stands: all the room for the whole message, however long.
    m_error->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
    m_error->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_error->hide();
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("hygieneResultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->hide();

    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("hygieneProxyModel"));
    m_proxy->setSourceModel(controller->model());
    m_proxy->setSortRole(HygieneTableModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("hygieneTableView"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(HygieneTableModel::LastUsedColumn, Qt::AscendingOrder);
    setUpKeyTable(m_table);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);

    auto make = [this](const QString &text, const char *name, QStyle::StandardPixmap icon) {
        auto *a = new QAction(style()->standardIcon(icon), text, this);
        a->setObjectName(QLatin1StringView(name));
        return a;
    };
    m_revoke = make(tr("Revoke…"), "hygieneRevokeAction", QStyle::SP_TrashIcon);
    m_disable = make(tr("Disable…"), "hygieneDisableAction", QStyle::SP_MediaPause);
    m_limit = make(tr("Set limit…"), "hygieneLimitAction", QStyle::SP_FileDialogDetailedView);
    m_rotate = make(tr("Rotate…"), "hygieneRotateAction", QStyle::SP_BrowserReload);
    m_link = make(tr("Link to member…"), "hygieneLinkAction", QStyle::SP_DirLinkIcon);
    m_keep = make(tr("Keep old key…"), "hygieneKeepAction", QStyle::SP_DialogCancelButton);
    m_keep->setToolTip(tr("End the rotation schedule of the selected old keys: they are neither disabled nor revoked by it"));
    auto *buttonRow = new QHBoxLayout;
    for (QAction *a : {m_revoke, m_disable, m_limit, m_rotate, m_link, m_keep}) {
        auto *b = new QToolButton(this);
        b->setObjectName(a->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")));
        b->setDefaultAction(a);
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        buttonRow->addWidget(b);
        m_buttons << b;
    }
    buttonRow->addStretch(1);

    auto *right = new QWidget(this);
    right->setObjectName(QStringLiteral("hygieneKeysPanel"));
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_error);
    rightLayout->addWidget(m_table, 1);
    rightLayout->addLayout(buttonRow);
    rightLayout->addWidget(m_result);

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("hygieneSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({250, 800});

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_settings);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_teamNote);
    layout->addWidget(splitter, 1);

    connect(m_revoke, &QAction::triggered, this, &HygienePage::revokeSelected);
    connect(m_disable, &QAction::triggered, this, &HygienePage::disableSelected);
    connect(m_limit, &QAction::triggered, this, &HygienePage::limitSelected);
    connect(m_rotate, &QAction::triggered, this, &HygienePage::rotateSelected);
    connect(m_link, &QAction::triggered, this, &HygienePage::linkSelected);
    connect(m_keep, &QAction::triggered, this, &HygienePage::keepSelected);
    connect(m_settings, &QPushButton::clicked, this, &HygienePage::editSettings);
    connect(m_rules, &QListWidget::currentRowChanged, this, &HygienePage::onRuleChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HygienePage::updateEnabled);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &HygienePage::updateEnabled);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        menu.setObjectName(QStringLiteral("hygieneContextMenu"));
        menu.addActions({m_revoke, m_disable, m_limit, m_rotate, m_link, m_keep});
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(controller, &HygieneController::assessed, this, &HygienePage::updateState);

    updateRules();
    m_rules->setCurrentRow(0);
    updateState();
}

void HygienePage::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    for (QToolButton *b : std::as_const(m_buttons))
        b->setVisible(!readOnly);
    m_settings->setVisible(!readOnly);
    updateEnabled();
}

void HygienePage::updateRules()
{
    // The rows stay (so the choice stays); their text, icon and description follow the counts.
    const QHash<HygieneRule, int> counts = m_controller->counts();
    const bool ready = m_controller->state() == HygieneController::State::Ready;
    const HygieneSettings settings = m_controller->assessment().settings;
    auto countText = [ready](int n) { return ready ? QString::number(n) : QStringLiteral("—"); };
    if (m_rules->count() == 0) {
        auto *all = new QListWidgetItem(m_rules);
        all->setData(KindRole, int(HygieneTableModel::Filter::Kind::All));
        for (HygieneRule rule : allHygieneRules()) {
            auto *item = new QListWidgetItem(m_rules);
            item->setData(KindRole, int(HygieneTableModel::Filter::Kind::Rule));
            item->setData(RuleRole, int(rule));
            const Severity severity = hygieneRuleSeverity(rule);
            // The style's own icons: drawn for the current palette, light or dark.
            item->setIcon(style()->standardIcon(severity == Severity::Critical ? QStyle::SP_MessageBoxCritical
                                                : severity == Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                                                : QStyle::SP_MessageBoxInformation));
        }
        auto *rotating = new QListWidgetItem(style()->standardIcon(QStyle::SP_BrowserReload), QString(), m_rules);
        rotating->setData(KindRole, int(HygieneTableModel::Filter::Kind::Rotating));
    }
    for (int i = 0; i < m_rules->count(); ++i) {
        QListWidgetItem *item = m_rules->item(i);
        const auto kind = HygieneTableModel::Filter::Kind(item->data(KindRole).toInt());
        switch (kind) {
        case HygieneTableModel::Filter::Kind::All:
            item->setText(tr("All findings (%1)").arg(countText(m_controller->keysWithFindings())));
            item->setToolTip(tr("Every key with at least one finding"));
            break;
        case HygieneTableModel::Filter::Kind::Rule: {
            const auto rule = HygieneRule(item->data(RuleRole).toInt());
            item->setText(tr("%1 (%2)").arg(hygieneRuleTitle(rule), countText(counts.value(rule))));
            item->setToolTip(tr("%1 (%2)").arg(hygieneRuleDescription(rule, settings), severityToString(hygieneRuleSeverity(rule))));
            QFont f = item->font();
            f.setBold(ready && counts.value(rule) > 0);
            item->setFont(f);
            break;
        }
        case HygieneTableModel::Filter::Kind::Rotating:
            item->setText(tr("Being rotated (%1)").arg(countText(m_controller->rotatingCount())));
            item->setToolTip(tr("Old keys whose replacement is made, with the days the schedule disables and revokes them"));
            break;
        }
    }
    onRuleChanged();
}

void HygienePage::onRuleChanged()
{
    QListWidgetItem *item = m_rules->currentItem();
    if (!item)
        return;
    HygieneTableModel::Filter filter;
    filter.kind = HygieneTableModel::Filter::Kind(item->data(KindRole).toInt());
    if (filter.kind == HygieneTableModel::Filter::Kind::Rule) {
        filter.rule = HygieneRule(item->data(RuleRole).toInt());
        m_description->setText(tr("<b>%1</b> · %2<br>%3")
                                   .arg(hygieneRuleTitle(filter.rule).toHtmlEscaped(),
                                        severityToString(hygieneRuleSeverity(filter.rule)),
                                        hygieneRuleDescription(filter.rule, m_controller->assessment().settings).toHtmlEscaped()));
    } else {
        m_description->setText(item->toolTip().toHtmlEscaped());
    }
    if (!(m_controller->model()->filter() == filter))
        m_controller->model()->setFilter(filter);
    if (!ViewMemory::hasRestoredWidths(m_table)) // widths the person set last time stay
        m_table->resizeColumnsToContents();
}

void HygienePage::updateState()
{
    const HygieneController::State state = m_controller->state();
    // A failed assessment is an error, never an empty (all-clear) list.
    m_error->setVisible(state == HygieneController::State::Failed);
    m_table->setVisible(state != HygieneController::State::Failed);
    m_error->setText(m_controller->error());
    switch (state) {
    case HygieneController::State::Waiting:
        m_summary->setText(tr("Waiting for the key list…"));
        break;
    case HygieneController::State::Failed:
        m_summary->setText(tr("The findings could not be made."));
        break;
    case HygieneController::State::Ready: {
        const int keys = int(m_controller->assessment().keys.size());
        m_summary->setText(tr("%1 of %2 with findings · assessed %3 UTC")
                               .arg(keysCounted(m_controller->keysWithFindings()))
                               .arg(keys)
                               .arg(m_controller->now().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        break;
    }
    }
    updateRules();
    updateEnabled();
}

void HygienePage::updateEnabled()
{
    const QList<ApiKey> keys = selectedKeys();
    bool anyEnabled = false, anyRotating = false;
    for (const ApiKey &k : keys) {
        anyEnabled = anyEnabled || !k.disabled;
        const std::optional<KeyHygiene> h = m_controller->keyHygiene(k.hash);
        anyRotating = anyRotating || (h && h->rotation);
    }
    const bool some = !keys.isEmpty() && !m_readOnly;
    m_revoke->setEnabled(some);
    m_disable->setEnabled(some && anyEnabled);
    m_limit->setEnabled(some);
    m_rotate->setEnabled(some);
    m_link->setEnabled(some && m_controller->teamKnown());
    m_keep->setEnabled(some && anyRotating && m_controller->teamKnown());
}

QList<ApiKey> HygienePage::selectedKeys() const
{
    QList<ApiKey> keys;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows) {
        if (const std::optional<KeyHygiene> h = m_controller->keyHygiene(index.data(HygieneTableModel::HashRole).toString()))
            keys << h->key;
    }
    return keys;
}

void HygienePage::selectKeys(const QStringList &names)
{
    m_table->clearSelection();
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex index = m_proxy->index(r, HygieneTableModel::NameColumn);
        if (names.contains(index.data().toString()))
            m_table->selectionModel()->select(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

bool HygienePage::confirm(const QString &title, const QString &verb, const QList<ApiKey> &keys, const QString &informative)
{
    // Every bulk action names each key and its spend before anything is sent.
    return MessageBox::question(this, title, tr("%1 %2? %3").arg(verb, keysCounted(keys.size()), keyListText(keys)),
                                QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel, informative)
        == QMessageBox::Yes;
}

void HygienePage::report(const QString &verb, int total, const QString &doneTemplate, const HygieneController::BulkOutcome &outcome)
{
    QStringList lines;
    if (!outcome.done.isEmpty() && !doneTemplate.isEmpty())
        lines << doneTemplate.arg(outcome.done.join(QStringLiteral(", ")));
    const QString doneText = lines.value(0);
    const QString failures = outcome.failureText(verb, total);
    const QStringList &warnings = outcome.warnings;
    if (!failures.isEmpty())
        lines << failures;
    lines << warnings;
    m_result->setText(lines.join(QLatin1Char('\n')));
    m_result->setVisible(!lines.isEmpty());
    if (!failures.isEmpty() || !warnings.isEmpty())
        Q_EMIT problem(QStringList(failures.isEmpty() ? warnings : QStringList{failures} + warnings).join(QLatin1Char(' ')));
    else if (!doneText.isEmpty())
        Q_EMIT status(doneText);
}

void HygienePage::revokeSelected()
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.isEmpty() || m_readOnly)
        return;
    if (!confirm(tr("Revoke"), tr("Revoke"), keys, tr("Anything using these keys stops working. This cannot be undone.")))
        return;
    m_controller->revoke(keys, this, [this, keys](const HygieneController::BulkOutcome &o) {
        report(tr("revoke"), int(keys.size()), tr("Revoked %1."), o);
    });
}

void HygienePage::disableSelected()
{
    QList<ApiKey> keys;
    for (const ApiKey &k : selectedKeys()) {
        if (!k.disabled)
            keys << k;
    }
    if (keys.isEmpty() || m_readOnly)
        return;
    if (!confirm(tr("Disable"), tr("Disable"), keys, tr("Requests with these keys are refused until they are enabled again.")))
        return;
    m_controller->disable(keys, this, [this, keys](const HygieneController::BulkOutcome &o) {
        report(tr("disable"), int(keys.size()), tr("Disabled %1."), o);
    });
}

void HygienePage::limitSelected()
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.isEmpty() || m_readOnly)
        return;
    QWidget *input = nullptr;
    QLabel *problem = nullptr;
    auto *edit = new QLineEdit;
    edit->setObjectName(QStringLiteral("hygieneLimitEdit"));
    edit->setPlaceholderText(tr("25.00, or none"));
    QDialog *dialog = inputDialog(this, "hygieneLimitDialog", tr("Set limit"),
                                  tr("Set the credit limit of %1: %2").arg(keysCounted(keys.size()), keyListText(keys)), &input, edit,
                                  &problem);
    auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("hygieneLimitDialogButtonBox"));
    connect(buttons, &QDialogButtonBox::accepted, dialog, [this, dialog, edit, problem, keys] {
        const LimitParse parsed = parseCreditLimit(edit->text());
        if (!parsed.error.isEmpty()) {
            problem->setText(parsed.error);
            return;
        }
        dialog->accept();
        m_controller->setLimit(keys, parsed.limit, this, [this, keys, parsed](const HygieneController::BulkOutcome &o) {
            const QString limit = parsed.limit ? formatUsd(*parsed.limit) : tr("no limit");
            report(tr("set the limit of"), int(keys.size()), tr("Set %1 on %2.").arg(limit, QStringLiteral("%1")), o);
        });
    });
    dialog->open();
}

void HygienePage::rotateSelected()
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.isEmpty() || m_readOnly)
        return;
    auto *dialog = new RotateKeyDialog(keys, m_controller->teamKnown(), m_controller->settings(), false, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, keys] {
        m_controller->rotate(keys, dialog->options(), this, [this, keys](const HygieneController::BulkOutcome &o) {
            // Each new secret once, one dialog after the other; the outcome is said after them.
            QList<std::pair<QString, QString>> secrets;
            for (const json::CreatedKey &c : o.created)
                secrets << std::pair{c.key.name, c.secret};
            SecretDialog::showInTurn(window(), secrets);
            report(tr("rotate"), int(keys.size()), tr("Rotated %1."), o);
        });
    });
    dialog->open();
}

void HygienePage::linkSelected()
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.isEmpty() || m_readOnly)
        return;
    const Result<QStringList> members = m_controller->activeMembers();
    if (!members) {
        HygieneController::BulkOutcome o;
        o.warnings << tr("Cannot read the team: %1").arg(members.errorText());
        report(tr("link"), int(keys.size()), QString(), o);
        return;
    }
    QWidget *input = nullptr;
    QLabel *problem = nullptr;
    auto *combo = new QComboBox;
    combo->setObjectName(QStringLiteral("hygieneLinkMemberCombo"));
    combo->addItems(*members);
    QDialog *dialog = inputDialog(this, "hygieneLinkDialog", tr("Link to member"),
                                  tr("Link %1 to a member: %2").arg(keysCounted(keys.size()), keyListText(keys)), &input, combo, &problem);
    auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("hygieneLinkDialogButtonBox"));
    connect(buttons, &QDialogButtonBox::accepted, dialog, [this, dialog, combo, problem, keys] {
        if (combo->currentText().isEmpty()) {
            problem->setText(tr("The team has no active member to link to."));
            return;
        }
        const QString member = combo->currentText();
        dialog->accept();
        const HygieneController::BulkOutcome o = m_controller->link(keys, member);
        report(tr("link"), int(keys.size()), tr("Linked %1 to %2.").arg(QStringLiteral("%1"), member), o);
    });
    dialog->open();
}

void HygienePage::keepSelected()
{
    QList<ApiKey> keys;
    for (const ApiKey &k : selectedKeys()) {
        const std::optional<KeyHygiene> h = m_controller->keyHygiene(k.hash);
        if (h && h->rotation)
            keys << k;
    }
    if (keys.isEmpty() || m_readOnly)
        return;
    if (!confirm(tr("Keep old key"), tr("Keep"), keys, tr("Their rotation schedule ends: they are neither disabled nor revoked by it.")))
        return;
    report(tr("keep"), int(keys.size()), tr("Kept %1; their schedules ended."), m_controller->keepOldKeys(keys));
}

void HygienePage::editSettings()
{
    if (m_readOnly)
        return;
    const Result<HygieneSettings> current = m_controller->settings();
    if (!current) {
        HygieneController::BulkOutcome o;
        o.warnings << tr("Cannot read the thresholds: %1").arg(current.errorText());
        report(tr("read"), 0, QString(), o);
        return;
    }
    auto *dialog = new SmallDialog(this);
    dialog->setObjectName(QStringLiteral("hygieneSettingsDialog"));
    dialog->setWindowTitle(tr("Hygiene thresholds"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto *form = new QFormLayout;
    QList<std::pair<HygieneSettings::Field, QSpinBox *>> spins;
    for (const HygieneSettings::Field &f : HygieneSettings::fields()) {
        const QString id = QString(f.name).replace(QLatin1Char('.'), QLatin1Char('_'));
        auto *spin = new QSpinBox(dialog);
        spin->setObjectName(QStringLiteral("hygieneSetting_") + id);
        spin->setRange(f.minimum, 3650);
        spin->setSuffix(tr(" days"));
        spin->setValue((*current).*(f.member));
        auto *label = new QLabel(f.label, dialog);
        label->setObjectName(QStringLiteral("hygieneSettingLabel_") + id);
        label->setBuddy(spin);
        form->addRow(label, spin);
        spins << std::pair{f, spin};
    }
    auto *problem = new QLabel(dialog);
    problem->setObjectName(QStringLiteral("hygieneSettingsProblemLabel"));
    problem->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, dialog);
    buttons->setObjectName(QStringLiteral("hygieneSettingsButtonBox"));
    buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("hygieneSettingsSaveButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("hygieneSettingsCancelButton"));
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, dialog, [this, dialog, spins, problem, current] {
        HygieneSettings s = *current;
        for (const auto &[field, spin] : spins)
            s.*(field.member) = spin->value();
        if (const QString why = s.problem(); !why.isEmpty()) {
            problem->setText(why);
            return;
        }
        if (const Status saved = m_controller->saveSettings(s); !saved) {
            problem->setText(tr("Not saved: %1").arg(saved.errorText()));
            return;
        }
        dialog->accept();
        Q_EMIT status(tr("Saved the hygiene thresholds."));
    });
    auto *layout = new QVBoxLayout(dialog);
    layout->addLayout(form);
    layout->addWidget(problem);
    layout->addWidget(buttons);
    dialog->markClean(); // the saved thresholds
    dialog->open();
}

} // namespace orteam
