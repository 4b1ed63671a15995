// The floor of Qt's HTTP stack for `keys list`: the same pages fetched with a bare
// QNetworkAccessManager, six at a time as orteam-cli asks for them, each body written to stdout
// and nothing parsed. bench_keys_list.sh prints it beside curl and orteam-cli, so the figures
// show how much of orteam-cli's time is Qt's and how much its own.
// Usage: bench_qnam_fetch BASE_URL MANAGEMENT_KEY PAGES
#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>

#include <cstdio>
#include <functional>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench_qnam_fetch BASE_URL MANAGEMENT_KEY PAGES\n");
        return 2;
    }
    const QString base = QString::fromLocal8Bit(argv[1]);
    const QByteArray authorization = QByteArray("Bearer ") + argv[2];
    const int pages = QByteArray(argv[3]).toInt();
    QNetworkAccessManager network;
    int next = 0, done = 0, failed = 0;
    std::function<void()> ask = [&] {
        if (next >= pages)
            return;
        QUrl url(base + QStringLiteral("/keys"));
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("include_disabled"), QStringLiteral("true"));
        query.addQueryItem(QStringLiteral("offset"), QString::number(next++ * 100));
        url.setQuery(query);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", authorization);
        QNetworkReply *reply = network.get(request);
        QObject::connect(reply, &QNetworkReply::finished, &app, [&, reply] {
            const QByteArray body = reply->readAll();
            failed += reply->error() != QNetworkReply::NoError;
            std::fwrite(body.constData(), 1, size_t(body.size()), stdout);
            reply->deleteLater();
            if (++done == pages)
                app.exit(failed > 0 ? 1 : 0);
            else
                ask();
        });
    };
    for (int i = 0; i < 6; ++i)
        ask();
    return pages > 0 ? app.exec() : 0;
}
