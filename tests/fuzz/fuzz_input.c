/* fuzz_input.c: a libFuzzer harness over the whole input path: bytes to
 * CSV records to numbers to metric sums to output lines, through
 * run_inputs() exactly as main() calls it.  The first bytes of an input
 * choose the options and how the bytes reach the reader, so that the
 * fuzzer explores those too:
 *
 *   byte 0  bit 0 -n, 1 --skip-invalid, 2 -s, 3 -r never, 4 --fail-above,
 *           5 worker threads, 6 column specs follow
 *   byte 1  batch size: 1 + the byte, or an extreme (2^31, 2^32 + 1,
 *           SIZE_MAX) for the last few values
 *   byte 2  bits 0-1 the format, 2-4 the delimiter (or the first line's,
 *           with or without --decimal-comma), 5-7 how many files
 *   byte 3  bits 0-5 where the data is cut into files, 6-7 the threshold
 *   byte 4  bits 0-1 how each file is read: a memory file, a pipe, or a
 *           packet socket that hands out a few bytes per read(2); bits
 *           2-7 how many bytes a pipe or socket write holds
 *   then, with bit 6 of byte 0, five lines: the -t, -p, -w, -e and -g
 *   specs (an empty line for none; with -g, bit 2 of byte 0 is --batches
 *   instead of -s); then the CSV data (or the CSV compressed: the reader
 *   knows it by its first bytes).
 *
 * Each input runs twice: as chosen, and again from memory files without
 * threads.  Both runs must print the same lines and the same messages and
 * end the same way, or the harness aborts: a crash is not the only bug.
 * With FUZZ_SHOW set in the environment, it prints what the runs print. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "feed.h"
#include "measures.h"

enum { SPEC_MAX = 64, OPTION_BYTES = 5 };

/* One line of at most SPEC_MAX bytes from *DATA, as a C string in BUF, or
 * NULL when it is empty.  Text after a NUL byte is dropped, as it would
 * be from a command line. */
static const char *
take_line(const uint8_t **data, size_t *size, char *buf)
{
	size_t n = 0;

	while (*size > 0 && **data != '\n') {
		if (n < SPEC_MAX)
			buf[n++] = (char)**data;
		(*data)++;
		(*size)--;
	}
	if (*size > 0) {
		(*data)++;
		(*size)--;
	}
	buf[n] = '\0';
	return buf[0] != '\0' ? buf : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t big_batches[] = {
		(size_t)1 << 31, ((size_t)1 << 32) + 1, SIZE_MAX, 2, 32, 1000};
	/* 0: the first line's; the second, with --decimal-comma. */
	static const unsigned char delims[] = {',', ';', '\t', '|',
					       ' ', 0,	 0,    0xff};
	static const enum report_format formats[] = {REPORT_TABLE, REPORT_CSV,
						     REPORT_TSV, REPORT_JSONL};
	static const double thresholds[] = {0.0, 0.5, 4.0, 1e300};
	uint8_t opt[OPTION_BYTES] = {0};
	static char f1[] = "a.csv", f2[] = "b.csv", f3[] = "c.csv";
	char *names[FEED_MAX_FILES] = {f1, f2, f3};
	char specs[5][SPEC_MAX + 1];
	size_t cut[FEED_MAX_FILES + 1], nfiles, chunk;
	struct run_config o;
	struct threshold_rule rule;
	struct feed_output a, b;
	enum feed feed;

	for (size_t i = 0; i < OPTION_BYTES && size > 0; i++, size--)
		opt[i] = *data++;
	/* The configs as main's configure() makes them. */
	o = (struct run_config){
		.read = {.delim = delims[(opt[2] >> 2) & 7],
			 .decimal_comma = ((opt[2] >> 2) & 7) == 6,
			 .header = !(opt[0] & 1),
			 .skip_invalid = opt[0] & 2},
		.batcher = {.batch_size = opt[1] < 250
						  ? (size_t)opt[1] + 1
						  : big_batches[opt[1] - 250],
			    .reset_never = opt[0] & 8},
		.report = {.format = formats[opt[2] & 3],
			   .summary = opt[0] & 4,
			   .precision = 1 + opt[1] % 17},
	};
	/* --fail-above on the rmse, as main makes it. */
	rule = (struct threshold_rule){M_RMSE, false, thresholds[opt[3] >> 6]};
	o.threshold = (struct threshold_config){&rule, (opt[0] & 16) != 0};
	/* The default columns, or (top bit) every column, with float32 and
	 * --explain drawn from the same byte. */
	if (opt[0] & 128) {
		for (int m = 0; m < M_COUNT; m++)
			o.report.measures[m] = (enum measure)m;
		o.report.nmeasures = M_COUNT;
		o.read.row.f32 = o.batcher.sums.f32 = opt[1] & 1;
		o.report.explain = o.report.format == REPORT_TABLE;
	} else {
		o.report.measures[0] = M_RMSE;
		o.report.measures[1] = M_MEAN_BATCH_RMSE;
		o.report.measures[2] = M_RUNNING_RMSE;
		o.report.nmeasures = 3;
	}
	measures_config(measures_needs(o.report.measures, o.report.nmeasures),
			&o.read.row);
	o.batcher.sums = o.read.row;
	if (opt[0] & 64) {
		o.read.true_cols = take_line(&data, &size, specs[0]);
		o.read.pred_cols = take_line(&data, &size, specs[1]);
		o.read.weight_col = take_line(&data, &size, specs[2]);
		o.read.epoch_col = take_line(&data, &size, specs[3]);
		o.read.group_cols = take_line(&data, &size, specs[4]);
		/* main refuses one without the other. */
		if ((o.read.true_cols == NULL) != (o.read.pred_cols == NULL))
			o.read.true_cols = o.read.pred_cols = NULL;
		o.batcher.keyed = o.read.epoch_col != NULL;
		o.report.weighted = o.read.weight_col != NULL;
		/* -g: batch lines only with --batches. */
		o.grouped = o.report.grouped = o.read.group_cols != NULL;
		o.group_batches = o.grouped && (opt[0] & 4);
		if (o.grouped)
			o.report.summary = !o.group_batches;
	}
	nfiles = 1 + (opt[2] >> 5) % FEED_MAX_FILES;
	feed_cut(cut, size, nfiles, opt[3] & 7, (opt[3] >> 3) & 7);
	feed = (opt[4] & 3) == 3 ? FEED_PACKETS : (enum feed)(opt[4] & 3);
	chunk = (opt[4] >> 2) == 63 ? 65536 : 1 + (size_t)(opt[4] >> 2);

	feed_run(&o, names, data, cut, nfiles, feed, chunk, opt[0] & 32 ? 2 : 0,
		 false, &a);
	feed_run(&o, names, data, cut, nfiles, FEED_MEMORY, 0, 0, false, &b);
	if (a.result != b.result ||
	    !feed_same(a.out, a.out_len, b.out, b.out_len) ||
	    !feed_same(a.err, a.err_len, b.err, b.err_len)) {
		fprintf(stderr,
			"fuzz_input: the runs differ\n--- as chosen (result "
			"%d):\n%s%s--- from memory (result %d):\n%s%s",
			(int)a.result, a.out, a.err, (int)b.result, b.out,
			b.err);
		abort();
	}
	/* For looking at what an input does: FUZZ_SHOW=1 replay FILE. */
	if (getenv("FUZZ_SHOW") != NULL)
		fprintf(stderr, "--- result %d:\n%s%s", (int)a.result, a.out,
			a.err);
	feed_free(&a);
	feed_free(&b);
	return 0;
}
