#include "Output.h"

#include "Money.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

Option formatOption(const QStringList &choices)
{
    return Option::choice(u"format"_s, choices, u"How to print it (default: %1)."_s.arg(choices.first()));
}

Option yesOption()
{
    return Option::flag(u"yes"_s, u"Do not ask for confirmation."_s);
}

QString moneyOr(const std::optional<double> &amount, const QString &none)
{
    return amount ? formatUsd(*amount) : none;
}

QJsonValue jsonMoney(const std::optional<double> &amount)
{
    return amount ? QJsonValue(*amount) : QJsonValue(QJsonValue::Null);
}

QString jsonText(const QJsonValue &value)
{
    const QJsonDocument document = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

} // namespace orteam::cli
