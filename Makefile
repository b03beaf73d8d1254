# rmsetab: plain make.  `make` builds ./rmsetab, `make check` runs every test,
# `make demo` shows the seed example.  A user's CFLAGS and LDFLAGS are kept;
# the warnings are added separately.  WERROR=1 makes warnings errors (CI).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O2 -g
CSV_LIBS ?= -lcsv
PYTHON ?= python3

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN += -Werror
endif
# float32 emulation rounds every operation: no fused multiply-adds.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -ffp-contract=off $(WARN) \
	$(CFLAGS)
LIBS = $(CSV_LIBS) -lm -lpthread

OBJS = src/batcher.o src/blocks.o src/columns.o src/csvin.o src/diag.o \
	src/explain.o src/input.o src/measures.o src/metric.o src/number.o \
	src/merge.o src/numfmt.o src/plot.o src/progress.o src/report.o \
	src/rows.o src/segment.o src/state.o
UNIT_TESTS = tests/unit/test_number tests/unit/test_metric \
	tests/unit/test_numfmt tests/unit/test_columns tests/unit/test_segment

.PHONY: all check check-unit check-cases check-reference check-docs \
	check-threads check-plot check-terminal check-state demo \
	install uninstall clean lint bench

all: rmsetab

rmsetab: src/main.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ src/main.o $(OBJS) $(LIBS)

# Every object needs libcsv's header to be there, so that a missing package
# is named once, clearly, instead of as a compiler error.
src/%.o: src/%.c src/*.h .libcsv-ok
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

tests/unit/%: tests/unit/%.c $(OBJS)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(OBJS) $(LIBS)

check: check-unit check-cases check-reference check-docs check-threads \
	check-plot check-terminal check-state

check-unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do ./$$t || exit 1; done
	@$(PYTHON) src/pow5-table.py | cmp - src/pow5.h && \
		echo "src/pow5.h: as src/pow5-table.py writes it"


check-cases: rmsetab
	@sh tests/run-cases.sh ./rmsetab

check-reference: rmsetab
	@sh tests/reference-check.sh ./rmsetab

check-threads: rmsetab
	@sh tests/threads-check.sh ./rmsetab

check-docs: rmsetab
	@sh tests/doc-examples.sh ./rmsetab

# Saved states merged against one pass; GNU parallel and README's recipes
# when parallel is installed.
check-state: rmsetab
	@sh tests/state-check.sh ./rmsetab

# Not part of check: timings belong in a benchmark, not in a test.
bench: rmsetab
	sh tests/bench/run.sh ./rmsetab

check-plot: rmsetab
	@sh tests/plot-check.sh ./rmsetab

check-terminal: rmsetab
	@sh tests/terminal-check.sh ./rmsetab

# The seed example's table, and its chart as the README shows it (the PNG
# only where rsvg-convert, from librsvg2-bin, is installed).
demo: rmsetab
	./rmsetab --precision 17 -b 32 -r never -t 1-10 -p 11-20 \
		--plot data/seed-plot.svg \
		data/keras-seed-example.csv data/keras-seed-example.csv
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
	clang-format --dry-run --Werror src/*.c src/*.h tests/unit/*.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--std=c11 --suppress=missingIncludeSystem src tests/unit
	mandoc -Tlint -W warning man/rmsetab.1

clean:
	rm -f rmsetab src/*.o $(UNIT_TESTS) .libcsv-ok .libcsv-test
