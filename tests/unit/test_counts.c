/* test_counts: counts beyond 2^32 (SPEC.md: more than 2^32 rows must
 * work) through the batcher, the report and the --skip-invalid message.
 * Reading that many rows would take minutes, so the sums of 2^32 rows
 * are built by merging a row's sums into themselves, as test_metric does,
 * and put in the batcher's batch, which then goes on with real rows. */
#include "batcher.h"
#include "metric.h"
#include "read_input.h"
#include "report.h"

#include <stdlib.h>

#include "check.h"

static const struct metric_config one_pair = {.pairs = 1};

/* The default columns, as main sets them. */
static void
default_columns(struct report_config *c)
{
	c->measures[0] = M_RMSE;
	c->measures[1] = M_MEAN_BATCH_RMSE;
	c->measures[2] = M_RUNNING_RMSE;
	c->nmeasures = 3;
	c->precision = 10;
}

/* The batcher's lines, to the report. */
static void
to_report(void *ctx, const struct batcher_line *line)
{
	report_line(ctx, line);
}

/* The sums of 2^K rows of error D. */
static struct metric_sums
doubled(int k, double d)
{
	struct metric_sums s;
	struct metric_row row;
	const double t = 0.0;

	metric_sums_init(&s, &one_pair);
	metric_row_set(&one_pair, &row, NULL, &t, &d, 1.0);
	metric_sums_add(&one_pair, &s, &row, NULL, 1);
	while (k-- > 0)
		metric_sums_merge(&one_pair, &s, &s);
	return s;
}

static struct metric_row
row_of(double error)
{
	struct metric_row row;
	const double t = 0.0;

	metric_row_set(&one_pair, &row, NULL, &t, &error, 1.0);
	return row;
}

/* A batch of 2^32 + 2 rows ends exactly at that size, and counts, batch
 * numbers and epoch numbers beyond 2^32 print in full. */
static void
test_batcher(void)
{
	const struct batcher_config bc = {.batch_size = ((size_t)1 << 32) + 2,
					  .sums = one_pair};
	struct report_config rc = {.format = REPORT_CSV};
	struct metric_row rows[3] = {row_of(1.0), row_of(7.0), row_of(-5.0)};
	struct metric_sums big = doubled(32, 5.0);
	struct report rep;
	struct batcher b;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!CHECK(out != NULL))
		return;
	default_columns(&rc);
	report_init(&rep, out, &rc);
	batcher_init(&b, &bc, &(struct batcher_sink){&rep, to_report, NULL},
		     true);
	if (!CHECK_INT(batcher_start(&b, 1), 0) ||
	    !CHECK_INT(report_set_outputs(&rep, NULL, NULL, 1, NULL), 0))
		return;
	/* As if 2^32 - 1 epochs had gone by, the last with 2^32 - 1
	 * batches. */
	b.epoch = UINT32_MAX;
	batcher_file_begin(&b);
	b.batch = UINT32_MAX;
	CHECK_U64(b.epoch, (uint64_t)1 << 32);

	/* 2^32 rows of error 5, then errors 1 and 7: 2^32 + 2 rows, the
	 * batch size, with squares 25 * 2^32 + 50 = 25 * (2^32 + 2): rmse
	 * 5.  Then one row of error 5 in a batch of its own. */
	b.batch_sums = big;
	batcher_rows(&b, rows, NULL, 2, NULL, 0);
	CHECK_U64(b.batch_sums.rows, 0);
	batcher_rows(&b, rows + 2, NULL, 1, NULL, 0);
	batcher_file_end(&b);
	CHECK_INT(report_flush(&rep), 0);
	fclose(out);
	CHECK_STR(text, "kind,epoch,batch,rows,rmse,mean_batch_rmse,"
			"running_rmse\n"
			"batch,4294967296,4294967296,4294967298,5,5,5\n"
			"batch,4294967296,4294967297,1,5,5,5\n"
			"epoch,4294967296,,4294967299,5,5,5\n");
	CHECK_U64(b.all.rows, ((uint64_t)1 << 32) + 3);
	batcher_free(&b);
	report_free(&rep);
	free(text);
}

/* The largest count there is, in each format. */
static void
test_report(void)
{
	static const enum report_format formats[] = {REPORT_TABLE, REPORT_CSV,
						     REPORT_JSONL};
	/* The table: widths 5, 6, 9 (exceeded) and 15 (10 digits + 5). */
	static const char *const want[] = {
		"epoch   batch       rows       batch rmse  mean batch rmse  "
		"   running rmse\n"
		"18446744073709551615  18446744073709551615  "
		"18446744073709551615      1.000000000      1.000000000  "
		"    1.000000000\n",
		"kind,epoch,batch,rows,rmse,mean_batch_rmse,running_rmse\n"
		"batch,18446744073709551615,18446744073709551615,"
		"18446744073709551615,1,1,1\n",
		"{\"kind\":\"batch\",\"epoch\":18446744073709551615,\"batch\":"
		"18446744073709551615,\"rows\":18446744073709551615,\"rmse\":1,"
		"\"mean_batch_rmse\":1,\"running_rmse\":1}\n",
	};
	struct batcher_line line = {.kind = BATCHER_BATCH,
				    .epoch = UINT64_MAX,
				    .batch = UINT64_MAX,
				    .rows = UINT64_MAX};
	struct report_config rc = {0};

	default_columns(&rc);
	line.v[M_RMSE] = line.v[M_MEAN_BATCH_RMSE] = 1.0;
	line.v[M_RUNNING_RMSE] = 1.0;

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		struct report rep;
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);

		if (!CHECK(out != NULL))
			return;
		rc.format = formats[i];
		report_init(&rep, out, &rc);
		report_line(&rep, &line);
		CHECK_INT(report_flush(&rep), 0);
		fclose(out);
		CHECK_STR(text, want[i]);
		report_free(&rep);
		free(text);
	}
}

/* "skipped K of N rows" with K and N, and line numbers, beyond 2^32. */
static void
test_skips(void)
{
	const struct read_config rc = {.delim = ',', .header = true};
	const struct read_input_outlet nowhere = {0};
	struct read_input in;
	char *text = NULL;
	size_t len = 0;
	FILE *saved = stderr;

	if (!CHECK(read_input_init(&in, &rc, &nowhere, NULL, 0) == 0))
		return;
	in.rows_read = ((uint64_t)1 << 33) + 2;
	in.rows_skipped = ((uint64_t)1 << 32) + 1;
	for (int i = 0; i < READ_INPUT_SKIPS_SHOWN; i++) {
		in.skipped[i].name = "a.csv";
		in.skipped[i].line = ((uint64_t)1 << 32) + 3 + (uint64_t)i;
	}
	stderr = open_memstream(&text, &len);
	if (!CHECK(stderr != NULL)) {
		stderr = saved;
		return;
	}
	read_input_report_skips(&in);
	fclose(stderr);
	stderr = saved;
	CHECK_STR(text,
		  "rmsetab: skipped 4294967297 of 8589934594 rows with "
		  "invalid numbers (--skip-invalid), at a.csv:4294967299, "
		  "a.csv:4294967300, a.csv:4294967301, a.csv:4294967302, "
		  "a.csv:4294967303, ...\n");
	read_input_free(&in);
	free(text);
}

int
main(void)
{
	test_batcher();
	test_report();
	test_skips();
	return check_finish("test_counts");
}
