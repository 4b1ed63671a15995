#include "NotificationsPage.h"
#include "Theme.h"

#include "DestinationDialog.h"
#include "MessageBox.h"
#include "NotifyController.h"
#include "FormRows.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QString when(const QDateTime &at)
{
    return at.isValid() ? at.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s) : QString();
}

QStandardItem *cell(const QString &text, const QVariant &sortValue = {})
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    item->setData(sortValue.isValid() ? sortValue : QVariant(text), NotificationsPage::SortRole);
    return item;
}

QTableView *table(QWidget *parent, const QString &name, QStandardItemModel *model)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    auto *proxy = new QSortFilterProxyModel(view);
    proxy->setObjectName(name + u"Proxy"_s);
    proxy->setSourceModel(model);
    proxy->setSortRole(NotificationsPage::SortRole);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setWordWrap(false);
    return view;
}

QPushButton *button(QWidget *parent, const QString &name, const QString &text)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}

// A budget field: empty is "none", else a non-negative amount of USD.
std::optional<std::optional<double>> parseBudget(const QString &text)
{
    QString t = text.trimmed();
    if (t.isEmpty())
        return std::optional<double>();
    t.remove(u'$');
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (!ok || v < 0)
        return std::nullopt;
    return std::optional<double>(v);
}
} // namespace

QColor NotificationsPage::warningColor(const QPalette &palette)
{
    return theme::toneText(theme::Tone::Over, palette);
}

QString NotificationsPage::takesText(const Destination &d)
{
    QStringList parts;
    if (d.alertKinds.size() == allAlertKinds().size()) {
        parts << tr("every alert");
    } else if (!d.alertKinds.isEmpty()) {
        QStringList kinds;
        for (Alert::Kind k : d.alertKinds)
            kinds << alertKindTitle(k);
        parts << kinds.join(u", "_s);
    }
    if (d.weeklyReport)
        parts << tr("weekly report");
    if (d.monthlyReport)
        parts << tr("monthly report");
    if (parts.isEmpty())
        parts << tr("nothing");
    if (!d.tiers.isEmpty())
        parts << tr("tiers: %1").arg(d.tiers.join(u", "_s));
    if (d.quietFrom && d.quietTo)
        parts << tr("quiet %1–%2 %3").arg(d.quietFrom->toString(u"HH:mm"_s), d.quietTo->toString(u"HH:mm"_s), d.timeZone);
    return parts.join(u" · "_s);
}

NotificationsPage::NotificationsPage(NotifyController *controller, QWidget *parent) : QWidget(parent), m_controller(controller)
{
    setObjectName(u"notificationsPage"_s);

    m_readProblem = new QLabel(this);
    m_readProblem->setObjectName(u"notifyReadProblemLabel"_s);
    m_readProblem->setWordWrap(true);
    m_readProblem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readProblem->hide();

    // ---- Destinations ----
    auto *destBox = new QGroupBox(tr("Destinations"), this);
    destBox->setObjectName(u"destinationsGroupBox"_s);
    m_destinationModel = new QStandardItemModel(0, DestinationColumnCount, this);
    m_destinationModel->setObjectName(u"destinationsModel"_s);
    m_destinationModel->setHorizontalHeaderLabels({tr("Name"), tr("Kind"), tr("Takes"), tr("Last delivered"), tr("Pending"), tr("Status")});
    m_destinations = table(destBox, u"destinationsTableView"_s, m_destinationModel);
    m_destinations->sortByColumn(NameColumn, Qt::AscendingOrder);
    m_add = button(destBox, u"addDestinationButton"_s, tr("Add…"));
    m_edit = button(destBox, u"editDestinationButton"_s, tr("Edit…"));
    m_remove = button(destBox, u"removeDestinationButton"_s, tr("Remove…"));
    m_test = button(destBox, u"sendTestButton"_s, tr("Send test"));
    m_testAnswer = new QLabel(destBox);
    m_testAnswer->setObjectName(u"sendTestAnswerLabel"_s);
    m_testAnswer->setWordWrap(true);
    m_testAnswer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *destButtons = new QHBoxLayout;
    for (QPushButton *b : {m_add, m_edit, m_remove, m_test})
        destButtons->addWidget(b);
    destButtons->addWidget(m_testAnswer, 1);
    auto *destLayout = new QVBoxLayout(destBox);
    destLayout->addWidget(m_destinations, 1);
    destLayout->addLayout(destButtons);

    // ---- Team alert settings ----
    auto *settingsBox = new QGroupBox(tr("Team alert settings"), this);
    settingsBox->setObjectName(u"alertSettingsGroupBox"_s);
    auto *settingsForm = new QFormLayout(settingsBox);
    m_thresholds = new QLineEdit(settingsBox);
    m_thresholds->setObjectName(u"alertThresholdsLineEdit"_s);
    m_thresholds->setPlaceholderText(u"50,80,100"_s);
    m_thresholds->setToolTip(tr("The shares of a daily or monthly budget (a member's, a tier's or the team's) that raise an alert."));
    addNamedRow(settingsForm, tr("Thresholds (%):"), m_thresholds);
    m_teamDaily = new QLineEdit(settingsBox);
    m_teamDaily->setObjectName(u"teamDailyBudgetLineEdit"_s);
    m_teamDaily->setPlaceholderText(tr("none"));
    addNamedRow(settingsForm, tr("Team daily budget ($):"), m_teamDaily);
    m_teamMonthly = new QLineEdit(settingsBox);
    m_teamMonthly->setObjectName(u"teamMonthlyBudgetLineEdit"_s);
    m_teamMonthly->setPlaceholderText(tr("none"));
    addNamedRow(settingsForm, tr("Team monthly budget ($):"), m_teamMonthly);
    m_creditsDays = new QSpinBox(settingsBox);
    m_creditsDays->setObjectName(u"creditsWarnDaysSpinBox"_s);
    m_creditsDays->setRange(0, 365);
    m_creditsDays->setSpecialValueText(tr("no warning"));
    m_creditsDays->setSuffix(tr(" days"));
    addNamedRow(settingsForm, tr("Credits run out within:"), m_creditsDays);
    m_saveSettings = button(settingsBox, u"saveAlertSettingsButton"_s, tr("Save"));
    m_settingsAnswer = new QLabel(settingsBox);
    m_settingsAnswer->setObjectName(u"alertSettingsAnswerLabel"_s);
    m_settingsAnswer->setWordWrap(true);
    // The answer under Save, across the form, and the box's width fixed: a long error must not
    // widen the box and move Save from under the pointer that is about to click it again.
    auto *saveRow = new QHBoxLayout;
    saveRow->addStretch(1);
    saveRow->addWidget(m_saveSettings);
    settingsForm->addRow(saveRow);
    settingsForm->addRow(m_settingsAnswer);
    settingsBox->setFixedWidth(380);

    // ---- Outbox ----
    auto *outboxBox = new QGroupBox(tr("Recent messages"), this);
    outboxBox->setObjectName(u"outboxGroupBox"_s);
    m_outboxModel = new QStandardItemModel(0, OutboxColumnCount, this);
    m_outboxModel->setObjectName(u"outboxModel"_s);
    m_outboxModel->setHorizontalHeaderLabels({tr("Time"), tr("Destination"), tr("Title"), tr("State"), tr("Attempts"), tr("Last error")});
    m_outbox = table(outboxBox, u"outboxTableView"_s, m_outboxModel);
    m_outbox->horizontalHeader()->setStretchLastSection(false);
    m_outbox->horizontalHeader()->setSectionResizeMode(TitleColumn, QHeaderView::Stretch);
    m_outbox->sortByColumn(TimeColumn, Qt::DescendingOrder); // newest first, as the outbox reads
    m_sendAgain = button(outboxBox, u"sendAgainButton"_s, tr("Send again"));
    m_sendAgain->setToolTip(tr("A message given up on, or one whose sender stopped mid-send, is sent again. "
                               "Check first that an unknown one did not arrive."));
    auto *outboxButtons = new QHBoxLayout;
    outboxButtons->addWidget(m_sendAgain);
    outboxButtons->addStretch(1);
    auto *outboxLayout = new QVBoxLayout(outboxBox);
    outboxLayout->addWidget(m_outbox, 1);
    outboxLayout->addLayout(outboxButtons);

    // The destinations get the whole width: their status, the column that matters most, is last.
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(outboxBox, 1);
    bottom->addWidget(settingsBox, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_readProblem);
    layout->addWidget(destBox, 2);
    layout->addLayout(bottom, 3);

    connect(m_add, &QPushButton::clicked, this, [this] { openDialog(std::nullopt); });
    connect(m_edit, &QPushButton::clicked, this, [this] {
        if (const auto d = selectedDestination())
            openDialog(d);
    });
    connect(m_destinations, &QTableView::doubleClicked, this, [this] {
        if (const auto d = selectedDestination())
            openDialog(d);
    });
    connect(m_remove, &QPushButton::clicked, this, &NotificationsPage::removeSelected);
    connect(m_test, &QPushButton::clicked, this, &NotificationsPage::sendTest);
    connect(m_sendAgain, &QPushButton::clicked, this, &NotificationsPage::sendAgain);
    connect(m_saveSettings, &QPushButton::clicked, this, &NotificationsPage::saveSettings);
    connect(m_destinations->selectionModel(), &QItemSelectionModel::selectionChanged, this, &NotificationsPage::updateButtons);
    connect(m_outbox->selectionModel(), &QItemSelectionModel::selectionChanged, this, &NotificationsPage::updateButtons);
    connect(m_controller, &NotifyController::changed, this, &NotificationsPage::reload);

    reload();
    loadSettings();
}

void NotificationsPage::reload()
{
    const QString selectedId = selectedDestination() ? selectedDestination()->id : QString();
    const qint64 selectedItemId = selectedItem() ? selectedItem()->id : 0;
    const auto destinations = m_controller->destinations();
    const auto health = m_controller->health();
    const auto recent = m_controller->recent(200);
    QString error;
    if (!destinations)
        error = destinations.errorText();
    else if (!health)
        error = health.errorText();
    else if (!recent)
        error = recent.errorText();
    m_readProblem->setText(tr("Cannot read the notifications from the team database: %1").arg(error));
    theme::styleToneText(m_readProblem, theme::Tone::Over);
    m_readProblem->setVisible(!error.isEmpty());
    m_destinationModel->removeRows(0, m_destinationModel->rowCount());
    m_outboxModel->removeRows(0, m_outboxModel->rowCount());
    m_destinationList.clear();
    m_items.clear();
    // Tables that could not be read are shown empty and disabled under the error: their rows
    // would be a guess.
    m_destinations->setEnabled(error.isEmpty());
    m_outbox->setEnabled(error.isEmpty());
    if (!error.isEmpty()) {
        updateButtons();
        return;
    }

    QHash<QString, DestinationHealth> healthOf;
    for (const DestinationHealth &h : *health)
        healthOf.insert(h.destinationId, h);
    QHash<QString, QString> nameOf;
    const QColor warning = warningColor(m_destinations->palette());
    m_destinationList = *destinations;
    for (const Destination &d : *destinations) {
        nameOf.insert(d.id, d.name);
        const DestinationHealth h = healthOf.value(d.id);
        QString state;
        const QHash<QString, QString> unreadable = m_controller->unreadableSecrets();
        const bool noSecret = d.enabled && unreadable.contains(d.id);
        if (!d.enabled)
            state = tr("Disabled");
        else if (noSecret)
            state = tr("Failing: no secret here (%1)").arg(unreadable.value(d.id));
        else if (h.failing())
            state = tr("Failing since %1: %2").arg(when(h.failingSince), h.lastError);
        else if (h.lastSent.isValid())
            state = tr("OK");
        else
            state = tr("Nothing sent yet");
        QList<QStandardItem *> row{cell(d.name), cell(destinationKindTitle(d.kind)), cell(takesText(d)),
                                   cell(h.lastSent.isValid() ? when(h.lastSent) : tr("never"), h.lastSent),
                                   cell(QString::number(h.pending), h.pending), cell(state)};
        row.first()->setData(d.id, IdRole);
        row.at(TakesColumn)->setToolTip(takesText(d));
        if (destinationFailing(d, h, noSecret)) {
            row.last()->setForeground(warning);
            row.last()->setToolTip(noSecret ? unreadable.value(d.id) : h.lastError);
        }
        m_destinationModel->appendRow(row);
    }
    m_items = *recent;
    for (const OutboxItem &item : *recent) {
        // Sorted by id: rows made in the same second keep the order they were made in.
        QList<QStandardItem *> row{cell(when(item.createdAt), item.id), cell(nameOf.value(item.destinationId, item.destinationId)),
                                   cell(item.message.title), cell(outboxStateId(item.state)), cell(QString::number(item.attempts), item.attempts),
                                   cell(item.lastError)};
        row.first()->setData(item.id, IdRole);
        row.at(TitleColumn)->setToolTip(item.message.title);
        row.last()->setToolTip(item.lastError);
        if (item.state == OutboxItem::State::Failed || item.state == OutboxItem::State::Unknown)
            row.at(StateColumn)->setForeground(warning);
        m_outboxModel->appendRow(row);
    }
    m_destinations->resizeColumnsToContents();
    m_outbox->resizeColumnsToContents();
    // Long routing and error texts would push the status out of sight; their tooltips are whole.
    m_destinations->setColumnWidth(TakesColumn, std::min(m_destinations->columnWidth(TakesColumn), 320));
    // The messages' titles take what the other columns leave (elided; their tooltips are
    // whole), so the attempts and the last error stay in sight beside the alert settings.
    m_outbox->setColumnWidth(ErrorColumn, std::min(m_outbox->columnWidth(ErrorColumn), 260));
    // The selection follows the row, not the position, across a reload.
    for (int r = 0; r < m_destinations->model()->rowCount(); ++r) {
        const QModelIndex i = m_destinations->model()->index(r, 0);
        if (!selectedId.isEmpty() && i.data(IdRole).toString() == selectedId)
            m_destinations->selectRow(r);
    }
    for (int r = 0; r < m_outbox->model()->rowCount(); ++r) {
        const QModelIndex i = m_outbox->model()->index(r, 0);
        if (selectedItemId != 0 && i.data(IdRole).toLongLong() == selectedItemId)
            m_outbox->selectRow(r);
    }
    updateButtons();
}

std::optional<Destination> NotificationsPage::selectedDestination() const
{
    const QModelIndexList rows = m_destinations->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    const QString id = rows.first().data(IdRole).toString();
    for (const Destination &d : m_destinationList) {
        if (d.id == id)
            return d;
    }
    return std::nullopt;
}

std::optional<OutboxItem> NotificationsPage::selectedItem() const
{
    const QModelIndexList rows = m_outbox->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    const qint64 id = rows.first().data(IdRole).toLongLong();
    for (const OutboxItem &item : m_items) {
        if (item.id == id)
            return item;
    }
    return std::nullopt;
}

void NotificationsPage::updateButtons()
{
    const bool readable = m_readProblem->isHidden();
    const bool one = selectedDestination().has_value();
    m_add->setEnabled(readable);
    m_edit->setEnabled(one);
    m_remove->setEnabled(one);
    m_test->setEnabled(one);
    const auto item = selectedItem();
    m_sendAgain->setEnabled(item && (item->state == OutboxItem::State::Failed || item->state == OutboxItem::State::Unknown));
}

void NotificationsPage::openDialog(const std::optional<Destination> &existing)
{
    const auto tiers = m_controller->tierNames();
    if (!tiers) {
        Q_EMIT problem(tr("Cannot read the team's tiers: %1").arg(tiers.errorText()));
        return;
    }
    auto *dialog = new DestinationDialog(m_controller, existing, *tiers, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        Q_EMIT status(tr("Saved %1.").arg(dialog->destination().name));
    });
    dialog->open();
}

void NotificationsPage::removeSelected()
{
    const auto d = selectedDestination();
    if (!d)
        return;
    const auto answer = MessageBox::question(
        this, tr("Remove destination"), tr("Remove %1 (%2)?").arg(d->name, destinationKindTitle(d->kind)), QMessageBox::Yes | QMessageBox::Cancel,
        QMessageBox::Cancel, tr("Its messages not yet sent are dropped, and its secret is removed from the keychain."));
    if (answer != QMessageBox::Yes)
        return;
    const QString name = d->name;
    m_controller->removeDestination(*d, this, [this, name](const QString &error) {
        if (!error.isEmpty())
            Q_EMIT problem(error);
        else
            Q_EMIT status(tr("Removed %1.").arg(name));
    });
}

void NotificationsPage::sendTest()
{
    const auto d = selectedDestination();
    if (!d)
        return;
    m_test->setEnabled(false);
    theme::styleToneText(m_testAnswer, std::nullopt);
    m_testAnswer->setText(tr("Sending a test to %1…").arg(d->name));
    m_controller->sendTest(*d, this, [this](bool ok, const QString &answer) {
        theme::styleToneText(m_testAnswer, ok ? std::nullopt : std::optional(theme::Tone::Over));
        m_testAnswer->setText(answer);
        updateButtons();
    });
}

void NotificationsPage::sendAgain()
{
    const auto item = selectedItem();
    if (!item)
        return;
    if (const Status s = m_controller->retry(item->id); !s)
        Q_EMIT problem(tr("Cannot send the message again: %1").arg(s.errorText()));
    else
        Q_EMIT status(tr("\"%1\" is queued again.").arg(item->message.title));
}

void NotificationsPage::loadSettings()
{
    const auto settings = m_controller->alertSettings();
    if (!settings) {
        // Unreadable settings must not be shown as the defaults someone could then save.
        m_saveSettings->setEnabled(false);
        m_settingsAnswer->setText(tr("Cannot read the alert settings: %1").arg(settings.errorText()));
        return;
    }
    QStringList thresholds;
    for (int t : settings->budgetThresholds)
        thresholds << QString::number(t);
    m_thresholds->setText(thresholds.join(u","_s));
    m_teamDaily->setText(settings->teamDailyBudget ? QString::number(*settings->teamDailyBudget) : QString());
    m_teamMonthly->setText(settings->teamMonthlyBudget ? QString::number(*settings->teamMonthlyBudget) : QString());
    m_creditsDays->setValue(settings->creditsWarnDays);
    m_saveSettings->setEnabled(true);
}

void NotificationsPage::saveSettings()
{
    const auto fail = [this](const QString &text) {
        theme::styleToneText(m_settingsAnswer, theme::Tone::Over);
        m_settingsAnswer->setText(text);
    };
    AlertSettings s;
    QString why;
    const auto thresholds = AlertSettings::parseThresholds(m_thresholds->text(), &why);
    if (!thresholds)
        return fail(why);
    s.budgetThresholds = *thresholds;
    const auto daily = parseBudget(m_teamDaily->text());
    if (!daily)
        return fail(tr("The team daily budget is an amount in USD, or empty for none."));
    const auto monthly = parseBudget(m_teamMonthly->text());
    if (!monthly)
        return fail(tr("The team monthly budget is an amount in USD, or empty for none."));
    s.teamDailyBudget = *daily;
    s.teamMonthlyBudget = *monthly;
    s.creditsWarnDays = m_creditsDays->value();
    if (const Status saved = m_controller->setAlertSettings(s); !saved)
        return fail(saved.errorText());
    theme::styleToneText(m_settingsAnswer, std::nullopt);
    m_settingsAnswer->setText(tr("Saved."));
    loadSettings();
}

} // namespace orteam
