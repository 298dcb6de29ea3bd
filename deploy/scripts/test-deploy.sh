#!/usr/bin/env bash
# npm run test:deploy — validates every generated Kubernetes object (deploy/generated) against the
# Kubernetes OpenAPI schema (kubernetes-models), every custom resource that deploy/ or a provider
# creates (PrometheusRule, ServiceMonitor, Chaos Mesh, k6-operator TestRun) against its upstream CRD
# in ../shared/fixtures/kubernetes (skipped with a message when that directory is absent), the
# golden files, and the providers' request plumbing against a stand-in of the Kubernetes API.
set -euo pipefail
cd "$(dirname "$0")/../.."
fixtures=../shared/fixtures/kubernetes
if [ ! -d "$fixtures" ]; then
  echo "[test:deploy] $fixtures not found: the CRD schema checks are skipped (OpenAPI and golden checks still run)" >&2
fi
npx vitest run --project unit deploy services/drill-controller/src/providers/kubernetes
