#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "ApiResult.h"
#include "KeyRequests.h"
#include "Workspace.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>

namespace orteam::json {

// Parsers of OpenRouter's response bodies. They take bytes, not a socket, so tests and fuzzers
// feed them directly. Unknown fields are ignored, optional fields may be absent or null, and a
// field of the wrong type is an error naming the field, never a silent zero.
// On failure the result's error is BadResponse with the path of the offending field.
struct CreatedKey
{
    ApiKey key;
    QString secret; // the top-level "key": returned once, never stored
};

// GET /keys: read by parseKeyListFast when it can, else (and for every error) by
// parseKeyListReference, so both give the same keys and the same errors.
ApiResult<ApiKeyList> parseKeyList(const QByteArray &body);
// A page of 100 keys read from its bytes in one pass (a 10,000-key listing spent about 40% of
// the CLI's CPU in QJsonDocument and QJsonObject). nullopt, not an error, when the body is
// anything but strict JSON that the reference reads without complaint, so callers fall back to
// the reference for every error and every leniency of Qt's parser. Exposed for the differential
// test and the fuzz target, which hold it to the reference.
std::optional<ApiKeyList> parseKeyListFast(QByteArrayView body);
// The same through QJsonDocument, QJsonObject and parseKey: the reference for errors and messages.
ApiResult<ApiKeyList> parseKeyListReference(const QByteArray &body);
ApiResult<ApiKey> parseKeyEnvelope(const QByteArray &body);
ApiResult<CreatedKey> parseCreatedKey(const QByteArray &body);
ApiResult<bool> parseDeleted(const QByteArray &body);
ApiResult<CurrentKeyInfo> parseCurrentKey(const QByteArray &body);
ApiResult<Credits> parseCredits(const QByteArray &body);
ApiResult<QList<ActivityItem>> parseActivity(const QByteArray &body);
ApiResult<QList<ModelInfo>> parseModels(const QByteArray &body);
ApiResult<Guardrail> parseGuardrailEnvelope(const QByteArray &body);
ApiResult<Page<Guardrail>> parseGuardrailList(const QByteArray &body);
ApiResult<Page<GuardrailKeyAssignment>> parseKeyAssignments(const QByteArray &body);
ApiResult<qint64> parseAssignedCount(const QByteArray &body, const char *field);
ApiResult<Page<GuardrailMemberAssignment>> parseMemberAssignments(const QByteArray &body);
ApiResult<Page<OrgMember>> parseOrgMembers(const QByteArray &body);
// Workspaces: GET /workspaces (a page), one workspace ({"data": …}), its budgets ({"data": [...]}:
// a null reset_interval is the lifetime budget), one budget, its members (a page).
ApiResult<Page<Workspace>> parseWorkspaceList(const QByteArray &body);
ApiResult<Workspace> parseWorkspaceEnvelope(const QByteArray &body);
ApiResult<QList<WorkspaceBudget>> parseWorkspaceBudgets(const QByteArray &body);
ApiResult<WorkspaceBudget> parseWorkspaceBudgetEnvelope(const QByteArray &body);
ApiResult<Page<WorkspaceMember>> parseWorkspaceMembers(const QByteArray &body);
// POST /analytics/query's answer to `query`: every metric and dimension asked for, in every row.
ApiResult<AnalyticsResult> parseAnalytics(const QByteArray &body, const AnalyticsQuery &query);

// Parses one key object; exposed for the fake server's request checks and for tests.
bool parseKey(const QJsonObject &object, ApiKey *key, QString *error);

// Serializers. Field names are OpenRouter's; these are the only places request bodies are built.
QJsonObject toJson(const NewKeySpec &spec);
QJsonObject toJson(const KeyUpdate &update);
QJsonObject toJson(const GuardrailSpec &spec);
QJsonObject toJson(const AnalyticsQuery &query);
// The key object as OpenRouter spells it (the CLI's --format json and the fake server use this).
QJsonObject toJson(const ApiKey &key);
QJsonObject toJson(const Guardrail &guardrail);
// The fake server's answers.
QJsonObject toJson(const Workspace &workspace);
QJsonObject toJson(const WorkspaceBudget &budget, const QString &workspaceId);

QString isoUtc(const QDateTime &dt); // "2027-12-31T23:59:59Z", or empty for an invalid time
// isoUtc's text appended as UTF-8, without a QString or QDateTime::toString per time: a listing
// writes three times per key.
void appendIsoUtc(QByteArray &out, const QDateTime &dt);

// Appends the bytes QJsonDocument::toJson(Indented) writes for toJson(key) as an element of a
// top-level array (indented 4 spaces, members 8, no line end after the closing brace), so a
// listing of 10,000 keys is written key by key instead of built as a document, serialized and
// converted. tst_keyformatter holds the two to the same bytes.
void appendIndentedJson(QByteArray &out, const ApiKey &key);

} // namespace orteam::json
