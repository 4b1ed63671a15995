// A roster CSV as a person's spreadsheet saved it: read, checked row by row, and planned against
// a team, whatever the bytes.
#include "Roster.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    static const QList<orteam::Tier> tiers = orteam::defaultTiers();
    static const QList<orteam::Member> team{
        {QStringLiteral("alice"), QStringLiteral("alice@example.com"), QStringLiteral("pro"), std::nullopt, true, {}},
        {QStringLiteral("bob"), QString(), QStringLiteral("basic"), orteam::Budget{5.0}, true, {QStringLiteral("h1")}},
        {QStringLiteral("carol"), QString(), QString(), std::nullopt, false, {}},
    };
    const orteam::RosterFile file = orteam::parseRoster(text, tiers);
    const orteam::RosterPlan plan = orteam::planRoster(file, team, size % 2 == 0);
    (void)plan.hasWork();
    return 0;
}
