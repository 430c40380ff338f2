#!/usr/bin/env bash
# Local base images, made without any registry:
#   capstan/busybox:local  - `docker import` of a root file system made from Debian's busybox-static
#   capstan/node:20-local  - FROM scratch: the host's node binary, the libraries ldd lists, CA certificates,
#                            /tmp, a non-root user `node` (uid/gid 1000) and busybox as /bin/sh (so that
#                            Dockerfile RUN steps and `docker exec` work, as with the official node images).
# Each is skipped when it exists with the same labels (node version / busybox version).
# Needs a running dockerd (tools/setup/docker.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

require_root
command -v docker >/dev/null || die "no docker CLI; run tools/setup/docker.sh first"
docker info >/dev/null 2>&1 || die "dockerd does not answer; run tools/setup/docker.sh first"
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 || apt_install busybox-static
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
file_is_static /bin/busybox || die "/bin/busybox is not static; install busybox-static"

export DOCKER_BUILDKIT=0
label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

command -v node >/dev/null || die "no node on PATH: install Node.js 20 first (the image is made from the host's node)"
# Pipelines here never end in an early-exit reader (head, grep -q, awk exit): with pipefail the writer's
# SIGPIPE would fail the script.
bb_banner="$(/bin/busybox 2>&1 || true)"
BUSYBOX_VERSION="$(awk 'NR==1 {print $2}' <<<"$bb_banner")"
NODE_BIN="$(readlink -f "$(command -v node)")"
NODE_VERSION="$("$NODE_BIN" --version)"

work="$(mktemp -d /tmp/capstan-images.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# A minimal root file system: busybox and its applets as symlinks, passwd/group, /tmp.
make_busybox_root() {
  local root="$1"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home,var/tmp,proc,sys,dev}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$root/$(dirname "$applet")"
    ln -sf /bin/busybox "$root/$applet"
  done < <(/bin/busybox --list-full)
  cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
  cat >"$root/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# --- capstan/busybox:local
if [ "$(label capstan/busybox:local org.capstan.busybox-version)" = "$BUSYBOX_VERSION" ]; then
  log "images: capstan/busybox:local is up to date (busybox $BUSYBOX_VERSION)"
else
  log "images: building capstan/busybox:local (busybox $BUSYBOX_VERSION)"
  make_busybox_root "$work/busybox"
  tar -C "$work/busybox" --numeric-owner -cf - . | docker import \
    --change 'CMD ["sh"]' \
    --change "LABEL org.capstan.busybox-version=$BUSYBOX_VERSION" \
    - capstan/busybox:local >/dev/null
  [ "$(docker run --rm --network none capstan/busybox:local sh -c 'echo ok')" = ok ] \
    || die "capstan/busybox:local does not run"
fi

# --- capstan/node:20-local
if [ "$(label capstan/node:20-local org.capstan.node-version)" = "$NODE_VERSION" ] \
  && [ "$(label capstan/node:20-local org.capstan.busybox-version)" = "$BUSYBOX_VERSION" ]; then
  log "images: capstan/node:20-local is up to date (node $NODE_VERSION)"
else
  log "images: building capstan/node:20-local (node $NODE_VERSION from $NODE_BIN)"
  root="$work/node/rootfs"
  make_busybox_root "$root"
  printf 'node:x:1000:1000::/home/node:/bin/sh\n' >>"$root/etc/passwd"
  printf 'node:x:1000:\n' >>"$root/etc/group"
  mkdir -p "$root/home/node" "$root/usr/local/bin"
  cp "$NODE_BIN" "$root/usr/local/bin/node"
  # The libraries node links against, plus those native addons (sqlite3, argon2) commonly need.
  # glibc >= 2.34 has NSS files/dns and libresolv inside libc, so name lookups need nothing more.
  libs="$(ldd "$NODE_BIN" | awk '/=>/ {print $3} !/=>/ && $1 ~ /^\// {print $1}')"
  for extra in librt.so.1 libutil.so.1 libresolv.so.2 libz.so.1; do
    p="$(ldconfig -p | awk -v n="$extra" '$1==n && /x86-64|x86_64|64bit/ && !found {print $NF; found=1}')"
    [ -n "$p" ] && libs+=$'\n'"$p"
  done
  while read -r lib; do
    [ -n "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done <<<"$libs"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$root/etc/ssl/certs"
    cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  fi
  cat >"$work/node/Dockerfile" <<DF
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin \\
    NODE_VERSION=${NODE_VERSION#v} \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
LABEL org.capstan.node-version="$NODE_VERSION" \\
      org.capstan.busybox-version="$BUSYBOX_VERSION" \\
      org.opencontainers.image.description="Node.js $NODE_VERSION from the build host, FROM scratch (Capstan tools/setup/images.sh)"
CMD ["node"]
DF
  # The legacy builder prints a deprecation notice on stderr: show stderr only when the build fails.
  docker build -q -t capstan/node:20-local "$work/node" >/dev/null 2>"$work/build.err" \
    || { cat "$work/build.err" >&2; die "docker build of capstan/node:20-local failed"; }
  got="$(docker run --rm --network none capstan/node:20-local node -e 'process.stdout.write(process.version)')"
  [ "$got" = "$NODE_VERSION" ] || die "capstan/node:20-local runs node '$got', expected $NODE_VERSION"
fi

log "images: $(docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^capstan/(busybox|node):' | paste -sd ' ')"
