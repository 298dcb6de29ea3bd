#!/usr/bin/env bash
# The project's test command (README: `npm ci && npm test`; CI: .ci/run). Does its own set-up:
# system packages from Debian (prometheus, chromium, postgresql) when missing, then every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
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

step "unit tests"
npx vitest run --project unit

step "integration tests (real processes on 127.0.0.1)"
npx vitest run --project integration

step "Backstage plugin: tests, build, browser test"
npm --prefix plugins/backstage test
npm --prefix plugins/backstage run build
npm --prefix plugins/backstage run e2e
npm --prefix plugins/backstage run e2e:calendar

step "Grafana plugin: tests, build, browser test"
npm --prefix plugins/grafana test
npm --prefix plugins/grafana run build
npm --prefix plugins/grafana run e2e
npm --prefix plugins/grafana run e2e:calendar

printf '\nall tests passed in %ss\n' "$((SECONDS - started))"
