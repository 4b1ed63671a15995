#include "LifecycleCommands.h"

#include "Audit.h"
#include "Await.h"
#include "Context.h"
#include "Counted.h"
#include "Csv.h"
#include "JsonCodec.h"
#include "KeyArgument.h"
#include "KeyFormatter.h"
#include "LifecycleService.h"
#include "Money.h"
#include "Output.h"
#include "SyncCall.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

namespace {

// ---- shared ------------------------------------------------------------------------------------

// A threshold's names, from the domain's field list so the options, the JSON and the database's
// setting names cannot drift apart: "hygiene.dormant_days" is dormant_days and --dormant-days.
QString settingKey(const HygieneSettings::Field &f)
{
    return f.name.section(u'.', 1);
}
QString settingOption(const HygieneSettings::Field &f)
{
    return HygieneSettings::optionName(f);
}

QJsonObject settingsJson(const HygieneSettings &s)
{
    QJsonObject o;
    for (const HygieneSettings::Field &f : HygieneSettings::fields())
        o.insert(settingKey(f), s.*(f.member));
    return o;
}

// "dormant-days 30, never-used-days 30, …": the audit entry's before and after.
QString dayOf(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().date().toString(Qt::ISODate) : u"never"_s;
}

// Text before a table, its rows indented under it.
QString indented(const QString &text, int by)
{
    QString out;
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts))
        out += QString(by, u' ') + line + u'\n';
    return out;
}

// ---- keys audit ----------------------------------------------------------------------------------

QStringList ruleIds()
{
    QStringList ids;
    for (HygieneRule r : allHygieneRules())
        ids << hygieneRuleId(r);
    return ids;
}

// One finding with the key it is about.
struct Shown
{
    const KeyHygiene *key;
    Finding finding;
};

// The findings of the rules asked for, grouped by rule in the domain's order (most urgent first),
// each rule's keys in the account's order.
QList<Shown> findingsOf(const QList<KeyHygiene> &keys, const QList<HygieneRule> &rules)
{
    QList<Shown> out;
    for (HygieneRule rule : rules) {
        for (const KeyHygiene &k : keys) {
            for (const Finding &f : k.findings) {
                if (f.rule == rule)
                    out << Shown{&k, f};
            }
        }
    }
    return out;
}

QString auditTable(const HygieneService::Assessment &a, const QList<HygieneRule> &rules, const QList<Shown> &found)
{
    QString out;
    for (HygieneRule rule : rules) {
        QList<QStringList> rows{{u"NAME"_s, u"HASH"_s, u"LAST USED"_s, u"AGE"_s, u"MEMBER"_s, u"DETAIL"_s}};
        for (const Shown &s : found) {
            if (s.finding.rule != rule)
                continue;
            const KeyHygiene &k = *s.key;
            rows << QStringList{k.key.name,       k.key.hash.left(16), k.lastUse.text(), counted(k.ageDays, u"day"_s, u"days"_s),
                                k.member.isEmpty() ? u"-"_s : k.member, s.finding.detail};
        }
        if (rows.size() == 1)
            continue;
        out += u"%1 (%2): %3\n"_s.arg(hygieneRuleTitle(rule), severityToString(hygieneRuleSeverity(rule)),
                                      counted(rows.size() - 1, u"key"_s, u"keys"_s));
        out += u"  "_s + hygieneRuleDescription(rule, a.settings) + u'\n';
        out += indented(KeyFormatter::columns(rows), 2) + u'\n';
    }
    QSet<QString> keysFound;
    for (const Shown &s : found)
        keysFound.insert(s.key->key.hash);
    const QString total = counted(a.keys.size(), u"key"_s, u"keys"_s);
    if (found.isEmpty())
        out += u"No findings on %1.\n"_s.arg(total);
    else
        out += u"%1 on %2 of %3.\n"_s.arg(counted(found.size(), u"finding"_s, u"findings"_s)).arg(keysFound.size()).arg(total);
    return out;
}

QString auditJson(const HygieneService::Assessment &a, const QList<HygieneRule> &rules, const QList<Shown> &found,
                  const QDateTime &now)
{
    QJsonObject counts;
    for (HygieneRule rule : rules)
        counts.insert(hygieneRuleId(rule), 0);
    QJsonArray findings;
    for (const Shown &s : found) {
        const KeyHygiene &k = *s.key;
        const QString id = hygieneRuleId(s.finding.rule);
        counts.insert(id, counts.value(id).toInt() + 1);
        findings.append(QJsonObject{
            {"rule"_L1, id},
            {"severity"_L1, severityToString(s.finding.severity())},
            {"key_hash"_L1, k.key.hash},
            {"key_name"_L1, k.key.name},
            {"member"_L1, k.member.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(k.member)},
            {"last_used"_L1, k.lastUse.text()},
            {"last_used_kind"_L1, k.lastUse.kindId()},
            {"age_days"_L1, k.ageDays},
            {"detail"_L1, s.finding.detail},
        });
    }
    return jsonText(QJsonObject{{"generated_at"_L1, json::isoUtc(now)},
                                {"team_database"_L1, a.teamKnown},
                                {"keys"_L1, int(a.keys.size())},
                                {"settings"_L1, settingsJson(a.settings)},
                                {"counts"_L1, counts},
                                {"findings"_L1, findings}});
}

QString auditCsv(const QList<Shown> &found)
{
    QString out = u"rule,severity,key_hash,key_name,member,last_used,last_used_kind,age_days,detail\n"_s;
    for (const Shown &s : found) {
        const KeyHygiene &k = *s.key;
        // Names, members and details are free text: csvField keeps one that looks like a formula as text.
        out += QStringList{hygieneRuleId(s.finding.rule), severityToString(s.finding.severity()), k.key.hash,
                           csvField(k.key.name, true), csvField(k.member, true), csvField(k.lastUse.text(), false),
                           k.lastUse.kindId(), QString::number(k.ageDays), csvField(s.finding.detail, true)}
                   .join(u',')
               + u'\n';
    }
    return out;
}

// ---- keys lifecycle run ----------------------------------------------------------------------------

QJsonObject stepJson(const LifecycleStep &step)
{
    return QJsonObject{{"action"_L1, lifecycleActionToString(step.action)},
                       {"key_hash"_L1, step.rotation.oldHash},
                       {"key_name"_L1, step.rotation.oldName},
                       {"replacement_hash"_L1, step.rotation.newHash},
                       {"why"_L1, step.why}};
}

QString stepsTable(const QList<LifecycleStep> &steps)
{
    QList<QStringList> rows{{u"ACTION"_s, u"KEY"_s, u"HASH"_s, u"WHY"_s}};
    for (const LifecycleStep &s : steps)
        rows << QStringList{lifecycleActionToString(s.action), s.rotation.oldName, s.rotation.oldHash.left(16), s.why};
    return indented(KeyFormatter::columns(rows), 2);
}

} // namespace

// ---- keys audit ------------------------------------------------------------------------------------

KeysAudit::KeysAudit()
    : Command(Section::Account, {u"keys"_s, u"audit"_s},
              u"Key hygiene: every key judged by the team's rules (dormant, never used, no member, owner inactive, "
              "due for rotation, …), findings grouped by rule. With --fail-on, exit 8 on findings: for cron and CI."_s)
{
    QStringList rules;
    for (HygieneRule r : allHygieneRules())
        rules << u"%1 (%2)"_s.arg(hygieneRuleId(r), severityToString(hygieneRuleSeverity(r)));
    m_description = u"Lists every key of the account (all pages, disabled ones too) and judges each by the key "
                    "hygiene rules, most urgent first: %1. Last use comes from the key's counters and the history in "
                    "the team database (written by sync, budgets check and the dashboard): \"never\" when there was "
                    "none, \"unknown\" when the history does not reach back far enough, never a guess. The "
                    "thresholds are the team's (keys hygiene-settings)."
                    "\n\n"
                    "The team database is --db, else the dashboard's file when it exists. Without one the audit "
                    "still runs on the key counters alone, and says on stderr that the rules about who owns a key "
                    "and the key history were left out. A read that fails (the keys, the team, the history) is an "
                    "error with its exit code: a partial read never reports \"no findings\"."
                    "\n\n"
                    "table groups the findings by rule with each key's name, hash, last use, age, member and what "
                    "breaks the rule; json has generated_at, the settings, counts per rule id and one object per "
                    "finding; csv has a header row and one row per finding, a field that starts like a spreadsheet "
                    "formula kept as text. Without --fail-on the exit status is 0 whatever is found; with it, 8 "
                    "when any finding shown is at least that severe (info, then warning, then critical)."_s.arg(
                        rules.join(u", "_s));
    m_options << formatOption({u"table"_s, u"json"_s, u"csv"_s})
              << Option::choice(u"fail-on"_s, {u"info"_s, u"warning"_s, u"critical"_s},
                                u"Exit 8 when any finding is at least this severe (default: exit 0 whatever is found)."_s)
              << Option::value(u"rule"_s, u"IDS"_s,
                               u"Only these rules: ids separated by commas (%1)."_s.arg(ruleIds().join(u", "_s)));
    m_examples << Example{u"orteam-cli keys audit"_s, u"Every finding, grouped by rule."_s}
               << Example{u"orteam-cli keys audit --rule inactive-owner,expired --fail-on warning"_s,
                          u"In CI or cron: exit 8 while a key of someone offboarded is enabled or an expired key is "
                          "still in the account."_s}
               << Example{u"orteam-cli keys audit --format csv > findings.csv"_s, u"The findings as a spreadsheet."_s};
}

int KeysAudit::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    // Checked before any call: a typo in a CI job fails at once, not after listing every key.
    QList<HygieneRule> rules = allHygieneRules();
    if (const auto list = arguments.value(u"rule"_s)) {
        QList<HygieneRule> asked;
        for (const QString &word : list->split(u',', Qt::SkipEmptyParts)) {
            const std::optional<HygieneRule> rule = hygieneRuleFromId(word.trimmed());
            if (!rule)
                return console.fail(UsageError, u"unknown rule \"%1\"; the rules are %2"_s.arg(word.trimmed(), ruleIds().join(u", "_s)));
            asked << *rule;
        }
        if (asked.isEmpty())
            return console.fail(UsageError, u"--rule needs rule ids: %1"_s.arg(ruleIds().join(u", "_s)));
        rules.removeIf([&](HygieneRule r) { return !asked.contains(r); });
    }
    const std::optional<Severity> failOn = severityFromString(arguments.value(u"fail-on"_s, QString()));

    // No database at all: judged on the counters (said below). One that is there must open: an
    // audit that quietly dropped the team's rules would pass a CI job it should fail.
    Store *store = nullptr;
    if (context.hasStore()) {
        if (const int code = context.openStore())
            return code;
        store = &context.store();
    } else if (arguments.isSet(u"rule"_s)
               && std::all_of(rules.begin(), rules.end(), [](HygieneRule r) {
                      return r == HygieneRule::Orphan || r == HygieneRule::InactiveOwner;
                  })) {
        // Only rules that need the team: without it the answer would be "no findings", a pass.
        return console.fail(UsageError, u"the rules %1 need the team database, and there is none at %2; give one with --db"_s.arg(
                                            arguments.value(u"rule"_s, QString()), DbLocation::defaultSqlitePath()));
    }
    if (const int code = context.connect())
        return code;
    const auto keys = waitFor<ApiKeyList>([&](auto done) { context.client().listKeys(true, context.callbacks(), done); });
    if (!keys.ok())
        return console.fail(keys.error);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Result<HygieneService::Assessment> assessed = HygieneService(store).assess(keys.value, now);
    if (!assessed)
        return console.fail(assessed.error(), u"cannot read the team database, so no key was judged"_s);
    if (!assessed->teamKnown)
        console.warn(u"no team database (none at %1; give one with --db): the rules about who owns a key (orphan, "
                     "inactive-owner) and the key history were left out"_s.arg(DbLocation::defaultSqlitePath()));

    const QList<Shown> found = findingsOf(assessed->keys, rules);
    const QString format = arguments.value(u"format"_s, u"table"_s);
    if (format == "json"_L1)
        context.out() << auditJson(*assessed, rules, found, now);
    else if (format == "csv"_L1)
        context.out() << auditCsv(found);
    else
        context.out() << auditTable(*assessed, rules, found);
    context.out().flush();
    if (failOn) {
        for (const Shown &s : found) {
            if (s.finding.severity() >= *failOn)
                return FindingsFound;
        }
    }
    return Ok;
}

// ---- keys rotate -------------------------------------------------------------------------------------

KeysRotate::KeysRotate()
    : Command(Section::Account, {u"keys"_s, u"rotate"_s},
              u"Replaces a key: a new one with the same name, limit and member, its secret printed once on stdout; "
              "the old key is disabled after a grace period and revoked later. Asks first unless --yes."_s)
{
    const HygieneSettings defaults;
    m_description = u"Makes a replacement with the old key's name, limit, reset, BYOK setting and expiry, and links "
                    "it to the old key's member in the team database. The old key keeps working for the grace "
                    "period (--grace, else the team's: %1 days by default), is then disabled, and is revoked after "
                    "the second period (--revoke-after, else the team's: %2 days); keys lifecycle run carries the "
                    "schedule out, from cron or the dashboard's refresh. --no-schedule leaves the old key as it is."
                    "\n\n"
                    "The new secret is printed once, alone on stdout, and the rest on stderr, so "
                    "SECRET=$(orteam-cli keys rotate KEY --yes) works; OpenRouter cannot show it again. On a "
                    "terminal it asks first; a script must pass --yes. The team database is needed: if the key's "
                    "member or the team's periods cannot be read, nothing is made. If the link, the schedule or the "
                    "audit entry cannot be written after the key was made, the secret is still printed, a warning "
                    "says what is missing, and the exit status is 0 as for keys create. If the answer is lost (a "
                    "timeout), the replacement may have been made anyway: check with keys list before trying "
                    "again."_s.arg(defaults.graceDisableDays)
                        .arg(defaults.graceRevokeDays);
    m_arguments << keyArgument();
    m_options << Option::value(u"grace"_s, u"DAYS"_s,
                               u"Disable the old key DAYS days after the rotation (0: at the next keys lifecycle run)."_s)
              << Option::value(u"revoke-after"_s, u"DAYS"_s,
                               u"Revoke the old key DAYS days after the rotation; not before it is disabled."_s)
              << Option::flag(u"no-schedule"_s, u"Leave the old key as it is: neither disabled nor revoked."_s)
              << yesOption();
    m_examples << Example{u"SECRET=$(orteam-cli keys rotate alice-backend --grace 3 --yes)"_s,
                          u"Rotates a key from a script: the old key stops working in 3 days, and is revoked after the "
                          "team's second period."_s};
}

int KeysRotate::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    LifecycleService::RotateOptions options;
    options.schedule = !arguments.isSet(u"no-schedule"_s);
    QString error;
    for (const auto &[option, days] : {std::pair{u"grace"_s, &options.disableAfterDays},
                                       std::pair{u"revoke-after"_s, &options.revokeAfterDays}}) {
        if (const auto text = arguments.value(option)) {
            *days = parseDays(*text, option, &error);
            if (!*days)
                return console.fail(UsageError, error);
            if (!options.schedule)
                return console.fail(UsageError, u"--%1 and --no-schedule contradict each other"_s.arg(option));
        }
    }
    const bool yes = arguments.isSet(u"yes"_s);
    // Decided before touching the network: a script without --yes fails fast.
    if (!yes && !console.isInteractive())
        return console.fail(UsageError, u"rotating needs confirmation: run it on a terminal or pass --yes"_s);
    if (const int code = context.openStore())
        return code;
    int failure = Ok;
    const std::optional<ApiKey> key = findKey(context, arguments.at(0), &failure);
    if (!key)
        return failure;
    if (!yes && !console.confirm(u"Rotate key \"%1\" (%2, %3, spent %4)? A replacement is made now, and the old key %5."_s.arg(
                    key->name, key->hash.left(16), key->label, formatUsd(key->usage),
                    options.schedule ? u"is disabled, then revoked, on the schedule"_s : u"is left as it is"_s)))
        return console.fail(Declined, u"not rotated"_s);

    LifecycleService lifecycle(&context.store(), context.client());
    const auto [outcome] = waitForAnswer<LifecycleService::RotateOutcome>([&](auto answer) {
        lifecycle.rotate(*key, options, QDateTime::currentDateTimeUtc(), context.callbacks(), answer);
    });
    if (outcome.error.source == FlowError::Source::Server)
        return failKeyCreation(console, outcome.error.api, outcome.error.message(), u"orteam-cli keys list"_s);
    if (outcome.error)
        return console.fail(outcome.error);
    const json::CreatedKey &made = *outcome.created;
    // The secret alone on stdout, so `SECRET=$(orteam-cli keys rotate …)` works; the rest on stderr.
    context.out() << made.secret << Qt::endl;
    console.err() << "Created key \"" << made.key.name << "\" (hash " << made.key.hash << ") to replace "
                  << key->hash.left(16) << ", linked to " << (outcome.member.isEmpty() ? u"no member"_s : outcome.member)
                  << ". The secret above is shown only this once: store it now." << Qt::endl;
    if (outcome.rotation)
        console.err() << "Old key \"" << key->name << "\" (" << key->hash.left(16) << "): disabled on "
                      << dayOf(outcome.rotation->disableAt) << ", revoked on " << dayOf(outcome.rotation->revokeAt)
                      << " (by keys lifecycle run)." << Qt::endl;
    else if (!options.schedule)
        console.err() << "Old key \"" << key->name << "\" (" << key->hash.left(16) << "): left as it is." << Qt::endl;
    // Made, but not all of it recorded: said, not an exit status, for the secret is out already.
    for (const QString &w : outcome.warnings)
        console.warn(w);
    return Ok;
}

// ---- keys lifecycle run ----------------------------------------------------------------------------

KeysLifecycleRun::KeysLifecycleRun()
    : Command(Section::Team, {u"keys"_s, u"lifecycle"_s, u"run"_s},
              u"Carries out the rotation schedule: disables old keys whose grace period is over and revokes those "
              "whose second period is over. For cron; --dry-run only lists what is due."_s)
{
    m_description = u"Reads the account's keys (all pages) and the rotation schedule that keys rotate and the "
                    "dashboard keep, and does what is due: an old key whose grace period is over is disabled, one "
                    "whose second period is over is revoked. An old key that an admin enabled again after the "
                    "schedule disabled it is left alone for good (its schedule is cancelled); one disabled by hand "
                    "moves on without a call; one already gone ends its schedule. Each change is recorded in the "
                    "team database's audit log."
                    "\n\n"
                    "Meant for cron, daily or more often: a run that stops half-way is finished by the next one, "
                    "which never repeats a call already made. With nothing due it says so and exits 0. A step that "
                    "fails is named on stderr with its key, the other steps are still carried out, and the exit "
                    "status is 1. If the keys or the schedule cannot be read, nothing is done."_s;
    m_managementKeyNote = u"Needs the management key."_s;
    m_options << Option::flag(u"dry-run"_s, u"Only list what is due; change nothing."_s) << formatOption({u"table"_s, u"json"_s});
    m_examples << Example{u"0 6 * * * orteam-cli keys lifecycle run"_s,
                          u"A crontab line: rotated keys disabled and revoked on their days, every morning."_s}
               << Example{u"orteam-cli keys lifecycle run --dry-run"_s, u"What the next run would do, changing nothing."_s};
}

int KeysLifecycleRun::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    if (const int code = context.connect())
        return code;
    Console &console = context.console();
    const bool dryRun = arguments.isSet(u"dry-run"_s);
    LifecycleService lifecycle(&context.store(), context.client());
    const auto [outcome] = waitForAnswer<LifecycleService::RunOutcome>([&](auto answer) {
        lifecycle.run(std::nullopt, QDateTime::currentDateTimeUtc(), dryRun, context.callbacks(), answer);
    });
    if (outcome.error)
        return console.fail(outcome.error);

    QTextStream &out = context.out();
    if (arguments.value(u"format"_s, u"table"_s) == "json"_L1) {
        QJsonArray planned, done, failed;
        for (const LifecycleStep &s : outcome.planned)
            planned.append(stepJson(s));
        for (const LifecycleStep &s : outcome.done)
            done.append(stepJson(s));
        for (const auto &[step, why] : outcome.failed) {
            QJsonObject o = stepJson(step);
            o.insert("error"_L1, why);
            failed.append(o);
        }
        out << jsonText(QJsonObject{{"dry_run"_L1, dryRun},
                                    {"planned"_L1, planned},
                                    {"done"_L1, done},
                                    {"failed"_L1, failed},
                                    {"warnings"_L1, QJsonArray::fromStringList(outcome.warnings)}});
    } else if (outcome.planned.isEmpty()) {
        out << "Nothing is due: no rotated key is to be disabled or revoked now." << Qt::endl;
    } else if (dryRun) {
        out << "Due now (dry run: nothing was changed):\n" << stepsTable(outcome.planned);
    } else if (!outcome.done.isEmpty()) {
        out << "Done:\n" << stepsTable(outcome.done);
    }
    out.flush();
    for (const auto &[step, why] : outcome.failed)
        console.error(u"could not %1 key \"%2\" (%3): %4"_s.arg(lifecycleActionToString(step.action), step.rotation.oldName,
                                                                 step.rotation.oldHash.left(16), why));
    for (const QString &w : outcome.warnings)
        console.warn(w);
    return outcome.failed.isEmpty() ? int(Ok) : int(ServerError);
}

// ---- keys lifecycle cancel -------------------------------------------------------------------------

KeysLifecycleCancel::KeysLifecycleCancel()
    : Command(Section::Team, {u"keys"_s, u"lifecycle"_s, u"cancel"_s},
              u"Ends an old key's rotation schedule: the key is kept, never disabled or revoked by the schedule."_s)
{
    m_description = u"For an admin who keeps the old key after a rotation: its schedule ends, the change is "
                    "recorded in the audit log, and keys lifecycle run never touches the key again. The replacement "
                    "stays as it is. KEY is looked up in the schedule only (so no management key is needed): the "
                    "old key's hash, or the name it had when it was rotated. A key the schedule disabled already "
                    "stays disabled until it is enabled with keys enable."_s;
    m_arguments << Argument{u"KEY"_s, u"The old key's hash, or the name it had when it was rotated."_s, {}};
    m_examples << Example{u"orteam-cli keys lifecycle cancel alice-backend"_s,
                          u"Keeps the key that alice-backend's rotation was going to disable."_s};
}

int KeysLifecycleCancel::execute(Context &context, const Arguments &arguments)
{
    if (const int code = context.openStore())
        return code;
    Console &console = context.console();
    const QString query = arguments.at(0);
    const Result<QList<KeyRotation>> open = context.store().lifecycle().rotations();
    if (!open)
        return console.fail(open.error(), u"cannot read the rotation schedule"_s);
    QList<KeyRotation> matches;
    for (const KeyRotation &r : *open) {
        if (r.oldHash == query || r.oldName == query)
            matches << r;
    }
    if (matches.isEmpty())
        return console.fail(NotFound, u"no key with the hash or name \"%1\" is scheduled to be disabled or revoked"_s.arg(query));
    if (matches.size() > 1) {
        QStringList hashes;
        for (const KeyRotation &r : std::as_const(matches))
            hashes << r.oldHash.left(16);
        // Never "the first match": the admin says which key by its hash.
        return console.fail(NotFound, u"\"%1\" names %2 scheduled keys (%3): give the hash"_s.arg(query).arg(matches.size()).arg(
                                          hashes.join(u", "_s)));
    }
    const KeyRotation &r = matches.first();
    LifecycleService lifecycle(&context.store(), context.client());
    if (const Status s = lifecycle.cancel(r.oldHash, r.oldName); !s)
        return console.fail(s.error(), u"cannot cancel the schedule"_s);
    context.out() << "Cancelled the rotation schedule of \"" << r.oldName << "\" (" << r.oldHash.left(16)
                  << "): it is kept, and so is its replacement (" << r.newHash.left(16) << ")." << Qt::endl;
    if (r.state == KeyRotation::State::Disabled)
        context.out() << "The schedule had disabled it: orteam-cli keys enable " << r.oldHash << " lets it work again." << Qt::endl;
    return Ok;
}

// ---- keys hygiene-settings ---------------------------------------------------------------------------

KeysHygieneSettings::KeysHygieneSettings()
    : Command(Section::Team, {u"keys"_s, u"hygiene-settings"_s},
              u"The team's key hygiene thresholds (dormant, never used, rotation period, grace periods): printed, or "
              "changed with options."_s)
{
    m_description = u"Without options, prints the thresholds that keys audit, keys rotate and the dashboard judge "
                    "by. With options, changes those given and keeps the others. The values are checked together: "
                    "each from 1 to 3650 days (the grace periods from 0: at the next keys lifecycle run), and a "
                    "rotated key is not revoked before it is disabled; a bad value changes nothing (exit 2). A change "
                    "is recorded in the team database's audit log with the values before and after."_s;
    const HygieneSettings defaults;
    for (const HygieneSettings::Field &f : HygieneSettings::fields())
        m_options << Option::value(settingOption(f), u"DAYS"_s, u"%1 (default %2)."_s.arg(f.label).arg(defaults.*(f.member)));
    m_options << formatOption({u"table"_s, u"json"_s});
    m_examples << Example{u"orteam-cli keys hygiene-settings --dormant-days 60 --rotation-days 180"_s,
                          u"Keys are dormant after 60 days without use, and due for rotation after 180."_s};
}

int KeysHygieneSettings::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    Store &store = context.store();
    const Result<HygieneSettings> before = store.lifecycle().hygieneSettings();
    if (!before)
        return console.fail(before.error(), u"cannot read the key hygiene settings"_s);
    HygieneSettings after = *before;
    for (const HygieneSettings::Field &f : HygieneSettings::fields()) {
        if (const auto text = arguments.value(settingOption(f))) {
            QString error;
            const std::optional<int> days = parseDays(*text, settingOption(f), &error);
            if (!days)
                return console.fail(UsageError, error);
            after.*(f.member) = *days;
        }
    }
    if (const QString problem = after.problem(); !problem.isEmpty())
        return console.fail(UsageError, problem);
    if (const Status saved = HygieneService::saveSettings(store, after); !saved)
        return console.fail(saved.error(), u"cannot save the key hygiene settings"_s);
    if (arguments.value(u"format"_s, u"table"_s) == "json"_L1) {
        context.out() << jsonText(settingsJson(after));
        return Ok;
    }
    QList<QStringList> rows{{u"SETTING"_s, u"DAYS"_s, u"MEANING"_s}};
    for (const HygieneSettings::Field &f : HygieneSettings::fields())
        rows << QStringList{settingOption(f), QString::number(after.*(f.member)), f.label};
    context.out() << KeyFormatter::columns(rows);
    return Ok;
}

} // namespace orteam::cli
