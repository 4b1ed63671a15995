#pragma once

#include "ApiKey.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QStringMatcher>

namespace orteam {

// The account's keys as a table. Display text and raw sortable values are kept apart: views
// sort on SortRole, never on formatted text ("$9.00" would sort after "$10.00").
class KeyTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        LabelColumn,
        MemberColumn, // who the key belongs to (the team database), empty when unlinked
        UsageDailyColumn,
        UsageWeeklyColumn,
        UsageMonthlyColumn,
        UsageTotalColumn,
        LimitColumn,
        RemainingColumn,
        ResetColumn,
        StatusColumn,
        // Expires before Created: on a narrow window the column cut off is the one nobody acts on
        // (at 1280 px the last column is partly hidden, and an expiry there went unseen).
        ExpiresColumn,
        CreatedColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        HashRole,               // the key's hash, for actions on a row
        StatusRole,             // KeyStatus as int
        LimitUsedFractionRole,  // double 0..∞, or invalid without a limit (the remaining bar)
    };

    explicit KeyTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Replaces the rows with a fresh listing. Rows that stay keep their position in the model
    // where possible, so a view's selection and scroll position survive a refresh.
    void setKeys(const ApiKeyList &keys, const QDateTime &now);
    // Applies one changed key (after a PATCH) or removes one (after a confirmed DELETE).
    void updateKey(const ApiKey &key);
    void removeKey(const QString &hash);

    const ApiKeyList &keys() const { return m_keys; }
    const ApiKey *keyAt(int row) const;
    int rowOfHash(const QString &hash) const;
    QDateTime referenceTime() const { return m_now; }

    // The search box's match on row `row`: name, label or hash contains `lowerText` (already
    // lower case). Uses a lower-cased copy kept per row, so a keystroke over 100,000 rows does a
    // plain case-sensitive scan instead of case-folding every field.
    bool rowMatches(int row, QStringView lowerText) const;
    // The same with a prepared matcher (what the proxy uses): `couldBeHash` is false when the text
    // has a character no hash has, which skips the 64-character hash scan.
    bool rowMatches(int row, const QStringMatcher &lowerText, bool couldBeHash) const;

    // Key hash → member name, from the team database. The member column shows it and the search
    // box finds keys by it.
    void setOwners(const QHash<QString, QString> &owners);
    QString ownerOf(const QString &hash) const { return m_owners.value(hash); }

    // Key hash → what its rotation schedule will do ("Being replaced: disabled on …"), shown as
    // the key's tooltip; empty for keys without an open schedule.
    void setSchedules(const QHash<QString, QString> &schedules);
    QString scheduleOf(const QString &hash) const { return m_schedules.value(hash); }

    double totalUsage() const;
    double totalLimits() const;

private:
    QVariant displayValue(const ApiKey &key, int column) const;
    QVariant sortValue(const ApiKey &key, int column) const;
    void rebuildIndex();

    ApiKeyList m_keys;
    QStringList m_searchText; // per row: lower-case "name\nlabel"; hashes are lower-case hex already
    QHash<QString, int> m_rowByHash;
    QHash<QString, QString> m_owners;
    QHash<QString, QString> m_schedules;
    QString searchTextOf(const ApiKey &key) const;
    QDateTime m_now;
};

} // namespace orteam
