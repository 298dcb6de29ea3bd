#!/usr/bin/env bash
# npm run gen:check — regenerates alerts, dashboards and deploy/ and fails when that changed anything under
# the generated paths (a hand edit, or a source change committed without `npm run gen`).
set -euo pipefail
cd "$(dirname "$0")/../.."
paths=(alerts/generated dashboards/generated deploy/generated)
npm run --silent gen
status=0
if ! git diff --exit-code --stat -- "${paths[@]}"; then
  status=1
fi
untracked=$(git ls-files --others --exclude-standard -- "${paths[@]}")
if [ -n "$untracked" ]; then
  echo "untracked generated files:" >&2
  echo "$untracked" >&2
  status=1
fi
if [ $status -ne 0 ]; then
  echo "[gen:check] generated files are out of date: run npm run gen and commit the result" >&2
  exit 1
fi
echo "[gen:check] generated files are up to date"
