#pragma once

#include "Account.h"
#include "Alerts.h"
#include "ApiKey.h"
#include "Notify.h"
#include "Sender.h"
#include "Store.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

namespace orteam {

class SecretStore;

// Alerts and reports to the people who need them, once. Every front end (the dashboard's refresh,
// `orteam-cli notify run` from cron or the systemd timer) decides and sends through here:
// - raise() marks new alerts seen and writes a message for every destination that takes them into
//   the outbox, in one transaction: an alert is either seen and queued everywhere, or neither
//   (and raised again next time);
// - NotifyDelivery sends what is due, with retries and backoff, one sender per row at a time.
class NotifyService
{
public:
    // What currentAlerts() needs, read from the team database (members, tiers, today's and the
    // last 14 days' spend, models used, rotation schedule, alert settings) plus what only
    // OpenRouter knows (the keys, the credits; pass what was read). Any failed read is an error:
    // no alert is decided on a partial picture.
    static Result<AlertInput> alertInput(const Store &store, const QList<ApiKey> &keys, const std::optional<Credits> &credits,
                                         const QDateTime &now);
    // The alerts not raised before, each now in the outbox of every destination that takes it.
    static Result<QList<Alert>> raise(Store &store, const QList<Alert> &alerts, const QDateTime &now);
    // Queues a report for the destinations named (empty: every enabled one that takes reports of
    // its period). Answers how many were queued (0: each has it already).
    static Result<int> enqueueReport(Store &store, const TeamReport &report, const QStringList &destinationIds,
                                     const QDateTime &now);
    // The scheduled reports: the weekly one on Mondays (the seven days to Sunday) and the monthly
    // one on the 1st (the 30 days to the month's last day), from 06:00 UTC (after the night's
    // sync), to the destinations that take them; sent on that day or the next (a machine that was
    // off) and once, however often this runs. Answers how many messages were queued.
    static Result<int> enqueueScheduledReports(Store &store, const QDateTime &now);
    // The day the scheduled report of `period` covers up to, if one is due on `today`.
    static std::optional<QDate> scheduledReportEnd(ReportPeriod period, const QDate &today);
    // The end of the latest window the schedule covers before `today`: the last Sunday, or the
    // last day of the month before (the monthly report is the 30 days to it). A report sent by hand ends there too, so it and the
    // scheduled one are the same message, sent once per destination.
    static QDate latestScheduledWindowEnd(ReportPeriod period, const QDate &today);

    // The team's settings of what is sent and where, each change written with its audit entry in
    // one transaction, from whichever front end (a change nobody can trace is not made). Saving
    // what is saved already changes and records nothing. Invalid when the value has a problem.
    static Status saveAlertSettings(Store &store, const AlertSettings &settings);
    // Adds or changes it (its never-tried messages held for quiet hours are due again at `now`);
    // `changed` (when given) says whether anything was written.
    static Status saveDestination(Store &store, const Destination &d, const QDateTime &now = QDateTime::currentDateTimeUtc(),
                                  bool *changed = nullptr);
    // Removes it and its unsent messages; NotFound when there is no such destination. Its secret
    // is the caller's to remove (NotifySecrets), after this succeeded.
    static Status removeDestination(Store &store, const QString &id);
    // Records that a destination's secret was replaced (its value never): where alerts go can
    // change with a webhook URL alone. Called once the keychain kept the new one.
    static Status recordSecretReplaced(Store &store, const QString &id);
};

// A destination's secret: from the environment (ORTEAM_NOTIFY_SECRET_<ID>, for cron and
// containers without a keychain) or else the system keychain.
class NotifySecrets
{
public:
    NotifySecrets(SecretStore *keychain, QHash<QString, QString> environment);
    static QString environmentName(const QString &destinationId); // team-slack → ORTEAM_NOTIFY_SECRET_TEAM_SLACK
    static QHash<QString, QString> processEnvironment();
    using Callback = std::function<void(const std::optional<DestinationSecret> &secret, const QString &error)>;
    void read(const Destination &d, QObject *context, Callback done) const;
    // The keychain's alone, ignoring the environment: what an edit merges with, so a secret given
    // in the environment for one run is never copied into the keychain.
    void readStored(const Destination &d, QObject *context, Callback done) const;
    // The enabled destinations among `destinations` whose secret cannot be read here or cannot
    // send (DestinationSecret::problemFor), each with why (id → sentence), read as a sender reads them: their messages wait unsent and no failed
    // attempt says so, so a status that only counts attempts would call them fine. Answered once,
    // never synchronously.
    void unreadable(const QList<Destination> &destinations, QObject *context,
                    std::function<void(const QHash<QString, QString> &)> done) const;
    // Saves to the keychain (the dashboard's and `notify set-secret`'s way).
    void write(const Destination &d, const DestinationSecret &secret, QObject *context, std::function<void(const QString &error)> done);
    void remove(const Destination &d, QObject *context, std::function<void(const QString &error)> done);

private:
    SecretStore *m_keychain;
    QHash<QString, QString> m_environment;
};

class NotifyDelivery : public QObject
{
    Q_OBJECT

public:
    struct Summary
    {
        int sent = 0, retrying = 0, failed = 0, unknown = 0, held = 0;
        int waiting = 0;      // not tried: their destination's secret could not be read
        QStringList problems; // one line per message not sent, or destination whose secret is unreadable
    };
    using Done = std::function<void(const Result<Summary> &)>;
    // A report's chart as a PNG, or nothing. Drawing needs Qt Gui, which this layer does not link:
    // the dashboard hands in models/chart's reportChartPng, orteam-cli the one of the module it
    // loads for the commands that send.
    using ChartPainter = std::function<QByteArray(const TeamReport &)>;

    NotifyDelivery(Store &store, const NotifySecrets &secrets, QNetworkAccessManager &network, QObject *parent = nullptr);
    void setTimeoutMs(int ms);
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    // Without one (or when it draws nothing) a report goes without its chart.
    void setChartPainter(ChartPainter painter) { m_chartPainter = std::move(painter); }
    bool isRunning() const { return m_running; }

    // Sends every message that is due. One run at a time: a call while one runs gets its answer
    // when that one ends.
    void deliverDue(Done done);
    // A test message straight to `d`, not through the outbox: its answer is the point.
    void sendTest(const Destination &d, std::function<void(const NotifySender::Answer &)> done);

private:
    struct Run;
    void next(std::shared_ptr<Run> run);
    void finish(std::shared_ptr<Run> run, const Result<Summary> &result);
    void record(std::shared_ptr<Run> run, const OutboxItem &item, const Destination &d, const NotifySender::Answer &answer);

    Store &m_store;
    const NotifySecrets &m_secrets;
    NotifySender m_sender;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
    ChartPainter m_chartPainter;
    int m_leaseSeconds = 120;
    bool m_running = false;
    QList<Done> m_waiting;
};

} // namespace orteam
