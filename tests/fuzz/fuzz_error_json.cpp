// Error bodies: the first byte picks the HTTP status, the rest is the body. The sentence for a
// person is built from whatever arrived.
#include "ApiError.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int statuses[] = {400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 200, 302};
    const int status = statuses[data[0] % (sizeof statuses / sizeof statuses[0])];
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const orteam::ApiError e = orteam::ApiError::http(status, body, QStringLiteral("openrouter.ai"));
    (void)e.message().size();
    return 0;
}
