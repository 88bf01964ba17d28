# Tianmu — see README.md. `make run` and `make test` are all a newcomer needs.
GO      ?= go
BIN     := bin/tianmu
PKGS    := ./...

.PHONY: run build generate test test-short bench fuzz vet lint check-generated clean cluster backup

run: build
	./$(BIN) serve

build: generate
	$(GO) build -o $(BIN) ./cmd/tianmu

generate:
	$(GO) tool templ generate -log-level error

# One private PostgreSQL cluster for the whole run (unless TEST_DATABASE_URL
# is set); every package clones a migrated template database from it.
test: generate
	$(GO) vet $(PKGS)
	$(GO) run ./cmd/withpg $(GO) test -count=1 -timeout 15m $(PKGS)

test-short:
	$(GO) run ./cmd/withpg $(GO) test -count=1 -short $(PKGS)

# N portal processes behind HAProxy on one database (DATABASE_URL or the
# private cluster): the way to run a multi-node deployment on one machine.
N ?= 3
cluster: build
	$(GO) run ./cmd/tianmu-cluster -n $(N)

# A logical dump (pg_dump -Fc) of the database into backups/.
backup: build
	./$(BIN) backup -dir backups

bench: build
	$(GO) run ./cmd/tianmu-bench -out bench/REPORT.md

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseResidentID -fuzztime 30s ./internal/training
	$(GO) test -run '^$$' -fuzz FuzzCheckCreditCode -fuzztime 30s ./internal/training

vet:
	$(GO) vet $(PKGS)

check-generated:
	$(GO) tool templ generate -log-level error
	git diff --exit-code -- '*_templ.go'

clean:
	rm -rf bin
