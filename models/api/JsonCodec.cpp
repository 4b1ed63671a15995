#include "JsonCodec.h"
#include "JsonText.h"

#include "StrictJsonScanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <string_view>

using namespace Qt::Literals::StringLiterals;

namespace orteam::json {

namespace {

// The one form OpenRouter sends, "2026-01-02T03:04:05Z" or "2026-01-02T03:04:05.678Z", read
// without QDateTime::fromString (a key list has three times per key); invalid for anything else,
// which timeFromText then reads with fromString (or rejects). A template so the key list's own
// scanner reads it from the body's bytes and the Reader from a QString, by the same code.
template<typename Char>
QDateTime plainUtc(const Char *s, qsizetype size)
{
    if ((size != 20 && size != 24) || s[size - 1] != Char('Z'))
        return {};
    const auto digits = [s](qsizetype at, qsizetype count) {
        int v = 0;
        for (qsizetype i = at; i < at + count; ++i) {
            const auto c = s[i];
            if (c < Char('0') || c > Char('9'))
                return -1;
            v = v * 10 + int(c - Char('0'));
        }
        return v;
    };
    if (s[4] != Char('-') || s[7] != Char('-') || s[10] != Char('T') || s[13] != Char(':') || s[16] != Char(':'))
        return {};
    const int ms = size == 24 ? (s[19] == Char('.') ? digits(20, 3) : -1) : 0;
    const int parts[] = {digits(0, 4), digits(5, 2), digits(8, 2), digits(11, 2), digits(14, 2), digits(17, 2), ms};
    if (std::any_of(std::begin(parts), std::end(parts), [](int v) { return v < 0; }))
        return {};
    const QDate date(parts[0], parts[1], parts[2]);
    const QTime time(parts[3], parts[4], parts[5], parts[6]);
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, Qt::UTC);
}

// A non-empty time as the parsers read it, in UTC; nullopt when it is not an ISO 8601 time.
std::optional<QDateTime> timeFromText(const QString &s)
{
    if (const QDateTime utc = plainUtc(s.utf16(), s.size()); utc.isValid())
        return utc;
    QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!dt.isValid()) {
        // Some services send microseconds; Qt reads at most milliseconds.
        static const QRegularExpression extraDigits(u"(\\.\\d{3})\\d+"_s);
        dt = QDateTime::fromString(QString(s).replace(extraDigits, u"\\1"_s), Qt::ISODateWithMs);
    }
    if (!dt.isValid())
        return std::nullopt;
    if (dt.timeSpec() == Qt::LocalTime)
        dt.setTimeZone(QTimeZone::utc());
    return dt.toUTC();
}

// Reads fields of one object strictly and remembers the first problem with its JSON path, so a
// parser can read every field straight-line and check once at the end.
class Reader
{
public:
    Reader(const QJsonObject &object, QString path, QString *error)
        : m_object(object), m_path(std::move(path)), m_error(error)
    {
    }

    bool failed() const { return !m_error->isEmpty(); }

    QString requiredString(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (!v.isString()) {
            fail(key, v, "a string");
            return {};
        }
        return v.toString();
    }

    QString optionalString(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isString()) {
            fail(key, v, "a string");
            return {};
        }
        return v.toString();
    }

    std::optional<double> optionalNumber(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isDouble()) {
            fail(key, v, "a number");
            return std::nullopt;
        }
        return v.toDouble();
    }

    double number(QLatin1StringView key) { return optionalNumber(key).value_or(0.0); }

    // A number the answer must have, not below `minimum`: missing is an error, never a 0 (an
    // account's credits read as $0.00 from an answer without them would say it is out of money).
    double requiredNumber(QLatin1StringView key, double minimum)
    {
        const QJsonValue v = m_object.value(key);
        if (!v.isDouble()) {
            fail(key, v, "a number");
            return 0.0;
        }
        if (v.toDouble() < minimum) {
            failText(key, u"%1 is below %2"_s.arg(v.toDouble()).arg(minimum));
            return 0.0;
        }
        return v.toDouble();
    }

    qint64 integer(QLatin1StringView key)
    {
        const std::optional<double> d = optionalNumber(key);
        if (!d)
            return 0;
        if (*d != std::floor(*d) || std::fabs(*d) > 9e15) {
            fail(key, m_object.value(key), "a whole number");
            return 0;
        }
        return static_cast<qint64>(*d);
    }

    bool boolean(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return false;
        if (!v.isBool()) {
            fail(key, v, "true or false");
            return false;
        }
        return v.toBool();
    }

    QDateTime dateTime(QLatin1StringView key)
    {
        const QString s = optionalString(key);
        if (s.isEmpty())
            return {};
        const std::optional<QDateTime> dt = timeFromText(s);
        if (!dt) {
            failText(key, u"\"%1\" is not an ISO 8601 time"_s.arg(s.left(40)));
            return {};
        }
        return *dt;
    }

    LimitReset limitReset(QLatin1StringView key)
    {
        const QString s = optionalString(key);
        if (s.isEmpty())
            return LimitReset::None;
        const std::optional<LimitReset> r = limitResetFromString(s);
        if (!r) {
            failText(key, u"unknown reset period \"%1\""_s.arg(s.left(40)));
            return LimitReset::None;
        }
        return *r;
    }

    std::optional<QStringList> optionalStringList(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isArray()) {
            fail(key, v, "a list of strings");
            return std::nullopt;
        }
        QStringList out;
        for (const QJsonValue item : v.toArray()) {
            if (!item.isString()) {
                fail(key, item, "a list of strings");
                return std::nullopt;
            }
            out << item.toString();
        }
        return out;
    }

private:
    static const char *typeName(const QJsonValue &v)
    {
        switch (v.type()) {
        case QJsonValue::Null:
            return "null";
        case QJsonValue::Bool:
            return "a boolean";
        case QJsonValue::Double:
            return "a number";
        case QJsonValue::String:
            return "a string";
        case QJsonValue::Array:
            return "a list";
        case QJsonValue::Object:
            return "an object";
        case QJsonValue::Undefined:
            return "missing";
        }
        return "unknown";
    }

    void fail(QLatin1StringView key, const QJsonValue &v, const char *expected)
    {
        failText(key, u"expected %1, got %2"_s.arg(QLatin1StringView(expected), QLatin1StringView(typeName(v))));
    }

    void failText(QLatin1StringView key, const QString &what)
    {
        if (m_error->isEmpty())
            *m_error = m_path + u'.' + key + u": "_s + what;
    }

    QJsonObject m_object;
    QString m_path;
    QString *m_error;
};

// Parses the document and returns its top-level object, or sets *error.
QJsonObject topObject(const QByteArray &body, QString *error)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = u"invalid JSON at byte %1: %2"_s.arg(pe.offset).arg(pe.errorString());
        return {};
    }
    if (!doc.isObject()) {
        *error = u"expected a JSON object at the top level"_s;
        return {};
    }
    return doc.object();
}

template<typename T>
ApiResult<T> fail(const QString &error)
{
    return ApiResult<T>::failure(ApiError::badResponse(error, {}));
}

// {"data": {...}} → the inner object.
QJsonObject dataObject(const QByteArray &body, QString *error)
{
    const QJsonObject top = topObject(body, error);
    if (!error->isEmpty())
        return {};
    const QJsonValue data = top.value("data"_L1);
    if (!data.isObject()) {
        *error = u"$.data: expected an object"_s;
        return {};
    }
    return data.toObject();
}

// {"data": [...]} → the array; `top` receives the whole object for siblings like total_count.
QJsonArray dataArray(const QByteArray &body, QString *error, QJsonObject *top = nullptr)
{
    const QJsonObject t = topObject(body, error);
    if (!error->isEmpty())
        return {};
    if (top)
        *top = t;
    const QJsonValue data = t.value("data"_L1);
    if (!data.isArray()) {
        *error = u"$.data: expected a list"_s;
        return {};
    }
    return data.toArray();
}

template<typename T, typename ParseOne>
ApiResult<QList<T>> parseArray(const QJsonArray &array, const QString &path, ParseOne parseOne)
{
    QList<T> out;
    out.reserve(array.size());
    QString error;
    // The item's path, "$.data[41]", is written only into an error: formatted for every item it
    // cost a listing of 10,000 keys 20,000 arg() calls. Every error parseOne sets starts with the
    // path it was given.
    const auto itemPath = [&path](qsizetype i) -> QString { return path + u'[' + QString::number(i) + u']'; };
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue value = array.at(i);
        if (!value.isObject())
            return fail<QList<T>>(itemPath(i) + u": expected an object"_s);
        T item;
        parseOne(value.toObject(), path, &item, &error);
        if (!error.isEmpty()) {
            if (error.startsWith(path))
                error.replace(0, path.size(), itemPath(i));
            return fail<QList<T>>(error);
        }
        out << std::move(item);
    }
    return ApiResult<QList<T>>::success(std::move(out));
}

std::optional<qint64> totalCount(const QJsonObject &top, QString *error)
{
    Reader r(top, u"$"_s, error);
    const std::optional<double> n = r.optionalNumber("total_count"_L1);
    if (!n)
        return std::nullopt;
    return static_cast<qint64>(*n);
}

bool parseKeyAt(const QJsonObject &o, const QString &path, ApiKey *k, QString *error)
{
    Reader r(o, path, error);
    k->hash = r.requiredString("hash"_L1);
    // Shown in tables, messages and logs: see printableText.
    k->name = printableText(r.optionalString("name"_L1));
    k->label = printableText(r.optionalString("label"_L1));
    k->disabled = r.boolean("disabled"_L1);
    k->limit = r.optionalNumber("limit"_L1);
    k->limitRemaining = r.optionalNumber("limit_remaining"_L1);
    k->limitReset = r.limitReset("limit_reset"_L1);
    k->includeByokInLimit = r.boolean("include_byok_in_limit"_L1);
    k->usage = r.number("usage"_L1);
    k->usageDaily = r.number("usage_daily"_L1);
    k->usageWeekly = r.number("usage_weekly"_L1);
    k->usageMonthly = r.number("usage_monthly"_L1);
    k->byokUsage = r.number("byok_usage"_L1);
    k->byokUsageDaily = r.number("byok_usage_daily"_L1);
    k->byokUsageWeekly = r.number("byok_usage_weekly"_L1);
    k->byokUsageMonthly = r.number("byok_usage_monthly"_L1);
    k->createdAt = r.dateTime("created_at"_L1);
    k->updatedAt = r.dateTime("updated_at"_L1);
    k->expiresAt = r.dateTime("expires_at"_L1);
    k->creatorUserId = r.optionalString("creator_user_id"_L1);
    k->workspaceId = r.optionalString("workspace_id"_L1);
    if (!r.failed() && k->hash.isEmpty())
        *error = path + u".hash: must not be empty"_s;
    return error->isEmpty();
}

void parseGuardrailAt(const QJsonObject &o, const QString &path, Guardrail *g, QString *error)
{
    Reader r(o, path, error);
    g->id = r.requiredString("id"_L1);
    g->name = r.optionalString("name"_L1);
    g->description = r.optionalString("description"_L1);
    g->limitUsd = r.optionalNumber("limit_usd"_L1);
    g->resetInterval = r.limitReset("reset_interval"_L1);
    g->allowedModels = r.optionalStringList("allowed_models"_L1);
    g->allowedProviders = r.optionalStringList("allowed_providers"_L1);
    g->createdAt = r.dateTime("created_at"_L1);
    g->updatedAt = r.dateTime("updated_at"_L1);
}

} // namespace

namespace {

// GET /keys read straight from the body's bytes into ApiKey values: one pass, no QJsonDocument,
// no QJsonObject per key, no QString for the names of fields or for fields it drops. It accepts
// only what it is sure QJsonDocument::fromJson and parseKeyAt accept and read to the same values:
// strict RFC 8259 JSON whose keys are well-formed. Anything else (an error, and also every
// leniency of Qt's parser, such as "\x" escapes, ".5", a byte order mark, lone surrogates in
// UTF-8, an escaped field name) makes it give up, and the reference parser decides: so every
// error, and every message, is the reference parser's own, and a body this scanner misreads
// would have to be one both accept with different values, which the differential test and the
// fuzz target look for.
class KeyPageScanner : private StrictJsonScanner
{
public:
    explicit KeyPageScanner(QByteArrayView body) : StrictJsonScanner(body) {}

    std::optional<ApiKeyList> run()
    {
        space();
        if (!take('{'))
            return std::nullopt;
        bool sawData = false;
        ApiKeyList keys;
        if (!objectMembers([&](std::string_view name) {
                if (name != "data")
                    return skipValue(0);
                // Qt keeps the last of duplicate members; so does this.
                sawData = true;
                keys.clear();
                return keyArray(&keys);
            }))
            return std::nullopt;
        space();
        if (!sawData || m_p != m_end)
            return std::nullopt;
        return keys;
    }

private:
    bool keyArray(ApiKeyList *keys)
    {
        if (!take('['))
            return false;
        return items(']', [this, keys] {
            keys->emplaceBack();
            return take('{') && key(&keys->back());
        });
    }

    // The value kinds of parseKeyAt's Reader: each accepts what the Reader accepts (null where it
    // allows null) and gives up on the rest, which the Reader would call an error.
    bool stringOrNull(Str *s, bool *isNull)
    {
        *isNull = literal("null");
        return *isNull || (take('"') && string(s));
    }
    bool optionalString(QString *out)
    {
        Str s;
        bool isNull;
        if (!stringOrNull(&s, &isNull))
            return false;
        *out = isNull ? QString() : text(s);
        return true;
    }
    // A string most keys share (their workspace, often their creator): the QString of the key
    // before when the text is the same, so 10,000 keys of one workspace hold one copy of it.
    bool sharedString(QString *out, QString *last)
    {
        Str s;
        bool isNull;
        if (!stringOrNull(&s, &isNull))
            return false;
        if (isNull) {
            *out = QString();
        } else if (s.kind == Str::Ascii && !last->isNull() && QLatin1StringView(s.begin, s.size) == *last) {
            *out = *last;
        } else {
            *out = text(s);
            *last = *out;
        }
        return true;
    }
    bool optionalNumber(std::optional<double> *out)
    {
        if (literal("null")) {
            out->reset();
            return true;
        }
        double d;
        if (!number(&d))
            return false;
        *out = d;
        return true;
    }
    bool numberOrZero(double *out)
    {
        std::optional<double> d;
        if (!optionalNumber(&d))
            return false;
        *out = d.value_or(0.0);
        return true;
    }
    bool boolean(bool *out)
    {
        if (literal("true"))
            *out = true;
        else if (literal("false") || literal("null"))
            *out = false;
        else
            return false;
        return true;
    }
    // A string that is read further (a time, a reset period), as the Reader's optionalString and
    // then its own check: null and "" are `none`; read(s) gives the value or nullopt to give up.
    template<typename T, typename Read>
    bool readString(T *out, T none, Read read)
    {
        Str s;
        bool isNull;
        if (!stringOrNull(&s, &isNull))
            return false;
        if (isNull || s.size == 0) {
            *out = std::move(none);
            return true;
        }
        std::optional<T> v = read(s);
        if (!v)
            return false;
        *out = std::move(*v);
        return true;
    }
    bool dateTime(QDateTime *out)
    {
        return readString(out, QDateTime(), [](const Str &s) -> std::optional<QDateTime> {
            if (s.kind == Str::Ascii) {
                if (QDateTime utc = plainUtc(s.begin, s.size); utc.isValid())
                    return utc;
            }
            return timeFromText(text(s));
        });
    }
    bool limitReset(LimitReset *out)
    {
        return readString(out, LimitReset::None, [](const Str &s) -> std::optional<LimitReset> {
            const std::string_view v = s.view();
            if (s.kind == Str::Ascii && (v == "daily" || v == "weekly" || v == "monthly"))
                return v == "daily" ? LimitReset::Daily : v == "weekly" ? LimitReset::Weekly : LimitReset::Monthly;
            // Every other spelling as the Reader reads it ("Monthly ", "none", or an error).
            return limitResetFromString(text(s));
        });
    }

    enum class Field {
        Other, Hash, Name, Label, Disabled, Limit, LimitRemaining, LimitReset, IncludeByok, Usage, UsageDaily,
        UsageWeekly, UsageMonthly, ByokUsage, ByokUsageDaily, ByokUsageWeekly, ByokUsageMonthly, CreatedAt,
        UpdatedAt, ExpiresAt, CreatorUserId, WorkspaceId
    };
    // A member's name to its field: by its length first, so each name is compared with at most
    // four (a chain of every name in turn cost a tenth of the parse).
    static Field field(std::string_view f)
    {
        switch (f.size()) {
        case 4:
            return f == "hash" ? Field::Hash : f == "name" ? Field::Name : Field::Other;
        case 5:
            return f == "label" ? Field::Label : f == "limit" ? Field::Limit : f == "usage" ? Field::Usage : Field::Other;
        case 8:
            return f == "disabled" ? Field::Disabled : Field::Other;
        case 10:
            return f == "created_at"   ? Field::CreatedAt
                 : f == "updated_at"   ? Field::UpdatedAt
                 : f == "expires_at"   ? Field::ExpiresAt
                 : f == "byok_usage"   ? Field::ByokUsage
                                       : Field::Other;
        case 11:
            return f == "limit_reset" ? Field::LimitReset : f == "usage_daily" ? Field::UsageDaily : Field::Other;
        case 12:
            return f == "usage_weekly" ? Field::UsageWeekly : f == "workspace_id" ? Field::WorkspaceId : Field::Other;
        case 13:
            return f == "usage_monthly" ? Field::UsageMonthly : Field::Other;
        case 15:
            return f == "limit_remaining"   ? Field::LimitRemaining
                 : f == "creator_user_id"   ? Field::CreatorUserId
                                            : Field::Other;
        case 16:
            return f == "byok_usage_daily" ? Field::ByokUsageDaily : Field::Other;
        case 17:
            return f == "byok_usage_weekly" ? Field::ByokUsageWeekly : Field::Other;
        case 18:
            return f == "byok_usage_monthly" ? Field::ByokUsageMonthly : Field::Other;
        case 21:
            return f == "include_byok_in_limit" ? Field::IncludeByok : Field::Other;
        default:
            return Field::Other;
        }
    }

    // `{` taken: one key object, its fields as parseKeyAt reads them; the last of duplicate
    // members wins, as in the QJsonObject Qt builds.
    bool key(ApiKey *k)
    {
        bool hashSeen = false;
        const bool ok = objectMembers([this, k, &hashSeen](std::string_view f) {
            switch (field(f)) {
            case Field::Hash: {
                Str s;
                if (!take('"') || !string(&s))
                    return false;
                hashSeen = true;
                k->hash = text(s);
                return true;
            }
            case Field::Name: // shown in tables, messages and logs: see printableText
                if (!optionalString(&k->name))
                    return false;
                k->name = printableText(k->name);
                return true;
            case Field::Label:
                if (!optionalString(&k->label))
                    return false;
                k->label = printableText(k->label);
                return true;
            case Field::Disabled:
                return boolean(&k->disabled);
            case Field::Limit:
                return optionalNumber(&k->limit);
            case Field::LimitRemaining:
                return optionalNumber(&k->limitRemaining);
            case Field::LimitReset:
                return limitReset(&k->limitReset);
            case Field::IncludeByok:
                return boolean(&k->includeByokInLimit);
            case Field::Usage:
                return numberOrZero(&k->usage);
            case Field::UsageDaily:
                return numberOrZero(&k->usageDaily);
            case Field::UsageWeekly:
                return numberOrZero(&k->usageWeekly);
            case Field::UsageMonthly:
                return numberOrZero(&k->usageMonthly);
            case Field::ByokUsage:
                return numberOrZero(&k->byokUsage);
            case Field::ByokUsageDaily:
                return numberOrZero(&k->byokUsageDaily);
            case Field::ByokUsageWeekly:
                return numberOrZero(&k->byokUsageWeekly);
            case Field::ByokUsageMonthly:
                return numberOrZero(&k->byokUsageMonthly);
            case Field::CreatedAt:
                return dateTime(&k->createdAt);
            case Field::UpdatedAt:
                return dateTime(&k->updatedAt);
            case Field::ExpiresAt:
                return dateTime(&k->expiresAt);
            case Field::CreatorUserId:
                return sharedString(&k->creatorUserId, &m_lastCreator);
            case Field::WorkspaceId:
                return sharedString(&k->workspaceId, &m_lastWorkspace);
            case Field::Other:
                break;
            }
            return skipValue(1);
        });
        // A missing or empty hash is an error the reference parser words.
        return ok && hashSeen && !k->hash.isEmpty();
    }

    QString m_lastWorkspace, m_lastCreator;
};

} // namespace

bool parseKey(const QJsonObject &object, ApiKey *key, QString *error)
{
    return parseKeyAt(object, u"$"_s, key, error);
}

std::optional<ApiKeyList> parseKeyListFast(QByteArrayView body)
{
    return KeyPageScanner(body).run();
}

ApiResult<ApiKeyList> parseKeyList(const QByteArray &body)
{
    if (std::optional<ApiKeyList> keys = parseKeyListFast(body))
        return ApiResult<ApiKeyList>::success(std::move(*keys));
    return parseKeyListReference(body);
}

ApiResult<ApiKeyList> parseKeyListReference(const QByteArray &body)
{
    QString error;
    const QJsonArray array = dataArray(body, &error);
    if (!error.isEmpty())
        return fail<ApiKeyList>(error);
    return parseArray<ApiKey>(array, u"$.data"_s, [](const QJsonObject &o, const QString &p, ApiKey *k, QString *e) {
        parseKeyAt(o, p, k, e);
    });
}

ApiResult<ApiKey> parseKeyEnvelope(const QByteArray &body)
{
    QString error;
    const QJsonObject data = dataObject(body, &error);
    ApiKey key;
    if (error.isEmpty())
        parseKeyAt(data, u"$.data"_s, &key, &error);
    if (!error.isEmpty())
        return fail<ApiKey>(error);
    return ApiResult<ApiKey>::success(std::move(key));
}

ApiResult<CreatedKey> parseCreatedKey(const QByteArray &body)
{
    QString error;
    const QJsonObject top = topObject(body, &error);
    CreatedKey created;
    if (error.isEmpty()) {
        const QJsonValue data = top.value("data"_L1);
        if (!data.isObject())
            error = u"$.data: expected an object"_s;
        else
            parseKeyAt(data.toObject(), u"$.data"_s, &created.key, &error);
    }
    if (error.isEmpty()) {
        Reader r(top, u"$"_s, &error);
        created.secret = r.requiredString("key"_L1);
        if (error.isEmpty() && created.secret.isEmpty())
            error = u"$.key: the new key's secret is empty"_s;
    }
    if (!error.isEmpty())
        return fail<CreatedKey>(error);
    return ApiResult<CreatedKey>::success(std::move(created));
}

ApiResult<bool> parseDeleted(const QByteArray &body)
{
    QString error;
    const QJsonObject top = topObject(body, &error);
    if (!error.isEmpty())
        return fail<bool>(error);
    const QJsonValue v = top.value("deleted"_L1);
    if (!v.isBool())
        return fail<bool>(u"$.deleted: expected true or false"_s);
    if (!v.toBool())
        return fail<bool>(u"$.deleted: the server says the key was not deleted"_s);
    return ApiResult<bool>::success(true);
}

ApiResult<CurrentKeyInfo> parseCurrentKey(const QByteArray &body)
{
    QString error;
    const QJsonObject data = dataObject(body, &error);
    CurrentKeyInfo info;
    if (error.isEmpty()) {
        Reader r(data, u"$.data"_s, &error);
        info.label = r.optionalString("label"_L1);
        // is_provisioning_key is the older name of the same flag; either one makes it a management key.
        info.isManagementKey = r.boolean("is_management_key"_L1) || r.boolean("is_provisioning_key"_L1);
        info.isFreeTier = r.boolean("is_free_tier"_L1);
        info.limit = r.optionalNumber("limit"_L1);
        info.limitRemaining = r.optionalNumber("limit_remaining"_L1);
        info.usage = r.number("usage"_L1);
        info.expiresAt = r.dateTime("expires_at"_L1);
    }
    if (!error.isEmpty())
        return fail<CurrentKeyInfo>(error);
    return ApiResult<CurrentKeyInfo>::success(info);
}

ApiResult<Credits> parseCredits(const QByteArray &body)
{
    QString error;
    const QJsonObject data = dataObject(body, &error);
    Credits c;
    if (error.isEmpty()) {
        Reader r(data, u"$.data"_s, &error);
        c.totalCredits = r.requiredNumber("total_credits"_L1, 0.0);
        c.totalUsage = r.requiredNumber("total_usage"_L1, 0.0);
    }
    if (!error.isEmpty())
        return fail<Credits>(error);
    return ApiResult<Credits>::success(c);
}

ApiResult<QList<ActivityItem>> parseActivity(const QByteArray &body)
{
    QString error;
    const QJsonArray array = dataArray(body, &error);
    if (!error.isEmpty())
        return fail<QList<ActivityItem>>(error);
    return parseArray<ActivityItem>(array, u"$.data"_s,
                                    [](const QJsonObject &o, const QString &p, ActivityItem *a, QString *e) {
                                        Reader r(o, p, e);
                                        const QString date = r.requiredString("date"_L1);
                                        // Activity dates are UTC days; some responses carry a time part.
                                        a->date = QDate::fromString(date.left(10), Qt::ISODate);
                                        if (!r.failed() && !a->date.isValid())
                                            *e = p + u".date: \"%1\" is not a date"_s.arg(date.left(40));
                                        a->model = r.optionalString("model"_L1);
                                        a->modelPermaslug = r.optionalString("model_permaslug"_L1);
                                        a->endpointId = r.optionalString("endpoint_id"_L1);
                                        a->providerName = r.optionalString("provider_name"_L1);
                                        a->usage = r.number("usage"_L1);
                                        a->byokUsageInference = r.number("byok_usage_inference"_L1);
                                        a->requests = r.integer("requests"_L1);
                                        a->promptTokens = r.integer("prompt_tokens"_L1);
                                        a->completionTokens = r.integer("completion_tokens"_L1);
                                        a->reasoningTokens = r.integer("reasoning_tokens"_L1);
                                    });
}

ApiResult<QList<ModelInfo>> parseModels(const QByteArray &body)
{
    QString error;
    const QJsonArray array = dataArray(body, &error);
    if (!error.isEmpty())
        return fail<QList<ModelInfo>>(error);
    return parseArray<ModelInfo>(array, u"$.data"_s, [](const QJsonObject &o, const QString &p, ModelInfo *m, QString *e) {
        Reader r(o, p, e);
        m->id = r.requiredString("id"_L1);
        m->name = r.optionalString("name"_L1);
        m->contextLength = r.integer("context_length"_L1);
        const QJsonValue pricing = o.value("pricing"_L1);
        if (pricing.isObject()) {
            // Prices are decimal strings of USD per token (e.g. "0.00003"), never numbers.
            Reader pr(pricing.toObject(), p + u".pricing"_s, e);
            for (auto [field, target] : {std::pair{"prompt"_L1, &m->promptPrice}, std::pair{"completion"_L1, &m->completionPrice}}) {
                const QString s = pr.optionalString(field);
                if (s.isEmpty())
                    continue;
                bool ok = false;
                const double v = s.toDouble(&ok);
                if (!ok || !std::isfinite(v)) {
                    if (e->isEmpty())
                        *e = p + u".pricing."_s + field + u": \"%1\" is not a price"_s.arg(s.left(40));
                    return;
                }
                *target = v;
            }
        } else if (!pricing.isUndefined() && !pricing.isNull() && e->isEmpty()) {
            *e = p + u".pricing: expected an object"_s;
        }
    });
}

ApiResult<Guardrail> parseGuardrailEnvelope(const QByteArray &body)
{
    QString error;
    const QJsonObject data = dataObject(body, &error);
    Guardrail g;
    if (error.isEmpty())
        parseGuardrailAt(data, u"$.data"_s, &g, &error);
    if (!error.isEmpty())
        return fail<Guardrail>(error);
    return ApiResult<Guardrail>::success(std::move(g));
}

namespace {
// An offset/limit list ({"data": […], "total_count": n}), each item read by `fill`.
template <typename T, typename Fill>
ApiResult<Page<T>> parseOffsetPage(const QByteArray &body, Fill fill)
{
    QString error;
    QJsonObject top;
    const QJsonArray array = dataArray(body, &error, &top);
    Page<T> page;
    if (error.isEmpty())
        page.totalCount = totalCount(top, &error);
    if (!error.isEmpty())
        return fail<Page<T>>(error);
    auto items = parseArray<T>(array, u"$.data"_s, fill);
    if (!items.ok())
        return ApiResult<Page<T>>::failure(items.error);
    page.items = std::move(items.value);
    return ApiResult<Page<T>>::success(std::move(page));
}
} // namespace

ApiResult<Page<Guardrail>> parseGuardrailList(const QByteArray &body)
{
    return parseOffsetPage<Guardrail>(body, parseGuardrailAt);
}

ApiResult<Page<GuardrailKeyAssignment>> parseKeyAssignments(const QByteArray &body)
{
    return parseOffsetPage<GuardrailKeyAssignment>(body, [](const QJsonObject &o, const QString &p, GuardrailKeyAssignment *a, QString *e) {
        Reader r(o, p, e);
        a->id = r.optionalString("id"_L1);
        a->guardrailId = r.requiredString("guardrail_id"_L1);
        a->keyHash = r.requiredString("key_hash"_L1);
        a->keyName = r.optionalString("key_name"_L1);
        a->keyLabel = r.optionalString("key_label"_L1);
        a->createdAt = r.dateTime("created_at"_L1);
    });
}

ApiResult<qint64> parseAssignedCount(const QByteArray &body, const char *field)
{
    QString error;
    const QJsonObject top = topObject(body, &error);
    qint64 n = 0;
    if (error.isEmpty()) {
        Reader r(top, u"$"_s, &error);
        n = r.integer(QLatin1StringView(field));
    }
    if (!error.isEmpty())
        return fail<qint64>(error);
    return ApiResult<qint64>::success(n);
}

ApiResult<Page<GuardrailMemberAssignment>> parseMemberAssignments(const QByteArray &body)
{
    return parseOffsetPage<GuardrailMemberAssignment>(
        body, [](const QJsonObject &o, const QString &p, GuardrailMemberAssignment *a, QString *e) {
            Reader r(o, p, e);
            a->id = r.optionalString("id"_L1);
            a->guardrailId = r.requiredString("guardrail_id"_L1);
            a->userId = r.requiredString("user_id"_L1);
            a->createdAt = r.dateTime("created_at"_L1);
        });
}

ApiResult<Page<OrgMember>> parseOrgMembers(const QByteArray &body)
{
    return parseOffsetPage<OrgMember>(body, [](const QJsonObject &o, const QString &p, OrgMember *m, QString *e) {
        Reader r(o, p, e);
        m->id = r.requiredString("id"_L1);
        m->email = r.optionalString("email"_L1);
        m->firstName = r.optionalString("first_name"_L1);
        m->lastName = r.optionalString("last_name"_L1);
        m->role = r.optionalString("role"_L1);
    });
}

namespace {
bool parseWorkspaceAt(const QJsonObject &o, const QString &p, Workspace *w, QString *e)
{
    Reader r(o, p, e);
    w->id = r.requiredString("id"_L1);
    w->name = printableText(r.requiredString("name"_L1)); // see printableText
    w->slug = r.requiredString("slug"_L1);
    w->description = r.optionalString("description"_L1);
    w->createdAt = r.dateTime("created_at"_L1);
    return !r.failed();
}

bool parseWorkspaceBudgetAt(const QJsonObject &o, const QString &p, WorkspaceBudget *b, QString *e)
{
    Reader r(o, p, e);
    // The list spells the lifetime budget as a null interval (the path parameter names it). The
    // field is required: one left out is an error, never a lifetime budget.
    if (!o.contains("reset_interval"_L1)) {
        *e = u"%1.reset_interval: missing"_s.arg(p);
        return false;
    }
    const QString interval = r.optionalString("reset_interval"_L1);
    const std::optional<double> limit = r.optionalNumber("limit_usd"_L1);
    if (r.failed())
        return false;
    const std::optional<WorkspaceInterval> i =
        interval.isEmpty() ? std::optional(WorkspaceInterval::Lifetime) : workspaceIntervalFromString(interval);
    if (!i || (*i == WorkspaceInterval::Lifetime && !interval.isEmpty())) {
        *e = u"%1.reset_interval: \"%2\" is not an interval this version knows"_s.arg(p, interval.left(40));
        return false;
    }
    // A budget without its amount would read as no budget at all: an error, never a zero.
    if (!limit || !std::isfinite(*limit) || *limit < 0) {
        *e = u"%1.limit_usd: expected a non-negative number"_s.arg(p);
        return false;
    }
    b->interval = *i;
    b->limitUsd = *limit;
    return true;
}
} // namespace

ApiResult<Page<Workspace>> parseWorkspaceList(const QByteArray &body)
{
    return parseOffsetPage<Workspace>(body, parseWorkspaceAt);
}

ApiResult<Workspace> parseWorkspaceEnvelope(const QByteArray &body)
{
    QString error;
    const QJsonObject data = dataObject(body, &error);
    Workspace w;
    if (error.isEmpty())
        parseWorkspaceAt(data, u"$.data"_s, &w, &error);
    if (!error.isEmpty())
        return fail<Workspace>(error);
    return ApiResult<Workspace>::success(std::move(w));
}

ApiResult<QList<WorkspaceBudget>> parseWorkspaceBudgets(const QByteArray &body)
{
    QString error;
    const QJsonArray array = dataArray(body, &error);
    if (!error.isEmpty())
        return fail<QList<WorkspaceBudget>>(error);
    return parseArray<WorkspaceBudget>(array, u"$.data"_s, parseWorkspaceBudgetAt);
}

ApiResult<WorkspaceBudget> parseWorkspaceBudgetEnvelope(const QByteArray &body)
{
    QString error;
    const QJsonObject data = dataObject(body, &error);
    WorkspaceBudget b;
    if (error.isEmpty())
        parseWorkspaceBudgetAt(data, u"$.data"_s, &b, &error);
    if (!error.isEmpty())
        return fail<WorkspaceBudget>(error);
    return ApiResult<WorkspaceBudget>::success(b);
}

ApiResult<Page<WorkspaceMember>> parseWorkspaceMembers(const QByteArray &body)
{
    return parseOffsetPage<WorkspaceMember>(body, [](const QJsonObject &o, const QString &p, WorkspaceMember *m, QString *e) {
        Reader r(o, p, e);
        m->userId = r.requiredString("user_id"_L1);
        m->role = r.optionalString("role"_L1);
    });
}

QJsonObject toJson(const AnalyticsQuery &query)
{
    // Always per UTC day: the history is kept per day, and /activity (the fallback) speaks days.
    return QJsonObject{{"metrics"_L1, QJsonArray::fromStringList(query.metrics)},
                       {"dimensions"_L1, QJsonArray::fromStringList(query.dimensions)},
                       {"granularity"_L1, u"day"_s},
                       {"limit"_L1, query.limit},
                       {"time_range"_L1, QJsonObject{{"start"_L1, isoUtc(query.start)}, {"end"_L1, isoUtc(query.end)}}}};
}

ApiResult<AnalyticsResult> parseAnalytics(const QByteArray &body, const AnalyticsQuery &query)
{
    // Rows are objects keyed by the names asked for, so every metric and dimension asked for must
    // be there: a row without its cost would otherwise read as a day that cost nothing.
    QString error;
    const QJsonObject data = dataObject(body, &error);
    if (!error.isEmpty())
        return fail<AnalyticsResult>(error);
    AnalyticsResult result;
    {
        const QJsonValue meta = data.value("metadata"_L1);
        if (!meta.isObject())
            return fail<AnalyticsResult>(u"$.data.metadata: expected an object"_s);
        const QJsonValue truncated = meta.toObject().value("truncated"_L1);
        if (!truncated.isBool())
            return fail<AnalyticsResult>(u"$.data.metadata.truncated: expected true or false"_s);
        result.truncated = truncated.toBool();
    }
    const QJsonValue rows = data.value("data"_L1);
    if (!rows.isArray())
        return fail<AnalyticsResult>(u"$.data.data: expected a list"_s);
    const QJsonArray array = rows.toArray();
    result.rows.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = u"$.data.data[%1]"_s.arg(i);
        if (!array.at(i).isObject())
            return fail<AnalyticsResult>(path + u": expected an object"_s);
        const QJsonObject o = array.at(i).toObject();
        AnalyticsRow row;
        const QJsonValue day = o.value("date__day"_L1);
        if (!day.isString())
            return fail<AnalyticsResult>(path + u".date__day: expected a string"_s);
        row.day = QDate::fromString(day.toString().left(10), Qt::ISODate);
        if (!row.day.isValid())
            return fail<AnalyticsResult>(path + u".date__day: \"%1\" is not a date"_s.arg(day.toString().left(40)));
        for (const QString &name : query.dimensions) {
            const QJsonValue v = o.value(name);
            if (v.isString())
                row.dimensions.insert(name, v.toString());
            else if (v.isNull())
                row.dimensions.insert(name, QString()); // no value (OpenRouter's unset bucket)
            else if (v.isDouble() && v.toDouble() == std::floor(v.toDouble()))
                row.dimensions.insert(name, QString::number(qint64(v.toDouble()))); // a numeric id
            else
                return fail<AnalyticsResult>(path + u'.' + name + u": expected a string"_s);
        }
        for (const QString &name : query.metrics) {
            const QJsonValue v = o.value(name);
            if (v.isNull()) {
                row.metrics.insert(name, 0); // nothing to sum in that bucket
            } else if (v.isDouble() && std::isfinite(v.toDouble())) {
                row.metrics.insert(name, v.toDouble());
            } else {
                return fail<AnalyticsResult>(path + u'.' + name + u": expected a number"_s);
            }
        }
        result.rows.append(std::move(row));
    }
    return ApiResult<AnalyticsResult>::success(std::move(result));
}

QString isoUtc(const QDateTime &dt)
{
    if (!dt.isValid())
        return {};
    // OpenRouter wants UTC with seconds and a Z; Qt::ISODate gives exactly that for UTC times.
    return dt.toUTC().toString(Qt::ISODate);
}

namespace {
// The longest spelling putIsoUtc writes: Qt's own for a year of many digits.
constexpr qsizetype MaxIsoUtcSize = 48;

// appendIsoUtc's text written at d (at most MaxIsoUtcSize bytes); returns the end.
char *putIsoUtc(char *d, const QDateTime &dt)
{
    if (!dt.isValid())
        return d;
    // Days and seconds since 1970 turned into a civil date (H. Hinnant's days_from_civil inverse);
    // the milliseconds are dropped as Qt::ISODate drops them.
    const qint64 ms = dt.toMSecsSinceEpoch();
    const qint64 secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    const qint64 days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    const qint64 secOfDay = secs - days * 86400;
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 day = doy - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 1 || year > 9999) {
        // Qt's own spelling of years ISO 8601 has no four digits for.
        const QByteArray text = isoUtc(dt).toUtf8();
        const qsizetype n = std::min(text.size(), MaxIsoUtcSize);
        std::memcpy(d, text.constData(), size_t(n));
        return d + n;
    }
    const auto two = [](char *p, qint64 v) {
        p[0] = char('0' + v / 10);
        p[1] = char('0' + v % 10);
    };
    char *const text = d;
    two(text, year / 100);
    two(text + 2, year % 100);
    text[4] = '-';
    two(text + 5, month);
    text[7] = '-';
    two(text + 8, day);
    text[10] = 'T';
    two(text + 11, secOfDay / 3600);
    text[13] = ':';
    two(text + 14, secOfDay / 60 % 60);
    text[16] = ':';
    two(text + 17, secOfDay % 60);
    text[19] = 'Z';
    return d + 20;
}
} // namespace

void appendIsoUtc(QByteArray &out, const QDateTime &dt)
{
    const qsizetype start = out.size();
    out.resize(start + MaxIsoUtcSize);
    out.resize(putIsoUtc(out.data() + start, dt) - out.constData());
}

namespace {
QJsonValue nullable(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}
QJsonValue nullable(LimitReset r)
{
    return r == LimitReset::None ? QJsonValue(QJsonValue::Null) : QJsonValue(limitResetToString(r));
}
QJsonValue nullable(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}
QJsonValue nullable(const QDateTime &dt)
{
    return dt.isValid() ? QJsonValue(isoUtc(dt)) : QJsonValue(QJsonValue::Null);
}
QJsonValue nullable(const std::optional<QStringList> &list)
{
    return list ? QJsonValue(QJsonArray::fromStringList(*list)) : QJsonValue(QJsonValue::Null);
}
} // namespace

QJsonObject toJson(const NewKeySpec &spec)
{
    // Only what is set is sent: the spec's defaults are OpenRouter's, and an explicit null for an
    // absent expiry would be a needless difference from what the web dashboard sends.
    QJsonObject o{{"name"_L1, spec.name.trimmed()}};
    if (spec.limit)
        o.insert("limit"_L1, *spec.limit);
    if (spec.limitReset != LimitReset::None)
        o.insert("limit_reset"_L1, limitResetToString(spec.limitReset));
    if (spec.expiresAt.isValid())
        o.insert("expires_at"_L1, isoUtc(spec.expiresAt));
    if (spec.includeByokInLimit)
        o.insert("include_byok_in_limit"_L1, true);
    if (!spec.creatorUserId.isEmpty())
        o.insert("creator_user_id"_L1, spec.creatorUserId);
    return o;
}

QJsonObject toJson(const KeyUpdate &u)
{
    QJsonObject o;
    if (u.name)
        o.insert("name"_L1, u.name->trimmed());
    if (u.disabled)
        o.insert("disabled"_L1, *u.disabled);
    if (u.limit)
        o.insert("limit"_L1, nullable(*u.limit));
    if (u.limitReset)
        o.insert("limit_reset"_L1, nullable(*u.limitReset));
    if (u.includeByokInLimit)
        o.insert("include_byok_in_limit"_L1, *u.includeByokInLimit);
    return o;
}

QJsonObject toJson(const GuardrailSpec &spec)
{
    QJsonObject o;
    if (!spec.name.isEmpty())
        o.insert("name"_L1, spec.name);
    if (!spec.description.isEmpty())
        o.insert("description"_L1, spec.description);
    if (spec.limitUsd)
        o.insert("limit_usd"_L1, *spec.limitUsd);
    else if (spec.clearLimit)
        o.insert("limit_usd"_L1, QJsonValue::Null);
    if (spec.resetInterval)
        o.insert("reset_interval"_L1, nullable(*spec.resetInterval));
    if (spec.allowedModels)
        o.insert("allowed_models"_L1, QJsonArray::fromStringList(*spec.allowedModels));
    else if (spec.clearAllowedModels)
        o.insert("allowed_models"_L1, QJsonValue::Null);
    return o;
}

QJsonObject toJson(const ApiKey &k)
{
    return QJsonObject{
        {"hash"_L1, k.hash},
        {"name"_L1, k.name},
        {"label"_L1, k.label},
        {"disabled"_L1, k.disabled},
        {"limit"_L1, nullable(k.limit)},
        {"limit_remaining"_L1, nullable(k.limitRemaining)},
        {"limit_reset"_L1, nullable(k.limitReset)},
        {"include_byok_in_limit"_L1, k.includeByokInLimit},
        {"usage"_L1, k.usage},
        {"usage_daily"_L1, k.usageDaily},
        {"usage_weekly"_L1, k.usageWeekly},
        {"usage_monthly"_L1, k.usageMonthly},
        {"byok_usage"_L1, k.byokUsage},
        {"byok_usage_daily"_L1, k.byokUsageDaily},
        {"byok_usage_weekly"_L1, k.byokUsageWeekly},
        {"byok_usage_monthly"_L1, k.byokUsageMonthly},
        {"created_at"_L1, isoUtc(k.createdAt)},
        {"updated_at"_L1, nullable(k.updatedAt)},
        {"expires_at"_L1, nullable(k.expiresAt)},
        {"creator_user_id"_L1, nullable(k.creatorUserId)},
        {"workspace_id"_L1, k.workspaceId},
    };
}

void appendIndentedJson(QByteArray &out, const ApiKey &k)
{
    // The members of toJson(const ApiKey &) in QJsonObject's order (sorted by name), one a line;
    // nullable ones are null where toJson's nullable() makes them null. Written through a pointer
    // into room reserved once per key: appending piece by piece cost a listing of 10,000 keys
    // 400,000 QByteArray::append calls, most of its formatting time.
    const qsizetype strings = k.creatorUserId.size() + k.hash.size() + k.label.size() + k.name.size() + k.workspaceId.size();
    // 21 members: a name of at most 21 bytes, 14 of indent, quotes and separators; 6 strings (5
    // fields and limit_reset's at most 7 letters); 12 numbers; 3 quoted times; 2 booleans; the
    // braces.
    const qsizetype room = 21 * (21 + 14) + 6 * (2 + 7) + 6 * strings + 12 * jsontext::MaxNumberSize
        + 3 * (MaxIsoUtcSize + 2) + 2 * 5 + 16;
    const qsizetype start = out.size();
    out.resize(start + room);
    char *d = out.data() + start;
    const auto raw = [&d](std::string_view text) {
        std::memcpy(d, text.data(), text.size());
        d += text.size();
    };
    bool first = true;
    const auto name = [&](std::string_view n) {
        raw(first ? std::string_view("    {\n        \"") : std::string_view(",\n        \""));
        first = false;
        raw(n);
        raw("\": ");
    };
    const auto number = [&](std::string_view n, const std::optional<double> &v) {
        name(n);
        if (v)
            d = jsontext::putNumber(d, *v);
        else
            raw("null");
    };
    const auto string = [&](std::string_view n, QStringView s, bool emptyIsNull) {
        name(n);
        if (emptyIsNull && s.isEmpty())
            raw("null");
        else
            d = jsontext::putString(d, s);
    };
    const auto boolean = [&](std::string_view n, bool b) {
        name(n);
        raw(b ? "true" : "false");
    };
    const auto time = [&](std::string_view n, const QDateTime &dt, bool invalidIsNull) {
        name(n);
        if (invalidIsNull && !dt.isValid()) {
            raw("null");
            return;
        }
        *d++ = '"';
        d = putIsoUtc(d, dt);
        *d++ = '"';
    };
    number("byok_usage", k.byokUsage);
    number("byok_usage_daily", k.byokUsageDaily);
    number("byok_usage_monthly", k.byokUsageMonthly);
    number("byok_usage_weekly", k.byokUsageWeekly);
    time("created_at", k.createdAt, false);
    string("creator_user_id", k.creatorUserId, true);
    boolean("disabled", k.disabled);
    time("expires_at", k.expiresAt, true);
    string("hash", k.hash, false);
    boolean("include_byok_in_limit", k.includeByokInLimit);
    string("label", k.label, false);
    number("limit", k.limit);
    number("limit_remaining", k.limitRemaining);
    string("limit_reset", limitResetToString(k.limitReset), true); // None has no spelling
    string("name", k.name, false);
    time("updated_at", k.updatedAt, true);
    number("usage", k.usage);
    number("usage_daily", k.usageDaily);
    number("usage_monthly", k.usageMonthly);
    number("usage_weekly", k.usageWeekly);
    string("workspace_id", k.workspaceId, false);
    raw("\n    }");
    Q_ASSERT(d - (out.constData() + start) <= room);
    out.resize(d - out.constData());
}

QJsonObject toJson(const Guardrail &g)
{
    return QJsonObject{
        {"id"_L1, g.id},
        {"name"_L1, g.name},
        {"description"_L1, nullable(g.description)},
        {"limit_usd"_L1, nullable(g.limitUsd)},
        {"reset_interval"_L1, nullable(g.resetInterval)},
        {"allowed_models"_L1, nullable(g.allowedModels)},
        {"allowed_providers"_L1, nullable(g.allowedProviders)},
        {"ignored_models"_L1, QJsonValue::Null},
        {"ignored_providers"_L1, QJsonValue::Null},
        {"include_byok_in_budgets"_L1, false},
        {"created_at"_L1, isoUtc(g.createdAt)},
        {"updated_at"_L1, nullable(g.updatedAt)},
        {"workspace_id"_L1, QJsonValue::Null},
    };
}

QJsonObject toJson(const Workspace &w)
{
    return QJsonObject{
        {"id"_L1, w.id},
        {"name"_L1, w.name},
        {"slug"_L1, w.slug},
        {"description"_L1, nullable(w.description)},
        {"default_guardrail_id"_L1, QUuid::createUuidV5(QUuid(), w.id + u"guardrail"_s).toString(QUuid::WithoutBraces)},
        {"default_text_model"_L1, QJsonValue::Null},
        {"default_image_model"_L1, QJsonValue::Null},
        {"default_provider_sort"_L1, QJsonValue::Null},
        {"is_observability_io_logging_enabled"_L1, false},
        {"is_observability_broadcast_enabled"_L1, false},
        {"is_data_discount_logging_enabled"_L1, true},
        {"io_logging_sampling_rate"_L1, 1},
        {"io_logging_api_key_ids"_L1, QJsonValue::Null},
        {"include_byok_in_budgets"_L1, false},
        {"created_at"_L1, isoUtc(w.createdAt)},
        {"updated_at"_L1, QJsonValue::Null},
        {"created_by"_L1, QJsonValue::Null},
    };
}

QJsonObject toJson(const WorkspaceBudget &b, const QString &workspaceId)
{
    return QJsonObject{
        {"id"_L1, QUuid::createUuidV5(QUuid(), workspaceId + workspaceIntervalName(b.interval)).toString(QUuid::WithoutBraces)},
        {"workspace_id"_L1, workspaceId},
        {"limit_usd"_L1, b.limitUsd},
        {"reset_interval"_L1, b.interval == WorkspaceInterval::Lifetime ? QJsonValue(QJsonValue::Null)
                                                                         : QJsonValue(workspaceIntervalName(b.interval))},
        {"created_at"_L1, u"2026-01-01T00:00:00Z"_s},
        {"updated_at"_L1, u"2026-01-01T00:00:00Z"_s},
    };
}

} // namespace orteam::json
