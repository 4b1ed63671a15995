#include "AccountCommands.h"

#include "Context.h"
#include "Money.h"
#include "SyncCall.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

CreditsCommand::CreditsCommand()
    : Command(Section::Account, {u"credits"_s}, u"Credits bought, used and remaining."_s)
{
    m_description = u"Prints the account's credits: bought, used, and what remains, in USD."_s;
}

int CreditsCommand::execute(Context &context, const Arguments &)
{
    if (const int code = context.connect())
        return code;
    const auto r = waitFor<Credits>([&](auto done) { context.client().credits(context.callbacks(), done); });
    if (!r.ok())
        return context.console().fail(r.error);
    context.out() << "Credits:   " << formatUsd(r.value.totalCredits) << '\n'
                  << "Used:      " << formatUsd(r.value.totalUsage) << '\n'
                  << "Remaining: " << formatUsd(r.value.remaining()) << Qt::endl;
    return Ok;
}

Whoami::Whoami()
    : Command(Section::Account, {u"whoami"_s}, u"Which kind of key OPENROUTER_MGMT_KEY is."_s)
{
    m_description = u"Checks the key orteam-cli uses (OPENROUTER_MGMT_KEY, else the keychain's): a management key "
                    "is named with the server it works at; an ordinary API key can call models but cannot "
                    "manage keys, and is an error (exit 4)."_s;
}

int Whoami::execute(Context &context, const Arguments &)
{
    if (const int code = context.connect())
        return code;
    const auto r = waitFor<CurrentKeyInfo>([&](auto done) { context.client().currentKey(context.callbacks(), done); });
    if (!r.ok())
        return context.console().fail(r.error);
    if (!r.value.isManagementKey)
        return context.console().fail(AuthError, u"OPENROUTER_MGMT_KEY holds an API key (%1), not a management key; it can "
                                                 "call models but cannot manage keys"_s.arg(r.value.label));
    context.out() << "Management key " << r.value.label << " at " << context.client().baseUrl().toString() << Qt::endl;
    return Ok;
}

} // namespace orteam::cli
