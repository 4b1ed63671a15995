#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring and a throwaway HOME.
set -eu
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_RUNTIME_DIR=$home/run ORTEAM_KEYRING=1
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- sh -c 'eval "$(printf orteam | gnome-keyring-daemon --unlock --components=secrets)"; exec "$@"' sh "$@"
