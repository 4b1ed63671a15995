#include "NotifyCommands.h"

#include "Await.h"
#include "Context.h"
#include "KeyFormatter.h"
#include "Money.h"
#include "NotifyService.h"
#include "Output.h"
#include "SyncCall.h"

#include <QTimeZone>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

namespace {
Argument destinationArgument()
{
    return {u"ID"_s, u"The destination's id (lower-case letters, digits and dashes), as notify list shows it."_s, {}};
}

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(u"yyyy-MM-dd HH:mm"_s) : u"-"_s;
}

// "failing: no secret (why)", as notify list and notify status both say it.
QString noSecretText(const QString &why)
{
    return u"failing: no secret (%1)"_s.arg(why);
}

// What a kind's secret is, in the form `notify secret` and ORTEAM_NOTIFY_SECRET_<ID> take.
QString secretFormText(Destination::Kind kind)
{
    switch (kind) {
    case Destination::Kind::Email:
        return u"the SMTP password, if it logs in, as {\"password\": \"…\"}"_s;
    case Destination::Kind::Webhook:
        return u"{\"url\": \"https://…\", \"signing_key\": \"at least 16 characters\"}"_s;
    case Destination::Kind::Slack:
    case Destination::Kind::Teams:
        break;
    }
    return u"the webhook URL"_s;
}

QString healthText(const DestinationHealth &h)
{
    if (h.failing())
        return u"failing since %1: %2"_s.arg(timeText(h.failingSince), h.lastError);
    if (h.unknown > 0 || h.failed > 0)
        return u"ok, %1 given up or unknown (notify outbox)"_s.arg(h.failed + h.unknown);
    return u"ok"_s;
}

// Opens the team database and finds the destination `id`; nullopt with the exit code printed.
std::optional<Destination> findDestination(Context &context, const QString &id, int *code)
{
    if ((*code = context.openStore()))
        return std::nullopt;
    const auto all = context.store().notify().destinations();
    if (!all) {
        *code = context.console().fail(all.error());
        return std::nullopt;
    }
    for (const Destination &d : *all) {
        if (d.id == id)
            return d;
    }
    *code = context.console().fail(NotFound, u"there is no destination %1 (see orteam-cli notify list)"_s.arg(id));
    return std::nullopt;
}

std::optional<QList<Alert::Kind>> parseKinds(const QString &text, QString *error)
{
    if (text == "all"_L1)
        return allAlertKinds();
    QList<Alert::Kind> out;
    if (text == "none"_L1)
        return out;
    if (text.trimmed().isEmpty()) { // an unset variable, never a wish for no alerts: that is "none"
        *error = u"--alerts needs kinds, all, or none"_s;
        return std::nullopt;
    }
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const auto kind = alertKindFromId(part.trimmed());
        if (!kind) {
            QStringList known;
            for (Alert::Kind k : allAlertKinds())
                known << alertKindId(k);
            *error = u"\"%1\" is not an alert kind; the kinds are %2, or all, or none"_s.arg(part.trimmed(), known.join(u", "_s));
            return std::nullopt;
        }
        if (!out.contains(*kind))
            out << *kind;
    }
    return out;
}

std::optional<bool> yesNo(const QString &text)
{
    if (text == "yes"_L1 || text == "on"_L1 || text == "true"_L1)
        return true;
    if (text == "no"_L1 || text == "off"_L1 || text == "false"_L1)
        return false;
    return std::nullopt;
}

QString summaryLine(const NotifyDelivery::Summary &s)
{
    QString line = u"Delivered %1; %2 to be tried again, %3 given up, %4 of unknown outcome, %5 held for quiet hours"_s.arg(s.sent)
                       .arg(s.retrying)
                       .arg(s.failed)
                       .arg(s.unknown)
                       .arg(s.held);
    if (s.waiting > 0)
        line += u", %1 waiting for a secret that could not be read"_s.arg(s.waiting);
    return line + u'.';
}
} // namespace

int deliverOutbox(Context &context)
{
    NotifyDelivery delivery(context.store(), context.notifySecrets(), context.network());
    delivery.setTimeoutMs(context.timeoutSeconds() * 1000);
    delivery.setChartPainter(context.chartPainter());
    const auto [result] = waitForAnswer<Result<NotifyDelivery::Summary>>([&](auto answer) { delivery.deliverDue(answer); });
    if (!result)
        return context.console().fail(result.error(), u"cannot deliver the outbox"_s);
    for (const QString &p : result->problems)
        context.console().warn(p);
    context.out() << summaryLine(*result) << Qt::endl;
    return result->retrying + result->failed + result->unknown + result->waiting > 0 ? int(NotDelivered) : int(Ok);
}

// ---- notify list ----------------------------------------------------------------------------------

NotifyList::NotifyList()
    : Command(Section::Team, {u"notify"_s, u"list"_s},
              u"Every notification destination: its kind, what it takes (alerts, reports, tiers, quiet hours) and how "
              "its deliveries are doing."_s)
{
    m_description = u"Lists the destinations kept in the team database (Slack, Microsoft Teams, signed JSON webhooks, "
                    "email), with the alert kinds and reports each takes, the tiers it is about and its quiet hours, "
                    "and whether its deliveries are failing. Their secrets (webhook URLs, passwords) are in the "
                    "keychain and never shown."_s;
}

int NotifyList::execute(Context &context, const Arguments &)
{
    if (const int code = context.openStore())
        return code;
    const auto destinations = context.store().notify().destinations();
    if (!destinations)
        return context.console().fail(destinations.error());
    const auto health = context.store().notify().health();
    if (!health)
        return context.console().fail(health.error());
    if (destinations->isEmpty()) {
        context.out() << "No destinations yet. Add one with: orteam-cli notify set ID --kind slack --name NAME" << Qt::endl;
        return Ok;
    }
    QHash<QString, DestinationHealth> byId;
    for (const DestinationHealth &h : *health)
        byId.insert(h.destinationId, h);
    // The same status as notify status gives: a secret that cannot be read here fails too.
    const auto [noSecret] = waitForAnswer<QHash<QString, QString>>(
        [&](auto answer) { context.notifySecrets().unreadable(*destinations, context.callbacks(), answer); });
    QList<QStringList> table{{u"ID"_s, u"NAME"_s, u"KIND"_s, u"ENABLED"_s, u"TAKES"_s, u"STATUS"_s}};
    for (const Destination &d : *destinations)
        table << QStringList{d.id, d.name, destinationKindId(d.kind), d.enabled ? u"yes"_s : u"no"_s, destinationTakesText(d),
                             d.enabled && noSecret.contains(d.id) ? noSecretText(noSecret.value(d.id)) : healthText(byId.value(d.id))};
    context.out() << KeyFormatter::columns(table);
    return Ok;
}

// ---- notify set -----------------------------------------------------------------------------------

NotifySet::NotifySet()
    : Command(Section::Team, {u"notify"_s, u"set"_s},
              u"Creates or changes a destination for alerts and reports: Slack, Microsoft Teams, a signed JSON "
              "webhook, or email over SMTP. Options not given keep their value."_s)
{
    m_description = u"Creates the destination ID, or changes it: options not given keep their value (a new one "
                    "takes every alert kind and no report unless told). What it takes: --alerts names alert kinds "
                    "(budget, team-budget, anomaly, outside-tier, expiry, rotation, credits, hygiene; all; none), --weekly-report "
                    "and --monthly-report the scheduled reports, --tiers the tiers whose members it is about (alerts "
                    "about the whole team always pass). In its quiet hours messages wait and are sent when they end."
                    "\n\n"
                    "The secret (the webhook URL, the webhook's signing key, the SMTP password) is never an option: "
                    "pipe it to orteam-cli notify secret ID, or give it in the environment as "
                    "ORTEAM_NOTIFY_SECRET_<ID> (dashes as underscores)."_s;
    m_arguments << destinationArgument();
    m_options << Option::choice(u"kind"_s, {u"slack"_s, u"teams"_s, u"webhook"_s, u"email"_s}, u"The kind (needed for a new one)."_s)
              << Option::value(u"name"_s, u"TEXT"_s, u"The name people see."_s)
              << Option::value(u"alerts"_s, u"KINDS"_s, u"Comma-separated alert kinds, all, or none."_s)
              << Option::choice(u"weekly-report"_s, {u"yes"_s, u"no"_s}, u"Send the weekly report (Mondays, UTC)."_s)
              << Option::choice(u"monthly-report"_s, {u"yes"_s, u"no"_s}, u"Send the monthly report (the 1st, UTC)."_s)
              << Option::value(u"tiers"_s, u"TIERS"_s, u"Only alerts about members of these tiers (comma-separated), or all."_s)
              << Option::value(u"quiet"_s, u"HH:MM-HH:MM"_s, u"Quiet hours in the destination's time zone, or none."_s)
              << Option::value(u"time-zone"_s, u"ZONE"_s, u"An IANA time zone (Europe/Berlin); UTC by default."_s)
              << Option::choice(u"enabled"_s, {u"yes"_s, u"no"_s}, u"A disabled destination takes no new alerts or scheduled reports; what waits for it already "
                                                                           "waits until it is enabled (a report sent to it with --dest waits too)."_s)
              << Option::value(u"smtp-host"_s, u"HOST"_s, u"Email: the SMTP server."_s)
              << Option::value(u"smtp-port"_s, u"PORT"_s, u"Email: its port (587 for STARTTLS, 465 for TLS)."_s)
              << Option::choice(u"security"_s, {u"starttls"_s, u"tls"_s, u"none"_s}, u"Email: STARTTLS, TLS from the start, or none (a local relay)."_s)
              << Option::value(u"smtp-user"_s, u"USER"_s, u"Email: the login (empty: none)."_s)
              << Option::value(u"from"_s, u"ADDRESS"_s, u"Email: the sender."_s)
              << Option::value(u"to"_s, u"ADDRESSES"_s, u"Email: comma-separated recipients."_s)
              << Option{u"ca-file"_s, u"FILE"_s, {}, u"Email: a CA certificate (PEM) to trust besides the system's."_s, true};
    m_examples << Example{u"orteam-cli notify set leads --kind slack --name \"#team-leads\" --alerts budget,team-budget,credits --weekly-report yes"_s,
                          u"A Slack channel for budget alerts and the weekly report; then: orteam-cli notify secret leads < webhook-url.txt"_s}
               << Example{u"orteam-cli notify set finance --kind email --name Finance --smtp-host smtp.example.com --from orteam@example.com "
                          "--to finance@example.com --smtp-user orteam --alerts team-budget --monthly-report yes"_s,
                          u"Email to finance: the team's budget and the monthly report."_s};
}

int NotifySet::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    const QString id = arguments.at(0);
    const auto all = context.store().notify().destinations();
    if (!all)
        return console.fail(all.error());
    Destination d;
    bool isNew = true;
    for (const Destination &existing : *all) {
        if (existing.id == id) {
            d = existing;
            isNew = false;
        }
    }
    if (isNew) {
        if (!arguments.isSet(u"kind"_s))
            return console.fail(UsageError, u"a new destination needs --kind slack|teams|webhook|email"_s);
        d.id = id;
        d.alertKinds = allAlertKinds();
    }
    if (const auto kind = arguments.value(u"kind"_s)) {
        const Destination::Kind k = *destinationKindFromId(*kind);
        if (!isNew && k != d.kind)
            return console.fail(UsageError, u"%1 is a %2 destination; remove it and set it again to change its kind"_s.arg(
                                                id, destinationKindId(d.kind)));
        d.kind = k;
    }
    if (const auto v = arguments.value(u"name"_s))
        d.name = *v;
    else if (isNew)
        d.name = id;
    if (const auto v = arguments.value(u"alerts"_s)) {
        QString error;
        const auto kinds = parseKinds(*v, &error);
        if (!kinds)
            return console.fail(UsageError, error);
        d.alertKinds = *kinds;
    }
    if (const auto v = arguments.value(u"weekly-report"_s))
        d.weeklyReport = *yesNo(*v);
    if (const auto v = arguments.value(u"monthly-report"_s))
        d.monthlyReport = *yesNo(*v);
    if (const auto v = arguments.value(u"enabled"_s))
        d.enabled = *yesNo(*v);
    if (const auto v = arguments.value(u"tiers"_s)) {
        d.tiers.clear();
        if (*v != "all"_L1) {
            const auto tiers = context.store().team().tiers();
            if (!tiers)
                return console.fail(tiers.error());
            for (const QString &t : v->split(u',', Qt::SkipEmptyParts)) {
                if (!findTier(*tiers, t.trimmed()))
                    return console.fail(NotFound, u"there is no tier %1 (see orteam-cli tiers list)"_s.arg(t.trimmed()));
                d.tiers << t.trimmed();
            }
        }
    }
    if (const auto v = arguments.value(u"quiet"_s)) {
        if (*v == "none"_L1) {
            d.quietFrom.reset();
            d.quietTo.reset();
        } else {
            const QStringList parts = v->split(u'-');
            const QTime from = QTime::fromString(parts.value(0).trimmed(), u"H:mm"_s);
            const QTime to = QTime::fromString(parts.value(1).trimmed(), u"H:mm"_s);
            if (parts.size() != 2 || !from.isValid() || !to.isValid())
                return console.fail(UsageError, u"--quiet takes HH:MM-HH:MM (e.g. 22:00-07:00) or none, not \"%1\""_s.arg(*v));
            d.quietFrom = from;
            d.quietTo = to;
        }
    }
    if (const auto v = arguments.value(u"time-zone"_s))
        d.timeZone = *v;
    if (d.kind != Destination::Kind::Email) {
        // Said, not dropped: a setting the destination does not have must not look saved.
        for (const QString &option : {u"smtp-host"_s, u"smtp-port"_s, u"security"_s, u"smtp-user"_s, u"from"_s, u"to"_s, u"ca-file"_s}) {
            if (arguments.value(option))
                return console.fail(UsageError, u"--%1 is an email destination's setting; %2 is not one"_s.arg(option, d.id));
        }
    }
    if (d.kind == Destination::Kind::Email) {
        if (const auto v = arguments.value(u"smtp-host"_s))
            d.smtpHost = *v;
        if (const auto v = arguments.value(u"smtp-port"_s)) {
            bool ok = false;
            d.smtpPort = v->toInt(&ok);
            if (!ok)
                return console.fail(UsageError, u"--smtp-port must be a number, not \"%1\""_s.arg(*v));
        } else if (isNew && arguments.value(u"security"_s) == u"tls"_s) {
            d.smtpPort = 465;
        }
        if (const auto v = arguments.value(u"security"_s))
            d.security = *securityFromId(*v);
        if (const auto v = arguments.value(u"smtp-user"_s))
            d.smtpUser = *v;
        if (const auto v = arguments.value(u"from"_s))
            d.from = *v;
        if (const auto v = arguments.value(u"to"_s)) {
            d.to.clear();
            for (const QString &a : v->split(u',', Qt::SkipEmptyParts))
                d.to << a.trimmed();
        }
        if (const auto v = arguments.value(u"ca-file"_s))
            d.caFile = *v;
    }
    if (const QString problem = d.problem(); !problem.isEmpty())
        return console.fail(UsageError, problem);
    bool changed = false;
    if (Status s = NotifyService::saveDestination(context.store(), d, QDateTime::currentDateTimeUtc(), &changed); !s)
        return console.fail(s.error());
    if (!changed) {
        context.out() << "Destination " << d.id << " is unchanged: " << (d.enabled ? "" : "disabled, ") << destinationTakesText(d) << "."
                      << Qt::endl;
        return Ok;
    }
    context.out() << (isNew ? "Added" : "Changed") << " destination " << d.id << (d.enabled ? ": " : " (disabled): ")
                  << destinationTakesText(d) << "." << Qt::endl;
    if (isNew)
        console.err() << "Its secret (" << secretFormText(d.kind) << ") goes to the keychain with: orteam-cli notify secret "
                      << d.id << " < FILE, or in the environment as " << NotifySecrets::environmentName(d.id) << "." << Qt::endl;
    return Ok;
}

// ---- notify secret --------------------------------------------------------------------------------

NotifySecret::NotifySecret()
    : Command(Section::Team, {u"notify"_s, u"secret"_s},
              u"Saves a destination's secret in the system keychain, read from stdin: a webhook URL, or a JSON object "
              "with url, signing_key and password."_s)
{
    m_description = u"Reads one line from stdin and saves it in the system keychain as the destination's secret: "
                    "the webhook URL for Slack and Teams (the URL is the password: anyone with it can post), "
                    "{\"url\": …, \"signing_key\": …} for a webhook (the key signs every body; give the receiver the "
                    "same), {\"password\": …} for email. Never on the command line, where `ps` shows it; never in the "
                    "team database. Where there is no keychain (a server, a container), give it in the environment "
                    "as ORTEAM_NOTIFY_SECRET_<ID> instead."_s;
    m_arguments << destinationArgument();
    m_examples << Example{u"orteam-cli notify secret leads < slack-webhook.txt"_s, u"The Slack webhook URL into the keychain."_s};
}

int NotifySecret::execute(Context &context, const Arguments &arguments)
{
    int code = Ok;
    const auto d = findDestination(context, arguments.at(0), &code);
    if (!d)
        return code;
    const auto secret = DestinationSecret::fromJson(context.console().readLine());
    if (!secret)
        return context.console().fail(UsageError, u"stdin held neither a URL nor a JSON object"_s);
    if (const QString problem = secret->problemFor(*d); !problem.isEmpty())
        return context.console().fail(UsageError, problem);
    const auto [error] = waitForAnswer<QString>([&](auto answer) {
        context.notifySecrets().write(*d, *secret, context.callbacks(), answer);
    });
    if (!error.isEmpty())
        return context.console().fail(ServerError, u"cannot save the secret in the keychain: %1 (give it as %2 instead)"_s.arg(
                                                       error, NotifySecrets::environmentName(d->id)));
    if (const Status s = NotifyService::recordSecretReplaced(context.store(), d->id); !s)
        return context.console().fail(s.error(), u"the secret is saved, but the audit log could not record it"_s);
    context.out() << "Saved the secret of " << d->id << " in the keychain." << Qt::endl;
    return Ok;
}

// ---- notify remove --------------------------------------------------------------------------------

NotifyRemove::NotifyRemove()
    : Command(Section::Team, {u"notify"_s, u"remove"_s},
              u"Removes a destination, its unsent messages and its keychain secret; what was sent stays in the outbox's history."_s)
{
    m_arguments << destinationArgument();
}

int NotifyRemove::execute(Context &context, const Arguments &arguments)
{
    int code = Ok;
    const auto d = findDestination(context, arguments.at(0), &code);
    if (!d)
        return code;
    if (Status s = NotifyService::removeDestination(context.store(), d->id); !s)
        return context.console().fail(s.error());
    const auto [error] = waitForAnswer<QString>([&](auto answer) { context.notifySecrets().remove(*d, context.callbacks(), answer); });
    if (!error.isEmpty())
        context.console().warn(u"the keychain entry of %1 could not be removed: %2"_s.arg(d->id, error));
    context.out() << "Removed destination " << d->id << "." << Qt::endl;
    return Ok;
}

// ---- notify test ----------------------------------------------------------------------------------

NotifyTest::NotifyTest()
    : Command(Section::Team, {u"notify"_s, u"test"_s},
              u"Sends a test message to a destination now, not through the outbox, and prints its answer."_s)
{
    m_arguments << destinationArgument();
}

int NotifyTest::execute(Context &context, const Arguments &arguments)
{
    int code = Ok;
    const auto d = findDestination(context, arguments.at(0), &code);
    if (!d)
        return code;
    NotifyDelivery delivery(context.store(), context.notifySecrets(), context.network());
    delivery.setTimeoutMs(context.timeoutSeconds() * 1000);
    const auto [answer] = waitForAnswer<NotifySender::Answer>([&](auto done) { delivery.sendTest(*d, done); });
    if (answer.outcome != NotifySender::Answer::Outcome::Delivered)
        return context.console().fail(NotDelivered, answer.error);
    context.out() << "Sent a test message to " << d->name << "." << Qt::endl;
    return Ok;
}

// ---- notify run -----------------------------------------------------------------------------------

NotifyRun::NotifyRun()
    : Command(Section::Team, {u"notify"_s, u"run"_s},
              u"Decides the alerts that hold now, queues each once for every destination that takes it, queues the "
              "scheduled reports, and delivers the outbox. For cron or the systemd timer."_s)
{
    m_description = u"Reads the team database and the account's keys and credits, decides every alert that holds now "
                    "(budget thresholds, the team's budgets, unusual spend, models outside a tier, keys expiring or "
                    "due for rotation, credits running out), and writes each alert not raised before into the outbox "
                    "of every destination that takes it, in one transaction: the dashboard and other runs on the same "
                    "database never send it again. On Mondays it queues the weekly report, on the 1st the monthly "
                    "one. Then it sends what is due, with retries and backoff (30 s doubling to an hour, up to 12 "
                    "attempts)."
                    "\n\n"
                    "If a read fails, no alert is decided (the reason is on stderr, exit 1), and what was queued "
                    "before is still delivered. A message that could not be delivered makes the exit status 9."
                    "\n\n"
                    "Delivery: a generic webhook is sent at least once with an Idempotency-Key (the same on every "
                    "attempt), so its receiver delivers it exactly once; Slack, Teams and email are never sent again "
                    "after a sender died mid-send (at most once; such a message shows as unknown in notify outbox)."_s;
    m_managementKeyNote = u"Needs the management key, except with --offline."_s;
    m_options << Option::flag(u"offline"_s, u"Only what the team database shows: no key or credits alerts, no management key needed."_s)
              << Option::flag(u"no-send"_s, u"Decide and queue, but do not deliver."_s);
    m_examples << Example{u"*/10 * * * * orteam-cli notify run"_s, u"A crontab line: alerts out within ten minutes."_s}
               << Example{u"systemctl --user enable --now orteam-notify.timer"_s, u"The same with the systemd user timer the package installs."_s};
}

int NotifyRun::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int code = Ok;
    QList<ApiKey> keys;
    std::optional<Credits> credits;
    bool readAll = true;
    if (!arguments.isSet(u"offline"_s)) {
        if (const int c = context.connect())
            return c;
        const auto listed = waitFor<ApiKeyList>([&](auto done) { context.client().listKeys(true, context.callbacks(), done); });
        const auto read = waitFor<Credits>([&](auto done) { context.client().credits(context.callbacks(), done); });
        if (!listed.ok()) {
            code = console.fail(listed.error);
            readAll = false;
        } else if (!read.ok()) {
            code = console.fail(read.error);
            readAll = false;
        } else {
            keys = listed.value;
            credits = read.value;
        }
    }
    if (readAll) {
        const Result<AlertInput> in = NotifyService::alertInput(context.store(), keys, credits, now);
        const Result<QList<Alert>> fresh = in ? NotifyService::raise(context.store(), currentAlerts(*in), now) : Result<QList<Alert>>(in.error());
        if (!fresh) {
            code = console.fail(fresh.error(), u"no alert was decided"_s);
        } else {
            context.out() << (fresh->isEmpty() ? u"No new alerts."_s : u"%1 new alert%2:"_s.arg(fresh->size()).arg(fresh->size() == 1 ? QString() : u"s"_s))
                          << Qt::endl;
            for (const Alert &a : *fresh)
                context.out() << "  " << a.text << Qt::endl;
            const Result<int> reports = NotifyService::enqueueScheduledReports(context.store(), now);
            if (!reports)
                code = console.fail(reports.error(), u"the scheduled reports were not queued"_s);
            else if (*reports > 0)
                context.out() << "Queued the scheduled report for " << *reports << " destination" << (*reports == 1 ? "" : "s") << "."
                              << Qt::endl;
        }
    }
    if (arguments.isSet(u"no-send"_s))
        return code;
    const int delivered = deliverOutbox(context);
    return code != Ok ? code : delivered;
}

// ---- notify status --------------------------------------------------------------------------------

NotifyStatus::NotifyStatus()
    : Command(Section::Team, {u"notify"_s, u"status"_s},
              u"How each destination's deliveries are doing: waiting, sent, given up, unknown, and whether it is "
              "failing. Exit 9 when one is, for monitoring."_s)
{
    m_description = u"Each destination's messages: waiting, sent, given up and of unknown outcome, when one was last "
                    "sent, and its status. A destination is failing when its last attempts failed, or when it is "
                    "enabled and its secret cannot be read here (neither ORTEAM_NOTIFY_SECRET_<ID> nor the keychain "
                    "has it), so its messages wait unsent. Exit 9 when one is failing, for monitoring."_s;
}

int NotifyStatus::execute(Context &context, const Arguments &)
{
    if (const int code = context.openStore())
        return code;
    const auto destinations = context.store().notify().destinations();
    if (!destinations)
        return context.console().fail(destinations.error());
    const auto health = context.store().notify().health();
    if (!health)
        return context.console().fail(health.error());
    QHash<QString, QString> names;
    for (const Destination &d : *destinations)
        names.insert(d.id, d.name);
    const auto [noSecret] = waitForAnswer<QHash<QString, QString>>(
        [&](auto answer) { context.notifySecrets().unreadable(*destinations, context.callbacks(), answer); });
    QList<QStringList> table{{u"ID"_s, u"NAME"_s, u"WAITING"_s, u"SENT"_s, u"GIVEN UP"_s, u"UNKNOWN"_s, u"LAST SENT"_s, u"STATUS"_s}};
    bool failing = false;
    QHash<QString, Destination> byId;
    for (const Destination &d : *destinations)
        byId.insert(d.id, d);
    for (const DestinationHealth &h : *health) {
        const bool secretMissing = noSecret.contains(h.destinationId);
        failing = failing || destinationFailing(byId.value(h.destinationId), h, secretMissing);
        table << QStringList{h.destinationId,     names.value(h.destinationId), QString::number(h.pending),
                             QString::number(h.sent), QString::number(h.failed), QString::number(h.unknown),
                             timeText(h.lastSent),
                             secretMissing ? noSecretText(noSecret.value(h.destinationId)) : healthText(h)};
    }
    if (health->isEmpty())
        context.out() << "No destinations yet." << Qt::endl;
    else
        context.out() << KeyFormatter::columns(table);
    return failing ? int(NotDelivered) : int(Ok);
}

// ---- notify outbox --------------------------------------------------------------------------------

NotifyOutbox::NotifyOutbox()
    : Command(Section::Team, {u"notify"_s, u"outbox"_s}, u"The latest messages decided for the destinations and what became of each."_s)
{
    m_options << Option::value(u"destination"_s, u"ID"_s, u"Only this destination's."_s)
              << limitOption(u"messages"_s);
}

int NotifyOutbox::execute(Context &context, const Arguments &arguments)
{
    int limit = 0;
    if (const int code = openWithLimit(context, arguments, &limit))
        return code;
    const QString destination = arguments.value(u"destination"_s, QString());
    if (!destination.isEmpty()) { // a typo is "no such destination", not an empty outbox
        int code = Ok;
        if (!findDestination(context, destination, &code))
            return code;
    }
    const auto items = context.store().notify().recent(limit, destination);
    if (!items)
        return context.console().fail(items.error());
    QList<QStringList> table{{u"ID"_s, u"DECIDED"_s, u"DESTINATION"_s, u"STATE"_s, u"ATTEMPTS"_s, u"TITLE"_s, u"LAST ERROR"_s}};
    for (const OutboxItem &i : *items)
        table << QStringList{QString::number(i.id), timeText(i.createdAt), i.destinationId, outboxStateId(i.state),
                             QString::number(i.attempts), i.message.title, i.lastError.left(120)};
    context.out() << (items->isEmpty() ? u"The outbox is empty.\n"_s : KeyFormatter::columns(table));
    return Ok;
}

// ---- notify retry ---------------------------------------------------------------------------------

NotifyRetry::NotifyRetry()
    : Command(Section::Team, {u"notify"_s, u"retry"_s},
              u"Queues a given-up or unknown message (its number in notify outbox) to be sent again at the next delivery."_s)
{
    m_arguments << Argument{u"MESSAGE"_s, u"The message's number in notify outbox."_s, {}};
}

int NotifyRetry::execute(Context &context, const Arguments &arguments)
{
    bool ok = false;
    const qint64 id = arguments.at(0).toLongLong(&ok);
    if (!ok)
        return context.console().fail(UsageError, u"MESSAGE is a number from notify outbox, not \"%1\""_s.arg(arguments.at(0)));
    if (const int code = context.openStore())
        return code;
    if (Status s = context.store().notify().retry(id, QDateTime::currentDateTimeUtc()); !s)
        return context.console().fail(s.error());
    context.out() << "Message " << id << " will be sent again at the next notify run (or dashboard refresh)." << Qt::endl;
    return Ok;
}

// ---- notify settings ------------------------------------------------------------------------------

NotifySettings::NotifySettings()
    : Command(Section::Team, {u"notify"_s, u"settings"_s},
              u"Shows or changes the team's alert settings: budget thresholds, the team's daily and monthly budgets, "
              "and how many days of credits left is worth a warning."_s)
{
    m_options << Option::value(u"thresholds"_s, u"PERCENTS"_s, u"Shares of a budget that raise an alert, e.g. 50,80,100."_s)
              << Option::value(u"team-daily"_s, u"USD|none"_s, u"The team's budget per UTC day."_s)
              << Option::value(u"team-monthly"_s, u"USD|none"_s, u"The team's budget per calendar month (UTC)."_s)
              << Option::value(u"credits-days"_s, u"DAYS"_s, u"Warn when the credits last fewer days than this (0: never)."_s);
}

int NotifySettings::execute(Context &context, const Arguments &arguments)
{
    Console &console = context.console();
    if (const int code = context.openStore())
        return code;
    const auto current = context.store().notify().alertSettings();
    if (!current)
        return console.fail(current.error());
    AlertSettings s = *current;
    bool changed = false;
    QHash<QString, QString> fields = s.fields();
    const QList<std::pair<QString, QString>> options{{u"thresholds"_s, u"alerts.thresholds"_s},
                                                     {u"team-daily"_s, u"alerts.team_daily_budget"_s},
                                                     {u"team-monthly"_s, u"alerts.team_monthly_budget"_s},
                                                     {u"credits-days"_s, u"alerts.credits_warn_days"_s}};
    for (const auto &[option, field] : options) {
        if (const auto v = arguments.value(option)) {
            fields.insert(field, *v == "none"_L1 ? QString() : v->trimmed().remove(u'$'));
            changed = true;
        }
    }
    if (changed) {
        QString problem;
        s = AlertSettings::fromFields(fields, &problem);
        if (!problem.isEmpty())
            return console.fail(UsageError, problem);
        if (Status st = NotifyService::saveAlertSettings(context.store(), s); !st)
            return console.fail(st.error());
    }
    QStringList pcts;
    for (int p : s.budgetThresholds)
        pcts << QString::number(p) + u'%';
    QTextStream &out = context.out();
    out << "Budget thresholds:    " << pcts.join(u", "_s) << '\n'
        << "Team daily budget:    " << (s.teamDailyBudget ? formatUsd(*s.teamDailyBudget) : u"none"_s) << '\n'
        << "Team monthly budget:  " << (s.teamMonthlyBudget ? formatUsd(*s.teamMonthlyBudget) : u"none"_s) << '\n'
        << "Credits warning:      "
        << (s.creditsWarnDays > 0 ? u"under %1 days left"_s.arg(s.creditsWarnDays) : u"off"_s) << Qt::endl;
    return Ok;
}

} // namespace orteam::cli
