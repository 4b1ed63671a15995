#include "GuardrailSync.h"

#include "OpenRouterClient.h"

#include <QHash>
#include <QPointer>

#include <memory>

namespace orteam {

namespace {
struct Run
{
    OpenRouterClient *client;
    GuardrailPlan plan;
    QPointer<QObject> context;
    bool hasContext; // without one (the CLI), the run always goes on
    std::function<void(const GuardrailStep &, const QString &)> stepDone;
    std::function<void(int, const ApiError &)> finished;
    QHash<QString, QString> createdIds; // tier → id of the guardrail created in this run
    int index = 0;
};

void next(const std::shared_ptr<Run> &run)
{
    if (run->hasContext && !run->context)
        return;
    if (run->index >= run->plan.steps.size()) {
        run->finished(run->index, ApiError{});
        return;
    }
    const GuardrailStep step = run->plan.steps.at(run->index);
    auto succeeded = [run, step](const QString &id) {
        if (step.kind == GuardrailStep::Kind::Create)
            run->createdIds.insert(step.tier, id);
        run->stepDone(step, id);
        ++run->index;
        next(run);
    };
    auto onGuardrail = [run, succeeded](const ApiResult<Guardrail> &r) {
        if (!r.ok())
            return run->finished(run->index, r.error);
        succeeded(r.value.id);
    };
    switch (step.kind) {
    case GuardrailStep::Kind::Create:
        run->client->createGuardrail(step.spec, run->context, onGuardrail);
        break;
    case GuardrailStep::Kind::Update:
        run->client->updateGuardrail(step.guardrailId, step.spec, run->context, onGuardrail);
        break;
    case GuardrailStep::Kind::Unassign:
    case GuardrailStep::Kind::Assign: {
        const QString id = step.guardrailId.isEmpty() ? run->createdIds.value(step.tier) : step.guardrailId;
        auto onCount = [run, succeeded, id](const ApiResult<qint64> &r) {
            if (!r.ok())
                return run->finished(run->index, r.error);
            succeeded(id);
        };
        if (step.kind == GuardrailStep::Kind::Assign)
            run->client->assignKeysToGuardrail(id, step.keyHashes, run->context, onCount);
        else
            run->client->unassignKeysFromGuardrail(id, step.keyHashes, run->context, onCount);
        break;
    }
    }
}
} // namespace

void applyGuardrailPlan(OpenRouterClient *client, const GuardrailPlan &plan, QObject *context,
                        std::function<void(const GuardrailStep &, const QString &)> stepDone,
                        std::function<void(int, const ApiError &)> finished)
{
    auto run = std::make_shared<Run>(Run{client, plan, context, context != nullptr, std::move(stepDone), std::move(finished), {}, 0});
    next(run);
}

} // namespace orteam
