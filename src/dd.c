/* dd.c: the double-double operations that are not on a row's path, and
 * the rounding of a scaled double-double to the double it stands for. */
#include "dd.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct dd
dd_add(struct dd a, struct dd b)
{
	struct dd s = dd_two_sum(a.hi, b.hi), t = dd_two_sum(a.lo, b.lo);

	s.lo += t.hi;
	s = dd_quick_two_sum(s.hi, s.lo);
	s.lo += t.lo;
	return dd_quick_two_sum(s.hi, s.lo);
}

struct dd
dd_mul(struct dd a, struct dd b)
{
	struct dd p = dd_two_prod(a.hi, b.hi);

	p.lo += a.hi * b.lo + a.lo * b.hi;
	return dd_quick_two_sum(p.hi, p.lo);
}

struct dd
dd_div_steps(struct dd a, struct dd b)
{
	double q1 = a.hi / b.hi, q2, q3;
	struct dd r;

	/* Two correction steps take the quotient to full double-double
	 * accuracy; one would leave errors near 2^-104. */
	r = dd_add(a, dd_mul_d(b, -q1));
	q2 = r.hi / b.hi;
	r = dd_add(r, dd_mul_d(b, -q2));
	q3 = r.hi / b.hi;
	r = dd_quick_two_sum(q1, q2);
	return dd_add(r, (struct dd){q3, 0.0});
}

struct dd
dd_sqrt(struct dd a)
{
	double x;
	struct dd sq;

	if (a.hi <= 0.0)
		return (struct dd){a.hi == 0.0 ? 0.0 : NAN, 0.0};
	/* One Newton step from the double square root: x + (a - x^2) / 2x. */
	x = sqrt(a.hi);
	sq = dd_two_prod(x, x);
	return dd_quick_two_sum(x, ((a.hi - sq.hi) - sq.lo + a.lo) / (2.0 * x));
}

struct dd
dd_scale(struct dd a, int k)
{
	return (struct dd){ldexp(a.hi, k), ldexp(a.lo, k)};
}

struct dd
dd_from_u64_wide(uint64_t n)
{
	double hi = (double)n;

	/* hi may be n rounded up, even to 2^64, which does not fit back. */
	if (hi >= 18446744073709551616.0)
		return dd_quick_two_sum(hi, -(double)(UINT64_MAX - n) - 1.0);
	return dd_quick_two_sum(hi, (double)(int64_t)(n - (uint64_t)hi));
}

struct xdd
xdd_rescale(struct xdd x)
{
	int k;

	if (!isfinite(x.v.hi))
		return x;
	k = ilogb(x.v.hi);
	x.v = dd_scale(x.v, -k);
	x.exp += k;
	return x;
}

/* xdd_add when the exponents differ, which only extreme values cause:
 * bring both to the larger exponent; what a shift drops is below 2^-300
 * of the sum. */
void
xdd_add_rescaled(struct xdd *acc, struct xdd x)
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
	dd_cascade(&acc->v, x.v);
	*acc = xdd_renormalize(*acc);
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
round_tie_even(struct dd r)
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
double
xdd_value(struct xdd x)
{
	struct dd r;
	double s, d;

	if (!isfinite(x.v.hi))
		return x.v.hi;
	r = dd_quick_two_sum(x.v.hi, x.v.lo);
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

struct xdd
xdd_from(double x)
{
	return xdd_normal((struct xdd){{x, 0.0}, 0});
}

struct xdd
xdd_diff(double a, double b)
{
	struct dd d = dd_two_sum(a, -b);
	int32_t k = 0;

	if (!isfinite(d.hi)) {
		/* a - b overflowed: halve both first, exactly but for the last
		 * bit of a subnormal, far below the other's. */
		d = dd_two_sum(a / 2, -b / 2);
		k = 1;
	}
	return xdd_normal((struct xdd){d, k});
}

/* X (not 0, finite) with its high part in [1, 2). */
static struct xdd
unit_scaled(struct xdd x)
{
	int k = ilogb(x.v.hi);

	x.v = dd_scale(x.v, -k);
	x.exp += k;
	return x;
}

struct xdd
xdd_sum(struct xdd a, struct xdd b)
{
	struct xdd r;

	if (!isfinite(a.v.hi) || !isfinite(b.v.hi))
		return (struct xdd){{a.v.hi + b.v.hi, 0.0}, 0};
	if (b.v.hi == 0.0)
		return a;
	if (a.v.hi == 0.0)
		return b;
	if (a.exp != b.exp) {
		/* Both near 1 first, so that the smaller one, brought to the
		 * larger's exponent, loses only what lies below 2^-1000 of
		 * it. */
		a = unit_scaled(a);
		b = unit_scaled(b);
		if (a.exp < b.exp) {
			r = a;
			a = b;
			b = r;
		}
		b.v = dd_scale(b.v, b.exp - a.exp);
	}
	r.v = dd_add(a.v, b.v);
	r.exp = a.exp;
	return xdd_normal(r);
}

struct xdd
xdd_mul(struct xdd a, struct xdd b)
{
	if (!isfinite(a.v.hi) || !isfinite(b.v.hi))
		return (struct xdd){{a.v.hi * b.v.hi, 0.0}, 0};
	/* Both high parts are in the safe range: the product is too. */
	return xdd_normal((struct xdd){dd_mul(a.v, b.v), a.exp + b.exp});
}

struct xdd
xdd_div(struct xdd a, struct xdd b)
{
	if (b.v.hi == 0.0 || !isfinite(a.v.hi) || !isfinite(b.v.hi))
		return (struct xdd){
			{b.v.hi == 0.0 ? NAN : a.v.hi / b.v.hi, 0.0}, 0};
	return xdd_normal((struct xdd){dd_div(a.v, b.v), a.exp - b.exp});
}

double
xdd_signed_value(struct xdd x)
{
	return x.v.hi < 0.0 ? -xdd_value(xdd_neg(x)) : xdd_value(x);
}
