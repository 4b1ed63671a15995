#include "ModelCatalogue.h"

#include "OpenRouterClient.h"

#include <QPointer>

#include <algorithm>

namespace orteam {

void ModelCatalogue::fetch(QObject *context, std::function<void(const QList<ModelInfo> &, const ApiError &)> done)
{
    if (!m_models.isEmpty()) {
        done(m_models, ApiError{});
        return;
    }
    // Asked on this object's behalf, so the catalogue is kept even when the dialog that asked
    // has closed meanwhile.
    QPointer<QObject> ctx(context);
    m_client->models(this, [this, ctx, done](const ApiResult<QList<ModelInfo>> &r) {
        if (r.ok()) {
            m_models = r.value;
            std::sort(m_models.begin(), m_models.end(), [](const ModelInfo &a, const ModelInfo &b) { return a.id < b.id; });
        }
        if (ctx)
            done(m_models, r.error);
    });
}

} // namespace orteam
