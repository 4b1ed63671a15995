#pragma once

#include "OpenRouterClient.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <climits>

namespace orteam {

// Lists every key of an account. OpenRouter pages GET /keys 100 at a time and says nothing about
// the total, so the first page is fetched alone (most teams have fewer than 100 keys); after a
// full page, a window of pages is requested concurrently until the first short page marks the
// end. Each page is parsed once as it arrives, and handed over as soon as every page before it
// has been, in offset order, with duplicates dropped (a key created during the listing can shift
// a key across a page boundary): a caller can work on the first keys while the rest arrive.
// Deletes itself when done.
class KeyPager final : public QObject
{
    Q_OBJECT

public:
    KeyPager(OpenRouterClient *client, bool includeDisabled, int maxParallel, QObject *context,
             OpenRouterClient::KeyBatch batch, OpenRouterClient::Callback<qsizetype> done);
    void start();

private:
    void request(int offset);
    void onPage(int offset, const ApiResult<ApiKeyList> &page);
    void handOver();
    void finish(const ApiResult<qsizetype> &result);
    bool contextAlive() const { return !m_hasContext || m_context; }

    OpenRouterClient *m_client;
    bool m_includeDisabled;
    int m_maxParallel;
    QPointer<QObject> m_context;
    bool m_hasContext;
    OpenRouterClient::KeyBatch m_batch;
    OpenRouterClient::Callback<qsizetype> m_done;
    QHash<int, ApiKeyList> m_pages; // arrived, not yet handed over
    QSet<QString> m_seen;           // hashes handed over
    qsizetype m_handedOver = 0;     // keys handed over
    QString m_firstHash; // the first page's first key (the first page is asked alone, before any other)
    int m_nextOffset = 0;
    int m_handOverOffset = 0;  // the next page to hand over
    int m_endOffset = INT_MAX; // offset of the first short page seen
    int m_inFlight = 0;
    bool m_finished = false;
};

} // namespace orteam
