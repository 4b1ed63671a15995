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
    QHash<QString, QString> createdIds; // step owner (tier or member) → id of the guardrail created in this run
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
            run->createdIds.insert(step.owner(), id);
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
    case GuardrailStep::Kind::Delete:
        run->client->deleteGuardrail(step.guardrailId, run->context, [run, succeeded, step](const ApiResult<bool> &r) {
            // Gone already (another admin deleted it) is what this step wanted.
            if (!r.ok() && !r.error.isNotFound())
                return run->finished(run->index, r.error);
            succeeded(step.guardrailId);
        });
        break;
    case GuardrailStep::Kind::Unassign:
    case GuardrailStep::Kind::Assign:
    case GuardrailStep::Kind::UnassignMembers:
    case GuardrailStep::Kind::AssignMembers: {
        const QString id = step.guardrailId.isEmpty() ? run->createdIds.value(step.owner()) : step.guardrailId;
        auto onCount = [run, succeeded, id](const ApiResult<qint64> &r) {
            if (!r.ok())
                return run->finished(run->index, r.error);
            succeeded(id);
        };
        switch (step.kind) {
        case GuardrailStep::Kind::Assign:
            run->client->assignKeysToGuardrail(id, step.keyHashes, run->context, onCount);
            break;
        case GuardrailStep::Kind::Unassign:
            run->client->unassignKeysFromGuardrail(id, step.keyHashes, run->context, onCount);
            break;
        case GuardrailStep::Kind::AssignMembers:
            run->client->assignMembersToGuardrail(id, step.userIds, run->context, onCount);
            break;
        default:
            run->client->unassignMembersFromGuardrail(id, step.userIds, run->context, onCount);
            break;
        }
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
