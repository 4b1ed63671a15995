#include "MembersCommands.h"

#include "Await.h"
#include "Context.h"
#include "Counted.h"
#include "Csv.h"
#include "KeyArgument.h"
#include "KeyFormatter.h"
#include "KeyRequests.h"
#include "MemberLinkService.h"
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
              u"Members with tier, budget (their own, else the tier's) and linked keys."_s)
{
    m_description = u"Lists the team's members from the team database: name, whether they are active or "
                    "offboarded, tier, budget (their own, else their tier's; none when neither has one), how many "
                    "keys are linked to them (revoked ones too: their spend stays theirs), email, and the "
                    "OpenRouter user they are linked to (members match). json adds the hashes of their keys."_s;
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
        for (const Member &m : *members) {
            QJsonObject row{{"name"_L1, m.name}, {"email"_L1, m.email}, {"tier"_L1, m.tier},
                            {"own_budget"_L1, m.budgetOverride.has_value()},
                            {"active"_L1, m.active}, {"keys"_L1, QJsonArray::fromStringList(m.keyHashes)},
                            {"openrouter_user_id"_L1, m.isLinked() ? QJsonValue(m.userId) : QJsonValue()}};
            addBudgetFields(row, effectiveBudget(m, *tiers));
            array.append(row);
        }
        out << jsonText(array);
    } else if (format == "csv"_L1) {
        // The roster's own columns (daily_limit is the amount, budget_period its period, own_budget
        // whether it is the member's or their tier's), so a listing edited in a spreadsheet
        // imports back as it was.
        // (own_budget last: a script reading the columns by position still finds the others.)
        out << "name,email,tier,daily_limit,budget_period,active,keys,openrouter_user_id,own_budget\n";
        for (const Member &m : *members) {
            const auto budget = effectiveBudget(m, *tiers);
            out << csvField(m.name, true) << ',' << csvField(m.email, true) << ',' << m.tier << ','
                << (budget ? QString::number(budget->usd, 'g', 15) : QString()) << ','
                << (budget ? budgetPeriodAdjective(budget->period) : QString()) << ',' << (m.active ? "true" : "false") << ','
                << m.keyHashes.size() << ',' << csvField(m.userId, true) << ',' << (m.budgetOverride ? "true" : "false") << '\n';
        }
    } else {
        QList<QStringList> rows{{u"NAME"_s, u"STATUS"_s, u"TIER"_s, u"BUDGET"_s, u"KEYS"_s, u"EMAIL"_s, u"OPENROUTER USER"_s}};
        for (const Member &m : *members)
            rows << QStringList{m.name, m.active ? u"active"_s : u"offboarded"_s, m.tier.isEmpty() ? u"-"_s : m.tier,
                                budgetOr(effectiveBudget(m, *tiers), u"none"_s) + (m.budgetOverride ? u" (own)"_s : QString()),
                                QString::number(m.keyHashes.size()), m.email, m.isLinked() ? m.userId : u"-"_s};
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
              << Option::value(u"daily-limit"_s, u"USD"_s, u"Their own budget, instead of their tier's (daily unless --period says otherwise); leave it out for their tier's."_s)
              << budgetPeriodOption();
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
        const BudgetParse p = parseMemberBudget(*limit, arguments.value(u"period"_s, QString()));
        if (!p.error.isEmpty())
            return context.console().fail(UsageError, p.error + u" (Leave --daily-limit out for their tier's.)"_s);
        m.budgetOverride = p.budget;
    } else if (arguments.value(u"period"_s)) {
        return context.console().fail(UsageError, u"--period is the period of --daily-limit: give both, or neither."_s);
    }
    if (const int code = context.openStore())
        return code;
    if (const Status added = TeamService(context.store()).addMember(m); !added)
        return context.console().fail(added.error());
    context.out() << "Added member \"" << m.name.trimmed() << "\""
                  << (m.tier.isEmpty() ? QString() : u" (tier %1)"_s.arg(tierNameOf(m.tier))) << "." << Qt::endl;
    return Ok;
}

// ---- members set-budget ----------------------------------------------------------------------------

MembersSetBudget::MembersSetBudget()
    : Command(Section::Team, {u"members"_s, u"set-budget"_s},
              u"Gives a member a budget of their own (a day's, a week's or a month's), or back to their tier's."_s)
{
    m_description = u"Sets a member's own budget: USD per UTC day, Monday-to-Sunday week or calendar month, instead "
                    "of their tier's; tier gives them their tier's budget again. The local budget check, alerts and "
                    "orteam-gateway judge it at once; OpenRouter enforces it once tiers apply has made their own "
                    "guardrail (\"orteam member: NAME\"). Recorded in the audit log."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}}
                << Argument{u"USD"_s, u"The amount ($0: nothing may be spent), or tier for their tier's budget again."_s, {}};
    m_options << budgetPeriodOption();
    m_examples << Example{u"orteam-cli --db team.db members set-budget alice 40 --period weekly"_s,
                          u"Alice may spend $40 a week, whatever her tier allows."_s};
}

int MembersSetBudget::execute(Context &context, const Arguments &arguments)
{
    const bool tierDefault = arguments.at(1).trimmed().compare("tier"_L1, Qt::CaseInsensitive) == 0;
    const QString period = arguments.value(u"period"_s, QString());
    BudgetParse parsed;
    if (!tierDefault) {
        parsed = parseMemberBudget(arguments.at(1), period);
        if (!parsed.error.isEmpty())
            return context.console().fail(UsageError, parsed.error + u" (tier gives them their tier's budget again.)"_s);
        if (!parsed.budget) // an empty amount
            return context.console().fail(UsageError, u"Give an amount, or tier for their tier's budget."_s);
    }
    if (const int code = context.openStore())
        return code;
    const Result<Member> found = context.store().team().member(arguments.at(0));
    if (!found)
        return context.console().fail(found.error());
    Member m = *found;
    // Without --period their own budget keeps its period (a new amount never turns a week into a day).
    if (!tierDefault && period.isEmpty() && m.budgetOverride)
        parsed.budget->period = m.budgetOverride->period;
    m.budgetOverride = tierDefault ? std::nullopt : parsed.budget;
    if (const Status saved = TeamService(context.store()).updateMember(m); !saved)
        return context.console().fail(saved.error());
    context.out() << "Member \"" << m.name << "\" now has "
                  << (m.budgetOverride ? u"a budget of their own: "_s + budgetText(*m.budgetOverride) : u"their tier's budget"_s)
                  << ". Run tiers apply to make OpenRouter enforce it." << Qt::endl;
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
    context.out() << "Member \"" << arguments.at(0) << "\" is now in the " << tierNameOf(arguments.at(1)) << " tier." << Qt::endl;
    return Ok;
}

// ---- members link ---------------------------------------------------------------------------------

MembersLink::MembersLink()
    : Command(Section::Team, {u"members"_s, u"link"_s},
              u"Attributes a key (hash or unique name) to a member."_s)
{
    m_description = u"Attributes a key to a member: its spend counts as theirs (its synced history too), and the budget check and "
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
    QString previous;
    if (const Status linked = TeamService(context.store()).linkKey(name, key->hash, key->name, &previous); !linked)
        return context.console().fail(linked.error());
    // Taken from someone else: said, since their spend and budget no longer count it.
    context.out() << "Key \"" << key->name << "\" (" << key->hash.left(16) << ") now belongs to " << name
                  << (previous.isEmpty() || previous == name ? QString() : u"; it was %1's"_s.arg(previous)) << "." << Qt::endl;
    return Ok;
}

// ---- members unlink -------------------------------------------------------------------------------

MembersReactivate::MembersReactivate()
    : Command(Section::Team, {u"members"_s, u"reactivate"_s}, u"Makes an offboarded member active again (keys are made anew)."_s)
{
    m_description = u"Makes an offboarded member active again, as when someone is rehired or was offboarded by "
                    "mistake; recorded in the audit log. Their revoked keys stay linked to them (the spend made "
                    "through them stays theirs); give them new keys with keys create and members link."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}};
    m_examples << Example{u"orteam-cli --db team.db members reactivate liam"_s, u"Liam is back."_s};
}

int MembersReactivate::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    const Result<bool> changed = TeamService(context.store()).reactivate(arguments.at(0));
    if (!changed)
        return context.console().fail(changed.error());
    context.out() << (*changed ? u"%1 is active again; give them keys with keys create and members link, and run tiers apply "
                                 "to put their OpenRouter user under their tier's guardrail again."_s
                               : u"%1 is active already; nothing changed."_s)
                         .arg(arguments.at(0))
                  << Qt::endl;
    return Ok;
}

MembersUnlink::MembersUnlink()
    : Command(Section::Team, {u"members"_s, u"unlink"_s}, u"Takes a key (hash or unique name) away from its member."_s)
{
    m_description = u"Takes a key away from the member it is linked to: its spend, its synced history included, counts "
                    "for nobody (the Overview says what keys linked to no member spent), and their budget and tier "
                    "no longer apply to it. The key itself is not changed at OpenRouter. A key that has gone from "
                    "OpenRouter can be given by its hash."_s;
    m_arguments << keyArgument();
}

int MembersUnlink::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    // A link is the team database's: a 64-hex hash needs no key and no network (and a key gone
    // from OpenRouter can still be unlinked); a name is looked up at OpenRouter.
    QString hash = arguments.at(0), name;
    if (!isKeyHash(hash)) {
        int failure = Ok;
        const std::optional<ApiKey> key = findKey(context, arguments.at(0), &failure);
        if (!key)
            return failure;
        hash = key->hash;
        name = key->name;
    }
    QString owner;
    if (const Status unlinked = TeamService(context.store()).unlinkKey(hash, name, &owner); !unlinked)
        return context.console().fail(unlinked.error());
    context.out() << "Key \"" << (name.isEmpty() ? hash.left(16) : name) << "\" is no longer " << owner << "'s." << Qt::endl;
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
                    "again finishes the job (a key already gone counts as revoked). A member linked to an OpenRouter "
                    "user is then taken off orteam's guardrails as a person."_s;
    m_managementKeyNote = u"Needs the management key when the member has keys or is linked to an OpenRouter user."_s;
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
    // Keys to revoke, or a person to take off orteam's guardrails: both are OpenRouter's.
    if (!member->keyHashes.isEmpty() || member->isLinked()) {
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
    if (outcome.unchanged.contains(member->name)) {
        context.out() << member->name << " is inactive already, with no key left to revoke; nothing changed." << Qt::endl;
        return Ok;
    }
    context.out() << "Offboarded " << member->name << ": " << counted(outcome.revokedCount(member->name), u"key"_s, u"keys"_s)
                  << " revoked";
    if (const int gone = outcome.gone.value(member->name))
        context.out() << " (" << counted(gone, u"other was"_s, u"others were"_s) << " gone already)";
    context.out() << '.' << Qt::endl;
    return Ok;
}

// ---- members match, link-user, unlink-user ---------------------------------------------------------

namespace {
QJsonArray linksJson(const QList<MemberLink> &links)
{
    QJsonArray out;
    for (const MemberLink &l : links)
        out.append(QJsonObject{{"member"_L1, l.member}, {"openrouter_user_id"_L1, l.userId}, {"email"_L1, l.email},
                               {"user_name"_L1, l.userName}});
    return out;
}
} // namespace

MembersMatch::MembersMatch()
    : Command(Section::Team, {u"members"_s, u"match"_s},
              u"Matches members to the organization's OpenRouter users by email and links them when confirmed."_s)
{
    m_description = u"Reads the organization's members at OpenRouter (every page) and matches them to the team by "
                    "email (case and spaces ignored). Prints the links it would make, the members already linked, "
                    "those linked to a user the organization no longer has, members and users without a match, and "
                    "conflicts (two members with one email, one email held by two users); links are made when "
                    "confirmed (on a terminal, or with --yes), each recorded in the audit log. A linked member can "
                    "be bound by a guardrail as a person, across every key of theirs: tiers apply does that. Where "
                    "the emails differ, link by hand with members link-user."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_options << Option::flag(u"dry-run"_s, u"Only print the matches."_s) << yesOption()
              << formatOption({u"text"_s, u"json"_s});
    m_examples << Example{u"orteam-cli members match --dry-run"_s, u"Who would be linked to which OpenRouter user."_s}
               << Example{u"orteam-cli members match --yes --format json"_s, u"Links every match; the outcome as JSON."_s};
}

int MembersMatch::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    const bool yes = arguments.isSet(u"yes"_s);
    const bool dryRun = arguments.isSet(u"dry-run"_s);
    const bool json = arguments.value(u"format"_s, u"text"_s) == "json"_L1;
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    MemberLinkService links(context.store(), context.client());
    const auto [preview] = waitForAnswer<MemberLinkService::Preview>([&](auto answer) { links.preview(context.callbacks(), answer); });
    if (preview.error)
        return console.fail(preview.error);
    const MemberLinkPlan &plan = preview.plan;
    // Asked before anything is printed on stdout, so json stays one document.
    const bool canAsk = !json && console.isInteractive();
    bool apply = !plan.isEmpty() && !dryRun && (yes || canAsk);
    QTextStream &out = context.out();
    if (!json) {
        for (const MemberLink &l : plan.toLink)
            out << "  link " << l.member << " → " << l.userId << " (" << l.email << (l.userName.isEmpty() ? u""_s : u", "_s + l.userName)
                << ")\n";
        for (const MemberLink &l : plan.gone)
            out << "note: " << l.member << " is linked to " << l.userId << ", whom the organization no longer has\n";
        for (const QString &c : plan.conflicts)
            out << "conflict: " << c << "\n";
        if (!plan.unmatchedMembers.isEmpty())
            out << "note: no OpenRouter user with their email: " << plan.unmatchedMembers.join(u", "_s) << "\n";
        for (const OrgMember &u : plan.unmatchedUsers)
            out << "note: OpenRouter user " << u.id << " (" << u.email << ") is no member's\n";
        out << plan.summary() << Qt::endl;
        if (plan.isEmpty()) {
            out << "Nothing to link." << Qt::endl;
            return Ok;
        }
        if (dryRun) {
            out << "Dry run: nothing was linked." << Qt::endl;
            return Ok;
        }
        if (!yes && !canAsk)
            return console.fail(UsageError, u"linking needs confirmation: run it on a terminal, or pass --yes (or --dry-run)"_s);
        if (!yes && !console.confirm(u"Link %1?"_s.arg(counted(plan.toLink.size(), u"member"_s, u"members"_s))))
            return console.fail(Declined, u"nothing was linked"_s);
    } else if (!plan.isEmpty() && !dryRun && !yes) {
        return console.fail(UsageError, u"linking needs --yes with --format json (or --dry-run to only see the matches)"_s);
    }
    if (apply) {
        if (const Status s = links.apply(plan.toLink); !s)
            return console.fail(s.error());
    }
    if (json) {
        QJsonArray unmatchedUsers;
        for (const OrgMember &u : plan.unmatchedUsers)
            unmatchedUsers.append(QJsonObject{{"openrouter_user_id"_L1, u.id}, {"email"_L1, u.email}, {"user_name"_L1, u.displayName()}});
        out << jsonText(QJsonObject{{"linked_now"_L1, apply ? linksJson(plan.toLink) : QJsonArray()},
                                    {"to_link"_L1, apply ? QJsonArray() : linksJson(plan.toLink)},
                                    {"already_linked"_L1, linksJson(plan.linked)},
                                    {"gone"_L1, linksJson(plan.gone)},
                                    {"unmatched_members"_L1, QJsonArray::fromStringList(plan.unmatchedMembers)},
                                    {"unmatched_users"_L1, unmatchedUsers},
                                    {"conflicts"_L1, QJsonArray::fromStringList(plan.conflicts)}});
    } else {
        out << "Linked " << counted(plan.toLink.size(), u"member"_s, u"members"_s)
            << ". orteam-cli tiers apply binds them to their tier's guardrail as people." << Qt::endl;
    }
    return Ok;
}

MembersLinkUser::MembersLinkUser()
    : Command(Section::Team, {u"members"_s, u"link-user"_s},
              u"Links a member to an OpenRouter user by hand (where the emails differ)."_s)
{
    m_description = u"Links a member to an OpenRouter user of the organization (its user id, as members match "
                    "lists them), where matching by email cannot (the emails differ, or two users share one). The "
                    "organization is asked first: an id it does not have, or one linked to another member, is "
                    "refused. Recorded in the audit log."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}}
                << Argument{u"USER_ID"_s, u"The OpenRouter user id (user_…)."_s, {}};
    m_examples << Example{u"orteam-cli members link-user alice user_2dHFtVWx2n56w6HkM0000000000"_s,
                          u"alice is that OpenRouter user."_s};
}

int MembersLinkUser::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    MemberLinkService links(context.store(), context.client());
    const auto [error] = waitForAnswer<FlowError>(
        [&](auto answer) { links.link(arguments.at(0), arguments.at(1), context.callbacks(), answer); });
    if (error)
        return context.console().fail(error);
    context.out() << arguments.at(0) << " is now linked to the OpenRouter user " << arguments.at(1) << "." << Qt::endl;
    return Ok;
}

MembersUnlinkUser::MembersUnlinkUser()
    : Command(Section::Team, {u"members"_s, u"unlink-user"_s},
              u"Undoes a member's link to an OpenRouter user (the next tiers apply takes them off orteam's guardrails)."_s)
{
    m_description = u"Forgets which OpenRouter user a member is. The next tiers apply takes that user off orteam's "
                    "guardrails; the member's keys stay bound per key. Recorded in the audit log."_s;
    m_arguments << Argument{u"NAME"_s, NameArgumentText, {}};
}

int MembersUnlinkUser::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    if (const Status s = MemberLinkService(context.store(), context.client()).unlink(arguments.at(0)); !s)
        return context.console().fail(s.error());
    context.out() << arguments.at(0) << " is not linked to an OpenRouter user." << Qt::endl;
    return Ok;
}

} // namespace orteam::cli
