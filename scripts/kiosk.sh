#!/usr/bin/env bash
# Open the visitor screen full-screen in Chromium once the exhibit answers /healthz.
# Started by the desktop session (autostart entry installed by scripts/install-pi.sh).
set -euo pipefail

port=${OKO_PORT:-8080}
url="http://127.0.0.1:${port}/"

say() { printf 'oko-kiosk: %s\n' "$*"; }

browser=$(command -v chromium-browser || command -v chromium || true)
if [[ -z "$browser" ]]; then
    say "Chromium is not installed; run: sudo apt install chromium-browser"
    exit 1
fi

say "waiting for ${url}healthz"
for _ in $(seq 1 120); do
    if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "${url}healthz" 2>/dev/null; then
        break
    fi
    sleep 1
done

# A fresh profile in RAM each time: no history, cache or crash restore on the SD card.
profile=$(mktemp -d "${XDG_RUNTIME_DIR:-/tmp}/oko-kiosk.XXXXXX")
trap 'rm -rf "$profile"' EXIT
say "opening $url"
"$browser" --kiosk --noerrdialogs --disable-infobars --incognito --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-translate --disable-features=Translate --check-for-update-interval=31536000 \
    --user-data-dir="$profile" --disk-cache-size=1 "$url"
