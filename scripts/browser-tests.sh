#!/usr/bin/env bash
# Runs the browser tests (tests/browser) against a fresh `fairdesk serve`, with Debian's Chromium
# driven by Playwright. Needs: apt-get install chromium; pip install playwright pytest; swift build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/debug/fairdesk ] || swift build --product fairdesk
command -v chromium >/dev/null || { echo "Chromium is needed: apt-get install -y chromium" >&2; exit 1; }
python3 -c "import playwright, pytest" 2>/dev/null || { echo "Playwright is needed: pip install playwright pytest" >&2; exit 1; }
exec python3 -m pytest tests/browser -q "$@"
