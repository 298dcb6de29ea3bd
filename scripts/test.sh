#!/usr/bin/env bash
# The project's test command (README: `npm ci && npm test`; CI: .ci/run). Does its own set-up:
# system packages from Debian (prometheus, chromium, postgresql) when missing, then every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$((SECONDS - started))"; }
started=$SECONDS

step "system packages"
bash scripts/setup-system.sh

step "real k6 for the load tests"
npx tsx scripts/testing/k6OnPath.ts

step "type-check (tsc -b, every workspace; runbooks; bench and scripts)"
npm run --silent typecheck

step "generated alerts, dashboards and Kubernetes manifests are up to date"
npm run --silent gen:check

step "Prometheus rules: promtool check + behavioural tests"
npm run --silent test:rules

step "Kubernetes manifests and custom resources: OpenAPI + upstream CRD schemas"
npm run --silent test:deploy

# The plugins' suites (their own install roots: tests, production build, browser test) do not
# touch the root's processes or ports, so they run in the background, at a lower CPU priority,
# while the unit and integration tests run in the foreground; their output is shown at the end.
plugin_log=$(mktemp -t drillbook-plugins.XXXXXX.log)
plugin_suites() {
  set -e
  step "Backstage plugin: tests, build, browser test"
  npm --prefix plugins/backstage test
  npm --prefix plugins/backstage run build
  npm --prefix plugins/backstage run e2e
  npm --prefix plugins/backstage run e2e:identity
  npm --prefix plugins/backstage run e2e:calendar
  step "Backstage backend plugin: type-check, tests against a real controller (startTestBackend)"
  npm --prefix plugins/backstage-backend run tsc
  npm --prefix plugins/backstage-backend test
  step "Grafana plugin: tests, build, browser test"
  npm --prefix plugins/grafana run typecheck
  npm --prefix plugins/grafana test
  npm --prefix plugins/grafana run build
  npm --prefix plugins/grafana run e2e
  npm --prefix plugins/grafana run e2e:calendar
}
setsid nice -n 10 bash -c "$(declare -f step plugin_suites); started=$((started - SECONDS)); plugin_suites" >"$plugin_log" 2>&1 &
plugins_pid=$!
# A failing foreground suite ends the script: take the background suites (their own process group) with it.
trap 'kill -- "-$plugins_pid" 2>/dev/null || true' EXIT

step "unit tests"
npx vitest run --project unit

step "integration tests (real processes on 127.0.0.1)"
npx vitest run --project integration

step "plugin suites (ran in the background; their output follows)"
plugins_rc=0
wait "$plugins_pid" || plugins_rc=$?
trap - EXIT
cat "$plugin_log"
rm -f "$plugin_log"
if [ "$plugins_rc" -ne 0 ]; then
  printf '\nplugin suites failed (exit %s)\n' "$plugins_rc" >&2
  exit "$plugins_rc"
fi

printf '\nall tests passed in %ss\n' "$((SECONDS - started))"
