#pragma once

#include "ApiKey.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QString>

#include <functional>

namespace orteam::KeyFormatter {

// Output formats of `keys list` and `keys show`. Kept apart from the command logic so each can be
// tested on plain data.
// The formats of `keys list` hand UTF-8 to `write` in chunks of about 64 KiB, each ending after a
// whole key (or line), so 10,000 keys never exist as one QJsonDocument or one QString (the chunks
// are kept until the listing is whole). json's bytes are those QJsonDocument::toJson(Indented)
// writes for the keys' toJson() objects.
using Write = std::function<void(QByteArrayView utf8)>;

// A `keys list` formatted as its keys arrive, a batch at a time, and written once it is whole:
// keys list formats the batches on one thread of their own while the next pages are fetched, and a
// listing that fails part-way prints nothing. add() may run on any thread, one call at a time;
// finish() writes everything. json and csv keep their chunks; the table keeps its cells, since
// its widths need every row.
class Listing
{
public:
    enum class Format { Table, Json, Csv };
    Listing(Format format, const QDateTime &now);
    void add(const ApiKeyList &keys);
    void finish(const Write &write);

private:
    void keyDone();

    Format m_format;
    QDateTime m_now;
    QList<QByteArray> m_chunks; // json and csv: the full ones
    QByteArray m_bytes;         // json and csv: the one being filled
    QList<QStringList> m_rows;  // table: the header, then a row a key
    double m_total = 0;         // table: every key's usage
    qsizetype m_count = 0;
};

void table(const ApiKeyList &keys, const QDateTime &now, const Write &write);
void json(const ApiKeyList &keys, const Write &write);
void csv(const ApiKeyList &keys, const QDateTime &now, const Write &write);
QString details(const ApiKey &key, const QDateTime &now);
// Left-aligned columns two spaces apart, one row per line (the first row is the header).
QString columns(const QList<QStringList> &rows);

} // namespace orteam::KeyFormatter
