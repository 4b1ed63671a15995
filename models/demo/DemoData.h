#pragma once

#include "Account.h"
#include "Notify.h"
#include "Store.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

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
// Who left the team but still has an enabled key (the Hygiene page's "owner inactive"); in the
// team database as inactive, no longer in the organization.
QList<DemoMember> formerMembers();
// Keys that give the Hygiene page something to find: dormant ones (their last use a real day in
// the snapshots), one never used, one linked to nobody, and the former member's.
struct HygieneKey
{
    QString name;
    QString owner;        // the team database's member name; empty: nobody
    int createdDaysAgo = 0;
    int lastUsedDaysAgo = 0; // -1: never used
    double dailyRequests = 0;
    double limit = 0;
};
QList<HygieneKey> hygieneKeys();
QString memberName(const DemoMember &member); // the team database's name: "alice", …
QList<ModelInfo> models();
// Each key's spend per UTC day (by key hash), as the fake's activity has it.
using KeyHistory = QHash<QString, QMap<QDate, double>>;
// `perKey`: the same activity per key hash (what GET /activity?api_key_hash= answers).
void seed(FakeOpenRouter &server, const QDateTime &now, KeyHistory *history = nullptr, QList<ActivityItem> *activity = nullptr,
          QHash<QString, QList<ActivityItem>> *perKey = nullptr);
// The team database of the demo: the members with their tiers and keys, the daily key snapshots a
// dashboard that had been syncing all along would hold, and one member with an own daily limit
// below today's spend, so the over-budget flag has something to show.
void seedStore(Store &store, const QList<ApiKey> &keys, const KeyHistory &history, const QDateTime &now,
               const QList<ActivityItem> &activity = {}, const QHash<QString, QList<ActivityItem>> &perKey = {});
// Where the demo's alerts and reports go, so the Notifications page has something to show: a
// Slack destination whose URL is the embedded fake's receiver (`fakeBaseUrl`, loopback: the demo
// never posts to the internet) and an email destination left disabled, its server on loopback too.
struct DemoDestination
{
    Destination destination;
    DestinationSecret secret;
};
QList<DemoDestination> notifyDestinations(const QUrl &fakeBaseUrl);
// What an admin did to the demo team lately (disabling Eve's key, raising Carol's batch limit, …),
// for the demo's Audit page.
QList<AuditEntry> auditHistory(const QDateTime &now);

} // namespace DemoData
} // namespace orteam
