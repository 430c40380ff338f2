#!/usr/bin/env bash
# Docker Engine for the tests: Debian's docker.io (dockerd 20.10, API 1.41), started in the background.
# Idempotent: when /var/run/docker.sock already answers /_ping, it does nothing else.
#
# Env: CAPSTAN_DOCKER_TIMEOUT (s, default 60), CAPSTAN_DOCKER_STORAGE_DRIVER (force a driver, e.g. vfs),
#      CAPSTAN_DOCKERD_LOG (default /var/log/capstan-dockerd.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=/var/run/docker.sock
TIMEOUT="${CAPSTAN_DOCKER_TIMEOUT:-60}"
LOG="${CAPSTAN_DOCKERD_LOG:-/var/log/capstan-dockerd.log}"

ping_docker() { [ "$(curl -fsS --max-time 3 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null)" = OK ]; }

require_root
command -v curl >/dev/null || apt_install curl ca-certificates

if ping_docker; then
  log "docker: already running ($(curl -fsS --unix-socket "$SOCK" http://localhost/version | sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/dockerd \1, API \2/p'))"
  exit 0
fi

command -v dockerd >/dev/null || apt_install docker.io
command -v iptables >/dev/null || apt_install iptables

# With systemd as init, let it own the daemon (apt may already have started it).
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  log "docker: starting docker.service with systemd"
  systemctl start docker.service || true
  if wait_for "$TIMEOUT" ping_docker; then log "docker: ready (systemd)"; exit 0; fi
  log "docker: systemd did not bring it up; starting dockerd directly"
fi

# A dockerd that is still starting (or hung): give it the timeout before starting another.
# (no pgrep: procps is not in a minimal Debian)
dockerd_pid() {
  local d
  for d in /proc/[0-9]*; do
    [ "$(cat "$d/comm" 2>/dev/null)" = dockerd ] && { echo "${d#/proc/}"; return 0; }
  done
  return 1
}
if pid="$(dockerd_pid)"; then
  log "docker: dockerd (pid $pid) is running but not answering yet; waiting up to ${TIMEOUT}s"
  wait_for "$TIMEOUT" ping_docker && { log "docker: ready"; exit 0; }
  die "dockerd pid $pid does not answer on $SOCK; see $LOG"
fi

# --- cgroups: minimal VMs and containers sometimes boot without /sys/fs/cgroup mounted.
if ! grep -qE '^[^ ]+ /sys/fs/cgroup(/[^ ]+)? (cgroup|cgroup2) ' /proc/mounts; then
  log "docker: /sys/fs/cgroup is not mounted; mounting cgroup2"
  mkdir -p /sys/fs/cgroup
  mount -t cgroup2 none /sys/fs/cgroup || die "cannot mount cgroups; dockerd needs them"
fi

# --- iptables: dockerd 20.10 needs a working iptables for bridge NAT. Debian defaults to the nft backend;
# fall back to the legacy backend, and to no iptables management at all if neither works
# (published ports then still work through docker-proxy on the host).
args=()
if iptables -t nat -n -L >/dev/null 2>&1 && iptables -t filter -n -L >/dev/null 2>&1; then
  :
elif command -v iptables-legacy >/dev/null && iptables-legacy -t nat -n -L >/dev/null 2>&1; then
  log "docker: iptables (nft backend) does not work here; switching to iptables-legacy"
  update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
  update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null 2>&1 || true
else
  log "docker: no working iptables; starting dockerd with --iptables=false --ip-masq=false"
  args+=(--iptables=false --ip-masq=false)
fi

# --- storage: overlay2 unless /var/lib/docker sits on overlayfs itself (nested), where only vfs works.
mkdir -p /var/lib/docker
if [ -n "${CAPSTAN_DOCKER_STORAGE_DRIVER:-}" ]; then
  args+=(--storage-driver="$CAPSTAN_DOCKER_STORAGE_DRIVER")
elif [ "$(stat -f -c %T /var/lib/docker)" = overlayfs ] && [ ! -d /var/lib/docker/overlay2 ]; then
  log "docker: /var/lib/docker is on overlayfs; using the vfs storage driver"
  args+=(--storage-driver=vfs)
fi

start_dockerd() {
  log "docker: starting dockerd${*:+ $*} (log: $LOG)"
  # setsid + nohup: the daemon must outlive this script and its terminal.
  setsid nohup dockerd --host="unix://$SOCK" "$@" </dev/null >>"$LOG" 2>&1 &
  DOCKERD_PID=$!
}

# Wait until it answers, or until it exits (then the caller may retry with fallbacks).
await_dockerd() {
  local deadline=$(( $(date +%s) + TIMEOUT ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    ping_docker && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || return 2
    sleep 0.5
  done
  return 1
}

start_dockerd ${args[@]+"${args[@]}"}
rc=0; await_dockerd || rc=$?
if [ "$rc" -eq 2 ]; then
  # Most common reasons on fresh VMs: no bridge/netfilter kernel support, or overlay2 unavailable.
  log "docker: dockerd exited during start-up; last log lines:"
  tail -n 5 "$LOG" | sed 's/^/[setup]   /'
  fallback=(--iptables=false --ip-masq=false --bridge=none --storage-driver=vfs)
  log "docker: retrying with ${fallback[*]}"
  start_dockerd "${fallback[@]}"
  rc=0; await_dockerd || rc=$?
fi
[ "$rc" -eq 0 ] || die "dockerd did not answer /_ping within ${TIMEOUT}s; see $LOG"

log "docker: ready ($(curl -fsS --unix-socket "$SOCK" http://localhost/version | sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/dockerd \1, API \2/p'); pid $DOCKERD_PID)"
