#!/usr/bin/env bash
# `orteam-cli keys list` over 10,000 keys from a static local server, in each format (table, json,
# csv), beside a plain sequential Python client, raw parallel curl of the same pages and (when
# given) a bare QNetworkAccessManager fetching them as orteam-cli does, all in the same run: the
# floor of Qt's HTTP stack, so the figures say how much is Qt's and how much orteam-cli's own.
# Prints medians of 11 runs taken in turns, in a new order each round, so a machine that slows
# down part-way weighs on all of them alike and none always follows the same one; the Python
# client (a second of CPU a run) is timed apart, before them.
# The pages are the fake server's, fetched once and then served as files by nginx (when installed),
# so the figures are the clients' own cost and not the fake server's making of each page (which
# costs more than any client here).
# Targets (issue 20): every format at most 0.5x the sequential client's time and at most 3x
# parallel curl's.
set -eu
fake=$1 cli=$2 qnam=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
keys=${BENCH_KEYS:-10000}
runs=${BENCH_RUNS:-11}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$fake" --keys "$keys" >"$work/fake.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/fake.out" ] && break; sleep 0.1; done
read -r port mgmt <"$work/fake.out"
base="http://127.0.0.1:$port/api/v1"
pages=$(( keys / 100 + 1 ))

server="the fake server"
nginx=$(PATH=$PATH:/usr/sbin:/sbin command -v nginx || true)
if [ -n "$nginx" ]; then
    mkdir -p "$work/static/pages"
    chmod 755 "$work" # nginx's worker runs as nobody when the bench runs as root
    for ((i = 0; i < pages; i++)); do
        curl -sf -H "Authorization: Bearer $mgmt" -o "$work/static/pages/$((i * 100)).json" \
            "$base/keys?include_disabled=true&offset=$((i * 100))"
    done
    echo '{"data":[]}' >"$work/static/empty.json"
    nginx_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    . "$here/nginx_conf.sh"
    nginx_conf_head "$work" >"$work/nginx.conf"
    cat >>"$work/nginx.conf" <<CONF
    keepalive_requests 100000;
    # GET /keys without an offset is the first page.
    map \$arg_offset \$page { "" 0; default \$arg_offset; }
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/static;
        default_type application/json;
        # Past the last page OpenRouter answers an empty one (the CLI asks a window ahead).
        location = /api/v1/keys { try_files /pages/\$page.json /empty.json; }
    }
}
CONF
    "$nginx" -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx.conf" 2>"$work/nginx.err" &
    pids+=($!)
    for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/api/v1/keys" && break; sleep 0.1; done
    if curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/api/v1/keys"; then
        base="http://127.0.0.1:$nginx_port/api/v1"
        server="nginx serving the fake server's pages"
    else
        echo "bench keys-list: nginx did not start; measuring against the fake server itself:"
        cat "$work/nginx.err" "$work/nginx/error.log" 2>/dev/null || true
    fi
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() { # time_ms COMMAND... → milliseconds of one run
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}

urls=()
for ((i = 0; i < pages; i++)); do urls+=("$base/keys?include_disabled=true&offset=$((i * 100))"); done
curl_parallel() { curl -s --no-progress-meter --parallel --parallel-max 6 -H "Authorization: Bearer $mgmt" "${urls[@]}"; }
cli_list() { OPENROUTER_MGMT_KEY=$mgmt "$cli" --base-url "$base" keys list --include-disabled --format "$1"; }
cli_table() { cli_list table; }
cli_json() { cli_list json; }
cli_csv() { cli_list csv; }
py_seq() { python3 "$here/sequential_client.py" "$base" "$mgmt"; }
qnam_fetch() { "$qnam" "$base" "$mgmt" "$pages"; }

# Same answer from all of them (a benchmark of a wrong result is worthless): every key in each format.
n_json=$(cli_json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
n_csv=$(cli_csv | python3 -c 'import csv,sys; print(len(list(csv.reader(sys.stdin))) - 1)')
n_table=$(cli_table | sed -n 's/^Total spend: .* across \([0-9,]*\) keys$/\1/p' | tr -d ,)
n_py=$(py_seq | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
for n in "$n_json" "$n_csv" "$n_table" "$n_py"; do
    [ "$n" = "$keys" ] || { echo "key counts differ: json=$n_json csv=$n_csv table=$n_table python=$n_py want=$keys"; exit 1; }
done

for _ in $(seq 1 "$runs"); do time_ms py_seq; done | median >"$work/py_seq"
names=(cli_table cli_json cli_csv curl_parallel)
if [ -n "$qnam" ]; then
    [ "$(qnam_fetch | wc -c)" = "$(curl_parallel | wc -c)" ] || { echo "bench_qnam_fetch and curl fetched different bytes"; exit 1; }
    names+=(qnam_fetch)
fi
for _ in $(seq 1 "$runs"); do
    for name in $(printf '%s\n' "${names[@]}" | shuf); do time_ms "$name" >>"$work/$name.runs"; done
done
for name in "${names[@]}"; do median <"$work/$name.runs" >"$work/$name"; done
py=$(cat "$work/py_seq") curl=$(cat "$work/curl_parallel")
echo "bench keys-list: $keys keys, $pages pages from $server, median of $runs runs taken in turns"
printf '  %-44s %6d ms\n' "python sequential client (urllib, json)" "$py" "curl --parallel (6), no parsing" "$curl"
if [ -n "$qnam" ]; then
    awk -v q="$(cat "$work/qnam_fetch")" -v u="$curl" 'BEGIN {
        printf "  %-44s %6d ms  %.2fx curl (Qt'"'"'s HTTP stack alone: the floor for orteam-cli)\n",
            "QNetworkAccessManager (6), no parsing", q, q / (u > 0 ? u : 1) }'
fi
for format in table json csv; do
    awk -v f="$format" -v c="$(cat "$work/cli_$format")" -v p="$py" -v u="$curl" 'BEGIN {
        rp = c / (p > 0 ? p : 1); ru = c / (u > 0 ? u : 1);
        printf "  %-44s %6d ms  %.2fx python (target <= 0.5x: %s)  %.2fx curl (target <= 3x: %s)\n",
            "orteam-cli keys list --format " f, c, rp, (rp <= 0.5 ? "met" : "MISSED"), ru, (ru <= 3 ? "met" : "MISSED") }'
done
