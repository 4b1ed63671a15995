#include "Charts.h"

#include "Money.h"
#include "Theme.h"

#include <QAction>
#include <QChart>
#include <QBarCategoryAxis>
#include <QChartView>
#include <QFontMetricsF>
#include <QDateTimeAxis>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>

namespace orteam {

QChartView *makeChartView(const char *objectName, const QString &title, QWidget *parent)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto *view = new QChartView(chart, parent);
    view->setObjectName(QLatin1StringView(objectName));
    view->setRenderHint(QPainter::Antialiasing);
    // A screen reader announces the chart by its title; the description follows its data.
    view->setAccessibleName(title);
    view->setAccessibleDescription(QObject::tr("No data yet."));
    auto *data = new QStandardItemModel(view);
    data->setObjectName(QLatin1StringView(objectName) + QStringLiteral("Data"));
    auto *showTable = new QAction(QObject::tr("Show as table"), view);
    showTable->setObjectName(QLatin1StringView(objectName) + QStringLiteral("TableAction"));
    // The context menu, and the menu key (or Shift+F10) on the focused chart.
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    view->setFocusPolicy(Qt::StrongFocus);
    view->addAction(showTable);
    QObject::connect(showTable, &QAction::triggered, view, [view, data] {
        if (auto *open = view->findChild<QDialog *>(QStringLiteral("chartTableDialog"))) {
            open->raise();
            open->activateWindow();
            return;
        }
        auto *dialog = new QDialog(view);
        dialog->setObjectName(QStringLiteral("chartTableDialog"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle(view->chart()->title());
        auto *table = new QTableView(dialog);
        table->setObjectName(QStringLiteral("chartTableView"));
        table->setModel(data); // the view's own model: a refresh while it is open shows in it
        table->setAccessibleName(view->accessibleName());
        table->verticalHeader()->hide();
        table->horizontalHeader()->setStretchLastSection(true);
        table->resizeColumnsToContents();
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        buttons->setObjectName(QStringLiteral("chartTableButtonBox"));
        buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("chartTableCloseButton"));
        QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
        auto *layout = new QVBoxLayout(dialog);
        layout->addWidget(table);
        layout->addWidget(buttons);
        dialog->resize(520, 360);
        dialog->show();
    });
    theme::applyChartTheme(chart, parent ? parent->palette() : view->palette());
    return view;
}

QStandardItemModel *chartTableModel(const QChartView *view)
{
    return view->findChild<QStandardItemModel *>(view->objectName() + QStringLiteral("Data"), Qt::FindDirectChildrenOnly);
}

void setChartTable(QChartView *view, const QStringList &headers, const QList<QVariantList> &rows)
{
    QStandardItemModel *model = chartTableModel(view);
    model->clear();
    model->setHorizontalHeaderLabels(headers);
    // The highest figure, for the one-line description a screen reader gives.
    double highest = -1;
    QString highestWhere;
    for (const QVariantList &row : rows) {
        QList<QStandardItem *> items;
        const QString label = row.isEmpty() ? QString()
                              : row.first().typeId() == QMetaType::QDate ? row.first().toDate().toString(Qt::ISODate)
                                                                         : row.first().toString();
        for (qsizetype c = 0; c < row.size(); ++c) {
            const QVariant &v = row.at(c);
            auto *item = new QStandardItem;
            item->setEditable(false);
            item->setData(v, Qt::UserRole);
            if (v.typeId() == QMetaType::Double) {
                item->setText(formatUsd(v.toDouble()));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                if (v.toDouble() > highest) {
                    highest = v.toDouble();
                    highestWhere = QObject::tr("%1, %2").arg(headers.value(c), label);
                }
            } else if (v.typeId() == QMetaType::QDate) {
                item->setText(v.toDate().toString(Qt::ISODate));
            } else {
                item->setText(v.toString());
            }
            items << item;
        }
        model->appendRow(items);
    }
    view->setAccessibleName(view->chart()->title());
    const QString count = rows.size() == 1 ? QObject::tr("1 row") : QObject::tr("%1 rows").arg(rows.size());
    view->setAccessibleDescription(rows.isEmpty() ? QObject::tr("No data.")
                                   : highest < 0 ? count
                                                 : QObject::tr("%1; the highest is %2 (%3). \"Show as table\" in the context menu lists them.")
                                                       .arg(count, formatUsd(highest), highestWhere));
}

void clearChart(QChart *chart, const QPalette &palette)
{
    theme::applyChartTheme(chart, palette);
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

QValueAxis *dollarAxis(double max)
{
    auto *axis = new QValueAxis;
    axis->setRange(0, max > 0 ? max * 1.1 : 1.0);
    axis->applyNiceNumbers();
    // Cents only where the ticks are less than a dollar apart: "$0.00$100.00$200.00" ran
    // together under a narrow chart, where "$0 $100 $200" reads.
    const double step = axis->tickCount() > 1 ? (axis->max() - axis->min()) / (axis->tickCount() - 1) : axis->max();
    axis->setLabelFormat(step >= 1.0 ? QStringLiteral("$%.0f") : QStringLiteral("$%.2f"));
    // Amounts whole or not at all: in a short chart Qt Charts would draw "…" for every one.
    axis->setTruncateLabels(false);
    return axis;
}

void fitCategories(QChartView *view, QBarCategoryAxis *axis, int minimumHeight)
{
    QFont small = axis->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    axis->setLabelsFont(small);
    axis->setTruncateLabels(false);
    // Above and below the plot: the title, the value axis's labels, the legend, the margins.
    const int around = 4 * QFontMetrics(view->chart()->titleFont()).height() + 40;
    const int line = int(QFontMetricsF(small).height()) + 4;
    view->setMinimumHeight(std::max(minimumHeight, around + line * int(axis->count())));
}

qint64 dayMsecs(const QDate &day)
{
    return QDateTime(day, QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

void setDayRange(QDateTimeAxis *axis, const QDate &first, const QDate &last)
{
    axis->setRange(QDateTime::fromMSecsSinceEpoch(dayMsecs(first), QTimeZone::utc()),
                   QDateTime::fromMSecsSinceEpoch(dayMsecs(last), QTimeZone::utc()));
}

void setChartTableError(QChartView *view, const QString &error)
{
    setChartTable(view, {}, {});
    view->setAccessibleDescription(QObject::tr("Could not be read: %1").arg(error));
}

} // namespace orteam
