#pragma once

#include "EpollEventDispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QTest>

// QTEST_GUILESS_MAIN, but with ORTEAM_TEST_EPOLL set the test runs under the event dispatcher
// orteam-gateway installs (epoll): CTest runs the gateway's tests under both, so each socket,
// deadline and timer case also checks the dispatcher the real gateway turns on.
#define ORTEAM_GATEWAY_TEST_MAIN(TestObject)                                                          \
    int main(int argc, char *argv[])                                                                  \
    {                                                                                                 \
        if (qEnvironmentVariableIsSet("ORTEAM_TEST_EPOLL")) {                                         \
            if (QAbstractEventDispatcher *dispatcher = orteam::createEpollEventDispatcher())          \
                QCoreApplication::setEventDispatcher(dispatcher);                                     \
        }                                                                                             \
        QCoreApplication app(argc, argv);                                                             \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                      \
        TestObject tc;                                                                                \
        QTEST_SET_MAIN_SOURCE_PATH                                                                    \
        return QTest::qExec(&tc, argc, argv);                                                         \
    }
