// GET /keys, GET /keys/{hash}, POST /keys bodies: any bytes give a value or a typed error, never
// a crash, a hang or undefined behaviour. And the key list's two parsers agree: whatever
// parseKeyListFast reads, the QJson reference reads the same, and parseKeyList answers as the
// reference does (tests/support/KeyListDifferential.h); a disagreement aborts, so libFuzzer keeps
// the body as a reproducer.
#include "JsonCodec.h"
#include "KeyListDifferential.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString disagreement = orteam::test::keyListDisagreement(body);
    if (!disagreement.isEmpty()) {
        std::fprintf(stderr, "fuzz_keys_json: the key list parsers disagree: %s\n", qPrintable(disagreement));
        std::abort();
    }
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
