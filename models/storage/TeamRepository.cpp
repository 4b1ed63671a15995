#include "TeamRepository.h"

#include "Database.h"
#include "Sql.h"

#include <QDateTime>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace orteam {

namespace {
QString noMember(const QString &name)
{
    return u"There is no member named \"%1\"."_s.arg(name);
}

QString alreadyMember(const QString &name, const QString &existing = {})
{
    if (!existing.isEmpty() && existing != name)
        return u"There is already a member named \"%1\": names that differ only in letter case are one person's."_s.arg(existing);
    return u"There is already a member named \"%1\"."_s.arg(name);
}

QString noTier(const QString &name)
{
    return u"There is no tier named \"%1\"."_s.arg(name);
}

Result<bool> memberExists(const Database &db, const QString &name)
{
    Sql q(db, u"SELECT COUNT(*) FROM members WHERE name = :name"_s, u"Cannot read the members"_s);
    if (Status s = q.bind(u":name"_s, name).exec(); !s)
        return s.error();
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    return *row && q.value(0).toInt() > 0;
}

// A member row's statements and binds, shared by the one-member calls and saveMembers (which
// prepares each once for the whole roster).
const QString InsertMember = u"INSERT INTO members (name, email, tier, daily_limit_override, budget_period, active, created_at) "
                             "VALUES (:name, :email, :tier, :limit, :period, :active, :at)"_s;
const QString UpdateMember = u"UPDATE members SET email = :email, tier = :tier, daily_limit_override = :limit, "
                             "budget_period = :period, active = :active WHERE name = :name"_s;

// A budget as stored: its amount (NULL: none) and period. A period this version does not know
// (typed into the database by hand, or written by a newer orteam) is an error, never a daily
// budget by default: money is judged on it.
Result<std::optional<Budget>> storedBudget(const QVariant &limit, const QVariant &period, const QString &whose)
{
    const std::optional<double> usd = sqlvalue::optionalMoney(limit);
    if (!usd)
        return std::optional<Budget>();
    const auto reset = budgetPeriodFromString(period.toString());
    if (!reset)
        return StoreError::database(u"The budget of %1 has a period this version of orteam does not know: \"%2\""_s.arg(
            whose, period.toString()));
    return std::optional(Budget{*usd, *reset});
}

QVariant budgetAmount(const std::optional<Budget> &budget)
{
    return sqlvalue::money(budget ? std::optional(budget->usd) : std::nullopt);
}

QString budgetPeriod(const std::optional<Budget> &budget)
{
    return budgetPeriodAdjective(budget ? budget->period : LimitReset::Daily);
}

// An id column: NULL rather than '' for none (one user per member is a unique index, which
// treats NULLs as distinct and would treat two '' as a clash).
QVariant orNull(const QString &id)
{
    return sqlvalue::nullableText(id.isEmpty() ? std::nullopt : std::optional<QString>(id));
}

// A member row as members() and member() read it (keys are read apart).
const QString MemberColumns = u"name, email, tier, daily_limit_override, active, openrouter_user_id, guardrail_id, budget_period"_s;

Result<Member> memberRow(const Sql &q)
{
    const QString name = q.value(0).toString();
    const auto budget = storedBudget(q.value(3), q.value(7), name);
    if (!budget)
        return budget.error();
    Member m{name, q.value(1).toString(), q.value(2).toString(), *budget, q.value(4).toInt() != 0, {}};
    m.userId = q.value(5).toString();
    m.guardrailId = q.value(6).toString();
    return m;
}

// `name` and `email` as they are to be stored (an add trims them; an update keeps them).
Sql &bindMember(Sql &q, const Member &m, const QString &name, const QString &email)
{
    return q.bind(u":name"_s, name)
        .bind(u":email"_s, sqlvalue::text(email))
        .bind(u":tier"_s, sqlvalue::text(m.tier))
        .bind(u":limit"_s, budgetAmount(m.budgetOverride))
        .bind(u":period"_s, budgetPeriod(m.budgetOverride))
        .bind(u":active"_s, m.active ? 1 : 0);
}

Status insertMember(Sql &insert, const Member &m, const QString &createdAt)
{
    return bindMember(insert, m, m.name.trimmed(), m.email.trimmed()).bind(u":at"_s, createdAt).exec();
}

Status updateMemberRow(Sql &update, const Member &m)
{
    if (Status s = bindMember(update, m, m.name, m.email).exec(); !s)
        return s;
    if (update.rowsAffected() != 1)
        return StoreError::notFound(noMember(m.name));
    return {};
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

// Links a key to a member known to exist; a key linked to someone else moves.
Status upsertLink(const Database &db, const QString &memberName, const QString &keyHash)
{
    return Sql(db, u"INSERT INTO member_keys (key_hash, member_name) VALUES (:key, :member) "
                   "ON CONFLICT (key_hash) DO UPDATE SET member_name = excluded.member_name"_s,
               u"Cannot link the key to %1"_s.arg(memberName))
        .bind(u":key"_s, keyHash)
        .bind(u":member"_s, memberName)
        .exec();
}
} // namespace

Result<QList<Tier>> TeamRepository::tiers() const
{
    Sql q(m_db, u"SELECT name, default_daily_limit, allowed_models, fallback_model, guardrail_id, budget_period FROM tiers ORDER BY "
                "CASE name WHEN 'free' THEN 0 WHEN 'basic' THEN 1 WHEN 'pro' THEN 2 WHEN 'enterprise' THEN 3 ELSE 4 END, name"_s,
          u"Cannot read the tiers"_s);
    if (Status s = q.exec(); !s)
        return s.error();
    QList<Tier> out;
    while (q.next()) {
        const QString name = q.value(0).toString();
        const auto budget = storedBudget(q.value(1), q.value(5), u"the %1 tier"_s.arg(name));
        if (!budget)
            return budget.error();
        out << Tier{name, *budget, sqlvalue::listFromJson(q.value(2)), q.value(3).toString(), q.value(4).toString()};
    }
    if (const Status read = q.finished(); !read)
        return read.error();
    return out;
}

Status TeamRepository::saveTier(const Tier &t)
{
    if (t.name.trimmed().isEmpty())
        return StoreError::invalid(u"A tier needs a name."_s);
    return Sql(m_db,
               u"INSERT INTO tiers (name, default_daily_limit, budget_period, allowed_models, fallback_model, guardrail_id) "
               "VALUES (:name, :limit, :period, :models, :fallback, :guardrail) "
               "ON CONFLICT (name) DO UPDATE SET default_daily_limit = excluded.default_daily_limit, "
               "budget_period = excluded.budget_period, "
               "allowed_models = excluded.allowed_models, fallback_model = excluded.fallback_model, "
               "guardrail_id = excluded.guardrail_id"_s,
               u"Cannot save the %1 tier"_s.arg(t.name.trimmed()))
        .bind(u":name"_s, t.name.trimmed())
        .bind(u":limit"_s, budgetAmount(t.budget))
        .bind(u":period"_s, budgetPeriod(t.budget))
        .bind(u":models"_s, sqlvalue::nullableList(t.allowedModels))
        .bind(u":fallback"_s, sqlvalue::text(t.fallbackModel))
        .bind(u":guardrail"_s, sqlvalue::text(t.guardrailId))
        .exec();
}

Status TeamRepository::deleteTier(const QString &name)
{
    // One transaction: no member can be given the tier between the count and the delete.
    return m_db.transaction([&]() -> Status {
        Sql users(m_db, u"SELECT COUNT(*) FROM members WHERE tier = :tier"_s, u"Cannot read the members of the %1 tier"_s.arg(name));
        if (Status s = users.bind(u":tier"_s, name).exec(); !s)
            return s;
        const Result<bool> row = users.fetch();
        if (!row)
            return row.error();
        if (const int n = *row ? users.value(0).toInt() : 0; n > 0)
            return StoreError::conflict(u"The %1 tier still has %2 member(s); give them another tier first."_s.arg(name).arg(n));
        Sql q(m_db, u"DELETE FROM tiers WHERE name = :name"_s, u"Cannot delete the %1 tier"_s.arg(name));
        if (Status s = q.bind(u":name"_s, name).exec(); !s)
            return s;
        if (q.rowsAffected() == 0)
            return StoreError::notFound(u"There is no tier named \"%1\"."_s.arg(name));
        return {};
    });
}

Status TeamRepository::setTierGuardrail(const QString &tier, const QString &guardrailId)
{
    Sql q(m_db, u"UPDATE tiers SET guardrail_id = :guardrail WHERE name = :name"_s,
          u"Cannot save the %1 tier's guardrail"_s.arg(tier));
    if (Status s = q.bind(u":guardrail"_s, sqlvalue::text(guardrailId)).bind(u":name"_s, tier).exec(); !s)
        return s;
    if (q.rowsAffected() == 0)
        return StoreError::notFound(u"There is no tier named \"%1\"."_s.arg(tier));
    return {};
}

Status TeamRepository::setUserIds(const QList<std::pair<QString, QString>> &memberToUserId)
{
    return m_db.transaction([&]() -> Status {
        // The links as they will be once every change is made, judged as a whole: a user moving
        // from one member to another, or two members swapping, is fine whatever the order of the
        // list; two members ending up with one user is not (and the clash names them, where the
        // unique index would only say "constraint failed").
        QHash<QString, QString> userOf; // member → user id, for members that have one
        {
            Sql q(m_db, u"SELECT name, openrouter_user_id FROM members WHERE openrouter_user_id IS NOT NULL"_s,
                  u"Cannot read the members' OpenRouter users"_s);
            if (Status s = q.exec(); !s)
                return s;
            while (q.next())
                userOf.insert(q.value(0).toString(), q.value(1).toString());
            if (const Status read = q.finished(); !read)
                return read;
        }
        for (const auto &[name, userId] : memberToUserId) {
            if (userId.isEmpty())
                userOf.remove(name);
            else
                userOf.insert(name, userId);
        }
        QHash<QString, QString> holder; // user id → member
        for (auto it = userOf.cbegin(); it != userOf.cend(); ++it) {
            if (holder.contains(it.value())) {
                QStringList both{holder.value(it.value()), it.key()};
                both.sort();
                return StoreError::conflict(u"The OpenRouter user %1 would be linked to both %2 and %3. Nothing was saved."_s.arg(
                    it.value(), both.at(0), both.at(1)));
            }
            holder.insert(it.value(), it.key());
        }
        // Every member named lets go first, then takes their new user: the unique index holds
        // after each statement, not only at the end.
        Sql clear(m_db, u"UPDATE members SET openrouter_user_id = NULL WHERE name = :name"_s,
                  u"Cannot link the member to OpenRouter"_s);
        for (const auto &[name, userId] : memberToUserId) {
            if (Status s = clear.bind(u":name"_s, name).exec(); !s)
                return s;
            if (clear.rowsAffected() == 0)
                return StoreError::notFound(noMember(name) + u" Nothing was saved."_s);
        }
        Sql update(m_db, u"UPDATE members SET openrouter_user_id = :user WHERE name = :name"_s,
                   u"Cannot link the member to OpenRouter"_s);
        for (const auto &[name, userId] : memberToUserId) {
            if (userId.isEmpty())
                continue;
            if (Status s = update.bind(u":user"_s, orNull(userId)).bind(u":name"_s, name).exec(); !s)
                return s;
        }
        return {};
    });
}

Status TeamRepository::forgetGuardrail(const QString &guardrailId)
{
    Sql q(m_db, u"UPDATE members SET guardrail_id = NULL WHERE guardrail_id = :guardrail"_s,
          u"Cannot forget the deleted guardrail %1"_s.arg(guardrailId));
    return q.bind(u":guardrail"_s, guardrailId).exec();
}

Status TeamRepository::setMemberGuardrail(const QString &member, const QString &guardrailId)
{
    Sql q(m_db, u"UPDATE members SET guardrail_id = :guardrail WHERE name = :name"_s,
          u"Cannot save %1's guardrail"_s.arg(member));
    if (Status s = q.bind(u":guardrail"_s, orNull(guardrailId)).bind(u":name"_s, member).exec(); !s)
        return s;
    if (q.rowsAffected() == 0)
        return StoreError::notFound(noMember(member));
    return {};
}

Result<QList<Member>> TeamRepository::members() const
{
    QList<Member> out;
    QHash<QString, qsizetype> index;
    {
        Sql q(m_db, u"SELECT %1 FROM members ORDER BY name"_s.arg(MemberColumns), u"Cannot read the members"_s);
        if (Status s = q.exec(); !s)
            return s.error();
        while (q.next()) {
            index.insert(q.value(0).toString(), out.size());
            const Result<Member> m = memberRow(q);
            if (!m)
                return m.error();
            out << *m;
        }
        if (const Status read = q.finished(); !read)
            return read.error();
    }
    Sql k(m_db, u"SELECT member_name, key_hash FROM member_keys ORDER BY key_hash"_s, u"Cannot read the members' keys"_s);
    if (Status s = k.exec(); !s)
        return s.error();
    while (k.next()) {
        const auto it = index.constFind(k.value(0).toString());
        if (it != index.cend())
            out[*it].keyHashes << k.value(1).toString();
    }
    if (const Status read = k.finished(); !read)
        return read.error();
    return out;
}

Result<Member> TeamRepository::member(const QString &name) const
{
    Member m;
    {
        Sql q(m_db, u"SELECT %1 FROM members WHERE name = :name"_s.arg(MemberColumns), u"Cannot read the member %1"_s.arg(name));
        if (Status s = q.bind(u":name"_s, name).exec(); !s)
            return s.error();
        const Result<bool> row = q.fetch();
        if (!row)
            return row.error();
        if (!*row)
            return StoreError::notFound(noMember(name));
        const Result<Member> row2 = memberRow(q);
        if (!row2)
            return row2.error();
        m = *row2;
    }
    Sql k(m_db, u"SELECT key_hash FROM member_keys WHERE member_name = :name ORDER BY key_hash"_s,
          u"Cannot read the keys of %1"_s.arg(name));
    if (Status s = k.bind(u":name"_s, name).exec(); !s)
        return s.error();
    while (k.next())
        m.keyHashes << k.value(0).toString();
    if (const Status read = k.finished(); !read)
        return read.error();
    return m;
}

Result<QList<Member>> TeamRepository::members(const QStringList &names) const
{
    // A few names: one keyed read each. More: one read of the whole team, so a bulk change of n
    // members costs two statements, not 2n.
    constexpr qsizetype FewNames = 8;
    QList<Member> out;
    if (names.size() <= FewNames) {
        for (const QString &name : names) {
            Result<Member> m = member(name);
            if (!m)
                return m.error();
            out << *m;
        }
        return out;
    }
    const Result<QList<Member>> all = members();
    if (!all)
        return all.error();
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < all->size(); ++i)
        index.insert(all->at(i).name, i);
    for (const QString &name : names) {
        const auto it = index.constFind(name);
        if (it == index.cend())
            return StoreError::notFound(noMember(name));
        out << all->at(*it);
    }
    return out;
}

Status TeamRepository::checkTier(const QString &tier) const
{
    if (tier.isEmpty())
        return {}; // no tier yet is allowed; an unknown one is not
    Sql q(m_db, u"SELECT COUNT(*) FROM tiers WHERE name = :name"_s, u"Cannot read the tiers"_s);
    if (Status s = q.bind(u":name"_s, tier).exec(); !s)
        return s;
    const Result<bool> row = q.fetch();
    if (!row)
        return row.error();
    if (*row && q.value(0).toInt() > 0)
        return {};
    return StoreError::notFound(noTier(tier));
}

Status TeamRepository::addMember(const Member &m)
{
    // The domain's one rule for names (not empty, not too long, no control characters), as a
    // roster import and every form apply it.
    if (const QString why = memberNameProblem(m.name); !why.isEmpty())
        return StoreError::invalid(why);
    const QString name = m.name.trimmed();
    // Told apart as memberNameKey tells them, in C++ on both databases (SQL's lower() folds
    // differently on each): "Alice" beside alice is a slip.
    Sql names(m_db, u"SELECT name FROM members"_s, u"Cannot read the members"_s);
    if (Status s = names.exec(); !s)
        return s;
    const QString key = memberNameKey(name);
    while (names.next()) {
        if (memberNameKey(names.value(0).toString()) == key)
            return StoreError::conflict(alreadyMember(name, names.value(0).toString()));
    }
    if (Status s = names.finished(); !s)
        return s;
    if (Status s = checkTier(m.tier); !s)
        return s;
    Sql insert(m_db, InsertMember, u"Cannot add the member %1"_s.arg(name));
    return insertMember(insert, m, now());
}

Status TeamRepository::updateMember(const Member &m)
{
    if (Status s = checkTier(m.tier); !s)
        return s;
    Sql update(m_db, UpdateMember, u"Cannot save the member %1"_s.arg(m.name));
    return updateMemberRow(update, m);
}

Status TeamRepository::saveMembers(const QList<Member> &members)
{
    // Linear in the roster: the tiers and the names there are read once, and one INSERT and one
    // UPDATE are prepared once, where asking the database about each row's name and tier cost
    // three statements per row before its write. The rules are addMember's and updateMember's.
    return m_db.transaction([&]() -> Status {
        const Result<QList<Tier>> tiers = this->tiers();
        if (!tiers)
            return tiers.error();
        QSet<QString> tierNames;
        for (const Tier &t : *tiers)
            tierNames.insert(t.name);
        QSet<QString> existing;
        QHash<QString, QString> folded; // case-folded → the name as kept (see addMember)
        {
            Sql names(m_db, u"SELECT name FROM members"_s, u"Cannot read the members"_s);
            if (Status s = names.exec(); !s)
                return s;
            while (names.next()) {
                existing.insert(names.value(0).toString());
                folded.insert(memberNameKey(names.value(0).toString()), names.value(0).toString());
            }
            if (const Status read = names.finished(); !read)
                return read;
        }
        Sql insert(m_db, InsertMember, u"Cannot add the member"_s);
        Sql update(m_db, UpdateMember, u"Cannot save the member"_s);
        const QString createdAt = now();
        for (const Member &m : members) {
            const bool knownTier = m.tier.isEmpty() || tierNames.contains(m.tier);
            Status saved;
            if (existing.contains(m.name)) {
                saved = knownTier ? updateMemberRow(update, m) : Status(StoreError::notFound(noTier(m.tier)));
            } else if (const QString why = memberNameProblem(m.name); !why.isEmpty()) {
                saved = StoreError::invalid(why);
            } else if (folded.contains(memberNameKey(m.name))) {
                saved = StoreError::conflict(alreadyMember(m.name.trimmed(), folded.value(memberNameKey(m.name))));
            } else if (!knownTier) {
                saved = StoreError::notFound(noTier(m.tier));
            } else {
                saved = insertMember(insert, m, createdAt);
                existing.insert(m.name.trimmed()); // named again further down: an update
                folded.insert(memberNameKey(m.name), m.name.trimmed());
            }
            if (!saved)
                return StoreError{saved.error().kind, u"%1: %2 Nothing was saved."_s.arg(m.name, saved.errorText())};
        }
        return {};
    });
}

Status TeamRepository::linkKey(const QString &memberName, const QString &keyHash)
{
    // Asked first rather than told by the foreign key: on PostgreSQL a failed insert would leave
    // an enclosing transaction unable to ask afterwards.
    const Result<bool> exists = memberExists(m_db, memberName);
    if (!exists)
        return exists.error();
    if (!*exists)
        return StoreError::notFound(noMember(memberName));
    return upsertLink(m_db, memberName, keyHash);
}

Status TeamRepository::unlinkKey(const QString &keyHash)
{
    return Sql(m_db, u"DELETE FROM member_keys WHERE key_hash = :key"_s, u"Cannot unlink the key"_s)
        .bind(u":key"_s, keyHash)
        .exec();
}

Status TeamRepository::setKeys(const QString &memberName, const QStringList &keyHashes)
{
    return m_db.transaction([&]() -> Status {
        const Result<bool> exists = memberExists(m_db, memberName);
        if (!exists)
            return exists.error();
        if (!*exists)
            return StoreError::notFound(noMember(memberName));
        QSet<QString> current;
        {
            Sql q(m_db, u"SELECT key_hash FROM member_keys WHERE member_name = :member"_s,
                  u"Cannot read the keys of %1"_s.arg(memberName));
            if (Status s = q.bind(u":member"_s, memberName).exec(); !s)
                return s;
            while (q.next())
                current.insert(q.value(0).toString());
            if (const Status read = q.finished(); !read)
                return read.error();
        }
        const QSet<QString> wanted(keyHashes.cbegin(), keyHashes.cend());
        // Only what changes is written: re-linking a key the member has would make the rollup
        // triggers take its whole history away and add it back.
        Sql unlink(m_db, u"DELETE FROM member_keys WHERE key_hash = :key"_s, u"Cannot unlink a key from %1"_s.arg(memberName));
        for (const QString &hash : std::as_const(current)) {
            if (!wanted.contains(hash)) {
                if (Status s = unlink.bind(u":key"_s, hash).exec(); !s)
                    return s;
            }
        }
        for (const QString &hash : keyHashes) {
            if (!current.contains(hash)) {
                if (Status s = upsertLink(m_db, memberName, hash); !s)
                    return s;
                current.insert(hash); // a hash given twice is linked once
            }
        }
        return {};
    });
}

Result<QHash<QString, QString>> TeamRepository::keyOwners() const
{
    return Sql(m_db, u"SELECT key_hash, member_name FROM member_keys"_s, u"Cannot read which member each key belongs to"_s)
        .textPairs();
}

} // namespace orteam
