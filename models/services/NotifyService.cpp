#include "NotifyService.h"

#include "Audit.h"
#include "LifecycleService.h"
#include "SecretStore.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

// ---- Deciding ------------------------------------------------------------------------------------

Result<AlertInput> NotifyService::alertInput(const Store &store, const QList<ApiKey> &keys, const std::optional<Credits> &credits,
                                             const QDateTime &now)
{
    AlertInput in;
    in.now = now.toUTC();
    const QDate day = in.now.date();
    const auto members = store.team().members();
    if (!members)
        return members.error();
    in.members = *members;
    const auto tiers = store.team().tiers();
    if (!tiers)
        return tiers.error();
    in.tiers = *tiers;
    const auto spend = store.spend().periodSpend(day);
    if (!spend)
        return spend.error();
    in.spent = *spend;
    // The team's first day first: without it the members' fortnights say when history began.
    const auto first = store.spend().firstSpendDay();
    if (!first)
        return first.error();
    in.firstSpendDay = *first;
    // Only a member who may be an anomaly today needs their usual day: at ten thousand members
    // the fortnight of everyone is most of this read.
    std::optional<QSet<QString>> unusual;
    if (first->isValid()) {
        unusual.emplace();
        for (auto [member, periods] : in.spent.asKeyValueRange()) {
            if (mayBeAnomaly(periods.today.value_or(0.0)))
                unusual->insert(member);
        }
    }
    if (!unusual || !unusual->isEmpty()) {
        const auto previous = store.spend().dailySpendByMember(day.addDays(-14), day.addDays(-1), unusual);
        if (!previous)
            return previous.error();
        in.previousDays = *previous;
    }
    in.keys = keys;
    const auto uses = store.spend().memberModelUses(day.addDays(-7), day);
    if (!uses)
        return uses.error();
    in.modelUses = *uses;
    const auto settings = store.notify().alertSettings();
    if (!settings)
        return settings.error();
    in.settings = *settings;
    // The team's own spend from the month's first day: its members' (usage rows and linked keys;
    // a key linked to nobody is not the team's, and a gateway's shared key is its members' rows).
    const QDate monthStart(day.year(), day.month(), 1);
    const QDate from = std::min(monthStart, day.addDays(-7));
    const auto team = store.spend().dailySpend(from, day);
    if (!team)
        return team.error();
    for (const auto &[d, cost] : denseSeries(*team, from, day)) {
        if (d >= monthStart)
            in.teamSpentMonth += cost;
        if (d == day)
            in.teamSpentToday = cost;
    }
    // The rate every team forecast uses (the Overview's too): only from real history, so a team
    // whose first synced day is today gets no guess that its credits run out.
    // The credits are the account's: their rate counts every key (see accountDailySpend).
    const auto accountFirst = store.spend().firstAccountDay();
    if (!accountFirst)
        return accountFirst.error();
    const auto account = store.spend().accountDailySpend(day.addDays(-7), day);
    if (!account)
        return account.error();
    in.accountDailyRate = teamRate(*account, *accountFirst, now);
    in.credits = credits;
    // Critical hygiene findings (an offboarded member's key still enabled) need the whole key
    // list; without keys (orteam-cli notify run --offline) there is nothing to judge.
    if (!keys.isEmpty()) {
        const auto assessed = HygieneService(&store).assess(keys, now);
        if (!assessed)
            return assessed.error();
        in.hygiene = assessed->keys;
    }
    // The rotation alert needs the team's period and schedule; when they cannot be read, that
    // one alert is left out (the Hygiene page says why), never the budget alerts with it.
    const auto hygiene = store.lifecycle().hygieneSettings();
    const auto rotations = store.lifecycle().rotations();
    if (hygiene && rotations) {
        in.rotationDays = hygiene->rotationDays;
        for (const KeyRotation &r : *rotations)
            in.rotatingKeys.insert(r.oldHash);
    }
    return in;
}

Result<QList<Alert>> NotifyService::raise(Store &store, const QList<Alert> &alerts, const QDateTime &now)
{
    QList<Alert> fresh;
    const Status done = store.transaction([&]() -> Status {
        fresh.clear();
        QStringList ids;
        for (const Alert &a : alerts)
            ids << a.id;
        const Result<QStringList> unseen = store.governance().markAlertsSeen(ids);
        if (!unseen)
            return unseen.error();
        if (unseen->isEmpty())
            return {};
        const auto destinations = store.notify().destinations();
        if (!destinations)
            return destinations.error();
        QHash<QString, QString> tierOf;
        if (!destinations->isEmpty()) {
            const auto members = store.team().members();
            if (!members)
                return members.error();
            for (const Member &m : *members)
                tierOf.insert(m.name, m.tier);
        }
        for (const Alert &a : alerts) {
            if (!unseen->contains(a.id))
                continue;
            fresh << a;
            const NotifyMessage message = alertMessage(a, now);
            for (const Destination &d : *destinations) {
                if (!d.takes(a, tierOf.value(a.member)))
                    continue;
                const QDateTime at = d.quietUntil(now).value_or(now);
                if (const Result<bool> queued = store.notify().enqueue(d.id, message, now, at); !queued)
                    return queued.error();
            }
        }
        return {};
    });
    if (!done)
        return done.error();
    return fresh;
}

Result<int> NotifyService::enqueueReport(Store &store, const TeamReport &report, const QStringList &destinationIds,
                                         const QDateTime &now)
{
    int queued = 0;
    const Status done = store.transaction([&]() -> Status {
        queued = 0;
        const auto destinations = store.notify().destinations();
        if (!destinations)
            return destinations.error();
        for (const QString &id : destinationIds) {
            const bool known = std::any_of(destinations->cbegin(), destinations->cend(), [&](const Destination &d) { return d.id == id; });
            if (!known)
                return StoreError::notFound(u"There is no destination %1."_s.arg(id));
        }
        const NotifyMessage message = reportMessage(report, now);
        for (const Destination &d : *destinations) {
            const bool takes = report.period == ReportPeriod::Weekly ? d.weeklyReport : d.monthlyReport;
            if (destinationIds.isEmpty() ? !(d.enabled && takes) : !destinationIds.contains(d.id))
                continue;
            const Result<bool> added = store.notify().enqueue(d.id, message, now, d.quietUntil(now).value_or(now));
            if (!added)
                return added.error();
            queued += *added ? 1 : 0;
        }
        return {};
    });
    if (!done)
        return done.error();
    return queued;
}

std::optional<QDate> NotifyService::scheduledReportEnd(ReportPeriod period, const QDate &today)
{
    // The latest scheduled day on or before today, if it is today or yesterday. (The caller
    // waits until 06:00 UTC of the scheduled day, for the night's sync to bring in the last day.)
    for (const QDate &day : {today, today.addDays(-1)}) {
        const bool scheduled = period == ReportPeriod::Weekly ? day.dayOfWeek() == Qt::Monday : day.day() == 1;
        if (scheduled)
            return day.addDays(-1);
    }
    return std::nullopt;
}

QDate NotifyService::latestScheduledWindowEnd(ReportPeriod period, const QDate &today)
{
    if (period == ReportPeriod::Monthly)
        return QDate(today.year(), today.month(), 1).addDays(-1);
    return today.addDays(-today.dayOfWeek()); // Monday (1): yesterday; Sunday (7): a week ago
}

Result<int> NotifyService::enqueueScheduledReports(Store &store, const QDateTime &now)
{
    int queued = 0;
    std::optional<QList<Destination>> destinations; // read once, and only on a report's day
    for (ReportPeriod period : {ReportPeriod::Weekly, ReportPeriod::Monthly}) {
        const std::optional<QDate> end = scheduledReportEnd(period, now.toUTC().date());
        // Not in the first hours after midnight UTC: the last day's spend is synced in the night
        // (a report sent once must not go out before its last day is in).
        if (!end || (end->addDays(1) == now.toUTC().date() && now.toUTC().time() < QTime(6, 0)))
            continue;
        if (!destinations) {
            const auto read = store.notify().destinations();
            if (!read)
                return read.error();
            destinations = *read;
        }
        const bool wanted = std::any_of(destinations->cbegin(), destinations->cend(), [&](const Destination &d) {
            return d.enabled && (period == ReportPeriod::Weekly ? d.weeklyReport : d.monthlyReport);
        });
        if (!wanted)
            continue;
        const auto report = store.spend().teamReport(period, *end);
        if (!report)
            return report.error();
        const auto added = enqueueReport(store, *report, {}, now);
        if (!added)
            return added.error();
        queued += *added;
    }
    return queued;
}

// ---- Secrets -------------------------------------------------------------------------------------

NotifySecrets::NotifySecrets(SecretStore *keychain, QHash<QString, QString> environment)
    : m_keychain(keychain), m_environment(std::move(environment))
{
}

QString NotifySecrets::environmentName(const QString &destinationId)
{
    return u"ORTEAM_NOTIFY_SECRET_"_s + destinationId.toUpper().replace(u'-', u'_');
}

QHash<QString, QString> NotifySecrets::processEnvironment()
{
    QHash<QString, QString> out;
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys()) {
        if (name.startsWith("ORTEAM_NOTIFY_SECRET_"_L1))
            out.insert(name, env.value(name));
    }
    return out;
}

void NotifySecrets::read(const Destination &d, QObject *context, Callback done) const
{
    const QString name = environmentName(d.id);
    if (m_environment.contains(name)) {
        const auto secret = DestinationSecret::fromJson(m_environment.value(name));
        QMetaObject::invokeMethod(context ? context : QCoreApplication::instance(), [secret, name, done] {
            done(secret, secret ? QString() : u"%1 is neither a URL nor a JSON object."_s.arg(name));
        }, Qt::QueuedConnection);
        return;
    }
    // A destination that needs no secret (an email relay without a login) has none to read: its
    // messages must not wait for one, nor its status say it is failing.
    if (DestinationSecret{}.problemFor(d).isEmpty()) {
        readStored(d, context, [done](const std::optional<DestinationSecret> &secret, const QString &) {
            done(secret.value_or(DestinationSecret{}), QString());
        });
        return;
    }
    readStored(d, context, std::move(done));
}

void NotifySecrets::unreadable(const QList<Destination> &destinations, QObject *context,
                               std::function<void(const QHash<QString, QString> &)> done) const
{
    struct Pending
    {
        int left = 0;
        QHash<QString, QString> why;
        std::function<void(const QHash<QString, QString> &)> done;
    };
    auto pending = std::make_shared<Pending>();
    pending->done = std::move(done);
    QList<Destination> enabled;
    for (const Destination &d : destinations) {
        if (d.enabled)
            enabled << d;
    }
    pending->left = int(enabled.size());
    if (enabled.isEmpty()) {
        QMetaObject::invokeMethod(context ? context : QCoreApplication::instance(), [pending] { pending->done({}); },
                                  Qt::QueuedConnection);
        return;
    }
    for (const Destination &d : enabled) {
        read(d, context, [pending, d](const std::optional<DestinationSecret> &secret, const QString &error) {
            // A secret that is there but cannot send (a webhook's without its signing key) fails
            // every delivery as surely as none.
            if (!secret)
                pending->why.insert(d.id, error);
            else if (const QString problem = secret->problemFor(d); !problem.isEmpty())
                pending->why.insert(d.id, problem);
            if (--pending->left == 0)
                pending->done(pending->why);
        });
    }
}

void NotifySecrets::readStored(const Destination &d, QObject *context, Callback done) const
{
    const QString name = environmentName(d.id);
    if (!m_keychain) {
        QMetaObject::invokeMethod(context ? context : QCoreApplication::instance(), [name, done] {
            done(std::nullopt, u"No secret for this destination: set %1 or save it from the dashboard."_s.arg(name));
        }, Qt::QueuedConnection);
        return;
    }
    m_keychain->read(d.secretName(), context, [name, done](const SecretStore::Result &r) {
        if (!r.ok) {
            done(std::nullopt, r.notFound ? u"No secret is saved for this destination (set it in the dashboard, or %1)."_s.arg(name)
                                          : u"Cannot read the destination's secret from the keychain: %1 Give it as %2 instead."_s.arg(r.error, name));
            return;
        }
        const auto secret = DestinationSecret::fromJson(r.secret);
        done(secret, secret ? QString() : u"The keychain entry of this destination is not readable."_s);
    });
}

void NotifySecrets::write(const Destination &d, const DestinationSecret &secret, QObject *context,
                          std::function<void(const QString &)> done)
{
    if (!m_keychain) {
        QMetaObject::invokeMethod(context, [done] { done(u"There is no keychain to save the secret in."_s); }, Qt::QueuedConnection);
        return;
    }
    m_keychain->write(d.secretName(), secret.toJson(), context, [done](const SecretStore::Result &r) { done(r.ok ? QString() : r.error); });
}

void NotifySecrets::remove(const Destination &d, QObject *context, std::function<void(const QString &)> done)
{
    if (!m_keychain) {
        QMetaObject::invokeMethod(context, [done] { done({}); }, Qt::QueuedConnection);
        return;
    }
    m_keychain->remove(d.secretName(), context,
                       [done](const SecretStore::Result &r) { done(r.ok || r.notFound ? QString() : r.error); });
}

// ---- Sending -------------------------------------------------------------------------------------

struct NotifyDelivery::Run
{
    QHash<QString, Destination> destinations;
    QList<OutboxItem> items;
    qsizetype index = 0;
    Summary summary;
    QHash<QString, QByteArray> charts; // report key → PNG, drawn once per run
    QHash<QString, std::optional<DestinationSecret>> secrets; // destination → its secret, read once per run
};

NotifyDelivery::NotifyDelivery(Store &store, const NotifySecrets &secrets, QNetworkAccessManager &network, QObject *parent)
    : QObject(parent), m_store(store), m_secrets(secrets), m_sender(network, this)
{
}

void NotifyDelivery::setTimeoutMs(int ms)
{
    m_sender.setTimeoutMs(ms);
    // The lease outlasts the longest send, so a live sender's row is never taken for a dead one's.
    m_leaseSeconds = ms / 1000 + 60;
}

void NotifyDelivery::deliverDue(Done done)
{
    m_waiting << std::move(done);
    if (m_running)
        return;
    m_running = true;
    auto run = std::make_shared<Run>();
    const QDateTime now = m_clock();
    const auto destinations = m_store.notify().destinations();
    if (!destinations) {
        finish(run, destinations.error());
        return;
    }
    for (const Destination &d : *destinations)
        run->destinations.insert(d.id, d);
    const auto due = m_store.notify().due(now);
    if (!due) {
        finish(run, due.error());
        return;
    }
    run->items = *due;
    QMetaObject::invokeMethod(this, [this, run] { next(run); }, Qt::QueuedConnection);
}

void NotifyDelivery::next(std::shared_ptr<Run> run)
{
    while (run->index < run->items.size()) {
        const OutboxItem item = run->items.at(run->index);
        const QDateTime now = m_clock();
        const auto found = run->destinations.constFind(item.destinationId);
        if (found == run->destinations.cend() || !found->enabled) {
            ++run->index;
            continue; // a disabled destination keeps its messages until it is enabled again
        }
        const Destination d = *found;
        if (item.state == OutboxItem::State::Sending && !resendAfterInterruption(d.kind)) {
            ++run->index;
            const Result<bool> marked = m_store.notify().markInterrupted(
                item.id, now,
                u"The sender stopped while sending this; it is not sent again so that it never arrives twice. "
                "Check whether it arrived, and send it again from the outbox if not."_s);
            if (!marked)
                return finish(run, marked.error());
            run->summary.unknown += *marked ? 1 : 0; // else another sender has it now
            continue;
        }
        if (const auto until = d.quietUntil(now)) {
            ++run->index;
            if (item.state == OutboxItem::State::Pending) {
                if (Status s = m_store.notify().defer(item.id, *until); !s && s.error().kind != StoreError::Kind::NotFound)
                    return finish(run, s.error());
                if (item.attempts > 0) // a retry held: heldForQuietHours() counts the never-tried
                    ++run->summary.held;
            }
            continue;
        }
        // The secret first, once per destination and run, before any row is claimed: a keychain
        // that cannot be read (locked, absent under a timer) leaves the rows as they are, spending
        // none of their attempts, for a sender that can read it.
        if (!run->secrets.contains(d.id)) {
            m_secrets.read(d, this, [this, run, d](const std::optional<DestinationSecret> &secret, const QString &error) {
                run->secrets.insert(d.id, secret);
                if (!secret)
                    run->summary.problems << u"%1: %2 Its messages wait."_s.arg(d.name, error);
                next(run);
            });
            return;
        }
        ++run->index;
        const std::optional<DestinationSecret> secret = run->secrets.value(d.id);
        if (!secret) {
            ++run->summary.waiting;
            continue;
        }
        const Result<bool> claimed = m_store.notify().claim(item, now.addSecs(m_leaseSeconds));
        if (!claimed)
            return finish(run, claimed.error());
        if (!*claimed)
            continue; // another dashboard or cron run took it
        QByteArray chart;
        if (item.message.report && m_chartPainter) {
            if (!run->charts.contains(item.key))
                run->charts.insert(item.key, m_chartPainter(*item.message.report));
            chart = run->charts.value(item.key);
        }
        m_sender.send(d, *secret, item.message, item.deliveryId, chart,
                      [this, run, item, d](const NotifySender::Answer &answer) { record(run, item, d, answer); });
        return;
    }
    // Held: every message waiting for its destination's quiet hours, those queued held as well
    // as those this run found due inside them.
    const Result<int> held = m_store.notify().heldForQuietHours(m_clock());
    if (!held)
        return finish(run, held.error());
    run->summary.held += *held;
    finish(run, run->summary);
}

void NotifyDelivery::record(std::shared_ptr<Run> run, const OutboxItem &item, const Destination &d, const NotifySender::Answer &answer)
{
    const QDateTime now = m_clock();
    const int attempt = item.attempts + 1; // this claim's
    Result<bool> marked = false;
    int *counter = nullptr;
    using Outcome = NotifySender::Answer::Outcome;
    switch (answer.outcome) {
    case Outcome::Delivered:
        marked = m_store.notify().markSent(item.id, attempt, now);
        counter = &run->summary.sent;
        break;
    case Outcome::Retry:
        if (attempt >= MaxDeliveryAttempts) {
            marked = m_store.notify().markFailed(item.id, attempt, u"Given up after %1 attempts: %2"_s.arg(attempt).arg(answer.error),
                                                 std::nullopt);
            counter = &run->summary.failed;
        } else {
            QDateTime at = nextAttemptAfter(attempt, now);
            if (answer.retryAfterSeconds)
                at = std::max(at, now.addSecs(*answer.retryAfterSeconds));
            marked = m_store.notify().markFailed(item.id, attempt, answer.error, at);
            counter = &run->summary.retrying;
        }
        break;
    case Outcome::Refused:
        marked = m_store.notify().markFailed(item.id, attempt, answer.error, std::nullopt);
        counter = &run->summary.failed;
        break;
    case Outcome::Unknown:
        marked = m_store.notify().markUnknown(item.id, attempt, answer.error + u" It may have arrived; it is not sent again."_s);
        counter = &run->summary.unknown;
        break;
    }
    if (!marked) {
        // The send happened but its outcome is not written: the row stays claimed until its lease
        // runs out, then counts as interrupted (a webhook is sent again with its idempotency key;
        // anything else is marked unknown, never sent twice).
        finish(run, marked.error());
        return;
    }
    if (*marked) {
        ++*counter;
        if (answer.outcome != Outcome::Delivered)
            run->summary.problems << u"%1: %2"_s.arg(d.name, answer.error);
    } else {
        // The lease ran out during the send and another sender claimed the row: its outcome is
        // the one kept (this one's is said, not written over it).
        run->summary.problems << u"%1: message %2 was taken over by another sender while this one sent it (%3)."_s.arg(d.name).arg(item.id).arg(
            answer.outcome == Outcome::Delivered ? u"delivered"_s : answer.error);
    }
    next(run);
}

void NotifyDelivery::finish(std::shared_ptr<Run>, const Result<Summary> &result)
{
    m_running = false;
    const QList<Done> waiting = std::exchange(m_waiting, {});
    for (const Done &d : waiting)
        d(result);
}

void NotifyDelivery::sendTest(const Destination &d, std::function<void(const NotifySender::Answer &)> done)
{
    m_secrets.read(d, this, [this, d, done](const std::optional<DestinationSecret> &secret, const QString &error) {
        if (!secret) {
            done(NotifySender::Answer{NotifySender::Answer::Outcome::Refused, error, {}});
            return;
        }
        const QDateTime now = m_clock();
        m_sender.send(d, *secret, testMessage(d, now), u"test-"_s + QString::number(now.toMSecsSinceEpoch()), {}, done);
    });
}

Status NotifyService::saveAlertSettings(Store &store, const AlertSettings &settings)
{
    QString problem;
    AlertSettings::fromFields(settings.fields(), &problem);
    if (!problem.isEmpty())
        return StoreError::invalid(problem);
    // Compared as stored (amounts to the cent): $25.004 saved over $25.00 changes nothing.
    const auto unchanged = [&](const AlertSettings &before) { return before.fields() == settings.fields(); };
    // Read first without the write lock: showing the settings, or saving them unchanged, must
    // not wait for a sync or a gateway writing (nor fail on a database this user only reads).
    const Result<AlertSettings> current = store.notify().alertSettings();
    if (!current)
        return current.error();
    if (unchanged(*current))
        return {};
    return store.transaction([&]() -> Status {
        const Result<AlertSettings> before = store.notify().alertSettings();
        if (!before)
            return before.error();
        if (unchanged(*before))
            return {};
        if (Status s = store.notify().setAlertSettings(settings); !s)
            return s;
        return store.audit().append(auditEntry(AuditAction::Settings, u"alerts"_s, before->summary(), settings.summary()));
    });
}

namespace {
std::optional<Destination> destinationNamed(const QList<Destination> &all, const QString &id)
{
    for (const Destination &d : all) {
        if (d.id == id)
            return d;
    }
    return std::nullopt;
}
} // namespace

Status NotifyService::saveDestination(Store &store, const Destination &d, const QDateTime &now, bool *changed)
{
    if (changed)
        *changed = false;
    if (const QString p = d.problem(); !p.isEmpty())
        return StoreError::invalid(p);
    // Compared as stored (the settings a kind has, as its config column keeps them).
    const auto unchanged = [&](const QList<Destination> &all) {
        const std::optional<Destination> before = destinationNamed(all, d.id);
        return before && destinationAuditText(*before) == destinationAuditText(d);
    };
    const Result<QList<Destination>> current = store.notify().destinations();
    if (!current)
        return current.error();
    if (unchanged(*current))
        return {};
    return store.transaction([&]() -> Status {
        const Result<QList<Destination>> all = store.notify().destinations();
        if (!all)
            return all.error();
        if (unchanged(*all))
            return {};
        const std::optional<Destination> before = destinationNamed(*all, d.id);
        if (Status s = store.notify().saveDestination(d, now); !s)
            return s;
        if (changed)
            *changed = true;
        return store.audit().append(auditEntry(AuditAction::Destination, d.id,
                                               before ? destinationAuditText(*before) : QString(), destinationAuditText(d)));
    });
}

Status NotifyService::recordSecretReplaced(Store &store, const QString &id)
{
    return store.audit().append(auditEntry(AuditAction::Destination, id, {}, u"secret replaced (in the keychain)"_s));
}

Status NotifyService::removeDestination(Store &store, const QString &id)
{
    return store.transaction([&]() -> Status {
        const Result<QList<Destination>> all = store.notify().destinations();
        if (!all)
            return all.error();
        const std::optional<Destination> before = destinationNamed(*all, id);
        if (!before)
            return StoreError::notFound(u"There is no destination \"%1\"."_s.arg(id));
        if (Status s = store.notify().removeDestination(id); !s)
            return s;
        return store.audit().append(auditEntry(AuditAction::Destination, id, destinationAuditText(*before), u"removed"_s));
    });
}

} // namespace orteam
