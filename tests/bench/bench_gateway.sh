#!/usr/bin/env bash
# orteam-gateway's overhead with wrk: the same non-streaming chat completion sent straight to a
# zero-latency fake OpenRouter and through the gateway (token check, policy, budget, forward,
# cost recorded). Prints p50/p99 latency and requests/s of both, and what the gateway adds.
# Targets (issue 8, 2 cores): p50 added < 1 ms, p99 added < 5 ms, >= 2,000 requests/s.
set -euo pipefail
fake=$1 cli=$2 gw=$3
command -v wrk >/dev/null || { echo "bench gateway: wrk is not installed (apt-get install wrk)"; exit 0; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
duration=${BENCH_SECONDS:-8}
connections=${BENCH_CONNECTIONS:-8}

"$fake" --chat-key sk-or-bench >"$work/fake.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/fake.out" ] && break; sleep 0.1; done
read -r fake_port _ <"$work/fake.out"
export OPENROUTER_MGMT_KEY=
"$cli" --db "$work/team.db" members add bench --tier enterprise >/dev/null
token=$("$cli" --db "$work/team.db" members token bench 2>/dev/null)
# One member sends every request here: let all of wrk's connections be in flight at once.
OPENROUTER_API_KEY=sk-or-bench "$gw" --db "$work/team.db" --port 0 --max-in-flight 1000 \
    --upstream "http://127.0.0.1:$fake_port/api/v1" >"$work/gw.out" 2>"$work/gw.err" &
pids+=($!)
for _ in $(seq 1 100); do grep -q listening "$work/gw.out" 2>/dev/null && break; sleep 0.1; done
gw_port=$(sed -n 's/^orteam-gateway listening on 127.0.0.1:\([0-9]*\) .*/\1/p' "$work/gw.out")

lua() { # lua TOKEN → a wrk script posting one chat completion
    cat >"$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $2"
wrk.body = '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello."}]}'
LUA
}
lua direct sk-or-bench
lua gateway "$token"
run() { # run NAME URL CONNECTIONS → "p50_ms p99_ms rps"
    # Warm up (connections, caches), then measure.
    wrk -t1 -c"$3" -d2s -s "$work/$1.lua" "$2" >/dev/null
    wrk -t1 -c"$3" -d"${duration}s" --latency -s "$work/$1.lua" "$2" >"$work/$1-$3.txt"
    grep -q "Non-2xx" "$work/$1-$3.txt" && { echo "bench gateway: $1 answered errors:"; cat "$work/$1-$3.txt"; exit 1; }
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
         $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } $1 == "Requests/sec:" { rps = $2 }
         END { printf "%.3f %.3f %.0f\n", p50, p99, rps }' "$work/$1-$3.txt"
}
# Latency with one connection (what one request costs, no queueing); throughput with several.
read -r d50 d99 _ < <(run direct "http://127.0.0.1:$fake_port/api/v1/chat/completions" 1)
read -r g50 g99 _ < <(run gateway "http://127.0.0.1:$gw_port/api/v1/chat/completions" 1)
read -r _ _ drps < <(run direct "http://127.0.0.1:$fake_port/api/v1/chat/completions" "$connections")
read -r c50 c99 grps < <(run gateway "http://127.0.0.1:$gw_port/api/v1/chat/completions" "$connections")
echo "bench gateway: wrk, ${duration}s per run, non-streaming chat completion, zero-latency fake upstream"
printf '  %-34s p50 %7.3f ms   p99 %7.3f ms\n' "1 connection, direct to the fake" "$d50" "$d99" \
    "1 connection, through the gateway" "$g50" "$g99"
printf '  %-34s %7d requests/s direct, %7d through the gateway (p50 %.3f ms, p99 %.3f ms)\n' \
    "$connections connections" "$drps" "$grps" "$c50" "$c99"
awk -v d50="$d50" -v d99="$d99" -v g50="$g50" -v g99="$g99" -v grps="$grps" 'BEGIN {
    a50 = g50 - d50; a99 = g99 - d99;
    printf "  added by the gateway:              p50 %7.3f ms (target < 1 ms: %s)   p99 %7.3f ms (target < 5 ms: %s)\n",
        a50, (a50 < 1 ? "met" : "MISSED"), a99, (a99 < 5 ? "met" : "MISSED");
    printf "  gateway throughput: %d requests/s (target >= 2000: %s)\n", grps, (grps >= 2000 ? "met" : "MISSED") }'
kill -TERM "${pids[1]}"
sleep 1.5
"$cli" --db "$work/team.db" report weekly --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
print("  recorded by the gateway: %d requests, $%.2f" % (rows[0]["requests"], rows[0]["weekly_cost"]))'
