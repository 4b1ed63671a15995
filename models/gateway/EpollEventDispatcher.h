#pragma once

class QAbstractEventDispatcher;

namespace orteam {

// An event dispatcher for the gateway's thread built on epoll (Linux), or nullptr elsewhere.
// Qt's own dispatchers (glib's and the Unix one) hand every socket to poll(2) on every turn of
// the event loop, so each turn costs in proportion to the connections held: beside 2,000 idle
// keep-alive clients one request cost ~2 ms of CPU. With epoll a turn costs what is ready.
// Install it before the QCoreApplication exists (QCoreApplication::setEventDispatcher).
QAbstractEventDispatcher *createEpollEventDispatcher();

} // namespace orteam
