# mdt developer entry points. `make test` is what CI runs (.ci/run).
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build test demo services-up services-down services-status lint install uninstall docs clean help

all: build

help:
	@echo "make build           debug build of everything"
	@echo "make test            scripts/test.sh: setup, build, services up, swift test, services down"
	@echo "make demo            the main job end to end: services, synthetic feed, mdt collect, query/book/health"
	@echo "make services-up     start ClickHouse, Redis, Kafka mock (scripts/services.sh up)"
	@echo "make services-down   stop them"
	@echo "make lint            shellcheck the scripts"
	@echo "make install         install mdt, man pages, completions under \$$(DESTDIR)\$$(PREFIX) (PREFIX=$(PREFIX); BIN=path/to/mdt)"
	@echo "make docs            regenerate completions/, man/, init.sql from the binary (scripts/generate-docs.sh)"

build:
	$(SWIFT) build

test:
	scripts/test.sh

services-up:
	scripts/services.sh up

services-down:
	scripts/services.sh down

services-status:
	scripts/services.sh status

# The main job end to end: services, synthetic IQFeed, mdt collect, then query/book/health (scripts/demo.sh).
demo:
	scripts/demo.sh

lint:
	shellcheck scripts/*.sh .ci/run

# Installs the binary, the man pages and the shell completions under $(DESTDIR)$(PREFIX).
# BIN is the mdt to install: an existing build is used as it is (no rebuild); without one, a
# release build is made first. `make install PREFIX=$$HOME/.local BIN=.build/debug/mdt` also works.
BIN ?= $(firstword $(wildcard .build/release/mdt .build/debug/mdt))
MANDIR ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

install:
	@bin="$(BIN)"; \
	if [ -z "$$bin" ]; then \
		$(SWIFT) build -c release --product mdt && bin="$$($(SWIFT) build -c release --show-bin-path)/mdt"; \
	fi; \
	test -x "$$bin" || { echo "make install: $$bin is not an executable mdt" >&2; exit 1; }; \
	echo "installing $$bin into $(DESTDIR)$(PREFIX)"; \
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(MANDIR)" "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"; \
	install -m 0755 "$$bin" "$(DESTDIR)$(PREFIX)/bin/mdt"
	install -m 0644 man/*.1 "$(DESTDIR)$(MANDIR)/"
	install -m 0644 completions/mdt.bash "$(DESTDIR)$(BASHCOMPDIR)/mdt"
	install -m 0644 completions/_mdt "$(DESTDIR)$(ZSHCOMPDIR)/_mdt"
	install -m 0644 completions/mdt.fish "$(DESTDIR)$(FISHCOMPDIR)/mdt.fish"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/mdt" "$(DESTDIR)$(MANDIR)"/mdt.1 "$(DESTDIR)$(MANDIR)"/mdt-*.1 \
		"$(DESTDIR)$(BASHCOMPDIR)/mdt" "$(DESTDIR)$(ZSHCOMPDIR)/_mdt" "$(DESTDIR)$(FISHCOMPDIR)/mdt.fish"

# Regenerates completions/, man/ and infrastructure/clickhouse/init.sql from the built binary.
docs:
	scripts/generate-docs.sh

clean:
	$(SWIFT) package clean
