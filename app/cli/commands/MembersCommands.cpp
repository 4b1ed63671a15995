#include "MembersCommands.h"

#include "Await.h"
#include "Context.h"
#include "Counted.h"
#include "Csv.h"
#include "KeyArgument.h"
#include "KeyFormatter.h"
#include "KeyRequests.h"
#include "OffboardingService.h"
#include "Output.h"
#include "TeamService.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

namespace {
const QString NameArgumentText = u"The member's name."_s;
} // namespace

// ---- members list ---------------------------------------------------------------------------------

MembersList::MembersList()
    : Command(Section::Team, {u"members"_s, u"list"_s},
              u"Members with tier, daily limit (their own, else the tier's) and linked keys."_s)
{
    m_description = u"Lists the team's members from the team database: name, tier, daily limit (their own, else "
                    "their tier's; none when neither has one), how many keys are linked to them, and email. json "
                    "adds whether each is active and the hashes of their keys."_s;
    m_options << formatOption({u"table"_s, u"json"_s, u"csv"_s});
}

int MembersList::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    const auto members = context.store().team().members();
    if (!members)
        return context.console().fail(members.error());
    const auto tiers = context.store().team().tiers();
    if (!tiers)
        return context.console().fail(tiers.error());
    QTextStream &out = context.out();
    const QString format = arguments.value(u"format"_s, u"table"_s);
    if (format == "json"_L1) {
        QJsonArray array;
        for (const Member &m : *members)
            array.append(QJsonObject{{"name"_L1, m.name}, {"email"_L1, m.email}, {"tier"_L1, m.tier},
                                     {"daily_limit"_L1, jsonMoney(effectiveDailyLimit(m, *tiers))},
                                     {"active"_L1, m.active}, {"keys"_L1, QJsonArray::fromStringList(m.keyHashes)}});
        out << jsonText(array);
    } else if (format == "csv"_L1) {
        out << "name,email,tier,daily_limit,active,keys\n";
        for (const Member &m : *members) {
            const auto limit = effectiveDailyLimit(m, *tiers);
            out << csvField(m.name, true) << ',' << csvField(m.email, true) << ',' << m.tier << ','
                << (limit ? QString::number(*limit, 'g', 15) : QString()) << ',' << (m.active ? "true" : "false") << ','
                << m.keyHashes.size() << '\n';
        }
    } else {
        QList<QStringList> rows{{u"NAME"_s, u"TIER"_s, u"DAILY LIMIT"_s, u"KEYS"_s, u"EMAIL"_s}};
        for (const Member &m : *members)
            rows << QStringList{m.name, m.tier.isEmpty() ? u"-"_s : m.tier, moneyOr(effectiveDailyLimit(m, *tiers), u"none"_s),
                                QString::number(m.keyHashes.size()), m.email};
        out << KeyFormatter::columns(rows) << "\n" << counted(members->size(), u"member"_s, u"members"_s) << "\n";
    }
    return Ok;
}

// ---- members add ----------------------------------------------------------------------------------

MembersAdd::MembersAdd()
    : Command(Section::Team, {u"members"_s, u"add"_s}, u"Adds a member; an unknown tier is an error, never \"unrestricted\"."_s)
{
    m_description = u"Adds a member to the team database, recorded in its audit log. The name must be new and may "
                    "not hold control characters; an unknown tier is an error, never \"unrestricted\"."_s;
    m_arguments << Argument{u"NAME"_s, u"The member's name (unique, at most 100 characters)."_s, {}};
    m_options << Option::value(u"email"_s, u"EMAIL"_s, u"Their email address."_s)
              << Option::value(u"tier"_s, u"TIER"_s, u"Their tier (see tiers list); none yet when left out."_s)
              << Option::value(u"daily-limit"_s, u"USD|none"_s, u"Their own daily budget, instead of their tier's."_s);
    m_examples << Example{u"orteam-cli --db team.db members add alice --tier pro --email alice@example.org"_s,
                          u"A member in the pro tier."_s};
}

int MembersAdd::execute(Context &context, const Arguments &arguments)
{
    Member m;
    m.name = arguments.at(0);
    m.email = arguments.value(u"email"_s, QString());
    m.tier = arguments.value(u"tier"_s, QString());
    if (const auto limit = arguments.value(u"daily-limit"_s)) {
        const LimitParse p = parseCreditLimit(*limit);
        if (!p.error.isEmpty())
            return context.console().fail(UsageError, p.error);
        m.dailyLimitOverride = p.limit;
    }
    if (const int code = context.openStore())
        return code;
    if (const Status added = TeamService(context.store()).addMember(m); !added)
        return context.console().fail(added.error());
    context.out() << "Added member \"" << m.name.trimmed() << "\""
                  << (m.tier.isEmpty() ? QString() : u" (tier %1)"_s.arg(m.tier)) << "." << Qt::endl;
    return Ok;
}

// ---- members set-tier -----------------------------------------------------------------------------

MembersSetTier::MembersSetTier()
    : Command(Section::Team, {u"members"_s, u"set-tier"_s}, u"Moves a member to another tier; the audit log records before and after."_s)
{
    m_description = u"Moves a member to another tier. The audit log records the tier before and after; an unknown "
                    "tier is an error."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}} << Argument{u"TIER"_s, u"The tier (see tiers list)."_s, {}};
}

int MembersSetTier::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    if (const Status changed = TeamService(context.store()).setTier({arguments.at(0)}, arguments.at(1)); !changed)
        return context.console().fail(changed.error());
    context.out() << "Member \"" << arguments.at(0) << "\" is now in the " << arguments.at(1) << " tier." << Qt::endl;
    return Ok;
}

// ---- members link ---------------------------------------------------------------------------------

MembersLink::MembersLink()
    : Command(Section::Team, {u"members"_s, u"link"_s},
              u"Attributes a key (hash or unique name) to a member."_s)
{
    m_description = u"Attributes a key to a member: its spend counts as theirs, and the daily budget check and "
                    "their tier apply to it. A key linked to someone else moves. The key is looked up at "
                    "OpenRouter."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}}
                << Argument{u"KEY"_s, u"The key's hash, or its exact name."_s, {}};
}

int MembersLink::execute(Context &context, const Arguments &arguments)
{
    const QString name = arguments.at(0);
    if (const int code = context.openStore())
        return code;
    // The member first: a typo in the name needs no key and no network to be told.
    if (const auto member = context.store().team().member(name); !member)
        return context.console().fail(member.error());
    int failure = Ok;
    const std::optional<ApiKey> key = findKey(context, arguments.at(1), &failure);
    if (!key)
        return failure;
    if (const Status linked = TeamService(context.store()).linkKey(name, key->hash, key->name); !linked)
        return context.console().fail(linked.error());
    context.out() << "Key \"" << key->name << "\" (" << key->hash.left(16) << ") now belongs to " << name << "." << Qt::endl;
    return Ok;
}

// ---- members token --------------------------------------------------------------------------------

MembersToken::MembersToken()
    : Command(Section::Team, {u"members"_s, u"token"_s},
              u"Creates an orteam-gateway token for the member and prints it once (only its hash is kept); "
              "--revoke removes every token of theirs."_s)
{
    m_description = u"Creates an orteam-gateway token for the member and prints it once on stdout (the note is on "
                    "stderr); only its SHA-256 is kept, so it cannot be shown again. An offboarded member gets "
                    "none. With --revoke, every token of theirs is removed and the gateway refuses them at once."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}};
    m_options << Option::flag(u"revoke"_s, u"Remove every gateway token of the member instead."_s);
    m_examples << Example{u"orteam-cli --db team.db members token alice"_s,
                          u"Prints alice's gateway token, to give her; she uses it as her API key with orteam-gateway."_s};
}

int MembersToken::execute(Context &context, const Arguments &arguments)
{
    const QString name = arguments.at(0);
    if (const int code = context.openStore())
        return code;
    TeamService team(context.store());
    if (arguments.isSet(u"revoke"_s)) {
        const Result<int> revoked = team.revokeGatewayTokens(name);
        if (!revoked)
            return context.console().fail(revoked.error());
        context.out() << "Revoked " << counted(*revoked, u"gateway token"_s, u"gateway tokens"_s) << " of " << name << "."
                      << Qt::endl;
        return Ok;
    }
    const Result<QString> token = team.createGatewayToken(name);
    if (!token)
        return context.console().fail(token.error());
    context.console().err() << "Gateway token for " << name << " (shown once; give it to them, it is not stored):" << Qt::endl;
    context.out() << *token << Qt::endl;
    return Ok;
}

// ---- members offboard -----------------------------------------------------------------------------

MembersOffboard::MembersOffboard()
    : Command(Section::Team, {u"members"_s, u"offboard"_s},
              u"Revokes every key linked to the member, then marks them inactive; a member whose keys could not "
              "all be revoked stays active."_s)
{
    m_description = u"Revokes every key linked to the member at OpenRouter, one after another, then marks them "
                    "inactive (their history stays). Asks on a terminal unless --yes; without a terminal --yes is "
                    "required. If any revoke fails, the member stays active and the keys are named; running it "
                    "again finishes the job (a key already gone counts as revoked)."_s;
    m_managementKeyNote = u"Needs the management key when the member has keys."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}};
    m_options << yesOption();
    m_examples << Example{u"orteam-cli members offboard liam --yes"_s, u"Revokes all of liam's keys and marks him inactive."_s};
}

int MembersOffboard::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    const bool yes = arguments.isSet(u"yes"_s);
    if (!yes && !console.isInteractive())
        return console.fail(UsageError, u"offboarding needs confirmation: run it on a terminal or pass --yes"_s);
    if (const int code = context.openStore())
        return code;
    // Read for the question (how many keys) and to need the management key only when there are keys.
    const Result<Member> member = context.store().team().member(arguments.at(0));
    if (!member)
        return console.fail(member.error());
    const QString keys = counted(member->keyHashes.size(), u"key"_s, u"keys"_s);
    if (!member->keyHashes.isEmpty()) {
        if (const int code = context.connect())
            return code;
    }
    if (!yes && !console.confirm(u"Offboard %1: revoke %2 and mark them inactive? This cannot be undone."_s.arg(member->name, keys)))
        return console.fail(Declined, u"not offboarded"_s);
    OffboardingService offboarding(context.store(), context.client());
    const auto [outcome] = waitForAnswer<OffboardingService::Outcome>(
        [&](auto answer) { offboarding.offboard({member->name}, std::nullopt, context.callbacks(), answer); });
    if (outcome.error)
        return console.fail(outcome.error);
    for (const QString &warning : outcome.warnings)
        console.err() << "orteam-cli: warning: " << warning << Qt::endl;
    if (!outcome.failed.isEmpty())
        return console.fail(ServerError, outcome.failed.join(u' '));
    context.out() << "Offboarded " << member->name << ": "
                  << counted(outcome.revokedCount(member->name), u"key"_s, u"keys"_s) << " revoked." << Qt::endl;
    return Ok;
}

} // namespace orteam::cli
