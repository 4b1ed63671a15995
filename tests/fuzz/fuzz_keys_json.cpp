// GET /keys, GET /keys/{hash}, POST /keys bodies: any bytes give a value or a typed error, never
// a crash, a hang or undefined behaviour.
#include "JsonCodec.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto list = orteam::json::parseKeyList(body);
    if (list.ok()) {
        for (const orteam::ApiKey &k : list.value)
            (void)k.hash.size();
    } else {
        (void)list.error.message();
    }
    (void)orteam::json::parseKeyEnvelope(body);
    (void)orteam::json::parseCreatedKey(body);
    (void)orteam::json::parseDeleted(body);
    return 0;
}
