#include "KeyPager.h"

#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

KeyPager::KeyPager(OpenRouterClient *client, bool includeDisabled, int maxParallel, QObject *context,
                   OpenRouterClient::Callback<ApiKeyList> done)
    : QObject(client), m_client(client), m_includeDisabled(includeDisabled), m_maxParallel(std::max(1, maxParallel)),
      m_context(context), m_hasContext(context != nullptr), m_done(std::move(done))
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
            finish(ApiResult<ApiKeyList>::failure(page.error));
        } else if (offset > 0 && !page.value.isEmpty() && page.value.first().hash == m_firstHash) {
            // A server that ignores the offset answers the first page for every one: without
            // this, ten thousand requests and their keys in memory before the page limit says so.
            finish(ApiResult<ApiKeyList>::failure(ApiError::badResponse(
                u"the key list's page at offset %1 is its first page again: the server does not page it"_s.arg(offset), {})));
        } else {
            if (offset == 0 && !page.value.isEmpty())
                m_firstHash = page.value.first().hash;
            m_pages.insert(offset, page.value);
            if (page.value.size() < OpenRouterClient::KeysPageSize)
                m_endOffset = std::min(m_endOffset, offset);
            const int maxOffset = OpenRouterClient::MaxKeyPages * OpenRouterClient::KeysPageSize;
            while (m_inFlight < m_maxParallel && m_nextOffset <= m_endOffset && m_nextOffset < maxOffset)
                request(m_nextOffset);
            if (m_inFlight == 0 && m_endOffset == INT_MAX) {
                ApiError e = ApiError::badResponse(
                    u"the key list did not end after %1 pages"_s.arg(OpenRouterClient::MaxKeyPages), {});
                finish(ApiResult<ApiKeyList>::failure(e));
            } else if (m_inFlight == 0) {
                // The keys are moved, not copied, from their pages into one list reserved for
                // all of them: the pages are not needed after this.
                qsizetype count = 0;
                for (const ApiKeyList &keys : std::as_const(m_pages))
                    count += keys.size();
                ApiKeyList all;
                all.reserve(count);
                QSet<QString> seen;
                seen.reserve(count);
                for (int o = 0; o <= m_endOffset; o += OpenRouterClient::KeysPageSize) {
                    ApiKeyList keys = m_pages.take(o);
                    for (ApiKey &k : keys) {
                        // One lookup a key, not contains() and then insert(): the set grew
                        // only if the hash is new.
                        const qsizetype before = seen.size();
                        seen.insert(k.hash);
                        if (seen.size() != before)
                            all << std::move(k);
                    }
                }
                finish(ApiResult<ApiKeyList>::success(std::move(all)));
            }
        }
    }
    if (m_finished && m_inFlight == 0)
        deleteLater();
}

void KeyPager::finish(const ApiResult<ApiKeyList> &result)
{
    m_finished = true;
    m_pages.clear();
    if (!m_hasContext || m_context)
        m_done(result);
}

} // namespace orteam
