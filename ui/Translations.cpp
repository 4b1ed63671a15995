#include "Translations.h"

#include <QCoreApplication>
#include <QPointer>
#include <QTranslator>

namespace orteam {

void installTranslations(QCoreApplication *app)
{
    static QPointer<QTranslator> english;
    if (english)
        return;
    english = new QTranslator(app);
    // Every locale gets the English plurals until orteam has other translations.
    if (!english->load(QStringLiteral(":/i18n/orteam_en.qm"))) {
        qWarning("orteam: the embedded English translation is missing; counts will read \"(s)\"");
        delete english;
        english = nullptr;
        return;
    }
    QCoreApplication::installTranslator(english);
}

} // namespace orteam
