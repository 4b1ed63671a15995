#pragma once

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace orteam {

class SearchField;
class SearchFilterProxyModel;

class ErrorBanner;
class KeyListController;
class TeamController;

// The Team page: members with tier, daily limit and spend today and this week; adding and
// editing members, bulk tier assignment, roster import, offboarding, the tier editor, pushing
// tiers to OpenRouter guardrails, and the local daily check's flags and auto-enforce switch.
class TeamPage final : public QWidget
{
    Q_OBJECT

public:
    TeamPage(TeamController *team, KeyListController *keys, ErrorBanner *banner, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QStringList selectedNames() const;
    void selectMembers(const QStringList &names);

    // Where "Import CSV…" gets its file: a file dialog, or (tests) a fixed path.
    void setFileChooser(std::function<QString()> chooser) { m_chooseFile = std::move(chooser); }

    // Read-only viewing (no management key, perhaps a read-only database role): the team and its
    // spend are shown, every control that would change something is hidden.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

public Q_SLOTS:
    void addMember();
    void editMember();
    void setTierOfSelection();
    void offboardSelection();
    void importRoster();
    void editTiers();
    void applyTiers();
    void matchMembers();
    void createGatewayToken();

Q_SIGNALS:
    void status(const QString &message);

private:
    void updateEnabled();
    void updateSummary();
    void updateOverBudget();

    TeamController *m_team;
    KeyListController *m_keys;
    ErrorBanner *m_banner;
    SearchFilterProxyModel *m_proxy;
    SearchField *m_search;
    QLabel *m_empty;
    QPushButton *m_add;
    QPushButton *m_edit;
    QComboBox *m_bulkTier;
    QPushButton *m_setTier;
    QPushButton *m_offboard;
    QPushButton *m_import;
    QPushButton *m_tiers;
    QPushButton *m_apply;
    QPushButton *m_match;
    QPushButton *m_token;
    QCheckBox *m_autoEnforce;
    bool m_readOnly = false;
    QLabel *m_overBudget;
    QTableView *m_table;
    QLabel *m_summary;
    std::function<QString()> m_chooseFile;
};

} // namespace orteam
