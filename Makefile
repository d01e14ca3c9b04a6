# PythonPlus build driver: fetch and verify upstream 2.7.18, apply
# patches/series, lay our files over it, configure, build, test, install.
#
#   make                    build the default variant (every feature on)
#   make test               build it and run the regression suite
#   make PLUS=none test     the same with every feature off (stock 2.7.18)
#   make PLUS=float-reuse   any comma-separated feature list (see README)
#   make install PREFIX=/opt/pythonplus
#   make deps               install the Debian build dependencies
#   make prepare / patches  the patch workflow (see README)
#   make baseline           build and test pristine upstream, for comparison

PLUS ?= all
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Extra configure arguments, e.g. --with-pydebug or a tunable.
CONFIGURE_ARGS ?=
# Extra regrtest arguments, e.g. TESTS="test_dict test_float".
TESTS ?=
comma := ,
BUILDDIR ?= build/$(subst $(comma),+,$(PLUS))

export PLUS PREFIX JOBS CONFIGURE_ARGS TESTS BUILDDIR

.PHONY: all build test install deps fetch prepare patches baseline \
	clean clean-src distclean

all: build

build:
	@scripts/build.sh build

test: build
	@scripts/build.sh test

install: build
	@scripts/build.sh install

fetch:
	@scripts/fetch-upstream.sh

prepare:
	@scripts/tree.sh prepare

patches:
	@scripts/tree.sh export

baseline:
	@scripts/build.sh baseline

deps:
	@scripts/deps.sh install

clean:
	rm -rf $(BUILDDIR)

clean-src:
	rm -rf build/src

distclean:
	rm -rf build
