#!/usr/bin/env bash
# The device benchmark: prints flash/RAM per component, peak heap and
# instructions per handshake, next to the targets. Not a pass/fail test.
#   bench/device/run.sh [FIRMWARE_BUILD_DIR] [--check]
# Default build dir: build/firmware/mps2-an500 (made by scripts/build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-$root/build/firmware/mps2-an500}"
shift || true
exec python3 "$root/bench/device/bench.py" "$dir" "$@"
