# smpfade: every entry point.  `make help` lists them.
CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
PKG_LIB := gsl lcms2
PKG_CLI := jansson cairo plplot
# -ffp-contract=off: no fused multiply-adds, which compilers may otherwise form where the
# machine has them, so every machine computes the same bits (shards merged across a cluster).
# -fopenmp-simd: `#pragma omp simd` marks loops to vectorise (model/color_lanes.c); no
# OpenMP runtime.
# -fno-math-errno: no code reads errno after a maths function, so sqrt is the instruction
# alone (IEEE sqrt is exact: the same bits), without a call kept for errno on x < 0.
CSTD    := -std=c11 -D_DEFAULT_SOURCE -ffp-contract=off -fno-math-errno -fopenmp-simd
WARN    := -Wall -Wextra -Wpedantic -Werror
OPT     ?= -O3 -g
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -fPIC $(EXTRA_CFLAGS) \
             $(shell pkg-config --cflags $(PKG_LIB) $(PKG_CLI) cmocka) -Imodel
# The command is optimised further with gcc, in objects of its own ($(BUILD)/cmd): the
# library, the tests and the benchmarks link the plain objects.
# - Link-time optimisation (-flto): inlining across files, ~5 % of an ensemble's time.
# - Profile-guided optimisation: the objects are compiled once more with
#   -fprofile-generate ($(BUILD)/pgo-gen), that instrumented command runs a training
#   workload (scripts/pgo-train: an ensemble of issue 7's kind on one thread, ~8 s), and
#   the command's objects are compiled with -fprofile-use: branch layout, inlining and
#   unrolling from the counts; ~15 % of an ensemble's time (docs/performance.md, 11).
# Neither changes a floating-point operation (no contraction, no reassociation): the
# command prints the same bits with or without them.  Off for other compilers and the
# sanitizer builds (LTO_FLAGS= or PGO= on the command line; the environment sets neither).
ifeq ($(filter command line override,$(origin LTO_FLAGS)),)
LTO_FLAGS := $(if $(shell $(CC) --version 2>/dev/null | grep -q 'Free Software Foundation' && echo y),-flto=auto)
endif
ifeq ($(filter command line override,$(origin PGO)),)
PGO := $(if $(LTO_FLAGS),y)
endif
# Both compilations name their profile by the source (-dumpbase under $(BUILD)/pgo-aux,
# the checkout's path stripped; with BUILD outside the checkout the profiles lie in
# directories under pgo-data), not by the object: a static function's profile id
# includes that name, and the objects lie in two places.
PGO_DATA := $(abspath $(BUILD)/pgo-data)
PGO_NAME  = -dumpbase $(BUILD)/pgo-aux/$< -fprofile-prefix-path=$(CURDIR)
PGO_GEN  := -fprofile-generate=$(PGO_DATA)
PGO_USE  := $(if $(PGO),-fprofile-use=$(PGO_DATA) -fprofile-partial-training)
PGO_STAMP := $(BUILD)/pgo-data/trained
# The command's optimisation, recorded so that `make PGO=` or `make LTO_FLAGS=` after a
# build rebuilds the command (the file is rewritten only when they change).
CMD_FLAGS_FILE := $(BUILD)/cmd-flags
CMD_FLAGS := $(strip $(LTO_FLAGS) $(if $(PGO),pgo))
LIBS_LIB = $(shell pkg-config --libs $(PKG_LIB)) -lcsv -lm -pthread
LIBS_CLI = $(shell pkg-config --libs $(PKG_CLI))
LDFLAGS_ALL = $(EXTRA_LDFLAGS)

MODEL_SRC := $(sort $(wildcard model/*.c))
CLI_SRC   := $(sort $(wildcard cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
MODEL_OBJ := $(MODEL_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ   := $(MODEL_SRC:%.c=$(BUILD)/cmd/%.o) $(CLI_SRC:%.c=$(BUILD)/cmd/%.o)
GEN_OBJ   := $(MODEL_SRC:%.c=$(BUILD)/pgo-gen/%.o) $(CLI_SRC:%.c=$(BUILD)/pgo-gen/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB_A     := $(BUILD)/libsmpfade.a
LIB_SO    := $(BUILD)/libsmpfade.so
BIN       := $(BUILD)/smpfade

.PHONY: all deps tests run check check-asan check-tsan valgrind bench notebooks fuzz install uninstall clean help

all: $(LIB_A) $(LIB_SO) $(BIN)

help:
	@echo "make run         build and run the main job (a default projection)"
	@echo "make check       build and run every test"
	@echo "make check-asan  the tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make check-tsan  the threaded tests under ThreadSanitizer"
	@echo "make valgrind    the tests under valgrind memcheck"
	@echo "make bench       benchmarks (figures printed, see bench/RESULTS.md)"
	@echo "make notebooks   execute every notebook from a clean state"
	@echo "make fuzz        run each libFuzzer harness for a bounded time"
	@echo "make install     PREFIX=$(PREFIX): library, header, smpfade.pc, man page, command"
	@echo "make deps        install missing Debian packages (scripts/install-deps)"

deps:
	@scripts/install-deps build

SOURCE_DEPS := Makefile model/smpfade.h $(wildcard model/*.h cli/*.h)

$(BUILD)/%.o: %.c $(SOURCE_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) $(FILE_CFLAGS) -c $< -o $@

$(BUILD)/pgo-gen/%.o: %.c $(SOURCE_DEPS) $(CMD_FLAGS_FILE)
	@mkdir -p $(dir $@) $(dir $(BUILD)/pgo-aux/$<)
	@echo "  CC-GEN  $<"
	@$(CC) $(CFLAGS_ALL) $(LTO_FLAGS) $(PGO_GEN) $(PGO_NAME) $(FILE_CFLAGS) -c $< -o $@

$(BUILD)/cmd/%.o: %.c $(SOURCE_DEPS) $(CMD_FLAGS_FILE) $(if $(PGO),$(PGO_STAMP))
	@mkdir -p $(dir $@) $(dir $(BUILD)/pgo-aux/$<)
	@echo "  CC-CMD  $<"
	@$(CC) $(CFLAGS_ALL) $(LTO_FLAGS) $(PGO_USE) $(if $(PGO),$(PGO_NAME)) $(FILE_CFLAGS) -c $< -o $@

$(CMD_FLAGS_FILE): FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = "$(CMD_FLAGS)" ] || echo "$(CMD_FLAGS)" > $@

.PHONY: FORCE
FORCE:

# The colour lanes' selections become vector blends only where the compiler may evaluate
# a comparison that is not needed (NaN comparisons raise a flag no code reads); no value
# changes (tests/test_color.c compares them bit for bit with the scalar functions).
# Private: not passed on to what these objects depend on (the profile's training build).
$(BUILD)/model/color_lanes.o $(BUILD)/pgo-gen/model/color_lanes.o \
$(BUILD)/cmd/model/color_lanes.o: private FILE_CFLAGS := -fno-trapping-math

$(LIB_A): $(MODEL_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(LIB_SO): $(MODEL_OBJ)
	@echo "  LD      $@"
	@$(CC) -shared -Wl,-soname,libsmpfade.so.0 -o $@ $^ $(LDFLAGS_ALL) $(LIBS_LIB)

# The training run's counts, from a fresh data directory (counts would add up otherwise).
$(PGO_STAMP): $(BUILD)/pgo-gen/smpfade scripts/pgo-train
	@rm -rf $(PGO_DATA)
	@echo "  PGO     scripts/pgo-train"
	@scripts/pgo-train $(BUILD)/pgo-gen/smpfade || { echo "pgo: the training run failed" \
	  "(make deps installs what it needs; make PGO= builds without a profile)"; exit 1; }
	@n=$$(find $(PGO_DATA) -name '*.gcda' | wc -l); [ "$$n" -eq $(words $(GEN_OBJ)) ] || \
	  { echo "pgo: $$n profiles for $(words $(GEN_OBJ)) objects in $(PGO_DATA)" \
	  "(gcc writes one .gcda per object; PGO needs gcc)"; exit 1; }
	@touch $@

$(BUILD)/pgo-gen/smpfade: $(GEN_OBJ)
	@echo "  LD-GEN  $@"
	@$(CC) $(CSTD) $(OPT) $(LTO_FLAGS) $(PGO_GEN) -o $@ $^ $(LDFLAGS_ALL) $(LIBS_CLI) $(LIBS_LIB)

ifneq ($(LTO_FLAGS)$(PGO),)
$(BIN): $(CMD_OBJ) $(CMD_FLAGS_FILE)
	@echo "  LD      $@"
	@$(CC) $(CSTD) $(OPT) $(LTO_FLAGS) $(PGO_USE) -o $@ $(CMD_OBJ) $(LDFLAGS_ALL) $(LIBS_CLI) \
	  $(LIBS_LIB)
else
$(BIN): $(CLI_OBJ) $(LIB_A) $(CMD_FLAGS_FILE)
	@echo "  LD      $@"
	@$(CC) -o $@ $(CLI_OBJ) $(LIB_A) $(LDFLAGS_ALL) $(LIBS_CLI) $(LIBS_LIB)
endif

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
	$(BIN) project

check: deps
	@$(MAKE) --no-print-directory all tests
	@SMPF_BIN=$(BIN) tests/run-tests $(TEST_BIN)

tests: $(TEST_BIN)

check-asan:
	@scripts/install-deps build
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" LTO_FLAGS= PGO= \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" check

# The tests that run threads (shared fast-optics tables, per-thread samplers and
# histograms) under ThreadSanitizer; a few minutes, not part of `make check`.
TSAN_TESTS ?= test_fast_path test_steady
check-tsan:
	@scripts/install-deps build
	$(MAKE) BUILD=build-tsan OPT="-O1 -g" LTO_FLAGS= PGO= EXTRA_CFLAGS="-fsanitize=thread" \
	  EXTRA_LDFLAGS="-fsanitize=thread" all $(TSAN_TESTS:%=build-tsan/tests/%)
	@SMPF_BIN=build-tsan/smpfade TSAN_OPTIONS="halt_on_error=1" \
	  tests/run-tests $(TSAN_TESTS:%=build-tsan/tests/%)

valgrind: all $(TEST_BIN)
	@scripts/install-deps fuzz
	@SMPF_BIN=$(BIN) SMPF_VALGRIND=1 SMPF_JOBS=$(VALGRIND_JOBS) \
	  tests/run-tests $(filter-out $(VALGRIND_SKIP:%=$(BUILD)/tests/%),$(TEST_BIN))
	@[ -z "$(strip $(VALGRIND_SKIP))" ] || echo "valgrind: skipped $(strip $(VALGRIND_SKIP))" \
	  "(compute-bound; make check-asan covers them; make valgrind VALGRIND_SKIP= runs them)"

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
	rm -rf build build-asan build-tsan build-fuzz

# Fuzzing (libFuzzer, clang): each tests/fuzz/fuzz_<name>.c becomes build-fuzz/fuzz_<name>,
# built against a clang + ASan + UBSan copy of the library, and runs for FUZZ_SECONDS on
# its seed corpus tests/fuzz/corpus/fuzz_<name>/ (new inputs land in build-fuzz/corpus/,
# crashes in build-fuzz/crashes/).  fuzz_options also compiles cli/errors.c, cli/table.c.
# A new harness needs only its .c file (a seed corpus folder and FUZZ_MAXLEN_/FUZZ_ARGS_
# lines below are optional).
FUZZ_SECONDS ?= 30
FUZZ_BUILD   := build-fuzz
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OPT     := -O1 -g -fno-omit-frame-pointer
FUZZ_MAXLEN_fuzz_table    := 8192
FUZZ_MAXLEN_fuzz_cgats    := 8192
FUZZ_MAXLEN_fuzz_pigments := 8192
FUZZ_MAXLEN_fuzz_options  := 128
FUZZ_MAXLEN_fuzz_client   := 4096
FUZZ_EXTRA_fuzz_options   := $(FUZZ_BUILD)/cli/errors.o $(FUZZ_BUILD)/cli/table.o
FUZZ_ARGS_fuzz_options    := -close_fd_mask=2
FUZZ_ARGS_fuzz_cgats      := -dict=tests/fuzz/fuzz_cgats.dict
FUZZ_ARGS_fuzz_table      := -dict=tests/fuzz/fuzz_table.dict
FUZZ_ARGS_fuzz_pigments   := -dict=tests/fuzz/fuzz_table.dict
FUZZ_ARGS_fuzz_client     := -dict=tests/fuzz/fuzz_client.dict

# One harness run: $(1) = fuzz_<name>; -max_len from FUZZ_MAXLEN_<harness> (default 4096)
# and extra flags from FUZZ_ARGS_<harness>.  On a crash, the log's tail and exit 1.
define fuzz_run
echo "  FUZZ    $(1) ($(FUZZ_SECONDS) s)"; mkdir -p $(FUZZ_BUILD)/corpus/$(1); \
$(FUZZ_BUILD)/$(1) -max_len=$(or $(FUZZ_MAXLEN_$(1)),4096) $(FUZZ_ARGS_$(1)) \
  -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix=$(FUZZ_BUILD)/crashes/$(1)- $(FUZZ_BUILD)/corpus/$(1) \
  $(wildcard tests/fuzz/corpus/$(1)) 2>$(FUZZ_BUILD)/$(1).log \
  || { tail -n 60 $(FUZZ_BUILD)/$(1).log; exit 1; }; \
grep -E '^Done' $(FUZZ_BUILD)/$(1).log;
endef

fuzz:
	@scripts/install-deps fuzz
	@$(MAKE) -s --no-print-directory fuzz-build
	@mkdir -p $(FUZZ_BUILD)/crashes
	@$(foreach f,$(FUZZ_BIN),$(call fuzz_run,$(notdir $(f))))

.PHONY: fuzz-build
fuzz-build:
	@$(MAKE) -s --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang LTO_FLAGS= PGO= OPT="$(FUZZ_OPT)" \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  $(FUZZ_BUILD)/libsmpfade.a $(FUZZ_BUILD)/cli/errors.o $(FUZZ_BUILD)/cli/table.o
	@$(MAKE) -s --no-print-directory $(FUZZ_BIN)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libsmpfade.a $(FUZZ_BUILD)/cli/errors.o $(FUZZ_BUILD)/cli/table.o
	@echo "  FUZZER  $@"
	@clang $(CSTD) $(WARN) $(FUZZ_OPT) -fsanitize=fuzzer $(FUZZ_SAN) \
	  $(shell pkg-config --cflags $(PKG_LIB) $(PKG_CLI)) -Imodel -Icli -o $@ $< \
	  $(FUZZ_EXTRA_fuzz_$*) $(FUZZ_BUILD)/libsmpfade.a $(LIBS_CLI) $(LIBS_LIB)

# Tests of the CLI's own pieces (option values, JSON strings, atomic output and its
# signal handler, the pictures) link the CLI objects, all but main.o.
CLI_HELPER_OBJ := $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ))
CLI_TESTS := $(BUILD)/tests/test_cli_units $(BUILD)/tests/test_picture
$(CLI_TESTS): $(BUILD)/tests/%: tests/%.c $(CLI_HELPER_OBJ) $(LIB_A) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS_ALL) -Itests -Icli -o $@ $< $(CLI_HELPER_OBJ) $(LIB_A) $(LDFLAGS_ALL) \
	  $(shell pkg-config --libs cmocka) $(LIBS_CLI) $(LIBS_LIB)

# make valgrind: binaries run in parallel, one per core.  The compute-bound tests take
# minutes under memcheck (test_projection 7 s natively, 280 s under valgrind; test_extremes
# likewise; test_picture 1 s natively, 7 minutes: fontconfig and cairo's rasteriser) and
# run under ASan + UBSan in make check-asan; VALGRIND_SKIP= includes them.
VALGRIND_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
VALGRIND_SKIP ?= test_projection test_extremes test_fit_smp test_fit test_picture
