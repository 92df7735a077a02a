# pccc build. `make demo` and `make check` set a fresh machine up by
# themselves (scripts/setup.sh installs what is missing).
CC      ?= gcc
CLANG   ?= clang-14
PKGS    := libmicrohttpd jansson sqlite3 libsodium libcrypto libcurl cjose libpq libqrencode xlsxwriter libzip expat
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -fno-common
BASEFLAGS := -std=c11 -D_GNU_SOURCE -g -Isrc -Ibuild/gen $(WARN) -fstack-protector-strong
CFLAGS  ?= -O2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
ALL_CFLAGS = $(BASEFLAGS) $(CFLAGS) -D_FORTIFY_SOURCE=2 $(PKG_CFLAGS)
SAN_CFLAGS = $(BASEFLAGS) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined $(PKG_CFLAGS)

SRC      := $(sort $(shell find src -name '*.c'))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
GEN      := build/gen/builtin.c
OBJ      := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC)) build/obj/gen/builtin.o
SAN_OBJ  := $(patsubst src/%.c,build/asan/obj/%.o,$(LIB_SRC)) build/asan/obj/gen/builtin.o
TESTS    := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(patsubst tests/unit/%.c,build/tests/%,$(TESTS))
SAN_TEST_BIN := $(patsubst tests/unit/%.c,build/asan/tests/%,$(TESTS))
FUZZ     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ))

# Files embedded in the binary: the console, Leaflet from node_modules,
# SQL migrations and the seed.
WEB_FILES    := $(sort $(shell find web -type f 2>/dev/null))
SQL_FILES    := $(sort $(wildcard src/store/sql/*.sql))
SEED_FILES   := $(sort $(shell find src/store/seed -type f ! -name '*.py' 2>/dev/null))
LEAFLET_DIR  := node_modules/leaflet/dist
LEAFLET_FILES := $(LEAFLET_DIR)/leaflet.js $(LEAFLET_DIR)/leaflet.css $(wildcard $(LEAFLET_DIR)/images/*.png)
EMBED = $(foreach f,$(WEB_FILES),$(f)=$(f)) \
        $(foreach f,$(SQL_FILES),sql/$(notdir $(f))=$(f)) \
        $(foreach f,$(SEED_FILES),seed/$(patsubst src/store/seed/%,%,$(f))=$(f)) \
        $(foreach f,$(LEAFLET_FILES),web/vendor/leaflet/$(patsubst $(LEAFLET_DIR)/%,%,$(f))=$(f))

.PHONY: all build asan demo check test unit setup bench fuzz fuzz-build fuzz-run clean format
all: build
build: build/pccc

setup:
	@bash scripts/setup.sh

build/.setup-stamp: scripts/setup.sh package.json package-lock.json
	@bash scripts/setup.sh
	@mkdir -p build && touch $@

build/mkbuiltin: tools/mkbuiltin.c
	@mkdir -p build
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

$(GEN): build/mkbuiltin $(WEB_FILES) $(SQL_FILES) $(SEED_FILES) $(LEAFLET_FILES) Makefile
	@mkdir -p build/gen
	build/mkbuiltin $@ $(EMBED)

build/obj/gen/builtin.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
build/libpccc.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^
build/pccc: build/.setup-stamp build/obj/main.o build/libpccc.a
	$(CC) -o $@ build/obj/main.o build/libpccc.a $(PKG_LIBS)

build/tests/%: tests/unit/%.c build/libpccc.a
	@mkdir -p build/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< build/libpccc.a $(PKG_LIBS) -lcmocka

# Sanitizer build (ASan + UBSan): the binary and every unit test.
build/asan/obj/gen/builtin.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -c -o $@ $<
build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -MMD -MP -c -o $@ $<
build/asan/libpccc.a: $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $^
build/asan/pccc: build/asan/obj/main.o build/asan/libpccc.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)
build/asan/tests/%: tests/unit/%.c build/asan/libpccc.a
	@mkdir -p build/asan/tests
	$(CC) $(SAN_CFLAGS) -Itests/unit -o $@ $< build/asan/libpccc.a -fsanitize=address,undefined $(PKG_LIBS) -lcmocka
asan: build/.setup-stamp build/asan/pccc $(SAN_TEST_BIN)

unit: $(TEST_BIN)

# Fuzz targets: clang with libFuzzer, linked against the library sources
# built once by clang with the fuzzer's instrumentation.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -Ibuild/gen -fsanitize=fuzzer-no-link,address,undefined $(PKG_CFLAGS)
FUZZ_OBJ := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC)) build/fuzz/obj/gen/builtin.o
build/fuzz/obj/gen/builtin.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c -o $@ $<
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
build/fuzz/libpccc.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
build/fuzz/%: fuzz/%.c build/fuzz/libpccc.a
	@mkdir -p build/fuzz
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libpccc.a $(PKG_LIBS)
fuzz-build: $(FUZZ_BIN)
FUZZ_SECONDS ?= 120
fuzz:
	@$(MAKE) --no-print-directory build/.setup-stamp
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@$(MAKE) --no-print-directory fuzz-run
fuzz-run:
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  seeds=; [ -d fuzz/corpus/$$n ] && seeds=fuzz/corpus/$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus/$$n $$seeds >build/fuzz/$$n.log 2>&1 \
	    || { tail -30 build/fuzz/$$n.log; exit 1; }; tail -2 build/fuzz/$$n.log; done

# Setup runs first in its own make, so that the builds below see the
# packages (pkg-config) and node_modules (Leaflet) it installed.
demo:
	@$(MAKE) --no-print-directory build/.setup-stamp
	@$(MAKE) --no-print-directory -j2 build
	@mkdir -p data
	build/pccc demo --data data

check:
	@$(MAKE) --no-print-directory build/.setup-stamp
	@$(MAKE) --no-print-directory -j2 build unit asan fuzz-build
	@bash scripts/check.sh

bench:
	@$(MAKE) --no-print-directory build/.setup-stamp
	@$(MAKE) --no-print-directory -j2 build
	@bash bench/run.sh

format:
	clang-format -i $(SRC) $(TESTS) $(FUZZ) tools/*.c

clean:
	rm -rf build

-include $(shell find build/obj build/asan/obj build/fuzz/obj -name '*.d' 2>/dev/null)
