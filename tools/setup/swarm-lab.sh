#!/bin/bash
# swarm-lab.sh up|down|status|stop N|load IMAGE...|env|ns CMD...
# Derived from ../shared/reference/multinode-swarm.md (read its caveats: no IPVS, so dnsrr endpoint mode and
# host-mode published ports; the host cannot route to the lab's /24, use `swarm-lab.sh ns CMD` to run CMD in
# the lab's switch namespace). Every command is idempotent and prints one summary line unless it fails
# (SWARM_VERBOSE=1 shows the node list). Capstan changes: quiet output with timings; `load` skips nodes that
# already hold the same image ID; `status` exits 1 when a node is down; `ns`; up/down/stop/load serialised by a
# lock (below) that test suites hold for their whole run.
# Real multi-node Docker Swarm on one host: every node is its own dockerd (+ its own
# managed containerd) running in private net+mount+uts namespaces, wired to an L2 bridge
# that lives in yet another namespace (capsw). Nothing is added to the host netns/iptables.
set -euo pipefail
N=${SWARM_NODES:-3}              # nodes node1..nodeN
MANAGERS=${SWARM_MANAGERS:-1}    # node1..node$MANAGERS are managers, the rest workers
NET=${SWARM_NET:-10.99.0}        # underlay /24 (exists only inside the lab namespaces)
DATA=${SWARM_DATA:-/var/lib/capstan-swarm}
RUN=/run/capstan-swarm
SW=capsw                         # namespace holding bridge capbr0 (+ $NET.1)
DOCKER=${DOCKER:-/usr/bin/docker}
IMG=local/busybox:latest

ip_of() { echo "$NET.$((10 + $1))"; }
sock()  { echo "$RUN/node$1.sock"; }   # + symlink /run/capstan-node$1.sock
d()     { local i=$1; shift; "$DOCKER" -H "unix://$(sock "$i")" "$@"; }
pid_of(){ local p; p=$(cat "$RUN/node$1.pid" 2>/dev/null) || p=""
          if [ -n "$p" ] && [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -q -- "$(sock "$1")"; then
            echo "$p"; return 0; fi
          stray_pid "$1"; }
# A node's dockerd that lost its pid file (a run interrupted mid-way): found by its data root on the command line.
stray_pid(){ local f; for f in /proc/[0-9]*/cmdline; do
               { tr '\0' ' ' <"$f"; } 2>/dev/null | grep -q -- "^dockerd .*--data-root $DATA/node$1 " && { f=${f%/cmdline}; echo "${f#/proc/}"; return 0; }
             done; return 1; }
waitfor(){ local t=$1; shift; for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
           echo "timeout: $*" >&2; return 1; }

start_node() {   # $1 = node index
  local i=$1 n=capn$1
  pid_of "$i" >/dev/null && return 0
  reap_node "$i"                  # a node that was killed: clear leftovers, start from a fresh netns
  mkdir -p "$DATA/node$i" "$RUN"
  [ -e "/run/netns/$n" ] || ip netns add "$n"
  if ! ip -n "$n" link show eth0 >/dev/null 2>&1; then
    ip -n $SW link del "capv$i" 2>/dev/null || true
    ip -n $SW link add "capv$i" type veth peer name eth0 netns "$n"
    ip -n $SW link set "capv$i" master capbr0 up
  fi
  ip -n "$n" addr replace "$(ip_of "$i")/24" dev eth0
  ip -n "$n" link set eth0 up; ip -n "$n" link set lo up
  # dockerd gets a private /run (own docker.sock, exec-root, containerd shims) with the lab
  # run dir moved back in, a resolv.conf pointing into the lab, a sysfs of its own netns
  # (cgroup mounts carried over) and its own hostname.
  nsenter --net="/run/netns/$n" unshare --mount --uts --propagation private \
    env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 /bin/sh -ec '
      hostname "node$1"; mount --bind "$2/resolv.conf" /etc/resolv.conf
      awk "{print \$5}" /proc/self/mountinfo | grep -E "^/(run|var/lib/docker|var/lib/containers)/" |
        sort -r | while read -r m; do umount -l "$m"; done   # drop copies of other engines mounts
      mkdir -p "$3/.m"; mount --bind "$2" "$3/.m"; mount -t tmpfs -o mode=755 noderun /run
      mkdir "$2" /run/.cg; mount --move "$3/.m" "$2"; mount --rbind /sys/fs/cgroup /run/.cg
      umount -l /sys; mount -t sysfs sysfs /sys; mount --move /run/.cg /sys/fs/cgroup; rmdir /run/.cg
      exec dockerd --config-file "$3/daemon.json" --data-root "$3/node$1" --storage-driver overlay2 \
        -H unix:///run/docker.sock -H "unix://$2/node$1.sock" --cgroup-parent "/capstan-node$1" \
        --shutdown-timeout 3' sh "$i" "$RUN" "$DATA" >"$RUN/node$i.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &   # no caller fds (locks) kept by the daemon
  echo $! >"$RUN/node$i.pid"; ln -sfn "$(sock "$i")" "/run/capstan-node$i.sock"
}

reap_node() {    # $1 = node index, $2 = dockerd pid (already sent SIGTERM) or empty
  local i=$1 n=capn$1 p left
  if [ -n "${2:-}" ]; then for _ in $(seq 100); do [ -d "/proc/$2" ] || break; sleep 0.2; done; fi
  left=$( (ip netns pids "$n" 2>/dev/null; cat /sys/fs/cgroup/pids/capstan-node"$i"/cgroup.procs \
           /sys/fs/cgroup/pids/capstan-node"$i"/*/cgroup.procs 2>/dev/null; true) | sort -u)
  for p in $left; do kill -KILL "$p" 2>/dev/null || true; done   # leftovers: containerd, shims, tasks
  for p in $left; do for _ in $(seq 50); do [ -d "/proc/$p" ] || break; sleep 0.1; done; done
  for p in /sys/fs/cgroup/*/capstan-node"$i"; do
    if [ -d "$p" ]; then find "$p" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  if [ -e "/run/netns/$n" ]; then ip netns del "$n"; fi
  rm -f "$(sock "$i")" "$RUN/node$i.pid" "/run/capstan-node$i.sock"
}

up() {
  local t0=$SECONDS i tok
  mkdir -p "$DATA" "$RUN"
  [ -d /run/netns ] || touch "$DATA/.made-run-netns"   # ip netns creates a /run/netns mount
  echo '{}' >"$DATA/daemon.json"
  echo "nameserver $NET.1" >"$RUN/resolv.conf"   # nothing answers there: lookups fail fast, in-lab
  if [ ! -e /run/netns/$SW ]; then
    ip netns add $SW
    # A fixed address: a bridge otherwise takes its lowest port's MAC and changes it when that node's veth goes
    # (stop); the nodes' ARP entries for $NET.1 (the relay) then point nowhere and answers to it are lost.
    ip -n $SW link add capbr0 address 02:ca:95:00:00:01 type bridge
    ip -n $SW addr add "$NET.1/24" dev capbr0
    ip -n $SW link set capbr0 up; ip -n $SW link set lo up
  fi
  for i in $(seq "$N"); do start_node "$i"; done
  for i in $(seq "$N"); do waitfor 60 d "$i" version || { tail -20 "$RUN/node$i.log"; exit 1; }; done
  # image: busybox-static rootfs imported on node1, copied to the others (same image ID)
  if ! d 1 image inspect $IMG >/dev/null 2>&1; then
    local r; r=$(mktemp -d); mkdir -p "$r"/{bin,etc,tmp,www,proc,sys,dev}
    cp /bin/busybox "$r/bin/"; for a in $(/bin/busybox --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
    printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
    tar -C "$r" -c . | d 1 import --change 'CMD ["sh"]' - $IMG >/dev/null; rm -rf "$r"
  fi
  for i in $(seq 2 "$N"); do d "$i" image inspect $IMG >/dev/null 2>&1 || d 1 save $IMG | d "$i" load -q >/dev/null; done
  # swarm
  if [ "$(d 1 info -f '{{.Swarm.LocalNodeState}}')" != active ]; then
    d 1 swarm init --advertise-addr "$(ip_of 1)" --listen-addr "$(ip_of 1):2377" >/dev/null
  fi
  for i in $(seq 2 "$N"); do
    [ "$(d "$i" info -f '{{.Swarm.LocalNodeState}}')" = active ] && continue
    if [ "$i" -le "$MANAGERS" ]; then tok=$(d 1 swarm join-token -q manager); else tok=$(d 1 swarm join-token -q worker); fi
    d "$i" swarm join --token "$tok" --advertise-addr "$(ip_of "$i")" --listen-addr "$(ip_of "$i"):2377" "$(ip_of 1):2377" >/dev/null
  done
  waitfor 60 sh -c "[ \$($DOCKER -H unix://$(sock 1) node ls -q -f role=manager | wc -l) -eq $MANAGERS ] && \
      [ \$($DOCKER -H unix://$(sock 1) node ls --format '{{.Status}}' | grep -c Ready) -eq $N ]"
  if [ "${SWARM_VERBOSE:-0}" = 1 ]; then d 1 node ls; fi
  echo "lab up in $((SECONDS - t0))s ($N nodes, $MANAGERS manager(s)); node1 API: unix://$(sock 1)"
}

down() {
  local t0=$SECONDS f i p ids=() pids=()
  for f in /run/netns/capn* "$RUN"/node*.pid /run/capstan-node*.sock; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    i=${f##*/}; i=${i#capn}; i=${i#capstan-}; i=${i#node}; i=${i%.pid}; i=${i%.sock}; ids+=("$i")
  done
  for i in $(seq "$N"); do stray_pid "$i" >/dev/null && ids+=("$i"); done
  for i in $(printf '%s\n' "${ids[@]}" | sort -un); do     # kill containers (skips stop grace
    pid_of "$i" >/dev/null && { d "$i" ps -q | xargs -r "$DOCKER" -H "unix://$(sock "$i")" kill; } &>/dev/null &
  done; wait                                                 # periods), then SIGTERM all daemons
  for i in $(printf '%s\n' "${ids[@]}" | sort -un); do
    p=$(pid_of "$i") && kill -TERM "$p" || p=""; pids[$i]=$p
  done
  for i in "${!pids[@]}"; do reap_node "$i" "${pids[$i]}"; done
  if [ -e /run/netns/$SW ]; then ip netns del $SW; fi
  if [ -e "$DATA/.made-run-netns" ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
    umount /run/netns 2>/dev/null || true; rmdir /run/netns 2>/dev/null || true
  fi
  if grep -qs -- "$DATA" /proc/[0-9]*/mountinfo; then echo "WARN: mounts under $DATA still exist; not removing" >&2
  else rm -rf "$DATA" "$RUN"; fi
  echo "lab down in $((SECONDS - t0))s"
}

load() {         # IMAGE... from the main engine (read-only there) onto every running node, skipping up-to-date ones
  local t0=$SECONDS src=${SWARM_IMAGE_SRC:-unix:///var/run/docker.sock} img want i todo
  for img in "$@"; do
    want=$("$DOCKER" -H "$src" image inspect -f '{{.Id}}' "$img") || { echo "no image $img on $src" >&2; exit 1; }
    todo=()
    for i in $(seq "$N"); do
      pid_of "$i" >/dev/null || continue
      [ "$(d "$i" image inspect -f '{{.Id}}' "$img" 2>/dev/null)" = "$want" ] || todo+=("$i")
    done
    [ "${#todo[@]}" -eq 0 ] && continue
    # one save, fanned out to the nodes that need it
    local f; f=$(mktemp /tmp/swarm-lab-img.XXXXXX); "$DOCKER" -H "$src" save "$img" >"$f"
    for i in "${todo[@]}"; do d "$i" load -q <"$f" >/dev/null & done; wait; rm -f "$f"
  done
  echo "loaded $* in $((SECONDS - t0))s"
}

# One lab per machine: commands that change it wait for each other. A test suite holds the same lock for its
# whole run (flock on $LOCK, then SWARM_LAB_LOCKED=1 for its own commands), so that another session's
# up/down/stop waits instead of pulling the lab from under it.
LOCK=${SWARM_LAB_LOCK:-/run/capstan-swarm.lock}
case "${1:-}" in
  up|down|stop|load)
    if [ "${SWARM_LAB_LOCKED:-0}" != 1 ]; then
      exec 9>"$LOCK"
      flock -w "${SWARM_LAB_WAIT:-900}" 9 || { echo "the lab is busy ($LOCK held by another session)" >&2; exit 1; }
    fi ;;
esac

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) rc=0; for i in $(seq "$N"); do p=$(pid_of "$i") || { p=-; rc=1; }; echo "node$i pid=$p sock=$(sock "$i")"; done
          d 1 node ls 2>/dev/null || rc=1; exit $rc ;;
  load) shift; load "$@" ;;
  ns) shift; exec ip netns exec $SW "$@" ;;
  stop) p=$(pid_of "${2:?node index}") && kill -TERM "$p" || p=""; reap_node "$2" "$p" ;;   # node "power off"; up restarts it
  env) echo "export DOCKER_HOST=unix://$(sock 1)" ;;
  *) echo "usage: $0 up|down|status|stop N|load IMAGE...|env|ns CMD..." >&2; exit 2 ;;
esac
