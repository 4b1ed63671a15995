#pragma once

#include "Account.h"
#include "ApiError.h"

#include <QList>
#include <QObject>

#include <functional>

namespace orteam {

class OpenRouterClient;

// OpenRouter's model catalogue (GET /models), sorted by id, fetched once and kept: the tier
// editor lists it with prices every time it opens.
class ModelCatalogue final : public QObject
{
    Q_OBJECT

public:
    explicit ModelCatalogue(OpenRouterClient *client, QObject *parent = nullptr) : QObject(parent), m_client(client) {}

    // The models, or (on failure) what was fetched before (empty the first time) with the error.
    void fetch(QObject *context, std::function<void(const QList<ModelInfo> &models, const ApiError &error)> done);

private:
    OpenRouterClient *m_client;
    QList<ModelInfo> m_models;
};

} // namespace orteam
