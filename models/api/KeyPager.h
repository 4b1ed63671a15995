#pragma once

#include "OpenRouterClient.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <climits>

namespace orteam {

// Lists every key of an account. OpenRouter pages GET /keys 100 at a time and says nothing about
// the total, so the first page is fetched alone (most teams have fewer than 100 keys); after a
// full page, a window of pages is requested concurrently until the first short page marks the
// end. Each page is parsed once as it arrives, and pages are joined in offset order with
// duplicates dropped (a key created during the listing can shift a key across a page boundary).
// Deletes itself when done.
class KeyPager final : public QObject
{
    Q_OBJECT

public:
    KeyPager(OpenRouterClient *client, bool includeDisabled, int maxParallel, QObject *context,
             OpenRouterClient::Callback<ApiKeyList> done);
    void start();

private:
    void request(int offset);
    void onPage(int offset, const ApiResult<ApiKeyList> &page);
    void finish(const ApiResult<ApiKeyList> &result);

    OpenRouterClient *m_client;
    bool m_includeDisabled;
    int m_maxParallel;
    QPointer<QObject> m_context;
    bool m_hasContext;
    OpenRouterClient::Callback<ApiKeyList> m_done;
    QHash<int, ApiKeyList> m_pages;
    QString m_firstHash; // the first page's first key (the first page is asked alone, before any other)
    int m_nextOffset = 0;
    int m_endOffset = INT_MAX; // offset of the first short page seen
    int m_inFlight = 0;
    bool m_finished = false;
};

} // namespace orteam
