// The key table model and its proxy, under QAbstractItemModelTester: refreshes keep rows in place,
// sorting uses raw values, search and status filters.
#include "KeyFilterProxyModel.h"
#include "KeyTableModel.h"

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

namespace {
ApiKey key(const QString &name, double usage, std::optional<double> limit = std::nullopt)
{
    ApiKey k;
    k.name = name;
    k.hash = QString(name).leftJustified(64, u'0');
    k.label = u"sk-or-v1-"_s + name.left(3) + u"...xyz"_s;
    k.usage = usage;
    k.usageMonthly = usage;
    k.limit = limit;
    if (limit)
        k.limitRemaining = std::max(0.0, *limit - usage);
    return k;
}
const QDateTime Now = QDateTime(QDate(2026, 11, 27), QTime(12, 0), QTimeZone::utc());
} // namespace

class TestKeyModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testerAcceptsEveryChange()
    {
        KeyTableModel model;
        KeyFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(KeyTableModel::UsageTotalColumn, Qt::DescendingOrder);

        model.setKeys({key(u"a"_s, 1), key(u"b"_s, 2), key(u"c"_s, 3)}, Now);
        QCOMPARE(model.rowCount(), 3);
        model.setKeys({key(u"a"_s, 5), key(u"c"_s, 3), key(u"d"_s, 4)}, Now); // b gone, d new, a changed
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.keys().at(0).usage, 5.0);
        QCOMPARE(model.rowOfHash(key(u"d"_s, 0).hash), 2);
        QCOMPARE(model.rowOfHash(key(u"b"_s, 0).hash), -1);
        model.updateKey(key(u"e"_s, 9));
        model.removeKey(key(u"a"_s, 0).hash);
        proxy.setSearchText(u"d"_s);
        proxy.setSearchText(QString());
        model.setKeys({}, Now);
        QCOMPARE(model.rowCount(), 0);
    }

    void refreshKeepsRowsInPlace()
    {
        KeyTableModel model;
        model.setKeys({key(u"a"_s, 1), key(u"b"_s, 2), key(u"c"_s, 3)}, Now);
        const QPersistentModelIndex b = model.index(1, KeyTableModel::NameColumn);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.setKeys({key(u"a"_s, 1), key(u"b"_s, 7), key(u"c"_s, 3)}, Now);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(removed.size(), 0);
        QVERIFY(b.isValid());
        QCOMPARE(b.data().toString(), u"b"_s);
        QCOMPARE(model.index(1, KeyTableModel::UsageTotalColumn).data().toString(), u"$7.00"_s);

        // A vanished neighbour does not disturb the selected row's identity.
        model.setKeys({key(u"b"_s, 7), key(u"c"_s, 3)}, Now);
        QCOMPARE(resets.size(), 0);
        QVERIFY(b.isValid());
        QCOMPARE(b.data().toString(), u"b"_s);
        QCOMPARE(b.row(), 0);
    }

    void displayAndSortRolesDiffer()
    {
        KeyTableModel model;
        model.setKeys({key(u"nine"_s, 9, 20), key(u"ten"_s, 10), key(u"tiny"_s, 0.0042, 1)}, Now);
        const QModelIndex usage = model.index(0, KeyTableModel::UsageTotalColumn);
        QCOMPARE(usage.data().toString(), u"$9.00"_s);
        QCOMPARE(usage.data(KeyTableModel::SortRole).toDouble(), 9.0);
        QCOMPARE(model.index(2, KeyTableModel::UsageTotalColumn).data().toString(), u"$0.0042"_s);
        QCOMPARE(model.index(1, KeyTableModel::LimitColumn).data().toString(), u"No limit"_s);
        QVERIFY(qIsInf(model.index(1, KeyTableModel::LimitColumn).data(KeyTableModel::SortRole).toDouble()));
        QCOMPARE(model.index(0, KeyTableModel::RemainingColumn).data().toString(), u"$11.00"_s);
        QCOMPARE(model.index(0, 0).data(KeyTableModel::LimitUsedFractionRole).toDouble(), 0.45);
        QVERIFY(!model.index(1, 0).data(KeyTableModel::LimitUsedFractionRole).isValid());

        KeyFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.sort(KeyTableModel::UsageTotalColumn, Qt::DescendingOrder);
        // Numeric, not text order: "$9.00" < "$10.00".
        QCOMPARE(proxy.index(0, 0).data().toString(), u"ten"_s);
        QCOMPARE(proxy.index(1, 0).data().toString(), u"nine"_s);
        QCOMPARE(proxy.index(2, 0).data().toString(), u"tiny"_s);
    }

    void searchAndStatusFilter()
    {
        KeyTableModel model;
        ApiKey disabled = key(u"eve-security"_s, 1);
        disabled.disabled = true;
        ApiKey expiring = key(u"hiro-mobile"_s, 1);
        expiring.expiresAt = Now.addDays(3);
        model.setKeys({key(u"alice-backend"_s, 1), disabled, expiring}, Now);
        KeyFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QCOMPARE(proxy.rowCount(), 3);
        proxy.setSearchText(u"  BACKEND "_s);
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setSearchText(u"sk-or-v1-hir"_s); // the masked label matches too
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), u"hiro-mobile"_s);
        proxy.setSearchText(disabled.hash.left(10)); // and the hash
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setSearchText(QString());
        proxy.setStatusFilter(KeyStatus::Disabled);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), u"eve-security"_s);
        proxy.setStatusFilter(KeyStatus::ExpiringSoon);
        QCOMPARE(proxy.index(0, KeyTableModel::StatusColumn).data().toString(), u"Expiring soon"_s);
        proxy.setStatusFilter(std::nullopt);
        QCOMPARE(proxy.rowCount(), 3);
    }

    void totals()
    {
        KeyTableModel model;
        model.setKeys({key(u"a"_s, 1.5, 10), key(u"b"_s, 2.25), key(u"c"_s, 0.25, 5)}, Now);
        QCOMPARE(model.totalUsage(), 4.0);
        QCOMPARE(model.totalLimits(), 15.0);
    }
};

QTEST_MAIN(TestKeyModel)
#include "tst_keymodel.moc"
