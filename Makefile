# Developer workflow. Every target uses the tools pinned in tools/ and, where Atlas needs a dev database,
# ATLAS_DEV_URL or a throwaway local PostgreSQL (scripts/with-devdb.sh).

.PHONY: help generate migration hash check test

help:
	@echo "make generate             regenerate store/internal/dbsqlc from queries/ and schema/ (sqlc)"
	@echo "make migration NAME=x     write migrations/<version>_x.sql for the changes in schema/ (atlas)"
	@echo "make hash                 rewrite migrations/atlas.sum after reviewing a migration by hand"
	@echo "make check                what CI checks, without the tests"
	@echo "make test                 the test suite (see README)"

generate:
	scripts/sqlc.sh generate

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
