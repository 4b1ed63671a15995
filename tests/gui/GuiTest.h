#pragma once

// What every GUI test does the same way: find a widget by its objectName (or stop), wait for a
// dialog a flow opens, save a picture when ORTEAM_TEST_SCREENSHOTS=DIR is set, read the database
// or stop with its error, find a key at the fake by name, and refresh the keys and wait.
#include "FakeOpenRouter.h"
#include "KeyListController.h"
#include "StoreResult.h"

#include <QSignalSpy>
#include <QTest>
#include <QWidget>

#include <optional>

namespace orteam::GuiTest {

template<typename T>
T *find(QObject *root, const char *name)
{
    T *w = root->findChild<T *>(QLatin1StringView(name));
    if (!w)
        qFatal("no object named %s", name);
    return w;
}

// Up to 5 s: a dialog opens once the server has answered.
template<typename T>
T *waitFor(QObject *root, const char *name)
{
    T *found = nullptr;
    for (int i = 0; i < 100 && !found; ++i) {
        found = root->findChild<T *>(QLatin1StringView(name));
        if (!found)
            QTest::qWait(50);
    }
    return found;
}

inline void snapshot(QWidget *w, const char *name)
{
    const QString dir = qEnvironmentVariable("ORTEAM_TEST_SCREENSHOTS");
    if (!dir.isEmpty())
        w->grab().save(dir + QLatin1Char('/') + QLatin1StringView(name) + QStringLiteral(".png"));
}

// A read the test relies on: its value, or the test stops with the database's error.
template<typename T>
T must(const Result<T> &r)
{
    if (!r)
        qFatal("database read failed: %s", qPrintable(r.errorText()));
    return *r;
}

inline std::optional<ApiKey> fakeKeyNamed(const FakeOpenRouter &fake, const QString &name)
{
    for (const ApiKey &k : fake.keys()) {
        if (k.name == name)
            return k;
    }
    return std::nullopt;
}

inline bool waitRefresh(KeyListController &keys)
{
    QSignalSpy done(&keys, &KeyListController::refreshFinished);
    keys.refresh();
    return done.wait(10'000);
}

} // namespace orteam::GuiTest
