#include "KeyTableModel.h"

#include "Money.h"
#include "SearchText.h"

#include <QColor>
#include <QLocale>
#include <QSet>
#include <QTimeZone>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

KeyTableModel::KeyTableModel(QObject *parent) : QAbstractTableModel(parent), m_now(QDateTime::currentDateTimeUtc())
{
}

int KeyTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int KeyTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const ApiKey *KeyTableModel::keyAt(int row) const
{
    return (row >= 0 && row < m_keys.size()) ? &m_keys.at(row) : nullptr;
}

int KeyTableModel::rowOfHash(const QString &hash) const
{
    return m_rowByHash.value(hash, -1);
}

QVariant KeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // Money reads largest first: the first click on its header sorts it descending (QHeaderView
    // asks this role for a section not yet sorted).
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole)
        return (section >= UsageDailyColumn && section <= RemainingColumn) ? QVariant(int(Qt::DescendingOrder)) : QVariant();
    // The spend columns' headers are short, so the whole table fits a 1280 px window: their
    // tooltips say which period each is (OpenRouter's own counters, UTC).
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        switch (section) {
        case UsageDailyColumn: return tr("Spent today (UTC)");
        case UsageWeeklyColumn: return tr("Spent this week (from Monday, UTC)");
        case UsageMonthlyColumn: return tr("Spent this month (UTC)");
        case UsageTotalColumn: return tr("Spent since the key was made");
        default: return {};
        }
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case LabelColumn: return tr("Key");
    case MemberColumn: return tr("Member");
    case UsageDailyColumn: return tr("Today");
    case UsageWeeklyColumn: return tr("Week");
    case UsageMonthlyColumn: return tr("Month");
    case UsageTotalColumn: return tr("Total");
    case LimitColumn: return tr("Limit");
    case RemainingColumn: return tr("Remaining");
    case ResetColumn: return tr("Resets");
    case StatusColumn: return tr("Status");
    case CreatedColumn: return tr("Created");
    case ExpiresColumn: return tr("Expires");
    default: return {};
    }
}

namespace {
QString formatDate(const QDateTime &dt)
{
    return dt.isValid() ? dt.toUTC().date().toString(Qt::ISODate) : QString();
}
QString statusText(KeyStatus s)
{
    switch (s) {
    case KeyStatus::Active: return KeyTableModel::tr("Active");
    case KeyStatus::ExpiringSoon: return KeyTableModel::tr("Expiring soon");
    case KeyStatus::Disabled: return KeyTableModel::tr("Disabled");
    case KeyStatus::Expired: return KeyTableModel::tr("Expired");
    }
    return {};
}
} // namespace

QVariant KeyTableModel::displayValue(const ApiKey &k, int column) const
{
    switch (column) {
    case NameColumn: return k.name;
    case LabelColumn: return k.label;
    case MemberColumn: return m_owners.value(k.hash);
    case UsageDailyColumn: return formatUsd(k.usageDaily);
    case UsageWeeklyColumn: return formatUsd(k.usageWeekly);
    case UsageMonthlyColumn: return formatUsd(k.usageMonthly);
    case UsageTotalColumn: return formatUsd(k.usage);
    case LimitColumn: return k.limit ? formatUsd(*k.limit) : tr("No limit");
    case RemainingColumn:
        if (!k.limit)
            return QString();
        return formatUsd(k.limitRemaining.value_or(*k.limit - k.usage));
    case ResetColumn: return k.limitReset == LimitReset::None ? tr("Never") : limitResetToString(k.limitReset);
    case StatusColumn:
        // A key on its way out says so where an admin looks; the tooltip has the dates.
        return m_schedules.contains(k.hash) ? tr("%1 · being replaced").arg(statusText(k.status(m_now))) : statusText(k.status(m_now));
    case CreatedColumn: return formatDate(k.createdAt);
    case ExpiresColumn: return k.expiresAt.isValid() ? formatDate(k.expiresAt) : tr("Never");
    default: return {};
    }
}

QVariant KeyTableModel::sortValue(const ApiKey &k, int column) const
{
    switch (column) {
    case NameColumn: return k.name.toLower();
    case LabelColumn: return k.label;
    case MemberColumn: return m_owners.value(k.hash).toLower();
    case UsageDailyColumn: return k.usageDaily;
    case UsageWeeklyColumn: return k.usageWeekly;
    case UsageMonthlyColumn: return k.usageMonthly;
    case UsageTotalColumn: return k.usage;
    // No limit sorts above every limit: it is the most money a key can spend.
    case LimitColumn: return k.limit.value_or(std::numeric_limits<double>::infinity());
    case RemainingColumn: return k.limit ? k.limitRemaining.value_or(*k.limit - k.usage) : std::numeric_limits<double>::infinity();
    case ResetColumn: return int(k.limitReset);
    case StatusColumn: return int(k.status(m_now));
    case CreatedColumn: return k.createdAt;
    case ExpiresColumn: return k.expiresAt.isValid() ? k.expiresAt : QDateTime(QDate(9999, 12, 31), QTime(0, 0), QTimeZone::utc());
    default: return {};
    }
}

QVariant KeyTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ApiKey &k = m_keys.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(k, index.column());
    case Qt::ToolTipRole:
        if (index.column() == RemainingColumn && k.limit) {
            const double used = k.limitUsedFraction().value_or(0);
            return tr("%1 of %2 used (%3%)").arg(formatUsd(*k.limit - k.limitRemaining.value_or(*k.limit - k.usage)),
                                                 formatUsd(*k.limit)).arg(qRound(used * 100));
        }
        if (const QString schedule = m_schedules.value(k.hash); !schedule.isEmpty()
            && (index.column() == NameColumn || index.column() == StatusColumn))
            return index.column() == NameColumn ? tr("Hash: %1\n%2").arg(k.hash, schedule) : schedule;
        if (index.column() == NameColumn)
            return tr("Hash: %1").arg(k.hash);
        return {};
    // The Remaining cell is drawn as a bar; a screen reader gets the figures the bar stands for.
    case Qt::AccessibleTextRole:
        if (index.column() == RemainingColumn) {
            if (!k.limit)
                return tr("No limit");
            const double used = k.limitUsedFraction().value_or(0);
            return tr("%1 left of %2 (%3% used)")
                .arg(formatUsd(k.limitRemaining.value_or(*k.limit - k.usage)), formatUsd(*k.limit))
                .arg(qRound(used * 100));
        }
        return {};
    case Qt::AccessibleDescriptionRole:
        if (index.column() == RemainingColumn)
            return k.limit ? tr("What is left of the key's credit limit, drawn as a bar that empties as the limit is used")
                           : tr("The key has no credit limit");
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= UsageDailyColumn && index.column() <= RemainingColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn) {
            switch (k.status(m_now)) {
            case KeyStatus::Expired: return QColor(0xb0, 0x1e, 0x1e);
            case KeyStatus::Disabled: return QColor(0x6b, 0x6b, 0x6b);
            case KeyStatus::ExpiringSoon: return QColor(0xa8, 0x5d, 0x00);
            case KeyStatus::Active: return QColor(0x1d, 0x7a, 0x35);
            }
        }
        return {};
    case SortRole:
        return sortValue(k, index.column());
    case HashRole:
        return k.hash;
    case StatusRole:
        return int(k.status(m_now));
    case LimitUsedFractionRole: {
        const std::optional<double> f = k.limitUsedFraction();
        return f ? QVariant(*f) : QVariant();
    }
    default:
        return {};
    }
}

void KeyTableModel::rebuildIndex()
{
    m_rowByHash.clear();
    m_rowByHash.reserve(m_keys.size());
    m_searchText.clear();
    m_searchText.reserve(m_keys.size());
    for (int i = 0; i < m_keys.size(); ++i) {
        m_rowByHash.insert(m_keys.at(i).hash, i);
        m_searchText << searchTextOf(m_keys.at(i));
    }
}

bool KeyTableModel::rowMatches(int row, QStringView lowerText) const
{
    return rowMatches(row, QStringMatcher(lowerText), true);
}

bool KeyTableModel::rowMatches(int row, const QStringMatcher &lowerText, bool couldBeHash) const
{
    if (lowerText.pattern().isEmpty())
        return true;
    if (row < 0 || row >= m_keys.size())
        return false;
    return lowerText.indexIn(m_searchText.at(row)) >= 0 || (couldBeHash && lowerText.indexIn(m_keys.at(row).hash) >= 0);
}

void KeyTableModel::setKeys(const ApiKeyList &keys, const QDateTime &now)
{
    m_now = now;
    // Same set of keys in the same order (the common refresh): update values in place so
    // persistent indexes, selection and scroll position stay exactly where they are.
    bool sameRows = keys.size() == m_keys.size();
    for (int i = 0; sameRows && i < keys.size(); ++i)
        sameRows = keys.at(i).hash == m_keys.at(i).hash;
    if (sameRows) {
        m_keys = keys;
        rebuildIndex();
        if (!m_keys.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    // Otherwise remove vanished rows, update surviving ones in place, append new ones: proxies
    // and selections follow individual rows rather than being reset.
    QHash<QString, int> incoming;
    incoming.reserve(keys.size());
    for (int i = 0; i < keys.size(); ++i)
        incoming.insert(keys.at(i).hash, i);
    if (!m_keys.isEmpty() && incoming.isEmpty()) {
        beginResetModel();
        m_keys.clear();
        rebuildIndex();
        endResetModel();
        return;
    }
    for (int row = int(m_keys.size()) - 1; row >= 0; --row) {
        if (!incoming.contains(m_keys.at(row).hash)) {
            int first = row;
            while (first > 0 && !incoming.contains(m_keys.at(first - 1).hash))
                --first;
            beginRemoveRows({}, first, row);
            m_keys.remove(first, row - first + 1);
            rebuildIndex(); // lookups during the removal signals must see the new rows
            endRemoveRows();
            row = first;
        }
    }
    QSet<QString> present;
    for (int row = 0; row < m_keys.size(); ++row) {
        m_keys[row] = keys.at(incoming.value(m_keys.at(row).hash));
        present.insert(m_keys.at(row).hash);
    }
    rebuildIndex();
    if (!m_keys.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    ApiKeyList added;
    for (const ApiKey &k : keys) {
        if (!present.contains(k.hash))
            added << k;
    }
    if (!added.isEmpty()) {
        beginInsertRows({}, int(m_keys.size()), int(m_keys.size() + added.size() - 1));
        m_keys += added;
        rebuildIndex();
        endInsertRows();
    }
}

void KeyTableModel::updateKey(const ApiKey &key)
{
    const int row = rowOfHash(key.hash);
    if (row < 0) {
        beginInsertRows({}, rowCount(), rowCount());
        m_keys << key;
        m_rowByHash.insert(key.hash, int(m_keys.size() - 1));
        m_searchText << searchTextOf(key);
        endInsertRows();
        return;
    }
    m_keys[row] = key;
    m_searchText[row] = searchTextOf(key);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void KeyTableModel::removeKey(const QString &hash)
{
    const int row = rowOfHash(hash);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_keys.removeAt(row);
    rebuildIndex();
    endRemoveRows();
}

double KeyTableModel::totalUsage() const
{
    double sum = 0;
    for (const ApiKey &k : m_keys)
        sum += k.usage;
    return sum;
}

double KeyTableModel::totalLimits() const
{
    double sum = 0;
    for (const ApiKey &k : m_keys)
        sum += k.limit.value_or(0);
    return sum;
}

QString KeyTableModel::searchTextOf(const ApiKey &key) const
{
    // Folded once per key here, so a keystroke compares folded text only ("zoe" finds "Zoë").
    const QString owner = m_owners.value(key.hash);
    return foldForSearch(owner.isEmpty() ? QString(key.name + u'\n' + key.label)
                                         : QString(key.name + u'\n' + key.label + u'\n' + owner));
}

void KeyTableModel::setOwners(const QHash<QString, QString> &owners)
{
    if (owners == m_owners)
        return;
    m_owners = owners;
    rebuildIndex();
    if (!m_keys.isEmpty())
        Q_EMIT dataChanged(index(0, MemberColumn), index(int(m_keys.size()) - 1, MemberColumn));
}

void KeyTableModel::setSchedules(const QHash<QString, QString> &schedules)
{
    if (schedules == m_schedules)
        return;
    m_schedules = schedules;
    if (!m_keys.isEmpty())
        Q_EMIT dataChanged(index(0, NameColumn), index(int(m_keys.size()) - 1, StatusColumn), {Qt::ToolTipRole, Qt::DisplayRole});
}

} // namespace orteam
