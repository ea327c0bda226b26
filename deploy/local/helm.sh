#!/usr/bin/env bash
# Helm 3, for linting and rendering the chart in helm/ (the chart tests use it). Built once from the Go module
# proxy (`go install helm.sh/helm/v3/cmd/helm@<version>`) and cached; no Kubernetes needed. The Go that builds it is
# `go` on the PATH when it is as new as helm's go.mod asks (Go 1.26 for v3.22.0); otherwise that Go release, fetched
# once from the same module proxy (Debian 12 packages Go 1.19 only). curl and unzip come from Debian packages if missing.
#
#   deploy/local/helm.sh              install if needed, print the path of the helm binary
#   deploy/local/helm.sh <args...>    install if needed, run helm with these arguments
#
# The binary is cached in OCS_DEPLOY_CACHE (default ~/.cache/ocs-deploy) under helm/<version>/, a fetched Go under
# go/<version>/; Go keeps its own module and build caches (go env GOMODCACHE GOCACHE). GOPROXY names another module
# proxy. OCS_HELM_VERSION picks another helm version; OCS_HELM names a helm binary to use instead (nothing is
# installed then).
set -euo pipefail

CACHE="${OCS_DEPLOY_CACHE:-$HOME/.cache/ocs-deploy}"
VERSION="${OCS_HELM_VERSION:-v3.22.0}"
MODULE=helm.sh/helm/v3

log() { printf '[helm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need() { # command, Debian package: installs the package if the command is missing
  command -v "$1" >/dev/null && return
  log "installing $2 from Debian packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2") >&2 || die "could not install $2 (it needs root)"
}

module_proxy() { # the first proxy of GOPROXY (go's own setting if there is a go), as go reads it
  local proxy="${GOPROXY:-}"
  [[ -n "$proxy" ]] || ! command -v go >/dev/null || proxy="$(go env GOPROXY)"
  proxy="${proxy:-https://proxy.golang.org}"; proxy="${proxy%%[,|]*}"
  [[ "$proxy" == http* ]] || die "GOPROXY=$proxy names no module proxy to fetch from"
  echo "${proxy%/}"
}

fetch_go() { # version (1.26.0): prints the path of its go binary, fetching the release first if the cache lacks it
  local version=$1 dir="$CACHE/go/$1" proxy platform toolchain tmp recorded hash
  if [[ -x "$dir/bin/go" ]]; then echo "$dir/bin/go"; return; fi
  case "$(uname -m)" in x86_64) platform=linux-amd64 ;; aarch64 | arm64) platform=linux-arm64 ;; *) die "no Go release for $(uname -m) here" ;; esac
  need unzip unzip
  proxy="$(module_proxy)"
  # The release as the module `go` itself fetches to switch toolchains (GOTOOLCHAIN), checked against the hash the
  # Go checksum database records for it: the SHA-256 of the list of its files' SHA-256 sums, as sha256sum prints it.
  toolchain="golang.org/toolchain@v0.0.1-go$version.$platform"
  log "fetching Go $version from the Go module proxy into $dir"
  mkdir -p "$CACHE/go"
  tmp="$(mktemp -d "$CACHE/go/.install.XXXXXX")"
  curl -fsSL --retry 3 -o "$tmp/go.zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go$version.$platform.zip" \
    || { rm -rf "$tmp"; die "could not fetch Go $version ($toolchain) from $proxy"; }
  recorded="$(curl -fsSL --retry 3 "$proxy/sumdb/sum.golang.org/lookup/$toolchain" || curl -fsSL --retry 3 "https://sum.golang.org/lookup/$toolchain")" \
    || { rm -rf "$tmp"; die "could not look up the checksum of $toolchain"; }
  recorded="$(awk -v m="${toolchain#*@}" '$2 == m { print $3 }' <<<"$recorded")"
  (cd "$tmp" && unzip -q go.zip && rm go.zip) || { rm -rf "$tmp"; die "could not unpack Go $version"; }
  hash="$(cd "$tmp" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)"
  hash="h1:$(printf '%b' "$(sed 's/../\\x&/g' <<<"$hash")" | base64)"
  [[ "$hash" == "$recorded" ]] || { rm -rf "$tmp"; die "Go $version from $proxy has hash $hash, the checksum database records ${recorded:-none}"; }
  # Renamed into place whole; if a concurrent run was first, its copy stays.
  mv -T "$tmp/$toolchain" "$dir" 2>/dev/null || [[ -x "$dir/bin/go" ]] || { rm -rf "$tmp"; die "could not install Go $version in $dir"; }
  rm -rf "$tmp"
  log "Go $version installed"
  echo "$dir/bin/go"
}

go_for() { # the go binary that can build helm $VERSION: go on the PATH if new enough, else the release its go.mod asks
  local wanted have
  need curl curl
  wanted="$(curl -fsSL --retry 3 "$(module_proxy)/$MODULE/@v/$VERSION.mod" | awk '$1 == "go" { print $2 }')"
  [[ -n "$wanted" ]] || die "could not read the Go version helm $VERSION needs from its go.mod"
  if command -v go >/dev/null; then
    have="$(go env GOVERSION)"; have="${have#go}"
    if printf '%s\n' "$wanted" "$have" | sort -V -C; then command -v go; return; fi
    log "go on the PATH is $have; helm $VERSION needs $wanted"
  fi
  fetch_go "$wanted"
}

install_helm() { # prints the path of the binary, building it first if the cache does not have it
  local dir="$CACHE/helm/$VERSION" started tmp go
  if [[ -x "$dir/helm" ]]; then echo "$dir/helm"; return; fi
  go="$(go_for)"
  log "building helm $VERSION from the Go module proxy into $dir (takes minutes the first time)"
  mkdir -p "$CACHE/helm"
  tmp="$(mktemp -d "$CACHE/helm/.install.XXXXXX")"
  started=$SECONDS
  # The stamps the official build sets (its Makefile): the version, and the Kubernetes version `helm lint` and
  # `helm template` assume, 1.<minor of k8s.io/client-go> (without it helm assumes 1.20).
  local gomod kube_minor flags
  gomod="$(cd "$tmp" && "$go" mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')" || true
  kube_minor="$(awk '$1 == "k8s.io/client-go" { split($2, v, "."); print v[2] }' "$gomod" 2>/dev/null)"
  [[ "$kube_minor" =~ ^[0-9]+$ ]] || { rm -rf "$tmp"; die "could not read the k8s.io/client-go version of helm $VERSION"; }
  flags="-s -w -X $MODULE/internal/version.version=$VERSION"
  for pkg in pkg/chartutil pkg/lint/rules; do
    flags+=" -X $MODULE/$pkg.k8sVersionMajor=1 -X $MODULE/$pkg.k8sVersionMinor=$kube_minor"
  done
  if ! GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-buildvcs=false "$go" install -ldflags "$flags" "$MODULE/cmd/helm@$VERSION" >&2; then
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
