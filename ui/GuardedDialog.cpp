#include "GuardedDialog.h"

#include "MessageBox.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTextEdit>

namespace orteam {

namespace {
const char *const IgnoredProperty = "orteamNotAnEdit";

QVariantList checkStates(const QListWidget *list)
{
    QVariantList out;
    // Only what can be ticked: a list that merely picks (the tiers) holds no edit.
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->flags() & Qt::ItemIsUserCheckable)
            out << list->item(i)->text() << int(list->item(i)->checkState());
    }
    return out;
}

QVariantList checkStates(const QTableWidget *table)
{
    QVariantList out;
    for (int r = 0; r < table->rowCount(); ++r) {
        for (int c = 0; c < table->columnCount(); ++c) {
            if (const QTableWidgetItem *item = table->item(r, c); item && (item->flags() & Qt::ItemIsUserCheckable))
                out << item->text() << int(item->checkState());
        }
    }
    return out;
}
} // namespace

void GuardedDialog::ignoreForChanges(QWidget *input)
{
    input->setProperty(IgnoredProperty, true);
}

QVariantList GuardedDialog::inputState() const
{
    // Every input the form has, read generically: a dialog that gains a field is guarded without
    // having to remember to say so.
    QVariantList state;
    for (const QWidget *w : findChildren<QWidget *>()) {
        if (w->property(IgnoredProperty).toBool())
            continue;
        const QWidget *parent = w->parentWidget();
        // The line edits inside spin boxes and editable combo boxes are read through their owner.
        if (parent && (qobject_cast<const QAbstractSpinBox *>(parent) || qobject_cast<const QComboBox *>(parent)))
            continue;
        if (const auto *edit = qobject_cast<const QLineEdit *>(w))
            state << edit->text();
        else if (const auto *button = qobject_cast<const QAbstractButton *>(w); button && button->isCheckable())
            state << button->isChecked();
        else if (const auto *combo = qobject_cast<const QComboBox *>(w))
            state << combo->currentText() << combo->currentData();
        else if (const auto *spin = qobject_cast<const QAbstractSpinBox *>(w))
            state << spin->text();
        else if (const auto *text = qobject_cast<const QPlainTextEdit *>(w))
            state << text->toPlainText();
        else if (const auto *rich = qobject_cast<const QTextEdit *>(w))
            state << rich->toPlainText();
        else if (const auto *list = qobject_cast<const QListWidget *>(w))
            state << QVariant(checkStates(list));
        else if (const auto *table = qobject_cast<const QTableWidget *>(w))
            state << QVariant(checkStates(table));
    }
    return state;
}

void GuardedDialog::markClean()
{
    m_clean = inputState();
}

bool GuardedDialog::hasUnsavedChanges() const
{
    return inputState() != m_clean;
}

QString GuardedDialog::closeQuestion() const
{
    return hasUnsavedChanges() ? tr("Discard changes? What you changed here has not been saved.") : QString();
}

bool GuardedDialog::confirmDiscard()
{
    const QString question = closeQuestion();
    return question.isEmpty()
        || MessageBox::question(this, windowTitle(), question, QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Discard;
}

void GuardedDialog::reject()
{
    if (confirmDiscard())
        QDialog::reject();
}

} // namespace orteam
