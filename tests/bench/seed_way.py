"""The seed's way (openrouter-team-setup.md): its SQL through Python's sqlite3, on the database
bench_spend fills, and its plain sequential HTTP for the key sync. Prints one line per figure:
NAME MILLISECONDS ANSWER (the answer lets bench_spend check both sides did the same work).
Also writes a seed database the way the seed's scripts do (seed PATH USERS DAYS), for bench_bulk."""
import datetime
import json
import random
import sqlite3
import statistics
import sys
import time
import urllib.request


def median_ms(fn, runs):
    times, answer = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        answer = fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times), answer


def weekly(db):
    # team_usage_report(), verbatim.
    rows = db.execute("""
SELECT u.user_id, SUM(u.total_cost) as weekly_cost,
SUM(u.request_count) as requests,
b.daily_limit
FROM user_usage u
JOIN user_budgets b ON u.user_id = b.user_id
WHERE u.date >= date('now', '-7 days')
GROUP BY u.user_id
ORDER BY weekly_cost DESC
""").fetchall()
    return [{"user": r[0], "weekly_cost": round(r[1], 4), "requests": r[2], "daily_limit": r[3]} for r in rows]


def daily_series(db):
    # The chart's data the same SQL way: the team per day over 365 days, and the 5 biggest
    # spenders per day, every day present.
    days = [r[0] for r in db.execute("SELECT date('now', '-' || n || ' days') FROM "
                                     "(WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < 364) "
                                     "SELECT n FROM c) ORDER BY 1")]
    team = dict(db.execute("SELECT date, SUM(total_cost) FROM user_usage WHERE date >= date('now', '-364 days') "
                           "GROUP BY date").fetchall())
    top = [r[0] for r in db.execute("SELECT user_id FROM user_usage WHERE date >= date('now', '-364 days') "
                                    "GROUP BY user_id ORDER BY SUM(total_cost) DESC LIMIT 5")]
    series = {"team": [team.get(d, 0.0) for d in days]}
    for user in top:
        per_day = dict(db.execute("SELECT date, total_cost FROM user_usage WHERE user_id = ? AND "
                                  "date >= date('now', '-364 days')", (user,)).fetchall())
        series[user] = [per_day.get(d, 0.0) for d in days]
    return series


def sync(base, key, path):
    # Every page in turn, then one INSERT per key in one transaction.
    keys, offset = [], 0
    while True:
        req = urllib.request.Request(f"{base}/keys?include_disabled=true&offset={offset}",
                                     headers={"Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(req) as r:
            page = json.load(r)["data"]
        keys += page
        if len(page) < 100:
            break
        offset += 100
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS key_usage (key_hash TEXT NOT NULL, date TEXT NOT NULL, usage REAL, "
               "usage_daily REAL, usage_weekly REAL, usage_monthly REAL, PRIMARY KEY (key_hash, date))")
    with db:
        for k in keys:
            db.execute("INSERT OR REPLACE INTO key_usage VALUES (?, date('now'), ?, ?, ?, ?)",
                       (k["hash"], k["usage"], k["usage_daily"], k["usage_weekly"], k["usage_monthly"]))
    db.close()
    return len(keys)


def seed(path, users, days):
    # init_team_db()'s two tables and what record_user_usage() leaves in them: one row per user
    # and day, every user with a budget. One transaction, so a million rows take seconds.
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS user_usage (user_id TEXT NOT NULL, date TEXT NOT NULL, "
               "total_cost REAL DEFAULT 0, request_count INTEGER DEFAULT 0, PRIMARY KEY (user_id, date))")
    db.execute("CREATE TABLE IF NOT EXISTS user_budgets (user_id TEXT PRIMARY KEY, daily_limit REAL NOT NULL, "
               "model_allowlist TEXT)")
    rng = random.Random(users * days)
    today = datetime.date.today()
    dates = [(today - datetime.timedelta(days=d)).isoformat() for d in range(days)]
    with db:
        db.executemany("INSERT INTO user_budgets VALUES (?, ?, NULL)",
                       ((f"user-{u:04d}", 25.0) for u in range(users)))
        db.executemany("INSERT INTO user_usage VALUES (?, ?, ?, ?)",
                       ((f"user-{u:04d}", day, round(rng.uniform(0.1, 5.0), 4), rng.randint(20, 220))
                        for u in range(users) for day in dates))
    db.close()
    return users * days


def main():
    mode = sys.argv[1]
    if mode == "seed":
        t0 = time.perf_counter()
        rows = seed(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        print(f"seed {(time.perf_counter() - t0) * 1000.0:.2f} {rows}")
    elif mode == "weekly":
        # One report, as a person runs it: connect, query, print (the caller times the process).
        t0 = time.perf_counter()
        rows = weekly(sqlite3.connect(sys.argv[2]))
        print(f"weekly {(time.perf_counter() - t0) * 1000.0:.2f} {len(rows)}")
    elif mode == "queries":
        db = sqlite3.connect(sys.argv[2])
        runs = int(sys.argv[3])
        ms, rows = median_ms(lambda: weekly(db), runs)
        print(f"weekly {ms:.2f} {len(rows)}")
        ms, series = median_ms(lambda: daily_series(db), runs)
        print(f"daily {ms:.2f} {round(sum(series['team']), 2)}")
    else:
        ms, n = median_ms(lambda: sync(sys.argv[2], sys.argv[3], sys.argv[4]), int(sys.argv[5]))
        print(f"sync {ms:.2f} {n}")


main()
