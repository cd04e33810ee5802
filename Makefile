# convene - see README.md.  `make` builds build/convene and build/libconvene.a;
# `make test` runs every test (also under ASan/UBSan); `make demo` runs the example.

BUILD   ?= build
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
DESTDIR ?=
CC      ?= cc
SAN     ?=

PKGS      = libical icu-uc icu-i18n inih sqlite3
WARN      = -std=c11 -Wall -Wextra -Werror
ifeq ($(SAN),1)
OPT       = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(SAN),fuzz)
# The library as the libFuzzer harnesses link it (clang only): coverage for
# the fuzzer, ASan and UBSan, every finding fatal.
OPT       = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
else
OPT       = -O2 -g
endif
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L
CFLAGS   ?=
ALL_CFLAGS = $(WARN) $(OPT) -pthread $(CPPFLAGS) $(CFLAGS) $(shell pkg-config --cflags $(PKGS))
LIBS      = $(shell pkg-config --libs $(PKGS)) -lm -pthread
TEST_LIBS = $(shell pkg-config --libs cmocka)

LIB_SRC   = $(sort $(wildcard src/*.c))
CLI_SRC   = $(sort $(wildcard src/cli/*.c))
TEST_SRC  = $(sort $(wildcard tests/test_*.c))
TZ_SRC    = $(sort $(wildcard tzdata-tests/*.c))
FUZZ_SRC  = $(sort $(wildcard fuzz/fuzz_*.c))
LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  = $(TEST_SRC:%.c=$(BUILD)/%)
TZ_BIN    = $(TZ_SRC:%.c=$(BUILD)/%)
FUZZ_BIN  = $(FUZZ_SRC:fuzz/%.c=$(BUILD)/%)
# Each compile also writes which headers it read (-MMD; -MP: a removed header
# is no error), included below, so a changed header rebuilds exactly what uses it.
DEPFLAGS  = -MMD -MP
DEP_FILES = $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TZ_BIN:=.d) $(FUZZ_BIN:=.d)
DEPS_OK   = build/.deps-build
TDEPS_OK  = build/.deps-test

.PHONY: all test unit-test tztest check-asan demo install uninstall clean bench deps test-deps \
	check campus deb container fuzz fuzzers fuzz-merge fuzz-seed

# NO_DEPS=1: never run scripts/deps.sh.  For package builds (debian/rules):
# Build-Depends already hold every dependency, and a build chroot has no root
# and no apt.
ifeq ($(NO_DEPS),)
DEPS_SH = scripts/deps.sh
else
DEPS_SH = :
endif

all: $(BUILD)/convene $(BUILD)/libconvene.a

# First build on a fresh machine: install (as root) or name the missing Debian
# packages.  A test goal checks the test list (which holds the build list) at
# once, so a fresh machine is told every missing package in one apt-get line.
DEPS_SET  = $(if $(filter test unit-test tztest check fuzz fuzz-merge fuzz-seed,$(MAKECMDGOALS)),test,build)
$(DEPS_OK):
	@$(DEPS_SH) $(DEPS_SET)
	@mkdir -p build && touch $@
$(TDEPS_OK): $(DEPS_OK) scripts/deps.sh
	@$(DEPS_SH) test
	@mkdir -p build && touch $@
deps: ; @scripts/deps.sh build
test-deps: ; @scripts/deps.sh test

# A target whose .d file is missing (a build from before -MMD) is rebuilt once;
# the touch keeps it newer than its .d (clang writes the .d after the object).
$(DEP_FILES):
-include $(wildcard $(DEP_FILES))

$(BUILD)/%.o: %.c $(BUILD)/%.d | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@
	@touch $@

$(BUILD)/libconvene.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/convene: $(CLI_OBJ) $(BUILD)/libconvene.a
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libconvene.a $(LIBS)

$(BUILD)/tests/test_%: tests/test_%.c $(BUILD)/tests/test_%.d $(BUILD)/libconvene.a | $(TDEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $@.d -MT $@ $(shell pkg-config --cflags cmocka) -o $@ $< \
		$(BUILD)/libconvene.a $(LIBS) $(TEST_LIBS)
	@touch $@

$(BUILD)/tzdata-tests/%: tzdata-tests/%.c $(BUILD)/tzdata-tests/%.d $(BUILD)/libconvene.a | $(TDEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $@.d -MT $@ -o $@ $< $(BUILD)/libconvene.a $(LIBS)
	@touch $@

$(BUILD)/fuzz_%: fuzz/fuzz_%.c $(BUILD)/fuzz_%.d $(BUILD)/libconvene.a | $(TDEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(DEPFLAGS) -MF $@.d -MT $@ -o $@ $< \
		$(BUILD)/libconvene.a $(LIBS)
	@touch $@

# libFuzzer harnesses for every reader (fuzz/README.md), built with clang in
# $(FUZZ_BUILD).  `make fuzz` runs each for FUZZ_SECS seconds (FUZZ_JOBS at a
# time) from its corpus in fuzz/corpus/; `make fuzz-merge` folds what a run
# found into that corpus, minimised, and `make fuzz-seed` the seeds of
# fuzz/seeds.sh (tests/data, examples/).  `make test` runs each for FUZZ_TEST_SECS.
FUZZ_CC        ?= clang-14
FUZZ_BUILD     ?= $(BUILD)/fuzz
FUZZ_SECS      ?= 60
FUZZ_JOBS      ?= 1
FUZZ_TEST_SECS ?= 20
fuzzers: $(TDEPS_OK)
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) SAN=fuzz \
		$(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/%)

fuzz: fuzzers
	@fuzz/run.sh -j $(FUZZ_JOBS) $(FUZZ_BUILD) $(FUZZ_SECS)

fuzz-merge: fuzzers
	@fuzz/run.sh --merge $(FUZZ_BUILD)

fuzz-seed: all fuzzers
	@fuzz/seeds.sh $(FUZZ_BUILD)/found && fuzz/run.sh --merge $(FUZZ_BUILD)

# Everything: unit and integration tests on the -O2 build, the same under
# ASan/UBSan, then the time-zone conformance suite.  The last line is
# "N passed, N failed".
test: $(TDEPS_OK)
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(TZ_BIN)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SAN=1 all $(TEST_BIN:$(BUILD)/%=$(BUILD)/asan/%)
	@$(MAKE) --no-print-directory fuzzers
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECS=$(FUZZ_TEST_SECS) tests/run.sh $(BUILD) $(BUILD)/asan

# The tests of the -O2 build only (unit, integration, tzdata conformance), not
# the ASan/UBSan rerun: what the Debian package runs at build time
# (dh_auto_test), on the binary it ships.
check: $(TDEPS_OK)
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(TZ_BIN)
	@tests/run.sh $(BUILD)

unit-test: $(TDEPS_OK) all $(TEST_BIN)
	@tests/run.sh --unit-only $(BUILD)

tztest: $(TDEPS_OK) all $(TZ_BIN)
	@tests/run.sh --tz-only $(BUILD)

demo: all
	@$(BUILD)/convene check examples/course.ini
	@$(BUILD)/convene solve examples/course.ini
	@$(BUILD)/convene publish examples/course.ini --out examples/out
	@echo "calendars written to examples/out/ (instructor.ics, students/<id>.ics)"

bench: all
	@scripts/deps.sh bench
	@bench/run.sh $(BUILD)

# 200 generated courses (20 to 2,000 students) and a few broken ones published
# in parallel by contrib/campus/convene-publish-all (make test runs 20).
campus: all
	@CAMPUS_COURSES=$${CAMPUS_COURSES:-200} CAMPUS_MAX=$${CAMPUS_MAX:-2000} sh tests/it_campus.sh $(BUILD)

# From a fresh clone of HEAD: build the .deb (its tests run), lintian,
# install it with apt (root), run the installed convene, remove it.
deb:
	@scripts/deb.sh

# Build the container image where podman, buildah or a docker engine works.
container:
	@scripts/container.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/convene $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/convene $(DESTDIR)$(PREFIX)/bin/convene
	install -m 755 contrib/campus/convene-publish-all $(DESTDIR)$(PREFIX)/bin/convene-publish-all
	install -m 644 $(BUILD)/libconvene.a $(DESTDIR)$(LIBDIR)/libconvene.a
	install -m 644 include/convene.h $(DESTDIR)$(PREFIX)/include/convene.h
	install -m 644 include/convene/*.h $(DESTDIR)$(PREFIX)/include/convene/
	install -m 644 doc/convene.1 $(DESTDIR)$(PREFIX)/share/man/man1/convene.1
	install -m 644 doc/convene-publish-all.1 $(DESTDIR)$(PREFIX)/share/man/man1/convene-publish-all.1
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|g' -e 's|@VERSION@|$(shell sed -n 's/^#define CONVENE_VERSION "\(.*\)"/\1/p' include/convene.h)|g' \
		convene.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/convene.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/convene $(DESTDIR)$(LIBDIR)/libconvene.a \
		$(DESTDIR)$(PREFIX)/bin/convene-publish-all \
		$(DESTDIR)$(PREFIX)/include/convene.h $(DESTDIR)$(PREFIX)/share/man/man1/convene.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/convene-publish-all.1 \
		$(DESTDIR)$(LIBDIR)/pkgconfig/convene.pc
	rm -rf $(DESTDIR)$(PREFIX)/include/convene

clean:
	rm -rf build examples/out
