#pragma once

#include <QFormLayout>
#include <QLabel>

namespace orteam {

// A form row whose label is named after its field ("smtpHostLineEdit" → "smtpHostLineEditLabel"):
// QFormLayout::addRow(text, field) makes an unnamed QLabel, and every widget is found by name.
inline void addNamedRow(QFormLayout *form, const QString &text, QWidget *field)
{
    auto *label = new QLabel(text, field->parentWidget());
    label->setObjectName(field->objectName() + QStringLiteral("Label"));
    label->setBuddy(field);
    form->addRow(label, field);
}

} // namespace orteam
