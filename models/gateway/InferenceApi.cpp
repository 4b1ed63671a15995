#include "InferenceApi.h"

#include "StrictJsonScanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVarLengthArray>
#include <QUrl>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
struct Route
{
    InferenceApi api;
    const char *name;
};
constexpr Route Routes[] = {
    {InferenceApi::ChatCompletions, "chat/completions"}, {InferenceApi::Completions, "completions"},
    {InferenceApi::Embeddings, "embeddings"},            {InferenceApi::Responses, "responses"},
    {InferenceApi::Messages, "messages"},
};

const char *anthropicErrorType(int status)
{
    switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 402: return "billing_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
    }
}
} // namespace

std::optional<InferenceApi> inferenceApiForPath(QByteArrayView path)
{
    if (path.startsWith("/api/v1/"))
        path = path.sliced(8);
    else if (path.startsWith("/v1/"))
        path = path.sliced(4);
    else
        return std::nullopt;
    for (const Route &r : Routes) {
        if (path == r.name)
            return r.api;
    }
    return std::nullopt;
}

QString upstreamPath(InferenceApi api)
{
    for (const Route &r : Routes) {
        if (r.api == api)
            return u'/' + QString::fromLatin1(r.name);
    }
    return {};
}

bool apiStreams(InferenceApi api) { return api != InferenceApi::Embeddings; }

QByteArray apiErrorBody(InferenceApi api, int status, const QString &message, const QJsonObject &metadata)
{
    QJsonObject error;
    if (api == InferenceApi::Messages) {
        error = {{"type"_L1, QString::fromLatin1(anthropicErrorType(status))}, {"message"_L1, message}};
        return QJsonDocument(QJsonObject{{"type"_L1, u"error"_s}, {"error"_L1, error}}).toJson(QJsonDocument::Compact);
    }
    error = {{"code"_L1, status}, {"message"_L1, message}};
    if (!metadata.isEmpty())
        error.insert("metadata"_L1, metadata);
    return QJsonDocument(QJsonObject{{"error"_L1, error}}).toJson(QJsonDocument::Compact);
}

PolicyOutcome applyRequestPolicy(InferenceApi api, const QList<Tier> &tiers, const Member &member, QJsonObject body)
{
    PolicyOutcome out;
    auto refuse = [&out](int status, const QString &message) {
        out.refusal = status;
        out.message = message;
        return out;
    };
    {
        // Not kept past here: a string read out of the body holds the body's whole storage, and
        // the first edit below would then copy all of it (10 MB for a large request).
        const QJsonValue model = body.value("model"_L1);
        if (!model.isString() || model.toString().isEmpty())
            return refuse(400, u"\"model\" must be a model id such as openai/gpt-4o-mini"_s);
        out.requestedModel = model.toString();
    }

    // "stream" decides how the answer is read (and so charged): a value the gateway and OpenRouter
    // could read differently ("stream": 1) is refused, not guessed.
    const QJsonValue stream = body.value("stream"_L1);
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return refuse(400, u"\"stream\" must be true or false"_s);
    out.stream = stream.toBool() && apiStreams(api);
    if (!apiStreams(api))
        body.remove("stream"_L1);

    const Tier *tier = findTier(tiers, member.tier);
    const ModelDecision decision = applyModelPolicy(tiers, member.tier, out.requestedModel);
    if (decision.outcome == ModelDecision::Outcome::Refused)
        return refuse(403, decision.reason);
    body.insert("model"_L1, decision.model);
    if (decision.outcome == ModelDecision::Outcome::Downgraded)
        out.downgradedFrom = out.requestedModel;

    // OpenRouter's fallback list: each entry is a model the request may end on, so each is judged
    // like `model`. Entries the tier does not allow are taken out (a fallback is optional by
    // nature); a list left empty goes, with the route that only means something with it.
    if (body.contains("models"_L1)) {
        const QJsonValue models = body.value("models"_L1);
        if (!models.isArray())
            return refuse(400, u"\"models\" must be a list of model ids"_s);
        QJsonArray kept;
        for (const QJsonValue &m : models.toArray()) {
            if (!m.isString())
                return refuse(400, u"\"models\" must be a list of model ids"_s);
            if (applyModelPolicy(tiers, member.tier, m.toString()).outcome == ModelDecision::Outcome::Allowed)
                kept.append(m);
            else
                out.removedModels.append(m.toString());
        }
        if (kept.isEmpty()) {
            body.remove("models"_L1);
            body.remove("route"_L1);
        } else {
            body.insert("models"_L1, kept);
        }
    }

    // Plugins: the auto router picks a model from its allowed_models, so that list is cut to the
    // tier's (and a router left with nothing to pick from is refused: it would pick any model).
    // Other plugins (web search, file parsing, moderation) pick no model; their cost is in the
    // answer's usage.cost like the model's, so the budget covers them.
    if (body.contains("plugins"_L1)) {
        if (!body.value("plugins"_L1).isArray())
            return refuse(400, u"\"plugins\" must be a list of plugin objects"_s);
        QJsonArray plugins;
        for (const QJsonValue &p : body.value("plugins"_L1).toArray()) {
            if (!p.isObject())
                return refuse(400, u"\"plugins\" must be a list of plugin objects"_s);
            QJsonObject plugin = p.toObject();
            if (tier && !tier->isUnrestricted() && plugin.value("id"_L1).toString() == "auto-router"_L1) {
                QJsonArray allowed;
                const QJsonArray asked = plugin.contains("allowed_models"_L1) ? plugin.value("allowed_models"_L1).toArray()
                                                                              : QJsonArray::fromStringList(*tier->allowedModels);
                for (const QJsonValue &m : asked) {
                    if (tier->allowedModels->contains(m.toString()))
                        allowed.append(m);
                }
                if (allowed.isEmpty())
                    return refuse(403, u"The %1 tier allows none of the auto router's models."_s.arg(tier->name));
                plugin.insert("allowed_models"_L1, allowed);
            }
            plugins.append(plugin);
        }
        body.insert("plugins"_L1, plugins);
    }

    // A preset carries its own model and fallbacks, decided at OpenRouter where the tier cannot see
    // them: a tier with an allowlist refuses it.
    if (tier && !tier->isUnrestricted() && body.contains("preset"_L1))
        return refuse(403, u"The %1 tier allows only the models it names, so a request cannot use a preset."_s.arg(tier->name));

    // Server tools that call a model of their own (OpenRouter's advisor and fusion tools, the
    // Anthropic-format advisor) name it in the tool: each model named there is judged like
    // `model`, and a disallowed one refuses the request (a tool is not optional the way a
    // fallback is). Function tools describe parameters with a JSON schema, whose "model" is an
    // object, not a model id, so only strings count.
    if (tier && !tier->isUnrestricted() && body.contains("tools"_L1)) {
        const QJsonArray tools = body.value("tools"_L1).toArray();
        for (const QJsonValue &t : tools) {
            const QJsonObject tool = t.toObject();
            for (const QJsonObject &holder : {tool, tool.value("parameters"_L1).toObject()}) {
                QStringList named;
                if (holder.value("model"_L1).isString())
                    named << holder.value("model"_L1).toString();
                for (const QJsonValue &m : holder.value("models"_L1).toArray()) {
                    if (m.isString())
                        named << m.toString();
                }
                for (const QString &m : std::as_const(named)) {
                    if (applyModelPolicy(tiers, member.tier, m).outcome != ModelDecision::Outcome::Allowed)
                        return refuse(403, u"The %1 tier does not allow %2, which a tool of this request would call."_s.arg(tier->name, m));
                }
            }
        }
    }

    // Provider routing names providers (only, order, ignore), never models: it is kept, but a value
    // of the wrong type is refused here rather than passed on for OpenRouter to read some other way.
    if (body.contains("provider"_L1)) {
        const QJsonValue provider = body.value("provider"_L1);
        if (!provider.isObject())
            return refuse(400, u"\"provider\" must be an object"_s);
        for (const auto field : {"only"_L1, "order"_L1, "ignore"_L1}) {
            const QJsonValue list = provider.toObject().value(field);
            if (list.isUndefined() || list.isNull())
                continue;
            const QJsonArray entries = list.toArray();
            if (!list.isArray() || std::any_of(entries.begin(), entries.end(), [](const QJsonValue &v) { return !v.isString(); }))
                return refuse(400, u"\"provider.%1\" must be a list of provider names"_s.arg(field));
        }
    }

    // Attribution: OpenRouter reports spend per `user`; Messages has no such field, but its
    // metadata.user_id is the same thing for Anthropic-format clients.
    if (api == InferenceApi::Messages) {
        QJsonObject metadata = body.value("metadata"_L1).toObject();
        metadata.insert("user_id"_L1, member.name);
        body.insert("metadata"_L1, metadata);
    } else {
        body.insert("user"_L1, member.name);
    }
    out.body = std::move(body);
    return out;
}

namespace {
// The top-level members applyRequestPolicy may insert, replace or remove; it edits nothing else.
// In the order Qt's writer puts an object's keys (sorted), so what upstreamRequestBody writes of
// them is byte for byte what Qt wrote.
constexpr std::array<std::string_view, 7> PolicyMembers = {"metadata", "model", "models", "plugins", "route", "stream", "user"};

bool isPolicyMember(QByteArrayView key)
{
    return std::any_of(PolicyMembers.begin(), PolicyMembers.end(),
                       [key](std::string_view m) { return key == QByteArrayView(m.data(), qsizetype(m.size())); });
}

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// `at` on a string's opening quote: past its closing one. False if it does not end.
bool skipJsonString(QByteArrayView s, qsizetype &at)
{
    for (++at; at < s.size(); ++at) {
        if (s[at] == '\\')
            ++at;
        else if (s[at] == '"')
            return ++at, true;
    }
    return false;
}

// `at` on a value's first byte: past its last. The text was parsed as JSON already (by Qt), so
// only where the value ends is found here, not whether it is valid.
bool skipJsonValue(QByteArrayView s, qsizetype &at)
{
    if (at >= s.size())
        return false;
    if (s[at] == '"')
        return skipJsonString(s, at);
    if (s[at] != '{' && s[at] != '[') {
        while (at < s.size() && s[at] != ',' && s[at] != '}' && s[at] != ']' && !isJsonSpace(s[at]))
            ++at;
        return true;
    }
    int depth = 0;
    while (at < s.size()) {
        const char c = s[at];
        if (c == '"') {
            if (!skipJsonString(s, at))
                return false;
            continue;
        }
        ++at;
        if (c == '{' || c == '[')
            ++depth;
        else if ((c == '}' || c == ']') && --depth == 0)
            return true;
    }
    return false;
}

// Whether a key comes twice in [first, last) (reordered). Sorted, not compared pairwise: a body of
// a million members must not cost a million squared.
template<typename It>
bool anyTwice(It first, It last)
{
    std::sort(first, last);
    return std::adjacent_find(first, last) != last;
}

struct RawMember
{
    QByteArrayView key;   // without quotes, no escapes in it
    QByteArrayView whole; // "key": value, as the client wrote it
};

// The members of the object `json` is, in order; nullopt when a key holds an escape (it could
// spell a policy member the bytes do not show) or comes twice (readers differ on which counts).
std::optional<QList<RawMember>> splitJsonObject(QByteArrayView s)
{
    qsizetype at = 0;
    auto space = [&] {
        while (at < s.size() && isJsonSpace(s[at]))
            ++at;
    };
    QList<RawMember> members;
    space();
    if (at >= s.size() || s[at] != '{')
        return std::nullopt;
    ++at;
    space();
    if (at < s.size() && s[at] == '}') {
        ++at;
    } else {
        for (;;) {
            if (at >= s.size() || s[at] != '"')
                return std::nullopt;
            const qsizetype start = at;
            if (!skipJsonString(s, at))
                return std::nullopt;
            const QByteArrayView key = s.sliced(start + 1, at - start - 2);
            if (key.contains('\\'))
                return std::nullopt;
            space();
            if (at >= s.size() || s[at] != ':')
                return std::nullopt;
            ++at;
            space();
            if (!skipJsonValue(s, at))
                return std::nullopt;
            members.append({key, s.sliced(start, at - start)});
            space();
            if (at < s.size() && s[at] == ',') {
                ++at;
                space();
                continue;
            }
            if (at < s.size() && s[at] == '}') {
                ++at;
                break;
            }
            return std::nullopt;
        }
    }
    space();
    if (at != s.size())
        return std::nullopt;
    QVarLengthArray<QByteArrayView, 32> keys;
    keys.reserve(members.size());
    for (const RawMember &m : std::as_const(members))
        keys.append(m.key);
    if (anyTwice(keys.begin(), keys.end()))
        return std::nullopt;
    return members;
}
} // namespace

namespace {
// One value as Qt's compact writer writes it, without an object built around it to write: a
// string of ASCII (a model id, a member name: what the policy writes nearly always) is escaped
// here as Qt escapes it; anything else goes through Qt's writer.
void appendJsonValue(QByteArray &out, const QJsonValue &value)
{
    if (value.isString()) {
        const QString s = value.toString();
        if (std::all_of(s.cbegin(), s.cend(), [](QChar c) { return c.unicode() < 0x80; })) {
            static constexpr char Hex[] = "0123456789abcdef";
            out += '"';
            for (const QChar qc : s) {
                const char c = char(qc.unicode());
                switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (uchar(c) < 0x20) {
                        out += "\\u00";
                        out += Hex[uchar(c) >> 4];
                        out += Hex[uchar(c) & 0xf];
                    } else {
                        out += c;
                    }
                }
            }
            out += '"';
            return;
        }
    }
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact); // [value]
    out += QByteArrayView(array).sliced(1, array.size() - 2);
}
} // namespace

namespace {
// '{', the client's members as written, then the policy's own members from its body
// (",\"model\":...", in Qt's key order: no second object built to write whole), '}'. The policy's
// are written first (small), and the parsed body let go of before the client's bytes are copied.
QByteArray spliceBody(const QList<QByteArrayView> &clients, QJsonObject policyBody)
{
    QByteArray tail;
    for (std::string_view m : PolicyMembers) {
        const QLatin1StringView key(m.data(), qsizetype(m.size()));
        const auto it = policyBody.constFind(key);
        if (it == policyBody.constEnd())
            continue;
        tail += ",\"";
        tail += QByteArrayView(m.data(), qsizetype(m.size()));
        tail += "\":";
        appendJsonValue(tail, *it);
    }
    policyBody = QJsonObject();
    qsizetype size = tail.size() + 2;
    for (QByteArrayView m : clients)
        size += m.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += '{';
    for (QByteArrayView m : clients) {
        if (out.size() > 1)
            out += ',';
        out += m;
    }
    if (!tail.isEmpty())
        out += QByteArrayView(tail).sliced(out.size() > 1 ? 0 : 1); // no comma after the brace
    out += '}';
    return out;
}
} // namespace

QByteArray upstreamRequestBody(QByteArrayView original, QJsonObject policyBody)
{
    const std::optional<QList<RawMember>> members = splitJsonObject(original);
    // Beyond the policy's members, the same keys on both sides: nothing else was added or removed.
    // Counted, not listed: the policy body's keys as a list, each made UTF-8 to compare, cost more
    // than the rest of this function.
    bool same = members.has_value();
    QList<QByteArrayView> clients;
    if (same) {
        for (const RawMember &m : *members) {
            if (isPolicyMember(m.key))
                continue;
            clients.append(m.whole);
            same = same && policyBody.contains(QLatin1StringView(m.key.data(), m.key.size()));
        }
        qsizetype policyOwn = 0;
        for (std::string_view m : PolicyMembers)
            policyOwn += policyBody.contains(QLatin1StringView(m.data(), qsizetype(m.size()))) ? 1 : 0;
        same = same && policyBody.size() - policyOwn == clients.size();
    }
    if (!same)
        return QJsonDocument(policyBody).toJson(QJsonDocument::Compact);
    return spliceBody(clients, std::move(policyBody));
}

namespace {
// The top-level members applyRequestPolicy reads or edits (PolicyMembers and the ones it only reads).
constexpr std::array<std::string_view, 10> ReadByPolicy = {"model",  "models", "route", "plugins", "stream",
                                                           "user",   "metadata", "preset", "tools", "provider"};

class RequestScanner : private StrictJsonScanner
{
public:
    using StrictJsonScanner::StrictJsonScanner;

    std::optional<RequestBodySplit> run()
    {
        RequestBodySplit split;
        QByteArray read = "{";
        std::vector<std::string_view> names;
        space();
        if (!take('{'))
            return std::nullopt;
        if (!objectMembers([&](std::string_view name) {
                const char *const start = name.data() - 1; // its opening quote
                if (!skipValue(0))
                    return false;
                names.push_back(name);
                const QByteArrayView whole(start, m_p - start);
                // What the policy only reads (tools, provider, preset) goes upstream as written too.
                if (!isPolicyMember(QByteArrayView(name.data(), qsizetype(name.size()))))
                    split.others.append(whole);
                if (std::find(ReadByPolicy.begin(), ReadByPolicy.end(), name) != ReadByPolicy.end()) {
                    if (read.size() > 1)
                        read += ',';
                    read += whole;
                }
                return true;
            }))
            return std::nullopt;
        space();
        if (m_p != m_end)
            return std::nullopt;
        if (anyTwice(names.begin(), names.end())) // readers differ on which counts
            return std::nullopt;
        read += '}';
        const QJsonDocument doc = QJsonDocument::fromJson(read);
        if (!doc.isObject())
            return std::nullopt; // cannot be, the scan having passed; Qt then reads it whole
        split.read = doc.object();
        return split;
    }
};
} // namespace

std::optional<RequestBodySplit> splitRequestBody(QByteArrayView body)
{
    return RequestScanner(body).run();
}

QByteArray upstreamRequestBody(const QList<QByteArrayView> &others, QJsonObject policyBody)
{
    return spliceBody(others, std::move(policyBody));
}

QByteArray headerSafe(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    const bool printable = std::all_of(utf8.cbegin(), utf8.cend(), [](char c) { return c >= 0x20 && c < 0x7f; });
    return printable ? utf8 : QUrl::toPercentEncoding(text, " /:.-_~@+()!*,;=[]");
}

std::optional<double> checkedCost(const QJsonValue &value, bool *invalid)
{
    const double cost = value.toDouble(-1);
    if (!value.isDouble() || !std::isfinite(cost) || cost < 0 || cost > MaxRequestCost) {
        if (invalid)
            *invalid = true;
        return std::nullopt;
    }
    return cost;
}

} // namespace orteam
