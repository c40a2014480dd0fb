#!/usr/bin/env bash
# Refuse a Python older than 3.11 with one clear sentence.
set -euo pipefail
python="${1:-python3}"
if ! command -v "$python" >/dev/null; then
  echo "Python 3.11 or newer is required but '$python' was not found; install it or run make PYTHON=/path/to/python3.11." >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Python 3.11 or newer is required ('$python' is $("$python" -V 2>&1)); run make PYTHON=/path/to/python3.11." >&2
  exit 1
fi
