// orteam-fake-server: the demo's fake OpenRouter (models/demo) as a standalone process, for tests,
// benchmarks and trying the CLI by hand. Prints "PORT MANAGEMENT_KEY" on one line once it listens.
#include "DemoData.h"
#include "FakeOpenRouter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"A fake OpenRouter management API on 127.0.0.1."_s);
    parser.addHelpOption();
    const QCommandLineOption keysOption(u"keys"_s, u"Seed N generated keys."_s, u"N"_s, u"0"_s);
    const QCommandLineOption demoOption(u"demo"_s, u"Seed the demo team."_s);
    const QCommandLineOption portOption(u"port"_s, u"Listen on PORT (default: any free port)."_s, u"PORT"_s, u"0"_s);
    const QCommandLineOption keyOption(u"management-key"_s, u"Accept this management key."_s, u"KEY"_s);
    const QCommandLineOption chatKeyOption(
        u"chat-key"_s, u"Answer inference (chat, completions, embeddings, responses, messages) for this key."_s, u"KEY"_s);
    parser.addOptions({keysOption, demoOption, portOption, keyOption, chatKeyOption});
    parser.process(app);

    orteam::FakeOpenRouter server;
    if (parser.isSet(keyOption))
        server.setManagementKey(parser.value(keyOption));
    if (parser.isSet(chatKeyOption))
        server.setChatKey(parser.value(chatKeyOption));
    if (parser.isSet(demoOption))
        orteam::DemoData::seed(server, QDateTime::currentDateTimeUtc());
    server.addGeneratedKeys(parser.value(keysOption).toInt());
    const quint16 port = server.start(quint16(parser.value(portOption).toUInt()));
    QTextStream out(stdout);
    if (port == 0) {
        QTextStream(stderr) << "orteam-fake-server: cannot listen on 127.0.0.1\n";
        return 1;
    }
    out << port << ' ' << server.managementKey() << Qt::endl;
    return app.exec();
}
