#!/usr/bin/env bash
# Helm 3, for linting and rendering the chart in helm/ (the chart tests use it). Built once from the Go module
# proxy (`go install helm.sh/helm/v3/cmd/helm@<version>`, needs Go 1.26 or later) and cached; no Kubernetes needed.
#
#   deploy/local/helm.sh              install if needed, print the path of the helm binary
#   deploy/local/helm.sh <args...>    install if needed, run helm with these arguments
#
# The binary is cached in OCS_DEPLOY_CACHE (default ~/.cache/ocs-deploy) under helm/<version>/; Go keeps its own
# module and build caches (go env GOMODCACHE GOCACHE). OCS_HELM_VERSION picks another version; OCS_HELM names a
# helm binary to use instead (nothing is installed then).
set -euo pipefail

CACHE="${OCS_DEPLOY_CACHE:-$HOME/.cache/ocs-deploy}"
VERSION="${OCS_HELM_VERSION:-v3.22.0}"
MODULE=helm.sh/helm/v3

log() { printf '[helm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

install_helm() { # prints the path of the binary, building it first if the cache does not have it
  local dir="$CACHE/helm/$VERSION" started tmp
  if [[ -x "$dir/helm" ]]; then echo "$dir/helm"; return; fi
  command -v go >/dev/null || die "Go is needed to install helm $VERSION (go install $MODULE/cmd/helm@$VERSION)"
  log "building helm $VERSION from the Go module proxy into $dir (takes minutes the first time)"
  mkdir -p "$CACHE/helm"
  tmp="$(mktemp -d "$CACHE/helm/.install.XXXXXX")"
  started=$SECONDS
  # The stamps the official build sets (its Makefile): the version, and the Kubernetes version `helm lint` and
  # `helm template` assume, 1.<minor of k8s.io/client-go> (without it helm assumes 1.20).
  local gomod kube_minor flags
  gomod="$(cd "$tmp" && go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')" || true
  kube_minor="$(awk '$1 == "k8s.io/client-go" { split($2, v, "."); print v[2] }' "$gomod" 2>/dev/null)"
  [[ "$kube_minor" =~ ^[0-9]+$ ]] || { rm -rf "$tmp"; die "could not read the k8s.io/client-go version of helm $VERSION"; }
  flags="-s -w -X $MODULE/internal/version.version=$VERSION"
  for pkg in pkg/chartutil pkg/lint/rules; do
    flags+=" -X $MODULE/$pkg.k8sVersionMajor=1 -X $MODULE/$pkg.k8sVersionMinor=$kube_minor"
  done
  if ! GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -ldflags "$flags" "$MODULE/cmd/helm@$VERSION" >&2; then
    rm -rf "$tmp"; die "could not build helm $VERSION"
  fi
  # Renamed into place whole, so a concurrent run sees either no binary or a complete one.
  mkdir -p "$dir"; mv "$tmp/helm" "$dir/helm.$$"; mv -f "$dir/helm.$$" "$dir/helm"; rm -rf "$tmp"
  log "helm $VERSION installed in $((SECONDS - started))s"
  echo "$dir/helm"
}

main() {
  local helm
  if [[ -n "${OCS_HELM:-}" ]]; then
    [[ -x "$OCS_HELM" ]] || die "OCS_HELM=$OCS_HELM is not an executable"
    helm="$OCS_HELM"
  else
    helm="$(install_helm)"
  fi
  if (($# == 0)); then echo "$helm"; else exec "$helm" "$@"; fi
}

main "$@"
