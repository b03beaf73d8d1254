/* test_dd: the quick paths of the double-double operations against their
 * general steps, bit for bit: dd_div (dd_div_pow2) against dd_div_steps,
 * dd_mul_u64 against dd_mul of dd_from_u64_wide, dd_from_u64 against
 * dd_from_u64_wide.  The general steps are the ones every value printed
 * before went through, so a quick path that differs from them in one bit,
 * even the sign of a zero, changes what could be printed. */
#include "dd.h"

#include <float.h>
#include <stdlib.h>

#include "check.h"

static uint64_t
bits_of(double x)
{
	uint64_t b;

	memcpy(&b, &x, sizeof b);
	return b;
}

static double
of_bits(uint64_t b)
{
	double x;

	memcpy(&x, &b, sizeof x);
	return x;
}

static int
same_dd(struct dd x, struct dd y)
{
	/* NaNs of any payload count as the same: they print alike. */
	if (isnan(x.hi) && isnan(y.hi))
		return 1;
	return bits_of(x.hi) == bits_of(y.hi) &&
	       (bits_of(x.lo) == bits_of(y.lo) || (isnan(x.lo) && isnan(y.lo)));
}

/* A double of any sign and binary exponent (subnormals, zeros,
 * infinities and NaN now and then). */
static double
any_double(void)
{
	switch (rng_below(40)) {
	case 0: return 0.0;
	case 1: return -0.0;
	case 2: return INFINITY;
	case 3: return NAN;
	case 4: /* subnormal */
		return of_bits(rng() & ((UINT64_C(1) << 52) - 1)) *
		       (rng_below(2) ? 1 : -1);
	case 5: /* a power of two */
		return ldexp(1.0, (int)rng_below(2098) - 1074);
	default:
		/* 53 random bits at any exponent of a normal double. */
		return ldexp(1.0 + (double)(rng() >> 12) * 0x1p-52,
			     (int)rng_below(2046) - 1022) *
		       (rng_below(2) ? 1 : -1);
	}
}

/* A double-double whose high part is anywhere, and whose low part is 0,
 * -0, or below the high part by up to 80 binary orders (so that it runs
 * into subnormals for small high parts); normalized but now and then. */
static struct dd
any_dd(void)
{
	struct dd a;
	int e;

	a.hi = any_double();
	if (rng_below(8) == 0)
		a.hi = ldexp(1.0 + (double)rng_below(16) / 16,
			     (int)rng_below(60) - 30);
	switch (rng_below(6)) {
	case 0: a.lo = 0.0; break;
	case 1: a.lo = -0.0; break;
	default:
		e = isfinite(a.hi) && a.hi != 0.0 ? ilogb(a.hi) : 0;
		a.lo = ldexp((double)(rng() >> 11) * 0x1p-53,
			     e - 52 - (int)rng_below(80)) *
		       (rng_below(2) ? 1 : -1);
		if (rng_below(10) == 0)
			a.lo = ldexp(a.lo, (int)rng_below(60)); /* too big */
		break;
	}
	if (rng_below(10) != 0 && isfinite(a.hi) && fabs(a.lo) <= fabs(a.hi))
		a = dd_quick_two_sum(a.hi, a.lo);
	return a;
}

/* A divisor: mostly powers of two (of either sign, with a low part of 0
 * or -0), and other values, which dd_div_pow2 must turn down. */
static struct dd
any_divisor(void)
{
	struct dd b = {ldexp(1.0, (int)rng_below(2100) - 1076), 0.0};

	switch (rng_below(10)) {
	case 0: b.lo = -0.0; break;
	case 1: b.hi = -b.hi; break;
	case 2: b = any_dd(); break;
	case 3:
		b.hi = (double)(rng_below(64) + 1); /* a count */
		break;
	case 4: b.lo = ldexp(b.hi, -60); break;
	case 5: /* small powers, as counts of rows and pairs are */
		b.hi = ldexp(1.0, (int)rng_below(20));
		break;
	}
	return b;
}

static void
test_div(void)
{
	long quick = 0;

	for (long i = 0; i < 4000000; i++) {
		struct dd a = any_dd(), b = any_divisor(), q, want;

		want = dd_div_steps(a, b);
		if (dd_div_pow2(a, b, &q)) {
			quick++;
			if (!CHECK(same_dd(q, want)))
				printf("  %a %a / %a %a: %a %a, not %a %a\n",
				       a.hi, a.lo, b.hi, b.lo, q.hi, q.lo,
				       want.hi, want.lo);
		}
		CHECK(same_dd(dd_div(a, b), want));
	}
	/* Most of them went the quick way, or the test says little. */
	CHECK(quick > 1000000);
}

/* Counts of rows and pairs as they come, and some of any size. */
static uint64_t
any_count(void)
{
	switch (rng_below(6)) {
	case 0: return rng();
	case 1: return (UINT64_C(1) << 53) + rng_below(5) - 2;
	case 2: return UINT64_C(1) << rng_below(64);
	default: return rng_below(2000);
	}
}

static void
test_mul_u64(void)
{
	for (long i = 0; i < 4000000; i++) {
		struct dd a = any_dd();
		uint64_t n = any_count();
		struct dd want = dd_mul(a, dd_from_u64_wide(n)), got;

		got = dd_mul_u64(a, n);
		if (!CHECK(same_dd(got, want)))
			printf("  %a %a * %" PRIu64 ": %a %a, not %a %a\n",
			       a.hi, a.lo, n, got.hi, got.lo, want.hi, want.lo);
	}
}

static void
test_from_u64(void)
{
	for (long i = 0; i < 1000000; i++) {
		uint64_t n = any_count();
		struct dd got = dd_from_u64(n), want = dd_from_u64_wide(n);

		CHECK(same_dd(got, want));
		/* And exactly N: hi + lo as integers. */
		if (n < (UINT64_C(1) << 63))
			CHECK((uint64_t)got.hi + (uint64_t)(int64_t)got.lo ==
			      n);
	}
	CHECK(bits_of(dd_from_u64(0).lo) == 0);
	CHECK(bits_of(dd_from_u64(UINT64_MAX).hi) == bits_of(0x1p64));
}

/* Hand cases: the sign of a zero low part, the first normal quotients,
 * and the divisors the batches have (32 rows of weight 1). */
static void
test_div_hand(void)
{
	struct dd q;

	CHECK(dd_div_pow2((struct dd){3.0, -0.0}, (struct dd){32.0, 0.0}, &q));
	CHECK(bits_of(q.hi) == bits_of(3.0 / 32) && bits_of(q.lo) == 0);
	CHECK(dd_div_pow2((struct dd){1.0, 0x1p-60}, (struct dd){32.0, 0.0},
			  &q));
	CHECK(q.hi == 0x1p-5 && q.lo == 0x1p-65);
	/* A low part whose quotient would be subnormal: the steps. */
	CHECK(!dd_div_pow2((struct dd){1.0, 0x1p-1070}, (struct dd){32.0, 0.0},
			   &q));
	CHECK(!dd_div_pow2((struct dd){0.0, 0.0}, (struct dd){32.0, 0.0}, &q));
	CHECK(!dd_div_pow2((struct dd){1.0, 0.5}, (struct dd){32.0, 0.0}, &q));
	CHECK(!dd_div_pow2((struct dd){1.0, 0.0}, (struct dd){24.0, 0.0}, &q));
	CHECK(!dd_div_pow2((struct dd){1.0, 0.0}, (struct dd){-32.0, 0.0}, &q));
	CHECK(!dd_div_pow2((struct dd){1.0, 0.0}, (struct dd){32.0, 0x1p-60},
			   &q));
	CHECK(!dd_div_pow2((struct dd){0x1p1000, 0.0},
			   (struct dd){0x1p-30, 0.0}, &q));
}

int
main(void)
{
	rng_state = 0x9e3779b97f4a7c15u;
	test_div_hand();
	test_div();
	test_mul_u64();
	test_from_u64();
	return check_finish("test_dd");
}
