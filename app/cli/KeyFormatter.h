#pragma once

#include "ApiKey.h"

#include <QDateTime>
#include <QString>

namespace orteam::KeyFormatter {

// Output formats of `keys list` and `keys show`. Kept apart from the command logic so each can be
// tested on plain data.
QString table(const ApiKeyList &keys, const QDateTime &now);
QString json(const ApiKeyList &keys);
QString csv(const ApiKeyList &keys, const QDateTime &now);
QString details(const ApiKey &key, const QDateTime &now);
// Left-aligned columns two spaces apart, one row per line (the first row is the header).
QString columns(const QList<QStringList> &rows);

} // namespace orteam::KeyFormatter
