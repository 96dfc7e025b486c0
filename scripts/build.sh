#!/usr/bin/env bash
# The release build of the product binary: static (CGO off), paths trimmed,
# symbols stripped, version and commit stamped (see internal/buildinfo).
#
#   bash scripts/build.sh                 # ./bin/leadbitz for this machine
#   GOOS=linux GOARCH=arm64 bash scripts/build.sh bin/leadbitz-linux-arm64
#   VERSION=v1.2.3 bash scripts/build.sh  # the version to stamp (default: git describe)
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-bin/leadbitz}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
pkg=github.com/leadbitz/leadbitz/internal/buildinfo

CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X $pkg.version=$version -X $pkg.commit=$commit" \
  -o "$out" ./cmd/leadbitz
echo "$out: $version ($commit)"
