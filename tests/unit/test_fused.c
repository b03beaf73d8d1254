/* test_fused: the reader's fast path (read_fused.c) against its general
 * path (read_rows.c), in both builds (FMA and AVX2 where this processor
 * has them, and the portable one), called directly: on random blocks of
 * rows (numbers of many shapes, invalid ones and numbers the fast loop
 * hands back to the general path, wrong counts of fields, blank lines, LF,
 * CR and CRLF line ends, a last line with or without its end), with every
 * alignment of the batches, its rows, batches and rest must be, bit for
 * bit, what the general path's rows summed by metric_sums_add give, with
 * the same rows skipped, and the same error, word for word, at the same
 * line.  With -g (test_grouped), the rows it hands on for the groups,
 * put in order of group, must be the general path's rows of each key, in
 * the order read, bit for bit, the groups in the order their keys first
 * come.  The scan it needs has its own test (test_scan.c). */
#include "key_hash.h"
#include "metric.h"
#include "read_csv.h"
#include "read_fused.h"
#include "read_rows.h"
#include "read_scan.h"

#include <stdlib.h>

#include "check.h"

enum { TEXT_MAX = 4096 };

/* The conversion. */

/* A field of a row: a number in one of many shapes, or now and then
 * something that is not one. */
static size_t
random_field(char *out, bool weight, bool messy)
{
	static const char *const bad[] = {"x",	"",    "1..2",	"inf",	 "-",
					  "1e", "nan", "0x1p3", "1e999", "-3"};
	double v = ((double)(rng() >> 11) * 0x1p-53 - 0.5) * 8.0;

	if (messy && rng_below(150) == 0)
		return (size_t)sprintf(out, "%s",
				       bad[rng_below(weight ? 10 : 9)]);
	if (weight)
		v = fabs(v);
	switch (rng_below(14)) {
	case 0: return (size_t)sprintf(out, "%.3f", v);
	case 1: return (size_t)sprintf(out, "%g", v * 1e12);
	case 2: return (size_t)sprintf(out, "%d", (int)(v * 100));
	case 3: return (size_t)sprintf(out, "%+.6e", v);
	case 4: return (size_t)sprintf(out, "%.25f", v);
	case 5: return (size_t)sprintf(out, "%.17g", v * 1e300);
	case 6: return (size_t)sprintf(out, "%.17g", v * 1e-300);
	case 7: return (size_t)sprintf(out, "%d", (int)rng_below(3));
	default: return (size_t)sprintf(out, "%.17g", v);
	}
}

/* Rows of NF fields, as rmsetab meets them in a file: most alike, some
 * not; with MESSY, now and then one that is an error (or skipped). */
static size_t
random_rows(char *text, size_t max, size_t nf, size_t wcol, bool messy)
{
	size_t len = 0;

	while (len + 64 * (nf + 2) < max && rng_below(200) != 0) {
		size_t n = nf;

		if (messy && rng_below(100) == 0)
			n = rng_below(2) ? nf + 1 : nf - 1;
		if (rng_below(30) == 0)
			n = 0; /* a blank line */
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				text[len++] = ',';
			len += random_field(text + len, i == wcol, messy);
		}
		switch (rng_below(12)) {
		case 0: text[len++] = '\r'; break;
		case 1:
			text[len++] = '\r';
			text[len++] = '\n';
			break;
		default: text[len++] = '\n'; break;
		}
	}
	/* The last line without its end, sometimes. */
	if (len > 0 && rng_below(3) == 0)
		len--;
	if (len > 0 && text[len - 1] == '\r' && rng_below(2) == 0)
		len--;
	return len;
}

static void
check_xdd(struct xdd got, struct xdd want)
{
	CHECK_DOUBLE(got.v.hi, want.v.hi);
	CHECK_DOUBLE(got.v.lo, want.v.lo);
	CHECK_INT(got.exp, want.exp);
}

static void
check_sums(const struct metric_sums *got, const struct metric_sums *want)
{
	check_xdd(got->sq, want->sq);
	check_xdd(got->weight, want->weight);
	CHECK_U64(got->rows, want->rows);
}

/* The fused block F, converted with its first_row, against G, the same
 * text converted by the general path. */
static void
check_block(const struct read_rows_plan *plan, const struct read_rows_block *f,
	    const struct read_rows_block *g)
{
	const struct metric_config *cfg = plan->row;
	uint64_t b = plan->cfg->batch_size;
	size_t head = (size_t)((b - f->first_row % b) % b), i = 0;
	struct metric_sums s;

	CHECK_INT(f->failed, g->failed);
	CHECK_U64(f->skipped, g->skipped);
	for (uint64_t k = 0; k < g->skipped && k < READ_ROWS_SKIPS_KEPT; k++)
		CHECK_U64(f->skip_line[k], g->skip_line[k]);
	if (g->failed) {
		CHECK_U64(f->error.line, g->error.line);
		CHECK_STR(f->error.text, g->error.text);
	} else {
		CHECK_U64(f->lines, g->lines);
	}
	CHECK_U64(read_rows_block_rows(f), g->nrows);
	if (head > g->nrows)
		head = g->nrows;
	if (!CHECK_U64(f->nrows, head))
		return;
	for (; i < head; i++) {
		check_xdd(f->rows[i].sq, g->rows[i].sq);
		check_xdd(f->rows[i].weight, g->rows[i].weight);
	}
	if (!CHECK_U64(f->nbatches, (g->nrows - head) / b))
		return;
	metric_sums_init(&s, cfg);
	for (size_t n = 0; n < f->nbatches; n++, i += b) {
		const struct metric_batch *m = &f->batches[n];
		struct metric_values v = {0};
		struct xdd rmse, row_loss;

		metric_sums_clear(&s);
		metric_sums_add(cfg, &s, g->rows + i, NULL, b);
		check_sums(&m->sums, &s);
		metric_batch_values(cfg, &s, &rmse, &row_loss);
		check_xdd(m->rmse, rmse);
		metric_values(cfg, &s, &v);
		CHECK_DOUBLE(m->values.rmse, v.rmse);
		CHECK_DOUBLE(m->values.mse, v.mse);
		CHECK_DOUBLE(m->values.weight, v.weight);
	}
	metric_sums_clear(&s);
	/* A block of no rows may have no array: NULL + 0 is undefined. */
	metric_sums_add(cfg, &s, g->rows ? g->rows + i : NULL, NULL,
			g->nrows - i);
	check_sums(&f->tail, &s);
	metric_sums_free(&s);
}

/* A plan for rows of NF fields: PAIRS pairs, true values in the even
 * fields from 0, predictions in the odd ones, a weight in field WCOL (or
 * none), no header. */
static void
make_plan(struct read_rows_plan *plan, struct read_config *rc,
	  struct metric_config *mc, size_t nf, size_t pairs, size_t wcol)
{
	static char tcols[64], pcols[64], wc[16];
	const char *field[16];
	size_t len[16];
	uint64_t line[16];
	struct read_csv_record first = {nf, field, len, line};
	struct read_rows_error err;
	struct read_rows_file file = {.delim = ',', .name = "", .next = NULL};
	size_t used = 0;

	for (size_t i = 0; i < nf; i++) {
		field[i] = "0";
		len[i] = 1;
		line[i] = 1;
	}
	for (size_t j = 0; j < pairs; j++)
		used += (size_t)sprintf(tcols + used, "%s%zu", j ? "," : "",
					2 * j + 1);
	used = 0;
	for (size_t j = 0; j < pairs; j++)
		used += (size_t)sprintf(pcols + used, "%s%zu", j ? "," : "",
					2 * j + 2);
	sprintf(wc, "%zu", wcol + 1);
	*mc = (struct metric_config){.pairs = pairs, .sq_only = true};
	rc->delim = ',';
	rc->header = false;
	rc->true_cols = tcols;
	rc->pred_cols = pcols;
	rc->weight_col = wcol != READ_ROWS_NONE ? wc : NULL;
	rc->epoch_col = NULL;
	rc->row = *mc;
	if (!CHECK(read_rows_plan_make(plan, rc, &first, 0, &file, &err) == 0))
		printf("  %s\n", err.text);
	plan->row = mc;
}

/* PLAN made again from RC as it now is (after make_plan), rows of NF
 * fields. */
static void
make_plan_again(struct read_rows_plan *plan, struct read_config *rc,
		struct metric_config *mc, size_t nf)
{
	const char *field[16];
	size_t len[16];
	uint64_t line[16];
	struct read_csv_record first = {nf, field, len, line};
	struct read_rows_error err;
	struct read_rows_file file = {.delim = ',', .name = "", .next = NULL};

	for (size_t i = 0; i < nf; i++) {
		field[i] = "0";
		len[i] = 1;
		line[i] = 1;
	}
	if (!CHECK(read_rows_plan_make(plan, rc, &first, 0, &file, &err) == 0))
		printf("  %s\n", err.text);
	plan->row = mc;
}

static void
convert_both(const struct read_rows_plan *plan, char *text, size_t len,
	     uint64_t first_row)
{
	struct read_rows_block g = {.text = text, .len = len};

	read_rows_block_convert(plan, &g);
	for (int build = 0; build < 2; build++) {
		struct read_rows_block f = {.text = text,
					    .len = len,
					    .fused = true,
					    .first_row = first_row};

		if (build == 1 && !read_scan_has_avx2())
			break;
		read_rows_block_scan(plan, &f);
		CHECK(!f.quote);
		(build ? read_fused_convert_avx2
		       : read_fused_convert_portable)(plan, &f);
		check_block(plan, &f, &g);
		f.text = NULL;
		read_rows_block_free(&f);
	}
	g.text = NULL;
	read_rows_block_free(&g);
}

static void
test_convert(void)
{
	static const size_t batch_sizes[] = {1, 2, 3, 5, 32};
	char *text = malloc(TEXT_MAX);

	rng_state = 2;
	for (int round = 0; round < 1500; round++) {
		size_t pairs = 1 + rng_below(2), nf = 2 * pairs + rng_below(3);
		size_t wcol = nf > 2 * pairs && rng_below(2) ? 2 * pairs
							     : READ_ROWS_NONE;
		struct read_config rc = {0};
		struct metric_config mc;
		struct read_rows_plan plan;
		size_t len = random_rows(text, TEXT_MAX, nf, wcol, round % 3);

		make_plan(&plan, &rc, &mc, nf, pairs, wcol);
		rc.skip_invalid = round % 2;
		rc.batch_values = true;
		for (size_t b = 0; b < sizeof batch_sizes / sizeof *batch_sizes;
		     b++) {
			rc.batch_size = batch_sizes[b];
			for (uint64_t a = 0; a < batch_sizes[b] && a < 7; a++)
				convert_both(&plan, text, len,
					     a + 1000 * batch_sizes[b]);
		}
		read_rows_plan_free(&plan);
	}
	free(text);
}

/* Fields that number_parse refuses, or that the general path treats
 * otherwise than a plain number (spaces, signs, bytes that are not ASCII,
 * a NUL, numbers out of range, a negative weight): each, in each column,
 * in a block of plain rows, with and without --skip-invalid, so that the
 * fused loop hands the record to the general path and its error text and
 * line, or its skip, are the general path's. */
static void
test_adversarial(void)
{
	static const struct {
		const char *s;
		size_t n;
	} odd[] = {
#define F(lit) {lit, sizeof lit - 1}
		F(""),
		F(" 1"),
		F("1 "),
		F("\t1"),
		F("+1"),
		F("1."),
		F(".5"),
		F("-.5"),
		F("1e5"),
		F("1E+05"),
		F("0x10"),
		F("1_0"),
		F("NaN"),
		F("nan"),
		F("Infinity"),
		F("-inf"),
		F("1e-400"),
		F("1e309"),
		F("-1e309"),
		F("-0"),
		F("00012"),
		F("-"),
		F("e5"),
		F("1e"),
		F("1e+"),
		F(".."),
		F("1.2.3"),
		F("\xef\xbc\x91"),
		F("1\0"),
		F("\x80"),
		F("-1"),
		F("0"),
		F("123456789012345678901234567890.123456789012345678901"),
		F("4.9406564584124654e-324"),
		F("1.7976931348623157e308"),
#undef F
	};
	char *text = malloc(TEXT_MAX);

	for (size_t o = 0; o < sizeof odd / sizeof *odd; o++) {
		for (size_t col = 0; col < 3; col++) {
			struct read_config rc = {0};
			struct metric_config mc;
			struct read_rows_plan plan;
			size_t len = 0;

			/* Rows "1,2,3" with the odd field in COL of row 4,
			 * field 3 the weight. */
			for (int row = 0; row < 9; row++) {
				for (size_t i = 0; i < 3; i++) {
					if (i > 0)
						text[len++] = ',';
					if (row == 4 && i == col) {
						memcpy(text + len, odd[o].s,
						       odd[o].n);
						len += odd[o].n;
					} else {
						text[len++] = (char)('1' + i);
					}
				}
				text[len++] = row % 3 ? '\n' : '\r';
			}
			make_plan(&plan, &rc, &mc, 3, 1, 2);
			rc.batch_values = true;
			for (int skip = 0; skip < 2; skip++) {
				rc.skip_invalid = skip;
				for (size_t b = 1; b <= 3; b++) {
					rc.batch_size = b;
					for (uint64_t a = 0; a < b; a++)
						convert_both(&plan, text, len,
							     a);
				}
			}
			read_rows_plan_free(&plan);
		}
	}
	free(text);
}

/* Keys for -g: of 0 to 12 bytes (a word's 8 and more), a few alike but
 * for their length or last byte; now and then one with a NUL, which
 * neither path takes. */
static size_t
random_key(char *out, size_t nkeys)
{
	static const char *const keys[] = {"",
					   "a",
					   "ab",
					   "abc",
					   "abcdefg",
					   "abcdefgh",
					   "abcdefgi",
					   "abcdefghi",
					   "abcdefghij",
					   "x1",
					   "x2",
					   "x3",
					   "9",
					   "long key 12",
					   "b",
					   "ba",
					   "k0",
					   "k00",
					   "\xc3\xa9t\xc3\xa9",
					   "z"};
	size_t n = sizeof keys / sizeof *keys;
	const char *k = keys[rng_below((unsigned)(nkeys < n ? nkeys : n))];

	if (rng_below(2000) == 0) {
		memcpy(out, "n\0l", 3);
		return 3;
	}
	return (size_t)sprintf(out, "%s", k);
}

/* Rows of a true value, a prediction, a weight and two key fields, keys
 * from the first NKEYS. */
static size_t
random_group_rows(char *text, size_t max, size_t nkeys, bool messy)
{
	size_t len = 0;

	while (len + 200 < max && rng_below(300) != 0) {
		for (size_t i = 0; i < 5; i++) {
			if (i > 0)
				text[len++] = ',';
			len += i < 3 ? random_field(text + len, i == 2, messy)
				     : random_key(text + len, nkeys);
		}
		text[len++] = rng_below(20) == 0 ? '\r' : '\n';
	}
	return len;
}

/* The groups' rows of the fused block F against G, the same text
 * converted by the general path: for each key, in the order it first
 * comes, its rows, in order. */
static void
check_groups(const struct read_rows_plan *plan, const struct read_rows_block *f,
	     const struct read_rows_block *g)
{
	size_t ng = plan->ngcol, at = 0;
	bool *seen = calloc(g->nrows + 1, sizeof *seen);
	bool weighted = plan->wcol != READ_ROWS_NONE;

	/* Rows not seen yet (0) each start a group: the next in F. */
	for (size_t i = 0, j = 0; i < g->nrows; i++) {
		if (seen[i])
			continue;
		if (!CHECK(j < f->ngroups))
			break;
		for (size_t c = 0; c < ng; c++) {
			CHECK_U64(f->gfield_len[j * ng + c],
				  g->gkey_len[i * ng + c]);
			CHECK(memcmp(f->gfield[j * ng + c], g->gkey[i * ng + c],
				     g->gkey_len[i * ng + c]) == 0);
		}
		if (ng == 1) {
			uint64_t w = 0;
			size_t n = g->gkey_len[i];

			memcpy(&w, g->gkey[i], n < 8 ? n : 8);
			CHECK_U64(f->ghash[j], key_hash(g->gkey[i], n));
			CHECK_U64(f->gword[j], w);
		}
		/* Its rows: I and every later one of the same key. */
		size_t count = 0;

		for (size_t r = i; r < g->nrows; r++) {
			bool same = true;

			for (size_t c = 0; c < ng && same; c++)
				same = g->gkey_len[r * ng + c] ==
					       g->gkey_len[i * ng + c] &&
				       memcmp(g->gkey[r * ng + c],
					      g->gkey[i * ng + c],
					      g->gkey_len[i * ng + c]) == 0;
			if (!same)
				continue;
			seen[r] = 1;
			if (!CHECK(at < f->ngrows))
				break;
			check_xdd((struct xdd){f->grows[at],
					       f->nrare > 0 ? f->gsexp[at] : 0},
				  g->rows[r].sq);
			if (weighted)
				check_xdd((struct xdd){f->gweight[at],
						       f->nrare > 0
							       ? f->gwexp[at]
							       : 0},
					  g->rows[r].weight);
			else
				check_xdd(METRIC_UNIT_WEIGHT,
					  g->rows[r].weight);
			at++;
			count++;
		}
		CHECK_U64(f->gcount[j], count);
		j++;
		if (i + 1 == g->nrows || j == f->ngroups)
			CHECK_U64(f->ngroups, j);
	}
	if (g->nrows == 0)
		CHECK_U64(f->ngroups, 0);
	CHECK_U64(at, g->nrows);
	free(seen);
}

/* F, a fused block of G's text, scanned and read by the AVX2 build
 * (BUILD 1) or the portable one, against G read by the general path: the
 * same rows, and where neither failed, the same groups. */
static void
fused_against(const struct read_rows_plan *plan, struct read_rows_block *f,
	      const struct read_rows_block *g, int build)
{
	read_rows_block_scan(plan, f);
	(build ? read_fused_convert_avx2 : read_fused_convert_portable)(plan,
									f);
	check_block(plan, f, g);
	if (!g->failed && !f->failed)
		check_groups(plan, f, g);
}

/* -g: blocks of rows with keys of one field, or two, from a few keys or
 * many (a block's groups many, a key first met anywhere in it), with and
 * without weights, the loop's rows by group against the general path's;
 * and all the rows, as ever, against it (check_block). */
static void
test_grouped(void)
{
	static const char *const gcols[] = {"4", "5", "4,5", "5,4"};
	char *text = malloc(TEXT_MAX);

	rng_state = 3;
	for (int round = 0; round < 600; round++) {
		struct read_config rc = {0};
		struct metric_config mc;
		struct read_rows_plan plan;
		size_t len = random_group_rows(
			text, TEXT_MAX, 1 + rng_below(20), round % 4 == 0);
		bool weighted = round % 2;

		make_plan(&plan, &rc, &mc, 5, 1, weighted ? 2 : READ_ROWS_NONE);
		read_rows_plan_free(&plan);
		rc.group_cols = gcols[round % 4];
		rc.skip_invalid = round % 3 == 0;
		rc.batch_values = true;
		make_plan_again(&plan, &rc, &mc, 5);
		for (size_t b = 1; b <= 32; b = 4 * b + 1) {
			struct read_rows_block g = {.text = text, .len = len};

			rc.batch_size = b;
			read_rows_block_convert(&plan, &g);
			for (int build = 0; build < 2; build++) {
				struct read_rows_block f = {.text = text,
							    .len = len,
							    .fused = true,
							    .first_row = b / 2};

				if (build == 1 && !read_scan_has_avx2())
					break;
				fused_against(&plan, &f, &g, build);
				f.text = NULL;
				read_rows_block_free(&f);
			}
			g.text = NULL;
			read_rows_block_free(&g);
		}
		read_rows_plan_free(&plan);
	}
	free(text);
}

/* A key of the carried test: key K of a pool where some keys are 8 bytes
 * long, some 9, one empty; the rest short. */
static size_t
pool_key(char *out, unsigned k)
{
	if (k == 0)
		return 0;
	if (k % 7 == 0)
		return (size_t)sprintf(out, "w%07u", k % 10000000); /* 8 */
	if (k % 11 == 0)
		return (size_t)sprintf(out, "n%08u", k % 100000000); /* 9 */
	return (size_t)sprintf(out, "k%u", k);
}

/* Rows of a true value, a prediction and a key from keys FROM to FROM +
 * SPAN - 1 of the pool, in TEXT (of at most MAX bytes), NROWS of them. */
static size_t
pool_rows(char *text, size_t max, unsigned from, unsigned span, size_t nrows)
{
	size_t len = 0;

	for (size_t r = 0; r < nrows && len + 64 < max; r++) {
		len += random_field(text + len, false, false);
		text[len++] = ',';
		len += random_field(text + len, false, false);
		text[len++] = ',';
		len += pool_key(text + len, from + rng_below(span));
		text[len++] = '\n';
	}
	return len;
}

/* -g: the table of keys of at most 8 bytes stays from one block to the
 * next of the same slot of the ring (read_fused.c, WTAB).  The same
 * struct converts block after block: keys that come back after blocks
 * without them, keys new in a block among old ones, a block of so many
 * keys that the table grows while it is read, and one of more keys than
 * the table keeps, after which it starts again empty; each block's
 * groups against the general path's (check_groups). */
static void
test_grouped_carried(void)
{
	/* Each block: the first key of its range, how many keys, rows.  The
	 * keys of the first block come back only after the table has
	 * started again. */
	static const struct {
		unsigned from, span;
		size_t rows;
	} blocks[] = {
		{20000, 10, 100},   {0, 40, 500},     {20, 40, 300},
		{0, 10, 50},	    {100, 5, 20},     {0, 40, 500},
		{0, 3000, 12000},   {0, 40, 400},     {2900, 200, 900},
		{50, 9000, 40000},  {20000, 10, 100}, {0, 40, 400},
		{8000, 2000, 9000}, {0, 1, 3},	      {0, 40, 500},
		{1, 1, 1},
	};
	size_t max = 1 << 21;
	char *text = malloc(max);
	struct read_config rc = {0};
	struct metric_config mc;
	struct read_rows_plan plan;

	rng_state = 5;
	make_plan(&plan, &rc, &mc, 3, 1, READ_ROWS_NONE);
	read_rows_plan_free(&plan);
	rc.group_cols = "3";
	rc.batch_size = 32;
	rc.batch_values = true;
	make_plan_again(&plan, &rc, &mc, 3);
	for (int build = 0; build < 2; build++) {
		struct read_rows_block f = {0};

		if (build == 1 && !read_scan_has_avx2())
			break;
		for (size_t r = 0; r < sizeof blocks / sizeof *blocks; r++) {
			size_t len = pool_rows(text, max, blocks[r].from,
					       blocks[r].span, blocks[r].rows);
			struct read_rows_block g = {.text = text, .len = len};

			read_rows_block_convert(&plan, &g);
			f.text = text;
			f.len = len;
			f.fused = true;
			f.first_row = 0;
			fused_against(&plan, &f, &g, build);
			CHECK(!g.failed && !f.failed);
			g.text = NULL;
			read_rows_block_free(&g);
		}
		f.text = NULL;
		read_rows_block_free(&f);
	}
	read_rows_plan_free(&plan);
	free(text);
}

int
main(void)
{
	printf("test_fused: FMA build %s\n",
	       read_scan_has_avx2() ? "tested" : "not run (no AVX2 here)");
	test_convert();
	test_adversarial();
	test_grouped();
	test_grouped_carried();
	return check_finish("test_fused");
}
