#pragma once

#include "Report.h"

#include <QtGlobal>

#include <cstring>

namespace orteam::cli {

// What orteam-cli and its chart module must agree on to pass a report between them: this
// version of orteam, the same Qt, and the same layout of a report. Both sides compile this
// header; the loader calls nothing of a module whose answer differs. Independent of git, so a
// rebuild of one side after a commit is not a mismatch, and an edit of TeamReport is.
struct ChartModuleAbi
{
    char version[32];
    unsigned qt;
    unsigned reportSize, rowSize;

    static ChartModuleAbi current()
    {
        ChartModuleAbi abi{};
        std::strncpy(abi.version, ORTEAM_VERSION, sizeof abi.version - 1);
        abi.qt = QT_VERSION;
        abi.reportSize = unsigned(sizeof(TeamReport));
        abi.rowSize = unsigned(sizeof(TeamReportRow));
        return abi;
    }
    bool operator==(const ChartModuleAbi &o) const
    {
        return std::strncmp(version, o.version, sizeof version) == 0 && qt == o.qt && reportSize == o.reportSize
            && rowSize == o.rowSize;
    }
};

} // namespace orteam::cli
