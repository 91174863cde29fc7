# changebook: the two commands a new user needs are `make run` and
# `make test`; the others are for contributors.

GO      ?= go
BIN     := bin/changebook
PKGS    := ./...
# staticcheck runs from the module proxy at a pinned version: nothing to
# install by hand.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build run test bench lint fmt clean

all: lint test build

## build: compile the binary into bin/
build:
	$(GO) build -trimpath -o $(BIN) ./cmd/changebook

# The demo: a copy of the example records with a generated git history
# (this project's own history is not a change-management one).
DEMO    := $(or $(TMPDIR),/tmp)/changebook-demo

## run: serve the example records (with a demo git history) on 127.0.0.1:1313, rebuilding on every save
run: build
	rm -rf $(DEMO)
	$(GO) run ./internal/cmd/demo -o $(DEMO)
	@echo "the demo repository is $(DEMO): edit its records and the open pages reload"
	./$(BIN) serve $(DEMO) --port 1313

## test: the whole suite, with the race detector
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

## bench: Go benchmarks (10,000-record check, per-record parsing)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 $(PKGS)

## lint: formatting, vet and staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

## fmt: format the code
fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin public
