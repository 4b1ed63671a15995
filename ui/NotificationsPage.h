#pragma once

#include "Notify.h"

#include <QColor>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace orteam {

class NotifyController;

// Where alerts and reports go, and whether they got there: the team's destinations with how each
// is doing, the outbox's latest messages (a failed or unknown one can be sent again), and the
// team's alert settings. Every read that fails says so in place of the tables, never as an empty
// table that would read as "nothing configured".
class NotificationsPage final : public QWidget
{
    Q_OBJECT

public:
    enum DestinationColumn { NameColumn, KindColumn, TakesColumn, LastSentColumn, PendingColumn, StatusColumn, DestinationColumnCount };
    enum OutboxColumn { TimeColumn, OutboxDestinationColumn, TitleColumn, StateColumn, AttemptsColumn, ErrorColumn, OutboxColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, SortRole };

    explicit NotificationsPage(NotifyController *controller, QWidget *parent = nullptr);

    QTableView *destinationsTable() const { return m_destinations; }
    QTableView *outboxTable() const { return m_outbox; }
    // A colour for "failing" that reads on this palette's base, light or dark.
    static QColor warningColor(const QPalette &palette);
    // What a destination takes, in a few words ("every alert · weekly report · tiers: pro").
    static QString takesText(const Destination &d);

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void status(const QString &message);
    void problem(const QString &message);

private:
    std::optional<Destination> selectedDestination() const;
    std::optional<OutboxItem> selectedItem() const;
    void updateButtons();
    void openDialog(const std::optional<Destination> &existing);
    void removeSelected();
    void sendTest();
    void sendAgain();
    void loadSettings();
    void saveSettings();

    NotifyController *m_controller;
    QList<Destination> m_destinationList;
    QList<OutboxItem> m_items;
    QLabel *m_readProblem;
    QTableView *m_destinations;
    QStandardItemModel *m_destinationModel;
    QPushButton *m_add;
    QPushButton *m_edit;
    QPushButton *m_remove;
    QPushButton *m_test;
    QLabel *m_testAnswer;
    QTableView *m_outbox;
    QStandardItemModel *m_outboxModel;
    QPushButton *m_sendAgain;
    QLineEdit *m_thresholds;
    QLineEdit *m_teamDaily;
    QLineEdit *m_teamMonthly;
    QSpinBox *m_creditsDays;
    QPushButton *m_saveSettings;
    QLabel *m_settingsAnswer;
};

} // namespace orteam
