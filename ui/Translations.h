#pragma once

class QCoreApplication;

namespace orteam {

// Installs the embedded English translation, which holds only plural forms: without it Qt shows
// tr("%n key(s)") as written, "(s)" and all. Called by the app and by the GUI tests, so both
// see the same text. Safe to call more than once.
void installTranslations(QCoreApplication *app);

} // namespace orteam
