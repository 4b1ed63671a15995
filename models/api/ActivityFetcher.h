#pragma once

#include "Account.h"
#include "ApiResult.h"

#include <QDate>
#include <QObject>
#include <QStringList>

#include <functional>

namespace orteam {

class OpenRouterClient;

// Reads GET /activity for the account, then for each given key (api_key_hash) and each given
// OpenRouter user (user_id), a few requests at a time. One answer at the end: everything, or the
// first error (nothing partial to write). A key or user OpenRouter no longer knows (404: revoked
// or removed meanwhile) counts as no activity. `progress` counts keys and users.
void fetchActivity(OpenRouterClient *client, const QStringList &keyHashes, const QStringList &userIds, QObject *context,
                   std::function<void(int done, int total)> progress, std::function<void(const ApiResult<ActivityData> &)> done);

// The same reading as fetchActivity through POST /analytics/query: the account per day, model and
// provider, the keys per day, key and model, and (when users are given) the users per day (rows
// of keys and users not asked about are dropped): two or three queries whatever the number of keys
// (more only when an answer is truncated). The window is /activity's: the 30 UTC days before
// `today`, so either way stores the same rows. Any error is the answer (the caller decides
// whether /activity is worth trying).
void fetchActivityByAnalytics(OpenRouterClient *client, const QStringList &keyHashes, const QStringList &userIds,
                              const QDate &today, QObject *context,
                              std::function<void(const ApiResult<ActivityData> &)> done);

// The keys worth asking about: every key used at least once (a key never used has no activity),
// linked or not: a key linked to nobody is still some workspace's spend, and the chargeback of a
// past month needs its days from before orteam watched it. Analytics answers them all in the
// same query; /activity, refused analytics, asks once per key.
QStringList keysForActivity(const QList<ApiKey> &keys);

} // namespace orteam
