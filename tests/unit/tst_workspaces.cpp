// Workspaces end to end on a real database (a SQLite file, and as tst_workspaces_postgres a real
// PostgreSQL server) and the fake OpenRouter over HTTP, which keeps OpenRouter's budget rule on
// every call: the domain's rules (slugs, budgets, the order changes are sent in, the replay), the
// list read whole or not at all, create and rename, budgets and members previewed then applied
// (resumed after a failure), and the chargeback from the keys' snapshots.
#include "Audit.h"
#include "FakeOpenRouter.h"
#include "JsonCodec.h"
#include "OpenRouterClient.h"
#include "Store.h"
#include "TeamService.h"
#include "Workspace.h"
#include "WorkspaceService.h"
#include "FakeClient.h"
#include "TestDatabase.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace orteam;
using test::waitFor;
using namespace Qt::Literals::StringLiterals;

namespace {
struct Made
{
    Workspace workspace;
    FlowError error;
};
struct Applied
{
    int applied = 0;
    FlowError error;
};

QList<WorkspaceBudget> budgets(std::initializer_list<std::pair<WorkspaceInterval, double>> list)
{
    QList<WorkspaceBudget> out;
    for (const auto &p : list)
        out << WorkspaceBudget{p.first, p.second};
    return out;
}

QList<WorkspaceInterval> order(const WorkspaceBudgetPlan &plan)
{
    QList<WorkspaceInterval> out;
    for (const WorkspaceBudgetChange &c : plan.changes)
        out << c.interval;
    return out;
}

constexpr auto Daily = WorkspaceInterval::Daily;
constexpr auto Weekly = WorkspaceInterval::Weekly;
constexpr auto Monthly = WorkspaceInterval::Monthly;
constexpr auto Lifetime = WorkspaceInterval::Lifetime;
} // namespace

class TestWorkspaces : public QObject
{
    Q_OBJECT

    test::TestDatabases m_dbs;
    std::unique_ptr<FakeOpenRouter> m_fake;
    QNetworkAccessManager m_network;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<Store> m_store;
    const QString m_dsId = u"11111111-2222-4333-8444-555555555555"_s;
    const QDate m_today{2026, 11, 18}; // a Wednesday

    WorkspaceService service() { return WorkspaceService(*m_store, *m_client); }

    WorkspaceService::Listing list()
    {
        WorkspaceService s = service();
        return waitFor<WorkspaceService::Listing>([&](auto done) { s.list(m_today, this, done); });
    }

    WorkspaceService::BudgetPreview previewBudgets(const QString &ws, const WorkspaceBudgetWish &wish, int days = 0)
    {
        WorkspaceService s = service();
        return waitFor<WorkspaceService::BudgetPreview>([&](auto done) { s.previewBudgets(ws, wish, m_today, days, this, done); });
    }

    Applied applyBudgets(const WorkspaceService::BudgetPreview &p)
    {
        WorkspaceService s = service();
        return waitFor<Applied>([&](auto done) { s.applyBudgets(p, this, [done](int n, const FlowError &e) { done({n, e}); }); });
    }

    WorkspaceService::MemberPreview previewMembers(const QString &ws, const QStringList &add, const QStringList &remove)
    {
        WorkspaceService s = service();
        return waitFor<WorkspaceService::MemberPreview>([&](auto done) { s.previewMembers(ws, add, remove, this, done); });
    }

    Applied applyMembers(const WorkspaceService::MemberPreview &p)
    {
        WorkspaceService s = service();
        return waitFor<Applied>([&](auto done) { s.applyMembers(p, this, [done](int n, const FlowError &e) { done({n, e}); }); });
    }

    QList<WorkspaceBudget> budgetsAtOpenRouter(const QString &id) const
    {
        for (const FakeOpenRouter::FakeWorkspace &w : m_fake->workspaces()) {
            if (w.workspace.id == id) {
                QList<WorkspaceBudget> out = w.budgets;
                std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.interval < b.interval; });
                return out;
            }
        }
        return {};
    }

    QStringList membersAtOpenRouter(const QString &id) const
    {
        for (const FakeOpenRouter::FakeWorkspace &w : m_fake->workspaces()) {
            if (w.workspace.id == id)
                return w.members;
        }
        return {};
    }

    int auditLines(const QString &action) const
    {
        const auto log = m_store->audit().log();
        return log ? int(std::count_if(log->cbegin(), log->cend(), [&](const AuditEntry &e) { return e.action == action; })) : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qInfo("backend: %s", m_dbs.postgres() ? "PostgreSQL" : "SQLite");
        QLoggingCategory::setFilterRules(u"orteam.storage.warning=false"_s);
    }

    void init()
    {
        m_fake = std::make_unique<FakeOpenRouter>();
        QVERIFY(m_fake->start() != 0);
        m_client = test::clientFor(*m_fake, &m_network);
        m_store = std::make_unique<Store>();
        const Status opened = m_store->open(m_dbs.fresh());
        QVERIFY2(opened.ok(), qPrintable(opened.errorText()));
        // Data Science: daily $10 < weekly $50 < monthly $100; Ana and Cat in it. The team: Ana
        // (linked), Ben (linked, not in it), Dan (not linked).
        m_fake->setOrganizationMembers({OrgMember{u"user_ana"_s, u"ana@example.com"_s, u"Ana"_s, {}, u"org:member"_s},
                                        OrgMember{u"user_ben"_s, u"ben@example.com"_s, u"Ben"_s, {}, u"org:member"_s},
                                        OrgMember{u"user_cat"_s, u"cat@example.com"_s, u"Cat"_s, {}, u"org:member"_s}});
        m_fake->addWorkspace({Workspace{m_dsId, u"Data Science"_s, u"data-science"_s, {}, {}},
                              budgets({{Daily, 10}, {Weekly, 50}, {Monthly, 100}}),
                              {u"user_ana"_s, u"user_cat"_s}});
        TeamService team(*m_store);
        QVERIFY(team.addMember(Member{u"Ana"_s, u"ana@example.com"_s, u"basic"_s, std::nullopt, true, {}}).ok());
        QVERIFY(team.addMember(Member{u"Ben"_s, u"ben@example.com"_s, u"basic"_s, std::nullopt, true, {}}).ok());
        QVERIFY(team.addMember(Member{u"Dan"_s, u"dan@example.com"_s, u"basic"_s, std::nullopt, true, {}}).ok());
        QVERIFY(m_store->team().setUserIds({{u"Ana"_s, u"user_ana"_s}, {u"Ben"_s, u"user_ben"_s}}).ok());
    }

    void cleanup()
    {
        m_store.reset();
        m_client.reset();
        m_fake.reset();
    }

    // ---- the domain's rules ----------------------------------------------------------------

    void slugsAreMadeFromNames()
    {
        QCOMPARE(workspaceSlugFor(u"Data Science & ML"_s), u"data-science-ml"_s);
        QCOMPARE(workspaceSlugFor(u"  Équipe Zürich 2 "_s), u"equipe-zurich-2"_s);
        QCOMPARE(workspaceSlugFor(u"---"_s), QString());
        QCOMPARE(workspaceSlugFor(QString(80, u'a')).size(), 50);
        QVERIFY(isValidWorkspaceSlug(u"a-1"_s));
        QVERIFY(!isValidWorkspaceSlug(u"a--1"_s));
        QVERIFY(!isValidWorkspaceSlug(u"-a"_s));
        QVERIFY(!isValidWorkspaceSlug(u"A"_s));
        QVERIFY(!isValidWorkspaceSlug(QString()));
        QVERIFY(!workspaceNameProblem(u"  "_s).isEmpty());
        QVERIFY(!workspaceNameProblem(u"a\nb"_s).isEmpty());
        QVERIFY(workspaceNameProblem(u"Data Science"_s).isEmpty());
    }

    void widerBudgetsMustAllowMore()
    {
        QVERIFY(workspaceBudgetsProblem(budgets({{Daily, 10}, {Monthly, 100}, {Lifetime, 1000}})).isEmpty());
        QVERIFY(workspaceBudgetsProblem(budgets({{Daily, 10}, {Weekly, 10}})).contains(u"more than the daily"_s));
        QVERIFY(!workspaceBudgetsProblem(budgets({{Monthly, 100}, {Weekly, 200}})).isEmpty());
        QVERIFY(!workspaceBudgetsProblem(budgets({{Daily, 0}})).isEmpty());
        QVERIFY(!workspaceBudgetsProblem(budgets({{Daily, std::nan("")}})).isEmpty());
    }

    void changesAreOrderedSoEveryStepStands()
    {
        const QList<WorkspaceBudget> now = budgets({{Daily, 10}, {Weekly, 50}, {Monthly, 100}});
        // All raised: widest first, so a narrower one never passes a wider one still low.
        WorkspaceBudgetPlan p = planWorkspaceBudgets(now, {{Daily, 60}, {Weekly, 120}, {Monthly, 200}});
        QVERIFY(p.problem.isEmpty());
        QCOMPARE(order(p), (QList<WorkspaceInterval>{Monthly, Weekly, Daily}));
        // All lowered: narrowest first.
        p = planWorkspaceBudgets(now, {{Daily, 5}, {Weekly, 20}, {Monthly, 40}});
        QCOMPARE(order(p), (QList<WorkspaceInterval>{Daily, Weekly, Monthly}));
        // Removals first, then lowered, then raised; a change under a cent is none.
        p = planWorkspaceBudgets(now, {{Daily, std::nullopt}, {Weekly, 30}, {Monthly, 100.001}, {Lifetime, 500}});
        QCOMPARE(order(p), (QList<WorkspaceInterval>{Daily, Weekly, Lifetime}));
        QCOMPARE(p.changes.first().text(), u"daily: remove $10.00"_s);
        QCOMPARE(p.changes.last().text(), u"lifetime: set $500.00"_s);
        QVERIFY(planWorkspaceBudgets(now, {{Monthly, 100}}).nothingToDo());
        // What cannot stand is no plan at all.
        p = planWorkspaceBudgets(now, {{Daily, 80}});
        QVERIFY(!p.problem.isEmpty());
        QVERIFY(p.changes.isEmpty());
    }

    void theReplayCutsTheCrossingDayAndRefusesTheRest()
    {
        QHash<QDate, double> spend;
        for (int d = 1; d <= 5; ++d)
            spend.insert(QDate(2026, 11, d), 4.0);
        // $10 a month: Nov 1 and 2 spend $8; Nov 3 is cut at $2; Nov 4 and 5 are refused.
        WorkspaceReplay r = replayWorkspaceBudgets(budgets({{Monthly, 10}}), QDate(2026, 11, 1), QDate(2026, 11, 5), spend);
        QCOMPARE(r.spent, 20.0);
        QCOMPARE(r.notSpent, 10.0);
        QCOMPARE(r.refusedDays, (QList<QDate>{QDate(2026, 11, 3), QDate(2026, 11, 4), QDate(2026, 11, 5)}));
        // A week begun before the window counts: Mon Nov 2 .. Sun Nov 8; from Wed Nov 4 with $8
        // already spent on Monday and Tuesday, $9 a week leaves $1 for Wednesday.
        r = replayWorkspaceBudgets(budgets({{Weekly, 9}}), QDate(2026, 11, 4), QDate(2026, 11, 4), spend);
        QCOMPARE(r.notSpent, 3.0);
        // Monday Nov 9 starts a new week: nothing refused there.
        spend.insert(QDate(2026, 11, 9), 4.0);
        r = replayWorkspaceBudgets(budgets({{Weekly, 9}}), QDate(2026, 11, 9), QDate(2026, 11, 9), spend);
        QVERIFY(r.refusedDays.isEmpty());
        // A day refused by the narrowest budget counts toward none.
        r = replayWorkspaceBudgets(budgets({{Daily, 3}, {Monthly, 7}}), QDate(2026, 11, 1), QDate(2026, 11, 3), spend);
        QCOMPARE(r.notSpent, 12.0 - 7.0);
    }

    void membersAndTheChargebackFile()
    {
        const WorkspaceMemberPlan p = planWorkspaceMembers({u"a"_s, u"b"_s}, {u"b"_s, u"c"_s, u"c"_s});
        QCOMPARE(p.add, QStringList{u"c"_s});
        QCOMPARE(p.remove, QStringList{u"a"_s});
        QVERIFY(planWorkspaceMembers({u"a"_s}, {u"a"_s}).nothingToDo());
        const QByteArray csv = workspaceChargebackCsv({WorkspaceSpend{u"w1"_s, u"=HYPERLINK(x)"_s, 3, 0, 2},
                                                       WorkspaceSpend{QString(), QString(), 1, 0, 1}});
        QCOMPARE(csv, QByteArray("workspace,workspace_id,cost,share_pct,keys\r\n"
                                 "'=HYPERLINK(x),w1,3.0000,75.0,2\r\n"
                                 "(no workspace),,1.0000,25.0,1\r\n"));
        QCOMPARE(workspaceLabel(WorkspaceSpend{u"w9"_s, QString(), 0, 0, 0}), u"workspace w9"_s);
    }

    // ---- the service against the fake ---------------------------------------------------------

    void theListHasBudgetsMembersAndTheTeamsNames()
    {
        const auto listing = list();
        QVERIFY2(!listing.error, qPrintable(listing.error.message()));
        QCOMPARE(listing.rows.size(), 2); // the default workspace and Data Science
        const WorkspaceService::Row &ds = listing.rows.at(1);
        QCOMPARE(ds.workspace.slug, u"data-science"_s);
        QCOMPARE(ds.budgets.size(), 3);
        QCOMPARE(ds.budgets.first().interval, Daily);
        QCOMPARE(ds.userIds, (QStringList{u"user_ana"_s, u"user_cat"_s}));
        QCOMPARE(ds.memberNames, QStringList{u"Ana"_s});
        QCOMPARE(workspaceBudgetsText(ds.budgets), u"$10.00 a day, $50.00 a week, $100.00 a month"_s);
        QCOMPARE(m_store->workspaces().workspaceNames()->value(m_dsId), u"Data Science"_s);
    }

    void aListMissingOneWorkspacesBudgetsIsNoList()
    {
        m_fake->failNext("GET", u"/workspaces/%1/budgets"_s.arg(m_dsId), FakeOpenRouter::errorFault(500, u"boom"_s));
        const auto listing = list();
        QVERIFY(listing.error.failed());
        QVERIFY2(listing.error.message().contains(u"Data Science"_s), qPrintable(listing.error.message()));
        QVERIFY(listing.rows.isEmpty());
        // Nor is one whose members could not be read.
        m_fake->failNext("GET", u"/workspaces/%1/members"_s.arg(m_dsId), FakeOpenRouter::errorFault(502, u"bad gateway"_s));
        QVERIFY(list().rows.isEmpty());
    }

    void createMakesTheSlugAndRenameKeepsIt()
    {
        WorkspaceService s = service();
        const Made made = waitFor<Made>([&](auto done) {
            s.create(u"Sales & Support"_s, {}, u"Field teams"_s, this, [done](const Workspace &w, const FlowError &e) { done({w, e}); });
        });
        QVERIFY2(!made.error, qPrintable(made.error.message()));
        QCOMPARE(made.workspace.slug, u"sales-support"_s);
        QCOMPARE(m_fake->workspaces().size(), 3);
        QCOMPARE(auditLines(AuditAction::Workspace), 1);
        // The same slug again: OpenRouter's refusal, said.
        const Made twice = waitFor<Made>([&](auto done) {
            s.create(u"Sales Support"_s, {}, {}, this, [done](const Workspace &w, const FlowError &e) { done({w, e}); });
        });
        QVERIFY(twice.error.failed());
        QVERIFY2(twice.error.message().contains(u"slug"_s), qPrintable(twice.error.message()));
        // A slug OpenRouter would refuse is never sent.
        m_fake->clearRequests();
        const Made bad = waitFor<Made>([&](auto done) {
            s.create(u"X"_s, u"Not A Slug"_s, {}, this, [done](const Workspace &w, const FlowError &e) { done({w, e}); });
        });
        QCOMPARE(bad.error.source, FlowError::Source::Input);
        QCOMPARE(m_fake->countRequests("POST", u"/workspaces"_s), 0);
        // Renamed by its name (any case): the slug stays, the chargeback's name follows.
        const Made renamed = waitFor<Made>([&](auto done) {
            s.rename(u"sales & SUPPORT"_s, u"Sales"_s, this, [done](const Workspace &w, const FlowError &e) { done({w, e}); });
        });
        QVERIFY2(!renamed.error, qPrintable(renamed.error.message()));
        QCOMPARE(renamed.workspace.slug, u"sales-support"_s);
        QCOMPARE(m_store->workspaces().workspaceNames()->value(made.workspace.id), u"Sales"_s);
        const Made missing = waitFor<Made>([&](auto done) {
            s.rename(u"nope"_s, u"Y"_s, this, [done](const Workspace &w, const FlowError &e) { done({w, e}); });
        });
        QCOMPARE(missing.error.store.kind, StoreError::Kind::NotFound);
    }

    void budgetsAreAppliedInAnOrderOpenRouterAcceptsAndOnlyOnce()
    {
        // Raising all three at once: the fake refuses any step that breaks the rule, so only the
        // plan's order gets through.
        auto p = previewBudgets(u"data-science"_s, {{Daily, 60}, {Weekly, 120}, {Monthly, 200}});
        QVERIFY2(!p.error, qPrintable(p.error.message()));
        QCOMPARE(p.plan.changes.size(), 3);
        Applied a = applyBudgets(p);
        QVERIFY2(!a.error, qPrintable(a.error.message()));
        QCOMPARE(a.applied, 3);
        QCOMPARE(workspaceBudgetsText(budgetsAtOpenRouter(m_dsId)), workspaceBudgetsText(budgets({{Daily, 60}, {Weekly, 120}, {Monthly, 200}})));
        QCOMPARE(auditLines(AuditAction::Workspace), 3);
        QVERIFY(previewBudgets(m_dsId, {{Daily, 60}, {Weekly, 120}, {Monthly, 200}}).plan.nothingToDo());
        // And lowering them all, with the daily one removed.
        p = previewBudgets(u"Data Science"_s, {{Daily, std::nullopt}, {Weekly, 11}, {Monthly, 12}});
        a = applyBudgets(p);
        QVERIFY2(!a.error, qPrintable(a.error.message()));
        QCOMPARE(workspaceBudgetsText(budgetsAtOpenRouter(m_dsId)), workspaceBudgetsText(budgets({{Weekly, 11}, {Monthly, 12}})));
    }

    void aBudgetChangeRefusedMidwayResumes()
    {
        m_fake->failNext("PUT", u"/workspaces/%1/budgets"_s.arg(m_dsId), FakeOpenRouter::errorFault(500, u"boom"_s), 1, 1);
        auto p = previewBudgets(m_dsId, {{Daily, 60}, {Weekly, 120}, {Monthly, 200}});
        Applied a = applyBudgets(p);
        QVERIFY(a.error.failed());
        QCOMPARE(a.applied, 1); // the monthly one
        QCOMPARE(auditLines(AuditAction::Workspace), 1);
        p = previewBudgets(m_dsId, {{Daily, 60}, {Weekly, 120}, {Monthly, 200}});
        QCOMPARE(order(p.plan), (QList<WorkspaceInterval>{Weekly, Daily}));
        a = applyBudgets(p);
        QVERIFY(!a.error);
        QCOMPARE(workspaceBudgetsText(budgetsAtOpenRouter(m_dsId)), workspaceBudgetsText(budgets({{Daily, 60}, {Weekly, 120}, {Monthly, 200}})));
    }

    void budgetsThatCannotStandSendNothing()
    {
        m_fake->clearRequests();
        const auto p = previewBudgets(m_dsId, {{Monthly, 20}}); // below the weekly $50
        QVERIFY(!p.plan.problem.isEmpty());
        const Applied a = applyBudgets(p);
        QVERIFY(a.error.failed());
        QCOMPARE(m_fake->countRequests("PUT", u"/workspaces"_s), 0);
        QCOMPARE(workspaceBudgetsText(budgetsAtOpenRouter(m_dsId)), workspaceBudgetsText(budgets({{Daily, 10}, {Weekly, 50}, {Monthly, 100}})));
    }

    void theWhatIfReplaysTheWorkspacesKeys()
    {
        // Two keys in Data Science, one elsewhere, snapshotted on three days of this month.
        ApiKey a, b, other;
        a.hash = u"ka"_s;
        a.workspaceId = m_dsId;
        b.hash = u"kb"_s;
        b.workspaceId = m_dsId;
        other.hash = u"ko"_s;
        other.workspaceId = QString(FakeOpenRouter::DefaultWorkspaceId);
        for (int back = 0; back < 3; ++back) {
            a.usageDaily = 4;
            b.usageDaily = 3;
            other.usageDaily = 50;
            const QDateTime at(m_today.addDays(-back), QTime(23, 0), QTimeZone::utc());
            QVERIFY(m_store->usage().recordKeySnapshots({a, b, other}, at).ok());
        }
        // $7 a day against $5 a day: $2 refused on each of the three days.
        const auto p = previewBudgets(m_dsId, {{Daily, 5}}, 30);
        QVERIFY2(!p.error, qPrintable(p.error.message()));
        QCOMPARE(p.whatIfDays, 30);
        QCOMPARE(p.whatIf.spent, 21.0);
        QCOMPARE(p.whatIf.notSpent, 6.0);
        QCOMPARE(p.whatIf.refusedDays.size(), 3);
        // The chargeback: this month per workspace, most first, with the keys that spent.
        list(); // keeps the names
        const auto rows = service().chargeback(m_today.addDays(-30), m_today);
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), 2);
        QCOMPARE(rows->first().name, u"Default"_s);
        QCOMPARE(rows->first().cost, 150.0);
        QCOMPARE(rows->at(1).name, u"Data Science"_s);
        QCOMPARE(rows->at(1).cost, 21.0);
        QCOMPARE(rows->at(1).keys, 2);
        // A key moved to another workspace today leaves its past days where they were: a month's
        // chargeback reads the same whenever it is exported.
        b.workspaceId = QString(FakeOpenRouter::DefaultWorkspaceId);
        b.usageDaily = 3;
        QVERIFY(m_store->usage().recordKeySnapshots({b}, QDateTime(m_today, QTime(23, 30), QTimeZone::utc())).ok());
        QCOMPARE(service().chargeback(m_today.addDays(-30), m_today)->at(1).cost, 18.0);
        QCOMPARE(service().chargeback(m_today.addDays(-30), m_today.addDays(-1))->at(1).cost, 14.0);
        // A key never listed with a workspace is counted, not dropped.
        ApiKey loose;
        loose.hash = u"kl"_s;
        loose.usageDaily = 1;
        QVERIFY(m_store->usage().recordKeySnapshots({loose}, QDateTime(m_today, QTime(23, 40), QTimeZone::utc())).ok());
        const auto withLoose = service().chargeback(m_today, m_today);
        QVERIFY(std::any_of(withLoose->cbegin(), withLoose->cend(), [](const WorkspaceSpend &w) {
            return w.workspaceId.isEmpty() && w.cost == 1.0 && workspaceLabel(w) == u"(no workspace)"_s;
        }));
    }

    void budgetsParseNullAsLifetimeAndRefuseAMissingInterval()
    {
        auto parsed = json::parseWorkspaceBudgets(
            R"({"data":[{"id":"b","workspace_id":"w","limit_usd":500,"reset_interval":null,"created_at":"2026-01-01T00:00:00Z","updated_at":null},
                        {"id":"c","workspace_id":"w","limit_usd":20,"reset_interval":"weekly","created_at":"2026-01-01T00:00:00Z","updated_at":null}]})");
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value.size(), 2);
        QCOMPARE(parsed.value.at(0).interval, Lifetime);
        QCOMPARE(parsed.value.at(1).interval, Weekly);
        // Left out, a typo, the wrong type, no amount: errors naming the field, never a guess.
        QVERIFY(!json::parseWorkspaceBudgets(R"({"data":[{"id":"b","limit_usd":5}]})").ok());
        QVERIFY(json::parseWorkspaceBudgets(R"({"data":[{"limit_usd":5,"reset_interval":"yearly"}]})").error.message().contains(u"reset_interval"_s));
        QVERIFY(!json::parseWorkspaceBudgets(R"({"data":[{"limit_usd":5,"reset_interval":7}]})").ok());
        QVERIFY(json::parseWorkspaceBudgets(R"({"data":[{"reset_interval":"daily"}]})").error.message().contains(u"limit_usd"_s));
        QVERIFY(!json::parseWorkspaceBudgets(R"({"data":{}})").ok());
    }

    void aLifetimeBudgetCountsAllTheHistoryBeforeTheWindow()
    {
        // $10k spent in the spring, $100 a day lately: a $5k lifetime budget would refuse it all.
        QHash<QDate, double> spend{{QDate(2026, 4, 1), 10'000.0}, {QDate(2026, 11, 17), 100.0}, {QDate(2026, 11, 18), 100.0}};
        const WorkspaceReplay r = replayWorkspaceBudgets(budgets({{Lifetime, 5000}}), QDate(2026, 11, 17), QDate(2026, 11, 18), spend);
        QCOMPARE(r.notSpent, 200.0);
        QCOMPARE(r.refusedDays.size(), 2);
        // The service reads the whole history for it.
        ApiKey k;
        k.hash = u"kx"_s;
        k.workspaceId = m_dsId;
        k.usageDaily = 900;
        QVERIFY(m_store->usage().recordKeySnapshots({k}, QDateTime(QDate(2025, 6, 1), QTime(12, 0), QTimeZone::utc())).ok());
        k.usageDaily = 5;
        QVERIFY(m_store->usage().recordKeySnapshots({k}, QDateTime(m_today, QTime(12, 0), QTimeZone::utc())).ok());
        const auto p = previewBudgets(m_dsId, {{Lifetime, 500}}, 30);
        QVERIFY2(!p.error, qPrintable(p.error.message()));
        QCOMPARE(p.whatIf.spent, 5.0);
        QCOMPARE(p.whatIf.notSpent, 5.0);
    }

    void anApplyAfterTheBudgetsChangedIsRefused()
    {
        const auto p = previewBudgets(m_dsId, {{Monthly, 300}});
        QCOMPARE(p.plan.changes.size(), 1);
        // Someone else raises the monthly budget meanwhile.
        QList<FakeOpenRouter::FakeWorkspace> spaces = m_fake->workspaces();
        for (FakeOpenRouter::FakeWorkspace &w : spaces) {
            if (w.workspace.id == m_dsId)
                w.budgets = budgets({{Daily, 10}, {Weekly, 50}, {Monthly, 400}});
        }
        m_fake->setWorkspaces(spaces);
        m_fake->clearRequests();
        const Applied a = applyBudgets(p);
        QCOMPARE(a.applied, 0);
        QCOMPARE(a.error.store.kind, StoreError::Kind::Conflict);
        QVERIFY2(a.error.message().contains(u"changed since the preview"_s), qPrintable(a.error.message()));
        QCOMPARE(m_fake->countRequests("PUT", u"/workspaces"_s), 0);
        QCOMPARE(auditLines(AuditAction::Workspace), 0);
    }

    void membersAreAddedAndRemovedByTheTeamsNames()
    {
        // Ben in, Ana out; Dan is not linked and is named, not sent.
        auto p = previewMembers(u"data-science"_s, {u"Ben"_s, u"Dan"_s}, {u"Ana"_s});
        QVERIFY2(!p.error, qPrintable(p.error.message()));
        QCOMPARE(p.plan.add, QStringList{u"user_ben"_s});
        QCOMPARE(p.plan.remove, QStringList{u"user_ana"_s});
        QCOMPARE(p.addNames, QStringList{u"Ben"_s});
        QCOMPARE(p.notLinked, QStringList{u"Dan"_s});
        Applied a = applyMembers(p);
        QVERIFY2(!a.error, qPrintable(a.error.message()));
        QCOMPARE(membersAtOpenRouter(m_dsId), (QStringList{u"user_cat"_s, u"user_ben"_s}));
        QCOMPARE(auditLines(AuditAction::Workspace), 2);
        QVERIFY(previewMembers(m_dsId, {u"Ben"_s}, {}).plan.nothingToDo());
        // Someone who is not on the team: no plan.
        p = previewMembers(m_dsId, {u"Zoe"_s}, {});
        QCOMPARE(p.error.store.kind, StoreError::Kind::NotFound);
        // OpenRouter keeps a member who holds an active key there: its refusal is said, and
        // nothing is audited for it.
        FakeOpenRouter::KeySeed seed;
        seed.name = u"ben-key"_s;
        seed.creatorUserId = u"user_ben"_s;
        seed.workspaceId = m_dsId;
        m_fake->addKey(seed);
        p = previewMembers(m_dsId, {}, {u"Ben"_s});
        a = applyMembers(p);
        QVERIFY(a.error.failed());
        QVERIFY2(a.error.message().contains(u"active API keys"_s), qPrintable(a.error.message()));
        QCOMPARE(auditLines(AuditAction::Workspace), 2);
        QVERIFY(membersAtOpenRouter(m_dsId).contains(u"user_ben"_s));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaces)
#include "tst_workspaces.moc"
