#!/usr/bin/env bash
# The README's quick start, on a fresh Debian 12:
#   installer/dev.sh demo   install what is missing, build, open the demo dashboard
#   installer/dev.sh test   install what is missing, build, run the whole test suite
# Installing packages needs root (it uses sudo when not root). Safe to run again: it installs
# only what is missing and rebuilds incrementally.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${ORTEAM_BUILD_DIR:-$top/build}
mode=${1:-}
case "$mode" in demo|test|deps) ;; *) echo "usage: $0 demo|test|deps" >&2; exit 2 ;; esac

# Debian packages (see ../shared/design/ENVIRONMENT.md). qt6-charts-dev needs libqt6opengl6-dev and
# qt6-httpserver-dev needs qt6-websockets-dev, which Debian does not pull in by itself.
packages=(cmake ninja-build g++ dpkg-dev file pkg-config git curl python3
          qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
          libqt6sql6-sqlite libqt6sql6-psql qtkeychain-qt6-dev qt6-tools-dev qt6-l10n-tools qt6-qpa-plugins
          postgresql-15 xvfb xauth imagemagick dbus libsecret-1-0 gnome-keyring
          desktop-file-utils appstream)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "$mode" = test ] && ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    echo "==> installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ "$mode" = deps ] && exit 0

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
