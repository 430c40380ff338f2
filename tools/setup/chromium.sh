#!/usr/bin/env bash
# Debian's chromium for the browser tests (driven by playwright-core with executablePath /usr/bin/chromium;
# never `playwright install`, which needs the internet).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

require_root
command -v chromium >/dev/null || apt_install chromium
# --version needs neither a display nor a sandbox.
version="$(chromium --version 2>/dev/null)" || die "chromium --version failed"
log "chromium: ${version%%$'\n'*} at $(command -v chromium)"
