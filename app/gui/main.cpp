#include "GuiApp.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    orteam::GuiApp::prepareEnvironment(argc, argv);
    QApplication app(argc, argv);
    return orteam::GuiApp().run();
}
