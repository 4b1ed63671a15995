// What orteam-gateway reads from strangers: HTTP requests from any local client (parsed again
// and again from one buffer, as pipelined requests are) and the upstream's server-sent events,
// fed in pieces split wherever the input says. The first byte picks which, and the split size.
#include "HttpServer.h"
#include "SseCost.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    if (data[0] & 1) {
        QByteArrayView rest(input);
        for (int i = 0; i < 64 && !rest.isEmpty(); ++i) {
            const orteam::HttpParse p = orteam::parseHttpRequest(rest, 4096);
            if (p.state != orteam::HttpParse::State::Done)
                break;
            if (p.consumed <= 0 || p.consumed > rest.size())
                __builtin_trap(); // a parser that does not move forward, or overruns, is a bug
            (void)p.request.path();
            (void)p.request.header("authorization");
            rest = rest.sliced(p.consumed);
        }
    } else {
        orteam::SseCost sse;
        const qsizetype step = 1 + (data[0] >> 1);
        for (qsizetype i = 0; i < input.size(); i += step)
            sse.feed(input.mid(i, step));
        (void)sse.cost;
    }
    return 0;
}
