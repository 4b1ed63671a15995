// GET /activity, POST /analytics/query, GET /models and GET /credits bodies (prices arrive as
// strings of numbers).
#include "JsonCodec.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto activity = orteam::json::parseActivity(body);
    if (activity.ok()) {
        double total = 0;
        for (const orteam::ActivityItem &a : activity.value)
            total += a.usage;
        (void)total;
    }
    const auto models = orteam::json::parseModels(body);
    if (models.ok()) {
        for (const orteam::ModelInfo &m : models.value)
            (void)m.promptPricePerMillion();
    }
    // The sync's per-key query: rows keyed by the names asked for.
    orteam::AnalyticsQuery query;
    query.metrics = QStringList{QStringLiteral("total_cost"), QStringLiteral("request_count")};
    query.dimensions = QStringList{QStringLiteral("api_key_id"), QStringLiteral("model")};
    const auto analytics = orteam::json::parseAnalytics(body, query);
    if (analytics.ok()) {
        double total = 0;
        for (const orteam::AnalyticsRow &row : analytics.value.rows)
            total += row.metrics.value(QStringLiteral("total_cost"));
        (void)total;
    }
    (void)orteam::json::parseCredits(body);
    (void)orteam::json::parseGuardrailList(body);
    return 0;
}
