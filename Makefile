# changebook: the two commands a new user needs are `make run` and
# `make test`; the others are for contributors.

GO      ?= go
BIN     := bin/changebook
PKGS    := ./...
# staticcheck runs from the module proxy at a pinned version: nothing to
# install by hand.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# tsc type-checks the theme's TypeScript; it comes from the npm registry at
# the version theme/package-lock.json pins (the site build itself needs no
# Node: esbuild's Go API bundles the same sources).
TSC := theme/node_modules/.bin/tsc

.PHONY: all build run test bench bench-go fuzz lint fmt clean

all: lint test build

## build: compile the binary into bin/
# -buildvcs=auto stamps the commit, so that --version names it, even where
# GOFLAGS turns stamping off.
build:
	$(GO) build -trimpath -buildvcs=auto -o $(BIN) ./cmd/changebook

# The demo: a copy of the example records with a generated git history
# (this project's own history is not a change-management one), in a folder
# of each run's own, so that two previews at once do not share (and
# delete) one; it is removed when the run ends, Ctrl-C included. The
# default port is 1313, or the next free one when another preview has it
# (serve says so); PORT=N asks for one.
PORT    ?=

## run: serve the example records (with a demo git history) on 127.0.0.1:1313 (or the next free port), rebuilding on every save
run: build
	@demo=$$(mktemp -d "$${TMPDIR:-/tmp}/changebook-demo.XXXXXX") || exit 1; \
	trap 'rm -rf "$$demo"' EXIT; trap : INT TERM HUP; \
	$(GO) run ./internal/tools/demo -o "$$demo" || exit 1; \
	echo "the demo repository is $$demo: edit its records and the open pages reload (it is removed when this preview stops)"; \
	$(BIN) serve "$$demo"$(if $(PORT), --port $(PORT))

## test: the whole suite, with the race detector; the tests skipped (a program missing) are listed at the end
# go test's output goes through internal/tools/testreport, which prints it as
# go test does without -json and then names every skipped test: a skip
# (code-server not installed) would otherwise hide in an "ok" line. It is
# built, not run with go run, so that the status is go test's own.
TESTREPORT ?= bin/testreport
test:
	$(GO) vet $(PKGS)
	@$(GO) build -o $(TESTREPORT) ./internal/tools/testreport
	$(TESTREPORT) $(GO) test -json -race -count=1 $(PKGS)

## bench: the performance table (1k, 10k and 100k records; BENCH_SIZES=1000,10000 for a quicker one), with ratios to a naive reference
BENCH_SIZES ?= 1000,10000,100000
bench: build
	$(GO) run ./internal/tools/benchtable -bin $(BIN) -sizes $(BENCH_SIZES)

## bench-go: every Go benchmark (per page kind, search in Chromium, history pass...)
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Every fuzz target, as package:target. `make test` runs their seed corpora
# (the f.Add seeds and testdata/fuzz); `make fuzz` searches for new inputs.
FUZZ_TARGETS := \
	./generator/frontmatter:FuzzParse \
	./generator/frontmatter:FuzzNesting \
	./generator/frontmatter:FuzzBlockYAML \
	./generator/record:FuzzParse \
	./generator/config:FuzzLoad \
	./generator/policy:FuzzCheck \
	./generator/markdown:FuzzRender \
	./generator/search:FuzzWords \
	./generator/site:FuzzRecordPage \
	./generator/site:FuzzGoRows \
	./generator/signoff:FuzzAdd \
	./generator/lsp:FuzzComplete
FUZZTIME ?= 1m

## fuzz: run each fuzz target for FUZZTIME (default 1m; FUZZTIME=10m for a release); a finding is saved to the package's testdata/fuzz and fails the run
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s -timeout 0 $$pkg; \
	done

## lint: formatting, vet, staticcheck and tsc (the theme's TypeScript, strict)
lint: $(TSC)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	$(TSC) -p theme

## fmt: format the code
fmt:
	gofmt -w $$(git ls-files '*.go')

$(TSC): theme/package.json theme/package-lock.json
	npm ci --prefix theme --no-audit --no-fund
	touch $@

clean:
	rm -rf bin public theme/node_modules
