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
    bool invalid = false;
    const std::optional<double> c = costOf(event, &invalid);
    note(generationId.isEmpty() ? generationIdOf(event) : QString(), c, invalid);
}

void UsageReader::note(const QString &id, std::optional<double> c, bool invalid)
{
    if (generationId.isEmpty())
        generationId = id;
    if (c)
        cost = c;
    invalidCost = invalidCost || invalid;
}

namespace {
// A whole answer read in one strict pass (see StrictJsonScanner) for what take() reads of it, so
// its choices, output or content (most of an answer) are checked and skipped, never built into
// Qt's objects. A chat, completion or embedding answer (id and usage at the top) is read here
// to the end: its id, and usage's cost, is_byok and cost_details.upstream_inference_cost, each
// as Qt would read it (the last of duplicate members). An answer with `response` or `message`
// (where Responses and Messages put them) is cut down to the members take() reads, for Qt to
// read. run() is false when the scanner is not sure: Qt reads the answer whole then, so what is
// read never depends on which of them read it.
class AnswerScanner : private StrictJsonScanner
{
public:
    using StrictJsonScanner::StrictJsonScanner;

    bool direct = true; // false: read `kept` with Qt
    QByteArray kept;

    bool run()
    {
        static constexpr std::array<std::string_view, 4> Read = {"id", "usage", "response", "message"};
        std::array<QByteArrayView, Read.size()> found;
        space();
        if (!take('{'))
            return false;
        if (!objectMembers([&](std::string_view name) {
                const char *const value = m_p;
                bool ok = false;
                if (name == "id")
                    ok = readId();
                else if (name == "usage")
                    ok = readUsage();
                else
                    ok = skipValue(0);
                if (!ok)
                    return false;
                for (size_t i = 0; i < Read.size(); ++i) {
                    if (name == Read[i])
                        found[i] = QByteArrayView(value, m_p - value);
                }
                direct = direct && name != "response" && name != "message";
                return true;
            }))
            return false;
        space();
        if (m_p != m_end)
            return false;
        if (direct)
            return true;
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
        return true;
    }

    // generationIdOf(): `id` if a string (another kind reads as "")
    QString id() const { return m_idIsString ? text(m_id) : QString(); }

    // costOf(), on what readUsage() found
    std::optional<double> cost(bool *invalid) const
    {
        if (m_cost.kind == Number::Absent || m_cost.kind == Number::Null)
            return std::nullopt;
        std::optional<double> c = checked(m_cost, invalid);
        if (c && m_byok && m_upstream.kind == Number::Value) {
            const std::optional<double> provider = checked(m_upstream, invalid);
            c = provider ? std::optional<double>(*c + *provider) : std::nullopt;
        }
        return c;
    }

private:
    // A member's value as costOf() tells them apart: absent, null, a number, anything else.
    struct Number
    {
        enum Kind { Absent, Null, Value, Other } kind = Absent;
        double value = 0;
    };

    static std::optional<double> checked(const Number &n, bool *invalid)
    {
        // Not a number: a value of any other kind, which checkedCost() refuses alike.
        return checkedCost(n.kind == Number::Value ? QJsonValue(n.value) : QJsonValue(QJsonValue::Bool), invalid);
    }

    bool readNumber(Number *n, int depth)
    {
        if (literal("null")) {
            n->kind = Number::Null;
            return true;
        }
        if (m_p < m_end && (*m_p == '-' || (*m_p >= '0' && *m_p <= '9'))) {
            n->kind = Number::Value;
            return number(&n->value);
        }
        n->kind = Number::Other;
        return skipValue(depth);
    }

    bool readId()
    {
        m_idIsString = take('"');
        return m_idIsString ? string(&m_id) : skipValue(0);
    }

    // `usage`: what is not an object reads as an empty one; each `usage` replaces the one before.
    bool readUsage()
    {
        m_cost = {};
        m_byok = false;
        m_upstream = {};
        if (!take('{'))
            return skipValue(0);
        return objectMembers([this](std::string_view name) {
            if (name == "cost")
                return readNumber(&m_cost, 1);
            if (name == "is_byok") {
                m_byok = literal("true");
                return m_byok || skipValue(1);
            }
            if (name != "cost_details")
                return skipValue(1);
            m_upstream = {};
            if (!take('{'))
                return skipValue(1);
            return objectMembers([this](std::string_view detail) {
                return detail == "upstream_inference_cost" ? readNumber(&m_upstream, 2) : skipValue(2);
            });
        });
    }

    Str m_id;
    bool m_idIsString = false;
    Number m_cost;
    bool m_byok = false;
    Number m_upstream;
};
} // namespace

void UsageReader::readWhole(const QByteArray &json)
{
    AnswerScanner scan(json);
    if (!scan.run())
        return take(QJsonDocument::fromJson(json).object());
    if (!scan.direct)
        return take(QJsonDocument::fromJson(scan.kept).object());
    bool invalid = false;
    const std::optional<double> c = scan.cost(&invalid);
    note(scan.id(), c, invalid);
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
