# paasport - build, run and test. `make run` and `make test` do all the set-up
# (scripts/deps.sh installs missing Debian packages). See README.md.

SHELL   := /bin/bash
PKGS    := libmicrohttpd jansson sqlite3 libsodium libcurl libpq liboath libqrencode
CC      ?= cc
OPT     ?= -O2 -g
B       ?= build/rel
BIN     ?= bin
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wno-format-truncation
# The libraries' flags are asked of pkg-config when a recipe first needs them, not when make
# reads this file: on a fresh machine `make run` reads it before scripts/deps.sh has installed
# the libraries (and pkg-config itself). Each is computed once per make process.
pkg_flags = $(if $(shell pkg-config --exists $(PKGS) && echo ok),$(shell pkg-config $(1) $(PKGS)),\
  $(error pkg-config cannot find all of $(PKGS): scripts/deps.sh installs them))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkg_flags,--cflags))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(call pkg_flags,--libs))$(PKG_LIBS)
CFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -MMD -MP -Isrc $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  = $(PKG_LIBS) -lpthread $(EXTRA_LDFLAGS)
PY      := /usr/bin/python3

COMMON_SRC := $(wildcard src/util/*.c src/crypto/*.c)
LIB_SRC    := $(COMMON_SRC) src/config.c $(wildcard src/http/*.c src/api/*.c src/store/*.c \
              src/store/sqlite/*.c src/store/pg/*.c src/mail/*.c src/core/*.c)
CLI_SRC    := $(wildcard src/cli/*.c)
LIB_OBJ    := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:src/%.c=$(B)/obj/%.o) $(COMMON_SRC:src/%.c=$(B)/obj/%.o)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps deps-test run test test-unit test-api test-browser test-asan test-fuzz \
        test-valgrind fuzz bench format format-check clean test-unit-pg test-api-pg

# Every object waits for `deps` (order-only), so nothing compiles before the packages are in.
all: $(BIN)/paasportd $(BIN)/paasport $(BIN)/paasport-ssh

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

$(B)/obj/%.o: src/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libpaasport.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/paasportd: $(B)/obj/paasportd.o $(B)/libpaasport.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# sshd's AuthorizedKeysCommand and forced command for git over SSH (docs/git-ssh.md)
# (--as-needed: sshd runs it for every key offered, so it loads only the libraries it uses)
$(BIN)/paasport-ssh: $(B)/obj/paasport_ssh.o $(B)/libpaasport.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ -Wl,--as-needed $(LDLIBS)

$(BIN)/paasport: $(CLI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libpaasport.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(B)/libpaasport.a $(LDLIBS) -lcmocka

run: all
	@mkdir -p var
	@if [ -f var/sshd/remote ] && kill -0 "$$(cat var/sshd/sshd.pid 2>/dev/null)" 2>/dev/null; then echo "git over SSH (scripts/sshd-dev.sh is running): git remote add paasport $$(cat var/sshd/remote)"; fi
	@PAASPORT_PRINT_URL=1 exec $(BIN)/paasportd

# ---- tests ----
# The whole suite: release build, then the same unit and API suites under
# ASan+UBSan, the browser test, short fuzz runs and valgrind on the unit tests.
test: deps-test
	@mkdir -p build
	@set -o pipefail; $(MAKE) --no-print-directory test-steps 2>&1 | tee build/test.log
	@scripts/test-summary.sh build/test.log

.PHONY: test-steps
test-steps:
	$(MAKE) format-check
	$(MAKE) all
	$(MAKE) test-unit
	$(MAKE) test-unit-pg
	$(MAKE) test-api
	$(MAKE) test-api-pg
	$(MAKE) test-browser
	$(MAKE) test-asan
	$(MAKE) test-valgrind
	$(MAKE) test-fuzz

test-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

test-api: all
	PAASPORT_BIN=$(CURDIR)/$(BIN) PAASPORT_WEB_DIR=$(CURDIR)/web $(PY) -m pytest -q -p no:cacheprovider tests/api

# The PostgreSQL passes: the store suites (tests/unit/test_store*.c) and the API suite (with the
# multi-node and fault tests, skipped on SQLite) on one throw-away cluster that
# scripts/pg-test.sh starts and removes; each server of the suite gets a database of
# its own. The API files are spread over PG_JOBS pytest-xdist workers (PG_JOBS=1: in turn).
PG_JOBS ?= 2
PG_XDIST = $(if $(filter-out 1,$(PG_JOBS)),-n $(PG_JOBS) --dist loadfile)
PG_UNIT_BIN = $(filter $(B)/tests/test_store%,$(UNIT_BIN))
test-unit-pg: $(PG_UNIT_BIN)
	scripts/pg-test.sh bash -c 'set -e; for t in $(PG_UNIT_BIN); do echo "== $$t (PostgreSQL)"; $$t; done'

test-api-pg: all
	PAASPORT_TEST_ENGINE=postgresql PAASPORT_BIN=$(CURDIR)/$(BIN) PAASPORT_WEB_DIR=$(CURDIR)/web \
		scripts/pg-test.sh $(PY) -m pytest -q -p no:cacheprovider $(PG_XDIST) tests/api

test-browser: all
	PAASPORT_BIN=$(CURDIR)/$(BIN) node tests/browser/run.mjs
	PAASPORT_BIN=$(CURDIR)/$(BIN) node tests/browser/tfa.mjs

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
test-asan:
	$(MAKE) B=build/asan BIN=build/asan/bin OPT="$(ASAN_FLAGS)" EXTRA_LDFLAGS="-fsanitize=address,undefined" \
		build/asan/bin/paasportd build/asan/bin/paasport build/asan/bin/paasport-ssh
	$(MAKE) B=build/asan BIN=build/asan/bin OPT="$(ASAN_FLAGS)" EXTRA_LDFLAGS="-fsanitize=address,undefined" \
		test-unit-only
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		PAASPORT_BIN=$(CURDIR)/build/asan/bin PAASPORT_WEB_DIR=$(CURDIR)/web PAASPORT_SANITIZED=1 \
		$(PY) -m pytest -q -p no:cacheprovider tests/api

.PHONY: test-unit-only
test-unit-only: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t (sanitized)"; $$t; done

test-valgrind: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== valgrind $$t"; \
		valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite $$t >/dev/null; done
	@echo "valgrind: unit tests clean"
	PAASPORT_BIN=$(CURDIR)/$(BIN) PAASPORT_WEB_DIR=$(CURDIR)/web \
		PAASPORT_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
		$(PY) -m pytest -q -p no:cacheprovider tests/api/test_tokens.py tests/api/test_sessions.py tests/api/test_http.py

# libFuzzer targets (clang); `make fuzz` runs each longer.
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 10
test-fuzz:
	@scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz:
	@scripts/fuzz.sh 300

# The README's two commands on a fresh Debian 12 root (debootstrap, cached): not part of
# `make test` or CI, as it takes minutes and the Debian mirror. See docs/testing.md.
.PHONY: test-fresh
test-fresh:
	@scripts/test-fresh.sh

bench: all
	@scripts/deps.sh bench
	bench/api.sh

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'fuzz/*.c')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'fuzz/*.c') \
		&& echo "format: clang-format clean"

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
