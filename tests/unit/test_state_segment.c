/* test_state_segment: pieces of an epoch, summarized one by one and joined in
 * order, give the means of batch values that one pass over all the rows
 * gives, whatever the batch size and wherever the cuts fall.  The one pass
 * is written out here plainly: batches of B rows in order, the last one
 * short. */
#include "metric.h"
#include "state_segment.h"

#include <stdlib.h>

#include "check.h"

static double
rng_value(void)
{
	double u = (double)(rng() >> 11) * 0x1p-53 - 0.5;

	return u * (double)(1u << rng_below(12));
}

/* Rows of PAIRS pairs; a weight of 0 now and then, so that some batches
 * have no RMSE. */
static void
make_rows(const struct metric_config *cfg, struct metric_row *rows, size_t n,
	  bool zeros)
{
	double t[3], p[3];

	for (size_t i = 0; i < n; i++) {
		double w = zeros && rng_below(5) == 0
				   ? 0.0
				   : 0.25 * (double)(1 + rng_below(8));

		for (size_t j = 0; j < cfg->pairs; j++) {
			t[j] = rng_value();
			p[j] = t[j] + rng_value();
		}
		metric_row_set(cfg, &rows[i], NULL, t, p, w);
	}
}

/* One pass: the batches in order. */
static void
one_pass(const struct metric_config *cfg, const struct metric_row *rows,
	 size_t n, size_t size, double *rmse, double *row_loss)
{
	struct metric_mean mr, ml;

	metric_mean_init(&mr);
	metric_mean_init(&ml);
	for (size_t i = 0; i < n; i += size) {
		size_t k = n - i < size ? n - i : size;
		struct metric_sums s;
		struct xdd r, l;

		metric_sums_init(&s, cfg);
		metric_sums_add(cfg, &s, rows + i, NULL, k);
		metric_batch_values(cfg, &s, &r, &l);
		metric_mean_add(&mr, r, k);
		metric_mean_add(&ml, l, k);
		metric_sums_free(&s);
	}
	*rmse = metric_mean_value(&mr);
	*row_loss = metric_mean_value(&ml);
}

/* The same rows cut at random into pieces, each summarized by a builder,
 * joined in order. */
static void
pieces(const struct state_segment_config *sc, const struct metric_row *rows,
       size_t n, size_t cuts, double *rmse, double *row_loss, uint64_t *count)
{
	struct state_segment_builder b;
	struct state_segment whole, piece;
	struct metric_sums sums;
	struct metric_mean mr, ml;
	size_t at = 0;

	CHECK(state_segment_builder_init(&b, sc) == 0);
	metric_sums_init(&sums, &sc->sums);
	for (size_t c = 0; c <= cuts && at < n; c++) {
		size_t k = c == cuts ? n - at : 1 + rng_below(n - at);

		/* Some pieces fed a row at a time, some in one go. */
		state_segment_builder_reset(&b);
		metric_sums_clear(&sums);
		if (rng_below(2)) {
			state_segment_builder_add(&b, rows + at, k);
		} else {
			for (size_t i = 0; i < k; i++)
				state_segment_builder_add(&b, rows + at + i, 1);
		}
		metric_sums_add(&sc->sums, &sums, rows + at, NULL, k);
		CHECK(state_segment_builder_take(&b, at == 0 ? &whole : &piece,
						 &sums) == 0);
		if (at != 0) {
			CHECK(state_segment_append(sc, &whole, &piece) == 0);
			state_segment_free(&piece);
		}
		at += k;
	}
	CHECK(state_segment_means(sc, &whole, &mr, &ml) == 0);
	*rmse = metric_mean_value(&mr);
	*row_loss = metric_mean_value(&ml);
	*count = whole.rows;
	state_segment_free(&whole);
	metric_sums_free(&sums);
	state_segment_builder_free(&b);
}

/* Joining is associative: ((a b) c) and (a (b c)) keep the same rows. */
static void
grouping(const struct state_segment_config *sc, const struct metric_row *rows,
	 size_t n, double want_rmse)
{
	struct state_segment_builder b;
	struct state_segment seg[3];
	struct metric_sums sums;
	struct metric_mean mr, ml;
	size_t cut1 = rng_below(n + 1), cut2 = cut1 + rng_below(n - cut1 + 1);
	size_t from[4] = {0, cut1, cut2, n};

	if (cut1 == 0 || cut2 == cut1 || cut2 == n)
		return;
	CHECK(state_segment_builder_init(&b, sc) == 0);
	metric_sums_init(&sums, &sc->sums);
	for (int i = 0; i < 3; i++) {
		state_segment_builder_reset(&b);
		metric_sums_clear(&sums);
		state_segment_builder_add(&b, rows + from[i],
					  from[i + 1] - from[i]);
		metric_sums_add(&sc->sums, &sums, rows + from[i], NULL,
				from[i + 1] - from[i]);
		CHECK(state_segment_builder_take(&b, &seg[i], &sums) == 0);
	}
	CHECK(state_segment_append(sc, &seg[1], &seg[2]) == 0);
	CHECK(state_segment_append(sc, &seg[0], &seg[1]) == 0);
	CHECK(state_segment_means(sc, &seg[0], &mr, &ml) == 0);
	CHECK_DOUBLE(metric_mean_value(&mr), want_rmse);
	CHECK_U64(seg[0].rows, n);
	for (int i = 0; i < 3; i++)
		state_segment_free(&seg[i]);
	metric_sums_free(&sums);
	state_segment_builder_free(&b);
}

static void
random_cases(void)
{
	enum { MAX_ROWS = 400 };
	static struct metric_row rows[MAX_ROWS];

	for (int round = 0; round < 3000; round++) {
		struct metric_config cfg = {.pairs = 1 + rng_below(3),
					    .row_loss = true};
		struct state_segment_config sc;
		size_t size = 1 + rng_below(round % 3 == 0 ? 40 : 9);
		size_t n = 1 + rng_below(round % 2 ? MAX_ROWS : 3 * size);
		double want_r, want_l, got_r, got_l;
		uint64_t count;

		state_segment_config_make(&sc, &cfg, size, true);
		make_rows(&cfg, rows, n, round % 4 == 0);
		one_pass(&cfg, rows, n, size, &want_r, &want_l);
		pieces(&sc, rows, n, rng_below(12), &got_r, &got_l, &count);
		CHECK_DOUBLE(got_r, want_r);
		CHECK_DOUBLE(got_l, want_l);
		CHECK_U64(count, n);
		grouping(&sc, rows, n, want_r);
	}
}

/* Without batch values a segment is its sums. */
static void
without_batches(void)
{
	struct metric_config cfg = {.pairs = 1};
	struct state_segment_config sc;
	struct state_segment_builder b;
	struct state_segment x, y;
	struct metric_row rows[10];
	struct metric_sums sums;

	state_segment_config_make(&sc, &cfg, 4, false);
	make_rows(&cfg, rows, 10, false);
	CHECK(state_segment_builder_init(&b, &sc) == 0);
	metric_sums_init(&sums, &cfg);
	state_segment_builder_add(&b, rows, 6);
	metric_sums_add(&cfg, &sums, rows, NULL, 6);
	CHECK(state_segment_builder_take(&b, &x, &sums) == 0);
	state_segment_builder_reset(&b);
	metric_sums_clear(&sums);
	state_segment_builder_add(&b, rows + 6, 4);
	metric_sums_add(&cfg, &sums, rows + 6, NULL, 4);
	CHECK(state_segment_builder_take(&b, &y, &sums) == 0);
	CHECK(state_segment_append(&sc, &x, &y) == 0);
	CHECK_U64(x.rows, 10);
	CHECK_U64(x.sums.rows, 10);
	CHECK(x.known == NULL);
	state_segment_free(&x);
	state_segment_free(&y);
	metric_sums_free(&sums);
	state_segment_builder_free(&b);
}

int
main(void)
{
	rng_state = 0x9e3779b97f4a7c15u;
	random_cases();
	without_batches();
	return check_finish("test_state_segment");
}
