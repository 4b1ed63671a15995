#include "SseCost.h"

#include "InferenceApi.h"
#include "StrictJsonScanner.h"

#include <QJsonDocument>

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

std::optional<double> costOf(const QJsonObject &answer, bool *invalid)
{
    const QJsonObject usage = answer.contains("usage"_L1) ? answer.value("usage"_L1).toObject()
                                                          : answer.value("response"_L1).toObject().value("usage"_L1).toObject();
    if (!usage.contains("cost"_L1) || usage.value("cost"_L1).isNull())
        return std::nullopt;
    std::optional<double> cost = checkedCost(usage.value("cost"_L1), invalid);
    // With the team's own provider key (BYOK), usage.cost is OpenRouter's fee and the provider's
    // charge comes apart: both are money the team spends.
    const QJsonValue upstream = usage.value("cost_details"_L1).toObject().value("upstream_inference_cost"_L1);
    if (cost && usage.value("is_byok"_L1).toBool() && upstream.isDouble()) {
        const std::optional<double> provider = checkedCost(upstream, invalid);
        cost = provider ? std::optional<double>(*cost + *provider) : std::nullopt;
    }
    return cost;
}

QString generationIdOf(const QJsonObject &answer)
{
    for (const auto &holder : {answer, answer.value("response"_L1).toObject(), answer.value("message"_L1).toObject()}) {
        const QString id = holder.value("id"_L1).toString();
        if (!id.isEmpty())
            return id;
    }
    return {};
}

void UsageReader::take(const QJsonObject &event)
{
    if (generationId.isEmpty())
        generationId = generationIdOf(event);
    bool invalid = false;
    if (const auto c = costOf(event, &invalid))
        cost = c;
    invalidCost = invalidCost || invalid;
}

namespace {
// A whole answer cut down to the top-level members take() reads, as they were written: the
// choices, the output, the content (most of an answer) are checked and skipped, never built into
// Qt's objects. nullopt when the strict scanner is not sure (see StrictJsonScanner): Qt reads
// the answer whole then, so what is read never depends on which of the two read it.
class AnswerScanner : private StrictJsonScanner
{
public:
    using StrictJsonScanner::StrictJsonScanner;

    std::optional<QByteArray> run()
    {
        static constexpr std::array<std::string_view, 4> Read = {"id", "usage", "response", "message"};
        std::array<QByteArrayView, Read.size()> found;
        space();
        if (!take('{'))
            return std::nullopt;
        if (!objectMembers([&](std::string_view name) {
                const char *const value = m_p;
                if (!skipValue(0))
                    return false;
                // Qt keeps the last of duplicate members; so does this.
                for (size_t i = 0; i < Read.size(); ++i) {
                    if (name == Read[i])
                        found[i] = QByteArrayView(value, m_p - value);
                }
                return true;
            }))
            return std::nullopt;
        space();
        if (m_p != m_end)
            return std::nullopt;
        QByteArray kept;
        kept += '{';
        for (size_t i = 0; i < Read.size(); ++i) {
            if (found[i].isNull())
                continue;
            if (kept.size() > 1)
                kept += ',';
            kept += '"';
            kept += QByteArrayView(Read[i].data(), qsizetype(Read[i].size()));
            kept += "\":";
            kept += found[i];
        }
        kept += '}';
        return kept;
    }
};
} // namespace

void UsageReader::readWhole(const QByteArray &json)
{
    if (const std::optional<QByteArray> kept = AnswerScanner(json).run())
        return take(QJsonDocument::fromJson(*kept).object());
    take(QJsonDocument::fromJson(json).object());
}

void UsageReader::feed(const QByteArray &data)
{
    pending += data;
    qsizetype start = 0;
    for (qsizetype nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
        const QByteArrayView line = QByteArrayView(pending).sliced(start, nl - start).trimmed();
        start = nl + 1;
        if (!line.startsWith("data:") || (!line.contains("\"cost\"") && !generationId.isEmpty()))
            continue;
        const QByteArrayView payload = line.sliced(5).trimmed();
        if (payload.startsWith('{'))
            take(QJsonDocument::fromJson(payload.toByteArray()).object());
    }
    pending.remove(0, start);
    // A line that never ends must not grow without bound: no SSE line we read is near this.
    if (pending.size() > 8 * 1024 * 1024)
        pending.clear();
}

} // namespace orteam
