#!/bin/sh
# Builds the local control plane's tools from the Go module proxy, at the versions pinned by the wrapper
# modules in tools/ (go.mod and go.sum committed): kube-apiserver, kube-controller-manager and kubectl,
# etcd, helm, and the MinIO server. Each tool set goes into a cache outside the work tree, one directory
# per pinned version, so clean clones and CI runs on the same machine reuse it:
#
#   ${CASTIRON_TOOLS_CACHE:-~/.cache/castiron-etl/tools}/kubernetes-v1.36.3/kube-apiserver ...
#
# and dir/ (printed by `tools.sh dir`) links the current versions together; tests and make demo read it.
#
#   sh scripts/tools.sh build   build what is missing (a no-op when everything is there)
#   sh scripts/tools.sh dir     print the directory of links (it exists once build has run)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CASTIRON_TOOLS_CACHE:-${HOME}/.cache/castiron-etl/tools}

# The version a wrapper module pins for a module path (its require line).
pinned() {
  awk -v m="$2" '$1 == m || ($1 == "require" && $2 == m) { v = ($1 == "require") ? $3 : $2 } END { print v }' \
    "$root/tools/$1/go.mod"
}

kube=$(pinned kube k8s.io/kubernetes)
etcd=$(pinned etcd go.etcd.io/etcd/server/v3)
helm=$(pinned helm helm.sh/helm/v3)
minio=$(pinned minio github.com/minio/minio)
# One name for the set: a change of any pinned version (or of this script's flags) gives a new directory.
set_name="set-$(printf '%s\n' "$kube" "$etcd" "$helm" "$minio" | cat - "$0" | sha256sum | cut -c1-12)"
bin="$cache/$set_name"

case "${1:-build}" in
  dir) echo "$bin"; exit 0 ;;
  build) ;;
  *) echo "usage: tools.sh build|dir" >&2; exit 2 ;;
esac

command -v go >/dev/null 2>&1 || { echo "tools.sh: go is missing (Go 1.26 or newer builds the control plane's tools)" >&2; exit 1; }
mkdir -p "$cache"

# go build -v prints each package as it compiles it: show a count every 100 (a cold build takes minutes) and
# pass every other line (compiler errors) through.
progress() {
  awk -v what="$1" '/^[a-zA-Z0-9._\/-]+$/ { n++; if (n % 100 == 0) { printf "  %s: %d packages compiled\n", what, n; fflush() }; next }
    { print; fflush() }'
}

# build <dir name> <wrapper module> <ldflags> <package>... : builds the packages into $cache/<dir name>/,
# unless it is there. The directory appears whole (renamed into place) or not at all.
build() {
  name=$1 module=$2 ldflags=$3
  shift 3
  target="$cache/$name"
  [ -d "$target" ] && return 0
  echo "tools: building $name ($*) into $target"
  started=$(date +%s)
  work="$cache/.build-$name-$$"
  rm -rf "$work" && mkdir -p "$work"
  ( cd "$root/tools/$module" && go build -v -ldflags "-s -w $ldflags" -o "$work/" "$@" 2>&1 ) \
    | progress "$name" | tee "$work.log"
  # go build's own status is lost in the pipe: the binaries tell whether it worked.
  status=0
  for pkg in "$@"; do
    [ -x "$work/$(basename "$pkg")" ] || status=1
  done
  if [ "$status" -ne 0 ]; then
    echo "tools: building $name failed (its errors are above and in $work.log)" >&2
    exit 1
  fi
  mv "$work" "$target"
  rm -f "$work.log"
  echo "tools: $name built in $(( $(date +%s) - started )) s"
}

# Only one build at a time per cache (a session and a CI run on the same machine share it).
exec 9>"$cache/.lock"
flock 9

# The version the binaries report (kube-apiserver --version, /version): what upstream's hack/lib/version.sh sets.
kube_minor=$(echo "$kube" | cut -d. -f2)
kube_version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_version_flags="$kube_version_flags -X $pkg.gitVersion=$kube -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  kube_version_flags="$kube_version_flags -X $pkg.gitTreeState=clean"
done
build "kubernetes-$kube" kube "$kube_version_flags" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl
build "etcd-$etcd" etcd "-X go.etcd.io/etcd/api/v3/version.GitSHA=$etcd" castiron.io/etl/tools/etcd
build "helm-$helm" helm "-X helm.sh/helm/v3/internal/version.version=$helm -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  helm.sh/helm/v3/cmd/helm
minio_commit=$(echo "$minio" | sed 's/.*-//')
minio_time=$(echo "$minio" | sed 's/^v0.0.0-\([0-9]*\)-.*/\1/' \
  | sed 's/\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)/\1-\2-\3T\4:\5:\6Z/')
build "minio-$minio" minio "-X github.com/minio/minio/cmd.Version=$minio_time -X github.com/minio/minio/cmd.CommitID=$minio_commit -X github.com/minio/minio/cmd.ShortCommitID=$minio_commit -X github.com/minio/minio/cmd.ReleaseTag=DEVELOPMENT.$(echo "$minio_time" | tr : -)" \
  github.com/minio/minio

# The set: links to this checkout's versions, under one directory the tests and make demo are given.
if [ ! -d "$bin" ]; then
  mkdir -p "$bin.tmp"
  for tool in kube-apiserver kube-controller-manager kubectl; do ln -sf "../kubernetes-$kube/$tool" "$bin.tmp/$tool"; done
  ln -sf "../etcd-$etcd/etcd" "$bin.tmp/etcd"
  ln -sf "../helm-$helm/helm" "$bin.tmp/helm"
  ln -sf "../minio-$minio/minio" "$bin.tmp/minio"
  mv "$bin.tmp" "$bin"
fi
echo "tools: $bin (kubernetes $kube, etcd $etcd, helm $helm, minio $minio)"
