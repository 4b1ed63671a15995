#!/bin/bash
# Every page of the demo at the sizes issue 19 asks the dashboard to fit, and under a dark palette:
#   resources/screenshots/take.sh path/to/orteam
# run from the repository. Pictures go to resources/screenshots/sizes/ (README "Every screen size
# and a dark palette"). A picture larger than asked means the window could not shrink to the
# size: the script says so and fails.
set -euo pipefail

# The pages, as `orteam --page` names them: a page added to the dashboard is added here.
PAGES="overview keys hygiene team spend reports audit notifications"

# name | options: 1280x720 and 1366x768 screens less ~70 px of title bar and panel; the same
# 1280x650 at 200% (a 2560x1440 screen); and 1280x650 dark.
VARIANTS=(
    "1280x650|--size 1280x650"
    "1366x698|--size 1366x698"
    "1280x650@2x|--size 1280x650 --scale 2"
    "1280x650-dark|--size 1280x650 --dark"
)

orteam=${1:?usage: $0 path/to/orteam}
out=$(dirname "$0")/sizes
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    XDG_RUNTIME_DIR=$(mktemp -d)
    export XDG_RUNTIME_DIR
fi

# The page names the binary knows, from its answer to an unknown one: a page missing from PAGES
# is reported, not silently left out.
known=$("$orteam" --demo --page '?' --screenshot /dev/null 2>&1 | sed -n 's/.*pages: //p' | tr -d ',' || true)
for page in $known; do
    [[ " $PAGES " == *" $page "* ]] || echo "take.sh: page \"$page\" is not in PAGES" >&2
done

png_size() { # width x height from the PNG header
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d x %d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'
}

failed=0
for variant in "${VARIANTS[@]}"; do
    name=${variant%%|*}
    read -ra options <<< "${variant#*|}"
    for page in $PAGES; do
        file="$out/$page-$name.png"
        "$orteam" --demo --page "$page" "${options[@]}" --screenshot "$file" 2>/dev/null
        if command -v pngquant >/dev/null; then
            pngquant --force --skip-if-larger --output "$file" -- "$file" || true
        fi
        size=$(png_size "$file")
        want=${name%%[-@]*}
        scale=1
        [[ $name == *@2x* ]] && scale=2
        want="$(( ${want%x*} * scale )) x $(( ${want#*x} * scale ))"
        if [ "$size" != "$want" ]; then
            echo "take.sh: $file is $size, not $want: the window does not fit" >&2
            failed=1
        fi
        echo "$file ($size)"
    done
done
exit $failed
