#!/usr/bin/env bash
# A private registry for the tests: Debian's docker-registry (distribution 2.8), owned by this script:
# its own config, storage and htpasswd file under /var/lib/capstan-registry, plain HTTP on 127.0.0.1 only,
# port 55000 (or the next free one), user `capstan` with a generated password (bcrypt, htpasswd -B).
# Pushes capstan/busybox:local (tools/setup/images.sh) into it with the docker CLI; dockerd treats
# 127.0.0.0/8 registries as insecure (plain HTTP) by default.
# Prints CAPSTAN_TEST_REGISTRY, CAPSTAN_TEST_REGISTRY_USER, CAPSTAN_TEST_REGISTRY_PASSWORD and writes them
# to /tmp/capstan-registry.env (0600).
#
# Env: CAPSTAN_REGISTRY_PORT (default 55000), CAPSTAN_REGISTRY_DIR (default /var/lib/capstan-registry),
#      CAPSTAN_REGISTRY_LOG (default /var/log/capstan-registry.log),
#      CAPSTAN_REGISTRY_ENV_FILE (default /tmp/capstan-registry.env), CAPSTAN_REGISTRY_TIMEOUT (s, default 30).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BASE="${CAPSTAN_REGISTRY_DIR:-/var/lib/capstan-registry}"
CONFIG="$BASE/config.yml"
HTPASSWD="$BASE/htpasswd"
PWFILE="$BASE/password"
PIDFILE="$BASE/registry.pid"
LOG="${CAPSTAN_REGISTRY_LOG:-/var/log/capstan-registry.log}"
ENV_FILE="${CAPSTAN_REGISTRY_ENV_FILE:-/tmp/capstan-registry.env}"
TIMEOUT="${CAPSTAN_REGISTRY_TIMEOUT:-30}"
USER_NAME=capstan

require_root
command -v curl >/dev/null || apt_install curl ca-certificates
# One apt-get run for both (apt_install skips what is installed): htpasswd -B makes the bcrypt entry.
command -v docker-registry >/dev/null && command -v htpasswd >/dev/null || apt_install docker-registry apache2-utils

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
current_port() { sed -n 's/^  addr: 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$CONFIG" 2>/dev/null || true; }
# PID 1 here (not an init) reaps orphans late: a zombie counts as gone.
alive() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = docker-registry ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }
registry_pid() {
  local p
  p="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [ -n "$p" ] && alive "$p" && echo "$p"
}
# HTTP status of GET /v2/ (000 when nothing answers); extra arguments go to curl (-u user:password).
v2_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" "http://127.0.0.1:$PORT/v2/" || true; }

mkdir -p "$BASE/data"
chmod 0700 "$BASE"

# Password: generated once, kept beside the registry (0600); the htpasswd entry follows it.
if [ ! -s "$PWFILE" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$PWFILE")
fi
PASSWORD="$(cat "$PWFILE")"
if ! htpasswd -vb "$HTPASSWD" "$USER_NAME" "$PASSWORD" >/dev/null 2>&1; then
  log "registry: writing $HTPASSWD (user $USER_NAME, bcrypt)"
  (umask 077; htpasswd -Bbn "$USER_NAME" "$PASSWORD" | sed '/^$/d' >"$HTPASSWD")
fi

PORT="$(current_port)"
if pid="$(registry_pid)" && [ -n "$PORT" ] && [ "$(v2_status)" = 401 ]; then
  log "registry: already running on 127.0.0.1:$PORT (pid $pid)"
else
  if pid="$(registry_pid)"; then
    log "registry: pid $pid does not answer on 127.0.0.1:${PORT:-?}; restarting it"
    kill "$pid" 2>/dev/null || true
    wait_for 10 gone "$pid" || kill -9 "$pid" 2>/dev/null || true
  fi
  PORT="${CAPSTAN_REGISTRY_PORT:-${PORT:-55000}}"
  tries=0
  while port_in_use "$PORT"; do
    tries=$((tries + 1)); [ "$tries" -le 50 ] || die "no free port from ${CAPSTAN_REGISTRY_PORT:-55000} on"
    PORT=$((PORT + 1))
  done
  # The http secret signs upload state; one registry instance, so any stable random value will do.
  secret="$(sed -n 's/^  secret: //p' "$CONFIG" 2>/dev/null || true)"
  [ -n "$secret" ] || secret="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  (umask 077; cat >"$CONFIG" <<CONF
# Written by Capstan tools/setup/registry.sh; rewritten on every start.
version: 0.1
log:
  level: info
  fields:
    service: capstan-registry
storage:
  filesystem:
    rootdirectory: $BASE/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$PORT
  secret: $secret
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: capstan-registry
    path: $HTPASSWD
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
CONF
  )
  log "registry: starting docker-registry on 127.0.0.1:$PORT (config $CONFIG, log: $LOG)"
  # setsid + nohup: the registry must outlive this script and its terminal.
  setsid nohup docker-registry serve "$CONFIG" </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  deadline=$(( $(date +%s) + TIMEOUT ))
  until [ "$(v2_status)" = 401 ]; do
    alive "$pid" || { tail -n 5 "$LOG" >&2; die "docker-registry exited during start-up; see $LOG"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "docker-registry did not answer GET /v2/ within ${TIMEOUT}s; see $LOG"
    sleep 0.2
  done
fi

REGISTRY="127.0.0.1:$PORT"
code="$(v2_status)"; [ "$code" = 401 ] || die "GET /v2/ without credentials answered $code, expected 401"
code="$(v2_status -u "$USER_NAME:$PASSWORD")"; [ "$code" = 200 ] || die "GET /v2/ as $USER_NAME answered $code, expected 200"

# --- capstan/busybox:local in the registry; pushed again only when its config digest (= the image ID in
# dockerd) differs. The docker CLI logs in with its own config directory: root's ~/.docker stays as it was.
manifest_config_digest() {
  curl -fsS --max-time 5 -u "$USER_NAME:$PASSWORD" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/capstan/busybox/manifests/local" 2>/dev/null \
    | tr -d ' \n' | sed -n 's/.*"config":{[^}]*"digest":"\([^"]*\)".*/\1/p' || true
}
if ! command -v docker >/dev/null || ! docker_id="$(docker image inspect -f '{{.Id}}' capstan/busybox:local 2>/dev/null)"; then
  log "registry: WARNING: dockerd has no capstan/busybox:local (run docker.sh and images.sh first); nothing pushed"
elif [ "$(manifest_config_digest)" = "$docker_id" ]; then
  log "registry: $REGISTRY/capstan/busybox:local is up to date (${docker_id:7:12})"
else
  log "registry: pushing capstan/busybox:local as $REGISTRY/capstan/busybox:local"
  export DOCKER_CONFIG="$BASE/docker-config"
  mkdir -p "$DOCKER_CONFIG"
  printf '%s' "$PASSWORD" | docker login -u "$USER_NAME" --password-stdin "$REGISTRY" >/dev/null 2>"$BASE/push.err" \
    || { cat "$BASE/push.err" >&2; die "docker login $REGISTRY failed"; }
  docker tag capstan/busybox:local "$REGISTRY/capstan/busybox:local"
  docker push -q "$REGISTRY/capstan/busybox:local" >/dev/null 2>"$BASE/push.err" \
    || { cat "$BASE/push.err" >&2; die "docker push $REGISTRY/capstan/busybox:local failed"; }
  docker rmi "$REGISTRY/capstan/busybox:local" >/dev/null # the tag only; the image stays
  rm -f "$BASE/push.err"
  [ "$(manifest_config_digest)" = "$docker_id" ] || die "the pushed manifest does not reference image ${docker_id:7:12}"
fi

(umask 077; printf 'CAPSTAN_TEST_REGISTRY=%s\nCAPSTAN_TEST_REGISTRY_USER=%s\nCAPSTAN_TEST_REGISTRY_PASSWORD=%s\n' \
  "$REGISTRY" "$USER_NAME" "$PASSWORD" >"$ENV_FILE")
chmod 0600 "$ENV_FILE"
log "registry: distribution $(docker-registry --version | awk '{print $3}') ready on $REGISTRY (htpasswd user $USER_NAME, data $BASE/data); written to $ENV_FILE"
cat "$ENV_FILE"
