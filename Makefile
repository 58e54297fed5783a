# Developer workflow. Every target uses the tools pinned in tools/ and, where Atlas needs a dev database,
# ATLAS_DEV_URL or a throwaway local PostgreSQL (scripts/with-devdb.sh).

.PHONY: help generate migration hash check test test-atlas build atlas

help:
	@echo "make generate             regenerate store/internal/dbsqlc from queries/ and schema/ (sqlc), then store/rows_gen.go"
	@echo "make migration NAME=x     write migrations/<version>_x.sql for the changes in schema/ (atlas)"
	@echo "make hash                 rewrite migrations/atlas.sum after reviewing a migration by hand"
	@echo "make check                what CI checks, without the tests"
	@echo "make test                 the test suite (see README)"
	@echo "make test-atlas           the tests that run the Atlas CLI beside package migrate (builds bin/atlas)"
	@echo "make build                the yapstore command as a static binary, bin/yapstore (CGO_ENABLED=0)"
	@echo "make atlas                the pinned Atlas CLI as bin/atlas, built once outside any test"

generate:
	scripts/sqlc.sh generate
	go generate ./store

migration:
	@test -n "$(NAME)" || { echo "usage: make migration NAME=what_changed"; exit 2; }
	scripts/atlas.sh migrate hash --dir file://schema
	scripts/with-devdb.sh sh -c 'scripts/atlas.sh migrate diff $(NAME) --env local'
	@git status --short migrations

hash:
	scripts/atlas.sh migrate hash --dir file://migrations

check:
	.ci/run --no-tests

test:
	go test -count=1 ./...

test-atlas: atlas
	YAPSTORE_ATLAS_CLI=$(CURDIR)/bin/atlas go test -count=1 -tags atlascli ./migrate ./migrations

build:
	CGO_ENABLED=0 go build -trimpath -buildvcs=auto -o bin/yapstore ./cmd/yapstore

atlas:
	go build -modfile=tools/atlas/go.mod -o bin/atlas ariga.io/atlas/cmd/atlas
