/* dd.h: double-double arithmetic, an unevaluated sum hi + lo of about 106
 * bits, and its scaled form, which carries a binary exponent besides so
 * that squares and sums of any double neither overflow nor underflow.
 * No I/O.  What metric.c adds up row after row is here as static inline
 * functions, so that it stays inlined there; the rest is in dd.c. */
#ifndef RMSETAB_DD_H
#define RMSETAB_DD_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* |lo| <= ulp(hi) / 2 once normalized; sums being added to are
 * normalized every so often (xdd_add). */
struct dd {
	double hi, lo;
};

/* (v.hi + v.lo) * 2^exp: exp is 0 for every value whose binary exponent
 * is within DD_SAFE_EXP, and the rare others are scaled into that range. */
struct xdd {
	struct dd v;
	int32_t exp;
};

/* Values whose binary exponent is within this bound square and sum with
 * room to spare. */
enum { DD_SAFE_EXP = 400 };

/* The error-free transformations are the classic ones (Knuth's TwoSum,
 * TwoProduct with a fused multiply-add; see Shewchuk 1997 or the QD
 * library). */
static inline struct dd
dd_two_sum(double a, double b)
{
	double s = a + b, bb = s - a;

	return (struct dd){s, (a - (s - bb)) + (b - bb)};
}

/* Requires |a| >= |b| or a == 0. */
static inline struct dd
dd_quick_two_sum(double a, double b)
{
	double s = a + b;

	return (struct dd){s, b - (s - a)};
}

static inline struct dd
dd_two_prod(double a, double b)
{
	double p = a * b;

	return (struct dd){p, fma(a, b, -p)};
}

/* The sum of two double-doubles of the same sign (the "sloppy" addition:
 * accurate to a few units of 2^-106 when nothing cancels, which is all
 * that sums of squares, weights and RMSEs ever need, and half the work). */
static inline struct dd
dd_add_same_sign(struct dd a, struct dd b)
{
	struct dd s = dd_two_sum(a.hi, b.hi);

	s.lo += a.lo + b.lo;
	return dd_quick_two_sum(s.hi, s.lo);
}

static inline struct dd
dd_mul_d(struct dd a, double b)
{
	struct dd p = dd_two_prod(a.hi, b);

	p.lo += a.lo * b;
	return dd_quick_two_sum(p.hi, p.lo);
}

/* The accurate sum, whatever the signs. */
struct dd dd_add(struct dd a, struct dd b);

struct dd dd_mul(struct dd a, struct dd b);

/* A / B to full double-double accuracy, by the steps of the general
 * case; dd_div is the same, bit for bit, and quicker for some B. */
struct dd dd_div_steps(struct dd a, struct dd b);

/* The quotient dd_div_steps gives when B is a power of two (B.lo 0), by
 * exact scaling: its first quotient A.hi / B is then exact, and so is the
 * product it takes back, leaving A.lo as the first remainder, exactly;
 * that quotient is exact in turn, the second remainder 0, and the sums
 * that end dd_div_steps change nothing but the sign of a zero low part.
 * Exact only where both quotients are normal (or A.lo is 0) and A is
 * normalized (A.lo does not move A.hi): 0 when not so, and *Q is not
 * set.  test_dd compares it with dd_div_steps. */
static inline int
dd_div_pow2(struct dd a, struct dd b, struct dd *q)
{
	uint64_t bits;
	double q1, q2;

	memcpy(&bits, &b.hi, sizeof bits);
	/* B.hi positive and normal, all its fraction bits 0. */
	if (b.lo != 0.0 || (bits & ((UINT64_C(1) << 52) - 1)) != 0 ||
	    bits - (UINT64_C(1) << 52) >= UINT64_C(0x7fe) << 52)
		return 0;
	q1 = a.hi / b.hi;
	q2 = a.lo / b.hi;
	if (!(fabs(q1) >= DBL_MIN && fabs(q1) <= DBL_MAX) ||
	    !(a.lo == 0.0 || fabs(q2) >= DBL_MIN) || a.hi + a.lo != a.hi)
		return 0;
	*q = (struct dd){q1, q2 + 0.0}; /* a low part of -0 comes out +0 */
	return 1;
}

/* To full double-double accuracy. */
static inline struct dd
dd_div(struct dd a, struct dd b)
{
	struct dd q;

	if (dd_div_pow2(a, b, &q))
		return q;
	return dd_div_steps(a, b);
}

/* 0 for 0, NaN below. */
struct dd dd_sqrt(struct dd a);

/* A * 2^K. */
struct dd dd_scale(struct dd a, int k);

/* N exactly, for N of 2^53 or more. */
struct dd dd_from_u64_wide(uint64_t n);

/* N exactly. */
static inline struct dd
dd_from_u64(uint64_t n)
{
	/* Up to 2^53 the double is exact, and dd_from_u64_wide would add a
	 * low part of +0. */
	if (n <= UINT64_C(1) << 53)
		return (struct dd){(double)n, 0.0};
	return dd_from_u64_wide(n);
}

/* A * N, bit for bit as dd_mul(A, dd_from_u64(N)) has it, and quicker.
 * For N up to 2^53 and A.hi finite, dd_mul's extra term A.hi * 0 only
 * ever changes the sign of a zero that a sum with TwoProduct's error
 * (+0 when zero) makes +0 anyway: dd_mul_d gives the same bits.  For N a
 * power of two, that error is 0 (the product is exact while finite), and
 * the low part starts from +0, as in dd_mul_d.  test_dd compares both
 * with dd_mul. */
static inline struct dd
dd_mul_u64(struct dd a, uint64_t n)
{
	double nd = (double)n, hi;

	if (n > UINT64_C(1) << 53 || !isfinite(a.hi))
		return dd_mul(a, dd_from_u64(n));
	hi = a.hi * nd;
	if ((n & (n - 1)) == 0 && isfinite(hi))
		return dd_quick_two_sum(hi, 0.0 + a.lo * nd);
	return dd_mul_d(a, nd);
}

/* Whether X, a double, is outside the safe range (zero is inside; NaN
 * and infinity are outside). */
static inline int
dd_outside_safe_range(double x)
{
	uint64_t bits;
	unsigned biased;

	memcpy(&bits, &x, sizeof bits);
	biased = (unsigned)(bits >> 52) & 0x7ff;
	return biased - (1023 - DD_SAFE_EXP) > 2 * DD_SAFE_EXP &&
	       (bits << 1) != 0;
}

/* X with its high part brought near 1 and its exponent into EXP. */
struct xdd xdd_rescale(struct xdd x);

/* X with its high part brought back near 1 when it has strayed outside
 * the safe range (rarely). */
static inline struct xdd
xdd_normal(struct xdd x)
{
	if (__builtin_expect(!dd_outside_safe_range(x.v.hi), 1))
		return x;
	return xdd_rescale(x);
}

/* The cascaded summation of Ogita, Rump and Oishi (Sum2): the high parts
 * add in one chain, and their rounding errors collect in the low part,
 * off the critical path.  That is as accurate as double-double for a few
 * thousand terms, and much faster: a sum of many terms is renormalized
 * every thousand or so. */
static inline void
dd_cascade(struct dd *acc, struct dd x)
{
	struct dd t = dd_two_sum(acc->hi, x.hi);

	acc->hi = t.hi;
	acc->lo += t.lo + x.lo;
}

static inline struct xdd
xdd_renormalize(struct xdd x)
{
	x.v = dd_quick_two_sum(x.v.hi, x.v.lo);
	return xdd_normal(x);
}

/* xdd_add when the exponents differ, which only extreme values cause. */
void xdd_add_rescaled(struct xdd *acc, struct xdd x);

/* Adds X, a non-negative value, to ACC, by the cascade. */
static inline void
xdd_add(struct xdd *acc, struct xdd x)
{
	if (__builtin_expect(x.exp != acc->exp, 0))
		xdd_add_rescaled(acc, x);
	else
		dd_cascade(&acc->v, x.v);
}

/* X * W, W a double. */
static inline struct xdd
xdd_mul_d(struct xdd x, double w)
{
	struct xdd wx = xdd_normal((struct xdd){{w, 0.0}, 0});

	x.v = dd_mul_d(x.v, wx.v.hi);
	x.exp += wx.exp;
	return xdd_normal(x);
}

/* The square root of a scaled double-double, as one. */
static inline struct xdd
xdd_sqrt(struct xdd x)
{
	if (x.exp % 2 != 0) {
		x.v = dd_scale(x.v, 1);
		x.exp -= 1;
	}
	return (struct xdd){dd_sqrt(x.v), x.exp / 2};
}

/* X (not negative) rounded once to a double; a value within a relative
 * 2^-105 of a point halfway between two doubles rounds as that tie, to
 * even (dd.c says why).  One too large for a double is infinite. */
double xdd_value(struct xdd x);

/* Arithmetic of either sign, for the sums whose terms have both (bias,
 * the spread of true values around their mean): each result is within
 * about 2^-104 of the largest operand's size, and NaN and infinities go
 * through.  Not on the path of the default columns. */

/* X exactly. */
struct xdd xdd_from(double x);

/* A - B exactly. */
struct xdd xdd_diff(double a, double b);

/* A + B. */
struct xdd xdd_sum(struct xdd a, struct xdd b);

struct xdd xdd_mul(struct xdd a, struct xdd b);

/* A / B; NaN when B is 0. */
struct xdd xdd_div(struct xdd a, struct xdd b);

static inline struct xdd
xdd_neg(struct xdd x)
{
	x.v.hi = -x.v.hi;
	x.v.lo = -x.v.lo;
	return x;
}

/* X, of either sign, rounded once to a double as xdd_value rounds. */
double xdd_signed_value(struct xdd x);

#endif
