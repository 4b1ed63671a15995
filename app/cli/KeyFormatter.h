#pragma once

#include "ApiKey.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QString>

#include <functional>

namespace orteam::KeyFormatter {

// Output formats of `keys list` and `keys show`. Kept apart from the command logic so each can be
// tested on plain data.
// The formats of `keys list` are streamed: UTF-8 is handed to `write` in chunks of about 64 KiB
// as it is formatted, each chunk ending after a whole key (or line), so 10,000 keys never exist as
// one document or one QString. json's bytes are those QJsonDocument::toJson(Indented) writes for
// the keys' toJson() objects.
using Write = std::function<void(QByteArrayView utf8)>;
void table(const ApiKeyList &keys, const QDateTime &now, const Write &write);
void json(const ApiKeyList &keys, const Write &write);
void csv(const ApiKeyList &keys, const QDateTime &now, const Write &write);
QString details(const ApiKey &key, const QDateTime &now);
// Left-aligned columns two spaces apart, one row per line (the first row is the header).
QString columns(const QList<QStringList> &rows);

} // namespace orteam::KeyFormatter
