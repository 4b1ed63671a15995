#!/usr/bin/env bash
# Fuzzes each target for SECONDS from a copy of its committed seed corpus (the corpus in the tree
# stays small and reviewed). A crash, leak, hang or UBSan report fails the run and leaves the
# reproducer in the work folder, named in the output.
set -u
build=$1 seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/orteam-fuzz.XXXXXX)
failed=0
for target in fuzz_keys_json fuzz_activity_json fuzz_error_json fuzz_roster_csv fuzz_gateway_input; do
    cp -r "$here/corpus/$target" "$work/$target"
    log="$work/$target.log"
    if (cd "$work" && "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 "$work/$target" >"$log" 2>&1); then
        echo "fuzz: $target ok — $(grep -m1 -E '^Done' "$log"), corpus $(ls "$work/$target" | wc -l) inputs"
    else
        failed=1
        echo "fuzz: $target FAILED (log: $log, reproducer in $work)"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20
    fi
done
[ "$failed" = 0 ] && rm -rf "$work"
exit $failed
