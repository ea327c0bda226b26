#!/usr/bin/env bash
# The Node.js release the product supports (package.json "engines"), for the tests: fetched once from the npm registry
# (the node-linux-<arch> package holds the official binary) and cached. The Node on the PATH is used instead when it
# already is that major version.
#
#   deploy/local/node.sh    install if needed, print the directory of its node binary
#
# OCS_NODE_VERSION picks another release; the cache is OCS_DEPLOY_CACHE (default ~/.cache/ocs-deploy) under node/.
set -euo pipefail

VERSION="${OCS_NODE_VERSION:-24.22.3}"
CACHE="${OCS_DEPLOY_CACHE:-$HOME/.cache/ocs-deploy}/node/$VERSION"

log() { printf '[node] %s\n' "$*" >&2; }

if command -v node >/dev/null && [[ "$(node --version)" == "v${VERSION%%.*}."* ]]; then
  dirname "$(command -v node)"
  exit 0
fi
if [[ ! -x "$CACHE/bin/node" ]]; then
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) log "ERROR: no Node.js package for $(uname -m)"; exit 1 ;; esac
  log "fetching Node.js $VERSION from the npm registry (node-linux-$arch)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$VERSION" >/dev/null && tar xzf ./*.tgz)
  [[ "$("$tmp/package/bin/node" --version)" == "v$VERSION" ]] || { log "ERROR: the package's node is not v$VERSION"; exit 1; }
  mkdir -p "$(dirname "$CACHE")"
  rm -rf "$CACHE"
  mv "$tmp/package" "$CACHE"
fi
echo "$CACHE/bin"
