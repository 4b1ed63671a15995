// KeychainSecretStore against a real Secret Service (gnome-keyring in a private D-Bus session,
// started by the CTest command), and without one: a clear error, fast, and no file fallback.
#include "FakeOpenRouter.h"
#include "KeychainSecretStore.h"

#include <QProcess>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace orteam;
using namespace Qt::Literals::StringLiterals;

class TestKeychain : public QObject
{
    Q_OBJECT

    SecretStore::Result run(const std::function<void(SecretStore::Callback)> &start)
    {
        SecretStore::Result out;
        bool done = false;
        start([&](const SecretStore::Result &r) {
            out = r;
            done = true;
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 20'000); }();
        return out;
    }

private Q_SLOTS:
    void roundTripInRealKeyring()
    {
        if (qEnvironmentVariable("ORTEAM_KEYRING") != "1"_L1)
            QFAIL("run through CTest, which starts a private gnome-keyring (ORTEAM_KEYRING=1)");
        KeychainSecretStore store(u"orteam-test"_s);
        const QString name = u"management-key-%1"_s.arg(QCoreApplication::applicationPid());
        SecretStore::Result r = run([&](auto done) { store.read(name, nullptr, done); });
        QVERIFY2(r.notFound, qPrintable(r.error));
        r = run([&](auto done) { store.write(name, u"sk-or-v1-keyring-secret"_s, nullptr, done); });
        QVERIFY2(r.ok, qPrintable(r.error));
        r = run([&](auto done) { store.read(name, nullptr, done); });
        QVERIFY(r.ok);
        QCOMPARE(r.secret, u"sk-or-v1-keyring-secret"_s);
        r = run([&](auto done) { store.remove(name, nullptr, done); });
        QVERIFY(r.ok);
        r = run([&](auto done) { store.read(name, nullptr, done); });
        QVERIFY(r.notFound);
    }

    void cliReadsTheDashboardsKey()
    {
        if (qEnvironmentVariable("ORTEAM_KEYRING") != "1"_L1)
            QFAIL("run through CTest, which starts a private gnome-keyring (ORTEAM_KEYRING=1)");
        FakeOpenRouter fake;
        QVERIFY(fake.start());
        fake.setCredits(10, 4);
        // Saved the way the dashboard saves it; the CLI finds it with no environment variable.
        KeychainSecretStore store(u"orteam"_s);
        SecretStore::Result r = run([&](auto done) { store.write(SecretStore::managementKeyName(), fake.managementKey(), nullptr, done); });
        QVERIFY2(r.ok, qPrintable(r.error));
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"OPENROUTER_MGMT_KEY"_s);
        env.insert(u"OPENROUTER_BASE_URL"_s, fake.baseUrl().toString());
        cli.setProcessEnvironment(env);
        QSignalSpy finished(&cli, &QProcess::finished);
        cli.start(QStringLiteral(ORTEAM_CLI_PATH), {u"credits"_s});
        QVERIFY(finished.wait(30'000));
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY(cli.readAllStandardOutput().contains("Remaining: $6.00"));
        run([&](auto done) { store.remove(SecretStore::managementKeyName(), nullptr, done); });
    }

    void noSecretServiceFailsClearly()
    {
        // CTest runs this one with D-Bus pointed at nothing: no keychain on this "machine".
        if (!qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains("nonexistent"_L1))
            QFAIL("run through CTest, which points DBUS_SESSION_BUS_ADDRESS at nothing");
        KeychainSecretStore store(u"orteam-test"_s);
        QElapsedTimer clock;
        clock.start();
        const SecretStore::Result r = run([&](auto done) { store.write(u"x"_s, u"secret"_s, nullptr, done); });
        QVERIFY(!r.ok);
        QVERIFY(!r.error.isEmpty());
        QVERIFY2(r.error.contains(u"keychain"_s), qPrintable(r.error));
        QVERIFY(clock.elapsed() < 16'000);
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
