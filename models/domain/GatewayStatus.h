#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace orteam {

// What orteam-gateway says about itself, kept as a team setting so every dashboard on the same
// database shows it in its status bar. One struct and one JSON form, written by the gateway and
// read by the dashboard.
struct GatewayStatus
{
    QString listening; // host:port
    qint64 requestsToday = 0;
    qint64 refusalsToday = 0;
    qint64 inFlight = 0;
    // Answers today whose cost could not be learned (no usage, and GET /generation never knew
    // it): served but not charged, so a lead must hear of them.
    qint64 uncostedToday = 0;
    QDateTime updatedAt;

    static QString settingName(); // the team setting that holds it
    QString toJson() const;
    // nullopt for an empty setting or text that is not a status object.
    static std::optional<GatewayStatus> fromJson(const QString &text);
};

} // namespace orteam
