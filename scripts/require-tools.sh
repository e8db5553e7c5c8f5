#!/bin/sh
# Usage: scripts/require-tools.sh TOOL...   (docker kind kubectl helm go java mvn)
# Says which tools are missing and where to get them; exits 1 if any is. For docker, also that the engine runs;
# for java, that it is 17 or newer.
missing=0
for tool in "$@"; do
  case "$tool" in
    docker)  where="https://docs.docker.com/get-docker/ (or Podman with the docker CLI shim)" ;;
    kind)    where="https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
    kubectl) where="https://kubernetes.io/docs/tasks/tools/" ;;
    helm)    where="https://helm.sh/docs/intro/install/ (Helm 3.8 or newer)" ;;
    go)      where="https://go.dev/dl/ (Go 1.26 or newer; make tools builds the control plane with it)" ;;
    java)    where="a JDK 17 or newer, e.g. your package manager's openjdk-17-jdk" ;;
    mvn)     where="https://maven.apache.org/install.html (Maven 3.8 or newer)" ;;
    *)       where="your package manager" ;;
  esac
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "missing: $tool — get it from $where" >&2
    missing=1
  elif [ "$tool" = docker ] && ! docker info >/dev/null 2>&1; then
    echo "docker is installed but its engine is not reachable (is Docker running? can this user use it?)" >&2
    missing=1
  elif [ "$tool" = java ]; then
    version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
      echo "java is version $version; the build needs $where" >&2
      missing=1
    fi
  fi
done
exit $missing
