#pragma once

#include "Account.h"
#include "Store.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace orteam {

class FakeOpenRouter;

// The sample team behind `orteam --demo`: a dozen people with keys in every state (near and over
// the limit, disabled, expiring soon, expired, no limit) and 60 days of activity across models.
// Deterministic for a given "now", so screenshots and tests see the same team every run.
namespace DemoData {

struct DemoMember
{
    QString fullName;
    QString email;
    QString tier; // free / basic / pro / enterprise
    QStringList keyNames;
};

QList<DemoMember> members();
QList<ModelInfo> models();
void seed(FakeOpenRouter &server, const QDateTime &now);
// What an admin did to the demo team lately (disabling Eve's key, raising Carol's batch limit, …),
// for the demo's Audit page.
QList<AuditEntry> auditHistory(const QDateTime &now);

} // namespace DemoData
} // namespace orteam
