#include "ChartModule.h"

#include "ChartModuleAbi.h"

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
    if (program.isEmpty() || QDir::isRelativePath(program)) {
        // Without /proc (a chroot) the folder would be the working one: nothing is loaded from it.
        m_error = u"the program's own folder is unknown (/proc is not mounted)"_s;
        return false;
    }
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
        m_library.setLoadHints(QLibrary::PreventUnloadHint);
        if (!m_library.load()) {
            problems << m_library.errorString();
            continue;
        }
        using Abi = void (*)(ChartModuleAbi *);
        const auto abi = reinterpret_cast<Abi>(m_library.resolve("orteam_chart_abi"));
        ChartModuleAbi theirs{};
        if (abi)
            abi(&theirs);
        // Another build's module may lay out a report differently: it is not called.
        if (!abi || !(theirs == ChartModuleAbi::current())) {
            problems << u"%1 is from another build of orteam"_s.arg(file);
            continue;
        }
        m_application = reinterpret_cast<decltype(m_application)>(m_library.resolve("orteam_chart_application"));
        m_draw = reinterpret_cast<decltype(m_draw)>(m_library.resolve("orteam_chart_png"));
        if (m_application && m_draw)
            return true;
        problems << u"%1 lacks its functions"_s.arg(file);
    }
    m_error = problems.join(u"; "_s);
    return false;
}

std::unique_ptr<QCoreApplication> ChartModule::makeApplication(int &argc, char **argv) const
{
    return std::unique_ptr<QCoreApplication>(m_application(&argc, argv));
}

NotifyDelivery::ChartPainter ChartModule::painter(Console &console) const
{
    if (m_draw) {
        return [draw = m_draw](const TeamReport &report) {
            QByteArray png;
            draw(&report, &png);
            return png;
        };
    }
    // Said when a report is about to go without its chart, not by every notify command.
    return [&console, said = std::make_shared<bool>(false), why = m_error](const TeamReport &) {
        if (!std::exchange(*said, true))
            console.warn(u"reports go without their chart: the chart module cannot be loaded (%1)"_s.arg(why));
        return QByteArray();
    };
}

} // namespace orteam::cli
