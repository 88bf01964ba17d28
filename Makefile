# Tianmu — see README.md. `make run` and `make test` are all a newcomer needs.
GO      ?= go
BIN     := bin/tianmu
PKGS    := ./...

.PHONY: run build generate deps-run deps-test test test-short bench bench-signin fuzz vet lint check-generated clean cluster backup

run: deps-run build
	./$(BIN) serve

# The Debian packages each target needs: installed when run as root with
# apt-get, otherwise the exact command to run is printed (.ci/deps).
deps-run:
	@bash .ci/deps run

deps-test:
	@bash .ci/deps test

build: generate
	$(GO) build -o $(BIN) ./cmd/tianmu

generate:
	$(GO) tool templ generate -log-level error

# One private PostgreSQL cluster for the whole run (unless TEST_DATABASE_URL
# is set); every package clones a migrated template database from it. The
# browser package runs alone after the others: on a two-core runner,
# Chromium beside the server and repository tests makes every page wait.
BROWSER := tianmu/internal/browser
test: deps-test generate
	$(GO) vet $(PKGS)
	$(GO) run ./cmd/withpg sh -c '$(GO) test -count=1 -timeout 25m $$($(GO) list $(PKGS) | grep -vx "$(BROWSER)"); a=$$?; \
		$(GO) test -count=1 -timeout 20m $(BROWSER); b=$$?; [ $$a = 0 ] && [ $$b = 0 ]'

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
	$(GO) run ./cmd/tianmu-bench signin -bin $(BIN) -out bench/SIGNIN.md

# The sign-in load test alone: 200 parallel attempts at a real server
# process, whose peak resident memory must stay under 200 MiB.
bench-signin: build
	$(GO) run ./cmd/tianmu-bench signin -bin $(BIN) -out bench/SIGNIN.md

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseResidentID -fuzztime 30s ./internal/training
	$(GO) test -run '^$$' -fuzz FuzzCheckCreditCode -fuzztime 30s ./internal/training

vet:
	$(GO) vet $(PKGS)

# gofmt (fails on any unformatted file), go vet, staticcheck (a go tool,
# pinned in go.mod).
lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt: these files are not formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

check-generated:
	$(GO) tool templ generate -log-level error
	git diff --exit-code -- '*_templ.go'

clean:
	rm -rf bin
