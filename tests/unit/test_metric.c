/* test_metric: the RMSE arithmetic alone.  Expected values are derived by
 * hand or with integer arithmetic, and chosen so that the obvious double
 * arithmetic gets them wrong: a test that plain summation would also pass
 * says nothing about the double-double sums SPEC.md asks for. */
#include "metric.h"
#include "number.h"

#include <float.h>
#include <stdlib.h>

#include "check.h"

/* Uniform in [0, 1), all 53 bits random. */
static double
rng_unit(void)
{
	return (double)(rng() >> 11) * 0x1p-53;
}

/* The sums of RMSE alone, for PAIRS pairs: what the program keeps by
 * default. */
static struct metric_config
config(size_t pairs)
{
	return (struct metric_config){.pairs = pairs};
}

static void
sums_init(struct metric_sums *s)
{
	struct metric_config cfg = config(1);

	metric_sums_init(s, &cfg);
}

static double
rmse_of(const struct metric_sums *s, size_t pairs)
{
	struct metric_config cfg = config(pairs);
	struct metric_values v = {0};

	metric_values(&cfg, s, &v);
	return v.rmse;
}

static void
merge(struct metric_sums *into, const struct metric_sums *from)
{
	struct metric_config cfg = config(1);

	metric_sums_merge(&cfg, into, from);
}

/* Adds a batch's RMSE to a mean, weighted by its rows. */
static void
mean_add(struct metric_mean *m, const struct metric_sums *batch, size_t pairs)
{
	struct metric_config cfg = config(pairs);
	struct xdd rmse, row_loss;

	metric_batch_values(&cfg, batch, &rmse, &row_loss);
	metric_mean_add(m, rmse, batch->rows);
}

/* Adds one row of PAIRS pairs with weight W, as the program does. */
static void
add_row(struct metric_sums *s, const double *t, const double *p, size_t pairs,
	double w)
{
	struct metric_config cfg = config(pairs);
	struct metric_row row;

	metric_row_set(&cfg, &row, NULL, t, p, w);
	metric_sums_add(&cfg, s, &row, NULL, 1);
}

/* Adds one row of one pair with error P - T. */
static void
add1(struct metric_sums *s, double t, double p, double w)
{
	add_row(s, &t, &p, 1, w);
}

/* Sums of N rows, each of error D and weight W, built from one row by
 * merging a state into itself (doubling) and into an accumulator, bit by
 * bit of N: counts far beyond what adding rows one by one could reach. */
static struct metric_sums
sums_of_many(uint64_t n, double d, double w)
{
	struct metric_sums acc, unit;

	sums_init(&acc);
	sums_init(&unit);
	add1(&unit, 0.0, d, w);
	for (;;) {
		struct metric_sums copy;

		if (n & 1)
			merge(&acc, &unit);
		n >>= 1;
		if (n == 0)
			break;
		copy = unit;
		merge(&unit, &copy);
	}
	return acc;
}

static void
test_hand_cases(void)
{
	struct metric_sums s;

	/* Nothing added: no weight, so no RMSE. */
	sums_init(&s);
	CHECK_U64(s.rows, 0);
	CHECK_DOUBLE(rmse_of(&s, 1), NAN);

	/* Errors 1 and -7: sqrt((1 + 49) / 2) = 5 exactly. */
	sums_init(&s);
	add1(&s, 0.0, 1.0, 1.0);
	add1(&s, 10.0, 3.0, 1.0);
	CHECK_U64(s.rows, 2);
	CHECK_DOUBLE(rmse_of(&s, 1), 5.0);

	/* Negative and fractional values: error 4 exactly. */
	sums_init(&s);
	add1(&s, -1.5, 2.5, 1.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 4.0);

	/* No error at all is 0, not NaN and not -0. */
	sums_init(&s);
	add1(&s, 3.0, 3.0, 1.0);
	add1(&s, -0.0, 0.0, 2.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 0.0);

	/* Weight 3 on error 1, weight 1 on error 5: sqrt((3 + 25) / 4) =
	 * sqrt(7), and sqrt(7.0) is correctly rounded (IEEE 754). */
	sums_init(&s);
	add1(&s, 0.0, 1.0, 3.0);
	add1(&s, 0.0, 5.0, 1.0);
	CHECK_DOUBLE(rmse_of(&s, 1), sqrt(7.0));
	CHECK_DOUBLE(s.weight.v.hi + s.weight.v.lo, 4.0);

	/* Weights that are not whole: 0.5 and 1.5 on error 2 give 2. */
	sums_init(&s);
	add1(&s, 1.0, 3.0, 0.5);
	add1(&s, 1.0, -1.0, 1.5);
	CHECK_DOUBLE(rmse_of(&s, 1), 2.0);

	/* A weight-0 row counts as a row but not in the RMSE. */
	sums_init(&s);
	add1(&s, 0.0, 100.0, 0.0);
	add1(&s, 0.0, 3.0, 1.0);
	CHECK_U64(s.rows, 2);
	CHECK_DOUBLE(rmse_of(&s, 1), 3.0);

	/* Zero total weight: undefined, NaN, never 0 (SPEC.md). */
	sums_init(&s);
	add1(&s, 0.0, 1.0, 0.0);
	add1(&s, 0.0, 2.0, 0.0);
	CHECK_U64(s.rows, 2);
	CHECK_DOUBLE(rmse_of(&s, 1), NAN);
}

/* D pairs a row pool into one RMSE with denominator D * sum(w). */
static void
test_pairs(void)
{
	struct metric_sums s;

	/* One row, errors 1 and 7: sqrt(50 / 2) = 5. */
	{
		const double t[2] = {0.0, 0.0}, p[2] = {1.0, 7.0};

		sums_init(&s);
		add_row(&s, t, p, 2, 1.0);
		CHECK_U64(s.rows, 1);
		CHECK_DOUBLE(rmse_of(&s, 2), 5.0);
	}

	/* Weight 3 on errors (1, 2, 2), weight 1 on (0, 0, 3): sums 3 * 9 +
	 * 9 = 36 over 3 * 4 = 12, so sqrt(3).  Dividing by the weight alone
	 * would give 3, by D times the rows sqrt(6). */
	{
		const double t1[3] = {1.0, 1.0, -1.0}, p1[3] = {2.0, 3.0, 1.0};
		const double t2[3] = {5.0, 0.0, 0.0}, p2[3] = {5.0, 0.0, -3.0};

		sums_init(&s);
		add_row(&s, t1, p1, 3, 3.0);
		add_row(&s, t2, p2, 3, 1.0);
		CHECK_U64(s.rows, 2);
		CHECK_DOUBLE(rmse_of(&s, 3), sqrt(3.0));
	}

	/* The same pool as single-pair rows, one pair per row and the
	 * weights repeated, gives the same RMSE. */
	{
		struct metric_sums r;
		const double e1[3] = {1.0, 2.0, 2.0}, e2[3] = {0.0, 0.0, 3.0};

		sums_init(&r);
		for (int j = 0; j < 3; j++) {
			add1(&r, 0.0, e1[j], 3.0);
			add1(&r, 0.0, e2[j], 1.0);
		}
		CHECK_DOUBLE(rmse_of(&r, 1), rmse_of(&s, 3));
	}
}

static void
test_mean(void)
{
	struct metric_mean m;
	struct metric_sums a, b, c, z;

	metric_mean_init(&m);
	CHECK_U64(m.rows, 0);
	CHECK_DOUBLE(metric_mean_value(&m), NAN);

	/* Batch a: 2 rows, RMSE 5; batch b: 1 row, RMSE 2. */
	sums_init(&a);
	add1(&a, 0.0, 1.0, 1.0);
	add1(&a, 0.0, 7.0, 1.0);
	sums_init(&b);
	add1(&b, 0.0, 2.0, 1.0);

	/* One batch: its own RMSE. */
	mean_add(&m, &a, 1);
	CHECK_DOUBLE(metric_mean_value(&m), 5.0);

	/* (2 * 5 + 1 * 2) / 3 = 4. */
	mean_add(&m, &b, 1);
	CHECK_U64(m.rows, 3);
	CHECK_DOUBLE(metric_mean_value(&m), 4.0);

	/* Weighted by rows, not by weight: batch c is one row of weight
	 * 100 and RMSE 3, so a then c is (2 * 5 + 3) / 3 = 13 / 3, and the
	 * double quotient 13.0 / 3.0 is correctly rounded. */
	sums_init(&c);
	add1(&c, 0.0, 3.0, 100.0);
	metric_mean_init(&m);
	mean_add(&m, &a, 1);
	mean_add(&m, &c, 1);
	CHECK_DOUBLE(metric_mean_value(&m), 13.0 / 3.0);

	/* A batch whose RMSE is NaN (zero weight) makes the mean NaN, and
	 * later good batches do not hide it (metric.h). */
	sums_init(&z);
	add1(&z, 0.0, 1.0, 0.0);
	mean_add(&m, &z, 1);
	CHECK_DOUBLE(metric_mean_value(&m), NAN);
	mean_add(&m, &a, 1);
	CHECK_DOUBLE(metric_mean_value(&m), NAN);
	CHECK_U64(m.rows, 6);
}

/* Ties and values near them (metric.c, round_tie_even), derived by hand. */
static void
test_ties(void)
{
	struct metric_config cfg = config(1);
	struct metric_values v = {0};
	struct metric_sums s;

	/* 436.00000000000006 - 51.78 is 13518539443971033 * 2^-45, halfway
	 * between 384.22000000000003 (even last bit) and the next double:
	 * the RMSE of that one row, with any weight, is that tie, and rounds
	 * to even.  Weight 2.25 put the sums a hair above it. */
	sums_init(&s);
	add1(&s, -51.78, -436.00000000000006, 2.25);
	CHECK_DOUBLE(rmse_of(&s, 1), 6759269721985516 * 0x1p-44);
	sums_init(&s);
	add1(&s, 0.0083, -0.004747, 3.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 0.013047);

	/* Not a tie: 2.4 - 4.9 = -(2.5 + 2^-51) exactly, whose square
	 * 6.25 + 5 * 2^-51 + 2^-102 is 2^-102 above the halfway point
	 * 6.25 + 2.5 * 2^-50 (doubles there are 2^-50 apart): a relative
	 * 2^-104.6, beyond 2^-105, so it rounds up, to 6.25 + 3 * 2^-50. */
	sums_init(&s);
	add1(&s, 4.9, 2.4, 2.25);
	metric_values(&cfg, &s, &v);
	CHECK_DOUBLE(v.mse, 6.25 + 3 * 0x1p-50);
}

/* Keras's float32 Mean (the progress bar's loss tracker), by hand. */
static void
test_mean32(void)
{
	struct metric_mean32 m;

	metric_mean32_init(&m);
	CHECK_DOUBLE(metric_mean32_value(&m), NAN);

	/* Batches of 2, 2, 1 rows with values 1.5, 3.5, 0.5: total 10.5 and
	 * count 5, both exact, and the float32 quotient of 2.1,
	 * 8808038 * 2^-22, where a float64 mean gives 2.1. */
	metric_mean32_add(&m, 1.5f, 2);
	metric_mean32_add(&m, 3.5f, 2);
	metric_mean32_add(&m, 0.5f, 1);
	CHECK_DOUBLE(metric_mean32_value(&m), 8808038 * 0x1p-22);

	/* Counts above 2^24 round, as Keras's float32 count does: after a
	 * batch of 2^24 rows of value 1 and one row of value 3, the count
	 * 2^24 + 1 rounds (a tie, to even) to 2^24, and the total 2^24 + 3
	 * to 2^24 + 4; their quotient is 1 + 2^-22, where the exact mean is
	 * (2^24 + 3) / (2^24 + 1), about 1 + 2^-23. */
	metric_mean32_init(&m);
	metric_mean32_add(&m, 1.0f, UINT64_C(1) << 24);
	metric_mean32_add(&m, 3.0f, 1);
	CHECK_DOUBLE(m.count, 0x1p24);
	CHECK_DOUBLE(m.total, 0x1p24 + 4);
	CHECK_DOUBLE(metric_mean32_value(&m), 1 + 0x1p-22);

	/* A value too small to move the total: 1 then 1e-8 averages to
	 * 1 / 2 in float32 (tests/cases/dtype-float32-mean-tracker). */
	metric_mean32_init(&m);
	metric_mean32_add(&m, 1.0f, 1);
	metric_mean32_add(&m, 1e-8f, 1);
	CHECK_DOUBLE(metric_mean32_value(&m), 0.5);

	/* A NaN batch value (no weight) makes the mean NaN from then on. */
	metric_mean32_add(&m, NAN, 3);
	metric_mean32_add(&m, 1.0f, 1);
	CHECK_DOUBLE(metric_mean32_value(&m), NAN);
}

/* The naive RMSE of rows of one pair: each error and square rounded to
 * double, summed left to right.  Only used to show that a case tells
 * exact arithmetic from naive arithmetic. */
static double
naive_rmse(const double *t, const double *p, const double *w, size_t n)
{
	double sq = 0.0, ws = 0.0;

	for (size_t i = 0; i < n; i++) {
		double d = p[i] - t[i];

		sq += w[i] * (d * d);
		ws += w[i];
	}
	return sqrt(sq / ws);
}

/* Errors that are not doubles: p - t must enter the sums exactly. */
static void
test_exact_error(void)
{
	struct metric_sums s;

	/* p = 1e16 + 2, t = 1: p - t = 1e16 + 1 is not a double (it rounds
	 * to 1e16).  With weight 353^2 - 1 = 124608 on a zero error the
	 * RMSE is (1e16 + 1) / 353 = 28328611898017 exactly; from the
	 * rounded error it would be 28328611898016.997... */
	{
		const double t[2] = {1.0, 0.0}, p[2] = {1e16 + 2.0, 0.0};
		const double w[2] = {1.0, 124608.0};

		CHECK(naive_rmse(t, p, w, 2) != 28328611898017.0);
		sums_init(&s);
		add1(&s, t[0], p[0], w[0]);
		add1(&s, t[1], p[1], w[1]);
		CHECK_DOUBLE(rmse_of(&s, 1), 28328611898017.0);

		/* The same with 124608 rows of weight 1, in either order,
		 * and with the sign of the error turned. */
		sums_init(&s);
		for (int i = 0; i < 124608; i++)
			add1(&s, 0.0, 0.0, 1.0);
		add1(&s, p[0], t[0], 1.0);
		CHECK_U64(s.rows, 124609);
		CHECK_DOUBLE(rmse_of(&s, 1), 28328611898017.0);
	}

	/* Pairs pool too: one row of the error above and a zero error,
	 * denominator 2 * (1 + 62303.5) = 124609. */
	{
		const double t[2] = {1.0, 0.0}, p[2] = {1e16 + 2.0, 0.0};
		const double zt[2] = {0.0, 0.0};

		sums_init(&s);
		add_row(&s, t, p, 2, 1.0);
		add_row(&s, zt, zt, 2, 62303.5);
		CHECK_DOUBLE(rmse_of(&s, 2), 28328611898017.0);
	}

	/* p = 2^53 + 2, t = 1: error 2^53 + 1, a multiple of 3.  With
	 * weight 8 on a zero error the RMSE is (2^53 + 1) / 3 =
	 * 3002399751580331 exactly; naively 2^53 / 3, rounded to
	 * 3002399751580330.5. */
	{
		const double t[2] = {1.0, 5.0}, p[2] = {0x1p53 + 2.0, 5.0};
		const double w[2] = {1.0, 8.0};

		CHECK(naive_rmse(t, p, w, 2) != 3002399751580331.0);
		sums_init(&s);
		add1(&s, t[0], p[0], w[0]);
		add1(&s, t[1], p[1], w[1]);
		CHECK_DOUBLE(rmse_of(&s, 1), 3002399751580331.0);
	}
}

/* 2^20 (over 10^6) tiny squared errors next to one huge one: each tiny one
 * is below half a unit in the last place of the huge one, so plain
 * summation drops every one of them. */
static void
test_tiny_next_to_huge(void)
{
	/* Huge error 2^27 (square 2^54, unit in the last place 4), 2^20
	 * errors of 1, and 2^20 - 1 zero errors: 2^21 rows, sum of squares
	 * 2^54 + 2^20, mean 2^33 + 0.5, a double, so the correctly rounded
	 * RMSE is sqrt(2^33 + 0.5).  Plain summation gets sqrt(2^33). */
	for (int where = 0; where < 3; where++) {
		struct metric_sums s;
		double plain = 0.0;
		long tiny = 1L << 20, zero = (1L << 20) - 1;
		/* The huge one first, after half of the tiny ones, or last. */
		long huge_at = where == 0 ? 0 : where == 1 ? tiny / 2 : tiny;

		sums_init(&s);
		for (long i = 0; i < tiny + 1; i++) {
			if (i == huge_at) {
				add1(&s, -0x1p26, 0x1p26, 1.0);
				plain += 0x1p54;
			} else {
				add1(&s, 0.5, 1.5, 1.0);
				plain += 1.0;
			}
		}
		for (long i = 0; i < zero; i++)
			add1(&s, 1.0, 1.0, 1.0);
		CHECK_U64(s.rows, 1u << 21);
		if (where == 0)
			CHECK(sqrt(plain / 0x1p21) != sqrt(0x1p33 + 0.5));
		CHECK_DOUBLE(rmse_of(&s, 1), sqrt(0x1p33 + 0.5));
	}

	/* 10^6 errors of 1 after one of 2^27, and 48575 zero errors: 2^20
	 * rows, sum 2^54 + 10^6 (a double, as 10^6 is a multiple of 4), mean
	 * 2^34 + 10^6 / 2^20 (a double too). */
	{
		struct metric_sums s;

		sums_init(&s);
		add1(&s, 0.0, 0x1p27, 1.0);
		for (long i = 0; i < 1000000; i++)
			add1(&s, 0.0, -1.0, 1.0);
		for (long i = 0; i < 48575; i++)
			add1(&s, 0.0, 0.0, 1.0);
		CHECK_U64(s.rows, 1u << 20);
		CHECK_DOUBLE(rmse_of(&s, 1), sqrt(0x1p34 + 1000000.0 / 0x1p20));
	}

	/* Tiny weights next to a huge one: weight 2^60 on error 1, then
	 * 2^16 rows of weight 1 and error 0: mean 2^60 / (2^60 + 2^16) =
	 * 1 / (1 + 2^-44), whose square root is 1 - 2^-45 + 3 * 2^-91...,
	 * correctly rounded 1 - 2^-45.  Dropping the small weights gives 1. */
	{
		struct metric_sums s;

		sums_init(&s);
		add1(&s, 0.0, 1.0, 0x1p60);
		for (long i = 0; i < 1L << 16; i++)
			add1(&s, 0.0, 0.0, 1.0);
		CHECK_DOUBLE(s.weight.v.hi + s.weight.v.lo, 0x1p60 + 0x1p16);
		CHECK_DOUBLE(rmse_of(&s, 1), 1.0 - 0x1p-45);
	}
}

/* RMSE of one row of one pair is |p - t|, a double, whatever its size, as
 * long as the square does not overflow (SPEC.md: "within one unit in the
 * last place ... for any input whose sums do not overflow"). */
static void
test_single_row_scale(void)
{
	static const double errors[] = {
		1e-150, 3e-155,	   1e-160, 1e-170, 1e-200,
		1e-300, 0x1p-1074, 1e150,  1e154,  1.3e154,
	};

	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		struct metric_sums s;

		sums_init(&s);
		add1(&s, 0.0, errors[i], 1.0);
		check_double_at(__FILE__, __LINE__, rmse_of(&s, 1), errors[i],
				"metric_rmse of one tiny or huge error");
	}

	/* Random values and weights, where p - t is a double (TwoSum says
	 * so), kept to where even the low half of w * (p - t)^2 is a normal
	 * number: the cases above already cover the edges. */
	for (int k = 0; k < 100000; k++) {
		struct metric_sums s;
		int scale = (int)rng_below(601) - 300;
		double t = ldexp(rng_unit() - 0.5, scale);
		double p =
			ldexp(rng_unit() - 0.5, scale + (int)rng_below(9) - 4);
		double w = k % 2 ? 1.0
				 : ldexp(1.0 + rng_unit(),
					 (int)rng_below(41) - 20);
		double d = p - t, bb = d - p;

		if ((p - (d - bb)) + (-t - bb) != 0.0)
			continue;
		sums_init(&s);
		add1(&s, t, p, w);
		check_double_at(__FILE__, __LINE__, rmse_of(&s, 1), fabs(d),
				"metric_rmse of one row");
	}
}

struct row {
	double t[3], p[3], w;
};

static void
random_rows(struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; j < 3; j++) {
			int scale = (int)rng_below(41) - 20;

			rows[i].t[j] = ldexp(rng_unit() - 0.5, scale);
			rows[i].p[j] = rows[i].t[j] +
				       ldexp(rng_unit() - 0.5,
					     scale - (int)rng_below(30));
		}
		rows[i].w = rng_below(2) ? 1.0 : 4.0 * rng_unit();
	}
}

static struct metric_sums
sums_of_rows(const struct row *rows, size_t from, size_t to)
{
	struct metric_sums s;

	sums_init(&s);
	for (size_t i = from; i < to; i++)
		add_row(&s, rows[i].t, rows[i].p, 3, rows[i].w);
	return s;
}

/* The sums of a set of rows split into pieces and merged back, in any
 * order, give the RMSE of the whole set bit for bit: the batcher merges
 * batch sums into running sums, and it must not matter how. */
static void
test_merge_orders(void)
{
	enum { N = 3000, MAXPARTS = 40 };
	static struct row rows[N];
	struct metric_sums whole, empty, parts[MAXPARTS];
	double want;

	random_rows(rows, N);
	whole = sums_of_rows(rows, 0, N);
	want = rmse_of(&whole, 3);
	CHECK(isfinite(want) && want > 0.0);

	/* Merging nothing changes nothing. */
	{
		struct metric_sums s = whole;

		sums_init(&empty);
		merge(&s, &empty);
		CHECK_U64(s.rows, N);
		CHECK_DOUBLE(rmse_of(&s, 3), want);
		s = empty;
		merge(&s, &whole);
		CHECK_DOUBLE(rmse_of(&s, 3), want);
	}

	for (int trial = 0; trial < 200; trial++) {
		size_t cut[MAXPARTS + 1], nparts = 1 + rng_below(MAXPARTS);
		size_t order[MAXPARTS];
		struct metric_sums s;

		/* Random cut points, sorted; pieces may be empty. */
		cut[0] = 0;
		cut[nparts] = N;
		for (size_t i = 1; i < nparts; i++)
			cut[i] = rng_below(N + 1);
		for (size_t i = 1; i < nparts; i++)
			for (size_t j = i; j > 1 && cut[j - 1] > cut[j]; j--) {
				size_t x = cut[j];

				cut[j] = cut[j - 1];
				cut[j - 1] = x;
			}
		for (size_t i = 0; i < nparts; i++) {
			parts[i] = sums_of_rows(rows, cut[i], cut[i + 1]);
			order[i] = i;
		}
		/* Shuffled (Fisher-Yates), merged one by one. */
		for (size_t i = nparts; i > 1; i--) {
			size_t j = rng_below((unsigned)i), x = order[i - 1];

			order[i - 1] = order[j];
			order[j] = x;
		}
		sums_init(&s);
		for (size_t i = 0; i < nparts; i++)
			merge(&s, &parts[order[i]]);
		CHECK_U64(s.rows, N);
		CHECK_DOUBLE(rmse_of(&s, 3), want);

		/* As a tree: neighbours pairwise, then pairs of pairs. */
		for (size_t width = 1; width < nparts; width *= 2)
			for (size_t i = 0; i + width < nparts; i += 2 * width)
				merge(&parts[i], &parts[i + width]);
		CHECK_U64(parts[0].rows, N);
		CHECK_DOUBLE(rmse_of(&parts[0], 3), want);
	}
}

/* Counts are 64-bit (SPEC.md: more than 2^32 rows must work). */
static void
test_big_counts(void)
{
	struct metric_sums s, t;
	struct metric_mean m;

	/* One row of error 5 merged into itself: 2^k rows, weight 2^k,
	 * RMSE 5, at every step up to 2^62. */
	sums_init(&s);
	add1(&s, 0.0, 5.0, 1.0);
	for (int k = 1; k <= 62; k++) {
		merge(&s, &s);
		if (!CHECK_U64(s.rows, (uint64_t)1 << k) ||
		    !CHECK_DOUBLE(s.weight.v.hi, ldexp(1.0, k)) ||
		    !CHECK_DOUBLE(s.weight.v.lo, 0.0) ||
		    !CHECK_DOUBLE(rmse_of(&s, 1), 5.0))
			break;
	}

	/* A weight that is not a power of two doubles exactly too. */
	sums_init(&s);
	add1(&s, 1.0, 3.0, 0.1);
	for (int k = 0; k < 40; k++)
		merge(&s, &s);
	CHECK_U64(s.rows, (uint64_t)1 << 40);
	CHECK_DOUBLE(s.weight.v.hi + s.weight.v.lo, ldexp(0.1, 40));
	CHECK_DOUBLE(rmse_of(&s, 1), 2.0);

	/* Counts with low bits set, beyond 2^53: the weight is exact in
	 * double-double (2^62 + 2^33 as hi, 3 as lo). */
	s = sums_of_many(((uint64_t)1 << 62) + ((uint64_t)1 << 33) + 3, 5.0,
			 1.0);
	CHECK_U64(s.rows, ((uint64_t)1 << 62) + ((uint64_t)1 << 33) + 3);
	CHECK_DOUBLE(s.weight.v.hi, 0x1p62 + 0x1p33);
	CHECK_DOUBLE(s.weight.v.lo, 3.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 5.0);

	s = sums_of_many(UINT64_MAX, 1.0, 1.0);
	CHECK_U64(s.rows, UINT64_MAX);
	CHECK_DOUBLE(s.weight.v.hi + s.weight.v.lo, 0x1p64);
	CHECK_DOUBLE(rmse_of(&s, 1), 1.0);

	/* 3 * 2^40 + 1 rows of error 1 and 2^40 - 1 of error 7: 2^42 rows,
	 * squares 3 * 2^40 + 1 + 49 * (2^40 - 1) = 13 * 2^42 - 48, so the
	 * mean square is 13 - 48 / 2^42 = 13 - 3 * 2^-38, a double. */
	s = sums_of_many(3 * ((uint64_t)1 << 40) + 1, 1.0, 1.0);
	t = sums_of_many(((uint64_t)1 << 40) - 1, -7.0, 1.0);
	merge(&s, &t);
	CHECK_U64(s.rows, (uint64_t)1 << 42);
	CHECK_DOUBLE(rmse_of(&s, 1), sqrt(13.0 - 3.0 * 0x1p-38));

	/* The mean over batches of 2^33 rows (RMSE 5) and 2^32 rows (RMSE
	 * 2): (5 * 2^33 + 2 * 2^32) / (3 * 2^32) = 4. */
	metric_mean_init(&m);
	s = sums_of_many((uint64_t)1 << 33, 5.0, 1.0);
	mean_add(&m, &s, 1);
	s = sums_of_many((uint64_t)1 << 32, 2.0, 1.0);
	mean_add(&m, &s, 1);
	CHECK_U64(m.rows, 3 * ((uint64_t)1 << 32));
	CHECK_DOUBLE(metric_mean_value(&m), 4.0);

	/* Row counts that are not doubles: 2^53 + 1 rows of RMSE 1, then 1
	 * row of RMSE 0.  The mean (2^53 + 1) / (2^53 + 2) is 2^-105 above
	 * 1 - 2^-53, a double; converting the counts to double first gives
	 * 2^53 / (2^53 + 2), that is 1 - 2^-52. */
	metric_mean_init(&m);
	s = sums_of_many(((uint64_t)1 << 53) + 1, 1.0, 1.0);
	mean_add(&m, &s, 1);
	sums_init(&t);
	add1(&t, 0.0, 0.0, 1.0);
	mean_add(&m, &t, 1);
	CHECK_U64(m.rows, ((uint64_t)1 << 53) + 2);
	CHECK_DOUBLE(metric_mean_value(&m), 1.0 - 0x1p-53);

	/* The largest count there is. */
	metric_mean_init(&m);
	s = sums_of_many(UINT64_MAX, 3.0, 0.25);
	mean_add(&m, &s, 1);
	CHECK_U64(m.rows, UINT64_MAX);
	CHECK_DOUBLE(metric_mean_value(&m), 3.0);
}

/* Values whose squares, sums or RMSEs leave the range of binary64: the
 * sums are scaled, so each result is still the correctly rounded one, and
 * an RMSE beyond the largest double is infinite, never NaN. */
static void
test_extremes(void)
{
	const double v = 1.7e308;
	struct metric_sums s, z;
	struct metric_mean m;

	/* Squares overflow: errors 3 * 2^700 and 4 * 2^700, mean square
	 * 12.5 * 2^1400, RMSE sqrt(12.5) * 2^700 (sqrt is correctly rounded,
	 * the scaling exact).  The same at 2^-700, where squares underflow. */
	for (int k = -700; k <= 700; k += 1400) {
		sums_init(&s);
		add1(&s, 0.0, ldexp(3.0, k), 1.0);
		add1(&s, ldexp(4.0, k), 0.0, 1.0);
		CHECK_DOUBLE(rmse_of(&s, 1), ldexp(sqrt(12.5), k));
	}

	/* p = 1e200, t = -1e200: error 2e200 (twice the double 1e200,
	 * exactly), and three rows of error 0: RMSE 2e200 / 2 = 1e200. */
	sums_init(&s);
	add1(&s, -1e200, 1e200, 1.0);
	for (int i = 0; i < 3; i++)
		add1(&s, 5.0, 5.0, 1.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 1e200);

	/* Subnormal RMSEs, rounded once: 2^-1074 over 2 rows is 2^-1074 /
	 * sqrt(2), nearer 2^-1074 than 0; over 4 rows 2^-1075, a tie that
	 * rounds to the even 0. */
	sums_init(&s);
	add1(&s, 0.0, 0x1p-1074, 1.0);
	add1(&s, 0.0, 0.0, 1.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 0x1p-1074);
	add1(&s, -0.0, 0.0, 1.0);
	add1(&s, 0.0, -0.0, 1.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 0.0);

	/* Subnormal RMSEs at a tie broken far below it.  Errors 2 and 3
	 * units of 2^-1074, weights 11 and 9: mean square (44 + 81) / 20 =
	 * 6.25 units^2, RMSE 2.5 units, a tie: the even 2.  With the weight 9
	 * a unit in the last place above (9 + 2^-49) the RMSE is a little
	 * above 2.5 units: 3.  Errors 3 and 4 units with weights 15 and 13
	 * give 3.5 units, a tie: the even 4; with 13 - 2^-49, a little less
	 * weight on the larger error, a little below 3.5: 3.  Rounding the
	 * scaled high part alone gets the second and the fourth wrong. */
	{
		static const struct {
			double e1, w1, e2, w2, want;
		} ties[] = {
			{2, 11, 3, 9, 2},
			{2, 11, 3, 9 + 0x1p-49, 3},
			{3, 15, 4, 13, 4},
			{3, 15, 4, 13 - 0x1p-49, 3},
		};

		for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++) {
			sums_init(&s);
			add1(&s, 0.0, ldexp(ties[i].e1, -1074), ties[i].w1);
			add1(&s, ldexp(ties[i].e2, -1074), 0.0, ties[i].w2);
			check_double_at(__FILE__, __LINE__, rmse_of(&s, 1),
					ldexp(ties[i].want, -1074),
					"subnormal RMSE at a tie");
		}
	}

	/* Weights whose sum overflows: 1.7e308 on errors 1 and 3 give
	 * sqrt((1 + 9) / 2) = sqrt(5). */
	sums_init(&s);
	add1(&s, 0.0, 1.0, v);
	add1(&s, 0.0, 3.0, v);
	CHECK_DOUBLE(rmse_of(&s, 1), sqrt(5.0));

	/* A huge weight on a tiny error and the other way round: one row's
	 * RMSE is its error, whatever its weight. */
	sums_init(&s);
	add1(&s, 0.0, ldexp(3.0, -1000), 0x1p1000);
	CHECK_DOUBLE(rmse_of(&s, 1), ldexp(3.0, -1000));
	sums_init(&s);
	add1(&s, 0.0, ldexp(3.0, 1000), 0x1p-1000);
	CHECK_DOUBLE(rmse_of(&s, 1), ldexp(3.0, 1000));

	/* p = 1.7e308, t = -1.7e308: the error 2v is beyond the largest
	 * double, and so is the RMSE of that row alone: infinite.  With
	 * three rows of error 0 the RMSE is 2v / 2 = v again. */
	sums_init(&s);
	add1(&s, -v, v, 1.0);
	CHECK_DOUBLE(rmse_of(&s, 1), INFINITY);
	sums_init(&z);
	for (int i = 0; i < 3; i++)
		add1(&z, v, v, 1.0);
	CHECK_DOUBLE(rmse_of(&z, 1), 0.0);

	/* The mean of batch RMSEs after that infinite one (1 row) and the
	 * zero one (3 rows) is not NaN: the mean of the batch RMSEs, (1 *
	 * 2v + 3 * 0) / 4 = v / 2, is a double. */
	metric_mean_init(&m);
	mean_add(&m, &s, 1);
	CHECK_DOUBLE(metric_mean_value(&m), INFINITY);
	mean_add(&m, &z, 1);
	CHECK_DOUBLE(metric_mean_value(&m), v / 2);
	merge(&s, &z);
	CHECK_DOUBLE(rmse_of(&s, 1), v);

	/* Batch RMSEs near the largest double, two rows each: the mean's
	 * total 2v would overflow unscaled. */
	sums_init(&s);
	add1(&s, 0.0, v, 1.0);
	add1(&s, 0.0, -v, 1.0);
	metric_mean_init(&m);
	mean_add(&m, &s, 1);
	CHECK_DOUBLE(metric_mean_value(&m), v);
	mean_add(&m, &s, 1);
	CHECK_DOUBLE(metric_mean_value(&m), v);
	CHECK_DOUBLE(rmse_of(&s, 1), v);

	/* -0 is 0: its error and its RMSE are +0. */
	sums_init(&s);
	add1(&s, -0.0, 0.0, 1.0);
	add1(&s, 0.0, -0.0, 1.0);
	CHECK_DOUBLE(rmse_of(&s, 1), 0.0);
}

/* SPEC.md's reference: the seed example read twice in batches of 32 with
 * no reset; the correctly rounded running RMSE after each batch, computed
 * in rational arithmetic.  TensorFlow's own sums are off by one unit in
 * the last place in calls 1 and 3: the point of the double-double sums. */
static void
test_seed_example(const char *argv0)
{
	static const double want[4] = {
		1.4132492562096122,
		1.3875944990740972,
		1.3961984634354352,
		1.3875944990740972,
	};
	static const char rel[] = "data/keras-seed-example.csv";
	char path[4096], line[8192];
	double vals[64][20];
	FILE *f;
	int nrows = 0, bad = 0;
	struct metric_sums running, batch;

	/* make runs the tests from the top directory; from elsewhere, find
	 * the file from where this program is, tests/unit/. */
	f = fopen(rel, "r");
	if (f == NULL) {
		const char *slash = strrchr(argv0, '/');
		int dir = slash ? (int)(slash - argv0) : 1;

		snprintf(path, sizeof path, "%.*s/../../%s", dir,
			 slash ? argv0 : ".", rel);
		f = fopen(path, "r");
	}
	if (f == NULL) {
		check_true_at(__FILE__, __LINE__, 0,
			      "data/keras-seed-example.csv can be opened");
		return;
	}
	/* The header, then 64 rows of 20 numbers. */
	if (fgets(line, sizeof line, f) == NULL)
		bad++;
	while (nrows < 64 && fgets(line, sizeof line, f) != NULL) {
		char *field = line;
		int j = 0;

		for (;;) {
			size_t len = strcspn(field, ",\r\n");
			char end = field[len];

			field[len] = '\0';
			if (j == 20 ||
			    number_parse(field, len, &vals[nrows][j]) !=
				    NUMBER_OK)
				bad++;
			j++;
			if (end != ',')
				break;
			field += len + 1;
		}
		if (j != 20)
			bad++;
		nrows++;
	}
	fclose(f);
	CHECK_INT(nrows, 64);
	CHECK_INT(bad, 0);
	if (nrows != 64 || bad != 0)
		return;

	sums_init(&running);
	for (int b = 0; b < 4; b++) {
		sums_init(&batch);
		for (int i = 0; i < 32; i++) {
			const double *row = vals[(b % 2) * 32 + i];

			add_row(&batch, row, row + 10, 10, 1.0);
		}
		merge(&running, &batch);
		check_double_at(__FILE__, __LINE__, rmse_of(&running, 10),
				want[b], "running RMSE of the seed example");
	}
	/* The first batch's own RMSE is the first running value. */
	sums_init(&batch);
	for (int i = 0; i < 32; i++)
		add_row(&batch, vals[i], vals[i] + 10, 10, 1.0);
	CHECK_DOUBLE(rmse_of(&batch, 10), want[0]);
}

/* The arithmetic of either sign (dd.h), on values a double cannot hold. */
static void
test_signed(void)
{
	double big = 0x1.8p1023; /* 1.5 * 2^1023 */
	struct xdd d = xdd_diff(big, -big), two = xdd_from(2.0);

	/* 3 * 2^1023 overflows a double; half of it does not. */
	CHECK_DOUBLE(xdd_signed_value(xdd_div(d, two)), big);
	CHECK_DOUBLE(xdd_signed_value(xdd_div(xdd_neg(d), two)), -big);
	CHECK_DOUBLE(xdd_signed_value(d), INFINITY);
	CHECK_DOUBLE(xdd_signed_value(xdd_neg(d)), -INFINITY);
	/* Subnormals: 2^-1074 - 3 * 2^-1074, exactly, and times 2^1000. */
	d = xdd_diff(0x1p-1074, 0x1.8p-1073);
	CHECK_DOUBLE(xdd_signed_value(d), -0x1p-1073);
	CHECK_DOUBLE(xdd_signed_value(xdd_mul(d, xdd_from(0x1p1000))),
		     -0x1p-73);
	/* Exponents far apart: 2^1000 * 2^1000 - 2^1999 = 2^1999. */
	d = xdd_mul(xdd_from(0x1p1000), xdd_from(0x1p1000));
	d = xdd_sum(d, xdd_neg(xdd_mul(xdd_from(0x1p999), xdd_from(0x1p1000))));
	CHECK_DOUBLE(xdd_signed_value(xdd_div(d, xdd_from(0x1p1000))), 0x1p999);
	/* 1 - (1 + 2^-80) = -2^-80: the low part is kept. */
	d = xdd_sum(xdd_from(1.0), xdd_from(0x1p-80));
	CHECK_DOUBLE(xdd_signed_value(xdd_sum(xdd_from(-1.0), d)), 0x1p-80);
	CHECK(isnan(xdd_signed_value(xdd_div(xdd_from(1.0), xdd_from(0.0)))));
}

/* r2, bias and max_error of N rows (T, P, W) of one pair, as the program
 * adds them: in batches of B rows merged into the total, each batch's rows
 * added N_ADD (at most 64) at a time. */
struct rb {
	double r2, bias, max_error;
};

static struct rb
r2_of(const double *t, const double *p, const double *w, size_t n, size_t b,
      size_t n_add)
{
	struct metric_config cfg = {.pairs = 1,
				    .per_output = true,
				    .spread = true,
				    .bias = true,
				    .max_error = true};
	struct metric_sums all, batch;
	struct metric_values v = {0};
	double out1;
	struct rb r;

	v.per_output = &out1;
	metric_sums_init(&all, &cfg);
	metric_sums_init(&batch, &cfg);
	for (size_t i = 0; i < n; i += b) {
		metric_sums_clear(&batch);
		for (size_t k = i; k < i + b && k < n; k += n_add) {
			struct metric_row rows[64];
			struct xdd out[64 * 4];
			size_t m = 0;

			for (; m < n_add && k + m < i + b && k + m < n; m++)
				metric_row_set(&cfg, &rows[m], out + 4 * m,
					       &t[k + m], &p[k + m], w[k + m]);
			metric_sums_add(&cfg, &batch, rows, out, m);
		}
		metric_sums_merge(&cfg, &all, &batch);
	}
	metric_values(&cfg, &all, &v);
	r = (struct rb){v.r2, v.bias, v.max_error};
	metric_sums_free(&all);
	metric_sums_free(&batch);
	return r;
}

/* The integer sums of offset_rows()'s rows: of a, a^2, e, e^2, and the
 * largest |e|. */
struct offset_sums {
	int64_t sa, sa2, se, se2, top;
};

/* Rows FROM to N - 1 of T, P and W: t = 10^15 + a / 8, p = t + e / 8 for
 * random integers a in [-1000, 1000] and e in [-20, 20], weight 1, each
 * exact in a double; and the sums of a and e, exact integers. */
static struct offset_sums
offset_rows(double *t, double *p, double *w, int from, int n)
{
	struct offset_sums z = {0, 0, 0, 0, 0};

	for (int i = from; i < n; i++) {
		int64_t a = (int64_t)(rng() % 2001) - 1000,
			e = (int64_t)(rng() % 41) - 20;

		t[i] = 1e15 + (double)a / 8;
		p[i] = t[i] + (double)e / 8;
		w[i] = 1.0;
		z.sa += a;
		z.sa2 += a * a;
		z.se += e;
		z.se2 += e * e;
		z.top = e > z.top ? e : -e > z.top ? -e : z.top;
	}
	return z;
}

/* r2 around a mean far larger than the spread: t = 10^15 + a_i / 8 (a
 * double: 10^15 < 2^50), p = t + e_i / 8, weights 1.  In units of 1/8,
 * SST = sum a^2 - (sum a)^2 / n and SSE = sum e^2, so r2 = (n SST' - n SSE)
 * / n SST' with SST' = n sum a^2 - (sum a)^2: integers, each a double, and
 * one division rounds it.  Plain sums of t and t^2 lose every bit of SST;
 * the pairwise update must keep them, whatever the runs and batches. */
static void
test_r2_offset(void)
{
	enum { N = 200 };
	double t[N], p[N], w[N];
	struct offset_sums z = offset_rows(t, p, w, 0, N);
	static const size_t shapes[][2] = {
		{N, 64}, {7, 3}, {1, 1}, {32, 64}, {50, 1}};

	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
		struct rb r = r2_of(t, p, w, N, shapes[s][0], shapes[s][1]);
		double sst = (double)(N * z.sa2 - z.sa * z.sa);

		CHECK_DOUBLE(r.r2, (sst - (double)(N * z.se2)) / sst);
		/* sum e / 8 / N, rounded once; max |e| / 8, exact. */
		CHECK_DOUBLE(r.bias, (double)z.se / 8 / N);
		CHECK_DOUBLE(r.max_error, (double)z.top / 8);
	}
	/* Every true value the same: SST is 0, r2 undefined, not 1 or -inf. */
	for (int i = 0; i < N; i++)
		t[i] = 1e15 + 0.125;
	CHECK(isnan(r2_of(t, p, w, N, 7, 3).r2));
	CHECK(isnan(r2_of(t, p, w, N, N, 64).r2));
}

/* A run starts at its first row's true value: one far off with a weight
 * next to nothing must not become the centre of the others' sums.  Rows:
 * t = 10^15 + 2^45 with weight 2^-1000 first, then ones as in
 * test_r2_offset with weight 1.  The far row adds about 2^-1000 * 2^90
 * to SST, far below its last bit: r2 is that of the others.  Sums around
 * 10^15 + 2^45 would hold 2^90 times more than SST, and lose it. */
static void
test_r2_far_first(void)
{
	enum { N = 100 };
	double t[N], p[N], w[N];
	struct offset_sums z;

	t[0] = 1e15 + 0x1p45;
	p[0] = t[0];
	w[0] = 0x1p-1000;
	z = offset_rows(t, p, w, 1, N);
	for (size_t b = 10; b <= N; b *= 10) {
		double sst = (double)((N - 1) * z.sa2 - z.sa * z.sa);
		struct rb r = r2_of(t, p, w, N, b, 64);

		CHECK_DOUBLE(r.r2, (sst - (double)((N - 1) * z.se2)) / sst);
		CHECK_DOUBLE(r.max_error, (double)z.top / 8);
	}
	/* A row of weight 0 counts nowhere, not in max_error either. */
	w[0] = 0.0;
	p[0] = t[0] + 1e10;
	CHECK_DOUBLE(r2_of(t, p, w, N, N, 64).max_error, (double)z.top / 8);
}

int
main(int argc, char **argv)
{
	rng_state = 0x2545f4914f6cdd1du;
	test_hand_cases();
	test_pairs();
	test_mean();
	test_mean32();
	test_ties();
	test_exact_error();
	test_tiny_next_to_huge();
	test_single_row_scale();
	test_merge_orders();
	test_big_counts();
	test_extremes();
	test_signed();
	test_r2_offset();
	test_r2_far_first();
	test_seed_example(argc > 0 ? argv[0] : "");
	return check_finish("test_metric");
}
