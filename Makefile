# smpfade: every entry point.  `make help` lists them.
CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
PKG_LIB := gsl lcms2
PKG_CLI := jansson cairo plplot
CSTD    := -std=c11 -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Wpedantic -Werror
OPT     ?= -O2 -g
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -fPIC $(EXTRA_CFLAGS) \
             $(shell pkg-config --cflags $(PKG_LIB) $(PKG_CLI) cmocka) -Imodel
LIBS_LIB = $(shell pkg-config --libs $(PKG_LIB)) -lcsv -lm
LIBS_CLI = $(shell pkg-config --libs $(PKG_CLI))
LDFLAGS_ALL = $(EXTRA_LDFLAGS)

MODEL_SRC := $(sort $(wildcard model/*.c))
CLI_SRC   := $(sort $(wildcard cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
MODEL_OBJ := $(MODEL_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB_A     := $(BUILD)/libsmpfade.a
LIB_SO    := $(BUILD)/libsmpfade.so
BIN       := $(BUILD)/smpfade

.PHONY: all deps tests run check check-asan valgrind bench notebooks fuzz install uninstall clean help

all: $(LIB_A) $(LIB_SO) $(BIN)

help:
	@echo "make run         build and run the main job (a default projection)"
	@echo "make check       build and run every test"
	@echo "make check-asan  the tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make valgrind    the tests under valgrind memcheck"
	@echo "make bench       benchmarks (figures printed, see bench/RESULTS.md)"
	@echo "make notebooks   execute every notebook from a clean state"
	@echo "make fuzz        run each libFuzzer harness for a bounded time"
	@echo "make install     PREFIX=$(PREFIX): library, header, smpfade.pc, man page, command"
	@echo "make deps        install missing Debian packages (scripts/install-deps)"

deps:
	@scripts/install-deps build

$(BUILD)/%.o: %.c model/smpfade.h $(wildcard model/*.h cli/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIB_A): $(MODEL_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(LIB_SO): $(MODEL_OBJ)
	@echo "  LD      $@"
	@$(CC) -shared -Wl,-soname,libsmpfade.so.0 -o $@ $^ $(LDFLAGS_ALL) $(LIBS_LIB)

$(BIN): $(CLI_OBJ) $(LIB_A)
	@echo "  LD      $@"
	@$(CC) -o $@ $(CLI_OBJ) $(LIB_A) $(LDFLAGS_ALL) $(LIBS_CLI) $(LIBS_LIB)

$(BUILD)/tests/%: tests/%.c $(LIB_A) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(LIB_A) $(LDFLAGS_ALL) $(shell pkg-config --libs cmocka) $(LIBS_CLI) $(LIBS_LIB)

$(BUILD)/bench/%: bench/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS_ALL) -o $@ $< $(LIB_A) $(LDFLAGS_ALL) $(LIBS_CLI) $(LIBS_LIB)

# run and check install missing packages first, then build in a fresh make, so that the
# pkg-config flags are read after the install.
run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) color /usr/share/colord/ref/CIE-TCS.sp

check: deps
	@$(MAKE) --no-print-directory all tests
	@SMPF_BIN=$(BIN) tests/run-tests $(TEST_BIN)

tests: $(TEST_BIN)

check-asan:
	@scripts/install-deps build
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" check

valgrind: all $(TEST_BIN)
	@scripts/install-deps fuzz
	@SMPF_BIN=$(BIN) SMPF_VALGRIND=1 tests/run-tests $(TEST_BIN)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@bench/run-bench $(BUILD)

notebooks: all
	@scripts/install-deps notebooks
	@SMPF_BIN=$(abspath $(BIN)) notebooks/run-notebooks

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/smpfade/datasets
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/smpfade
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/libsmpfade.a
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/libsmpfade.so.0
	ln -sf libsmpfade.so.0 $(DESTDIR)$(PREFIX)/lib/libsmpfade.so
	install -m 644 model/smpfade.h $(DESTDIR)$(PREFIX)/include/smpfade.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' smpfade.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/smpfade.pc
	install -m 644 man/smpfade.1 $(DESTDIR)$(PREFIX)/share/man/man1/smpfade.1
	cp -R datasets/. $(DESTDIR)$(PREFIX)/share/smpfade/datasets/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/smpfade $(DESTDIR)$(PREFIX)/lib/libsmpfade.* \
	  $(DESTDIR)$(PREFIX)/include/smpfade.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/smpfade.pc \
	  $(DESTDIR)$(PREFIX)/share/man/man1/smpfade.1
	rm -rf $(DESTDIR)$(PREFIX)/share/smpfade

clean:
	rm -rf build build-asan build-fuzz

# The picture tests link the CLI's drawing objects, which are not part of the library.
PIC_OBJ := $(BUILD)/cli/picture_patch.o $(BUILD)/cli/picture_plot.o $(BUILD)/cli/picture_file.o
$(BUILD)/tests/test_picture: tests/test_picture.c $(PIC_OBJ) $(LIB_A) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS_ALL) -Itests -Icli -o $@ $< $(PIC_OBJ) $(LIB_A) $(LDFLAGS_ALL) $(shell pkg-config --libs cmocka) $(LIBS_CLI) $(LIBS_LIB)
