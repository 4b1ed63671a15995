// What orteam-gateway reads from strangers: HTTP requests from any local client (parsed again
// and again from one buffer, as pipelined requests are) and the upstream's server-sent events,
// fed in pieces split wherever the input says. The first byte picks which, and the split size.
#include "HttpServer.h"
#include "SseCost.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const qsizetype step = 1 + (data[0] >> 1);
    if (data[0] & 1) {
        // The server looks for the end of a head in the pieces it reads, scanning only what is
        // new: it must find it (or a bare LF) where one look at the whole does.
        const qsizetype whole = orteam::findHttpHeadEnd(input);
        qsizetype found = 0;
        for (qsizetype seen = 0; found == 0 && seen < input.size();) {
            const qsizetype more = std::min(seen + step, input.size());
            found = orteam::findHttpHeadEnd(QByteArrayView(input).first(more), seen);
            seen = more;
        }
        if (found != whole)
            __builtin_trap();
        QByteArrayView rest(input);
        for (int i = 0; i < 64 && !rest.isEmpty(); ++i) {
            const orteam::HttpParse p = orteam::parseHttpRequest(rest, 4096);
            if (p.state != orteam::HttpParse::State::Done)
                break;
            if (p.consumed <= 0 || p.consumed > rest.size() || p.consumed != p.headSize + p.contentLength)
                __builtin_trap(); // a parser that does not move forward, or overruns, is a bug
            for (const auto &[name, value] : p.request.headers) {
                if (!orteam::isHttpToken(name) || !orteam::isSafeHeaderValue(value))
                    __builtin_trap(); // what it lets through is what the gateway may copy into a header
            }
            (void)p.request.path();
            (void)p.request.header("authorization");
            rest = rest.sliced(p.consumed);
        }
    } else {
        orteam::SseCost sse;
        for (qsizetype i = 0; i < input.size(); i += step)
            sse.feed(input.mid(i, step));
        (void)sse.cost;
    }
    return 0;
}
