#!/bin/sh
# Prints an image tag derived from the content of everything the two images are built from (the Docker build
# context that .dockerignore lets through, and the Dockerfile), so that make up builds and rolls out new images
# exactly when something in them changed. Run from the repository root.
set -eu
sum=$(command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo "shasum -a 256")
find Dockerfile pom.xml demo/pom.xml e2e/pom.xml core testkit operator runner examples .dockerignore \
    \( -name target -o -name __pycache__ \) -prune -o -type f -print0 \
  | LC_ALL=C sort -z | xargs -0 $sum | $sum | cut -c1-12
