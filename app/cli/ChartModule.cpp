#include "ChartModule.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace orteam::cli {

bool ChartModule::load()
{
    // The program's own file, links resolved (a symlink in PATH still finds the package's
    // folder). Read before any QCoreApplication exists, whose applicationDirPath() would say it.
    const QString program = QFile::symLinkTarget(u"/proc/self/exe"_s);
    const QDir folder = QFileInfo(program).absoluteDir();
    const QStringList candidates{folder.filePath(u"" ORTEAM_CHART_MODULE ""_s),
                                 QDir::cleanPath(folder.filePath(u"" ORTEAM_CHART_MODULE_INSTALLED ""_s))};
    QStringList problems;
    for (const QString &file : candidates) {
        if (!QFileInfo::exists(file)) {
            problems << u"%1 is missing"_s.arg(file);
            continue;
        }
        m_library.setFileName(file);
        if (!m_library.load()) {
            problems << m_library.errorString();
            continue;
        }
        using Build = const char *(*)();
        const auto build = reinterpret_cast<Build>(m_library.resolve("orteam_chart_build"));
        // Another version's module may lay out a report differently: it is not called.
        if (!build || qstrcmp(build(), ORTEAM_VERSION " " ORTEAM_GIT_REVISION) != 0) {
            problems << u"%1 is from another build of orteam"_s.arg(file);
            m_library.unload();
            continue;
        }
        m_application = reinterpret_cast<decltype(m_application)>(m_library.resolve("orteam_chart_application"));
        m_draw = reinterpret_cast<decltype(m_draw)>(m_library.resolve("orteam_chart_png"));
        if (m_application && m_draw)
            return true;
        problems << u"%1 lacks its functions"_s.arg(file);
        m_library.unload();
    }
    m_error = problems.join(u"; "_s);
    return false;
}

std::unique_ptr<QCoreApplication> ChartModule::makeApplication(int &argc, char **argv) const
{
    return std::unique_ptr<QCoreApplication>(m_application(&argc, argv));
}

NotifyDelivery::ChartPainter ChartModule::painter() const
{
    return [draw = m_draw](const TeamReport &report) {
        QByteArray png;
        draw(&report, &png);
        return png;
    };
}

} // namespace orteam::cli
