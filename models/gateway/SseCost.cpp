#include "SseCost.h"

#include <QJsonDocument>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

std::optional<double> costOf(const QJsonObject &completion)
{
    const QJsonValue cost = completion.value("usage"_L1).toObject().value("cost"_L1);
    // A negative cost would lower the member's spend (lifting their budget) and make the batch it
    // joins unwritable (the store refuses it); it is treated as no cost reported.
    if (!cost.isDouble() || !std::isfinite(cost.toDouble()) || cost.toDouble() < 0)
        return std::nullopt;
    return cost.toDouble();
}

void SseCost::feed(const QByteArray &data)
{
    pending += data;
    qsizetype start = 0;
    for (qsizetype nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
        const QByteArrayView line = QByteArrayView(pending).sliced(start, nl - start).trimmed();
        start = nl + 1;
        if (!line.startsWith("data:") || !line.contains("\"cost\""))
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line.sliced(5).trimmed().toByteArray());
        if (const auto c = costOf(doc.object()))
            cost = c;
    }
    pending.remove(0, start);
    // A line that never ends must not grow without bound: no SSE line we read is near this.
    if (pending.size() > 8 * 1024 * 1024)
        pending.clear();
}

} // namespace orteam
