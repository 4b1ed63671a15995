// Members as OpenRouter users, end to end on a real database (a SQLite file, and as
// tst_orgmembers_postgres a real PostgreSQL server) and the fake OpenRouter over HTTP: matching
// by email, links by hand, tiers applied to people as well as keys (exactly what the preview
// listed, nothing the second time, resumed after a failure), a member's own limit enforced by
// OpenRouter across two keys without the local check, and offboarding taking the person off.
#include "Audit.h"
#include "FakeOpenRouter.h"
#include "GuardrailService.h"
#include "MemberLinkService.h"
#include "OffboardingService.h"
#include "OpenRouterClient.h"
#include "Roster.h"
#include "Store.h"
#include "TeamService.h"
#include "FakeClient.h"
#include "TestDatabase.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <functional>
#include <memory>

using namespace orteam;
using test::waitFor;
using namespace Qt::Literals::StringLiterals;

namespace {
struct Planned
{
    GuardrailPlan plan;
    FlowError error;
};
struct Applied
{
    int steps = 0;
    FlowError error;
    QStringList warnings;
};
} // namespace

class TestOrgMembers : public QObject
{
    Q_OBJECT

    test::TestDatabases m_dbs;
    std::unique_ptr<FakeOpenRouter> m_fake;
    QNetworkAccessManager m_network;
    std::unique_ptr<OpenRouterClient> m_client;
    std::unique_ptr<Store> m_store;
    QHash<QString, QString> m_secrets; // key name → secret

    ApiKey addKey(const QString &name, const QString &creator = {})
    {
        FakeOpenRouter::KeySeed seed;
        seed.name = name;
        seed.creatorUserId = creator;
        QString secret;
        const ApiKey k = m_fake->addKey(seed, &secret);
        m_secrets.insert(name, secret);
        return k;
    }

    // The organization: Ana, Ben, Cat at OpenRouter (Cat is no member); the team: Ana and Ben
    // (basic), Ben with his own $0.02 limit and two keys of his own, Dan (no OpenRouter user).
    void seed()
    {
        m_fake->setOrganizationMembers({OrgMember{u"user_ana"_s, u"ana@example.com"_s, u"Ana"_s, u"Lee"_s, u"org:admin"_s},
                                        OrgMember{u"user_ben"_s, u"BEN@example.com"_s, u"Ben"_s, u"Ode"_s, u"org:member"_s},
                                        OrgMember{u"user_cat"_s, u"cat@example.com"_s, u"Cat"_s, u"Roy"_s, u"org:member"_s}});
        const ApiKey ana = addKey(u"ana-1"_s, u"user_ana"_s);
        const ApiKey ben1 = addKey(u"ben-1"_s, u"user_ben"_s);
        const ApiKey ben2 = addKey(u"ben-2"_s, u"user_ben"_s);
        const ApiKey dan = addKey(u"dan-1"_s);
        TeamService team(*m_store);
        QVERIFY(team.addMember(Member{u"Ana"_s, u"ana@example.com"_s, u"basic"_s, std::nullopt, true, {ana.hash}}).ok());
        QVERIFY(team.addMember(Member{u"Ben"_s, u"ben@example.com "_s, u"basic"_s, Budget{0.02}, true, {ben1.hash, ben2.hash}}).ok());
        QVERIFY(team.addMember(Member{u"Dan"_s, u"dan@example.com"_s, u"basic"_s, std::nullopt, true, {dan.hash}}).ok());
    }

    MemberLinkService::Preview preview()
    {
        MemberLinkService links(*m_store, *m_client);
        return waitFor<MemberLinkService::Preview>([&](auto done) { links.preview(this, done); });
    }

    Planned plan()
    {
        GuardrailService g(*m_store, *m_client);
        return waitFor<Planned>([&](auto done) {
            g.plan(std::nullopt, this, [done](const GuardrailPlan &p, const FlowError &e) { done({p, e}); });
        });
    }

    Applied apply(const GuardrailPlan &p)
    {
        GuardrailService g(*m_store, *m_client);
        return waitFor<Applied>([&](auto done) {
            g.apply(p, this, [done](int n, const FlowError &e, const QStringList &w) { done({n, e, w}); });
        });
    }

    void linkEveryMatch()
    {
        const auto p = preview();
        QVERIFY2(!p.error, qPrintable(p.error.message()));
        const Status s = MemberLinkService(*m_store, *m_client).apply(p.plan.toLink);
        QVERIFY2(s.ok(), qPrintable(s.errorText()));
    }

    // A completion on the fake with a key's secret: the HTTP status and the error's limit_source.
    std::pair<int, QString> chat(const QString &keyName)
    {
        QNetworkRequest req(QUrl(m_fake->baseUrl().toString() + u"/chat/completions"_s));
        req.setRawHeader("Authorization", "Bearer " + m_secrets.value(keyName).toUtf8());
        req.setRawHeader("Content-Type", "application/json");
        QNetworkReply *reply = m_network.post(req, R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})");
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            qFatal("the fake never answered");
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject error = QJsonDocument::fromJson(reply->readAll()).object().value("error"_L1).toObject();
        reply->deleteLater();
        return {status, error.value("metadata"_L1).toObject().value("limit_source"_L1).toString()};
    }

    QString guardrailId(const QString &name) const
    {
        for (const Guardrail &g : m_fake->guardrails()) {
            if (g.name == name)
                return g.id;
        }
        return {};
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
        m_secrets.clear();
        seed();
    }

    void cleanup()
    {
        m_store.reset();
        m_client.reset();
        m_fake.reset();
    }

    void matchingByEmailLinksWhatThePreviewListed()
    {
        const auto p = preview();
        QVERIFY2(!p.error, qPrintable(p.error.message()));
        QCOMPARE(p.plan.toLink.size(), 2); // Ana; Ben (his email in another case, with a space)
        QCOMPARE(p.plan.toLink.at(1).member, u"Ben"_s);
        QCOMPARE(p.plan.toLink.at(1).userId, u"user_ben"_s);
        QCOMPARE(p.plan.unmatchedMembers, QStringList{u"Dan"_s});
        QCOMPARE(p.plan.unmatchedUsers.size(), 1);
        QCOMPARE(p.users.size(), 3);
        linkEveryMatch();
        QCOMPARE(m_store->team().member(u"Ben"_s)->userId, u"user_ben"_s);
        QVERIFY(!m_store->team().member(u"Dan"_s)->isLinked());
        const auto log = m_store->audit().log();
        QVERIFY(log.ok());
        const qsizetype links = std::count_if(log->cbegin(), log->cend(), [](const AuditEntry &e) { return e.action == AuditAction::UserLink; });
        QCOMPARE(links, 2);
        QVERIFY(preview().plan.isEmpty()); // a second match has nothing to do
    }

    void aPreviewThatCannotReadTheOrganizationLinksNobody()
    {
        m_fake->failNext("GET", u"/organization/members"_s, FakeOpenRouter::Fault{}, 1, 0);
        const auto p = preview();
        QVERIFY(p.error.failed());
        QVERIFY(p.error.message().contains(u"organization's members"_s));
        QVERIFY(p.plan.toLink.isEmpty());
        QVERIFY(p.users.isEmpty());
    }

    void handLinksAreCheckedAndClashesSaveNothing()
    {
        MemberLinkService links(*m_store, *m_client);
        auto link = [&](const QString &member, const QString &user) {
            return waitFor<FlowError>([&](auto done) { links.link(member, user, this, done); });
        };
        QVERIFY(link(u"Dan"_s, u"user_nobody"_s).message().contains(u"no user user_nobody"_s));
        QVERIFY(link(u"Dan"_s, u"user_cat\r\n"_s).message().contains(u"control"_s));
        const FlowError ok = link(u"Dan"_s, u"user_cat"_s);
        QVERIFY2(!ok, qPrintable(ok.message()));
        QCOMPARE(m_store->team().member(u"Dan"_s)->userId, u"user_cat"_s);
        QVERIFY(link(u"Ana"_s, u"user_cat"_s).message().contains(u"already linked to Dan"_s));

        // Two members given one user in one save: the database refuses all of it.
        const Status clash = links.apply({MemberLink{u"Ana"_s, u"user_ana"_s, {}, {}}, MemberLink{u"Ben"_s, u"user_ana"_s, {}, {}}});
        QVERIFY(!clash.ok());
        QVERIFY2(clash.errorText().contains(u"both Ana and Ben"_s), qPrintable(clash.errorText()));
        QVERIFY(!m_store->team().member(u"Ana"_s)->isLinked());
        QVERIFY(!m_store->team().member(u"Ben"_s)->isLinked());

        // A statement failing at any point of a save leaves no link and no audit line.
        const auto before = m_store->audit().log()->size();
        for (int at = 1;; ++at) {
            bool fired = false;
            m_store->database().setFaultInjector([&](int n, const QString &) {
                fired = fired || n == at;
                return n == at;
            });
            const Status s = links.apply({MemberLink{u"Ana"_s, u"user_ana"_s, {}, {}}, MemberLink{u"Ben"_s, u"user_ben"_s, {}, {}}});
            m_store->database().setFaultInjector({});
            if (!fired) {
                QVERIFY(s.ok());
                break;
            }
            QVERIFY(!s.ok());
            QVERIFY(!m_store->team().member(u"Ana"_s)->isLinked());
            QCOMPARE(m_store->audit().log()->size(), before);
        }
        QVERIFY(m_store->team().member(u"Ben"_s)->isLinked());
        QVERIFY(links.unlink(u"Dan"_s).ok());
        QVERIFY(!m_store->team().member(u"Dan"_s)->isLinked());

        // A move and a swap in one save, whatever the order: judged on the links as they end up.
        QVERIFY(links.apply({MemberLink{u"Dan"_s, u"user_ana"_s, {}, {}}, MemberLink{u"Ana"_s, QString(), {}, {}}}).ok());
        QCOMPARE(m_store->team().member(u"Dan"_s)->userId, u"user_ana"_s);
        QVERIFY(!m_store->team().member(u"Ana"_s)->isLinked());
        QVERIFY(links.apply({MemberLink{u"Ben"_s, u"user_ana"_s, {}, {}}, MemberLink{u"Dan"_s, u"user_ben"_s, {}, {}}}).ok());
        QCOMPARE(m_store->team().member(u"Ben"_s)->userId, u"user_ana"_s);
        QCOMPARE(m_store->team().member(u"Dan"_s)->userId, u"user_ben"_s);
        // A member that is not there: not found (exit 3 in the CLI), not a bad value.
        const FlowError nobody = link(u"Nobody"_s, u"user_cat"_s);
        QCOMPARE(nobody.store.kind, StoreError::Kind::NotFound);
    }

    // Someone who left the organization cannot be bound (OpenRouter refuses the whole request):
    // they are bound per key only, the notes say so, and everyone else is applied.
    void aLinkToSomeoneWhoLeftIsBoundPerKeyOnly()
    {
        linkEveryMatch();
        m_fake->setOrganizationMembers({OrgMember{u"user_ana"_s, u"ana@example.com"_s, u"Ana"_s, u"Lee"_s, u"org:admin"_s}});
        const Planned p = plan();
        QVERIFY2(!p.error, qPrintable(p.error.message()));
        QVERIFY2(p.plan.notes.join(u' ').contains(u"no longer has, so bound per key only (Match with OpenRouter to link them again): Ben"_s),
                 qPrintable(p.plan.notes.join(u'\n')));
        const Applied done = apply(p.plan);
        QVERIFY2(!done.error, qPrintable(done.error.message()));
        QCOMPARE(m_fake->memberAssignments().size(), 1); // Ana
        QVERIFY(plan().plan.isEmpty());
        // The organization cannot be read: no plan at all.
        m_fake->failNext("GET", u"/organization/members"_s, FakeOpenRouter::Fault{}, 1, 0);
        const Planned blind = plan();
        QVERIFY(blind.error.failed());
        QVERIFY(blind.plan.isEmpty());
    }

    void applyingTiersBindsPeopleExactlyAsPreviewed()
    {
        linkEveryMatch();
        const Planned first = plan();
        QVERIFY2(!first.error, qPrintable(first.error.message()));
        QVERIFY2(first.plan.notes.join(u' ').contains(u"bound per key only"_s), qPrintable(first.plan.notes.join(u'\n')));
        // What the preview says it will do to people and keys.
        QSet<QString> peopleListed, keysListed;
        for (const GuardrailStep &s : first.plan.steps) {
            for (const QString &u : s.userIds)
                peopleListed.insert(s.owner() + u'=' + u);
            for (const QString &k : s.keyNames)
                keysListed.insert(s.owner() + u'=' + k);
        }
        const Applied done = apply(first.plan);
        QVERIFY2(!done.error, qPrintable(done.error.message()));
        QCOMPARE(done.steps, first.plan.steps.size());

        // OpenRouter now holds exactly that.
        const QString basic = guardrailId(u"orteam tier: basic"_s), ben = guardrailId(u"orteam member: Ben"_s);
        QVERIFY(!basic.isEmpty() && !ben.isEmpty());
        QSet<QString> peopleHeld, keysHeld;
        for (const auto &[g, u] : m_fake->memberAssignments())
            peopleHeld.insert((g == basic ? u"tier:basic"_s : g == ben ? u"member:Ben"_s : g) + u'=' + u);
        const QHash<QString, QString> onKeys = m_fake->guardrailOfKey();
        for (auto it = onKeys.cbegin(); it != onKeys.cend(); ++it)
            keysHeld.insert((it.value() == basic ? u"tier:basic"_s : it.value() == ben ? u"member:Ben"_s : it.value()) + u'='
                            + m_fake->key(it.key())->name);
        QCOMPARE(peopleHeld, peopleListed);
        QCOMPARE(peopleHeld, (QSet<QString>{u"tier:basic=user_ana"_s, u"member:Ben=user_ben"_s}));
        QCOMPARE(keysHeld, keysListed);
        QCOMPARE(keysHeld, (QSet<QString>{u"tier:basic=ana-1"_s, u"member:Ben=ben-1"_s, u"member:Ben=ben-2"_s, u"tier:basic=dan-1"_s}));
        QCOMPARE(m_store->team().member(u"Ben"_s)->guardrailId, ben); // found by id next time

        const Planned again = plan();
        QVERIFY(!again.error);
        QVERIFY2(again.plan.isEmpty(), qPrintable(again.plan.steps.isEmpty() ? QString() : again.plan.steps.first().description));
    }

    void aFailureMidwayResumes()
    {
        linkEveryMatch();
        QVERIFY(apply(plan().plan).error.failed() == false);
        // Ana moves to pro and Ben's own limit goes: a tier guardrail to make, people to move, one to delete.
        TeamService team(*m_store);
        QVERIFY(team.setTier({u"Ana"_s}, u"pro"_s).ok());
        Member ben = *m_store->team().member(u"Ben"_s);
        ben.budgetOverride = std::nullopt;
        QVERIFY(team.updateMember(ben).ok());
        const Planned whole = plan();
        QVERIFY(whole.plan.steps.size() >= 5);
        // The third request to change anything fails.
        m_fake->failNext("POST", u"/guardrails"_s, FakeOpenRouter::Fault{}, 1, 2);
        const Applied cut = apply(whole.plan);
        QVERIFY(cut.error.failed());
        QCOMPARE(cut.steps, 2);
        const Planned rest = plan();
        QVERIFY(!rest.error);
        QCOMPARE(rest.plan.steps.size(), whole.plan.steps.size() - 2);
        QCOMPARE(rest.plan.steps.first().description, whole.plan.steps.at(2).description);
        QVERIFY(!apply(rest.plan).error.failed());
        QVERIFY(plan().plan.isEmpty());
        QVERIFY(guardrailId(u"orteam member: Ben"_s).isEmpty()); // no longer needed: deleted
        QVERIFY(m_store->team().member(u"Ben"_s)->guardrailId.isEmpty());
        QVERIFY(m_fake->memberAssignments().contains({guardrailId(u"orteam tier: pro"_s), u"user_ana"_s}));
        QVERIFY(m_fake->memberAssignments().contains({guardrailId(u"orteam tier: basic"_s), u"user_ben"_s}));
    }

    void readingTheMemberAssignmentsFailsClosed()
    {
        linkEveryMatch();
        m_fake->failNext("GET", u"/guardrails/assignments/members"_s, FakeOpenRouter::Fault{}, 1, 0);
        const Planned p = plan();
        QVERIFY(p.error.failed());
        QVERIFY(p.error.message().contains(u"member assignments"_s));
        QVERIFY(p.plan.isEmpty());
    }

    // Ben's own $0.02 a day, a completion costing $0.0125: OpenRouter itself refuses his third
    // request, whichever of his two keys it comes on, with no local check running; Ana goes on.
    void aPersonalLimitIsEnforcedByOpenRouterAcrossKeys()
    {
        linkEveryMatch();
        QVERIFY(!apply(plan().plan).error.failed());
        QCOMPARE(chat(u"ben-1"_s).first, 200);
        QCOMPARE(chat(u"ben-2"_s).first, 200); // $0.025 across his keys: at his limit now
        const auto refused = chat(u"ben-1"_s);
        QCOMPARE(refused.first, 402);
        QCOMPARE(refused.second, u"member"_s);
        QCOMPARE(chat(u"ben-2"_s).first, 402);
        QCOMPARE(chat(u"ana-1"_s).first, 200);
    }

    void offboardingTakesThePersonOffOrteamGuardrails()
    {
        linkEveryMatch();
        QVERIFY(!apply(plan().plan).error.failed());
        // A guardrail orteam did not make: Ana stays on it.
        GuardrailSpec finance;
        finance.name = u"Finance"_s;
        const auto made = waitFor<ApiResult<Guardrail>>([&](auto done) { m_client->createGuardrail(finance, this, done); });
        QVERIFY(made.ok());
        QVERIFY(waitFor<ApiResult<qint64>>([&](auto done) {
                    m_client->assignMembersToGuardrail(made.value.id, {u"user_ana"_s}, this, done);
                }).ok());
        OffboardingService off(*m_store, *m_client);
        const auto outcome = waitFor<OffboardingService::Outcome>([&](auto done) { off.offboard({u"Ana"_s}, std::nullopt, this, done); });
        QVERIFY2(outcome.failed.isEmpty() && outcome.warnings.isEmpty(), qPrintable((outcome.failed + outcome.warnings).join(u'\n')));
        QCOMPARE(outcome.offboarded, QStringList{u"Ana"_s});
        QStringList anaOn;
        for (const auto &[g, u] : m_fake->memberAssignments()) {
            if (u == u"user_ana"_s)
                anaOn << g;
        }
        QCOMPARE(anaOn, QStringList{made.value.id});
        QVERIFY(plan().plan.isEmpty()); // tiers apply agrees
    }

    void aRosterLinksUsersAllOrNothing()
    {
        const RosterFile file = parseRoster(u"name,openrouter_user_id\nAna,user_ana\nDan,user_cat\n"_s, defaultTiers());
        const auto members = m_store->team().members();
        QVERIFY(members.ok());
        const auto saved = TeamService(*m_store).importRoster(planRoster(file, *members, false));
        QVERIFY2(saved.ok(), qPrintable(saved.error().message));
        QCOMPARE(m_store->team().member(u"Dan"_s)->userId, u"user_cat"_s);
        // Ben given Dan's user: that row is refused in the preview; a save that would still clash
        // (Dan linked meanwhile, by another admin) saves nothing of the file.
        const RosterFile clash = parseRoster(u"name,email,openrouter_user_id\nBen,ben@new.example,user_cat\n"_s, defaultTiers());
        QCOMPARE(planRoster(clash, *m_store->team().members(), false).rejected.size(), 1);
        const RosterPlan before = planRoster(clash, *members, false); // made before Dan took user_cat
        QCOMPARE(before.rejected.size(), 0);
        const auto refused = TeamService(*m_store).importRoster(before);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(u"both Ben and Dan"_s), qPrintable(refused.error().message));
        QCOMPARE(m_store->team().member(u"Ben"_s)->email, u"ben@example.com"_s);
    }
};

QTEST_GUILESS_MAIN(TestOrgMembers)
#include "tst_orgmembers.moc"
