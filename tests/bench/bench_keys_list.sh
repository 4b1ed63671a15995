#!/usr/bin/env bash
# `orteam-cli keys list --format json` over 10,000 keys from a local fake server, beside a plain
# sequential Python client and raw parallel curl of the same pages. Prints medians of 5 runs.
# Targets (issue 2): at least 2x faster than the sequential client; within 5x of parallel curl.
set -eu
fake=$1 cli=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
keys=${BENCH_KEYS:-10000}
runs=${BENCH_RUNS:-5}
"$fake" --keys "$keys" >"$work/fake.out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/fake.out" ] && break; sleep 0.1; done
read -r port mgmt <"$work/fake.out"
base="http://127.0.0.1:$port/api/v1"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() { # time_ms COMMAND... → milliseconds of one run
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}

pages=$(( keys / 100 + 1 ))
urls=()
for ((i = 0; i < pages; i++)); do urls+=("$base/keys?include_disabled=true&offset=$((i * 100))"); done
curl_parallel() { curl -s --no-progress-meter --parallel --parallel-max 6 -H "Authorization: Bearer $mgmt" "${urls[@]}"; }
cli_json() { OPENROUTER_MGMT_KEY=$mgmt "$cli" --base-url "$base" keys list --include-disabled --format json; }
py_seq() { python3 "$here/sequential_client.py" "$base" "$mgmt"; }

# Same answer from all three (a benchmark of a wrong result is worthless).
n_cli=$(cli_json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
n_py=$(py_seq | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n_cli" = "$keys" ] && [ "$n_py" = "$keys" ] || { echo "key counts differ: cli=$n_cli python=$n_py want=$keys"; exit 1; }

for name in cli_json py_seq curl_parallel; do
    for _ in $(seq 1 "$runs"); do time_ms $name; done | median >"$work/$name"
done
cli=$(cat "$work/cli_json") py=$(cat "$work/py_seq") curl=$(cat "$work/curl_parallel")
echo "bench keys-list: $keys keys, $pages pages, median of $runs runs"
printf '  %-44s %6d ms\n' "orteam-cli keys list --format json" "$cli" \
    "python sequential client (urllib, json)" "$py" "curl --parallel (6), no parsing" "$curl"
awk -v c="$cli" -v p="$py" -v u="$curl" 'BEGIN {
    sp = p / (c > 0 ? c : 1); ov = c / (u > 0 ? u : 1);
    printf "  speed-up over sequential client: %.2fx (target >= 2x: %s)\n", sp, (sp >= 2 ? "met" : "MISSED");
    printf "  cost over raw parallel curl:     %.2fx (target <= 5x: %s)\n", ov, (ov <= 5 ? "met" : "MISSED") }'
