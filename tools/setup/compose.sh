#!/usr/bin/env bash
# Builds the Docker Compose CLI plugin (Go line) from its Go module, pinned, into a cache outside the repo, and
# installs it as a docker CLI plugin. Second run: one version check, well under a second.
# Why this version: see tools/setup/README.md (Decisions). CAPSTAN_COMPOSE_VERSION overrides the pin.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root

version="${CAPSTAN_COMPOSE_VERSION:-v2.40.3}"
module="github.com/docker/compose/v2"
cache="${CAPSTAN_COMPOSE_CACHE:-/var/cache/capstan/compose}/$version"
bin="$cache/docker-compose"
plugin_dir="${CAPSTAN_DOCKER_PLUGIN_DIR:-/usr/local/lib/docker/cli-plugins}"
plugin="$plugin_dir/docker-compose"

if [ ! -x "$bin" ]; then
  command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || die "go is needed to build docker compose"
  go="$(command -v go || echo /usr/local/go/bin/go)"
  log "building docker compose $version from $module (go module proxy; a few minutes)"
  mkdir -p "$cache"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # `go install module@version` refuses a go.mod with exclude directives (compose has them): fetch the module's
  # source through the proxy and build its main package inside it, as the main module.
  (
    set -e
    cd "$work"
    dir="$(GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    [ -n "$dir" ] || { echo "no module dir"; exit 1; }
    cp -r "$dir" src && chmod -R u+w src && cd src
    GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false "$go" build -trimpath \
      -ldflags "-s -w -X $module/internal.Version=$version" -o "$work/bin/cmd" ./cmd
  ) >"$cache/build.log" 2>&1 || { tail -n 30 "$cache/build.log" >&2; die "go build of compose $version failed (log: $cache/build.log)"; }
  install -m 0755 "$work/bin/cmd" "$bin.tmp" && mv "$bin.tmp" "$bin"
fi

mkdir -p "$plugin_dir"
if ! cmp -s "$bin" "$plugin" 2>/dev/null; then
  install -m 0755 "$bin" "$plugin.tmp" && mv "$plugin.tmp" "$plugin"
fi
log "docker compose $("$plugin" version --short 2>/dev/null || echo '?') at $plugin"
