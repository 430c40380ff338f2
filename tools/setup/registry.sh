#!/usr/bin/env bash
# Private registries for the tests: Debian's docker-registry (distribution 2.8), owned by this script, each with
# its own config, storage and pid file under /var/lib/capstan-registry, on 127.0.0.1 only:
#   1. plain HTTP, htpasswd (user `capstan`, generated password, bcrypt) — port 55000 or the next free one;
#   2. HTTPS with a certificate for 127.0.0.1/localhost from a test CA made once (tls/ca.crt), htpasswd (same
#      user) — port 55443 or next; the CA installed for dockerd (/etc/docker/certs.d/<host:port>/ca.crt) and
#      podman (/etc/containers/certs.d/<host:port>/ca.crt);
#   3. plain HTTP without authentication — port 55010 or next.
# Pushes capstan/busybox:local (tools/setup/images.sh) into each with the docker CLI; dockerd treats
# 127.0.0.0/8 registries as insecure (plain HTTP allowed) by default.
# Prints CAPSTAN_TEST_REGISTRY, CAPSTAN_TEST_REGISTRY_USER, CAPSTAN_TEST_REGISTRY_PASSWORD,
# CAPSTAN_TEST_REGISTRY_TLS, CAPSTAN_TEST_REGISTRY_CA, CAPSTAN_TEST_REGISTRY_NOAUTH and writes them to
# /tmp/capstan-registry.env (0600).
#
# Env: CAPSTAN_REGISTRY_PORT (default 55000), CAPSTAN_REGISTRY_TLS_PORT (55443), CAPSTAN_REGISTRY_NOAUTH_PORT (55010), CAPSTAN_REGISTRY_DIR (default /var/lib/capstan-registry),
#      CAPSTAN_REGISTRY_LOG (default /var/log/capstan-registry.log),
#      CAPSTAN_REGISTRY_ENV_FILE (default /tmp/capstan-registry.env), CAPSTAN_REGISTRY_TIMEOUT (s, default 30).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BASE="${CAPSTAN_REGISTRY_DIR:-/var/lib/capstan-registry}"
HTPASSWD="$BASE/htpasswd"
PWFILE="$BASE/password"
LOG="${CAPSTAN_REGISTRY_LOG:-/var/log/capstan-registry.log}"
ENV_FILE="${CAPSTAN_REGISTRY_ENV_FILE:-/tmp/capstan-registry.env}"
TIMEOUT="${CAPSTAN_REGISTRY_TIMEOUT:-30}"
USER_NAME=capstan

require_root
command -v curl >/dev/null || apt_install curl ca-certificates
# One apt-get run for both (apt_install skips what is installed): htpasswd -B makes the bcrypt entry.
command -v docker-registry >/dev/null && command -v htpasswd >/dev/null || apt_install docker-registry apache2-utils

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# PID 1 here (not an init) reaps orphans late: a zombie counts as gone.
alive() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = docker-registry ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }

mkdir -p "$BASE"
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

# --- The test CA (made once) and a server certificate for 127.0.0.1 / localhost signed by it (made again when
# missing, expiring within a day or not signed by this CA).
TLS="$BASE/tls"
mkdir -p "$TLS"
chmod 0700 "$TLS"
command -v openssl >/dev/null || apt_install openssl
if [ ! -s "$TLS/ca.key" ] || [ ! -s "$TLS/ca.crt" ]; then
  log "registry: generating the test CA ($TLS/ca.crt)"
  (umask 077; openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=Capstan test registry CA' \
    -keyout "$TLS/ca.key" -out "$TLS/ca.crt" 2>/dev/null) || die "openssl could not make the test CA"
  rm -f "$TLS/server.crt"
fi
if ! openssl verify -CAfile "$TLS/ca.crt" "$TLS/server.crt" >/dev/null 2>&1 \
  || ! openssl x509 -checkend 86400 -noout -in "$TLS/server.crt" >/dev/null 2>&1; then
  log "registry: issuing the TLS registry's certificate (127.0.0.1, localhost)"
  (umask 077
   openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
   printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$TLS/server.ext"
   openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days 825 \
     -extfile "$TLS/server.ext" -out "$TLS/server.crt" 2>/dev/null) || die "openssl could not sign the registry certificate"
  rm -f "$TLS/server.csr" "$TLS/server.ext"
fi
chmod 0644 "$TLS/ca.crt"

# serve_instance NAME DIR DEFAULT_PORT SCHEME AUTH — one docker-registry process with its config, pid file and
# data under DIR; SCHEME http|https (https: the certificate above), AUTH htpasswd|none. Sets PORT.
# Kept running when it already answers GET /v2/ as expected (401 with auth, 200 without).
serve_instance() {
  local name="$1" dir="$2" default_port="$3" scheme="$4" auth="$5"
  local config="$dir/config.yml" pidfile="$dir/registry.pid" want=401 pid secret tries deadline
  [ "$auth" = htpasswd ] || want=200
  mkdir -p "$dir/data"
  PORT="$(sed -n 's/^  addr: 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$config" 2>/dev/null || true)"
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && alive "$pid" && [ -n "$PORT" ] && [ "$(v2_status "$scheme")" = "$want" ]; then
    log "registry: $name already running on $scheme://127.0.0.1:$PORT (pid $pid)"
    return 0
  fi
  if [ -n "$pid" ] && alive "$pid"; then
    log "registry: $name (pid $pid) does not answer on 127.0.0.1:${PORT:-?}; restarting it"
    kill "$pid" 2>/dev/null || true
    wait_for 10 gone "$pid" || kill -9 "$pid" 2>/dev/null || true
  fi
  PORT="${PORT:-$default_port}"
  tries=0
  while port_in_use "$PORT"; do
    tries=$((tries + 1)); [ "$tries" -le 50 ] || die "$name: no free port from $default_port on"
    PORT=$((PORT + 1))
  done
  # The http secret signs upload state; one process per instance, so any stable random value will do.
  secret="$(sed -n 's/^  secret: //p' "$config" 2>/dev/null || true)"
  [ -n "$secret" ] || secret="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  (umask 077
   {
     echo "# Written by Capstan tools/setup/registry.sh ($name); rewritten on every start."
     printf 'version: 0.1\nlog:\n  level: info\n  fields:\n    service: capstan-registry-%s\n' "$name"
     printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\n' "$dir/data"
     printf 'http:\n  addr: 127.0.0.1:%s\n  secret: %s\n  headers:\n    X-Content-Type-Options: [nosniff]\n' "$PORT" "$secret"
     [ "$scheme" = https ] && printf '  tls:\n    certificate: %s\n    key: %s\n' "$TLS/server.crt" "$TLS/server.key"
     [ "$auth" = htpasswd ] && printf 'auth:\n  htpasswd:\n    realm: capstan-registry\n    path: %s\n' "$HTPASSWD"
     printf 'health:\n  storagedriver:\n    enabled: true\n    interval: 10s\n    threshold: 3\n'
   } >"$config")
  log "registry: starting $name on $scheme://127.0.0.1:$PORT (config $config, log: $LOG)"
  # setsid + nohup: the registry must outlive this script and its terminal.
  setsid nohup docker-registry serve "$config" </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  deadline=$(( $(date +%s) + TIMEOUT ))
  until [ "$(v2_status "$scheme")" = "$want" ]; do
    alive "$pid" || { tail -n 5 "$LOG" >&2; die "docker-registry ($name) exited during start-up; see $LOG"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "docker-registry ($name) did not answer GET /v2/ within ${TIMEOUT}s; see $LOG"
    sleep 0.2
  done
}
# HTTP status of GET /v2/ on $PORT (000 when nothing answers); SCHEME first, extra arguments go to curl.
v2_status() {
  local scheme="$1"; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$TLS/ca.crt" "$@" "$scheme://127.0.0.1:$PORT/v2/" || true
}

# --- capstan/busybox:local pushed into a registry; again only when its config digest (= the image ID in
# dockerd) differs. The docker CLI logs in with its own config directory: root's ~/.docker stays as it was.
manifest_config_digest() { # SCHEME ADDRESS [curl args]
  local scheme="$1" address="$2"; shift 2
  curl -fsS --max-time 5 --cacert "$TLS/ca.crt" "$@" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "$scheme://$address/v2/capstan/busybox/manifests/local" 2>/dev/null \
    | tr -d ' \n' | sed -n 's/.*"config":{[^}]*"digest":"\([^"]*\)".*/\1/p' || true
}
push_busybox() { # SCHEME ADDRESS AUTH
  local scheme="$1" address="$2" auth="$3" docker_id creds=()
  [ "$auth" = htpasswd ] && creds=(-u "$USER_NAME:$PASSWORD")
  if ! command -v docker >/dev/null || ! docker_id="$(docker image inspect -f '{{.Id}}' capstan/busybox:local 2>/dev/null)"; then
    log "registry: WARNING: dockerd has no capstan/busybox:local (run docker.sh and images.sh first); nothing pushed to $address"
    return 0
  fi
  if [ "$(manifest_config_digest "$scheme" "$address" "${creds[@]}")" = "$docker_id" ]; then
    log "registry: $address/capstan/busybox:local is up to date (${docker_id:7:12})"
    return 0
  fi
  log "registry: pushing capstan/busybox:local as $address/capstan/busybox:local"
  export DOCKER_CONFIG="$BASE/docker-config"
  mkdir -p "$DOCKER_CONFIG"
  if [ "$auth" = htpasswd ]; then
    printf '%s' "$PASSWORD" | docker login -u "$USER_NAME" --password-stdin "$address" >/dev/null 2>"$BASE/push.err" \
      || { cat "$BASE/push.err" >&2; die "docker login $address failed"; }
  fi
  docker tag capstan/busybox:local "$address/capstan/busybox:local"
  docker push -q "$address/capstan/busybox:local" >/dev/null 2>"$BASE/push.err" \
    || { cat "$BASE/push.err" >&2; die "docker push $address/capstan/busybox:local failed"; }
  docker rmi "$address/capstan/busybox:local" >/dev/null # the tag only; the image stays
  rm -f "$BASE/push.err"
  [ "$(manifest_config_digest "$scheme" "$address" "${creds[@]}")" = "$docker_id" ] \
    || die "the manifest pushed to $address does not reference image ${docker_id:7:12}"
}

# 1. Plain HTTP with htpasswd (the first one; its files stay directly under $BASE).
serve_instance htpasswd "$BASE" "${CAPSTAN_REGISTRY_PORT:-55000}" http htpasswd
REGISTRY="127.0.0.1:$PORT"
code="$(v2_status http)"; [ "$code" = 401 ] || die "GET /v2/ without credentials answered $code, expected 401"
code="$(v2_status http -u "$USER_NAME:$PASSWORD")"; [ "$code" = 200 ] || die "GET /v2/ as $USER_NAME answered $code, expected 200"
push_busybox http "$REGISTRY" htpasswd

# 2. TLS from the test CA, with htpasswd. Engines trust the CA per registry address (dockerd: certs.d, read on
# every pull; podman/containers-image: /etc/containers/certs.d). dockerd treats 127.0.0.0/8 as insecure anyway
# (it does not verify there); podman verifies, so a podman pull is the check that the CA is in place.
serve_instance tls "$BASE/tls-registry" "${CAPSTAN_REGISTRY_TLS_PORT:-55443}" https htpasswd
TLS_REGISTRY="127.0.0.1:$PORT"
for dir in /etc/docker/certs.d /etc/containers/certs.d; do
  mkdir -p "$dir/$TLS_REGISTRY"
  cmp -s "$TLS/ca.crt" "$dir/$TLS_REGISTRY/ca.crt" || install -m 0644 "$TLS/ca.crt" "$dir/$TLS_REGISTRY/ca.crt"
done
code="$(v2_status https -u "$USER_NAME:$PASSWORD")"; [ "$code" = 200 ] || die "GET https://$TLS_REGISTRY/v2/ (test CA) as $USER_NAME answered $code, expected 200"
push_busybox https "$TLS_REGISTRY" htpasswd

# 3. Plain HTTP without authentication.
serve_instance noauth "$BASE/noauth-registry" "${CAPSTAN_REGISTRY_NOAUTH_PORT:-55010}" http none
NOAUTH_REGISTRY="127.0.0.1:$PORT"
push_busybox http "$NOAUTH_REGISTRY" none

(umask 077; printf 'CAPSTAN_TEST_REGISTRY=%s\nCAPSTAN_TEST_REGISTRY_USER=%s\nCAPSTAN_TEST_REGISTRY_PASSWORD=%s\nCAPSTAN_TEST_REGISTRY_TLS=%s\nCAPSTAN_TEST_REGISTRY_CA=%s\nCAPSTAN_TEST_REGISTRY_NOAUTH=%s\n' \
  "$REGISTRY" "$USER_NAME" "$PASSWORD" "$TLS_REGISTRY" "$TLS/ca.crt" "$NOAUTH_REGISTRY" >"$ENV_FILE")
chmod 0600 "$ENV_FILE"
log "registry: distribution $(docker-registry --version | awk '{print $3}') ready: $REGISTRY (htpasswd user $USER_NAME), https://$TLS_REGISTRY (test CA $TLS/ca.crt, htpasswd), $NOAUTH_REGISTRY (no auth); written to $ENV_FILE"
cat "$ENV_FILE"
