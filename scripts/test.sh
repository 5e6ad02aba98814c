#!/usr/bin/env bash
# Set up everything the test suite needs, then run the whole suite. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
echo "test: running the suite"
exec .venv/bin/python -m pytest "$@"
