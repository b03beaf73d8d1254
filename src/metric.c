/* metric.c: double-double accumulation of squared errors and weights.
 * The error-free transformations are the classic ones (Knuth's TwoSum,
 * TwoProduct with a fused multiply-add); see Shewchuk 1997 or the QD
 * library's notes for the bounds. */
#include "metric.h"

#include <math.h>

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
dd_from_u64(uint64_t n)
{
	double hi = (double)n;

	/* hi may be n rounded up, even to 2^64, which does not fit back. */
	if (hi >= 18446744073709551616.0)
		return quick_two_sum(hi, -(double)(UINT64_MAX - n) - 1.0);
	return quick_two_sum(hi, (double)(int64_t)(n - (uint64_t)hi));
}

void
metric_sums_init(struct metric_sums *s)
{
	*s = (struct metric_sums){{0.0, 0.0}, {0.0, 0.0}, 0};
}

/* Rows are added to the sums with the cascaded summation of Ogita, Rump
 * and Oishi (Sum2): the high parts add in one chain, and their rounding
 * errors collect in the low parts, off the critical path.  That is as
 * accurate as double-double for a few thousand terms, and much faster, so
 * the sums are made proper double-doubles again every so often. */
enum { RENORMALIZE_ROWS = 1024 };

static inline void
cascade(struct metric_dd *acc, struct metric_dd x)
{
	struct metric_dd t = two_sum(acc->hi, x.hi);

	acc->hi = t.hi;
	acc->lo += t.lo + x.lo;
}

static void
renormalize(struct metric_sums *s)
{
	s->sq = quick_two_sum(s->sq.hi, s->sq.lo);
	s->weight = quick_two_sum(s->weight.hi, s->weight.lo);
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
	struct metric_dd sum = {0.0, 0.0};

	for (size_t j = 0; j < pairs; j++) {
		/* p - t exactly as dh + dl, then (dh + dl)^2 to double-double:
		 * dh^2 exactly by TwoProduct, 2 dh dl and dl^2 in the low part. */
		struct metric_dd d = two_sum(p[j], -t[j]);
		struct metric_dd e = two_prod(d.hi, d.hi);

		e.lo += d.lo * (2.0 * d.hi + d.lo);
		cascade(&sum, e);
	}
	sum = quick_two_sum(sum.hi, sum.lo);
	row->sq = w == 1.0 ? sum : dd_mul_d(sum, w);
	row->weight = w;
}

void
metric_sums_add(struct metric_sums *s, const struct metric_row *row)
{
	cascade(&s->sq, row->sq);
	cascade(&s->weight, (struct metric_dd){row->weight, 0.0});
	if (++s->rows % RENORMALIZE_ROWS == 0)
		renormalize(s);
}

void
metric_sums_merge(struct metric_sums *into, const struct metric_sums *from)
{
	struct metric_sums f = *from;

	renormalize(into);
	renormalize(&f);
	from = &f;
	into->sq = dd_add_same_sign(into->sq, from->sq);
	into->weight = dd_add_same_sign(into->weight, from->weight);
	into->rows += from->rows;
}

static struct metric_dd
rmse_dd(const struct metric_sums *sums, size_t pairs)
{
	struct metric_sums copy = *sums, *s = &copy;
	struct metric_dd den;

	renormalize(s);
	den = dd_mul(s->weight, dd_from_u64(pairs));

	if (den.hi == 0.0)
		return (struct metric_dd){NAN, 0.0};
	return dd_sqrt(dd_div(s->sq, den));
}

double
metric_rmse(const struct metric_sums *s, size_t pairs)
{
	return rmse_dd(s, pairs).hi;
}

void
metric_mean_init(struct metric_mean *m)
{
	*m = (struct metric_mean){{0.0, 0.0}, 0};
}

void
metric_mean_add(struct metric_mean *m, const struct metric_sums *batch,
		size_t pairs)
{
	struct metric_dd r = rmse_dd(batch, pairs);

	m->total = dd_add_same_sign(m->total,
				    dd_mul(r, dd_from_u64(batch->rows)));
	m->rows += batch->rows;
}

double
metric_mean_value(const struct metric_mean *m)
{
	if (m->rows == 0)
		return NAN;
	return dd_div(m->total, dd_from_u64(m->rows)).hi;
}
