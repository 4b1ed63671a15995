#!/usr/bin/env bash
# Builds the .deb, installs it with apt (which must resolve every dependency), runs both programs
# from their installed paths, validates the launcher and metadata, then purges the package and
# checks that nothing it installed is left. Needs root. Usage: installer/check-package.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
export DEBIAN_FRONTEND=noninteractive
(cd "$build" && cpack >/dev/null) # the .deb and the .tar.gz (CPACK_GENERATOR)
deb=$(ls "$build"/orteam_*.deb | head -n 1)
tgz=$(ls "$build"/orteam-*.tar.gz | head -n 1)
listing=$(tar -tzf "$tgz") # listed once: grep -q on a pipe would cut tar off under pipefail
for f in bin/orteam bin/orteam-cli bin/orteam-gateway orteam/orteam-chart.so share/applications/io.github.orteam.orteam.desktop share/man/man1/orteam-cli.1 \
         lib/systemd/user/orteam-notify.service lib/systemd/user/orteam-notify.timer; do
    grep -q "/$f\$" <<<"$listing" || { echo "package check FAILED: $f missing from $tgz"; exit 1; }
done
echo "==> $tgz"
echo "==> $deb"
dpkg-deb --field "$deb" Package Version Depends
apt-get install -y -qq "$deb" >/dev/null
files=$(dpkg -L orteam | while read -r f; do [ -f "$f" ] && echo "$f"; done)

fail() { echo "package check FAILED: $*"; exit 1; }
version=$(/usr/bin/orteam-cli --version)
echo "installed: $version"
[[ $version == "orteam-cli $(dpkg-deb --field "$deb" Version) ("* ]] || fail "orteam-cli --version says '$version'"
/usr/bin/orteam-gateway --help | grep -q "Anthropic Messages" || fail "installed orteam-gateway --help"
# orteam-cli links no Qt Gui; the two commands that send reports load the chart module, which
# apt must have brought everything for (shlibdeps reads the module too).
cli_libraries=$(ldd /usr/bin/orteam-cli)
[[ $cli_libraries != *libQt6Gui* ]] || fail "orteam-cli links Qt Gui"
module=$(dpkg -L orteam | grep '/orteam/orteam-chart.so$' || true)
[ -n "$module" ] || fail "the package has no chart module"
module_libraries=$(ldd "$module")
[[ $module_libraries != *"not found"* ]] || fail "the chart module lacks a library: $module_libraries"
# Its application function is looked up only once the module is found to be of this build.
loads=$(LD_DEBUG=bindings /usr/bin/orteam-cli --db "$(mktemp -d)/team.db" notify list 2>&1 >/dev/null)
[[ $loads == *"to $module [0]: normal symbol \`orteam_chart_application'"* ]] \
    || fail "the installed orteam-cli does not use $module for notify"
shot=$(mktemp --suffix=.png)
QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$(mktemp -d) /usr/bin/orteam --demo --screenshot "$shot" 2>/dev/null \
    || fail "installed orteam --demo --screenshot"
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "screenshot is not a PNG"
desktop-file-validate /usr/share/applications/io.github.orteam.orteam.desktop || fail "desktop file"
appstreamcli validate --no-net /usr/share/metainfo/io.github.orteam.orteam.metainfo.xml >/dev/null || fail "metainfo"
[ -f /usr/share/icons/hicolor/scalable/apps/orteam.svg ] || fail "icon"
man -w orteam-cli >/dev/null 2>&1 || [ -f /usr/share/man/man1/orteam-cli.1 ] || fail "man page"
# The timer's service runs what the package installed, and nothing enabled it.
exec_start=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/user/orteam-notify.service)
[ -x "${exec_start%% *}" ] || fail "orteam-notify.service runs '$exec_start', which is not installed"
${exec_start%% *} notify run --help | grep -q "systemd" || fail "orteam-cli notify run --help"
[ ! -e /etc/systemd/user/timers.target.wants/orteam-notify.timer ] || fail "the package enabled the timer"

apt-get purge -y -qq orteam >/dev/null
left=$(for f in $files; do [ -e "$f" ] && echo "$f"; done || true)
[ -z "$left" ] || fail "left behind after purge: $left"
echo "package check: installed, ran, validated and removed cleanly ($(echo "$files" | wc -l) files)"
