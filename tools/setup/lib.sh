# Shared helpers for tools/setup/*.sh (sourced, not run).
# Every script is idempotent: it checks before it installs or starts anything.

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "run as root (apt-get and service start-up need it)"
}

# apt-get update at most once per process tree (CAPSTAN_APT_UPDATED is exported to child scripts),
# and not at all when the package lists are already present and the packages resolve.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = 'install ok installed' ] || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  if [ "${CAPSTAN_APT_UPDATED:-0}" != 1 ]; then
    if ! apt-get install -y -qq --no-install-recommends --dry-run "${missing[@]}" >/dev/null 2>&1; then
      log "apt-get update"
      apt-get update -qq >>/var/log/capstan-setup-apt.log 2>&1 || die "apt-get update failed (see /var/log/capstan-setup-apt.log)"
    fi
    export CAPSTAN_APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  # Maintainer scripts are chatty (debconf, initdb of the distribution's cluster): keep it in a log.
  local aptlog=/var/log/capstan-setup-apt.log
  if ! apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >>"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    die "apt-get install ${missing[*]} failed (full log: $aptlog)"
  fi
}

# wait_for <seconds> <command...>: poll every 0.5 s until the command succeeds.
wait_for() {
  local timeout="$1"; shift
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}
