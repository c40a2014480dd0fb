#!/usr/bin/env bash
# Make sure a Chromium exists for the browser tests: the system one, else Playwright's,
# else Debian's package when running as root. Prints the path it settled on.
set -uo pipefail
py="${1:-.venv/bin/python}"
for candidate in "${SKOPX_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "chromium: $candidate"; exit 0; fi
done
if "$py" -m playwright install chromium >/dev/null 2>&1; then echo "chromium: playwright's"; exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium (apt-get)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1
  if [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium"; exit 0; fi
fi
echo "No Chromium found for the browser tests: install the 'chromium' package (apt-get install -y chromium) or set SKOPX_CHROMIUM=/path/to/chromium." >&2
exit 1
