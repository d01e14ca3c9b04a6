# PythonPlus build driver: fetch and verify upstream 2.7.18, apply
# patches/series, lay our files over it, configure, build, test, install.
#
#   make                    build the default variant (every feature on)
#   make test               build it and run the regression suite
#   make PLUS=none test     the same with every feature off (stock 2.7.18)
#   make PLUS=float-reuse   any comma-separated feature list (see README)
#   make install PREFIX=/opt/pythonplus   (ENSUREPIP=no: without pip)
#   make altinstall         the same without the python, python2 links
#   make uninstall          remove what the installs into PREFIX wrote
#   make sanitize           a build with AddressSanitizer and UBSan, tested
#   make deps               install the Debian build dependencies
#   make dist               the source release dist/PythonPlus-<version>.tgz
#   make distcheck          build and install that release as a user would
#   make deb                a Debian package of the default build (dist/)
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

.PHONY: all build test install altinstall uninstall sanitize deps fetch prepare patches baseline \
	clean clean-src distclean dist distcheck deb deb-test

all: build

build:
	@scripts/build.sh build

test: build
	@scripts/build.sh test

install: build
	@scripts/build.sh install

altinstall: build
	@scripts/build.sh altinstall

uninstall:
	@scripts/build.sh uninstall

# The thread tests (or TESTS) under AddressSanitizer and UBSan, in
# build/sanitize, without pymalloc so that ASan sees every object.  A
# report stops the test (halt_on_error); leak reports are off: the
# interpreter keeps its objects at exit.
SANITIZE = -fsanitize=address,undefined
SANITIZE_TESTS = test_thread test_threading test_threadsignals \
	test_plus_priority_gil test_plus_native_locks test_plus_native_condition \
	test_plus_thread_atomic test_plus_gilstate
sanitize:
	@BUILDDIR=build/sanitize CONFIGURE_ARGS="--without-pymalloc $(CONFIGURE_ARGS)" \
	CFLAGS="$(SANITIZE) -fno-omit-frame-pointer" LDFLAGS="$(SANITIZE)" \
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	TESTS="$(or $(TESTS),$(SANITIZE_TESTS))" scripts/build.sh test

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

dist:
	@scripts/dist.sh tarball

distcheck: dist
	@scripts/dist.sh check

deb:
	@scripts/deb.sh build

# Install the package, try it and purge it (as root; for CI).
deb-test:
	@scripts/deb.sh test

clean:
	rm -rf $(BUILDDIR)

clean-src:
	rm -rf build/src

distclean:
	rm -rf build dist
