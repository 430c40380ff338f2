#!/usr/bin/env bash
# `npm test`: sets up the real components the tests use, builds, then runs every suite — lint and type checks,
# the OpenAPI drift check, unit tests, API integration tests on SQLite and PostgreSQL, the container image
# test, the agent, the Swarm lab phase (swarm, swarm-api, swarm-browser: one lab up for all three) and the
# browser test — and ends with one line `N passed, N failed` over all of them.
#
# Env: CI=true makes a missing component a failure (elsewhere its suites are skipped with a message);
#      CAPSTAN_TEST_SKIP_SETUP=1 skips tools/setup (components already running);
#      CAPSTAN_TEST_ONLY="unit api-sqlite" runs only the named suites.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-}" FORCE_COLOR=0
RESULTS=$ROOT/tmp/test-results
LOGS=$ROOT/tmp/test-logs
rm -rf "$RESULTS" "$LOGS"
mkdir -p "$RESULTS" "$LOGS"
CI=${CI:-false}
START=$(date +%s)

say() { printf '\n==> %s  (%ss)\n' "$*" "$(($(date +%s) - START))"; }
want() { [ -z "${CAPSTAN_TEST_ONLY:-}" ] || [[ " $CAPSTAN_TEST_ONLY " == *" $1 "* ]]; }
record() { printf '{"passed":%d,"failed":%d,"skipped":%d,"note":"%s"}\n' "$2" "$3" "${4:-0}" "${5:-}" >"$RESULTS/$1.json"; }
# A suite whose runner died without writing results still counts as failed.
ensure_result() { [ -f "$RESULTS/$1.json" ] || record "$1" 0 1 0 "runner failed before reporting, see tmp/test-logs/$1.log"; }
missing() { # suite, reason
  if [ "$CI" = "true" ]; then record "$1" 0 1 0 "$2"; else record "$1" 0 0 1 "skipped: $2"; fi
  echo "   $1: $2"
}
vitest_suite() { # name, config, [env...]
  local name=$1 config=$2
  shift 2
  say "$name"
  env "$@" npx vitest run --config "$config" --reporter=default --reporter=json --outputFile.json="$RESULTS/$name.json" 2>&1 | tee "$LOGS/$name.log" | grep -Ev '^\s*$' | tail -n 25
  ensure_result "$name"
}

# 1. Real components (DESIGN §4)
HAVE_DOCKER=0 HAVE_PG=0 HAVE_CHROMIUM=0
if [ "${CAPSTAN_TEST_SKIP_SETUP:-0}" != "1" ]; then
  say "setup: Docker engine, local images, Chromium, PostgreSQL"
  if [ "$(id -u)" = "0" ]; then
    bash tools/setup/all.sh 2>&1 | tee "$LOGS/setup.log" | grep -E '^\[setup\]|error|Error' | tail -n 30
  else
    echo "   not root: skipping tools/setup (run it with sudo once)"
  fi
fi
curl -fsS --max-time 5 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1 && HAVE_DOCKER=1
[ -f /tmp/capstan-postgres.env ] && { set -a; . /tmp/capstan-postgres.env; set +a; }
[ -f /tmp/capstan-git.env ] && { set -a; . /tmp/capstan-git.env; set +a; }
[ -n "${CAPSTAN_TEST_DATABASE_URL:-}" ] && HAVE_PG=1
[ -x /usr/bin/chromium ] && HAVE_CHROMIUM=1

# 2. Build
say "build: server, agent, portal"
if ! npx nx run-many -t build --projects=server,agent,portal --outputStyle=static >"$LOGS/build.log" 2>&1; then
  tail -n 40 "$LOGS/build.log"
  record build 0 1 0 "build failed"
  node tools/test/summary.mjs "$RESULTS"
  exit 1
fi
record build 1 0

# 3. Static checks
if want static; then
  say "OpenAPI document and portal client up to date"
  if node tools/scripts/openapi.mjs --check >"$LOGS/openapi.log" 2>&1; then record openapi 1 0; else cat "$LOGS/openapi.log"; record openapi 0 1; fi

  say "type check"
  tc_pass=0 tc_fail=0
  for cfg in apps/server/tsconfig.json apps/agent/tsconfig.json e2e/agent/tsconfig.json e2e/api/tsconfig.json e2e/browser/tsconfig.json e2e/swarm/tsconfig.json libs/agent/api/tsconfig.json libs/agent/cluster/tsconfig.json libs/agent/edge/tsconfig.json libs/server/edge/tsconfig.json; do
    [ -f "$cfg" ] || continue
    if npx tsc -p "$cfg" --noEmit >>"$LOGS/typecheck.log" 2>&1; then tc_pass=$((tc_pass + 1)); else tc_fail=$((tc_fail + 1)); echo "   type errors in $cfg"; fi
  done
  record typecheck "$tc_pass" "$tc_fail"

  say "lint (typescript-eslint type-checked, module boundaries)"
  projects=$(npx nx show projects --with-target lint 2>/dev/null | sort)
  npx nx run-many -t lint --outputStyle=static >"$LOGS/lint.log" 2>&1
  failed_projects=$(grep -oE '^\s*-\s*[A-Za-z0-9_-]+:lint' "$LOGS/lint.log" | sed -E 's/^\s*-\s*//; s/:lint$//' | sort -u)
  total=$(echo "$projects" | grep -c . || true)
  nfail=$(echo "$failed_projects" | grep -c . || true)
  [ "$nfail" -gt 0 ] && { echo "   lint failed in: $(echo $failed_projects)"; grep -E 'error|warning' "$LOGS/lint.log" | head -n 40; }
  record lint $((total - nfail)) "$nfail"

  say "format (prettier --check)"
  if npx prettier --check . >"$LOGS/format.log" 2>&1; then record format 1 0; else tail -n 20 "$LOGS/format.log"; record format 0 1; fi
fi

# 4. Unit tests
want unit && vitest_suite unit tools/test/vitest.unit.config.mts
if want portal-unit; then
  say "portal unit tests"
  npx nx test portal --outputStyle=static -- --reporters=default --reporters=json --outputFile="$RESULTS/portal-unit.json" 2>&1 | tee "$LOGS/portal-unit.log" | tail -n 15
  ensure_result portal-unit
fi

# 5. API integration tests against the real server process
want api-sqlite && vitest_suite api-sqlite tools/test/vitest.api.config.mts CAPSTAN_TEST_DB=sqlite
if want api-postgres; then
  if [ "$HAVE_PG" = "1" ]; then
    vitest_suite api-postgres tools/test/vitest.api.config.mts CAPSTAN_TEST_DB=postgres
  else
    missing api-postgres "PostgreSQL is not running (tools/setup/postgres.sh)"
  fi
fi

# 6. Container image
if want image; then
  if [ "$HAVE_DOCKER" = "1" ]; then
    vitest_suite image e2e/image/vitest.config.mts
  else
    missing image "no Docker engine on /var/run/docker.sock (tools/setup/docker.sh)"
  fi
fi

# 6a. Agent API on the real engine (the built agent run as a child process; ~25 s)
if want agent; then
  if [ "$HAVE_DOCKER" = "1" ]; then
    vitest_suite agent e2e/agent/vitest.config.mts
  else
    missing agent "no Docker engine on /var/run/docker.sock (tools/setup/docker.sh)"
  fi
fi

# 6b. The Swarm lab phase (tools/setup/swarm-lab.sh: three dockerd in network namespaces). The runner takes the
# lab's lock, brings the lab up once and loads the test image, then runs, each as its own suite: `swarm`
# (e2e/swarm: the agent cluster, in-process and as a real global service), `swarm-api` (e2e/api/src/lab: the
# server against the lab, SQLite) and `swarm-browser` (the Playwright project `lab`); then it takes the lab down
# and releases the lock — also when a suite fails or the run is interrupted (trap). The tests see
# CAPSTAN_SWARM_LAB=runner: the lab is up and locked for them (they neither lock it nor take it down).
LAB_SUITES="swarm swarm-api swarm-browser"
LAB_LOCK=${SWARM_LAB_LOCK:-/run/capstan-swarm.lock}
LAB_HELD=0
lab() { SWARM_LAB_LOCKED=1 bash tools/setup/swarm-lab.sh "$@" >>"$LOGS/swarm-lab.log" 2>&1; }
lab_release() {
  [ "$LAB_HELD" = "1" ] || return 0
  LAB_HELD=0
  lab down || echo "   swarm lab: down failed (tmp/test-logs/swarm-lab.log)"
  exec 9>&- # releases the lock (fd 9: swarm-lab.sh keeps its daemons off fds 3-9)
}
lab_missing() { for s in $LAB_SUITES; do want "$s" && missing "$s" "$1"; done; }
# `up` again between suites: it restarts a node a test powered off and waits until all are Ready. A lab that was
# up and does not come back is a failure of the phase (recorded as such, CI or not).
lab_ready() { lab up && lab load capstan/busybox:local && curl -fsS --max-time 5 --unix-socket /run/capstan-swarm/node1.sock http://localhost/_ping >/dev/null; }
want_lab=0
for s in $LAB_SUITES; do want "$s" && want_lab=1; done
if [ "$want_lab" = "1" ]; then
  if [ "$HAVE_DOCKER" != "1" ] || [ "$(id -u)" != "0" ]; then
    lab_missing "the Swarm lab needs root and dockerd (tools/setup/swarm-lab.sh)"
  else
    LAB_START=$(date +%s)
    say "Swarm lab: lock, up, load capstan/busybox:local"
    trap lab_release EXIT
    trap 'exit 130' INT TERM
    exec 9>"$LAB_LOCK"
    LOCK_WAIT=$(date +%s)
    if ! flock -w "${SWARM_LAB_WAIT:-900}" 9; then
      exec 9>&-
      lab_missing "the Swarm lab is busy ($LAB_LOCK held by another session)"
    else
      LAB_HELD=1
      LOCK_WAIT=$(($(date +%s) - LOCK_WAIT))
      [ "$LOCK_WAIT" -gt 1 ] && echo "   waited ${LOCK_WAIT} s for the lab's lock (another session had it)"
      if ! lab_ready; then
        tail -n 20 "$LOGS/swarm-lab.log"
        lab_missing "the Swarm lab did not come up (tmp/test-logs/swarm-lab.log)"
      else
        # swarm: e2e/swarm (builds the agent image; ≈ 70 s)
        want swarm && vitest_suite swarm e2e/swarm/vitest.config.mts CAPSTAN_SWARM_LAB=runner
        # swarm-api: the server on the lab, SQLite only (the storage layer is covered twice by api-sqlite and
        # api-postgres; these files prove agent/Swarm behaviour, which does not depend on the store).
        if want swarm-api; then
          if lab_ready; then
            vitest_suite swarm-api tools/test/vitest.lab-api.config.mts CAPSTAN_SWARM_LAB=runner CAPSTAN_TEST_DB=sqlite
          else
            record swarm-api 0 1 0 "the Swarm lab did not come back up after swarm (tmp/test-logs/swarm-lab.log)"
          fi
        fi
        if want swarm-browser; then
          if [ "$HAVE_CHROMIUM" != "1" ]; then
            missing swarm-browser "Chromium is not installed (tools/setup/chromium.sh)"
          elif lab_ready; then
            say "swarm-browser (Chromium, the lab)"
            CAPSTAN_SWARM_LAB=runner PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/swarm-browser.json" npx playwright test --config e2e/browser/playwright.config.ts --project=lab --reporter=list,json 2>&1 | tee "$LOGS/swarm-browser.log" | tail -n 25
            ensure_result swarm-browser
          else
            record swarm-browser 0 1 0 "the Swarm lab did not come back up (tmp/test-logs/swarm-lab.log)"
          fi
        fi
      fi
      say "Swarm lab: down, unlock"
      lab_release
    fi
    trap - EXIT INT TERM
    echo "   Swarm lab phase: $(($(date +%s) - LAB_START)) s (lock wait included)"
  fi
fi

# 7. Browser
if want browser; then
  if [ "$HAVE_CHROMIUM" = "1" ]; then
    say "browser (Chromium)"
    PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/browser.json" npx playwright test --config e2e/browser/playwright.config.ts --project=default --reporter=list,json 2>&1 | tee "$LOGS/browser.log" | tail -n 25
    ensure_result browser
  else
    missing browser "Chromium is not installed (tools/setup/chromium.sh)"
  fi
fi

say "done"
node tools/test/summary.mjs "$RESULTS"
