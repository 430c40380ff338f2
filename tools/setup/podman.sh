#!/usr/bin/env bash
# Podman for the tests: Debian's podman (4.3, Docker-compatible API 1.41) serving its API on
# /run/podman/podman.sock (`podman system service --time=0`, in the background), beside dockerd and
# independent of it: its own storage (/var/lib/containers), socket, bridge (cni-podman0, 10.88.0.0/16).
# Loads capstan/busybox:local from dockerd (tools/setup/images.sh builds it) as
# localhost/capstan/busybox:local, so that tests create containers without pulling.
# Prints CAPSTAN_TEST_PODMAN_SOCKET=... and writes that line to /tmp/capstan-podman.env.
# Idempotent: a second run checks the configuration, the socket and the image, and returns.
#
# Env: CAPSTAN_PODMAN_TIMEOUT (s, default 60), CAPSTAN_PODMAN_STORAGE_DRIVER (force a driver, e.g. vfs),
#      CAPSTAN_PODMAN_LOG (default /var/log/capstan-podman.log),
#      CAPSTAN_PODMAN_ENV_FILE (default /tmp/capstan-podman.env).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=/run/podman/podman.sock
PIDFILE=/run/podman/capstan-service.pid
TIMEOUT="${CAPSTAN_PODMAN_TIMEOUT:-60}"
LOG="${CAPSTAN_PODMAN_LOG:-/var/log/capstan-podman.log}"
ENV_FILE="${CAPSTAN_PODMAN_ENV_FILE:-/tmp/capstan-podman.env}"
DROPIN=/etc/containers/containers.conf.d/capstan.conf
STORAGE_CONF=/etc/containers/storage.conf
IMAGE=localhost/capstan/busybox:local
MARK='# Written by Capstan tools/setup/podman.sh'

ping_podman() { [ "$(curl -fsS --max-time 3 --unix-socket "$SOCK" http://d/_ping 2>/dev/null)" = OK ]; }
api_version() {
  curl -fsS --max-time 3 --unix-socket "$SOCK" http://d/version \
    | sed -n 's/.*"Version":"\([^"]*\)","ApiVersion":"\([^"]*\)".*/podman \1, Docker API \2/p'
}
# Write a file only when its content changes; returns 0 when it changed.
put_file() {
  local path="$1" content="$2"
  [ -f "$path" ] && [ "$(cat "$path")" = "$content" ] && return 1
  mkdir -p "$(dirname "$path")"
  printf '%s\n' "$content" >"$path"
}

require_root
command -v curl >/dev/null || apt_install curl ca-certificates
# iptables: the CNI bridge plugin behind podman's default network needs it (docker.sh installs it too).
command -v podman >/dev/null && command -v iptables >/dev/null || apt_install podman iptables

# --- cgroups: as in docker.sh, a bare /sys/fs/cgroup gets cgroup2 mounted.
if ! grep -qE '^[^ ]+ /sys/fs/cgroup(/[^ ]+)? (cgroup|cgroup2) ' /proc/mounts; then
  log "podman: /sys/fs/cgroup is not mounted; mounting cgroup2"
  mkdir -p /sys/fs/cgroup
  mount -t cgroup2 none /sys/fs/cgroup || die "cannot mount cgroups; podman needs them"
fi

# --- containers.conf drop-in, for the CLI and the API service alike (only what this machine needs).
conf=()
if [ ! -d /run/systemd/system ]; then
  # No systemd as init: no systemd cgroup manager, no journald. (podman 4.3 mostly guesses this itself.)
  conf+=('cgroup_manager = "cgroupfs"' 'events_logger = "file"')
fi
# podman gives every container nofile and nproc = 1048576 unless told otherwise; without CAP_SYS_RESOURCE
# (this VM: root's hard limits are nofile 20000 / nproc 96365, and podman lowers its own nproc to
# pid_max) runc then fails with "error setting rlimit type 7: operation not permitted". Default to the
# highest values that can be set.
ulimits=()
if ! (ulimit -Hn 1048576) 2>/dev/null; then
  n="$(ulimit -Hn)"; [ "$n" = unlimited ] || ulimits+=("\"nofile=$n:$n\"")
fi
if ! (ulimit -Hu 1048576) 2>/dev/null; then
  n="$(ulimit -Hu)"; pid_max="$(cat /proc/sys/kernel/pid_max)"
  [ "$n" = unlimited ] || [ "$n" -gt "$pid_max" ] && n="$pid_max"
  ulimits+=("\"nproc=$n:$n\"")
fi
dropin_changed=0
if [ "${#conf[@]}" -gt 0 ] || [ "${#ulimits[@]}" -gt 0 ]; then
  body="$MARK (see tools/setup/README.md)."
  if [ "${#ulimits[@]}" -gt 0 ]; then
    body+=$'\n[containers]\n'"default_ulimits = [$(IFS=,; echo "${ulimits[*]}" | sed 's/,/, /g')]"
  fi
  if [ "${#conf[@]}" -gt 0 ]; then
    body+=$'\n[engine]'
    for c in "${conf[@]}"; do body+=$'\n'"$c"; done
  fi
  if put_file "$DROPIN" "$body"; then
    dropin_changed=1
    log "podman: wrote $DROPIN ($(grep -E '^(default_ulimits|cgroup_manager|events_logger)' "$DROPIN" | paste -sd ' '))"
  fi
elif [ -f "$DROPIN" ] && grep -qF "$MARK" "$DROPIN"; then
  rm -f "$DROPIN"; dropin_changed=1
fi

# --- storage: overlay (podman's default) unless forced, or /var/lib/containers sits on overlayfs itself,
# or overlay does not work at all here; then vfs, in /etc/containers/storage.conf (if that file is ours).
storage_vfs() {
  local why="$1"
  if [ -f "$STORAGE_CONF" ] && ! grep -qF "$MARK" "$STORAGE_CONF"; then
    log "podman: $why, but $STORAGE_CONF is not ours; leaving it"
    return 0
  fi
  put_file "$STORAGE_CONF" "$MARK: $why.
[storage]
driver = \"${CAPSTAN_PODMAN_STORAGE_DRIVER:-vfs}\"
runroot = \"/run/containers/storage\"
graphroot = \"/var/lib/containers/storage\"" && { log "podman: $why; storage driver ${CAPSTAN_PODMAN_STORAGE_DRIVER:-vfs} ($STORAGE_CONF)"; dropin_changed=1; }
  return 0
}
mkdir -p /var/lib/containers
if [ -n "${CAPSTAN_PODMAN_STORAGE_DRIVER:-}" ]; then
  storage_vfs "CAPSTAN_PODMAN_STORAGE_DRIVER=$CAPSTAN_PODMAN_STORAGE_DRIVER"
elif [ "$(stat -f -c %T /var/lib/containers)" = overlayfs ] && [ ! -d /var/lib/containers/storage/overlay ]; then
  storage_vfs "/var/lib/containers is on overlayfs"
fi

# --- the API service
# PID 1 here (not an init) reaps orphans late: a zombie counts as gone.
alive() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = podman ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }
service_pid() {
  local p
  p="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [ -n "$p" ] && alive "$p" && echo "$p"
}
if [ "$dropin_changed" = 1 ] && pid="$(service_pid)"; then
  log "podman: configuration changed; restarting the API service (pid $pid)"
  kill "$pid"; wait_for 10 gone "$pid" || kill -9 "$pid" 2>/dev/null || true
fi
# A service of ours that is still starting (or shutting down): wait for it to answer or to go.
if ! ping_podman && pid="$(service_pid)"; then
  log "podman: API service (pid $pid) is running but not answering yet; waiting up to ${TIMEOUT}s"
  deadline=$(( $(date +%s) + TIMEOUT ))
  until ping_podman || ! alive "$pid"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "podman pid $pid does not answer on $SOCK; see $LOG"
    sleep 0.2
  done
fi

if ping_podman; then
  log "podman: API already answering on $SOCK ($(api_version))"
elif [ -d /run/systemd/system ] && command -v systemctl >/dev/null && systemctl start podman.socket 2>/dev/null \
  && wait_for "$TIMEOUT" ping_podman; then
  log "podman: API ready on $SOCK via systemd podman.socket ($(api_version))"
else
  # Storage must work before the service can: fall back to vfs once if the default driver fails.
  errf="$(mktemp /tmp/capstan-podman-info.XXXXXX)"
  if ! podman info >/dev/null 2>"$errf"; then
    if grep -qi overlay "$errf" && [ -z "${CAPSTAN_PODMAN_STORAGE_DRIVER:-}" ]; then
      storage_vfs "the overlay storage driver does not work here ($(tail -n1 "$errf"))"
      podman info >/dev/null 2>"$errf" || { cat "$errf" >&2; rm -f "$errf"; die "podman info fails"; }
    else
      cat "$errf" >&2; rm -f "$errf"; die "podman info fails"
    fi
  fi
  rm -f "$errf"
  mkdir -p "$(dirname "$SOCK")"
  rm -f "$SOCK" # stale socket of a service that died; nothing answers on it (checked above)
  log "podman: starting podman system service on $SOCK (log: $LOG)"
  # setsid + nohup: the service must outlive this script and its terminal.
  setsid nohup podman system service --time=0 "unix://$SOCK" </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  deadline=$(( $(date +%s) + TIMEOUT ))
  until ping_podman; do
    alive "$pid" || { tail -n 5 "$LOG" >&2; die "podman system service exited during start-up; see $LOG"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "podman did not answer /_ping on $SOCK within ${TIMEOUT}s; see $LOG"
    sleep 0.2
  done
  log "podman: API ready on $SOCK ($(api_version); pid $pid)"
fi

# --- localhost/capstan/busybox:local, the very image dockerd has (same image ID), loaded without a registry.
if command -v docker >/dev/null && docker_id="$(docker image inspect -f '{{.Id}}' capstan/busybox:local 2>/dev/null)"; then
  podman_id="$(podman image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  if [ "sha256:$podman_id" = "$docker_id" ]; then
    log "podman: $IMAGE is up to date (${docker_id:7:12})"
  else
    log "podman: loading capstan/busybox:local from dockerd as $IMAGE"
    docker save capstan/busybox:local | podman load -q >/dev/null || die "podman load of capstan/busybox:local failed"
    # Default (bridge) network first; --network none is enough for most tests if bridging fails here.
    if [ "$(podman run --rm --pull=never "$IMAGE" sh -c 'echo ok' 2>/dev/null)" = ok ]; then
      log "podman: $IMAGE runs (bridge network)"
    elif [ "$(podman run --rm --pull=never --network none "$IMAGE" sh -c 'echo ok')" = ok ]; then
      log "podman: WARNING: $IMAGE runs only with --network none (the bridge network does not work here)"
    else
      die "$IMAGE does not run under podman"
    fi
  fi
else
  log "podman: WARNING: dockerd has no capstan/busybox:local (run docker.sh and images.sh first); no image loaded"
fi
curl -fsS --max-time 3 --unix-socket "$SOCK" "http://d/v1.41/images/$IMAGE/json" >/dev/null 2>&1 \
  || log "podman: WARNING: the API does not list $IMAGE"

(umask 077; echo "CAPSTAN_TEST_PODMAN_SOCKET=$SOCK" >"$ENV_FILE")
echo "CAPSTAN_TEST_PODMAN_SOCKET=$SOCK"
