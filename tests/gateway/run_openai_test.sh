#!/usr/bin/env bash
# Runs openai_client.mjs against a real orteam-gateway in front of the fake OpenRouter, then
# checks that the usage the gateway recorded is in the team database (read with orteam-cli).
# Arguments: fake server, orteam-cli, orteam-gateway, node_modules directory holding `openai`.
set -euo pipefail
fake=$1 cli=$2 gw=$3 modules=$4
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$modules/openai/package.json" ] || { echo "the openai npm package is not installed in $modules (installer/dev.sh test installs it)"; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$fake" --demo --chat-key sk-or-shared-test >"$work/fake.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/fake.out" ] && break; sleep 0.1; done
read -r fake_port _ <"$work/fake.out"

db=$work/team.db
export OPENROUTER_MGMT_KEY=
"$cli" --db "$db" members add ann --tier pro >/dev/null
"$cli" --db "$db" members add fay --tier free --daily-limit 0.02 >/dev/null
"$cli" --db "$db" members add ent --tier enterprise >/dev/null
"$cli" --db "$db" members add rex --tier basic >/dev/null
token_ann=$("$cli" --db "$db" members token ann 2>/dev/null)
token_fay=$("$cli" --db "$db" members token fay 2>/dev/null)
token_ent=$("$cli" --db "$db" members token ent 2>/dev/null)
token_rex=$("$cli" --db "$db" members token rex 2>/dev/null)
"$cli" --db "$db" members token rex --revoke >/dev/null

OPENROUTER_API_KEY=sk-or-shared-test "$gw" --db "$db" --port 0 --upstream "http://127.0.0.1:$fake_port/api/v1" \
    >"$work/gw.out" 2>"$work/gw.err" &
gw_pid=$!
pids+=($gw_pid)
for _ in $(seq 1 100); do grep -q listening "$work/gw.out" 2>/dev/null && break; sleep 0.1; done
gw_port=$(sed -n 's/^orteam-gateway listening on 127.0.0.1:\([0-9]*\) .*/\1/p' "$work/gw.out")
[ -n "$gw_port" ] || { echo "the gateway did not start:"; cat "$work/gw.err"; exit 1; }

GATEWAY_URL="http://127.0.0.1:$gw_port/api/v1" FAKE_URL="http://127.0.0.1:$fake_port" \
OPENAI_MODULE="$modules/openai" EXPECT_FILE="$work/expect.json" \
TOKEN_ANN=$token_ann TOKEN_FAY=$token_fay TOKEN_ENT=$token_ent TOKEN_REVOKED=$token_rex \
    node "$here/openai_client.mjs"

# SIGTERM: the gateway writes what it still holds, then exits 0.
kill -TERM "$gw_pid"
wait "$gw_pid"
"$cli" --db "$db" report weekly --format json >"$work/report.json"
python3 - "$work/expect.json" "$work/report.json" <<'PY'
import json, sys
expect = json.load(open(sys.argv[1]))
rows = {r["user"]: r for r in json.load(open(sys.argv[2]))["rows"]}
for user, want in expect.items():
    got = rows.get(user)
    assert got, f"no usage recorded for {user}: {rows}"
    assert abs(got["weekly_cost"] - want["cost"]) < 1e-9, (user, got, want)
    assert got["requests"] == want["requests"], (user, got, want)
assert "ent" not in rows, "an upstream error must not be recorded as usage"
print("ok - the recorded cost is in the team database:", {u: rows[u]["weekly_cost"] for u in expect})
PY
