#include "NotifyController.h"

#include "ReportChart.h"

#include "SpendController.h"
#include "Store.h"

#include <QPointer>

namespace orteam {

namespace {
// An answer that may outlive the one who asked (a dialog closed meanwhile): dropped then.
NotifyController::Done guarded(QObject *context, NotifyController::Done done)
{
    return [guard = QPointer<QObject>(context), done = std::move(done)](const QString &error) {
        if (guard)
            done(error);
    };
}
} // namespace

NotifyController::NotifyController(Store *store, SecretStore *keychain, QHash<QString, QString> environment,
                                   QNetworkAccessManager *network, SpendController *spend, QObject *parent)
    : QObject(parent), m_store(store), m_secrets(keychain, std::move(environment)),
      m_delivery(std::make_unique<NotifyDelivery>(*store, m_secrets, *network))
{
    m_delivery->setChartPainter([](const TeamReport &report) { return reportChartPng(report); });
    // SpendController::refresh raises the new alerts after it emits changed(): queued, this runs
    // once they are in the outbox.
    if (spend)
        connect(spend, &SpendController::changed, this, &NotifyController::runNow, Qt::QueuedConnection);
    connect(&m_timer, &QTimer::timeout, this, &NotifyController::runNow);
    setInterval(60);
    QMetaObject::invokeMethod(this, &NotifyController::checkSecrets, Qt::QueuedConnection);
}

void NotifyController::checkSecrets()
{
    const auto all = destinations();
    if (!all)
        return; // the page says the destinations cannot be read
    const int check = ++m_secretCheck;
    m_secrets.unreadable(*all, this, [this, check](const QHash<QString, QString> &why) {
        if (check != m_secretCheck || why == m_unreadable)
            return;
        m_unreadable = why;
        Q_EMIT changed();
    });
}

NotifyController::~NotifyController() = default;

void NotifyController::setClock(std::function<QDateTime()> clock)
{
    m_clock = clock;
    m_delivery->setClock(std::move(clock));
}

void NotifyController::setTimeoutMs(int ms)
{
    m_delivery->setTimeoutMs(ms);
}

void NotifyController::setInterval(int seconds)
{
    if (seconds <= 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(seconds * 1000);
}

Result<QList<Destination>> NotifyController::destinations() const
{
    return m_store->notify().destinations();
}

Result<QList<DestinationHealth>> NotifyController::health() const
{
    return m_store->notify().health();
}

Result<QList<OutboxItem>> NotifyController::recent(int limit) const
{
    return m_store->notify().recent(limit);
}

Result<AlertSettings> NotifyController::alertSettings() const
{
    return m_store->notify().alertSettings();
}

Result<QStringList> NotifyController::tierNames() const
{
    const auto tiers = m_store->team().tiers();
    if (!tiers)
        return tiers.error();
    QStringList names;
    for (const Tier &t : *tiers)
        names << t.name;
    return names;
}

Status NotifyController::setAlertSettings(const AlertSettings &settings)
{
    const Status s = NotifyService::saveAlertSettings(*m_store, settings);
    if (s)
        Q_EMIT changed();
    return s;
}

void NotifyController::saveDestination(const Destination &d, const DestinationSecret &entered, bool isNew, QObject *context,
                                       Done done)
{
    done = guarded(context, std::move(done));
    if (const QString p = d.problem(); !p.isEmpty())
        return done(p);
    if (isNew) {
        const auto existing = destinations();
        if (!existing)
            return done(existing.errorText());
        for (const Destination &other : *existing) {
            if (other.id == d.id)
                return done(tr("There is a destination with the id \"%1\" already.").arg(d.id));
        }
        if (const QString p = entered.problemFor(d); !p.isEmpty())
            return done(p);
        return writeAndSave(d, entered, false, context, done);
    }
    // An edit: the fields left empty keep what is saved (the dialog never shows a secret back).
    m_secrets.readStored(d, this, [this, d, entered, context, done](const std::optional<DestinationSecret> &saved, const QString &readError) {
        DestinationSecret merged = saved.value_or(DestinationSecret{});
        if (!entered.url.isEmpty())
            merged.url = entered.url;
        if (!entered.signingKey.isEmpty())
            merged.signingKey = entered.signingKey;
        if (!entered.password.isEmpty())
            merged.password = entered.password;
        if (const QString p = merged.problemFor(d); !p.isEmpty())
            return done(saved ? p : p + u' ' + readError);
        if (saved && saved->toJson() == merged.toJson()) {
            if (const Status s = NotifyService::saveDestination(*m_store, d); !s)
                return done(s.errorText());
            Q_EMIT changed();
            checkSecrets();
            return done({});
        }
        writeAndSave(d, merged, true, context, done);
    });
}

void NotifyController::writeAndSave(const Destination &d, const DestinationSecret &secret, bool replaced, QObject *context, Done done)
{
    Q_UNUSED(context) // `done` is guarded already
    // The secret first: a row whose secret could not be kept would only fail to send.
    m_secrets.write(d, secret, this, [this, d, replaced, done](const QString &error) {
        if (!error.isEmpty())
            return done(tr("Cannot save the secret in the keychain: %1").arg(error));
        if (const Status s = NotifyService::saveDestination(*m_store, d); !s)
            return done(s.errorText());
        if (replaced) {
            if (const Status s = NotifyService::recordSecretReplaced(*m_store, d.id); !s)
                return done(tr("The secret is saved, but the audit log could not record it: %1").arg(s.errorText()));
        }
        Q_EMIT changed();
        checkSecrets();
        done({});
    });
}

void NotifyController::removeDestination(const Destination &d, QObject *context, Done done)
{
    done = guarded(context, std::move(done));
    if (const Status s = NotifyService::removeDestination(*m_store, d.id); !s)
        return done(s.errorText());
    Q_EMIT changed();
    checkSecrets();
    m_secrets.remove(d, this, [done](const QString &error) {
        done(error.isEmpty() ? QString() : tr("The destination is removed, but its secret is still in the keychain: %1").arg(error));
    });
}

void NotifyController::sendTest(const Destination &d, QObject *context, std::function<void(bool, const QString &)> done)
{
    m_delivery->sendTest(d, [guard = QPointer<QObject>(context), name = d.name, done](const NotifySender::Answer &a) {
        if (!guard)
            return;
        if (a.outcome == NotifySender::Answer::Outcome::Delivered)
            done(true, tr("%1 took the test message.").arg(name));
        else
            done(false, a.error);
    });
}

Status NotifyController::retry(qint64 outboxId)
{
    const Status s = m_store->notify().retry(outboxId, now());
    if (!s)
        return s;
    Q_EMIT changed();
    runNow();
    return s;
}

void NotifyController::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    if (readOnly)
        m_timer.stop();
}

void NotifyController::runNow()
{
    if (m_readOnly)
        return;
    if (const Result<int> queued = NotifyService::enqueueScheduledReports(*m_store, now()); !queued)
        Q_EMIT problem(tr("Cannot queue the scheduled reports: %1").arg(queued.errorText()));
    m_delivery->deliverDue([this](const Result<NotifyDelivery::Summary> &r) {
        // A destination that refuses is the destination's trouble, shown with its health; only
        // the outbox itself being unreadable is the dashboard's.
        if (!r)
            Q_EMIT problem(tr("Cannot send notifications: %1").arg(r.errorText()));
        Q_EMIT changed();
    });
}

bool NotifyController::isDelivering() const
{
    return m_delivery->isRunning();
}

} // namespace orteam
