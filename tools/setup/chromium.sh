#!/usr/bin/env bash
# Debian's chromium for the browser tests (driven by playwright-core with executablePath /usr/bin/chromium;
# never `playwright install`, which needs the internet).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

require_root
command -v chromium >/dev/null || apt_install chromium
# --version needs neither a display nor a sandbox.
log "chromium: $(chromium --version 2>/dev/null | head -n1) at $(command -v chromium)"
