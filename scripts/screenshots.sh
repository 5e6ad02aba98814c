#!/usr/bin/env bash
# Make the README's screenshots (visitor screen in English and Serbian, the facilitator page
# logged in, lesson mode) from the bundled demo clip in a real headless Chromium, into
# docs/screenshots/. Needs the test set-up (scripts/setup.sh --test: Chromium, playwright).
# Run it again whenever the screens change. Extra arguments go to scripts/screenshots.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
  echo "screenshots: no $PYTHON; run scripts/setup.sh --test first (or set PYTHON)" >&2
  exit 1
fi
echo "screenshots: serving the demo clip and photographing the screens"
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" exec "$PYTHON" scripts/screenshots.py "$@"
