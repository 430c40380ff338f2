#!/usr/bin/env bash
# Sets up every real component the tests use, in order, and prints a summary.
# Safe to run again: each step checks first and returns in well under a second when all is in place.
# Runs on a fresh Debian 12 machine as root (CI does exactly that).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root
here="$(cd "$(dirname "$0")" && pwd)"
started=$(date +%s)

declare -A took
for step in docker images podman registry chromium postgres compose ldap git-server; do
  t0=$(date +%s%N)
  log "== $step"
  bash "$here/$step.sh"
  took[$step]=$(( ($(date +%s%N) - t0) / 1000000 ))
done

# shellcheck disable=SC1090
. "${CAPSTAN_PG_ENV_FILE:-/tmp/capstan-postgres.env}"
# shellcheck disable=SC1090
. "${CAPSTAN_PODMAN_ENV_FILE:-/tmp/capstan-podman.env}"
# shellcheck disable=SC1090
. "${CAPSTAN_REGISTRY_ENV_FILE:-/tmp/capstan-registry.env}"
# shellcheck disable=SC1090
. "${CAPSTAN_GIT_ENV_FILE:-/tmp/capstan-git.env}"
log "== summary ($(( $(date +%s) - started )) s)"
log "  docker    $(docker version --format 'dockerd {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null) (${took[docker]} ms)"
log "  images    $(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E '^capstan/(busybox|node):' | paste -sd ' ') (${took[images]} ms)"
log "  podman    $(curl -fsS --unix-socket "$CAPSTAN_TEST_PODMAN_SOCKET" http://d/version | sed -n 's/.*"Version":"\([^"]*\)","ApiVersion":"\([^"]*\)".*/podman \1, API \2/p') on $CAPSTAN_TEST_PODMAN_SOCKET (${took[podman]} ms)"
log "  registry  $CAPSTAN_TEST_REGISTRY, user $CAPSTAN_TEST_REGISTRY_USER; TLS https://$CAPSTAN_TEST_REGISTRY_TLS (test CA); no auth $CAPSTAN_TEST_REGISTRY_NOAUTH (${took[registry]} ms)"
log "  chromium  $(chromium --version 2>/dev/null | awk '{print $1, $2}') (${took[chromium]} ms)"
log "  compose   $(docker compose version --short 2>/dev/null || echo missing) (${took[compose]} ms)"
log "  git       $(git --version | awk '{print $3}'), http-backend ${CAPSTAN_TEST_GIT_HTTP_BACKEND} (${took[git-server]} ms)"
log "  postgres  $(sed 's#://\([^:]*\):[^@]*@#://\1:***@#' <<<"$CAPSTAN_TEST_DATABASE_URL") (${took[postgres]} ms)"
# shellcheck disable=SC1090
. "${CAPSTAN_LDAP_ENV_FILE:-/tmp/capstan-ldap.env}"
log "  ldap      $CAPSTAN_TEST_LDAP_URL (StartTLS), $CAPSTAN_TEST_LDAPS_URL, $CAPSTAN_TEST_LDAP_MTLS_URL (client certificate), $CAPSTAN_TEST_LDAP_BASE (${took[ldap]} ms)"
log "  env       source ${CAPSTAN_PG_ENV_FILE:-/tmp/capstan-postgres.env} for CAPSTAN_TEST_DATABASE_URL"
log "            source ${CAPSTAN_PODMAN_ENV_FILE:-/tmp/capstan-podman.env} for CAPSTAN_TEST_PODMAN_SOCKET"
log "            source ${CAPSTAN_REGISTRY_ENV_FILE:-/tmp/capstan-registry.env} for CAPSTAN_TEST_REGISTRY{,_USER,_PASSWORD,_TLS,_CA,_NOAUTH}"
log "            source ${CAPSTAN_LDAP_ENV_FILE:-/tmp/capstan-ldap.env} for CAPSTAN_TEST_LDAP_*"
