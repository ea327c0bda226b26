#!/usr/bin/env bash
# Chromium, the browser the web console's tests drive (puppeteer-core): installed once from Debian packages
# (`apt-get install chromium`) and left installed.
#
#   deploy/local/chromium.sh    install if needed, print the path of the chromium binary
#
# OCS_CHROMIUM names a browser binary to use instead (nothing is installed then).
set -euo pipefail

log() { printf '[chromium] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_chromium() {
  local name
  for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null; then command -v "$name"; return 0; fi
  done
  return 1
}

main() {
  if [[ -n "${OCS_CHROMIUM:-}" ]]; then
    [[ -x "$OCS_CHROMIUM" ]] || die "OCS_CHROMIUM=$OCS_CHROMIUM is not an executable"
    echo "$OCS_CHROMIUM"
    return
  fi
  if find_chromium; then return; fi
  command -v apt-get >/dev/null || die "chromium is missing and there is no apt-get to install it; set OCS_CHROMIUM"
  log "installing chromium from Debian packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation) >&2 \
    || die "could not install chromium (it needs root)"
  find_chromium || die "chromium was installed but no chromium binary is on the PATH"
}

main "$@"
