#!/usr/bin/env bash
# Runs the third-party clients (openai_client.mjs, anthropic_client.mjs, vercel_client.mjs) against
# one real orteam-gateway in front of the fake OpenRouter, then checks that what each member was
# charged is in the team database (read with orteam-cli): every member's exact cost and request
# count. Each client runs even when one before it failed, so one run shows every failure.
# Arguments: fake server, orteam-cli, orteam-gateway, node_modules directory holding the packages
# of tests/gateway/package.json (installer/dev.sh test installs them).
set -euo pipefail
shopt -s nullglob # no client expectations: no files, not a literal pattern
fake=$1 cli=$2 gw=$3 modules=$4
here=$(cd "$(dirname "$0")" && pwd)
clients=(openai anthropic vercel)
for package in $(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["dependencies"]))' "$here/package.json"); do
    [ -f "$modules/$package/package.json" ] || {
        echo "the npm package $package is not installed in $modules (installer/dev.sh test installs tests/gateway/package.json)"
        exit 1
    }
done
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

shared_key=sk-or-shared-test
"$fake" --demo --chat-key "$shared_key" >"$work/fake.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/fake.out" ] && break; sleep 0.1; done
read -r fake_port _ <"$work/fake.out"

# Members by client, so each client's charges are its own. openai: ann, fay, ent (errors only,
# never charged), eve, bob, and rex whose token is revoked; anthropic: amy, kim, ada; vercel: val.
db=$work/team.db
export OPENROUTER_MGMT_KEY=
add() { "$cli" --db "$db" members add "$@" >/dev/null; }
add ann --tier pro
add fay --tier free --daily-limit 0.02
add ent --tier enterprise
add eve --tier enterprise
add bob --tier basic
add rex --tier basic
add amy --tier pro
add kim --tier free --daily-limit 0.01
add ada --tier enterprise
add val --tier enterprise --daily-limit 5
{
    printf '{'
    for m in ann fay ent eve bob amy kim ada val; do printf '"%s": "%s", ' "$m" "$("$cli" --db "$db" members token "$m" 2>/dev/null)"; done
    printf '"revoked": "%s"}' "$("$cli" --db "$db" members token rex 2>/dev/null)"
} >"$work/tokens.json"
"$cli" --db "$db" members token rex --revoke >/dev/null

# Two threads: the clients' connections are spread over both, and every charge must still add up.
OPENROUTER_API_KEY=$shared_key "$gw" --db "$db" --port 0 --threads 2 --upstream "http://127.0.0.1:$fake_port/api/v1" \
    >"$work/gw.out" 2>"$work/gw.err" &
gw_pid=$!
pids+=($gw_pid)
for _ in $(seq 1 100); do grep -q listening "$work/gw.out" 2>/dev/null && break; sleep 0.1; done
gw_port=$(sed -n 's/^orteam-gateway listening on 127.0.0.1:\([0-9]*\) .*/\1/p' "$work/gw.out")
[ -n "$gw_port" ] || { echo "the gateway did not start:"; cat "$work/gw.err"; exit 1; }

failed=()
for c in "${clients[@]}"; do
    echo "# $c"
    GATEWAY_ORIGIN="http://127.0.0.1:$gw_port" FAKE_URL="http://127.0.0.1:$fake_port" SHARED_KEY=$shared_key \
    NODE_MODULES="$modules" TOKENS_FILE="$work/tokens.json" EXPECT_FILE="$work/expect-$c.json" \
        node "$here/${c}_client.mjs" || failed+=("$c")
done

# SIGTERM: the gateway writes what it still holds, then exits 0.
kill -TERM "$gw_pid"
wait "$gw_pid"
if grep -q "not charged" "$work/gw.err"; then
    echo "the gateway could not charge some requests:"
    grep "not charged" "$work/gw.err"
fi
"$cli" --db "$db" report weekly --format json >"$work/report.json"
# A client that failed wrote no expectations: its members are not checked, and may have rows.
recorded=ok
python3 - "$work/report.json" "${#failed[@]}" "$work"/expect-*.json <<'PY' || recorded=wrong
import json, sys
rows = {r["user"]: r for r in json.load(open(sys.argv[1]))["rows"]}
all_passed = sys.argv[2] == "0"
expect = {}
for path in sys.argv[3:]:
    for user, want in json.load(open(path)).items():
        assert user not in expect, f"{user} is in two clients' expectations"
        expect[user] = want
problems = []
for user, want in sorted(expect.items()):
    got = rows.get(user)
    if not got:
        problems.append(f"no usage recorded for {user} (want {want})")
    elif abs(got["weekly_cost"] - want["cost"]) > 1e-9 or got["requests"] != want["requests"]:
        problems.append(f"{user}: recorded ${got['weekly_cost']:.6f} in {got['requests']} requests, "
                        f"want ${want['cost']:.6f} in {want['requests']}")
if "ent" in rows:
    problems.append(f"an upstream error must not be recorded as usage: {rows['ent']}")
if all_passed and set(rows) - set(expect):
    problems.append(f"usage recorded for members no client charged: {sorted(set(rows) - set(expect))}")
for p in problems:
    print("not ok -", p)
if problems:
    sys.exit(1)
print("ok - the team database holds each member's cost and requests:",
      {u: (round(rows[u]["weekly_cost"], 6), rows[u]["requests"]) for u in sorted(expect)})
PY
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
[ ${#failed[@]} -eq 0 ] && [ "$recorded" = ok ]
