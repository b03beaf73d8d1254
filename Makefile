# rmsetab: plain make.  `make` builds ./rmsetab, `make check` runs the tests
# (tests/README, for the slower ones), `make demo` shows the seed example.
# A user's CFLAGS and LDFLAGS are kept; the warnings are added separately.
# WERROR=1 makes warnings errors (CI).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O2 -g
CSV_LIBS ?= -lcsv
# The decompressors of compressed input (gzip, zstd, xz, bzip2).
Z_LIBS ?= -lz
ZSTD_LIBS ?= -lzstd
LZMA_LIBS ?= -llzma
BZ2_LIBS ?= -lbz2
PYTHON ?= python3

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN += -Werror
endif
# float32 emulation rounds every operation: no fused multiply-adds.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -ffp-contract=off $(WARN) \
	$(CFLAGS) $(SAN)
LIBS = $(CSV_LIBS) $(Z_LIBS) $(ZSTD_LIBS) $(LZMA_LIBS) $(BZ2_LIBS) -lm \
	-lpthread

# Objects and programs go under $(B): empty for the normal build, another
# directory for the sanitizer build (check-asan), so that one never
# clobbers the other.  SAN holds the sanitizer flags of such a build.
B =
SAN =
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:exitcode=99 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99

OBJS = $(addprefix $(B)src/, batcher.o dd.o diag.o explain.o measures.o \
	metric.o number.o numfmt.o plot.o progress.o read_blocks.o read_csv.o \
	groups.o read_decompress.o read_fused.o read_input.o read_keys.o read_rows.o \
	read_scan.o report.o run.o saver.o select.o select_default.o state.o \
	state_merge.o state_read.o state_segment.o state_write.o threshold.o \
	value.o files.o)
UNIT_TESTS = $(addprefix $(B)tests/unit/, test_number test_number_swar \
	test_metric test_numfmt test_select test_state test_state_segment \
	test_counts test_dd test_eintr test_scan test_fused test_groups test_threshold \
	test_value test_width)

.PHONY: all check demo seed-plot install uninstall clean lint bench \
	bench-number \
	check-asan fuzz fuzz-build check-fuzz check-stress FORCE

all: $(B)rmsetab

$(B)rmsetab: $(B)src/main.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(B)src/main.o $(OBJS) $(LIBS)

# Every object needs the libraries' headers to be there, so that a missing
# package is named once, clearly, instead of as a compiler error.
LIB_STAMPS = .libcsv-ok .zlib-ok .libzstd-ok .liblzma-ok .libbz2-ok

$(B)src/%.o: src/%.c src/*.h $(LIB_STAMPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

.libcsv-ok:
	@if printf '#include <csv.h>\nint main(void){struct csv_parser p;return csv_init(&p,0);}\n' \
	    | $(CC) -x c - -o .libcsv-test $(LDFLAGS) $(CSV_LIBS) 2>/dev/null; then \
		rm -f .libcsv-test; touch $@; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "libcsv is missing: installing libcsv-dev with apt-get"; \
		apt-get update -qq && apt-get install -y -qq libcsv-dev && touch $@; \
	else \
		echo "rmsetab needs libcsv (csv.h and -lcsv). Install it with:" >&2; \
		echo "    sudo apt-get install libcsv-dev     # Debian, Ubuntu" >&2; \
		echo "or set CFLAGS and CSV_LIBS to where it is." >&2; \
		exit 1; \
	fi

# The decompressors, as libcsv: a stamp file once each is there, and else the
# Debian package to install, installed here when run as root.
# $(call need_lib,STAMP,PACKAGE,HEADER,LIBS,CALL,VARIABLE): CALL, a function
# of the library, links; VARIABLE is the one that holds LIBS.
define need_lib
$(1):
	@if printf '#include <$(3)>\nint main(void){return $(5) == 0;}\n' \
	    | $$(CC) -x c - -o $(1)-test $$(LDFLAGS) $(4) 2>/dev/null; then \
		rm -f $(1)-test; touch $$@; \
	elif [ "$$$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "$(3) is missing: installing $(2) with apt-get"; \
		apt-get update -qq && apt-get install -y -qq $(2) && touch $$@; \
	else \
		echo "rmsetab needs $(3) ($(4)) to read compressed input. Install it with:" >&2; \
		echo "    sudo apt-get install $(2)     # Debian, Ubuntu" >&2; \
		echo "or set CFLAGS and $(6) to where it is." >&2; \
		exit 1; \
	fi
endef
$(eval $(call need_lib,.zlib-ok,zlib1g-dev,zlib.h,$(Z_LIBS),zlibVersion(),Z_LIBS))
$(eval $(call need_lib,.libzstd-ok,libzstd-dev,zstd.h,$(ZSTD_LIBS),ZSTD_versionNumber(),ZSTD_LIBS))
$(eval $(call need_lib,.liblzma-ok,liblzma-dev,lzma.h,$(LZMA_LIBS),lzma_version_number(),LZMA_LIBS))
$(eval $(call need_lib,.libbz2-ok,libbz2-dev,bzlib.h,$(BZ2_LIBS),BZ2_bzlibVersion(),BZ2_LIBS))

$(B)tests/unit/%: tests/unit/%.c tests/unit/check.h $(OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(OBJS) $(LIBS)

# test_number on number.c without its SSE2 code (the portable code that
# other machines run): it includes number.c itself, so no number.o.
$(B)tests/unit/test_number_swar: tests/unit/test_number_swar.c \
		tests/unit/test_number.c tests/unit/check.h src/number.c \
		src/number.h src/number_fast.h src/pow5.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< -lm

# The test suites (tests/README): `make check-NAME` runs tests/check-NAME.sh
# with the binary under test, by the one rule below.  `make check` runs
# every suite but the slow ones, all of them whatever fails, and ends with
# one line, "N passed, N failed", the checks of every suite added up; it
# fails if any check failed.
SUITES = $(sort $(patsubst tests/check-%.sh,%,$(wildcard tests/check-*.sh)))
SLOW_SUITES = valgrind
CHECKS = $(addprefix check-,$(filter-out $(SLOW_SUITES),$(SUITES)))

check: $(B)rmsetab $(UNIT_TESTS) $(B)tests/fuzz/replay \
	$(B)tests/fuzz/replay_state
	@tally=$$(mktemp) || exit 2; \
	CHECK_TALLY=$$tally $(MAKE) --no-print-directory -k $(CHECKS); \
	status=$$?; \
	sh tests/lib/total.sh "$$tally" $(CHECKS) || status=1; \
	rm -f "$$tally"; \
	exit $$status

# FORCE: a suite runs whenever it is asked for.  (Pattern rules do not
# apply to .PHONY targets.)
check-%: tests/check-%.sh $(B)rmsetab FORCE
	@sh tests/check-$*.sh ./$(B)rmsetab

FORCE:

# What suites need besides the binary: they find it beside the binary.
check-unit: $(UNIT_TESTS)
check-corpus: $(B)tests/fuzz/replay $(B)tests/fuzz/replay_state

# Millions of generated rows against an exact reference (about 20 s).
check-stress: $(B)rmsetab
	@$(PYTHON) tests/stress.py ./$(B)rmsetab

# The fuzzing harnesses without libFuzzer, over their seed corpus and
# every input that once made them fail: replay for fuzz_input.c (CSV),
# replay_state for fuzz_state.c (saved states).  Both harnesses are built
# with feed.c, their shared part.
FEED = tests/fuzz/feed.c
FEED_DEPS = $(FEED) tests/fuzz/feed.h

$(B)tests/fuzz/replay: tests/fuzz/replay.c tests/fuzz/fuzz_input.c \
	$(FEED_DEPS) $(OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ tests/fuzz/replay.c \
		tests/fuzz/fuzz_input.c $(FEED) $(OBJS) $(LIBS)

$(B)tests/fuzz/replay_state: tests/fuzz/replay.c tests/fuzz/fuzz_state.c \
	$(FEED_DEPS) $(OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ tests/fuzz/replay.c \
		tests/fuzz/fuzz_state.c $(FEED) $(OBJS) $(LIBS)

# The whole suite again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer in build/asan/, then with clang in
# build/asan-clang/, whose UBSan checks more than gcc's (arithmetic on a
# null pointer, for one): any report fails it.
SAN_CC = clang
check-asan:
	@$(SAN_ENV) $(MAKE) --no-print-directory B=build/asan/ \
		SAN="$(SAN_FLAGS)" check
	@$(SAN_ENV) $(MAKE) --no-print-directory B=build/asan-clang/ \
		CC=$(SAN_CC) SAN="$(SAN_FLAGS)" check

# Fuzzing with libFuzzer: clang builds everything in build/fuzz/ with the
# fuzzer's coverage and the sanitizers.  Two targets: FUZZ_TARGET=input
# (the default: CSV, fuzz_input.c) and FUZZ_TARGET=state (saved states,
# merged and saved again, fuzz_state.c); tests/fuzz/README.  `make fuzz
# FUZZ_SECONDS=N` runs one for N seconds; new inputs go to
# build/fuzz/corpus-TARGET, a failing one to build/fuzz/TARGET-crash-*
# (make it a regression: tests/fuzz/README).
FUZZ_CC = clang
FUZZ_SECONDS = 600
FUZZ_TARGET = input
FUZZ_FLAGS = -timeout=20 -print_final_stats=1
FUZZ_SAN = -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
# Each target's longest input, dictionary, and seeds with its regressions.
FUZZ_MAX_input = 8192
FUZZ_DICT_input = tests/fuzz/csv.dict
FUZZ_SEEDS_input = tests/fuzz/corpus tests/fuzz/regressions
FUZZ_MAX_state = 16384
FUZZ_DICT_state = tests/fuzz/state.dict
FUZZ_SEEDS_state = tests/fuzz/state-corpus tests/fuzz/state-regressions

$(B)tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FEED_DEPS) $(OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Isrc $(LDFLAGS) -o $@ \
		tests/fuzz/fuzz_$*.c $(FEED) $(OBJS) $(LIBS)

fuzz-build:
	@$(MAKE) --no-print-directory B=build/fuzz/ CC=$(FUZZ_CC) \
		SAN="$(FUZZ_SAN)" build/fuzz/tests/fuzz/fuzz_$(FUZZ_TARGET)

fuzz: fuzz-build
	@mkdir -p build/fuzz/corpus-$(FUZZ_TARGET)
	$(SAN_ENV) build/fuzz/tests/fuzz/fuzz_$(FUZZ_TARGET) $(FUZZ_FLAGS) \
		-max_len=$(FUZZ_MAX_$(FUZZ_TARGET)) \
		-max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=build/fuzz/$(FUZZ_TARGET)- \
		-dict=$(FUZZ_DICT_$(FUZZ_TARGET)) \
		build/fuzz/corpus-$(FUZZ_TARGET) $(FUZZ_SEEDS_$(FUZZ_TARGET))

# A short run of each target for CI.
check-fuzz:
	@$(MAKE) --no-print-directory fuzz FUZZ_TARGET=input FUZZ_SECONDS=60
	@$(MAKE) --no-print-directory fuzz FUZZ_TARGET=state FUZZ_SECONDS=60

# Not part of check: timings belong in a benchmark, not in a test.  Its
# settings (BENCH_ROWS, BENCH_TOOLS, ...) and last table: tests/bench/README.
bench: rmsetab
	sh tests/bench/run.sh ./rmsetab

# number_parse and number_scan alone, in ns per number, on the numbers of
# gen.c's files (1M rows x 1 pair, 100k rows x 10 pairs) and on generated
# forms (doc/performance.md).
BENCH_DIR ?= /tmp/rmsetab-bench
tests/bench/number-bench: tests/bench/number-bench.c src/number.h src/number.o
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ tests/bench/number-bench.c \
		src/number.o -lm

bench-number: tests/bench/number-bench
	@mkdir -p $(BENCH_DIR)
	$(CC) -O2 -o $(BENCH_DIR)/gen tests/bench/gen.c -lm
	$(BENCH_DIR)/gen 1000000 1 >$(BENCH_DIR)/numbers-narrow.csv
	$(BENCH_DIR)/gen 100000 10 >$(BENCH_DIR)/numbers-wide.csv
	tests/bench/number-bench $(BENCH_DIR)/numbers-narrow.csv \
		$(BENCH_DIR)/numbers-wide.csv

# The seed example: its table, and its chart in build/demo/ (and a PNG of
# it where rsvg-convert, from librsvg2-bin, is installed).  The demo writes
# nothing that git tracks.
SEED = --precision 17 -b 32 -r never -t 1-10 -p 11-20 \
	data/keras-seed-example.csv data/keras-seed-example.csv

demo: rmsetab
	@mkdir -p build/demo
	./rmsetab $(SEED) --plot build/demo/seed-plot.svg
	@if command -v rsvg-convert >/dev/null; then \
		rsvg-convert build/demo/seed-plot.svg -o build/demo/seed-plot.png; \
		echo "The chart: build/demo/seed-plot.svg and .png"; \
	else \
		echo "The chart: build/demo/seed-plot.svg"; \
	fi

# The chart README.md shows, data/seed-plot.svg and its PNG, drawn again
# (make check-docs checks that the SVG is what rmsetab draws today).
seed-plot: rmsetab
	./rmsetab $(SEED) --plot data/seed-plot.svg >/dev/null
	@if command -v rsvg-convert >/dev/null; then \
		rsvg-convert data/seed-plot.svg -o data/seed-plot.png; \
	else \
		echo "rsvg-convert is not installed: data/seed-plot.png not redrawn"; \
	fi

install: rmsetab
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	cp rmsetab $(DESTDIR)$(BINDIR)/rmsetab
	cp man/rmsetab.1 $(DESTDIR)$(MANDIR)/man1/rmsetab.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rmsetab $(DESTDIR)$(MANDIR)/man1/rmsetab.1

lint:
	clang-format --dry-run --Werror src/*.c src/*.h tests/unit/*.c \
		tests/fuzz/*.c tests/fuzz/*.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--std=c11 --suppress=missingIncludeSystem src tests/unit tests/fuzz
	mandoc -Tlint -W warning man/rmsetab.1

clean:
	rm -f rmsetab src/*.o $(UNIT_TESTS) tests/fuzz/replay \
		tests/fuzz/replay_state $(LIB_STAMPS) \
		.libcsv-test $(addsuffix -test,$(LIB_STAMPS)) \
		tests/bench/number-bench
	rm -rf build
