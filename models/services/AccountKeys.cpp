#include "AccountKeys.h"

#include "OpenRouterClient.h"

using namespace Qt::Literals::StringLiterals;

namespace orteam {

void withAccountKeys(OpenRouterClient &client, const std::optional<QList<ApiKey>> &known, QObject *context,
                     std::function<void(const QList<ApiKey> &)> use, std::function<void(const FlowError &)> failed)
{
    if (known) {
        use(*known);
        return;
    }
    client.listKeys(true, context, [use, failed](const ApiResult<ApiKeyList> &k) {
        if (!k.ok()) {
            failed(FlowError::server(k.error, u"cannot list the keys"_s));
            return;
        }
        use(k.value);
    });
}

} // namespace orteam
