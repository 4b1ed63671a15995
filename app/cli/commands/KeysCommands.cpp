#include "KeysCommands.h"

#include "Await.h"
#include "Context.h"
#include "JsonCodec.h"
#include "KeyArgument.h"
#include "KeyFormatter.h"
#include "KeyService.h"
#include "Money.h"
#include "Output.h"
#include "SyncCall.h"

#include <QJsonObject>
#include <QThreadPool>

#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

namespace {
const QString ResetNeedsLimit = u"--reset needs a limit: a key without a limit has nothing to reset"_s;
Option resetOption(const QStringList &choices)
{
    return Option::choice(u"reset"_s, choices, u"When the limit starts again (at midnight UTC; weeks start on Monday)."_s);
}

// Finds the key `query` names and changes it through KeyService (which audits the change);
// `report` says what the key is now.
int changeKey(Context &context, const QString &query, const KeyUpdate &update, const std::function<void(const ApiKey &)> &report)
{
    int failure = Ok;
    const std::optional<ApiKey> key = findKey(context, query, &failure);
    if (!key)
        return failure;
    KeyService keys(context.auditStore(), context.client());
    const auto [done] = waitForAnswer<KeyService::Done<ApiKey>>(
        [&](auto answer) { keys.update(*key, update, context.callbacks(), answer); });
    if (!done.result.ok())
        return context.console().fail(done.result.error);
    report(done.result.value);
    context.auditWarning(done.auditError);
    return Ok;
}
} // namespace

// ---- keys list ------------------------------------------------------------------------------------

KeysList::KeysList()
    : Command(Section::Account, {u"keys"_s, u"list"_s},
              u"Every key of the account (all pages, fetched concurrently); the table ends with the total spend."_s)
{
    m_description = u"Lists every key of the account: name, usage and limit (beside a limit that resets, the "
                    "spend of its current day, week or month), reset period, status, expiry and hash. The table "
                    "ends with \"Total spend: $… across N keys\" (their lifetime usage); json uses OpenRouter's field "
                    "names; csv has a header row, and a field that starts like a spreadsheet formula is kept as "
                    "text. Disabled keys are left out unless --include-disabled is given."_s;
    m_options << Option::flag(u"include-disabled"_s, u"List disabled keys too."_s)
              << formatOption({u"table"_s, u"json"_s, u"csv"_s});
    m_examples << Example{u"orteam-cli keys list --include-disabled --format csv > keys.csv"_s,
                          u"Every key, disabled ones too, as a spreadsheet."_s};
}

int KeysList::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.connect())
        return code;
    const QString format = arguments.value(u"format"_s, u"table"_s);
    KeyFormatter::Listing listing(format == "json"_L1  ? KeyFormatter::Listing::Format::Json
                                  : format == "csv"_L1 ? KeyFormatter::Listing::Format::Csv
                                                       : KeyFormatter::Listing::Format::Table,
                                  QDateTime::currentDateTimeUtc());
    // Each batch of keys is formatted on a thread of its own while the next pages arrive (one
    // thread: the batches in order), and printed only once the listing is whole.
    QThreadPool formatting;
    formatting.setMaxThreadCount(1);
    const auto r = waitFor<qsizetype>([&](auto done) {
        context.client().streamKeys(
            arguments.isSet(u"include-disabled"_s), context.callbacks(),
            [&](ApiKeyList &&keys) { formatting.start([&listing, keys = std::move(keys)] { listing.add(keys); }); }, done);
    });
    formatting.waitForDone();
    if (!r.ok())
        return context.console().fail(r.error);
    listing.finish([&context](QByteArrayView utf8) { context.console().writeUtf8(utf8); });
    context.out().flush();
    return Ok;
}

// ---- keys show ------------------------------------------------------------------------------------

KeysShow::KeysShow()
    : Command(Section::Account, {u"keys"_s, u"show"_s}, u"One key in full."_s)
{
    m_description = u"Shows one key in full: its name, hash and masked secret, status, usage today, this "
                    "week, this month and in total, limit and what remains of it, reset period, whether "
                    "bring-your-own-key usage counts, creation and expiry."_s;
    m_arguments << keyArgument();
    m_options << formatOption({u"table"_s, u"json"_s});
}

int KeysShow::execute(Context &context, const Arguments &arguments)
{
    int failure = Ok;
    const std::optional<ApiKey> key = findKey(context, arguments.at(0), &failure);
    if (!key)
        return failure;
    if (arguments.value(u"format"_s, u"table"_s) == "json"_L1)
        context.out() << jsonText(json::toJson(*key));
    else
        context.out() << KeyFormatter::details(*key, QDateTime::currentDateTimeUtc());
    return Ok;
}

// ---- keys create ----------------------------------------------------------------------------------

KeysCreate::KeysCreate()
    : Command(Section::Account, {u"keys"_s, u"create"_s},
              u"Creates a key and prints its secret once on stdout (details on stderr); it cannot be shown again."_s)
{
    m_description = u"Creates a key. Its secret is printed once, alone on stdout, and the details on stderr, so "
                    "SECRET=$(orteam-cli keys create NAME) works; OpenRouter cannot show it again. Nothing is "
                    "sent when a value is wrong. If the answer is lost (a timeout), the key may have been made "
                    "anyway: check with keys show before trying again. The new key is recorded in the team "
                    "database's audit log (never its secret)."_s;
    m_arguments << Argument{u"NAME"_s, u"The key's name (at most 100 characters)."_s, {}};
    m_options << Option::value(u"limit"_s, u"USD"_s, u"A credit limit in USD (at most $1,000,000)."_s)
              << resetOption({u"daily"_s, u"weekly"_s, u"monthly"_s})
              << Option::value(u"expires"_s, u"ISO8601"_s,
                               u"When the key stops working: a date (the end of that UTC day) or a date and time "
                               "(UTC unless it has an offset)."_s)
              << Option::flag(u"include-byok"_s, u"Count bring-your-own-key usage against the limit."_s)
              << Option::choice(u"format"_s, {u"text"_s, u"json"_s},
                                u"text (the default): the secret alone on stdout; json: the key and its secret."_s);
    m_examples << Example{u"SECRET=$(orteam-cli keys create alice-backend --limit 50 --reset monthly)"_s,
                          u"A key with a $50 monthly limit, its secret kept in a shell variable."_s};
}

int KeysCreate::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    NewKeySpec spec;
    spec.name = arguments.at(0);
    spec.includeByokInLimit = arguments.isSet(u"include-byok"_s);
    if (const auto limit = arguments.value(u"limit"_s)) {
        const LimitParse p = parseCreditLimit(*limit);
        if (!p.error.isEmpty())
            return console.fail(UsageError, p.error);
        spec.limit = p.limit;
    }
    if (const auto reset = arguments.value(u"reset"_s))
        spec.limitReset = limitResetFromString(*reset).value_or(LimitReset::None);
    if (const auto expires = arguments.value(u"expires"_s)) {
        const ExpiryParse p = parseExpiry(*expires);
        if (!p.error.isEmpty())
            return console.fail(UsageError, p.error);
        spec.expiresAt = p.expiresAt;
    }
    if (const QString e = validate(spec, QDateTime::currentDateTimeUtc()); !e.isEmpty())
        return console.fail(UsageError, e);
    if (spec.limitReset != LimitReset::None && !spec.limit)
        return console.fail(UsageError, ResetNeedsLimit);
    if (const int code = context.connect())
        return code;

    KeyService keys(context.auditStore(), context.client());
    const auto [done] = waitForAnswer<KeyService::Done<json::CreatedKey>>(
        [&](auto answer) { keys.create(spec, context.callbacks(), answer); });
    const ApiResult<json::CreatedKey> &r = done.result;
    if (!r.ok())
        return failKeyCreation(console, r.error, r.error.message(), u"orteam-cli keys show "_s + spec.name);
    if (arguments.value(u"format"_s, u"text"_s) == "json"_L1) {
        context.out() << jsonText(QJsonObject{{"data"_L1, json::toJson(r.value.key)}, {"key"_L1, r.value.secret}});
    } else {
        // The secret alone on stdout, so `SECRET=$(orteam-cli keys create …)` works; the rest on stderr.
        context.out() << r.value.secret << Qt::endl;
        console.err() << "Created key \"" << r.value.key.name << "\" (hash " << r.value.key.hash
                      << "). The secret above is shown only this once: store it now." << Qt::endl;
    }
    context.auditWarning(done.auditError);
    return Ok;
}

// ---- keys disable, keys enable --------------------------------------------------------------------

KeyDisabledChange::KeyDisabledChange(const QString &word, const QString &summary, bool disable)
    : Command(Section::Account, {u"keys"_s, word}, summary), m_disable(disable)
{
    m_arguments << keyArgument();
}

int KeyDisabledChange::execute(Context &context, const Arguments &arguments)
{
    KeyUpdate update;
    update.disabled = m_disable;
    return changeKey(context, arguments.at(0), update, [&](const ApiKey &changed) {
        context.out() << (m_disable ? "Disabled" : "Enabled") << " key \"" << changed.name << "\" (" << changed.hash.left(16)
                      << ")." << Qt::endl;
    });
}

KeysDisable::KeysDisable()
    : KeyDisabledChange(u"disable"_s, u"Stops a key from working, without deleting it."_s, true)
{
    m_description = u"Disables the key: requests with it are refused until it is enabled again. The change is "
                    "recorded in the team database's audit log."_s;
}

KeysEnable::KeysEnable()
    : KeyDisabledChange(u"enable"_s, u"Lets a disabled key work again."_s, false)
{
    m_description = u"Enables a disabled key. The change is recorded in the team database's audit log."_s;
}

// ---- keys set-limit -------------------------------------------------------------------------------

KeysSetLimit::KeysSetLimit()
    : Command(Section::Account, {u"keys"_s, u"set-limit"_s}, u"Changes a key's credit limit (none removes it) and its reset."_s)
{
    m_description = u"Sets the key's credit limit in USD, or removes it with none (a key without a limit has "
                    "nothing to reset, so its reset goes too). --reset changes when the limit starts again. The "
                    "change is recorded in the team database's audit log with the limit before and after."_s;
    m_arguments << keyArgument()
                << Argument{u"USD|none"_s, u"The new limit in USD, or none."_s, {}};
    m_options << resetOption({u"daily"_s, u"weekly"_s, u"monthly"_s, u"none"_s});
    m_examples << Example{u"orteam-cli keys set-limit bob-frontend 20 --reset weekly"_s, u"$20 a week for one key."_s};
}

int KeysSetLimit::execute(Context &context, const Arguments &arguments)
{
    const LimitParse p = parseCreditLimit(arguments.at(1));
    if (!p.error.isEmpty())
        return context.console().fail(UsageError, p.error);
    KeyUpdate update;
    update.limit = p.limit;
    if (const auto reset = arguments.value(u"reset"_s))
        update.limitReset = limitResetFromString(*reset).value_or(LimitReset::None);
    // As keys create: a reset said for no limit was meant for one, and would be stored unseen.
    if (!p.limit && update.limitReset && *update.limitReset != LimitReset::None)
        return context.console().fail(UsageError, ResetNeedsLimit);
    if (!p.limit)
        update.limitReset = LimitReset::None; // no limit: nothing left to reset
    return changeKey(context, arguments.at(0), update, [&](const ApiKey &changed) {
        context.out() << "Key \"" << changed.name << "\": limit " << moneyOr(changed.limit, u"none"_s) << ", resets "
                      << (changed.limitReset == LimitReset::None ? u"never"_s : limitResetToString(changed.limitReset)) << "."
                      << Qt::endl;
    });
}

// ---- keys revoke ----------------------------------------------------------------------------------

KeysRevoke::KeysRevoke()
    : Command(Section::Account, {u"keys"_s, u"revoke"_s},
              u"Deletes the key for good. Asks for confirmation on a terminal unless --yes; without a terminal "
              "--yes is required."_s)
{
    m_aliases << u"delete"_s;
    m_description = u"Deletes the key at OpenRouter; this cannot be undone. On a terminal it asks first, showing "
                    "the key's name, hash and spend; a script must pass --yes (without a terminal and without "
                    "--yes nothing is sent). The revocation is recorded in the team database's audit log."_s;
    m_arguments << keyArgument();
    m_options << yesOption();
    m_examples << Example{u"orteam-cli keys revoke alice-backend --yes"_s, u"Revokes a key from a script."_s};
}

int KeysRevoke::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    const bool yes = arguments.isSet(u"yes"_s);
    // Decided before touching the network: a script without --yes fails fast.
    if (!yes && !console.isInteractive())
        return console.fail(UsageError, u"revoking needs confirmation: run it on a terminal or pass --yes"_s);
    int failure = Ok;
    const std::optional<ApiKey> key = findKey(context, arguments.at(0), &failure);
    if (!key)
        return failure;
    if (!yes && !console.confirm(u"Revoke key \"%1\" (%2, %3, spent %4)? This cannot be undone."_s.arg(
                    key->name, key->hash.left(16), key->label, formatUsd(key->usage))))
        return console.fail(Declined, u"not revoked"_s);
    KeyService keys(context.auditStore(), context.client());
    const auto [done] = waitForAnswer<KeyService::Done<bool>>(
        [&](auto answer) { keys.revoke(*key, context.callbacks(), answer); });
    if (!done.result.ok())
        return console.fail(done.result.error);
    context.out() << "Revoked key \"" << key->name << "\" (" << key->hash.left(16) << ")." << Qt::endl;
    context.auditWarning(done.auditError);
    return Ok;
}

} // namespace orteam::cli
