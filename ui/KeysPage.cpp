#include "KeysPage.h"

#include "KeyFilterProxyModel.h"
#include "KeyListController.h"
#include "KeyTableModel.h"
#include "Money.h"
#include "RemainingBarDelegate.h"
#include "SearchField.h"
#include "Theme.h"
#include "ViewMemory.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

#include <memory>

namespace orteam {

void setUpKeyTable(QTableView *table)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(26);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setHighlightSections(false);
}

KeysPage::KeysPage(KeyListController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_proxy(new KeyFilterProxyModel(this))
{
    setObjectName(QStringLiteral("keysPage"));
    m_proxy->setSourceModel(controller->model());

    m_search = new SearchField(this);
    m_search->setObjectName(QStringLiteral("keySearchLineEdit"));
    m_search->setPlaceholderText(tr("Search name, key, hash or member… (Ctrl+F)"));
    m_search->setAccessibleName(tr("Search keys"));
    m_search->setAccessibleDescription(tr("Filters the key table by name, key, hash or member; Esc clears it"));

    m_statusFilter = new QComboBox(this);
    m_statusFilter->setObjectName(QStringLiteral("keyStatusFilterComboBox"));
    m_statusFilter->addItem(tr("All statuses"));
    m_statusFilter->addItem(tr("Active"), int(KeyStatus::Active));
    m_statusFilter->addItem(tr("Expiring soon"), int(KeyStatus::ExpiringSoon));
    m_statusFilter->addItem(tr("Disabled"), int(KeyStatus::Disabled));
    m_statusFilter->addItem(tr("Expired"), int(KeyStatus::Expired));

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("keysTableView"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KeyTableModel::UsageMonthlyColumn, Qt::DescendingOrder);
    setUpKeyTable(m_table);
    m_table->setItemDelegate(new theme::ReadableItemDelegate(m_table));
    m_table->setItemDelegateForColumn(KeyTableModel::RemainingColumn, new RemainingBarDelegate(m_table));
    // Until keys are listed (none yet, none at all, or the server unreachable) the columns are as
    // wide as their headers: Qt's 100 px each would scroll a 1280 px window sideways over nothing.
    m_table->resizeColumnsToContents();

    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("keysTotalsLabel"));
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("keysEmptyLabel"));
    m_search->showEmptyState(m_empty, m_proxy, controller->model());
    m_stale = new QLabel(this);
    m_stale->setObjectName(QStringLiteral("keysStaleLabel"));
    m_stale->setWordWrap(true);
    QFont bold = m_stale->font();
    bold.setBold(true);
    m_stale->setFont(bold);
    m_stale->hide();

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_statusFilter);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_stale);
    layout->addWidget(m_empty);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_totals);

    connect(m_search, &QLineEdit::textChanged, m_proxy, &KeyFilterProxyModel::setSearchText);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        const QVariant v = m_statusFilter->currentData();
        m_proxy->setStatusFilter(v.isValid() ? std::optional<KeyStatus>(KeyStatus(v.toInt())) : std::nullopt);
    });
    // Totals follow what is shown, so a search answers "how much did these keys spend?". One
    // filter change can remove rows in hundreds of ranges; the sum is computed once after them.
    m_totalsTimer.setSingleShot(true);
    m_totalsTimer.setInterval(0);
    connect(&m_totalsTimer, &QTimer::timeout, this, &KeysPage::updateTotals);
    auto scheduleTotals = [this] { m_totalsTimer.start(); };
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, scheduleTotals);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, scheduleTotals);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, scheduleTotals);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, scheduleTotals);
    // Before the first answer and after a failed refresh the figures are not current: the
    // totals and the stale marker follow every refresh, and the marker's age the clock.
    connect(controller, &KeyListController::refreshStarted, this, scheduleTotals);
    connect(controller, &KeyListController::refreshFinished, this, scheduleTotals);
    m_staleTimer.setParent(this); // found by name (a test speeds it up); destroyed as a member first
    m_staleTimer.setObjectName(QStringLiteral("keysStaleTimer"));
    m_staleTimer.setInterval(30'000);
    connect(&m_staleTimer, &QTimer::timeout, this, &KeysPage::updateTotals);
    updateTotals();

    // Fit the columns to the first real data once; after that the widths are the user's (and
    // when they were restored from the last session, they are the user's already).
    auto fit = std::make_shared<QMetaObject::Connection>();
    *fit = connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this, fit] {
        QObject::disconnect(*fit);
        if (ViewMemory::hasRestoredWidths(m_table))
            return;
        m_table->resizeColumnsToContents();
        m_table->setColumnWidth(KeyTableModel::RemainingColumn,
                                std::max(m_table->columnWidth(KeyTableModel::RemainingColumn), 120));
    });
}

void KeysPage::updateTotals()
{
    const QString stale = m_controller->staleText();
    m_stale->setText(stale);
    m_stale->setVisible(!stale.isEmpty());
    if (stale.isEmpty())
        m_staleTimer.stop();
    else if (!m_staleTimer.isActive())
        m_staleTimer.start();
    if (!m_controller->hasLoaded()) {
        // An empty table before any answer is unknown, not "0 keys · spent $0.00".
        m_totals->setText(m_controller->lastError().isError() && !m_controller->isRefreshing()
                              ? tr("The keys could not be read yet; nothing is shown.")
                              : tr("Loading keys…"));
        return;
    }
    double spend = 0, month = 0, limits = 0;
    int unlimited = 0;
    const KeyTableModel *model = m_controller->model();
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const int source = m_proxy->mapToSource(m_proxy->index(row, 0)).row();
        const ApiKey *k = model->keyAt(source);
        if (!k)
            continue;
        spend += k->usage;
        month += k->usageMonthly;
        if (k->limit)
            limits += *k->limit;
        else
            ++unlimited;
    }
    // "3 of 120 keys" while a search or filter hides some: the sums are of the 3.
    const int shown = m_proxy->rowCount(), total = model->rowCount();
    const QString count = shown == total ? tr("%n key(s) shown", nullptr, shown)
                                         : tr("%1 of %n key(s) shown", nullptr, total).arg(shown);
    m_totals->setText(tr("%1 · spent %2 this month, %3 in total · limits %4%5")
                          .arg(count, formatUsd(month), formatUsd(spend), formatUsd(limits),
                               unlimited ? tr(" + %n without a limit", nullptr, unlimited) : QString()));
}

void KeysPage::selectKey(const QString &hash)
{
    const int sourceRow = m_controller->model()->rowOfHash(hash);
    if (sourceRow < 0)
        return;
    const QModelIndex source = m_controller->model()->index(sourceRow, KeyTableModel::NameColumn);
    if (!m_proxy->mapFromSource(source).isValid()) {
        m_search->clear();
        m_statusFilter->setCurrentIndex(0);
    }
    const QModelIndex shown = m_proxy->mapFromSource(source);
    if (!shown.isValid())
        return;
    m_table->selectionModel()->setCurrentIndex(shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(shown);
}

void KeysPage::setSearchText(const QString &text)
{
    m_search->setText(text);
}

} // namespace orteam
