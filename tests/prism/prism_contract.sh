#!/usr/bin/env bash
# Runs every orteam-cli command against Prism's validating mock of openapi.yaml. Prism answers a
# request that breaks the spec with an error status (and an sl-violations header), which makes the
# command fail, so a zero exit for each command means its requests were valid.
set -u
prism=$1 spec=$2 cli=$3
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work"' EXIT
[ -f "$spec" ] || { echo "spec not found: $spec"; exit 1; }

port=$(( 20000 + RANDOM % 20000 ))
"$prism" mock --host 127.0.0.1 --port "$port" "$spec" >"$work/prism.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
    curl -s -o /dev/null "$base/credits" -H 'Authorization: Bearer x' && break
    kill -0 $pid 2>/dev/null || { echo "prism exited:"; cat "$work/prism.log"; exit 1; }
    sleep 0.5
done

export OPENROUTER_BASE_URL=$base OPENROUTER_MGMT_KEY=sk-or-v1-contract-check
# The CLI's default team database lives under XDG_DATA_HOME: keep it in the work folder, so a run
# outside CTest never writes to the user's own.
export XDG_DATA_HOME=$work/data
hash=f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943
passed=0 failed=0
check() { # check EXPECTED_EXIT DESCRIPTION -- ARGS...
    local expected=$1 what=$2; shift 3
    local out rc
    out=$("$cli" "$@" 2>&1); rc=$?
    if [ "$rc" = "$expected" ]; then
        passed=$((passed + 1)); echo "PASS: $what"
    else
        failed=$((failed + 1)); echo "FAIL: $what (exit $rc, wanted $expected): $out"
    fi
}

# check_says EXPECTED_EXIT PATTERN DESCRIPTION -- ARGS...: as check, and the output must match PATTERN.
check_says() {
    local expected=$1 pattern=$2 what=$3; shift 4
    local out rc
    out=$("$cli" "$@" 2>&1); rc=$?
    if [ "$rc" = "$expected" ] && grep -q -- "$pattern" <<<"$out"; then
        passed=$((passed + 1)); echo "PASS: $what"
    else
        failed=$((failed + 1)); echo "FAIL: $what (exit $rc, wanted $expected and /$pattern/): $out"
    fi
}

# The checker itself must be able to fail: a body that breaks the schema is refused.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/keys" -H 'Authorization: Bearer x' \
       -H 'Content-Type: application/json' -d '{"name":"x","limit":"ten","limit_reset":"yearly"}')
if [ "${code:0:1}" = 4 ]; then passed=$((passed + 1)); echo "PASS: prism refuses an invalid body ($code)";
else failed=$((failed + 1)); echo "FAIL: prism accepted an invalid body ($code)"; fi

check 0 "keys list"                        -- keys list
check 0 "keys list --include-disabled json" -- keys list --include-disabled --format json
check 0 "keys list csv"                    -- keys list --format csv
check 0 "keys show by hash"                -- keys show "$hash"
check 0 "keys show by name"                -- keys show "My Production Key"
check 0 "keys create (all options)"        -- keys create "contract key" --limit 25 --reset monthly --expires 2030-01-31 --include-byok
check 0 "keys create (name only)"          -- keys create "plain key"
check 0 "keys create json"                 -- keys create "json key" --limit 0.5 --format json
check 0 "keys disable"                     -- keys disable "$hash"
check 0 "keys enable"                      -- keys enable "$hash"
check 0 "keys set-limit with reset"        -- keys set-limit "$hash" 75 --reset daily
check 0 "keys set-limit none"              -- keys set-limit "$hash" none
check 0 "keys revoke"                      -- keys revoke "$hash" --yes
check 0 "credits"                          -- credits
# Tiers pushed to guardrails and the daily check: their POST/PATCH bodies are checked too.
db="$work/team.db"
check 0 "members add (for tiers)"          -- --db "$db" members add alice --tier basic --daily-limit 0
check 0 "members link"                     -- --db "$db" members link alice "$hash"
check 0 "members add (an org member's email)" -- --db "$db" members add jane --tier basic --email jane.doe@example.com --daily-limit 2
check 0 "members match --dry-run"          -- --db "$db" members match --dry-run
check 0 "members match (links by email)"   -- --db "$db" members match --yes --format json
check 2 "members link-user (taken: refused)" -- --db "$db" members link-user alice user_2dHFtVWx2n56w6HkM0000000000
check 0 "members unlink-user"              -- --db "$db" members unlink-user jane
check 0 "members link-user (by hand)"      -- --db "$db" members link-user alice user_2dHFtVWx2n56w6HkM0000000000
# The activity sync's POST /analytics/query bodies. Prism accepts them (a request breaking the
# schema would be answered 400 and named so) and answers the spec's example, whose one row holds
# request_count only: the sync must refuse that answer by its path, having sent a valid request.
check_says 1 'data\.data\[0\]\.' "sync: analytics request valid, an answer without cost refused" -- --db "$db" sync
check 0 "tiers apply --dry-run"            -- --db "$db" tiers apply --dry-run
check 0 "tiers apply (create, assign keys and people)" -- --db "$db" tiers apply --yes
check 0 "workspaces list (budgets, members)" -- --db "$db" workspaces list --format json
check 0 "workspaces create"                -- --db "$db" workspaces create "Contract Check" --description "from the contract test"
check 0 "workspaces rename (by slug)"      -- --db "$db" workspaces rename production "Production Renamed"
check 0 "workspaces budget (DELETE, PUT)"  -- --db "$db" workspaces budget production --monthly none --daily 5 --yes
check 0 "workspaces members --add (POST)"  -- --db "$db" workspaces members production --add alice --yes
check 0 "workspaces spend (the database only)" -- --db "$db" workspaces spend --format csv
check 0 "members offboard (keys, people off guardrails)" -- --db "$db" members offboard alice --yes
check 0 "budgets check --enforce (PATCH)"  -- --db "$db" budgets check --enforce
# The spec's example for GET /key is an API key, so whoami must say so (exit 4), having parsed it.
check 4 "whoami parses GET /key"           -- whoami

if grep -q "sl-violations\|Request terminated\|violation" "$work/prism.log" && [ "$failed" -gt 0 ]; then
    echo "--- prism log (violations) ---"; grep -i "violation" "$work/prism.log" | head -20
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
