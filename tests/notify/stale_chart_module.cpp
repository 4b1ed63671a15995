// A chart module from another build of orteam, for notify_e2e: its ABI answer differs from the
// CLI's (another version), so orteam-cli must refuse it, call nothing else of it, and say so.
// Its drawing function would crash if called.
#include "ChartModuleAbi.h"

#include <cstdlib>

extern "C" {

Q_DECL_EXPORT void orteam_chart_abi(orteam::cli::ChartModuleAbi *abi)
{
    *abi = orteam::cli::ChartModuleAbi::current();
    std::strncpy(abi->version, "0.0.0-another-build", sizeof abi->version - 1);
}

Q_DECL_EXPORT void *orteam_chart_application(int *, char **)
{
    std::abort();
}

Q_DECL_EXPORT void orteam_chart_png(const void *, void *)
{
    std::abort();
}

} // extern "C"
