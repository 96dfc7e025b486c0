#!/usr/bin/env bash
# The whole check, as CI runs it: formatting, vet, staticcheck, then every
# test with the race detector on SQLite and again on Postgres (with Redis as
# the shared rate limiter). Needs Postgres at 127.0.0.1:5432 (user postgres,
# trust auth, database test) and Redis at 127.0.0.1:6379, or the URLs in
# LEADBITZ_TEST_POSTGRES_URL / LEADBITZ_TEST_REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$(go env GOPATH)/bin:$PATH"

echo "== gofmt"
unformatted=$(gofmt -l cmd internal)
if [ -n "$unformatted" ]; then
  echo "not gofmt-ed:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
if ! command -v staticcheck >/dev/null 2>&1; then
  go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
staticcheck ./...

echo "== go test -race (SQLite)"
LEADBITZ_TEST_DB=sqlite go test -race -count=1 -timeout 20m ./...

echo "== go test -race (Postgres + Redis)"
LEADBITZ_TEST_DB=postgres go test -race -count=1 -timeout 20m ./...
