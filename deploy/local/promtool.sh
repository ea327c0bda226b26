#!/usr/bin/env bash
# Prometheus' promtool, for checking the chart's alert rules (the chart tests use it). Built once from the Go module
# proxy (`go install github.com/prometheus/prometheus/cmd/promtool@<version>`) with the `go` on the PATH, and cached.
#
#   deploy/local/promtool.sh              install if needed, print the path of the promtool binary
#   deploy/local/promtool.sh <args...>    install if needed, run promtool with these arguments
#
# The binary is cached in OCS_DEPLOY_CACHE (default ~/.cache/ocs-deploy) under promtool/<version>/. GOPROXY names
# another module proxy. OCS_PROMTOOL_VERSION picks another version (a Go module version of
# github.com/prometheus/prometheus, v0.<minor>.<patch> for Prometheus 3.<minor>.<patch>); OCS_PROMTOOL names a
# promtool binary to use instead (nothing is installed then).
set -euo pipefail

CACHE="${OCS_DEPLOY_CACHE:-$HOME/.cache/ocs-deploy}"
VERSION="${OCS_PROMTOOL_VERSION:-v0.316.0}"

log() { printf '[promtool] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

promtool_path() {
  if [[ -n "${OCS_PROMTOOL:-}" ]]; then
    [[ -x "$OCS_PROMTOOL" ]] || die "OCS_PROMTOOL=$OCS_PROMTOOL is not an executable"
    echo "$OCS_PROMTOOL"
    return
  fi
  local dir="$CACHE/promtool/$VERSION"
  if [[ ! -x "$dir/promtool" ]]; then
    command -v go >/dev/null || die "no go on the PATH to build promtool $VERSION with"
    log "building promtool $VERSION from the Go module proxy (minutes, once)"
    mkdir -p "$dir"
    GOFLAGS=-mod=mod GOBIN="$dir" go install "github.com/prometheus/prometheus/cmd/promtool@$VERSION" >&2 \
      || die "go install github.com/prometheus/prometheus/cmd/promtool@$VERSION failed"
  fi
  echo "$dir/promtool"
}

path="$(promtool_path)"
if (($# == 0)); then echo "$path"; else exec "$path" "$@"; fi
