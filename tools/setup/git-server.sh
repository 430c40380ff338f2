#!/usr/bin/env bash
# The git side of the tests: Debian's `git` with its CGI `git http-backend`. Nothing runs permanently — each test
# starts its own loopback HTTP(S) server (libs/testing `GitHttpServer`) that runs `git http-backend` per request
# over bare repositories in the test's own directory; this script makes sure the binaries are there and answer.
# Prints CAPSTAN_TEST_GIT_HTTP_BACKEND and writes it to /tmp/capstan-git.env.
#
# Env: CAPSTAN_GIT_ENV_FILE (default /tmp/capstan-git.env).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ENV_FILE="${CAPSTAN_GIT_ENV_FILE:-/tmp/capstan-git.env}"

backend() { printf '%s/git-http-backend' "$(git --exec-path 2>/dev/null)"; }
if ! command -v git >/dev/null || [ ! -x "$(backend)" ]; then
  require_root
  apt_install git
fi
BACKEND="$(backend)"
[ -x "$BACKEND" ] || die "git http-backend not found at $BACKEND"

# A smoke test of the CGI itself: the ref advertisement of an empty bare repository.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git init -q --bare "$tmp/smoke.git"
out="$(GIT_PROJECT_ROOT="$tmp" GIT_HTTP_EXPORT_ALL=1 PATH_INFO=/smoke.git/info/refs QUERY_STRING=service=git-upload-pack \
  REQUEST_METHOD=GET "$BACKEND" 2>&1 | head -c 400)"
grep -q 'application/x-git-upload-pack-advertisement' <<<"$out" || die "git http-backend did not answer a ref advertisement: $out"

(umask 077; printf 'CAPSTAN_TEST_GIT_HTTP_BACKEND=%s\n' "$BACKEND" >"$ENV_FILE")
log "git: $(git --version), http-backend $BACKEND answers; written to $ENV_FILE"
cat "$ENV_FILE"
