/* numfmt.c: printf's %g, computed exactly in 128-bit integers.
 *
 * For a positive double v = m * 2^e and P significant digits, the digits
 * are round(v * 10^k) with k = P - 1 - floor(log10 v): that is m * 5^k
 * shifted by e + k bits, exact whenever 5^k fits in 64 bits, which covers
 * every value from about 1e-11 to 1e16.  The rest goes to snprintf, which
 * gives the same bytes, only slower.  The table's digits with trailing zeros
 * kept are %#g's, less a decimal point with no digit after it. */
#include "numfmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

static const uint64_t pow10_u64[] = {1ULL,
				     10ULL,
				     100ULL,
				     1000ULL,
				     10000ULL,
				     100000ULL,
				     1000000ULL,
				     10000000ULL,
				     100000000ULL,
				     1000000000ULL,
				     10000000000ULL,
				     100000000000ULL,
				     1000000000000ULL,
				     10000000000000ULL,
				     100000000000000ULL,
				     1000000000000000ULL,
				     10000000000000000ULL,
				     100000000000000000ULL};

static const uint64_t pow5_u64[28] = {1ULL,
				      5ULL,
				      25ULL,
				      125ULL,
				      625ULL,
				      3125ULL,
				      15625ULL,
				      78125ULL,
				      390625ULL,
				      1953125ULL,
				      9765625ULL,
				      48828125ULL,
				      244140625ULL,
				      1220703125ULL,
				      6103515625ULL,
				      30517578125ULL,
				      152587890625ULL,
				      762939453125ULL,
				      3814697265625ULL,
				      19073486328125ULL,
				      95367431640625ULL,
				      476837158203125ULL,
				      2384185791015625ULL,
				      11920928955078125ULL,
				      59604644775390625ULL,
				      298023223876953125ULL,
				      1490116119384765625ULL,
				      7450580596923828125ULL};

/* round(M * 5^K * 2^E) with ties to even, for 0 <= K <= 27; false when
 * the shift does not fit. */
static bool
scaled(uint64_t m, int e, int k, uint64_t *out)
{
	u128 x = (u128)m * pow5_u64[k];
	int s = e + k;

	if (s >= 0) {
		if (s > 10 || (x << s) >> s != x)
			return false;
		x <<= s;
	} else {
		u128 rest, half;

		if (-s >= 127)
			return false;
		rest = x & (((u128)1 << -s) - 1);
		half = (u128)1 << (-s - 1);
		x >>= -s;
		if (rest > half || (rest == half && (x & 1)))
			x++;
	}
	if (x >> 64)
		return false;
	*out = (uint64_t)x;
	return true;
}

/* The P significant digits of positive finite V as an integer in
 * [10^(P-1), 10^P), and the decimal exponent X of the rounded value. */
static bool
digits(double v, int prec, uint64_t *n, int *x)
{
	uint64_t bits, m;
	int e2, e;

	memcpy(&bits, &v, sizeof bits);
	if ((bits >> 52) == 0)
		return false; /* subnormal: rare enough for snprintf */
	m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
	e = (int)(bits >> 52) - 1075; /* v = m * 2^e */
	e2 = e + 53;		      /* v = f * 2^e2, f in [0.5, 1) */
	/* floor(log10 v) or one less: log10(2) ~ 78913 / 2^18. */
	int guess = (int)(((int64_t)(e2 - 1) * 78913) >> 18);

	for (int tries = 0; tries < 3; tries++) {
		int k = prec - 1 - guess;

		if (k < 0 || k > 27 || !scaled(m, e, k, n))
			return false;
		if (*n < pow10_u64[prec - 1]) {
			guess--;
			continue;
		}
		if (*n >= pow10_u64[prec]) {
			/* Either v really has a larger exponent, or rounding
			 * carried to 10^P: the same answer either way. */
			if (*n == pow10_u64[prec]) {
				*n = pow10_u64[prec - 1];
				*x = guess + 1;
				return true;
			}
			guess++;
			continue;
		}
		*x = guess;
		return true;
	}
	return false;
}

/* Lays out N (PREC digits) with exponent X as %g does: trailing zeros
 * dropped, or kept with ZEROS as %#g does. */
static int
layout(char *buf, bool neg, uint64_t n, int prec, int x, bool zeros)
{
	char d[20] = {0};
	int nd = prec, o = 0;

	for (int i = prec - 1; i >= 0; i--, n /= 10)
		d[i] = (char)('0' + n % 10);
	while (!zeros && nd > 1 && d[nd - 1] == '0')
		nd--;
	if (neg)
		buf[o++] = '-';
	if (x < -4 || x >= prec) {
		buf[o++] = d[0];
		if (nd > 1) {
			buf[o++] = '.';
			memcpy(buf + o, d + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		o += sprintf(buf + o, "e%c%02d", x < 0 ? '-' : '+',
			     x < 0 ? -x : x);
		return o;
	}
	if (x < 0) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (int i = 0; i < -x - 1; i++)
			buf[o++] = '0';
		memcpy(buf + o, d, (size_t)nd);
		o += nd;
	} else {
		int whole = x + 1;

		for (int i = 0; i < whole; i++)
			buf[o++] = i < nd ? d[i] : '0';
		if (nd > whole) {
			buf[o++] = '.';
			memcpy(buf + o, d + whole, (size_t)(nd - whole));
			o += nd - whole;
		}
	}
	buf[o] = '\0';
	return o;
}

/* "%#.PRECg" as C11 7.21.6.1 defines it, from %e and %f: glibc's own %#g
 * loses the zeros when rounding carries into a new digit ("%#.2g" of 99.95
 * prints "1.e+02", not "1.0e+02"). */
static int
fallback_zeros(char *buf, double v, int prec)
{
	int len = snprintf(buf, NUMFMT_SIZE, "%.*e", prec - 1, v);
	int x = atoi(strchr(buf, 'e') + 1);

	if (x >= -4 && x < prec)
		len = snprintf(buf, NUMFMT_SIZE, "%.*f", prec - 1 - x, v);
	return len;
}

static int
format(char *buf, double v, int prec, bool zeros)
{
	uint64_t n;
	int x;

	if (v != 0.0 && isfinite(v) && digits(fabs(v), prec, &n, &x))
		return layout(buf, signbit(v), n, prec, x, zeros);
	if (zeros && isfinite(v))
		return fallback_zeros(buf, v, prec);
	return snprintf(buf, NUMFMT_SIZE, "%.*g", prec, v);
}

int
numfmt_g17(char *buf, double v)
{
	return format(buf, v, 17, false);
}

int
numfmt_digits(char *buf, double v, int prec)
{
	return format(buf, v, prec, true);
}
