#include "GatewayStatus.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

QString GatewayStatus::settingName()
{
    return u"gateway_status"_s;
}

QString GatewayStatus::toJson() const
{
    const QJsonObject json{{"listening"_L1, listening},
                           {"requests_today"_L1, requestsToday},
                           {"refusals_today"_L1, refusalsToday},
                           {"in_flight"_L1, inFlight},
                           {"uncosted_today"_L1, uncostedToday},
                           {"updated_at"_L1, updatedAt.toUTC().toString(Qt::ISODate)}};
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

std::optional<GatewayStatus> GatewayStatus::fromJson(const QString &text)
{
    const QJsonObject json = QJsonDocument::fromJson(text.toUtf8()).object();
    if (json.isEmpty())
        return std::nullopt;
    GatewayStatus s;
    s.listening = json.value("listening"_L1).toString();
    s.requestsToday = json.value("requests_today"_L1).toInteger();
    s.refusalsToday = json.value("refusals_today"_L1).toInteger();
    s.inFlight = json.value("in_flight"_L1).toInteger();
    s.uncostedToday = json.value("uncosted_today"_L1).toInteger();
    s.updatedAt = QDateTime::fromString(json.value("updated_at"_L1).toString(), Qt::ISODate);
    return s;
}

} // namespace orteam
