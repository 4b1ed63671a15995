#pragma once

// A team database written the way the seed's Python scripts write it: their two CREATE TABLEs,
// then their rows (`budgets` and `usage` are the VALUES lists of user_budgets and user_usage).
// Its first open by orteam is a seed migration: checked, copied, migrated. Call it from a test
// function and return when QTest::currentTestFailed() says a step failed.
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QTest>

namespace orteam::test {

inline void writeSeedDatabase(const QString &path, const QString &budgets, const QString &usage)
{
    using namespace Qt::Literals::StringLiterals;
    {
        QSqlDatabase seed = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"seed"_s);
        seed.setDatabaseName(path);
        QVERIFY(seed.open());
        QSqlQuery q(seed);
        QVERIFY(q.exec(u"CREATE TABLE IF NOT EXISTS user_usage (user_id TEXT NOT NULL, date TEXT NOT NULL, "
                       "total_cost REAL DEFAULT 0, request_count INTEGER DEFAULT 0, PRIMARY KEY (user_id, date))"_s));
        QVERIFY(q.exec(u"CREATE TABLE IF NOT EXISTS user_budgets (user_id TEXT PRIMARY KEY, daily_limit REAL NOT NULL, "
                       "model_allowlist TEXT)"_s));
        QVERIFY(q.exec(u"INSERT INTO user_budgets VALUES "_s + budgets));
        QVERIFY(q.exec(u"INSERT INTO user_usage VALUES "_s + usage));
        seed.close();
    }
    QSqlDatabase::removeDatabase(u"seed"_s);
}

} // namespace orteam::test
