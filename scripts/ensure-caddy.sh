#!/usr/bin/env bash
# Make sure Caddy (the TLS front of `make run-tls` and of the Observatory test) exists: the one on
# PATH or $SKOPX_CADDY, else Debian's package when running as root. Prints the path it settled on.
set -uo pipefail
for candidate in "${SKOPX_CADDY:-}" "$(command -v caddy 2>/dev/null)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "caddy: $candidate"; exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's caddy (apt-get)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends caddy) >/dev/null 2>&1
  if [ -x /usr/bin/caddy ]; then
    # The package starts a system-wide Caddy on port 80; Skopx runs its own instance instead.
    if command -v systemctl >/dev/null && systemctl is-active --quiet caddy 2>/dev/null; then
      systemctl disable --now caddy >/dev/null 2>&1
    fi
    echo "caddy: /usr/bin/caddy"; exit 0
  fi
fi
echo "Caddy is missing: install the caddy package (apt-get install -y caddy) or set SKOPX_CADDY=/path/to/caddy." >&2
exit 1
