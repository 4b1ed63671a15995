#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <utility>

namespace orteam {

// Header fields as (name, value) pairs, in order, names as sent or received: what the gateway's
// server reads from clients and what UpstreamClient sends and receives.
using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

bool isSafeHeaderValue(QByteArrayView v); // no CR, LF, NUL or other control character but HT
bool isHttpToken(QByteArrayView v);       // RFC 9110 tchar+, not empty

} // namespace orteam
