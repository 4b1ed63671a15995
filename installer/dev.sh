#!/usr/bin/env bash
# The README's quick start, on a fresh Debian 12:
#   installer/dev.sh demo   install what is missing, build, open the demo dashboard
#   installer/dev.sh test   install what is missing, build, run the whole test suite
# and, for CI and the curious:
#   installer/dev.sh sanitize   the whole suite again, built with AddressSanitizer + UBSan (build-asan)
#   installer/dev.sh fuzz [S]   the libFuzzer targets (clang-14), each fuzzed S seconds (30) (build-fuzz)
# Installing packages needs root (it uses sudo when not root). Safe to run again: it installs
# only what is missing and rebuilds incrementally.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${ORTEAM_BUILD_DIR:-$top/build}
mode=${1:-}
case "$mode" in demo|test|deps|sanitize|fuzz) ;; *) echo "usage: $0 demo|test|deps|sanitize|fuzz" >&2; exit 2 ;; esac

# Debian 12 packages: everything the build, the tests, the package check and the fuzzers need.
# qt6-charts-dev needs libqt6opengl6-dev and qt6-httpserver-dev needs qt6-websockets-dev, which
# Debian does not pull in by itself.
packages=(cmake ninja-build g++ dpkg-dev file pkg-config git curl python3
          zlib1g-dev libsqlite3-dev qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
          libqt6sql6-sqlite libqt6sql6-psql qtkeychain-qt6-dev qt6-tools-dev qt6-l10n-tools qt6-qpa-plugins
          postgresql-15 xvfb xauth imagemagick dbus libsecret-1-0 gnome-keyring
          desktop-file-utils appstream clang-14 libclang-rt-14-dev openssl wrk nginx sqlite3 python3-aiosmtpd)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "$mode" != demo ] && ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    echo "==> installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ "$mode" = deps ] && exit 0

if [ "$mode" = fuzz ]; then
    seconds=${2:-30}
    echo "==> building the fuzz targets with clang-14 in $build-fuzz"
    CXX=clang++-14 cmake -S "$top" -B "$build-fuzz" -G Ninja -DORTEAM_FUZZ=ON -DORTEAM_BUILD_TESTS=OFF >/dev/null
    cmake --build "$build-fuzz" --target fuzzers
    ctest --test-dir "$build-fuzz" -L fuzz --output-on-failure
    echo "==> fuzzing each target for $seconds s"
    exec bash "$top/tests/fuzz/run_fuzzers.sh" "$build-fuzz" "$seconds"
fi
if [ "$mode" = sanitize ]; then
    # -O0 -g1: the sanitizers catch the same bugs, and the tree builds in half the time of -O1 -g.
    echo "==> building with AddressSanitizer and UndefinedBehaviorSanitizer in $build-asan"
    cmake -S "$top" -B "$build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" \
          -DORTEAM_SANITIZE=ON >/dev/null
    cmake --build "$build-asan"
    export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
    chmod 700 "$XDG_RUNTIME_DIR"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
    echo "==> running the test suite under the sanitizers"
    exec ctest --test-dir "$build-asan" --output-on-failure -j2 --timeout 900
fi

cmake_args=(-S "$top" -B "$build" -G Ninja)
if [ "$mode" = test ]; then
    # Stoplight Prism checks every request the CLI sends against OpenRouter's OpenAPI spec.
    prism_dir=${XDG_CACHE_HOME:-$HOME/.cache}/orteam/prism
    if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
        echo "==> installing Stoplight Prism into $prism_dir"
        mkdir -p "$prism_dir"
        npm install --silent --no-audit --no-fund --prefix "$prism_dir" @stoplight/prism-cli@5 >/dev/null
    fi
    cmake_args+=(-DORTEAM_PRISM="$prism_dir/node_modules/.bin/prism")
    # Clients nobody here wrote drive orteam-gateway in its tests: the npm packages that
    # tests/gateway/package.json names. They are installed again when that file changes (its hash
    # is kept beside the copy) or when one of them is missing.
    node_dir=${XDG_CACHE_HOME:-$HOME/.cache}/orteam/node
    node_list=$top/tests/gateway/package.json
    node_hash=$(sha256sum "$node_list" | cut -d' ' -f1)
    node_missing=$(node -e 'const fs = require("fs"), [list, dir] = process.argv.slice(1);
        for (const p in JSON.parse(fs.readFileSync(list, "utf8")).dependencies)
            if (!fs.existsSync(`${dir}/node_modules/${p}/package.json`)) console.log(p);' "$node_list" "$node_dir")
    if [ -n "$node_missing" ] || [ "$(cat "$node_dir/package.json.sha256" 2>/dev/null)" != "$node_hash" ]; then
        echo "==> installing the gateway tests' npm packages (tests/gateway/package.json) into $node_dir"
        mkdir -p "$node_dir"
        cp "$node_list" "$node_dir/package.json"
        npm install --loglevel=error --no-audit --no-fund --prefix "$node_dir" >/dev/null
        echo "$node_hash" >"$node_dir/package.json.sha256"
    fi
    cmake_args+=(-DORTEAM_NODE_MODULES="$node_dir/node_modules")
fi
echo "==> building in $build"
cmake "${cmake_args[@]}" >/dev/null
cmake --build "$build"

if [ "$mode" = demo ]; then
    exec "$build/app/gui/orteam" --demo
fi
echo "==> running the test suite"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
chmod 700 "$XDG_RUNTIME_DIR"
ctest --test-dir "$build" --output-on-failure -j2
