#pragma once

#include <QStringList>

namespace orteam {

// orteam-gateway's command line: reads options, opens the team database, finds the shared
// upstream key (OPENROUTER_API_KEY, else the keychain), listens, and serves until SIGINT or
// SIGTERM (then writes what it recorded and exits).
int runGateway(const QStringList &arguments);

} // namespace orteam
