/* metric.c: exact squared errors, accumulated in double-double.
 *
 * The error-free transformations are the classic ones (Knuth's TwoSum,
 * TwoProduct with a fused multiply-add; see Shewchuk 1997 or the QD
 * library).  Each value carries a binary exponent besides (metric_xdd), 0
 * in all ordinary cases, so that no square overflows or underflows. */
#include "metric.h"

#include <float.h>
#include <math.h>
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

/* Brings V's high part back near 1, its exponent into EXP. */
static struct metric_xdd
xdd_normal(struct metric_xdd x)
{
	int k;

	if (__builtin_expect(!outside_safe_range(x.v.hi), 1) ||
	    !isfinite(x.v.hi))
		return x;
	k = ilogb(x.v.hi);
	x.v = dd_scale(x.v, -k);
	x.exp += k;
	return x;
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

static struct metric_xdd
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

/* The square of P - T, exactly, as a scaled double-double. */
static inline struct metric_xdd
square_error(double p, double t)
{
	struct metric_xdd e = {{0.0, 0.0}, 0};
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
	return e;
}

/* The fused multiply-add that TwoProduct needs is an instruction where the
 * processor has one; this hot function gets a version for those, chosen
 * when the program starts.  Both give the same bits: TwoProduct is exact. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__FMA__) &&          \
	!defined(__clang__)
__attribute__((target_clones("fma", "default")))
#endif
void
metric_row_set(struct metric_row *row, const double *t, const double *p,
	       size_t pairs, double w)
{
	struct metric_xdd sum;
	struct metric_dd d = two_sum(p[0], -t[0]);

	if (pairs == 1 && !outside_safe_range(d.hi) &&
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
		return;
	}
	sum = square_error(p[0], t[0]);
	if (pairs > 1) {
		for (size_t j = 1; j < pairs; j++)
			xdd_add(&sum, square_error(p[j], t[j]));
		sum = xdd_renormalize(sum);
	}
	if (w != 1.0) {
		struct metric_xdd wx = xdd_normal(
			(struct metric_xdd){{w, 0.0}, 0});

		sum.v = dd_mul_d(sum.v, wx.v.hi);
		sum.exp += wx.exp;
		sum = xdd_normal(sum);
	}
	row->sq = sum;
	row->weight = xdd_normal((struct metric_xdd){{w, 0.0}, 0});
}

void
metric_sums_init(struct metric_sums *s)
{
	*s = (struct metric_sums){{{0.0, 0.0}, 0}, {{0.0, 0.0}, 0}, 0};
}

static void
renormalize(struct metric_sums *s)
{
	s->sq = xdd_renormalize(s->sq);
	s->weight = xdd_renormalize(s->weight);
}

void
metric_sums_add(struct metric_sums *s, const struct metric_row *rows,
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
	s->rows = count;
}

void
metric_sums_merge(struct metric_sums *into, const struct metric_sums *from)
{
	struct metric_sums f = *from;

	renormalize(&f);
	xdd_add(&into->sq, f.sq);
	xdd_add(&into->weight, f.weight);
	into->rows += f.rows;
	renormalize(into);
}

/* The RMSE as a scaled double-double: sqrt(sq / (pairs * weight)). */
static struct metric_xdd
rmse_xdd(const struct metric_sums *sums, size_t pairs)
{
	struct metric_xdd sq = xdd_renormalize(sums->sq);
	struct metric_xdd w = xdd_renormalize(sums->weight);
	struct metric_dd den = dd_mul(w.v, dd_from_u64(pairs));
	int32_t exp = sq.exp - w.exp;

	if (den.hi == 0.0)
		return (struct metric_xdd){{NAN, 0.0}, 0};
	/* The square root halves the exponent, so make it even. */
	if (exp % 2 != 0) {
		sq.v = dd_scale(sq.v, 1);
		exp -= 1;
	}
	return (struct metric_xdd){dd_sqrt(dd_div(sq.v, den)), exp / 2};
}

/* X (not negative) rounded once to a double; one too large for a double
 * is infinite, as IEEE 754 rounds it.  Where the result is subnormal, the
 * scaling rounds the high part alone: when that was a tie, the low part
 * says which way it should have gone. */
static double
xdd_value(struct metric_xdd x)
{
	struct metric_dd r = quick_two_sum(x.v.hi, x.v.lo);
	double s, d;

	if (x.exp == 0 || !isfinite(r.hi))
		return r.hi;
	s = ldexp(r.hi, x.exp);
	if (s > DBL_MIN || r.lo == 0.0)
		return s;
	/* What the scaling dropped, exactly; half the subnormal spacing,
	 * 2^-1075, is a tie. */
	d = r.hi - ldexp(s, -x.exp);
	if (fabs(d) == ldexp(1.0, -1075 - x.exp) && (d > 0.0) == (r.lo > 0.0))
		s = nextafter(s, d > 0.0 ? INFINITY : 0.0);
	return s;
}

double
metric_rmse(const struct metric_sums *s, size_t pairs)
{
	return xdd_value(rmse_xdd(s, pairs));
}

void
metric_mean_init(struct metric_mean *m)
{
	*m = (struct metric_mean){{{0.0, 0.0}, 0}, 0};
}

void
metric_mean_add(struct metric_mean *m, const struct metric_sums *batch,
		size_t pairs)
{
	struct metric_xdd r = rmse_xdd(batch, pairs);

	/* Scaled, so that rows times an RMSE near the largest double does
	 * not overflow; the total of ordinary RMSEs keeps exponent 0. */
	r.v = dd_mul(r.v, dd_from_u64(batch->rows));
	r = xdd_normal(r);
	if (r.exp == m->total.exp)
		m->total.v = dd_add_same_sign(m->total.v, r.v);
	else
		xdd_add_rescaled(&m->total, r);
	m->total = xdd_normal(m->total);
	m->rows += batch->rows;
}

double
metric_mean_value(const struct metric_mean *m)
{
	if (m->rows == 0)
		return NAN;
	return xdd_value((struct metric_xdd){
		dd_div(m->total.v, dd_from_u64(m->rows)), m->total.exp});
}
