#!/usr/bin/env bash
# Installs the system packages the tests and the main job use, from Debian, when they are missing:
#   prometheus (+ promtool)  alert rule tests, real Prometheus in the loop
#   chromium                 browser tests of the plugins (driven by playwright-core)
#   postgresql               controller storage tests against PostgreSQL
#   nginx-light              the HTTP model store (tests and the embedded stack start their own nginx)
# Only installs with apt-get when apt exists and we are root; otherwise says what is missing.
set -euo pipefail
want=()
command -v promtool >/dev/null 2>&1 || want+=(prometheus)
command -v chromium >/dev/null 2>&1 || want+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || want+=(postgresql)
[ -x /usr/sbin/nginx ] || want+=(nginx-light)
if [ ${#want[@]} -eq 0 ]; then
  echo "[setup-system] prometheus, chromium, postgresql and nginx are present"
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "[setup-system] installing from Debian: ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep package scripts from starting system services (nginx would take port 80): the tests and the
  # stack start their own instances with their own configs.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  # Debian's packages start services through systemd where it exists; we start our own instances.
  echo "[setup-system] installed: ${want[*]}"
else
  echo "[setup-system] missing: ${want[*]} (no apt-get or not root: install them yourself)" >&2
  exit 1
fi
