#pragma once

#include <QList>
#include <QString>

namespace orteam {
struct ApiError;
struct FlowError;
struct StoreError;
} // namespace orteam

namespace orteam::cli {

// orteam-cli's exit codes, documented in --help and the man page; scripts rely on them.
enum Exit : int {
    Ok = 0,
    ServerError = 1,  // OpenRouter (or the team database) answered with an error or an unreadable body
    UsageError = 2,   // bad command line or bad value
    NotFound = 3,     // no such key, member or tier, or a name that matches several keys
    AuthError = 4,    // no management key, or it was refused (401/403)
    NetworkError = 5, // unreachable, timed out, refused URL
    Declined = 6,     // a confirmation was answered "no"
    CheckFailed = 7,  // db check found the team database damaged, missing, empty or inconsistent
    FindingsFound = 8, // keys audit --fail-on found a finding that severe
    NotDelivered = 9,  // a notification could not be delivered, or a destination is failing
};

// Each code with the sentence the help and the man page give it, in order.
struct ExitMeaning
{
    Exit code;
    QString meaning;
};
QList<ExitMeaning> exitMeanings();

// The exit code a failure means.
Exit exitFor(const ApiError &error);
Exit exitFor(const StoreError &error);
Exit exitFor(const FlowError &error);

} // namespace orteam::cli
