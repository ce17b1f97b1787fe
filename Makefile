# mdt developer entry points. `make test` is what CI runs (.ci/run).
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build test demo services-up services-down services-status lint install clean help

all: build

help:
	@echo "make build           debug build of everything"
	@echo "make test            scripts/test.sh: setup, build, services up, swift test, services down"
	@echo "make demo            the main job end to end: services, synthetic feed, mdt collect, query/book/health"
	@echo "make services-up     start ClickHouse, Redis, Kafka mock (scripts/services.sh up)"
	@echo "make services-down   stop them"
	@echo "make lint            shellcheck the scripts"
	@echo "make install         release build, install mdt into \$$(DESTDIR)\$$(PREFIX)/bin (PREFIX=$(PREFIX))"

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

# TODO: install the man pages and shell completions once they are generated.
install:
	$(SWIFT) build -c release --product mdt
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/mdt" "$(DESTDIR)$(PREFIX)/bin/mdt"

clean:
	$(SWIFT) package clean
