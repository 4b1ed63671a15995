#pragma once

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace orteam {

class KeyFilterProxyModel;
class KeyListController;
class SearchField;

// How the dashboard's key tables look and select: whole rows, several at once (for bulk
// actions), alternating colours from the palette, one line per key.
void setUpKeyTable(QTableView *table);

// The Keys page: every key of the account in a sortable, searchable table with totals beneath.
class KeysPage final : public QWidget
{
    Q_OBJECT

public:
    explicit KeysPage(KeyListController *controller, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    KeyFilterProxyModel *proxy() const { return m_proxy; }
    void setSearchText(const QString &text);
    SearchField *searchField() const { return m_search; }
    // Selects the key's row and scrolls it into view; a search or filter hiding it is cleared.
    void selectKey(const QString &hash);

private:
    void updateTotals();

    KeyListController *m_controller;
    KeyFilterProxyModel *m_proxy;
    SearchField *m_search;
    QLabel *m_empty;
    QComboBox *m_statusFilter;
    QTableView *m_table;
    QLabel *m_totals;
    QTimer m_totalsTimer;
    // "As of 06:31 (4 min ago) — the last refresh failed" above the kept rows; its timer makes
    // the age grow while nothing else happens.
    QLabel *m_stale;
    QTimer m_staleTimer;
};

} // namespace orteam
