#include "KeyPager.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

KeyPager::KeyPager(OpenRouterClient *client, bool includeDisabled, int maxParallel, QObject *context,
                   OpenRouterClient::KeyBatch batch, OpenRouterClient::Callback<qsizetype> done)
    : QObject(client), m_client(client), m_includeDisabled(includeDisabled), m_maxParallel(std::max(1, maxParallel)),
      m_context(context), m_hasContext(context != nullptr), m_batch(std::move(batch)), m_done(std::move(done))
{
}

void KeyPager::start()
{
    request(0);
}

void KeyPager::request(int offset)
{
    ++m_inFlight;
    m_nextOffset = offset + OpenRouterClient::KeysPageSize;
    m_client->listKeysPage(offset, m_includeDisabled, this,
                           [this, offset](const ApiResult<ApiKeyList> &page) { onPage(offset, page); });
}

void KeyPager::onPage(int offset, const ApiResult<ApiKeyList> &page)
{
    --m_inFlight;
    if (!m_finished) {
        if (!page.ok()) {
            // One failed page fails the listing: a partial list shown as complete would hide keys.
            finish(ApiResult<qsizetype>::failure(page.error));
        } else if (offset > 0 && !page.value.isEmpty() && page.value.first().hash == m_firstHash) {
            // A server that ignores the offset answers the first page for every one: without
            // this, ten thousand requests and their keys in memory before the page limit says so.
            finish(ApiResult<qsizetype>::failure(ApiError::badResponse(
                u"the key list's page at offset %1 is its first page again: the server does not page it"_s.arg(offset), {})));
        } else {
            if (offset == 0 && !page.value.isEmpty())
                m_firstHash = page.value.first().hash;
            m_pages.insert(offset, page.value);
            if (page.value.size() < OpenRouterClient::KeysPageSize)
                m_endOffset = std::min(m_endOffset, offset);
            handOver();
            const int maxOffset = OpenRouterClient::MaxKeyPages * OpenRouterClient::KeysPageSize;
            while (m_inFlight < m_maxParallel && m_nextOffset <= m_endOffset && m_nextOffset < maxOffset)
                request(m_nextOffset);
            if (m_inFlight == 0 && m_endOffset == INT_MAX) {
                ApiError e = ApiError::badResponse(
                    u"the key list did not end after %1 pages"_s.arg(OpenRouterClient::MaxKeyPages), {});
                finish(ApiResult<qsizetype>::failure(e));
            } else if (m_inFlight == 0) {
                // Every page up to the short one was asked for and has arrived, so all of them
                // have been handed over.
                Q_ASSERT(m_handOverOffset > m_endOffset);
                finish(ApiResult<qsizetype>::success(m_handedOver));
            }
        }
    }
    if (m_finished && m_inFlight == 0)
        deleteLater();
}

void KeyPager::handOver()
{
    // The pages that now follow on from those already handed over, as one batch; a page past the
    // end (asked for before the short page arrived) never is.
    ApiKeyList batch;
    while (m_handOverOffset <= m_endOffset) {
        const auto page = m_pages.find(m_handOverOffset);
        if (page == m_pages.end())
            break;
        ApiKeyList keys = std::move(*page);
        m_pages.erase(page);
        m_handOverOffset += OpenRouterClient::KeysPageSize;
        // Moved, not copied, from their pages: the pages are not needed after this.
        if (batch.isEmpty())
            batch.reserve(keys.size());
        // Room for twice what is needed: a set grown a page at a time rehashes every key each time.
        if (const qsizetype needed = m_seen.size() + keys.size(); m_seen.capacity() < needed)
            m_seen.reserve(2 * needed);
        for (ApiKey &k : keys) {
            // One lookup a key, not contains() and then insert(): the set grew only if the hash
            // is new.
            const qsizetype before = m_seen.size();
            m_seen.insert(k.hash);
            if (m_seen.size() != before)
                batch << std::move(k);
        }
    }
    if (batch.isEmpty())
        return;
    m_handedOver += batch.size();
    if (contextAlive())
        m_batch(std::move(batch));
}

void KeyPager::finish(const ApiResult<qsizetype> &result)
{
    m_finished = true;
    m_pages.clear();
    m_seen.clear();
    if (contextAlive())
        m_done(result);
}

} // namespace orteam
