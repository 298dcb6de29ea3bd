#!/usr/bin/env bash
# npm run test:rules — `promtool check rules` on every generated rule file, then `promtool test rules`
# on every generated behaviour test file. promtool comes from Debian's prometheus package, which
# scripts/setup-system.sh installs when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v promtool >/dev/null 2>&1; then
  echo "[test:rules] promtool not found: running scripts/setup-system.sh" >&2
  bash scripts/setup-system.sh
fi
mapfile -t rules < <(find alerts/generated -name '*.rules.yaml' | sort)
mapfile -t tests < <(find alerts/generated/tests -name '*.test.yaml' | sort)
if [ ${#rules[@]} -eq 0 ] || [ ${#tests[@]} -eq 0 ]; then
  echo "[test:rules] no generated rules or tests under alerts/generated: run npm run gen" >&2
  exit 1
fi
echo "[test:rules] promtool $(promtool --version 2>&1 | head -1 | awk '{print $3}'): ${#rules[@]} rule files, ${#tests[@]} test files"
promtool check rules "${rules[@]}"
promtool test rules "${tests[@]}"
