#!/usr/bin/env bash
# Builds capstan/server:local and capstan/agent:local from this checkout without any registry.
#   tools/docker/build-images.sh [server|agent ...]       (default: both)
# Env: BASE_IMAGE (default capstan/node:20-local, made by tools/setup/images.sh),
#      CAPSTAN_REBUILD_DIST=1 to rebuild dist/ even when it exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { printf '[docker] %s\n' "$*"; }
die() { printf '[docker] ERROR: %s\n' "$*" >&2; exit 1; }

BASE_IMAGE="${BASE_IMAGE:-capstan/node:20-local}"
targets=("$@"); [ "${#targets[@]}" -gt 0 ] || targets=(server agent)
export DOCKER_BUILDKIT=0 NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

docker info >/dev/null 2>&1 || die "dockerd does not answer; run tools/setup/docker.sh"
docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 \
  || die "base image $BASE_IMAGE is missing; run tools/setup/images.sh (or set BASE_IMAGE)"

# dist/ first: nx only rebuilds what changed (cached), but skip even that when the outputs exist.
need=()
for t in "${targets[@]}"; do
  [ "${CAPSTAN_REBUILD_DIST:-0}" = 1 ] || [ ! -f "dist/apps/$t/main.js" ] && need+=("$t")
done
if printf '%s\n' "${targets[@]}" | grep -qx server && [ ! -f dist/apps/portal/browser/index.html ]; then
  need+=(portal)
fi
if [ "${#need[@]}" -gt 0 ]; then
  log "building dist for: ${need[*]}"
  npx nx run-many -t build --projects="$(IFS=,; echo "${need[*]}")" --outputStyle=static
fi

build() {
  local name="$1" err old
  err="$(mktemp)"
  old="$(docker image inspect -f '{{.Id}}' "capstan/$name:local" 2>/dev/null || true)"
  log "docker build capstan/$name:local (BASE_IMAGE=$BASE_IMAGE)"
  # The legacy builder's deprecation notice goes to stderr: show stderr only on failure.
  if ! docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "capstan/$name:local" -f "apps/$name/Dockerfile" . \
    >/dev/null 2>"$err"; then
    cat "$err" >&2; rm -f "$err"; die "docker build of capstan/$name:local failed"
  fi
  rm -f "$err"
  # The image this build replaced is left untagged (one per rebuild, ~180 MB each): removed unless a container
  # still uses it (then docker refuses, and it stays).
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "capstan/$name:local")" ] &&
    [ -z "$(docker image inspect -f '{{join .RepoTags ","}}' "$old" 2>/dev/null)" ]; then
    docker rmi "$old" >/dev/null 2>&1 || true
  fi
  log "capstan/$name:local $(docker image inspect -f '{{.Id}} {{.Size}}' "capstan/$name:local" | awk '{printf "%s %.0f MB", substr($1,8,12), $2/1e6}')"
}

for t in "${targets[@]}"; do
  case "$t" in
    server)
      [ -f dist/apps/server/main.js ] || die "dist/apps/server/main.js is missing after the build"
      node tools/docker/stage-node-modules.mjs dist/apps/server/main.js dist/docker/server/node_modules
      rm -rf dist/docker/server/portal && mkdir -p dist/docker/server/portal
      if [ -d dist/apps/portal ]; then
        cp -a dist/apps/portal/. dist/docker/server/portal/
      else
        log "WARNING: dist/apps/portal is missing; the image will serve no portal"
      fi
      # Stacks: the docker CLI (`docker stack deploy`) and the compose plugin (tools/setup/compose.sh).
      rm -rf dist/docker/server/bin && mkdir -p dist/docker/server/bin/cli-plugins
      docker_cli="$(command -v docker)" || die "the docker CLI is needed for the server image (stacks)"
      cp -L "$docker_cli" dist/docker/server/bin/docker
      [ -x /usr/local/lib/docker/cli-plugins/docker-compose ] || die "run tools/setup/compose.sh first (docker compose for the server image)"
      cp -L /usr/local/lib/docker/cli-plugins/docker-compose dist/docker/server/bin/cli-plugins/docker-compose
      build server
      ;;
    agent)
      [ -f dist/apps/agent/main.js ] || die "dist/apps/agent/main.js is missing after the build"
      build agent
      ;;
    *) die "unknown image '$t' (server, agent)" ;;
  esac
done
