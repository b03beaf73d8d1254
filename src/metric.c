/* metric.c: exact squared errors, accumulated in double-double.
 *
 * The error-free transformations are the classic ones (Knuth's TwoSum,
 * TwoProduct with a fused multiply-add; see Shewchuk 1997 or the QD
 * library).  Each value carries a binary exponent besides (metric_xdd), 0
 * in all ordinary cases, so that no square overflows or underflows. */
#include "metric.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline struct metric_dd
two_sum(double a, double b)
{
	double s = a + b, bb = s - a;

	return (struct metric_dd){s, (a - (s - bb)) + (b - bb)};
}

static inline struct metric_dd
quick_two_sum(double a, double b) /* requires |a| >= |b| or a == 0 */
{
	double s = a + b;

	return (struct metric_dd){s, b - (s - a)};
}

static inline struct metric_dd
two_prod(double a, double b)
{
	double p = a * b;

	return (struct metric_dd){p, fma(a, b, -p)};
}

/* The sum of two double-doubles of the same sign (the "sloppy" addition:
 * accurate to a few units of 2^-106 when nothing cancels, which is all
 * that sums of squares, weights and RMSEs ever need, and half the work). */
static inline struct metric_dd
dd_add_same_sign(struct metric_dd a, struct metric_dd b)
{
	struct metric_dd s = two_sum(a.hi, b.hi);

	s.lo += a.lo + b.lo;
	return quick_two_sum(s.hi, s.lo);
}

static struct metric_dd
dd_add(struct metric_dd a, struct metric_dd b)
{
	struct metric_dd s = two_sum(a.hi, b.hi), t = two_sum(a.lo, b.lo);

	s.lo += t.hi;
	s = quick_two_sum(s.hi, s.lo);
	s.lo += t.lo;
	return quick_two_sum(s.hi, s.lo);
}

static struct metric_dd
dd_mul_d(struct metric_dd a, double b)
{
	struct metric_dd p = two_prod(a.hi, b);

	p.lo += a.lo * b;
	return quick_two_sum(p.hi, p.lo);
}

static struct metric_dd
dd_mul(struct metric_dd a, struct metric_dd b)
{
	struct metric_dd p = two_prod(a.hi, b.hi);

	p.lo += a.hi * b.lo + a.lo * b.hi;
	return quick_two_sum(p.hi, p.lo);
}

static struct metric_dd
dd_div(struct metric_dd a, struct metric_dd b)
{
	double q1 = a.hi / b.hi, q2, q3;
	struct metric_dd r;

	/* Two correction steps take the quotient to full double-double
	 * accuracy; one would leave errors near 2^-104. */
	r = dd_add(a, dd_mul_d(b, -q1));
	q2 = r.hi / b.hi;
	r = dd_add(r, dd_mul_d(b, -q2));
	q3 = r.hi / b.hi;
	r = quick_two_sum(q1, q2);
	return dd_add(r, (struct metric_dd){q3, 0.0});
}

static struct metric_dd
dd_sqrt(struct metric_dd a)
{
	double x;
	struct metric_dd sq;

	if (a.hi <= 0.0)
		return (struct metric_dd){a.hi == 0.0 ? 0.0 : NAN, 0.0};
	/* One Newton step from the double square root: x + (a - x^2) / 2x. */
	x = sqrt(a.hi);
	sq = two_prod(x, x);
	return quick_two_sum(x, ((a.hi - sq.hi) - sq.lo + a.lo) / (2.0 * x));
}

static struct metric_dd
dd_scale(struct metric_dd a, int k)
{
	return (struct metric_dd){ldexp(a.hi, k), ldexp(a.lo, k)};
}

static struct metric_dd
dd_from_u64(uint64_t n)
{
	double hi = (double)n;

	/* hi may be n rounded up, even to 2^64, which does not fit back. */
	if (hi >= 18446744073709551616.0)
		return quick_two_sum(hi, -(double)(UINT64_MAX - n) - 1.0);
	return quick_two_sum(hi, (double)(int64_t)(n - (uint64_t)hi));
}

/* Values whose binary exponent is within this bound square and sum with
 * room to spare; the others are scaled into it. */
enum { SAFE_EXP = 400 };

static inline int
outside_safe_range(double x)
{
	uint64_t bits;
	unsigned biased;

	memcpy(&bits, &x, sizeof bits);
	biased = (unsigned)(bits >> 52) & 0x7ff;
	/* Zero is inside; NaN and infinity are outside. */
	return biased - (1023 - SAFE_EXP) > 2 * SAFE_EXP && (bits << 1) != 0;
}

static struct metric_xdd
xdd_rescale(struct metric_xdd x)
{
	int k;

	if (!isfinite(x.v.hi))
		return x;
	k = ilogb(x.v.hi);
	x.v = dd_scale(x.v, -k);
	x.exp += k;
	return x;
}

/* Brings V's high part back near 1, its exponent into EXP, when it has
 * strayed far from 1 (rarely). */
static inline struct metric_xdd
xdd_normal(struct metric_xdd x)
{
	if (__builtin_expect(!outside_safe_range(x.v.hi), 1))
		return x;
	return xdd_rescale(x);
}

/* The cascaded summation of Ogita, Rump and Oishi (Sum2): the high parts
 * add in one chain, and their rounding errors collect in the low part,
 * off the critical path.  That is as accurate as double-double for a few
 * thousand terms, and much faster, so sums are renormalized every so
 * often (RENORMALIZE_ROWS). */
static inline void
cascade(struct metric_dd *acc, struct metric_dd x)
{
	struct metric_dd t = two_sum(acc->hi, x.hi);

	acc->hi = t.hi;
	acc->lo += t.lo + x.lo;
}

enum { RENORMALIZE_ROWS = 1024 };

static inline struct metric_xdd
xdd_renormalize(struct metric_xdd x)
{
	x.v = quick_two_sum(x.v.hi, x.v.lo);
	return xdd_normal(x);
}

/* xdd_add when the exponents differ, which only extreme values cause:
 * bring both to the larger exponent; what a shift drops is below 2^-300
 * of the sum. */
static void
xdd_add_rescaled(struct metric_xdd *acc, struct metric_xdd x)
{
	if (x.v.hi == 0.0)
		return;
	*acc = xdd_renormalize(*acc);
	if (acc->v.hi == 0.0) {
		*acc = x;
		return;
	}
	if (x.exp > acc->exp) {
		acc->v = dd_scale(acc->v, acc->exp - x.exp);
		acc->exp = x.exp;
	} else {
		x.v = dd_scale(x.v, x.exp - acc->exp);
	}
	cascade(&acc->v, x.v);
	*acc = xdd_renormalize(*acc);
}

/* Adds X, a non-negative value, to ACC. */
static inline void
xdd_add(struct metric_xdd *acc, struct metric_xdd x)
{
	if (__builtin_expect(x.exp != acc->exp, 0))
		xdd_add_rescaled(acc, x);
	else
		cascade(&acc->v, x.v);
}

/* The square of P - T, exactly, as a scaled double-double; *ABS gets
 * |P - T| with the same scaling. */
static inline struct metric_xdd
square_error(double p, double t, struct metric_xdd *abs)
{
	struct metric_xdd e;
	struct metric_dd d = two_sum(p, -t), sq;
	int k = 0;

	if (outside_safe_range(d.hi)) {
		if (!isfinite(d.hi)) {
			/* p - t overflowed: halve both, exactly, first. */
			d = two_sum(p / 2, -t / 2);
			k = 1;
		}
		if (outside_safe_range(d.hi)) {
			int m = ilogb(d.hi);

			d = dd_scale(d, -m);
			k += m;
		}
	}
	/* (dh + dl)^2: dh^2 exactly by TwoProduct, then 2 dh dl + dl^2. */
	sq = two_prod(d.hi, d.hi);
	sq.lo += d.lo * (2.0 * d.hi + d.lo);
	e.v = quick_two_sum(sq.hi, sq.lo);
	e.exp = 2 * k;
	if (abs != NULL) {
		abs->v = d.hi < 0 ? (struct metric_dd){-d.hi, -d.lo} : d;
		abs->exp = k;
	}
	return e;
}

static struct metric_xdd
xdd_mul_d(struct metric_xdd x, double w)
{
	struct metric_xdd wx = xdd_normal((struct metric_xdd){{w, 0.0}, 0});

	x.v = dd_mul_d(x.v, wx.v.hi);
	x.exp += wx.exp;
	return xdd_normal(x);
}

/* The square root of a scaled double-double, as one. */
static struct metric_xdd
xdd_sqrt(struct metric_xdd x)
{
	if (x.exp % 2 != 0) {
		x.v = dd_scale(x.v, 1);
		x.exp -= 1;
	}
	return (struct metric_xdd){dd_sqrt(x.v), x.exp / 2};
}

/* Of two neighbouring doubles A and B, the one whose last bit is even. */
static double
even(double a, double b)
{
	uint64_t bits;

	memcpy(&bits, &a, sizeof bits);
	return bits & 1 ? b : a;
}

/* R (normalized, R.hi > 0) as a double; a value within a relative 2^-105
 * of a point halfway between two doubles is taken as that point, a tie,
 * and rounds to the even double.  Ties are common: an error p - t halfway
 * between two doubles is one, and its square (times a weight) has more
 * bits than a double-double holds, so the sums come out a hair off the tie,
 * on either side.  A value that close to a halfway point without being on
 * it is rare, and the sums cannot tell it from a tie anyway (the man page,
 * Accuracy). */
static inline double
round_tie_even(struct metric_dd r)
{
	uint64_t bits, ulp_bits;
	double half;

	if (r.lo == 0.0 || !(r.hi >= 0x1p-900 && r.hi <= 0x1p900))
		return r.hi;
	memcpy(&bits, &r.hi, sizeof bits);
	/* Half of 2^(exponent - 52), a quarter below a power of two, where
	 * the doubles are twice as close. */
	ulp_bits = ((bits >> 52) - 52) << 52;
	memcpy(&half, &ulp_bits, sizeof half);
	half *= r.lo < 0.0 && (bits << 12) == 0 ? 0.25 : 0.5;
	if (fabs(fabs(r.lo) - half) > r.hi * 0x1p-105)
		return r.hi;
	return even(r.hi, nextafter(r.hi, r.lo < 0.0 ? 0.0 : INFINITY));
}

/* X (not negative) rounded once to a double, near ties as round_tie_even
 * says; one too large for a double is infinite, as IEEE 754 rounds it.
 * Where the result is subnormal, the scaling rounds the high part alone:
 * when that was a tie, the low part says which way it should have gone. */
static double
xdd_value(struct metric_xdd x)
{
	struct metric_dd r;
	double s, d;

	if (!isfinite(x.v.hi))
		return x.v.hi;
	r = quick_two_sum(x.v.hi, x.v.lo);
	if (x.exp == 0 || !isfinite(r.hi))
		return round_tie_even(r);
	s = ldexp(r.hi, x.exp);
	/* A normal result: the scaling is exact, and moves the halfway
	 * points with it. */
	if (s > DBL_MIN)
		return ldexp(round_tie_even(r), x.exp);
	if (r.lo == 0.0)
		return s;
	/* What the scaling dropped, exactly; half the subnormal spacing,
	 * 2^-1075, is a tie. */
	d = r.hi - ldexp(s, -x.exp);
	if (fabs(d) == ldexp(1.0, -1075 - x.exp) && (d > 0.0) == (r.lo > 0.0))
		s = nextafter(s, d > 0.0 ? INFINITY : 0.0);
	return s;
}

/* Keras's float32 arithmetic, step by step in row order: each value cast
 * to float32, the difference, square, products and sums rounded to
 * float32 as they go. */
static void
row_set_f32(const struct metric_config *cfg, struct metric_row *row,
	    const double *t, const double *p, double w)
{
	float w32 = (float)w, sq = 0.0f, abs = 0.0f, mean = 0.0f;

	for (size_t j = 0; j < cfg->pairs; j++) {
		float d = (float)p[j] - (float)t[j];
		float e = d * d;

		sq += e * w32;
		abs += fabsf(d) * w32;
		mean += e;
	}
	row->sq32 = sq;
	row->abs32 = abs;
	row->count32 = (float)cfg->pairs * w32;
	row->row_loss32 = sqrtf(mean / (float)cfg->pairs) * w32;
}

/* The fused multiply-add that TwoProduct needs is an instruction where the
 * processor has one; this hot function gets a version for those, chosen
 * when the program starts.  Both give the same bits: TwoProduct is exact. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__FMA__) &&           \
	!defined(__clang__)
__attribute__((target_clones("fma", "default")))
#endif
void
metric_row_set(const struct metric_config *cfg, struct metric_row *row,
	       struct metric_xdd *out, const double *t, const double *p,
	       double w)
{
	struct metric_xdd sum, abs_sum, abs;
	size_t pairs = cfg->pairs;
	bool extras = cfg->abs || cfg->row_loss;
	struct metric_dd d = two_sum(p[0], -t[0]);

	if (pairs == 1 && !extras && out == NULL && !outside_safe_range(d.hi) &&
	    !outside_safe_range(w)) {
		/* The usual case, written out: nothing to scale. */
		struct metric_dd sq = two_prod(d.hi, d.hi);

		sq.lo += d.lo * (2.0 * d.hi + d.lo);
		sq = quick_two_sum(sq.hi, sq.lo);
		if (w != 1.0)
			sq = dd_mul_d(sq, w);
		row->sq.v = sq;
		row->sq.exp = 0;
		row->weight.v.hi = w;
		row->weight.v.lo = 0.0;
		row->weight.exp = 0;
		if (cfg->f32)
			row_set_f32(cfg, row, t, p, w);
		return;
	}
	sum = square_error(p[0], t[0], &abs_sum);
	if (out != NULL)
		out[0] = w == 1.0 ? sum : xdd_mul_d(sum, w);
	for (size_t j = 1; j < pairs; j++) {
		struct metric_xdd e = square_error(p[j], t[j], &abs);

		xdd_add(&sum, e);
		xdd_add(&abs_sum, abs);
		if (out != NULL)
			out[j] = w == 1.0 ? e : xdd_mul_d(e, w);
	}
	sum = xdd_renormalize(sum);
	if (cfg->row_loss) {
		/* This row's own RMSE, weighted: w * sqrt(sum / pairs). */
		struct metric_xdd mean = sum;

		mean.v = dd_div(mean.v, dd_from_u64(pairs));
		row->row_loss = xdd_mul_d(xdd_sqrt(mean), w);
	}
	if (cfg->abs)
		row->abs = xdd_mul_d(xdd_renormalize(abs_sum), w);
	row->sq = w == 1.0 ? sum : xdd_mul_d(sum, w);
	row->weight = xdd_normal((struct metric_xdd){{w, 0.0}, 0});
	if (cfg->f32)
		row_set_f32(cfg, row, t, p, w);
}

static const struct metric_xdd xdd_zero = {{0.0, 0.0}, 0};

int
metric_sums_init(struct metric_sums *s, const struct metric_config *cfg)
{
	*s = (struct metric_sums){.sq = xdd_zero};
	if (cfg->per_output) {
		s->outputs = cfg->pairs;
		s->out = calloc(cfg->pairs, sizeof *s->out);
		if (s->out == NULL)
			return -1;
	}
	return 0;
}

void
metric_sums_clear(struct metric_sums *s)
{
	struct metric_xdd *out = s->out;
	size_t outputs = s->outputs;

	*s = (struct metric_sums){.sq = xdd_zero};
	s->out = out;
	s->outputs = outputs;
	for (size_t j = 0; j < outputs; j++)
		out[j] = xdd_zero;
}

void
metric_sums_free(struct metric_sums *s)
{
	free(s->out);
	s->out = NULL;
}

void
metric_sums_add(const struct metric_config *cfg, struct metric_sums *s,
		const struct metric_row *rows, const struct metric_xdd *out,
		size_t n)
{
	/* Local copies stay in registers through the loop. */
	struct metric_xdd sq = s->sq, weight = s->weight;
	uint64_t count = s->rows;

	for (size_t i = 0; i < n; i++) {
		xdd_add(&sq, rows[i].sq);
		xdd_add(&weight, rows[i].weight);
		if (++count % RENORMALIZE_ROWS == 0) {
			sq = xdd_renormalize(sq);
			weight = xdd_renormalize(weight);
		}
	}
	s->sq = sq;
	s->weight = weight;
	/* Each only when its column is wanted: metric_row_set sets no other,
	 * and adding an unset one is undefined. */
	for (size_t i = 0; cfg->abs && i < n; i++) {
		xdd_add(&s->abs, rows[i].abs);
		if ((s->rows + i + 1) % RENORMALIZE_ROWS == 0)
			s->abs = xdd_renormalize(s->abs);
	}
	for (size_t i = 0; cfg->row_loss && i < n; i++) {
		xdd_add(&s->row_loss, rows[i].row_loss);
		if ((s->rows + i + 1) % RENORMALIZE_ROWS == 0)
			s->row_loss = xdd_renormalize(s->row_loss);
	}
	for (size_t i = 0; out != NULL && i < n; i++) {
		for (size_t j = 0; j < s->outputs; j++)
			xdd_add(&s->out[j], out[i * s->outputs + j]);
		if ((s->rows + i + 1) % RENORMALIZE_ROWS == 0)
			for (size_t j = 0; j < s->outputs; j++)
				s->out[j] = xdd_renormalize(s->out[j]);
	}
	for (size_t i = 0; cfg->f32 && i < n; i++) {
		s->sq32 += rows[i].sq32;
		s->count32 += rows[i].count32;
		s->abs32 += rows[i].abs32;
		s->row_loss32 += rows[i].row_loss32;
	}
	s->rows = count;
}

void
metric_sums_merge(const struct metric_config *cfg, struct metric_sums *into,
		  const struct metric_sums *from)
{
	/* Both sides are normalized after the addition: a merge comes once a
	 * batch, far less often than the cascade needs. */
	xdd_add(&into->sq, xdd_renormalize(from->sq));
	xdd_add(&into->weight, xdd_renormalize(from->weight));
	into->sq = xdd_renormalize(into->sq);
	into->weight = xdd_renormalize(into->weight);
	if (cfg->abs || cfg->row_loss) {
		xdd_add(&into->abs, xdd_renormalize(from->abs));
		xdd_add(&into->row_loss, xdd_renormalize(from->row_loss));
		into->abs = xdd_renormalize(into->abs);
		into->row_loss = xdd_renormalize(into->row_loss);
	}
	for (size_t j = 0; j < into->outputs && j < from->outputs; j++) {
		xdd_add(&into->out[j], xdd_renormalize(from->out[j]));
		into->out[j] = xdd_renormalize(into->out[j]);
	}
	/* float32 state adds as Keras's assign_add does: one rounding. */
	into->sq32 += from->sq32;
	into->count32 += from->count32;
	into->abs32 += from->abs32;
	into->row_loss32 += from->row_loss32;
	into->rows += from->rows;
}

/* NUM / (PAIRS * DEN) as a scaled double-double; NaN when DEN is 0. */
static struct metric_xdd
ratio(struct metric_xdd num, struct metric_xdd den, uint64_t pairs)
{
	struct metric_dd d;

	num = xdd_renormalize(num);
	den = xdd_renormalize(den);
	d = dd_mul(den.v, dd_from_u64(pairs));
	if (d.hi == 0.0)
		return (struct metric_xdd){{NAN, 0.0}, 0};
	return (struct metric_xdd){dd_div(num.v, d), num.exp - den.exp};
}

/* A scaled result as a double, rounded once. */
static double
result(struct metric_xdd x)
{
	return xdd_value(x);
}

static const struct metric_xdd xdd_one = {{1.0, 0.0}, 0};

void
metric_values(const struct metric_config *cfg, const struct metric_sums *s,
	      struct metric_values *v)
{
	struct metric_xdd mse = ratio(s->sq, s->weight, cfg->pairs);
	struct metric_xdd rmse = xdd_sqrt(mse);

	v->rmse = result(rmse);
	v->mse = result(mse);
	v->weight = xdd_value(s->weight);
	v->mae = v->row_loss = NAN;
	if (cfg->abs)
		v->mae = result(ratio(s->abs, s->weight, cfg->pairs));
	if (cfg->row_loss && s->rows > 0) {
		/* Divided by rows, as Keras's sum_over_batch_size does. */
		struct metric_xdd rl = xdd_renormalize(s->row_loss);

		rl.v = dd_div(rl.v, dd_from_u64(s->rows));
		v->row_loss = result(rl);
	}
	if (cfg->f32) {
		v->rmse = sqrtf(s->sq32 / s->count32);
		v->mse = s->sq32 / s->count32;
		v->mae = s->abs32 / s->count32;
		v->row_loss = s->rows ? s->row_loss32 / (float)s->rows : NAN;
	}
	if (cfg->per_output && v->per_output != NULL) {
		/* Summed scaled, as the sums are: the mean of values near the
		 * largest double is itself near it, not infinite. */
		struct metric_xdd total = xdd_zero;

		for (size_t j = 0; j < cfg->pairs; j++) {
			struct metric_xdd r =
				xdd_sqrt(ratio(s->out[j], s->weight, 1));

			v->per_output[j] = result(r);
			if (isfinite(r.v.hi))
				xdd_add(&total, xdd_normal(r));
			else
				total = r;
		}
		/* scikit-learn's uniform_average: the plain mean. */
		v->uniform_rmse = result(ratio(total, xdd_one, cfg->pairs));
	}
}

void
metric_batch_values(const struct metric_config *cfg,
		    const struct metric_sums *s, struct metric_xdd *rmse,
		    struct metric_xdd *row_loss)
{
	*rmse = xdd_sqrt(ratio(s->sq, s->weight, cfg->pairs));
	*row_loss = (struct metric_xdd){{NAN, 0.0}, 0};
	if (cfg->row_loss && s->rows > 0) {
		struct metric_xdd rl = xdd_renormalize(s->row_loss);

		rl.v = dd_div(rl.v, dd_from_u64(s->rows));
		*row_loss = rl;
	}
}

void
metric_mean_init(struct metric_mean *m)
{
	*m = (struct metric_mean){{{0.0, 0.0}, 0}, 0};
}

/* Adds X, the sum of other batches' values, to the mean's total. */
static void
mean_total_add(struct metric_mean *m, struct metric_xdd x)
{
	if (!isfinite(x.v.hi) || !isfinite(m->total.v.hi)) {
		/* NaN stays NaN: an undefined batch makes the mean so. */
		m->total.v = (struct metric_dd){m->total.v.hi + x.v.hi, 0.0};
		return;
	}
	x = xdd_normal(x);
	if (x.exp == m->total.exp)
		m->total.v = dd_add_same_sign(m->total.v, x.v);
	else
		xdd_add_rescaled(&m->total, x);
	m->total = xdd_normal(m->total);
}

void
metric_mean_add(struct metric_mean *m, struct metric_xdd value, uint64_t rows)
{
	/* Scaled, so that rows times a value near the largest double does
	 * not overflow; the total of ordinary values keeps exponent 0. */
	if (isfinite(value.v.hi))
		value.v = dd_mul(value.v, dd_from_u64(rows));
	mean_total_add(m, value);
	m->rows += rows;
}

void
metric_mean_merge(struct metric_mean *into, const struct metric_mean *from)
{
	mean_total_add(into, from->total);
	into->rows += from->rows;
}

double
metric_mean_value(const struct metric_mean *m)
{
	if (m->rows == 0)
		return NAN;
	if (!isfinite(m->total.v.hi))
		return m->total.v.hi;
	return xdd_value((struct metric_xdd){
		dd_div(m->total.v, dd_from_u64(m->rows)), m->total.exp});
}

void
metric_mean32_init(struct metric_mean32 *m)
{
	*m = (struct metric_mean32){0.0f, 0.0f};
}

void
metric_mean32_add(struct metric_mean32 *m, float value, uint64_t rows)
{
	/* As Keras's Mean.update_state(value, sample_weight=rows) does: the
	 * row count cast to float32, value * rows rounded, then each
	 * assign_add rounded to float32. */
	float n = (float)rows, add = value * n;

	m->total = m->total + add;
	m->count = m->count + n;
}

double
metric_mean32_value(const struct metric_mean32 *m)
{
	if (m->count == 0.0f)
		return NAN;
	return m->total / m->count;
}
