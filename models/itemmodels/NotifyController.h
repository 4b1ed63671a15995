#pragma once

#include "Alerts.h"
#include "Notify.h"
#include "NotifyService.h"
#include "StoreResult.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace orteam {

class SecretStore;
class SpendController;
class Store;

// The dashboard's side of notifications: what the Notifications page shows and changes, and the
// dashboard's share of delivery. After every Spend refresh (which has just queued any new alerts)
// and once a minute, it queues the scheduled reports and sends what is due, like `orteam-cli
// notify run` from cron; the outbox makes the two (and several dashboards) send each message once.
// The reads are a few small rows, answered on this thread as the page draws (as SpendController's).
class NotifyController final : public QObject
{
    Q_OBJECT

public:
    // `keychain` is the app's SecretStore (a MemorySecretStore in the demo); `environment` the
    // ORTEAM_NOTIFY_SECRET_* variables that win over it (none in the demo, so that a variable set
    // for real use can never send the sample team's alerts anywhere). `spend` may be null.
    NotifyController(Store *store, SecretStore *keychain, QHash<QString, QString> environment, QNetworkAccessManager *network,
                     SpendController *spend, QObject *parent = nullptr);
    ~NotifyController() override;

    void setClock(std::function<QDateTime()> clock);
    void setTimeoutMs(int ms);
    // 0 stops the periodic run (tests drive it with runNow()).
    void setInterval(int seconds);

    Result<QList<Destination>> destinations() const;
    Result<QList<DestinationHealth>> health() const;
    Result<QList<OutboxItem>> recent(int limit = 200) const;
    Result<AlertSettings> alertSettings() const;
    Result<QStringList> tierNames() const;
    // The enabled destinations whose secret cannot be read here (id → why), as orteam-cli notify
    // status finds them: their messages wait unsent without any attempt failing. As last found:
    // the keychain is asked at the start, after each change of a destination and at
    // checkSecrets(), not at each delivery run (a locked keychain would ask to be unlocked every
    // minute); changed() follows an answer that differs.
    QHash<QString, QString> unreadableSecrets() const { return m_unreadable; }
    void checkSecrets();
    Status setAlertSettings(const AlertSettings &settings);

    using Done = std::function<void(const QString &error)>; // empty: it worked
    // Saves `d` and, when any field of `secret` is filled, its secret in the keychain first (a
    // destination without its secret would only fail). On edit (`isNew` false) an empty field
    // keeps the saved value of that field; the secret that results must fit `d`.
    void saveDestination(const Destination &d, const DestinationSecret &secret, bool isNew, QObject *context, Done done);
    // Removes it (and its unsent messages), then its keychain entry.
    void removeDestination(const Destination &d, QObject *context, Done done);
    // Sends a test message straight to `d`: `ok` and a sentence for a person.
    void sendTest(const Destination &d, QObject *context, std::function<void(bool ok, const QString &answer)> done);
    // A failed or unknown message is sent again on the next run, which starts now.
    Status retry(qint64 outboxId);
    // Queues the scheduled reports and sends what is due (one run at a time).
    void runNow();
    bool isDelivering() const;
    // The read-only view (a team lead without a management key, maybe on a read-only database
    // role): it neither queues nor sends; the admins' dashboards and cron do.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

Q_SIGNALS:
    void changed();
    void problem(const QString &message);

private:
    QDateTime now() const { return m_clock().toUTC(); }
    // `replaced`: an existing destination's secret changed, which the audit log records.
    void writeAndSave(const Destination &d, const DestinationSecret &secret, bool replaced, QObject *context, Done done);

    Store *m_store;
    NotifySecrets m_secrets;
    QHash<QString, QString> m_unreadable;
    int m_secretCheck = 0; // the latest check's number: an older answer is dropped
    std::unique_ptr<NotifyDelivery> m_delivery;
    QTimer m_timer;
    bool m_readOnly = false;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace orteam
