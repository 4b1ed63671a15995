#pragma once

#include "Account.h"
#include "ApiResult.h"

#include <QObject>
#include <QStringList>

#include <functional>

namespace orteam {

class OpenRouterClient;

// Reads GET /activity for the account, then for each given key (api_key_hash), a few requests
// at a time. One answer at the end: everything, or the first error (nothing partial to write).
// A key OpenRouter no longer knows (404: revoked meanwhile) counts as no activity.
void fetchActivity(OpenRouterClient *client, const QStringList &keyHashes, QObject *context,
                   std::function<void(int done, int total)> progress, std::function<void(const ApiResult<ActivityData> &)> done);

// The keys worth asking about: linked to a member and used at least once (a key never used has
// no activity, and asking about every key of a large account would take minutes).
QStringList keysForActivity(const QList<ApiKey> &keys, const QHash<QString, QString> &owners);

} // namespace orteam
